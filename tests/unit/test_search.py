"""Search: every word typed found in an item's text, key, owner or notes, case-insensitively, at most `limit` built."""

from __future__ import annotations

from pathlib import Path

import pytest

from heypeter_tui.core import commands
from heypeter_tui.core.search import MAX_RESULTS, Found, note_snippet, search_items

FIND = """\
schema: 1
id: find
title: Find
sections:
  - title: Network
    owner: Operations Manager
    items:
      - {id: fw, text: Firewall rules configured}
      - {id: dns, text: Domain DNS configured, owner: Network Lead}
  - title: Data
    owner: Tech Lead
    items:
      - {id: backup, text: Backup strategy implemented}
      - {id: pool, text: Connection pooling configured}
phases:
  - title: Cutover
    items:
      - {id: flip, text: Flip the DNS record}
signoffs: [Tech Lead, Operations Manager]
"""


@pytest.fixture
def state(tmp_path: Path, context):
    """A run of FIND with one note on data/pool and two on network/fw."""
    path = tmp_path / "find.yaml"
    path.write_text(FIND)
    context.create_run("Release", str(path), None)
    session = context.current_session()
    for key, text in [("data/pool", "PgBouncer on port 6432\nsized for 400 clients"),
                      ("network/fw", "opened port 443 only"), ("network/fw", "checked by Straße team")]:
        session.record(commands.add_note(session.state, key, text))
    return session.state


def keys(found: Found) -> list[str]:
    return [match.key for match in found.matches]


def test_item_text_finds_it_case_insensitively(state) -> None:
    assert keys(search_items(state, "firewall")) == ["network/fw"]
    assert keys(search_items(state, "FIREWALL")) == ["network/fw"]
    assert keys(search_items(state, "configured")) == ["network/fw", "network/dns", "data/pool"]  # checklist order


def test_item_id_and_key_find_it(state) -> None:
    assert keys(search_items(state, "backup")) == ["data/backup"]
    assert keys(search_items(state, "flip")) == ["cutover/flip"]
    assert keys(search_items(state, "data/")) == ["data/backup", "data/pool"]  # the group's id is in the key
    assert keys(search_items(state, "cutover")) == ["cutover/flip"]  # not in its text: only its key has it


def test_a_note_finds_its_item_and_shows_where(state) -> None:
    found = search_items(state, "pgbouncer")
    assert keys(found) == ["data/pool"]
    assert found.matches[0].note == "PgBouncer on port 6432 sized for 400 clients"  # one line
    assert search_items(state, "clients").matches[0].note.endswith("400 clients")  # the note's second line


def test_the_latest_note_holding_the_word_is_shown(state) -> None:
    [match] = search_items(state, "port 443").matches
    assert match.key == "network/fw" and match.note == "opened port 443 only"
    assert search_items(state, "straße").matches[0].note == "checked by Straße team"


def test_no_note_is_shown_where_the_item_itself_matched(state) -> None:
    [match] = search_items(state, "firewall").matches
    assert match.note == ""
    [match] = search_items(state, "firewall 443").matches  # firewall in the text, 443 only in a note
    assert match.note == "opened port 443 only"


def test_owner_finds_items_own_or_inherited(state) -> None:
    assert keys(search_items(state, "tech lead")) == ["data/backup", "data/pool"]
    assert keys(search_items(state, "network lead")) == ["network/dns"]  # its own owner, not the section's
    assert keys(search_items(state, "operations")) == ["network/fw"]  # dns names its own owner
    match = search_items(state, "backup").matches[0]
    assert (match.owner, match.group.title, match.item.text, match.status) == (
        "Tech Lead", "Data", "Backup strategy implemented", "pending")


def test_every_word_must_match_somewhere(state) -> None:
    assert keys(search_items(state, "dns")) == ["network/dns", "cutover/flip"]
    assert keys(search_items(state, "dns flip")) == ["cutover/flip"]
    assert keys(search_items(state, "  flip   dns ")) == ["cutover/flip"]  # any order, any spacing
    assert keys(search_items(state, "dns nowhere")) == []
    assert keys(search_items(state, "firewall 6432")) == []  # 6432 is in another item's note


def test_no_match_and_no_words(state) -> None:
    assert search_items(state, "kubernetes") == Found([])
    assert search_items(state, "flip").matches[0].owner is None
    assert search_items(state, "flip xxxx") == Found([])  # no owner is no text to match
    assert search_items(state, "") == Found([])
    assert search_items(state, "   \t ") == Found([])


def test_status_is_the_items_now(state, context) -> None:
    session = context.current_session()
    session.record(commands.set_status(session.state, "network/fw", "blocked", "vendor"))
    assert search_items(session.state, "firewall").matches[0].status == "blocked"


def test_at_most_limit_are_built_and_more_said(tmp_path: Path, context) -> None:
    items = "\n".join(f"      - {{id: i{n}, text: Item {n}}}" for n in range(MAX_RESULTS + 50))
    path = tmp_path / "many.yaml"
    path.write_text(f"schema: 1\nid: many\ntitle: Many\nsections:\n  - title: All\n    items:\n{items}\n")
    context.create_run("Many", str(path), None)
    state = context.current_session().state
    found = search_items(state, "item")
    assert len(found.matches) == MAX_RESULTS and found.more is True  # said to be there, not counted: matching stops
    assert found.matches[-1].key == f"all/i{MAX_RESULTS - 1}"  # the first ones, in order
    assert search_items(state, "item", limit=3) == Found(search_items(state, "item").matches[:3], more=True)
    assert search_items(state, "item 7").more is False


def test_a_long_note_is_cut_around_the_words_first_place() -> None:
    text = "a" * 100 + " needle " + "b" * 100 + " needle"
    assert note_snippet([text], "needle", width=40) == "…" + "a" * 12 + " needle " + "b" * 20 + "…"  # a third before
    assert note_snippet(["needle at the start"], "needle") == "needle at the start"
    assert note_snippet(["x" * 40], "x", width=40) == "x" * 40  # ends at the window's end: nothing left off
    assert note_snippet(["x" * 41], "x", width=40) == "x" * 40 + "…"
    assert note_snippet(["no such word"], "needle") == ""


def test_the_word_is_found_after_letters_that_fold_longer() -> None:
    text = "ß" * 100 + " needle"  # each ß folds to ss: the folded place is twice as far along
    assert note_snippet([text], "needle", width=40) == "…" + "ß" * 12 + " needle"
