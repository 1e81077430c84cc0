"""The terminal's input, read so that no byte can stop the dashboard.

Textual's Linux driver decodes what the terminal sends as strict UTF-8: one byte that is not UTF-8
(a Latin-1 terminal, an 8-bit Meta key, `tmux send-keys -H 9b`) kills its input thread, and the app
with a traceback (Textual issue #6456, open against the pinned 8.2.8). Until Textual decodes with
`errors="replace"` itself, the driver module is given a decoder factory that does: such a byte
arrives as U+FFFD, which no binding answers to.
"""

from __future__ import annotations

import codecs
import functools


def tolerate_malformed_input() -> None:
    """Make the Linux driver's input decoder replace malformed bytes instead of raising. Idempotent."""
    from textual.drivers import linux_driver

    current = linux_driver.getincrementaldecoder
    if getattr(current, "tolerant", False):
        return

    def tolerant_decoder(encoding: str):
        return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")

    tolerant_decoder.tolerant = True  # type: ignore[attr-defined]
    linux_driver.getincrementaldecoder = tolerant_decoder
