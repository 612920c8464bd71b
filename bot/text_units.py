"""How a platform counts a text's length, and where a text may be cut.

Telegram counts UTF-16 code units (4,096 for a message, 1,024 for a caption): an emoji
outside the Basic Multilingual Plane ("🌹", "😀") is two of them, a family emoji "👩‍👩‍👧"
eight. Python counts code points, so a text that is 4,000 characters long can be 5,000
units long and refused. WeChat counts characters.

A cut is made between graphemes (what a person sees as one character), never inside an
emoji sequence or between a letter and its accent: Python's strings never split a
surrogate pair, but a cut after a zero-width joiner or before a skin tone would still show
the person a broken emoji.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

_ZWJ = "\u200d"


class TextUnits(StrEnum):
    CHARACTERS = "characters"  # code points, as Python's len()
    UTF16 = "utf16"  # UTF-16 code units (Telegram)

    def length(self, text: str) -> int:
        if self is TextUnits.UTF16:
            return utf16_length(text)
        return len(text)

    def of_char(self, char: str) -> int:
        return 2 if self is TextUnits.UTF16 and ord(char) > 0xFFFF else 1

    def cut(self, text: str, limit: int) -> int:
        """Where to cut ``text`` so its head fits ``limit`` units: an index into ``text``
        (``len(text)`` when it all fits). The cut falls between graphemes, after a space
        when one is in the second half of the head, and always takes at least one
        character, so a caller cutting in a loop moves on."""
        used = 0
        end = 0
        for char in text:
            used += self.of_char(char)
            if used > limit:
                break
            end += 1
        else:
            return len(text)
        cut = end
        while cut > 0 and not grapheme_boundary(text, cut):
            cut -= 1
        if cut == 0:  # one grapheme longer than the limit: cut it rather than loop
            return max(end, 1)
        space = max(text.rfind(" ", 0, cut), text.rfind("\u3000", 0, cut))
        if space + 1 > cut // 2 and grapheme_boundary(text, space + 1):
            return space + 1
        return cut


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: two for every code point above U+FFFF."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def grapheme_boundary(text: str, index: int) -> bool:
    """Whether a cut before ``text[index]`` keeps every grapheme whole.

    The rules that matter for chat text (a subset of Unicode's UAX #29): no cut before a
    combining mark, a zero-width joiner, a variation selector, a skin tone or an emoji
    tag; none after a zero-width joiner; none inside a flag (a pair of regional
    indicators); none between CR and LF.
    """
    if index <= 0 or index >= len(text):
        return True
    before, after = text[index - 1], text[index]
    if before == _ZWJ or _extends(after):
        return False
    if before == "\r" and after == "\n":
        return False
    if _regional(before) and _regional(after):
        # Flags pair up from the start of a run: a cut is inside one when an odd number
        # of indicators precede it in the run.
        run = 0
        at = index - 1
        while at >= 0 and _regional(text[at]):
            run += 1
            at -= 1
        return run % 2 == 0
    return True


def _extends(char: str) -> bool:
    code = ord(char)
    return (
        char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (emoji or text style)
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tags (subdivision flags)
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
