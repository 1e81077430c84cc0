"""Text from files and people is data: strip everything a terminal would act on.

Removed: whole escape sequences (CSI, OSC such as clipboard writes and titles, DCS/SOS/PM/APC,
two-byte ESC sequences, and their 8-bit C1 forms), then any remaining C0 control (but newline and
tab), DEL and C1 control, and the bidirectional overrides and isolates that make text read in
another order than it is stored (Trojan Source). A lone surrogate (JSON can carry one) becomes
U+FFFD, so the text can always be encoded. What is left is printable text, shown literally.

The rule is applied where text leaves the program (widgets, everything the CLI prints, the
Markdown record) and where it enters (flags, config, dialogs), but never relied on at entry:
any writer may put anything in a log.
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
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_SURROGATES = r"[\ud800-\udfff]"
_LINE_BREAKS = r"\s*(?:\r\n|[\r\n\u2028\u2029\x85])+\s*"


def clean(text: str) -> str:
    """Text safe to show: no escape sequences, no controls but newline and tab."""
    if text.isprintable():
        return text
    text = re.sub(_SURROGATES, "\ufffd", text.replace("\r\n", "\n").replace("\u2028", "\n").replace("\u2029", "\n"))
    return re.sub(_CONTROLS, "", re.sub(_ESCAPE_SEQUENCES, "", text, flags=re.VERBOSE))


def clean_line(text: str) -> str:
    """Like `clean`, for one-line places (titles, names): line breaks become spaces."""
    if text.isprintable():
        return text
    return clean(re.sub(_LINE_BREAKS, " ", text)).replace("\t", " ")


def count(number: int, noun: str, plural: str = "") -> str:
    """`1 item`, `2 items`, `1,234 events`: the one way a number and its noun are written (`plural` where
    adding an s is wrong: `1 entry`, `2 entries`)."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with `…`, where a place shows only so much."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def check_length(text: str, limit: int, what: str) -> str:
    """`text` if it is at most `limit` characters; else UserError saying so (at entry: flags, dialogs)."""
    if len(text) > limit:
        from heypeter_tui.core.errors import UserError

        raise UserError(f"{what} is {len(text):,} characters; at most {limit:,} are allowed")
    return text


# Limits on what people type, checked where it enters (flags, config, dialogs). The log's reader
# is more generous (see core/validate.py): a longer value written elsewhere is shown cut short.
MAX_OPERATOR = 80
MAX_NAME = 120
MAX_SIGNATURE = 1000
MAX_REASON = 2000
MAX_NOTE = 64 * 1024
MAX_CONTACT_FIELD = 254
MAX_TITLE = 200

