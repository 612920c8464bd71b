"""Understanding what customers type.

One reading per message (``read``: its intents and what they are about) before any route
runs; the order parser, FAQ matcher, product search and language guess it is built from.
Everything here is pure: the same text, catalog and context always give the same answer,
nothing is read or written, and no input makes it raise.

The package, smallest pieces first: characters (Traditional and emoji), text (normalise and
tokenise), lexicon_en / lexicon_zh (the words, as data) merged by lexicon, quantities,
catalog_index, analysis (labelling a message), questions, items, orders (``parse_order``),
search (FAQ and products), language, intents (what a message wants), reading (``read``
and ``explain``).
"""

from __future__ import annotations

from bot.nlu.entities import OrderIntent, ParsedItem
from bot.nlu.items import MAX_CANDIDATES, MAX_ITEMS
from bot.nlu.language import detect_language
from bot.nlu.orders import parse_number, parse_order
from bot.nlu.search import match_faq, rank_products
from bot.nlu.text import MAX_CHARS

__all__ = [
    "MAX_CANDIDATES",
    "MAX_CHARS",
    "MAX_ITEMS",
    "OrderIntent",
    "ParsedItem",
    "detect_language",
    "match_faq",
    "parse_number",
    "parse_order",
    "rank_products",
]
