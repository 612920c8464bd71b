"""The labelled set (tests/data/nlu_messages.jsonl): the accuracy floor reached, and not one
wrong cart change. Figures per intent: bench/nlu_bench.py and bench/RESULTS.md."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.catalog import load_catalog
from bot.nlu.intents import Intent
from bot.nlu.scoring import load_rows, score

REPO = Path(__file__).resolve().parents[3]
ROWS = load_rows(REPO / "tests" / "data" / "nlu_messages.jsonl")
# The floor this set reaches today (see bench/RESULTS.md); raise it when the reader improves.
ACCURACY_FLOOR = 0.98


def test_the_set_is_big_and_covers_every_intent() -> None:
    assert len(ROWS) >= 500
    counts = Counter(row["intents"][0] for row in ROWS)
    for intent in Intent:
        assert counts[intent.value] >= 40, intent
    assert sum(len(row["intents"]) > 1 for row in ROWS) >= 8  # several intents in one


def test_accuracy_floor_and_no_wrong_cart_change() -> None:
    result = score(ROWS, load_catalog(REPO / "catalog.yaml"))
    assert result.wrong_cart_changes == []
    assert result.accuracy >= ACCURACY_FLOOR, "\n".join(result.mistakes[:40])
