"""The dashboard's input: a byte that is not UTF-8 is a replacement character, never the end of the app."""

from __future__ import annotations


def test_a_byte_that_is_not_utf8_reaches_the_dashboard_as_a_replacement_character() -> None:
    from textual.drivers import linux_driver

    from heypeter_tui.ui.terminal import tolerate_malformed_input

    tolerate_malformed_input()
    tolerate_malformed_input()  # idempotent
    decode = linux_driver.getincrementaldecoder("utf-8")().decode
    assert decode(b"a\x9b\xffb\xc3") == "a\ufffd\ufffdb" and decode(b"\xa9", final=True) == "é"
