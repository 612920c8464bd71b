"""One line of plain text from whatever a person typed into a name, address or note.

Those texts are shown to the owner inside an order card. A newline, a Unicode line or
paragraph separator, a control character or a bidi override in them could fake a line
of the card ("Status: paid") or turn its text around, so they are taken out before the
text is stored and again before it is shown (for what an earlier version stored).
"""

from __future__ import annotations

import re
import unicodedata

# Joiners are part of emoji sequences (👩‍👩‍👧) and some scripts: kept.
_KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """``text`` as a single line: breaks and tabs become spaces; control, format and
    bidi characters are dropped; runs of spaces become one."""
    cleaned = []
    for char in unicodedata.normalize("NFC", text):
        if char.isspace():
            cleaned.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            if char in _KEPT_FORMAT:
                cleaned.append(char)
        else:
            cleaned.append(char)
    return _SPACES.sub(" ", "".join(cleaned)).strip()
