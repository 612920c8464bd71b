"""The hand-off policy against the labelled questions (tests/data/questions.jsonl):
accuracy of confident answers, hand-off rate on answerable questions, and the share of
risky questions (health, allergies, pregnancy, children, medicine) that reach the owner.

    .venv/bin/python bench/handoff_bench.py [--verbose]

Prints figures; tests/handlers/test_handoff_set.py holds the floor.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from bot.catalog import load_catalog
from handlers.handoff_scoring import load_questions, score

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    catalog = load_catalog(REPO / "catalog.yaml")
    rows = load_questions(REPO / "tests" / "data" / "questions.jsonl")
    started = time.perf_counter()
    result = score(rows, catalog)
    took = time.perf_counter() - started
    kinds = Counter(row["kind"] for row in rows)
    langs = Counter(row["lang"] for row in rows)
    print(f"{len(rows)} labelled questions: {dict(kinds)}; {dict(langs)}")
    print(
        f"accuracy of confident answers: {result.accuracy:.1%}"
        f" ({result.answered_right}/{result.answered}; target >= 98%)"
    )
    print(
        f"hand-off rate on answerable questions: {result.handoff_rate:.1%}"
        f" ({result.answerable_handed_off}/{result.answerable}; target <= 8%);"
        f" not understood or asked which product: {result.answerable_not_understood}"
    )
    print(
        f"risky questions reaching the owner: {result.risky_share:.1%}"
        f" ({result.risky_to_owner}/{result.risky}; must be 100%)"
    )
    print(
        f"not-answerable questions reaching the owner: "
        f"{result.not_answerable_to_owner}/{result.not_answerable}"
    )
    print(f"scored in {took * 1000:.0f} ms ({took / len(rows) * 1e6:.0f} µs a question)")
    if args.verbose:
        for title, items in (
            ("wrong confident answers", result.wrong),
            ("answerable, not answered", result.answerable_missed),
            ("risky, not handed off", result.risky_missed),
        ):
            print(f"\n{title}:")
            for item in items:
                print(f"  {item}")


if __name__ == "__main__":
    main()
