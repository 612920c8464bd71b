"""A platform that fails one send in five, and customers ordering through it.

Shared by the fault suite (tests/reliability/test_flaky_platform.py) and the tally
script (tools/reliability_tally.py). The real shop (router, handlers, delivery, the
notices outbox, SQLite) runs in a ChatHarness over ``ChaosChannel``, which answers a
share of sends with a 5xx, a 429 with retry_after, or a dropped connection after the
message was posted (the request arrived, its answer never came back); every random draw
comes from one seeded generator, and the clock is virtual, so a run is reproducible.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.channels.base import RetryAfter, TransientSendError, UnknownOutcome
from bot.messages import Outgoing

from support import OWNER, ChatHarness, RecordingChannel

NEW_ORDER = "新订单"


class ChaosChannel(RecordingChannel):
    def __init__(self, rate: float, seed: int) -> None:
        super().__init__()
        self.rate = rate
        self.rng = random.Random(seed)
        self.faults: Counter[str] = Counter()
        self.attempts = 0

    async def send(self, message: Outgoing) -> str:
        self.attempts += 1
        draw = self.rng.random()
        if draw < self.rate * 0.5:
            self.faults["5xx"] += 1
            raise TransientSendError("502 Bad Gateway")
        if draw < self.rate * 0.8:
            self.faults["429"] += 1
            raise RetryAfter(1 + self.rng.randrange(3))
        if draw < self.rate:
            self.faults["dropped"] += 1
            await super().send(message)  # posted; the answer is lost on the way back
            raise UnknownOutcome("connection dropped after the request was sent")
        return await super().send(message)


@dataclass
class Tally:
    customers: int = 0
    confirmed: int = 0  # customers who saw their receipt
    orders: int = 0
    duplicate_orders: int = 0
    owner_notices: int = 0
    missing_owner_notices: int = 0
    duplicate_owner_notices: int = 0
    lost_silently: int = 0  # a message answered by nothing and no recorded failure
    faults: Counter[str] = field(default_factory=Counter)
    sends: int = 0


@dataclass
class Attempt:
    receipt_seen: bool = False
    unanswered: int = 0  # steps the shop said nothing to (nor recorded a failure for)


async def customer(harness: ChatHarness, user: str) -> Attempt:
    """Order a bag of walnuts. A step whose button never arrived (its message failed
    and was recorded, or the walnuts sold out) ends this customer's attempt."""
    harness.languages[user] = "en"
    steps: list[tuple[str, str]] = [
        ("say", "1 walnuts"),
        ("press", "check out"),
        ("say", "Lan Wu"),
        ("say", "13800138000"),
        ("say", "3 Tea Street, Hangzhou"),
        ("press", "no note"),
        ("press", "confirm order"),
    ]
    attempt = Attempt()
    failures_before = len(await harness.shop.store.chats.send_failures(f"test:{user}"))
    for kind, value in steps:
        try:
            if kind == "say":
                answered = await harness.say(user, value)
            else:
                answered = await harness.press(user, value)
        except AssertionError:
            break
        if not any(m.chat == harness.chat(user) for m in answered):
            failures = await harness.shop.store.chats.send_failures(f"test:{user}")
            if len(failures) == failures_before:
                attempt.unanswered += 1
            failures_before = len(failures)
    attempt.receipt_seen = any("Your order number is" in m.text for m in harness.messages_to(user))
    return attempt


async def run(tmp_path: Path, customers: int, rate: float = 0.2, seed: int = 13) -> Tally:
    channel = ChaosChannel(rate, seed)
    harness = await ChatHarness.open(tmp_path / "chaos.db", channel=channel)
    tally = Tally(customers=customers)
    try:
        users = [f"c{n:03d}" for n in range(customers)]
        attempts = await asyncio.gather(*(customer(harness, u) for u in users))
        tally.confirmed = sum(a.receipt_seen for a in attempts)
        tally.lost_silently = sum(a.unanswered for a in attempts)
        # The platform recovers; the notices outbox retries what is still owed.
        channel.rate = 0.0
        assert harness.shop.notices is not None
        for _ in range(6):
            harness.clock.advance(3600)
            await harness.shop.notices.drain()
        store = harness.shop.store
        notices = [m.text for m in harness.messages_to(OWNER) if NEW_ORDER in m.text]
        for user in users:
            orders = await store.orders.of_customer(f"test:{user}")
            tally.orders += len(orders)
            tally.duplicate_orders += max(0, len(orders) - 1)
            for order in orders:
                count = sum(order.number in text for text in notices)
                tally.owner_notices += min(count, 1)
                tally.missing_owner_notices += count == 0
                tally.duplicate_owner_notices += max(0, count - 1)
        tally.faults = channel.faults
        tally.sends = channel.attempts
    finally:
        await harness.close()
    return tally
