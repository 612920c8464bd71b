"""Delivery: pacing within platform limits on a virtual clock, retries, unreachable chats."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.base import (
    Capabilities,
    ChatMoved,
    ChatUnreachable,
    RateLimits,
    RetryAfter,
    SendError,
    TransientSendError,
    UnknownOutcome,
)
from bot.clock import FakeClock
from bot.delivery import Delivery, RateLimiter
from bot.messages import Button, ChatKind, ChatRef, Outgoing, buttons
from bot.presentation import split_text
from bot.store import Store


class FlakyChannel:
    """Records the virtual time of every successful send; fails as scripted."""

    name = "test"
    capabilities = Capabilities(max_text=100)
    rate_limits = RateLimits()

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[tuple[float, Outgoing]] = []
        self.attempts = 0
        self.failures: list[SendError] = []

    async def start(self, on_incoming: object, on_membership: object) -> None:
        return None

    async def stop(self) -> None:
        return None

    def deep_link(self, payload: str) -> str | None:
        return None

    async def send(self, message: Outgoing) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((self.clock.monotonic(), message))
        return str(len(self.sent))


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[tuple[Delivery, FlakyChannel, Store, FakeClock]]:
    clock = FakeClock()
    store = await Store.open(tmp_path / "d.db", clock)
    channel = FlakyChannel(clock)
    try:
        yield Delivery(store, clock, [channel]), channel, store, clock
    finally:
        await store.close()


GROUP = ChatRef("test", "-100", ChatKind.GROUP, "Friends")


def max_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


async def test_burst_to_one_group_respects_every_limit(setup) -> None:
    delivery, channel, _, _ = setup
    results = await delivery.send_all(Outgoing(GROUP, f"post {n}") for n in range(100))
    assert all(r.ok for r in results)
    times = [t for t, _ in channel.sent]
    assert len(times) == 100
    assert max_in_window(times, 60.0) <= 20
    assert max_in_window(times, 3.0) <= 3
    # Not slower than it must be: five minute-windows of 20, each paced at 3 per 3 s.
    assert times[-1] - times[0] <= 4 * 60 + 20


async def test_many_private_chats_stay_under_the_overall_limit(setup) -> None:
    delivery, channel, _, _ = setup
    chats = [ChatRef("test", str(n)) for n in range(90)]
    await delivery.send_all(Outgoing(chat, "hello") for chat in chats)
    times = [t for t, _ in channel.sent]
    assert len(times) == 90 and max_in_window(times, 1.0) <= 30


async def test_retry_after_is_obeyed(setup) -> None:
    delivery, channel, _, clock = setup
    channel.failures = [RetryAfter(7)]
    start = clock.monotonic()
    result = await delivery.send(Outgoing(ChatRef("test", "1"), "hi"))
    assert result.ok and channel.attempts == 2
    assert channel.sent[0][0] - start >= 7


async def test_transient_errors_retry_with_backoff_then_are_recorded(setup) -> None:
    delivery, channel, store, clock = setup
    channel.failures = [TransientSendError("502")] * 2
    assert (await delivery.send(Outgoing(ChatRef("test", "1"), "hi"))).ok
    assert clock.slept[-2:] == [1.0, 2.0]
    channel.failures = [TransientSendError("502")] * 10
    result = await delivery.send(Outgoing(ChatRef("test", "2"), "hello"))
    assert not result.ok and "gave up after 5 attempts" in (result.error or "")
    assert await store.chats.send_failures("test:2") == [("test:2", result.error)]


async def test_unknown_outcome_is_not_retried(setup) -> None:
    delivery, channel, store, _ = setup
    channel.failures = [UnknownOutcome("timed out after sending")]
    result = await delivery.send(Outgoing(ChatRef("test", "1"), "promo"))
    assert result.outcome_unknown and channel.attempts == 1
    assert await store.chats.send_failures("test:1")


async def test_blocked_chat_is_marked_and_skipped(setup) -> None:
    delivery, channel, store, _ = setup
    chat = ChatRef("test", "7")
    channel.failures = [ChatUnreachable("Forbidden: bot was blocked by the user")]
    assert not (await delivery.send(Outgoing(chat, "hi"))).ok
    assert await store.chats.is_unreachable(chat.key)
    attempts = channel.attempts
    assert not (await delivery.send(Outgoing(chat, "again"))).ok
    assert channel.attempts == attempts  # no second try at a chat that blocked us


async def test_long_text_split_at_lines_and_buttons_keyed(setup) -> None:
    delivery, channel, store, _ = setup
    text = "\n".join(f"line {n:02d} " + "x" * 20 for n in range(12))
    action = "cart:add:ROSE-MASK:1"
    await delivery.send(
        Outgoing(ChatRef("test", "1"), text, buttons=buttons([Button("Add", action)]))
    )
    parts = [m for _, m in channel.sent]
    assert len(parts) > 1 and all(len(m.text) <= 100 for m in parts)
    assert "\n".join(m.text for m in parts) == text
    assert not parts[0].buttons
    key = parts[-1].buttons[0][0].action
    assert key != action and await store.buttons.action(key) == action


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=600), st.integers(5, 120))
def test_split_text_keeps_everything_within_limit(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(len(p) <= limit for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


async def test_a_message_in_flight_holds_its_place_until_answered() -> None:
    """The platform counts a message on arrival, somewhere between leaving the limiter
    and its answer: so it keeps its place in the window until answered, and a period
    after. Bunched-up requests can then never exceed a limit at the platform's end."""
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(overall_per_second=3), clock)
    permits = [await limiter.acquire(ChatRef("test", str(n))) for n in range(3)]
    waiting = asyncio.create_task(limiter.acquire(ChatRef("test", "late")))
    for _ in range(50):  # virtual seconds pass, but all three are still in flight
        await asyncio.sleep(0)
    assert not waiting.done()
    started = clock.monotonic()
    permits[0].done()
    await waiting
    assert clock.monotonic() - started >= 1.0  # a full period after the answer


async def test_answers_out_of_order_free_places_a_period_after_each_answer() -> None:
    """The limiter keeps answered messages as a queue in answer order: a message answered
    before an earlier one still in flight leaves the window first, the one in flight keeps
    its place, and a permit answered twice frees only the place it held."""
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(overall_per_second=3, per_chat_burst=100), clock)
    first, second, third = [await limiter.acquire(ChatRef("test", str(n))) for n in range(3)]
    clock.advance(0.2)
    third.done()
    third.done()
    clock.advance(0.3)
    second.done()  # first is still in flight
    started = clock.monotonic()

    await limiter.acquire(ChatRef("test", "a"))  # third's place, 1 s after its answer
    assert clock.monotonic() - started == pytest.approx(0.7)
    await limiter.acquire(ChatRef("test", "b"))  # second's place
    assert clock.monotonic() - started == pytest.approx(1.0)
    late = asyncio.create_task(limiter.acquire(ChatRef("test", "c")))
    for _ in range(50):  # first, in flight all along, still holds its place
        await asyncio.sleep(0)
    assert not late.done()
    first.done()
    answered = clock.monotonic()
    await late
    assert clock.monotonic() - answered >= 1.0


async def test_a_message_follows_a_chat_that_moved_once(setup) -> None:
    """A group upgraded to a supergroup (Telegram): the message and every part after it go
    to the new id; a chat that "moves" again at once is not followed round in circles."""
    delivery, channel, store, _ = setup
    await store.chats.register(GROUP)
    channel.failures = [ChatMoved("-200")]
    long_text = "\n".join(f"line {n} " + "x" * 40 for n in range(5))  # 3 parts of 100

    result = await delivery.send(Outgoing(GROUP, long_text))

    moved = ChatRef("test", "-200", ChatKind.GROUP, "Friends")
    assert result.ok and result.moved_to == moved
    assert [m.chat.chat_id for _, m in channel.sent] == ["-200"] * 3
    assert [g.key for g in await store.chats.groups()] == [moved.key]

    channel.failures = [ChatMoved("-300"), ChatMoved("-400")]
    result = await delivery.send(Outgoing(moved, "again"))
    assert not result.ok and "unreachable" in (result.error or "")
    assert await store.chats.is_unreachable("test:-300")
    assert channel.attempts == 4 + 2  # the refused first part, three parts; two refusals
