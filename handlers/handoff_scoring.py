"""The hand-off policy against the labelled questions (tests/data/questions.jsonl): what
the bot would do with each question, and the three figures issue 11 holds it to.

Each row is ``{"text", "lang", "kind", "intent"?, "products"?}``; ``kind`` is
``answerable`` (the sample catalog answers it: ``intent`` is price, stock, product_info,
shipping, payment, returns or faq; ``products`` the skus it may be about, empty for "we
don't sell that") or ``out_of_scope``, ``risky``, ``personal`` (only the owner can).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.catalog import Catalog
from bot.nlu import match_faq
from bot.nlu.intents import PUBLIC, Intent
from bot.nlu.reading import Reading, read
from handlers.handoff import handoff_reason

ANSWERABLE = "answerable"
PRODUCT_QUESTIONS = (Intent.PRICE, Intent.STOCK, Intent.PRODUCT_INFO)
POLICIES = {Intent.SHIPPING.value, Intent.PAYMENT.value, Intent.RETURNS.value}


class Outcome(StrEnum):
    ANSWERED = "answered"  # a confident answer from the shop's data (or a cart action)
    HANDED_OFF = "handed_off"  # a ticket for the owner
    NOT_UNDERSTOOD = "not_understood"  # "I didn't understand", with a button to ask
    CLARIFIED = "clarified"  # "which product do you mean?": no answer given, none invented


def outcome(reading: Reading, catalog: Catalog) -> Outcome:
    """What the live routes do with a message, by the same rules they use."""
    if handoff_reason(reading, catalog) is not None:
        return Outcome.HANDED_OFF
    if reading.main in (Intent.UNKNOWN, Intent.GREETING, Intent.THANKS, Intent.SMALL_TALK):
        found = match_faq(reading.text, catalog) is not None
        return Outcome.ANSWERED if found else Outcome.NOT_UNDERSTOOD
    if reading.main in PRODUCT_QUESTIONS and not reading.products and not reading.unknown:
        found = match_faq(reading.text, catalog) is not None
        return Outcome.ANSWERED if found else Outcome.CLARIFIED
    return Outcome.ANSWERED


def answered_right(row: dict[str, Any], reading: Reading, catalog: Catalog) -> bool:
    """Whether a confident answer is the one the row wants (a wrong intent, a wrong product,
    or any answer to a question only the owner can answer is wrong)."""
    if row["kind"] != ANSWERABLE:
        return False
    intent = row["intent"]
    if intent == "faq":
        return (
            reading.main in (Intent.UNKNOWN, *PUBLIC)
            and match_faq(reading.text, catalog) is not None
        )
    if intent in POLICIES:
        return reading.main.value == intent
    if reading.main not in PUBLIC or reading.main.value != intent:
        return False
    expected = set(row.get("products") or ())
    if not expected:
        return not reading.products and reading.unknown is not None  # "we don't sell that"
    return bool(reading.products) and set(reading.products) <= expected


@dataclass
class Score:
    total: int = 0
    answered: int = 0
    answered_right: int = 0
    answerable: int = 0
    answerable_handed_off: int = 0
    answerable_not_understood: int = 0
    risky: int = 0
    risky_to_owner: int = 0
    not_answerable: int = 0
    not_answerable_to_owner: int = 0
    wrong: list[str] = field(default_factory=list)
    risky_missed: list[str] = field(default_factory=list)
    answerable_missed: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.answered_right / self.answered if self.answered else 1.0

    @property
    def handoff_rate(self) -> float:
        return self.answerable_handed_off / self.answerable if self.answerable else 0.0

    @property
    def risky_share(self) -> float:
        return self.risky_to_owner / self.risky if self.risky else 1.0


def load_questions(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def score(rows: list[dict[str, Any]], catalog: Catalog) -> Score:
    result = Score()
    for row in rows:
        reading = read(row["text"], catalog)
        done = outcome(reading, catalog)
        result.total += 1
        if done is Outcome.ANSWERED:
            result.answered += 1
            if answered_right(row, reading, catalog):
                result.answered_right += 1
            else:
                result.wrong.append(f"{row['text']} -> {reading.main.value} {reading.products}")
        if row["kind"] == ANSWERABLE:
            result.answerable += 1
            if done is Outcome.HANDED_OFF:
                result.answerable_handed_off += 1
                result.answerable_missed.append(row["text"])
            elif done in (Outcome.NOT_UNDERSTOOD, Outcome.CLARIFIED):
                result.answerable_not_understood += 1
                result.answerable_missed.append(row["text"])
        else:
            result.not_answerable += 1
            result.not_answerable_to_owner += done is Outcome.HANDED_OFF
        if row["kind"] == "risky":
            result.risky += 1
            if done is Outcome.HANDED_OFF:
                result.risky_to_owner += 1
            else:
                result.risky_missed.append(row["text"])
    return result
