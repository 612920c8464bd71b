"""The catalog index: every way a customer may name a product, computed once per catalog.

Each product is known by its names in both languages (with and without the part in
brackets) and its aliases. Words typed by the customer match a product:

* ``EXACT``: they are one of those names or aliases ("rose mask", "玫瑰面膜", "oranges").
* ``PARTIAL``: they are part of one ("mask", "面膜", "cream", "桂花"); a partial Chinese
  match needs two characters; a few everyday English words ("well", "green"...) never
  match partially.
* ``CATEGORY``: they name a category or a tag, or part of a category name ("tea", "水果").

*Siblings* are the same product sold in another unit (same category, one base name the
prefix of the other, different unit): the navel oranges by the box and by the jin.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.catalog import Catalog, FaqEntry, Product
from bot.nlu.lexicon import (
    EN_NUMBERS,
    EN_UNITS,
    NO_PARTIAL,
    PACKING,
    SERVICE_PHRASES,
    STOP,
    UNIT_KIND,
    ZH_NUMERALS,
    ZH_UNITS,
)
from bot.nlu.text import join_keys, keys_of, normalize, tokenize

# Match tiers. A phrase's strength is its tier plus half the share of the name it covers,
# so among partial matches "tea" ranks "jasmine tea" above "green tea clay mask".
EXACT, PARTIAL, CATEGORY = 3, 2, 1


# --- the catalog index ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FuzzyTerm:
    sku: str
    text: str  # keys joined
    squeezed: str  # same without spaces


@dataclass(frozen=True, slots=True)
class Faq:
    entry: FaqEntry
    keywords: tuple[tuple[str, ...], ...]
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Index:
    """Everything matching needs from a catalog, computed once per catalog object."""

    phrases: Mapping[tuple[str, ...], Mapping[str, float]]  # phrase keys -> {sku: strength}
    starts: frozenset[str]  # first keys of all phrases, to skip hopeless positions fast
    max_len: int
    fuzzy_terms: tuple[FuzzyTerm, ...]
    # The same terms laid out for rapidfuzz's batch scoring (one call per message instead
    # of two per term): their squeezed forms, and which have several words with their texts.
    fuzzy_squeezed: tuple[str, ...]
    fuzzy_spaced: tuple[int, ...]
    fuzzy_spaced_texts: tuple[str, ...]
    unit_kinds: Mapping[str, frozenset[str]]
    siblings: Mapping[str, tuple[str, ...]]
    order: Mapping[str, int]
    faq: tuple[Faq, ...]
    service_phrases: tuple[tuple[str, ...], ...]


BRACKETS_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def base_name(name: str) -> str:
    return BRACKETS_RE.sub(" ", name).strip()


def product_terms(product: Product) -> list[str]:
    terms: list[str] = []
    for name in (product.name.en, product.name.zh):
        terms.append(name)
        base = base_name(name)
        if base and base != name:
            terms.append(base)
    terms.extend(product.aliases)
    return terms


def is_number_key(key: str) -> bool:
    return key.isdigit() or key in EN_NUMBERS or key in ("a", "an") or set(key) <= ZH_NUMERALS


def is_unit_key(key: str) -> bool:
    return key in EN_UNITS or key in ZH_UNITS


def is_content(key: str) -> bool:
    """Can this key carry a partial match (not a number, unit, stop word or one letter)?"""
    if is_number_key(key) or is_unit_key(key) or key in STOP or key in PACKING:
        return False
    return not (len(key) == 1 and key.isascii())


def strip_leading_quantity(keys: tuple[str, ...]) -> tuple[str, ...]:
    """Drop a quantity opening an alias, so "一箱" in "一箱橙子" is read as a quantity."""
    i = 0
    while i < len(keys) and is_number_key(keys[i]) and not is_unit_key(keys[i]):
        i += 1
    if 0 < i < len(keys) and is_unit_key(keys[i]):
        i += 1
        if i < len(keys) and keys[i] == "of":
            i += 1
        return keys[i:]
    return keys


def partials(keys: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    size = len(keys)
    for i in range(size):
        for j in range(i + 1, size + 1):
            sub = keys[i:j]
            if sub == keys or not (is_content(sub[0]) and is_content(sub[-1])):
                continue
            if (len(sub) == 1 and sub[0] in NO_PARTIAL) or "".join(sub) in NO_PARTIAL:
                continue
            if all(len(k) == 1 and not k.isascii() for k in sub) and len(sub) < 2:
                continue  # one Chinese character is too little to go on
            yield sub


def kinds_of_unit(product: Product) -> frozenset[str]:
    kinds: set[str] = set()
    words = [t.key for t in tokenize(normalize(product.unit.en)[0]) if t.kind == "word"]
    if words:
        unit = EN_UNITS.get(words[0], words[0])
        kinds.add(UNIT_KIND.get(unit, unit))
    zh = normalize(product.unit.zh)[0].strip()
    kinds.add(UNIT_KIND.get(zh, zh))
    return frozenset(kinds)


def related_names(a: Product, b: Product) -> bool:
    """One product's base name starts the other's, in either language."""
    a_en, b_en = keys_of(base_name(a.name.en)), keys_of(base_name(b.name.en))
    a_zh, b_zh = keys_of(base_name(a.name.zh)), keys_of(base_name(b.name.zh))

    def prefix(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
        short, long = sorted((x, y), key=len)
        return bool(short) and long[: len(short)] == short

    return prefix(a_en, b_en) or prefix(a_zh, b_zh)


def build_index(catalog: Catalog) -> Index:
    phrases: dict[tuple[str, ...], dict[str, float]] = {}
    fuzzy_terms: list[FuzzyTerm] = []

    def add(keys: tuple[str, ...], skus: Iterable[str], tier: int, whole: int) -> None:
        strength = tier + len(keys) / whole / 2
        strengths = phrases.setdefault(keys, {})
        for sku in skus:
            strengths[sku] = max(strengths.get(sku, 0.0), strength)

    def add_with_parts(keys: tuple[str, ...], skus: list[str], tier: int, part_tier: int) -> None:
        if keys and any(is_content(k) for k in keys):
            add(keys, skus, tier, len(keys))
            for sub in partials(keys):
                add(sub, skus, part_tier, len(keys))

    for product in catalog.products:
        for term in product_terms(product):
            keys = strip_leading_quantity(keys_of(term))
            add_with_parts(keys, [product.sku], EXACT, PARTIAL)
            if keys:
                text = " ".join(keys) if keys[0].isascii() else "".join(keys)
                fuzzy_terms.append(FuzzyTerm(product.sku, text, text.replace(" ", "")))
        for tag in product.tags:
            keys = keys_of(tag)
            if keys:
                add(keys, [product.sku], CATEGORY, len(keys))
    for category in catalog.categories:
        members = [p.sku for p in catalog.products if p.category == category.id]
        for name in (category.name.en, category.name.zh):
            add_with_parts(keys_of(name), members, CATEGORY, CATEGORY)
    unit_kinds = {p.sku: kinds_of_unit(p) for p in catalog.products}
    siblings = {
        p.sku: tuple(
            q.sku
            for q in catalog.products
            if q.sku != p.sku
            and q.category == p.category
            and not unit_kinds[p.sku] & unit_kinds[q.sku]
            and related_names(p, q)
        )
        for p in catalog.products
    }
    faq = tuple(
        Faq(
            entry,
            tuple(k for k in (keys_of(w) for w in entry.keywords) if k),
            tuple(
                join_keys(tokenize(normalize(q)[0])) for q in (entry.question.en, entry.question.zh)
            ),
        )
        for entry in catalog.shop.faq
    )
    return Index(
        phrases=phrases,
        starts=frozenset(k[0] for k in phrases),
        max_len=max((len(k) for k in phrases), default=1),
        fuzzy_terms=tuple(fuzzy_terms),
        fuzzy_squeezed=tuple(term.squeezed for term in fuzzy_terms),
        fuzzy_spaced=tuple(i for i, term in enumerate(fuzzy_terms) if " " in term.text),
        fuzzy_spaced_texts=tuple(term.text for term in fuzzy_terms if " " in term.text),
        unit_kinds=unit_kinds,
        siblings=siblings,
        order={p.sku: i for i, p in enumerate(catalog.products)},
        faq=faq,
        service_phrases=SERVICE_PHRASES + tuple(k for f in faq for k in f.keywords),
    )


# Catalog objects are frozen but unhashable (they hold lists), so the index is cached by
# id() next to a weak reference that proves the id still belongs to the same catalog. A
# /reload makes a new catalog and so a new index; the cap keeps old ones from piling up.
INDEX_CACHE: dict[int, tuple[weakref.ref[Catalog], Index]] = {}
INDEX_CACHE_SIZE = 8


def index_for(catalog: Catalog) -> Index:
    cached = INDEX_CACHE.get(id(catalog))
    if cached is not None and cached[0]() is catalog:
        return cached[1]
    index = build_index(catalog)
    for stale in list(INDEX_CACHE)[: max(0, len(INDEX_CACHE) - INDEX_CACHE_SIZE + 1)]:
        INDEX_CACHE.pop(stale, None)
    INDEX_CACHE[id(catalog)] = (weakref.ref(catalog), index)
    return index
