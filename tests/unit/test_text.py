"""The one cleaning rule: nothing a terminal would act on survives, everything else does."""

from __future__ import annotations

import re

import pytest

from heypeter_tui.core.text import clean, clean_line

# Each hostile string, and what a person must see instead.
HOSTILE = [
    ("title \x1b]0;pwned\x07 end", "title  end"),  # OSC 0: window and pane title
    ("title \x1b]2;pwned\x1b\\ end", "title  end"),  # OSC 2, ended by ST
    ("link \x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "link click"),  # OSC 8 hyperlink
    ("copy \x1b]52;c;cHduZWQ=\x07 end", "copy  end"),  # OSC 52: the clipboard
    ("clear \x1b[2J\x1b[H end", "clear  end"),  # CSI
    ("red \x1b[31mtext\x1b[0m", "red text"),
    ("dcs \x1bP1$r0m\x1b\\ end", "dcs  end"),  # DCS ... ST
    ("apc \x1b_payload\x1b\\ end", "apc  end"),
    ("c1 csi \x9b2J end", "c1 csi  end"),  # 8-bit CSI
    ("c1 osc \x9d0;pwned\x9c end", "c1 osc  end"),  # 8-bit OSC
    ("nel \x85 end", "nel end"),  # a line break, folded
    ("nul \x00 bell \x07 del \x7f end", "nul  bell  del  end"),
    ("cr overwrite\rFAKE", "cr overwrite FAKE"),
    ("bidi \u202eevil\u202c \u2066isolate\u2069 end", "bidi evil isolate end"),  # Trojan Source
    ("lone surrogate \ud800 end", "lone surrogate \ufffd end"),
    ("unterminated \x1b]52;c;AAAA", "unterminated "),
]


@pytest.mark.parametrize(("hostile", "shown"), HOSTILE)
def test_hostile_strings_lose_exactly_what_a_terminal_would_act_on(hostile: str, shown: str) -> None:
    assert clean_line(hostile) == shown
    cleaned = clean(hostile)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", cleaned)
    cleaned.encode("utf-8")  # always printable and encodable


def test_markup_is_left_alone_as_text() -> None:
    assert clean("[red]x[/] [@click=app.quit]q[/] a [/] b") == "[red]x[/] [@click=app.quit]q[/] a [/] b"


def test_controls_go_but_newline_and_tab_stay() -> None:
    assert clean("a\x00b\x07c\x7fd\x85e\n\tf") == "abcde\n\tf"


def test_clean_line_folds_every_line_break() -> None:
    assert clean_line("first\r\n  second\nthird\tx\u2028fourth\u2029fifth") == "first second third x fourth fifth"


def test_text_people_write_is_untouched() -> None:
    for text in ("Déploiement à 14 h", "数据库迁移", "emoji 👩‍💻 ok", "| pipes | and [brackets]", "מסד נתונים"):
        assert clean(text) == text and clean_line(text) == text
