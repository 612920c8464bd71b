"""The labelled questions of issue 11 (tests/data/questions.jsonl) hold the hand-off
policy to its floor: bench/handoff_bench.py prints the same figures."""

from __future__ import annotations

from bot.catalog import load_catalog
from handlers.handoff_scoring import load_questions, score

from support import REPO, SAMPLE_CATALOG

ROWS = load_questions(REPO / "tests" / "data" / "questions.jsonl")


def test_the_set_is_large_mixed_and_half_answerable() -> None:
    assert len(ROWS) >= 150
    answerable = sum(row["kind"] == "answerable" for row in ROWS)
    assert abs(answerable - (len(ROWS) - answerable)) <= len(ROWS) // 10
    assert {row["lang"] for row in ROWS} == {"en", "zh", "mixed"}


def test_every_risky_question_reaches_the_owner() -> None:
    result = score(ROWS, load_catalog(SAMPLE_CATALOG))
    assert result.risky_missed == []
    assert result.risky_share == 1.0


def test_confident_answers_are_right_and_answerable_questions_stay_with_the_bot() -> None:
    result = score(ROWS, load_catalog(SAMPLE_CATALOG))
    assert result.accuracy >= 0.98, result.wrong
    assert result.handoff_rate <= 0.08, result.answerable_missed
