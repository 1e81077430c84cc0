"""Text from files and people is data: strip everything a terminal would act on.

Removed: whole escape sequences (CSI, OSC such as clipboard writes, DCS/SOS/PM/APC, two-byte
ESC sequences, and their 8-bit C1 forms), then any remaining C0 control (but newline and tab),
DEL and C1 control. What is left is printable text, shown literally by the UI.
"""

from __future__ import annotations

import re

# Compiled on first use (re caches them): most text is printable and never needs them.
_ESCAPE_SEQUENCES = (
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?              # CSI ... final byte (or cut short)
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC ... BEL or ST
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?  # DCS / SOS / PM / APC ... ST
    | \x1b[ -/]*[0-~]?                      # other ESC sequences, or a lone ESC
    | \x9b[0-?]*[ -/]*[@-~]?                # 8-bit CSI
    | [\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c)?  # 8-bit OSC / DCS / SOS / PM / APC
    """
)
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
_LINE_BREAKS = r"\s*[\r\n]+\s*"


def clean(text: str) -> str:
    """Text safe to show: no escape sequences, no controls but newline and tab."""
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n")
    return re.sub(_CONTROLS, "", re.sub(_ESCAPE_SEQUENCES, "", text, flags=re.VERBOSE))


def clean_line(text: str) -> str:
    """Like `clean`, for one-line places (titles, names): line breaks become spaces."""
    if text.isprintable():
        return text
    return clean(re.sub(_LINE_BREAKS, " ", text)).replace("\t", " ")
