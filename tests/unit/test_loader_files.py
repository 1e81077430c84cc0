"""A checklist named by its path: each way the file itself can be wrong, and YAML that is not YAML, said as
the one line a person reads (file, line and column where there is one), with no checklist and no warnings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from heypeter_tui.core.loader import (
    MAX_FILE_BYTES,
    ChecklistError,
    load_checklist_source,
    validate_bytes,
    validate_file,
    validate_text,
)

HEAD = "schema: 1\nid: c\ntitle: C\n"


def said(validation) -> list[str]:
    assert validation.checklist is None and validation.warnings == ()
    return [str(problem) for problem in validation.errors]


def test_each_file_that_is_no_checklist_is_said_as_such(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "big.yaml").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    (tmp_path / "nul.yaml").write_bytes(b"schema: 1\nid: c\nti\x00tle: C\n")
    limit = "(a checklist is a file of at most 5 MB)"
    expected = {
        "missing.yaml": "missing.yaml: no such file",
        "": f": is a directory {limit}",
        "fifo": f"fifo: not a regular file (a FIFO, device or socket); refused {limit}",
        "file/c.yaml": "file/c.yaml: cannot read: a part of the path is not a directory",
        "big.yaml": f"big.yaml: larger than 5,242,880 bytes; refused {limit}",
        "nul.yaml": "nul.yaml:3:1: a binary file, not a checklist",
    }
    for name, message in expected.items():
        path = tmp_path / name if name else tmp_path
        assert said(validate_file(path)) == [f"{tmp_path}/{message}" if name else f"{tmp_path}{message}"]
        with pytest.raises(ChecklistError) as raised:
            load_checklist_source(path)
        assert [str(problem) for problem in raised.value.problems] == said(validate_file(path))


def test_bytes_over_the_limit_are_refused_before_they_are_read_as_text() -> None:
    assert said(validate_bytes(b"a" * (MAX_FILE_BYTES + 1), "c.yaml")) == [
        "c.yaml: file is 5,242,881 bytes; a checklist may be at most 5,242,880"
    ]
    assert said(validate_bytes(b"#" * MAX_FILE_BYTES, "c.yaml")) == [
        "c.yaml: no checklist in the file, only comments; expected schema, id, title and sections"
    ]


@pytest.mark.parametrize("text", ["# only a comment\n", "  # indented\n\n# two\n", "\n   \n# after blank lines\n"])
def test_a_file_of_comments_alone_is_no_checklist_and_no_crash(text: str) -> None:
    """It once reached the node reader as no node at all: `internal error (AttributeError ...)`."""
    assert said(validate_text(text, "c.yaml")) == [
        "c.yaml: no checklist in the file, only comments; expected schema, id, title and sections"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schema: 1\nid: [c\n", "3:1: YAML syntax: expected ',' or ']', but got '<stream end>'"),
        ("a: b\n  c: d\n", "2:4: YAML syntax: mapping values are not allowed here"),
        ("key: 'open\n", "2:1: YAML syntax: found unexpected end of stream"),
        ("\t- x\n", "1:1: YAML syntax: found character '\\t' that cannot start any token"),
        ("%YAML 9.9\n---\na: 1\n", "1:1: YAML syntax: found incompatible YAML document (version 1.* is required)"),
        ("[" * 100_000, " nested too deeply to be a checklist"),
        ("schema: 1\nid: c\x07\n", "2:6: character U+0007 is not allowed in a checklist"),
        ("a: b\x1b[31m\n", "1:5: character U+001B is not allowed in a checklist"),
    ],
    ids=["unclosed", "indent", "quote", "tab", "version", "deep", "bell", "escape"],
)
def test_yaml_that_does_not_parse_is_said_at_its_line_and_column(text: str, message: str) -> None:
    assert said(validate_text(text, "c.yaml")) == [f"c.yaml:{message}"]


def test_a_checklist_that_reads_is_returned_with_its_very_bytes(tmp_path: Path) -> None:
    data = (HEAD + "sections:\n  - title: S\n    items: [a]\n").encode()
    (tmp_path / "c.yaml").write_bytes(data)
    checklist, source = load_checklist_source(tmp_path / "c.yaml")
    assert checklist.id == "c" and source == data
