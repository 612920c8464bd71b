"""The reader against the labelled set: per-intent precision and recall, overall accuracy,
wrong cart changes, and how fast messages are read.

    .venv/bin/python bench/nlu_bench.py [--repeat 20]

Prints figures; asserts nothing (tests/nlu/test_labelled_set.py holds the floor).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bot.catalog import load_catalog
from bot.nlu.intents import Intent
from bot.nlu.reading import read
from bot.nlu.scoring import context_of, load_rows, score

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20, help="passes over the set for timing")
    args = parser.parse_args()
    catalog = load_catalog(REPO / "catalog.yaml")
    rows = load_rows(REPO / "tests" / "data" / "nlu_messages.jsonl")
    result = score(rows, catalog)
    print(f"{len(rows)} labelled messages")
    print(f"{'intent':14} {'n':>4} {'precision':>9} {'recall':>7}")
    for intent in Intent:
        name = intent.value
        print(
            f"{name:14} {result.expected[name]:>4} {result.precision(name):>9.1%}"
            f" {result.recall(name):>7.1%}"
        )
    print(f"accuracy (main intent and its cart entities): {result.accuracy:.1%}")
    print(f"wrong cart changes: {len(result.wrong_cart_changes)}")
    for line in result.wrong_cart_changes:
        print("  ", line)
    for line in result.mistakes:
        print("  miss:", line)
    contexts = [context_of(row) for row in rows]
    read(rows[0]["text"], catalog, contexts[0])  # build the catalog index outside the clock
    times: list[float] = []
    best = [float("inf")] * len(rows)  # each message's fastest pass: its own cost, no GC
    for _ in range(args.repeat):
        for k, (row, context) in enumerate(zip(rows, contexts, strict=True)):
            start = time.perf_counter()
            read(row["text"], catalog, context)
            took = time.perf_counter() - start
            times.append(took)
            best[k] = min(best[k], took)
    times.sort()
    slowest = max(range(len(rows)), key=lambda k: best[k])
    print(
        f"read: {len(times) / sum(times):,.0f} messages/s; per message "
        f"median {statistics.median(times) * 1000:.3f} ms, "
        f"p99 {times[int(len(times) * 0.99)] * 1000:.3f} ms, max {times[-1] * 1000:.3f} ms"
    )
    print(
        f"slowest message (its fastest of {args.repeat} passes): "
        f"{best[slowest] * 1000:.3f} ms, {rows[slowest]['text']!r}"
    )


if __name__ == "__main__":
    main()
