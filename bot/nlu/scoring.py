"""The labelled set's score: how often the reading is right, and whether it ever changes a
cart it should not. Shared by the accuracy test (tests/nlu/test_labelled_set.py) and the
bench (bench/nlu_bench.py), so both count the same way.

Each row of the set (tests/data/nlu_messages.jsonl) holds ``text``, ``intents`` (the main
one first), optionally ``items`` ({sku: quantity}; 0 means the whole line), ``products``
and ``context`` ({"last_sku": ..., "cart": [...]}).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.catalog import Catalog
from bot.nlu.intents import CART_CHANGES, Intent
from bot.nlu.reading import Reading, ReadingContext, read


@dataclass
class Score:
    total: int = 0
    right: int = 0
    wrong_cart_changes: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)
    predicted: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    def precision(self, intent: str) -> float:
        return self.hits[intent] / self.predicted[intent] if self.predicted[intent] else 1.0

    def recall(self, intent: str) -> float:
        return self.hits[intent] / self.expected[intent] if self.expected[intent] else 1.0


def load_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def context_of(row: dict[str, Any]) -> ReadingContext:
    given = row.get("context") or {}
    return ReadingContext(given.get("last_sku"), tuple(given.get("cart", ())))


def _cart_change(reading: Reading) -> dict[str, int] | tuple[str, str] | None:
    if not reading.changes_cart:
        return None
    if reading.main is Intent.REPLACE:
        return reading.replace
    return {i.candidates[0]: i.quantity for i in reading.items if len(i.candidates) == 1}


def _right_change(row: dict[str, Any], reading: Reading) -> bool:
    """A cart change the row expects, on the products and quantities it expects."""
    expected = Intent(row["intents"][0])
    if expected not in CART_CHANGES or reading.main is not expected:
        return False
    change = _cart_change(reading)
    if expected is Intent.REPLACE:
        return change == tuple(row.get("products", ()))
    return "items" not in row or change == row["items"]


def score(rows: list[dict[str, Any]], catalog: Catalog) -> Score:
    result = Score()
    for row in rows:
        reading = read(row["text"], catalog, context_of(row))
        expected, got = row["intents"][0], reading.main.value
        result.total += 1
        result.expected[expected] += 1
        result.predicted[got] += 1
        entities_right = _right_change(row, reading) if reading.changes_cart else True
        if reading.changes_cart and not entities_right:
            result.wrong_cart_changes.append(f"{row['text']!r}: {_cart_change(reading)}")
        if got == expected and entities_right:
            result.hits[expected] += 1
            result.right += 1
        else:
            result.mistakes.append(f"{row['text']!r}: expected {expected}, read {got}")
    return result
