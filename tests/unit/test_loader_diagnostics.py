"""Every shape a checklist may take, and every mistake in one, with what the loader says, word for word.

Each case is a small file; the golden file tests/data/golden/loader-diagnostics.json holds, for each, the
errors and warnings (file:line:column: message) or the checklist read. After a deliberate change of a
message, `UPDATE_GOLDEN=1 make unit` rewrites it and the diff goes into review.
"""

from __future__ import annotations

import json

from heypeter_tui.core.loader import validate_text
from tests.conftest import check_golden

HEAD = "schema: 1\nid: c\ntitle: C\n"
ONE = "sections:\n  - title: S\n    items: [a]\n"
CASES = {
    "every shape": HEAD + "product: P\nsections:\n  - id: s1\n    title: S\n    due: -2h\n    items:\n"
    "      - plain\n      - {id: x, text: T, optional: true, opens: w, closes: w2, timer: 90s}\n"
    "phases:\n  - title: P\n    gated: yes\n    due: 0m\n    items: [{text: Go, timer: 1h}]\n"
    "signoffs: [A, {role: B}]\ncontacts:\n  - R1\n  - {role: R2, name: N, phone: '1', email: e@x}\n"
    "  - {role: R3, name: ~}\n",
    "not a mapping": "[1, 2]\n",
    "a scalar": "just text\n",
    "schema missing": "id: c\ntitle: C\n" + ONE,
    "schema as text": HEAD.replace("schema: 1", "schema: '1'") + ONE,
    "schema huge": HEAD.replace("schema: 1", "schema: 99999999999") + ONE,
    "id missing": "schema: 1\ntitle: C\n" + ONE,
    "id bad": HEAD.replace("id: c", "id: 'a b'") + ONE,
    "id too long": HEAD.replace("id: c", "id: " + "a" * 200) + ONE,
    "id with a trailing line break (trimmed)": HEAD.replace("id: c", 'id: "c\\n"') + ONE,
    "title empty": HEAD.replace("title: C", "title: ''") + ONE,
    "title a list": HEAD.replace("title: C", "title: [x]") + ONE,
    "product a map": HEAD + "product: {a: 1}\n" + ONE,
    "sections empty": HEAD + "sections: []\n",
    "sections a map": HEAD + "sections: {a: 1}\n",
    "section a scalar": HEAD + "sections: [x]\n",
    "section unknown key": HEAD + "sections:\n  - title: S\n    gated: true\n    items: [a]\n",
    "section no title": HEAD + "sections:\n  - items: [a]\n",
    "section no items": HEAD + "sections:\n  - title: S\n",
    "section id twice": HEAD + "sections:\n  - {title: S, items: [a]}\n  - {id: s, title: T, items: [b]}\n",
    "phase and section share an id": HEAD + ONE + "phases:\n  - {id: s, title: P, items: [b]}\n",
    "due bad": HEAD + "sections:\n  - {title: S, due: soon, items: [a]}\n",
    "due too far": HEAD + "sections:\n  - {title: S, due: 400d, items: [a]}\n",
    "gated not a boolean": HEAD + ONE + "phases:\n  - {title: P, gated: maybe, items: [b]}\n",
    "item a list": HEAD + "sections:\n  - title: S\n    items:\n      - [a]\n",
    "item empty text": HEAD + "sections:\n  - title: S\n    items: ['']\n",
    "item no text": HEAD + "sections:\n  - title: S\n    items: [{id: a}]\n",
    "item unknown key": HEAD + "sections:\n  - title: S\n    items: [{text: a, timr: 5m}]\n",
    "item id twice, explicit": HEAD + "sections:\n  - title: S\n    items: [{id: a, text: A}, {id: a, text: B}]\n",
    "item id twice, derived": HEAD + "sections:\n  - title: S\n    items: [Do it, do it]\n",
    "item optional bad": HEAD + "sections:\n  - title: S\n    items: [{text: a, optional: 2}]\n",
    "item opens bad": HEAD + "sections:\n  - title: S\n    items: [{text: a, opens: 'x y'}]\n",
    "item closes bad": HEAD + "sections:\n  - title: S\n    items: [{text: a, closes: [w]}]\n",
    "item timer zero": HEAD + "sections:\n  - title: S\n    items: [{text: a, timer: 0s}]\n",
    "item timer too long": HEAD + "sections:\n  - title: S\n    items: [{text: a, timer: 32d}]\n",
    "item timer a number": HEAD + "sections:\n  - title: S\n    items: [{text: a, timer: 5}]\n",
    "item text too long": HEAD + "sections:\n  - title: S\n    items: ['" + "x" * 4001 + "']\n",
    "signoffs a map": HEAD + ONE + "signoffs: {a: 1}\n",
    "signoff role twice": HEAD + ONE + "signoffs: [QA, qa]\n",
    "signoff empty": HEAD + ONE + "signoffs: ['']\n",
    "signoff mapping unknown key": HEAD + ONE + "signoffs: [{role: A, name: B}]\n",
    "signoff mapping no role": HEAD + ONE + "signoffs: [{}]\n",
    "signoff role a list": HEAD + ONE + "signoffs: [{role: [A]}]\n",
    "contacts a scalar": HEAD + ONE + "contacts: x\n",
    "contact role twice": HEAD + ONE + "contacts: [Ops, {role: OPS}]\n",
    "contact unknown key": HEAD + ONE + "contacts: [{role: Ops, pager: '1'}]\n",
    "contact no role": HEAD + ONE + "contacts: [{name: N}]\n",
    "contact field a list": HEAD + ONE + "contacts: [{role: Ops, phone: [1]}]\n",
    "contact empty role": HEAD + ONE + "contacts: [{role: ''}]\n",
    "contact a list": HEAD + ONE + "contacts: [[Ops]]\n",
    "a tag": HEAD + ONE + "product: !secret x\n",
    "a boolean key": HEAD + ONE + "true: x\n",
    "a null item": HEAD + "sections:\n  - title: S\n    items: [~]\n",
    "a float title": HEAD.replace("title: C", "title: 1.5") + ONE,
    "unknown top key near a known one": HEAD + ONE + "signoff: [A]\n",
    "unknown top key": HEAD + ONE + "colour: red\n",
    "tab indentation": HEAD + "sections:\n\t- title: S\n",
    "two documents": HEAD + ONE + "---\nschema: 1\n",
    "booleans as people write them": HEAD
    + "sections:\n  - title: S\n    items:\n"
    + "".join(
        f"      - {{text: 'item {n}', optional: {word}}}\n"
        for n, word in enumerate(("true", "True", "yes", "Yes", "on", "ON", "false", "no", "off", "No", "OFF"))
    ),
    "long values are cut in messages": HEAD + "sections:\n  - title: S\n    due: " + "d" * 100 + "\n    items:\n"
    "      - {text: a, timer: " + "t" * 100 + "}\n      - {text: b, optional: " + "o" * 100 + "}\n"
    "signoffs: " + "s" * 100 + "\n",
    "nothing where text goes": HEAD.replace("title: C", "title: ~") + ONE,
    "a sequence of nothing": HEAD + "sections:\n  -\n",
    "a tagged signoff mapping": HEAD + ONE + "signoffs: [!x {role: A}, B]\n",
    "roles after a mistake are still read": HEAD + ONE + "signoffs: ['', QA, qa, Ops]\n"
    "contacts: [{name: N}, Ops, {role: R}, [x], {role: S}]\n",
    "durations at their limits": HEAD + "sections:\n  - {title: S1, due: -366d, items: [{text: a, timer: 1s}]}\n"
    "  - {title: S2, due: 366d, items: [{text: b, timer: 31d}]}\n",
    "owners on groups and items, cleaned to one line": HEAD
    + "sections:\n  - title: S\n    owner: QA Lead\n    items: [a, {text: b, owner: \"Dana\\n Tech\"}]\n"
    "phases:\n  - {title: P, owner: 42, items: [c]}\n",
    "owner a list": HEAD + "sections:\n  - title: S\n    owner: [QA]\n    items: [a]\n",
    "owner too long": HEAD + "sections:\n  - title: S\n    items: [{text: a, owner: " + "o" * 201 + "}]\n",
    "item owner empty": HEAD + "sections:\n  - title: S\n    items: [{text: a, owner: ''}]\n",
    "y and n are not booleans": HEAD
    + "sections:\n  - title: S\n    items: [{text: a, optional: y}, {text: b, optional: n}]\n",
}


def test_every_shape_and_mistake_is_read_or_said_word_for_word() -> None:
    results = {}
    for name, text in CASES.items():
        validation = validate_text(text, "c.yaml")
        checklist = validation.checklist
        results[name] = {
            "errors": [str(problem) for problem in validation.errors],
            "warnings": [str(problem) for problem in validation.warnings],
            "checklist": checklist.to_dict() if checklist else None,
        }
        assert bool(results[name]["errors"]) == (checklist is None), name  # refused exactly when it says why
    check_golden("loader-diagnostics.json", json.dumps(results, indent=2, ensure_ascii=False) + "\n")
