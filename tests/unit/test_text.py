from heypeter_tui.core.text import clean, clean_line


def test_markup_is_left_alone_as_text() -> None:
    assert clean("[red]x[/] [@click=app.quit]q[/] a [/] b") == "[red]x[/] [@click=app.quit]q[/] a [/] b"


def test_escape_sequences_are_removed_whole() -> None:
    hostile = "a\x1b[31mred\x1b[0m b\x1b]52;c;aGVsbG8=\x07c\x1b[2J\x1b[H d\x9b31m e\x1b]0;title\x1b\\f"
    assert clean(hostile) == "ared bc d ef"


def test_controls_go_but_newline_and_tab_stay() -> None:
    assert clean("a\x00b\x07c\x7fd\x85e\n\tf") == "abcde\n\tf"


def test_clean_line_folds_line_breaks() -> None:
    assert clean_line("first\r\n  second\nthird\tx") == "first second third x"


def test_unterminated_osc_does_not_swallow_less_than_itself() -> None:
    assert clean("ok \x1b]52;c;AAAA") == "ok "
