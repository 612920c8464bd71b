"""From product mentions to items: the quantity each takes, the unit that picks a product,
typos and unknown products.

* **The unit decides** when it can: candidates whose unit fits the unit said are kept ("two
  boxes of oranges" -> by the box, "来三斤脐橙" -> by the jin); when none fits, their
  siblings that do are tried ("三斤橙子"). Generic counters (个 份 件 只) decide nothing.
* In a part of the message each mention takes the quantity written before it ("2 rose
  masks"), or after it when none comes first ("rose mask x3", "玫瑰面膜两盒"); a part
  holding only a quantity belongs to the product before it ("hand cream, 2").
* Only when nothing matched is rapidfuzz used ("rosemask", "walnutts"): ``FUZZY_ACCEPT``
  or more makes a candidate; ``FUZZY_SUGGEST`` or more a "did you mean".
* An unknown product ("2 durians", "我要榴莲") needs a quantity or an order verb in its
  own part of the message, must be short, and must not be a service word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz, process

from bot.nlu.analysis import Analysis, Span
from bot.nlu.catalog_index import EXACT, Index
from bot.nlu.entities import ParsedItem
from bot.nlu.lexicon import (
    EN_UNITS,
    GENERIC_UNITS,
    SERVICE_WORDS,
    UNIT_KIND,
    WH_PHRASES,
    WH_WORDS,
    ZH_UNITS,
)
from bot.nlu.quantities import Quantity
from bot.nlu.questions import find_phrase
from bot.nlu.text import Text, Tok, join_keys

MAX_ITEMS = 20  # items read from one message; a longer list is not a chat order
MAX_CANDIDATES = 5
MAX_SUGGESTIONS = 3
FUZZY_ACCEPT = 85.0  # a typo this close is taken as the product ("rosemask", "jerkey")
FUZZY_SUGGEST = 60.0  # this close is offered as "did you mean"
MAX_FUZZY_CHARS = 60
MAX_UNKNOWN_WORDS = 4
MAX_UNKNOWN_TOKENS = 8

# --- from mentions to items -------------------------------------------------------------------


def unit_fits(sku: str, unit: str, index: Index) -> bool:
    if unit in GENERIC_UNITS:
        return True
    return UNIT_KIND.get(unit, unit) in index.unit_kinds.get(sku, frozenset())


def apply_unit(ranked: list[str], unit: str | None, index: Index) -> list[str]:
    """Keep the candidates the unit fits; failing that, their siblings it fits."""
    if unit is None or unit in GENERIC_UNITS or not ranked:
        return ranked
    fitting = [sku for sku in ranked if unit_fits(sku, unit, index)]
    if fitting:
        return fitting
    redirected: list[str] = []
    for sku in ranked:
        for sibling in index.siblings.get(sku, ()):
            if sibling not in redirected and unit_fits(sibling, unit, index):
                redirected.append(sibling)
    return redirected or ranked


def unit_fits_one(ranked: Sequence[str], unit: str | None, index: Index) -> bool | None:
    if unit is None or len(ranked) != 1:
        return None
    return unit_fits(ranked[0], unit, index)


def rank_span(tiers: Mapping[str, float], index: Index) -> list[str]:
    """Candidates of one mention: exact matches and their siblings, else the best tier."""
    top = max(int(strength) for strength in tiers.values())
    if top == EXACT:
        exact = [sku for sku, strength in tiers.items() if strength >= EXACT]
        keep = [
            sku
            for sku, strength in tiers.items()
            if strength >= EXACT or any(sku in index.siblings.get(e, ()) for e in exact)
        ]
    else:
        keep = [sku for sku, strength in tiers.items() if int(strength) == top]
    return sorted(keep, key=lambda sku: (-tiers[sku], index.order.get(sku, 0)))


def unit_in_span(toks: Sequence[Tok], ranked: Sequence[str], index: Index) -> str | None:
    """A unit word inside the product words ("orange box"), if it fits a candidate."""
    for tok in toks:
        unit = EN_UNITS.get(tok.key) if tok.kind == "word" else tok.key
        known = unit in EN_UNITS.values() or unit in ZH_UNITS
        if (
            unit is not None
            and known
            and unit not in GENERIC_UNITS
            and any(unit_fits(sku, unit, index) for sku in ranked)
        ):
            return unit
    return None


def fuzzy_scores(query: str, index: Index) -> dict[str, float]:
    """Each product's best rapidfuzz score (0-100) against its names and aliases."""
    query = query[:MAX_FUZZY_CHARS].strip()
    squeezed = query.replace(" ", "")
    if len(squeezed) < (3 if squeezed.isascii() else 2):
        return {}
    terms = index.fuzzy_terms
    # Each term scores its best of the squeezed ratio and, when the query or the term has
    # several words, the word-order-free ratio; scored in batches by rapidfuzz.
    best = [0.0] * len(terms)
    for _, score, i in process.extract(
        squeezed, index.fuzzy_squeezed, scorer=fuzz.ratio, limit=None
    ):
        best[i] = score
    texts: list[str]
    where: Sequence[int]
    if " " in query:
        texts, where = [t.text for t in terms], range(len(terms))
    else:
        texts, where = list(index.fuzzy_spaced_texts), index.fuzzy_spaced
    for _, score, j in process.extract(query, texts, scorer=fuzz.token_sort_ratio, limit=None):
        i = where[j]
        best[i] = max(best[i], score)
    scores: dict[str, float] = {}
    for term, score in zip(terms, best, strict=True):
        if score > scores.get(term.sku, 0.0):
            scores[term.sku] = score
    return scores


def refine(ranked: list[str], query: str, index: Index) -> list[str]:
    """Let the words around a vague mention pick one candidate when clearly closer to it.

    "hnad cream": "cream" fits two creams, but "hnad cream" is closest to the hand cream.
    """
    scores = fuzzy_scores(query, index)
    ordered = sorted(ranked, key=lambda sku: -scores.get(sku, 0.0))
    best, second = (scores.get(sku, 0.0) for sku in ordered[:2])
    if best >= 75 and best - second >= 8:
        return [ordered[0]]
    return ranked


def said_whole(quantities: Sequence[Quantity]) -> bool:
    """False when the quantity said was a fraction ("半斤", "2.5 jin") rounded up."""
    valued = next((q for q in quantities if q.value is not None), None)
    return valued is None or valued.whole


def said_quantity(quantities: Sequence[Quantity]) -> tuple[int | None, str | None]:
    """The first number said and its unit (or the first unit said on its own)."""
    valued = next((q for q in quantities if q.value is not None), None)
    unit = valued.unit if valued is not None and valued.unit else None
    if unit is None:
        unit = next((q.unit for q in quantities if q.unit), None)
    return (valued.value if valued is not None else None), unit


def span_item(
    text: Text,
    analysis: Analysis,
    index: Index,
    span: Span,
    quantities: Sequence[Quantity],
    segment: tuple[int, int],
) -> ParsedItem:
    """The item of one product mention.

    A vague mention ("cream" in "hnad cream") takes in the unknown words around it, which
    may pick the product and are quoted with it; an exact one does not ("I love rose
    masks, 2 more" quotes "rose masks").
    """
    labels = analysis.labels
    value, unit = said_quantity(quantities)
    first, last = span.start, span.end
    vague = max(span.tiers.values()) < EXACT
    while vague and first > segment[0] and labels[first - 1] == "content":
        first -= 1
    while vague and last < segment[1] and labels[last] == "content":
        last += 1
    ranked = rank_span(span.tiers, index)
    if unit is None:
        unit = unit_in_span(text.toks[span.start : span.end], ranked, index)
    if (first, last) != (span.start, span.end) and len(ranked) > 1:
        ranked = refine(ranked, join_keys(text.toks[first:last]), index)
    ranked = apply_unit(ranked, unit, index)[:MAX_CANDIDATES]
    return ParsedItem(
        text=text.quote(first, last),
        quantity=1 if value is None else value,
        candidates=tuple(ranked),
        suggestions=(),
        unit=unit,
        unit_matches=unit_fits_one(ranked, unit, index),
        whole=said_whole(quantities),
    )


def span_items(
    text: Text,
    analysis: Analysis,
    index: Index,
    segment: tuple[int, int],
    spans: Sequence[Span],
) -> list[tuple[int, ParsedItem]]:
    """Items of a segment naming products; each takes the quantity before it, or after it.

    When the segment starts with a quantity ("2 rose masks 1 hand cream", "两盒面膜一支
    护手霜") each product takes the quantity written before it; otherwise each takes the
    one after it ("rose mask x2 hand cream x1", "玫瑰面膜两盒护手霜一支").
    """
    start, end = segment
    bounds: list[tuple[int, int]] = []
    previous = start
    for span in spans:
        bounds.append((previous, span.start))
        previous = span.end
    bounds.append((previous, end))
    windows = [[q for q in analysis.quantities if a <= q.start < b] for a, b in bounds]
    count = len(spans)
    before = bool(windows[0]) or not windows[count]
    items: list[tuple[int, ParsedItem]] = []
    for k, span in enumerate(spans):
        if count == 1:
            chosen = windows[0] or windows[1]
        elif before:
            chosen = windows[k] or (windows[count] if k == count - 1 else [])
        else:
            chosen = windows[k + 1]
        items.append((span.start, span_item(text, analysis, index, span, chosen, segment)))
    return items


def first_content_run(labels: Sequence[str], start: int, end: int) -> tuple[int, int] | None:
    first = next((i for i in range(start, end) if labels[i] == "content"), None)
    if first is None:
        return None
    last = first
    while last < end and labels[last] == "content":
        last += 1
    return first, last


def is_service(keys: Sequence[str], index: Index) -> bool:
    """Words about the service or a question ("pay", "退货", "how much"), not a product."""
    if any(k in SERVICE_WORDS or k in WH_WORDS for k in keys):
        return True
    phrases = (*index.service_phrases, *WH_PHRASES)
    return any(find_phrase(keys, phrase) is not None for phrase in phrases)


def content_item(
    text: Text,
    analysis: Analysis,
    index: Index,
    segment: tuple[int, int],
    message_orders: bool,
) -> ParsedItem | None:
    """A segment naming no known product: a typo of one, an unknown product, or nothing."""
    start, end = segment
    run = first_content_run(analysis.labels, start, end)
    if run is None:
        return None
    first, last = run
    toks = text.toks[first:last]
    quantities = [q for q in analysis.quantities if start <= q.start < end]
    value, unit = said_quantity(quantities)
    quantity = 1 if value is None else value
    scores = fuzzy_scores(join_keys(toks), index)
    ranked = sorted(scores, key=lambda sku: (-scores[sku], index.order.get(sku, 0)))
    if ranked and scores[ranked[0]] >= FUZZY_ACCEPT:
        floor = max(FUZZY_ACCEPT, scores[ranked[0]] - 5)
        candidates = apply_unit([s for s in ranked if scores[s] >= floor], unit, index)
        candidates = candidates[:MAX_CANDIDATES]
        return ParsedItem(
            text.quote(first, last),
            quantity,
            tuple(candidates),
            (),
            unit,
            unit_fits_one(candidates, unit, index),
            said_whole(quantities),
        )
    labels = analysis.labels[start:end]
    cue = (
        any(q.explicit for q in quantities)
        or "strong" in labels
        or "weak" in labels
        or message_orders
    )
    words = sum(1 for t in toks if t.kind == "word")
    if not cue or words > MAX_UNKNOWN_WORDS or len(toks) > MAX_UNKNOWN_TOKENS:
        return None
    if len(toks) == 1 and toks[0].kind == "word" and len(toks[0].key) < 2:
        return None  # "31m", "2 x": a stray letter is no product name
    if is_service([t.key for t in toks], index):
        return None
    suggestions = tuple(s for s in ranked if scores[s] >= FUZZY_SUGGEST)[:MAX_SUGGESTIONS]
    return ParsedItem(text.quote(first, last), quantity, (), suggestions, unit, None)


def split_segments(labels: Sequence[str]) -> list[tuple[int, int]]:
    """Token ranges between separators ("and", "和", ",", newline...)."""
    segments: list[tuple[int, int]] = []
    start = 0
    for i, label in enumerate([*labels, "sep"]):
        if label == "sep":
            if i > start:
                segments.append((start, i))
            start = i + 1
    return segments


def join_bare_quantities(
    segments: list[tuple[int, int]], analysis: Analysis
) -> list[tuple[int, int]]:
    """A part holding only a quantity belongs to the product before it ("hand cream, 2")."""
    joined: list[tuple[int, int]] = []
    previous_named = False
    for start, end in segments:
        labels = analysis.labels[start:end]
        named = "span" in labels
        bare = not named and "content" not in labels
        counted = any(start <= q.start < end and q.value is not None for q in analysis.quantities)
        if joined and previous_named and bare and counted:
            joined[-1] = (joined[-1][0], end)
            continue
        joined.append((start, end))
        previous_named = named
    return joined


def items_of(text: Text, analysis: Analysis, index: Index) -> list[ParsedItem]:
    found: list[tuple[int, ParsedItem]] = []
    without_products: list[tuple[int, int]] = []
    for segment in join_bare_quantities(split_segments(analysis.labels), analysis):
        spans = [s for s in analysis.spans if segment[0] <= s.start < segment[1]]
        if spans:
            found.extend(span_items(text, analysis, index, segment, spans))
        else:
            without_products.append(segment)
    message_orders = bool(found) or "strong" in analysis.labels
    for segment in without_products:
        item = content_item(text, analysis, index, segment, message_orders)
        if item is not None:
            found.append((segment[0], item))
    found.sort(key=lambda pair: pair[0])
    return without_echoes([item for _, item in found])[:MAX_ITEMS]


def without_echoes(items: list[ParsedItem]) -> list[ParsedItem]:
    """Drop a vague mention that only echoes a product the message already names: in
    "some wipes for my baby", "baby" could be the wipes or the baby cream, but the wipes
    are named, so nobody is asked which "baby" they meant."""
    settled = {item.candidates[0] for item in items if len(item.candidates) == 1}
    return [
        item
        for item in items
        if len(item.candidates) < 2 or item.unit is not None or not settled & set(item.candidates)
    ]
