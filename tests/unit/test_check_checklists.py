"""A checklist's `check:` as the loader, the JSON Schema, `validate` and a run's log read it.

The command is read as written and refused, with its FILE:LINE:COL, rather than cleaned: what runs must be what
was reviewed and trusted, so anything that would not show as it runs is an error, never a silent change.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from heypeter_tui.cli import main
from heypeter_tui.core.checklist import checklist_from_dict
from heypeter_tui.core.checks import (
    MAX_COMMAND,
    MAX_EVERY,
    MAX_TIMEOUT,
    MIN_EVERY,
    MIN_TIMEOUT,
    Check,
    command_problem,
)
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.events import Actor
from heypeter_tui.core.loader import validate_text
from heypeter_tui.core.run import RunLogError, fold
from heypeter_tui.core.trust import content_digest
from tests.conftest import created_event

SCHEMA = json.loads((Path(__file__).parents[2] / "heypeter_tui" / "checklist.schema.json").read_text())
HEAD = "schema: 1\nid: x\ntitle: T\nsections:\n  - title: S\n    items:\n"
"""An item's YAML goes after this: its first line is line 7, its mapping's first key at column 9."""
WHERE = "section 'S': item 'A': check"


def loaded(items: str):
    validation = validate_text(HEAD + items, "f.yaml")
    return validation, [str(error) for error in validation.errors]


def schema_accepts(items: str) -> bool:
    try:
        jsonschema.validate(yaml.safe_load(HEAD + items), SCHEMA)
    except jsonschema.ValidationError:
        return False
    return True


def only_check(validation) -> Check | None:
    assert validation.checklist is not None, validation.errors
    return validation.checklist.groups[0].items[0].check


GOOD = {
    "a command": ('      - {id: a, text: A, check: "curl -fsS https://shop.example/health"}\n',
                  Check("curl -fsS https://shop.example/health")),
    "run and timeout": ('      - {id: a, text: A, check: {run: "pg_isready -h db", timeout: 30s}}\n',
                        Check("pg_isready -h db", 30)),
    "every with a timer": ("      - {id: a, text: A, timer: 30m, check: {run: 'true', every: 1m, timeout: 1h}}\n",
                           Check("true", 3600, 60)),
    "the shortest and longest": ("      - {id: a, text: A, timer: 2d, check: {run: x, timeout: 1s, every: 24h}}\n",
                                 Check("x", 1, 86400)),
    "a block scalar, quotes and pipes kept": (
        "      - id: a\n        text: A\n        check:\n          run: |\n            set -eu\n"
        "            curl -fsS 'https://shop.example/health?deep=1&x=2' \\\n"
        "              | grep -q '\"status\": *\"ok\"'   # a comment stays\n"
        "            test \"$(date +%s)\" -gt 0\n",
        Check("set -eu\ncurl -fsS 'https://shop.example/health?deep=1&x=2' \\\n"
              "  | grep -q '\"status\": *\"ok\"'   # a comment stays\ntest \"$(date +%s)\" -gt 0"),
    ),
    "spaces and tabs inside kept": ('      - {id: a, text: A, check: "printf \'%s\\t%s\' a  b "}\n',
                                    Check("printf '%s\\t%s' a  b ".replace("\\t", "\t"))),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_the_loader_and_the_schema_accept_both_forms_and_keep_the_command_byte_for_byte(name: str) -> None:
    items, expected = GOOD[name]
    validation, errors = loaded(items)
    assert errors == [] and not validation.warnings
    assert only_check(validation) == expected
    assert schema_accepts(items)


# (the item's YAML, the error the loader gives at FILE:LINE:COL, whether the schema can tell: it checks shapes,
# kinds and characters; the ranges of a duration are `validate`'s alone)
BAD = {
    "empty run": ('      - {text: A, check: {run: "  "}}\n', f"f.yaml:7:32: {WHERE} run is empty", True),
    "empty command": ('      - {text: A, check: ""}\n', f"f.yaml:7:26: {WHERE} is empty", True),
    "no command at all": ("      - {text: A, check: }\n", f"f.yaml:7:25: {WHERE} must be a command (text), not nothing",
                          True),
    "ESC in a double-quoted command": ('      - {text: A, check: "echo \\e[31mred"}\n',
                                       f"f.yaml:7:26: {WHERE} holds character U+001B, which would not show", True),
    "a carriage return": ('      - {text: A, check: {run: "echo ok\\rrm -rf ~"}}\n',
                          f"f.yaml:7:32: {WHERE} run holds character U+000D", True),
    "a bidi override": ('      - {text: A, check: "echo \\u202Eabc"}\n', f"f.yaml:7:26: {WHERE} holds character U+202E",
                        True),
    "a zero-width space": ('      - {text: A, check: "curl https://shop\\u200b.example"}\n',
                           f"f.yaml:7:26: {WHERE} holds character U+200B", True),
    "a line separator that sh does not break on": (
        '      - {text: A, check: "true\\L# harmless; rm -rf ~"}\n', f"f.yaml:7:26: {WHERE} holds character U+2028",
        True),
    "a no-break space before # that sh does not split on": (
        '      - {text: A, check: "true\\u00a0# harmless; rm -rf ~"}\n', f"f.yaml:7:26: {WHERE} holds character U+00A0",
        True),
    "an em space": ('      - {text: A, check: "true\\u2003# x; rm -rf ~"}\n',
                    f"f.yaml:7:26: {WHERE} holds character U+2003", True),
    "a blank Hangul filler": ('      - {text: A, check: "true\\u3164# x; rm -rf ~"}\n',
                              f"f.yaml:7:26: {WHERE} holds character U+3164", True),
    "the Arabic letter mark": ('      - {text: A, check: "echo \\u061cabc"}\n',
                               f"f.yaml:7:26: {WHERE} holds character U+061C", True),
    "an invisible tag": ('      - {text: A, check: "curl https://x/\\U000E0041"}\n',
                         f"f.yaml:7:26: {WHERE} holds character U+E0041", False),
    "a variation selector before #, which sh reads as part of a word": (
        '      - {text: A, check: "true \ufe0f# only a comment; echo PWNED"}\n',
        f"f.yaml:7:26: {WHERE} holds character U+FE0F", True),
    "a combining grapheme joiner": ('      - {text: A, check: "true \u034f# x"}\n',
                                    f"f.yaml:7:26: {WHERE} holds character U+034F", True),
    "a Khmer invisible vowel": ('      - {text: A, check: "true \u17b4# x"}\n',
                                f"f.yaml:7:26: {WHERE} holds character U+17B4", True),
    "a musical formatting character": ('      - {text: A, check: "true \U0001D173# x"}\n',
                                       f"f.yaml:7:26: {WHERE} holds character U+1D173", False),
    "an Arabic number sign (a format character)": ('      - {text: A, check: "true \u0600# x"}\n',
                                                    f"f.yaml:7:26: {WHERE} holds character U+0600", True),
    "a private-use character": ('      - {text: A, check: "true \ue000# x"}\n',
                                f"f.yaml:7:26: {WHERE} holds character U+E000", True),
    "a variation selector supplement": ('      - {text: A, check: "true \U000E0100# x"}\n',
                                        f"f.yaml:7:26: {WHERE} holds character U+E0100", False),
    "too long": ('      - {text: A, check: "' + "x" * (MAX_COMMAND + 1) + '"}\n',
                 f"f.yaml:7:26: {WHERE} is 16,385 characters; at most 16,384 are allowed", True),
    "timeout of 0s": ("      - {text: A, check: {run: x, timeout: 0s}}\n",
                      f"f.yaml:7:44: {WHERE} timeout '0s' is out of range: from 1s to 1h", False),
    "timeout over an hour": ("      - {text: A, check: {run: x, timeout: 61m}}\n",
                             f"f.yaml:7:44: {WHERE} timeout '61m' is out of range: from 1s to 1h", False),
    "a negative timeout": ("      - {text: A, check: {run: x, timeout: -30s}}\n",
                           f"f.yaml:7:44: {WHERE} timeout '-30s' is out of range", True),
    "timeout without a unit": ("      - {text: A, check: {run: x, timeout: 30}}\n",
                               f"f.yaml:7:44: {WHERE} timeout '30' is not a duration; expected a form like 30s", True),
    "timeout in words": ("      - {text: A, check: {run: x, timeout: soon}}\n",
                         f"f.yaml:7:44: {WHERE} timeout 'soon' is not a duration", True),
    "every too often": ("      - {text: A, timer: 30m, check: {run: x, every: 4s}}\n",
                        f"f.yaml:7:54: {WHERE} every '4s' is out of range: from 5s to 1d", False),
    "an unknown key": ("      - {text: A, check: {run: x, timout: 30s}}\n",
                       f"f.yaml:7:35: {WHERE}: unknown key 'timout'; did you mean 'timeout'?", True),
    "no run": ("      - {text: A, check: {timeout: 30s}}\n", f"f.yaml:7:26: {WHERE}: missing required key 'run'", True),
    "every without a timer": ("      - {text: A, check: {run: x, every: 60s}}\n",
                              f"f.yaml:7:42: {WHERE} every repeats the check while the item's timer runs", True),
    "a list": ("      - {text: A, check: [curl, -f, x]}\n",
               f"f.yaml:7:26: {WHERE} must be a command or a mapping (run:, timeout:, every:), not a list", True),
    "run as a list": ("      - {text: A, check: {run: [a, b]}}\n", f"f.yaml:7:32: {WHERE} run must be a command", True),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_check_is_refused_at_its_file_line_and_column(name: str) -> None:
    items, message, schema_tells = BAD[name]
    validation, errors = loaded(items)
    assert validation.checklist is None
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert not schema_accepts(items) or not schema_tells  # where the schema can tell, it refuses too


def test_the_schema_is_valid_and_says_what_a_check_is() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    check = SCHEMA["$defs"]["item"]["oneOf"][1]["properties"]["check"]
    assert "description" in check and all("description" in form for form in check["oneOf"])
    mapping = SCHEMA["$defs"]["check"]
    assert mapping["required"] == ["run"] and mapping["additionalProperties"] is False
    assert set(mapping["properties"]) == {"run", "timeout", "every"}


def test_validate_exits_0_on_good_checks_and_2_naming_each_bad_one(tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.yaml"
    items = [items.replace("id: a", f"id: a{n}") for n, (items, _) in enumerate(GOOD.values())]
    good.write_text(HEAD + "".join(items))
    assert main(["validate", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + BAD["ESC in a double-quoted command"][0] + BAD["every without a timer"][0].replace("A", "B"))
    capsys.readouterr()
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:7:26: {WHERE} holds character U+001B" in err
    assert f"{bad}:8:42: section 'S': item 'B': check every repeats" in err
    assert "\x1b" not in err


COMMANDS = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Zs", "Zl", "Zp", "Co", "Cn"))
    | st.sampled_from("\n\t '\"\\|&;$`#:-{}[]!%@*"),
    min_size=1, max_size=60,
).filter(lambda text: command_problem(text) is None and text == text.strip("\n"))


@settings(max_examples=60, deadline=None)
@given(command=COMMANDS, timeout=st.integers(MIN_TIMEOUT, MAX_TIMEOUT),
       every=st.none() | st.integers(MIN_EVERY, MAX_EVERY))
def test_a_check_survives_the_file_and_the_log_unchanged(command: str, timeout: int, every: int | None) -> None:
    check = Check(command, timeout, every)
    item = {"id": "a", "text": "A", "timer": "1h", "check": check.to_dict()}
    data = {"schema": 1, "id": "x", "title": "T", "sections": [{"id": "s", "title": "S", "items": [item]}]}
    validation = validate_text(yaml.safe_dump(data, allow_unicode=True), "f.yaml")
    assert not validation.errors
    assert only_check(validation) == check  # the file: the command byte for byte
    again = checklist_from_dict(json.loads(json.dumps(validation.checklist.to_dict())))
    assert again == validation.checklist and content_digest(again) == content_digest(validation.checklist)


def test_a_logs_checklist_whose_command_holds_a_control_is_not_a_readable_run() -> None:
    template = {"schema": 1, "id": "x", "title": "T", "sections": [
        {"id": "s", "title": "S", "items": [{"id": "a", "text": "A", "check": {"run": "echo hi"}}]}]}
    item = template["sections"][0]["items"][0]
    assert checklist_from_dict(template).groups[0].items[0].check == Check("echo hi")
    for run in ("echo \x1b]52;c;ZXZpbA==\x07", "true\u2028# comment; rm -rf ~", "true\xa0# x; rm -rf ~", "echo \u202e",
                " ", "x" * 16385):
        item["check"] = {"run": run}
        with pytest.raises(ValueError, match="^a check's command "):
            checklist_from_dict(template)
    item["check"] = {"run": "echo \x1b[2J"}
    with pytest.raises(RunLogError, match="no readable checklist"):
        fold([created_event(Actor("a", "a", "h"), datetime(2026, 12, 3, tzinfo=timezone.utc), template=template)])
    for bad in ({"run": "x", "every": "1m"}, {"run": "x", "timeout": "2h"}, "echo", {"run": 5}):
        item["check"] = bad
        with pytest.raises(ValueError):
            checklist_from_dict(template)


def test_a_command_changed_by_one_character_is_another_digest() -> None:
    first, _ = loaded('      - {id: a, text: A, check: "curl -fsS https://shop.example/health"}\n')
    second, _ = loaded('      - {id: a, text: A, check: "curl -fsS https://shop.example/health "}\n')
    assert content_digest(first.checklist) != content_digest(second.checklist)
    assert format_duration(only_check(first).timeout) == "1m"  # the default timeout, written into the log
