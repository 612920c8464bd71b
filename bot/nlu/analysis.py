"""A message labelled: product mentions first, then verbs, separators, fillers, quantities.

Products are found first, longest phrase first, so a number or filler inside a name ("box
of 10", "一箱橙子") is never mistaken for a quantity; whatever no table knows is *content*
(words that may name an unknown product). Two mentions next to each other that share a
product narrow each other ("dragon well tea", "面膜玫瑰").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.nlu.catalog_index import Index
from bot.nlu.lexicon import JOINERS, PHRASE_MAX, PHRASES, STOP
from bot.nlu.quantities import Quantity, read_quantities
from bot.nlu.text import Text, Tok

# --- analysing a message ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """Tokens [start, end) that name products, with each product's match tier."""

    start: int
    end: int
    tiers: Mapping[str, float]  # sku -> strength (tier + coverage / 2)


@dataclass(frozen=True, slots=True)
class Analysis:
    spans: tuple[Span, ...]
    labels: tuple[str, ...]  # span sep strong weak filler qty stop content
    quantities: tuple[Quantity, ...]


def find_spans(toks: Sequence[Tok], index: Index) -> list[Span]:
    """Product mentions, leftmost and longest first, then neighbours merged."""
    keys = [t.key for t in toks]
    spans: list[Span] = []
    i, n = 0, len(toks)
    while i < n:
        if toks[i].kind != "sep" and keys[i] in index.starts:
            for length in range(min(index.max_len, n - i), 0, -1):
                tiers = index.phrases.get(tuple(keys[i : i + length]))
                if tiers:
                    spans.append(Span(i, i + length, tiers))
                    i += length
                    break
            else:
                i += 1
            continue
        i += 1
    return merge_adjacent(spans, keys)


def merge_adjacent(spans: list[Span], keys: Sequence[str]) -> list[Span]:
    """Neighbours sharing a product are one mention ("dragon well" + "tea": Longjing)."""
    merged: list[Span] = []
    for span in spans:
        if merged:
            last = merged[-1]
            shared = [sku for sku in last.tiers if sku in span.tiers]
            if shared and all(k in JOINERS for k in keys[last.end : span.start]):
                tiers = {sku: max(last.tiers[sku], span.tiers[sku]) for sku in shared}
                merged[-1] = Span(last.start, span.end, tiers)
                continue
        merged.append(span)
    return merged


def label_phrases(toks: Sequence[Tok], labels: list[str | None]) -> None:
    """Label verbs, separators and filler words among the unlabelled tokens."""
    i, n = 0, len(toks)
    while i < n:
        if labels[i] is None:
            for length in range(min(PHRASE_MAX, n - i), 0, -1):
                if any(labels[j] is not None for j in range(i, i + length)):
                    continue
                label = PHRASES.get(tuple(t.key for t in toks[i : i + length]))
                if label is not None:
                    labels[i : i + length] = [label] * length
                    i += length
                    break
            else:
                i += 1
            continue
        i += 1


def base_labels(toks: Sequence[Tok]) -> list[str | None]:
    labels: list[str | None] = ["sep" if t.kind == "sep" else None for t in toks]
    return labels


def analyse(text: Text, index: Index) -> Analysis:
    toks = text.toks
    labels = base_labels(toks)
    spans = find_spans(toks, index)
    for span in spans:
        labels[span.start : span.end] = ["span"] * (span.end - span.start)
    label_phrases(toks, labels)
    quantities = read_quantities(toks, labels)
    final = tuple(
        label
        if label is not None
        else ("stop" if tok.key in STOP or tok.kind == "mult" else "content")
        for tok, label in zip(toks, labels, strict=True)
    )
    return Analysis(tuple(spans), final, tuple(quantities))
