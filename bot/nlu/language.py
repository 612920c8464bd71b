"""Which language a message is written in."""

from __future__ import annotations

import re
import unicodedata

from bot.nlu.text import HAN_RE, LATIN_RE, MAX_CHARS


def detect_language(text: str) -> str | None:
    """Return "zh" if the text has Chinese characters, "en" if Latin letters, else None."""
    if not isinstance(text, str):
        return None
    sample = unicodedata.normalize("NFKC", text[: MAX_CHARS * 4])
    if HAN_RE.search(sample):
        return "zh"
    if LATIN_RE.search(sample):
        return "en"
    return None


# Short words that are English all the same: a new customer writing "hi" or "ok" is
# answered in English, not in the shop's default language.
_SHORT_ENGLISH = frozenset(
    {"hi", "ok", "k", "kk", "ty", "yo", "no", "yes", "yep", "thx", "hey", "pls"}
)
_LATIN_WORD = re.compile(r"[a-zA-Z]+")


def written_language(text: str) -> str | None:
    """The language a reply to ``text`` should be in, or None when the text says nothing.

    Chinese characters say Chinese; English words say English, short ones ("hi", "ok",
    "thx") included; digits, signs, a phone number or a stray letter ("2 x") say nothing.
    """
    language = detect_language(text)
    if language != "en":
        return language
    words = _LATIN_WORD.findall(unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower())
    letters = sum(len(w) for w in words)
    return "en" if letters >= 3 or any(w in _SHORT_ENGLISH for w in words) else None
