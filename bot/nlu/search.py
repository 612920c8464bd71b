"""Product search and FAQ matching over the catalog index."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.catalog import Catalog, FaqEntry
from bot.nlu.analysis import analyse
from bot.nlu.catalog_index import CATEGORY, index_for
from bot.nlu.items import FUZZY_SUGGEST, fuzzy_scores
from bot.nlu.questions import find_phrase
from bot.nlu.text import join_keys, prepare


def match_faq(text: str, catalog: Catalog) -> FaqEntry | None:
    """The FAQ entry a question is about, or None.

    Each keyword found in the text (whole words in English, anywhere in Chinese) scores
    its length, so "how long does shipping take" prefers shipping over a stray "pay";
    a text close to an entry's question scores too. Ties go to the earlier entry.
    """
    prepared = prepare(text)
    if prepared is None or not prepared.toks:
        return None
    index = index_for(catalog)
    keys = [t.key for t in prepared.toks]
    joined = join_keys([t for t in prepared.toks if t.kind != "sep"])
    best: FaqEntry | None = None
    best_score = 0.0
    for faq in index.faq:
        score = float(
            sum(len("".join(k)) for k in faq.keywords if find_phrase(keys, k) is not None)
        )
        if any(fuzz.ratio(joined, question) >= 85 for question in faq.questions):
            score += 10
        if score > best_score:
            best, best_score = faq.entry, score
    return best


def rank_products(query: str, catalog: Catalog, limit: int = 5) -> list[str]:
    """Skus best matching a search phrase, best first; for search and "did you mean".

    Exact names and aliases score 100, words inside a name 85-90, a category or tag
    75-80, and otherwise the rapidfuzz similarity of the words to any name or alias in
    either language; below ``FUZZY_SUGGEST`` a product is left out, so nonsense finds
    nothing rather than random products.
    """
    if limit <= 0:
        return []
    prepared = prepare(query)
    if prepared is None or not prepared.toks:
        return []
    index = index_for(catalog)
    analysis = analyse(prepared, index)
    scores: dict[str, float] = {}
    for span in analysis.spans:
        top = max(int(strength) for strength in span.tiers.values())
        for sku, strength in span.tiers.items():
            if int(strength) > CATEGORY or top == CATEGORY:  # "mask" is not the hand cream
                scores[sku] = max(scores.get(sku, 0.0), min(100.0, 65.0 + 10.0 * strength))
    words = [
        tok
        for tok, label in zip(prepared.toks, analysis.labels, strict=True)
        if label in ("content", "span")
    ]
    for sku, score in fuzzy_scores(join_keys(words), index).items():
        if score >= FUZZY_SUGGEST:
            scores[sku] = max(scores.get(sku, 0.0), score)
    ranked = sorted(scores, key=lambda sku: (-scores[sku], index.order.get(sku, 0)))
    return ranked[:limit]
