"""Both languages' words merged into the tables the reader matches against.

The words themselves live in lexicon_en.py and lexicon_zh.py; this module only joins them
and turns phrases into match keys once, at import.
"""

from __future__ import annotations

import re

from bot.nlu import lexicon_en as en
from bot.nlu import lexicon_zh as zh
from bot.nlu.text import keys_of

EN_ONES = en.ONES
EN_TENS = en.TENS
EN_NUMBERS: dict[str, int] = {
    **en.ONES,
    **en.TENS,
    **{  # "twenty-five" loses its hyphen and becomes one word
        tens + one: tens_value + one_value
        for tens, tens_value in en.TENS.items()
        for one, one_value in en.ONES.items()
        if 1 <= one_value <= 9
    },
}
EN_COUNTS = en.COUNTS
ZH_DIGITS = zh.DIGITS
ZH_POWERS = zh.POWERS
ZH_NUMERALS = frozenset(zh.DIGITS) | frozenset(zh.POWERS)

EN_UNITS = en.UNITS
EN_BARE_UNITS = en.BARE_UNITS
ZH_UNITS = zh.UNITS
GENERIC_UNITS = en.GENERIC_UNITS | zh.GENERIC_UNITS
# Units that are the same thing for fitting a product ("盒" and "箱" are both a box).
UNIT_KIND = {**en.UNIT_KIND, **zh.UNIT_KIND}

STOP = en.STOP
PACKING = zh.PACKING
JOINERS = en.JOINERS | zh.JOINERS
NO_PARTIAL = en.NO_PARTIAL | zh.NO_PARTIAL
SERVICE_WORDS = en.SERVICE_WORDS
SERVICE_PHRASES = tuple(keys_of(p) for p in zh.SERVICE_PHRASES)
WH_WORDS = en.WH_WORDS
WH_PHRASES = tuple(keys_of(p) for p in (*zh.WH_PHRASES, *en.WH_PHRASES))
YES_NO_FIRST = en.YES_NO_FIRST
YES_NO_SECOND = en.YES_NO_SECOND
YES_NO_PHRASES = tuple(keys_of(p) for p in (*zh.YES_NO_PHRASES, *en.YES_NO_PHRASES))
CHATTER = tuple(keys_of(p) for p in (*en.CHATTER, *zh.CHATTER))
AVAILABILITY = tuple(keys_of(p) for p in (*en.AVAILABILITY, *zh.AVAILABILITY))
QUESTION_ENDINGS = zh.QUESTION_ENDINGS

# Code-looking junk is never an order.
CODE_RE = re.compile(
    r"\b(?:select|insert|update|delete|drop|union|alter|truncate|exec)\b"
    r".*\b(?:from|into|table|where|set|database|select|values)\b"
    r"|;\s*--|'\s*;|/\*|<\s*script|\bor\s+'?\d+'?\s*=\s*'?\d+",
    re.S,
)


def _phrase_table() -> tuple[dict[tuple[str, ...], str], int]:
    table: dict[tuple[str, ...], str] = {}
    for label, phrases in (
        ("strong", (*en.STRONG_VERBS, *zh.STRONG_VERBS)),
        ("weak", (*en.WEAK_VERBS, *zh.WEAK_VERBS)),
        ("sep", (*en.SEPARATORS, *zh.SEPARATORS)),
        ("filler", (*en.FILLERS, *zh.FILLERS)),
    ):
        for phrase in phrases:
            keys = keys_of(phrase)
            if keys:
                table.setdefault(keys, label)
    return table, max(len(k) for k in table)


# Phrase keys -> "strong" (an order verb), "weak", "sep" (between items) or "filler".
PHRASES, PHRASE_MAX = _phrase_table()
