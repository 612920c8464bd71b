"""Which language a message is written in."""

from __future__ import annotations

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
