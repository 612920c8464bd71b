"""The database held by another writer (a second worker, a backup, someone's ``sqlite3``
session): a message waits and tries again on the clock; past the store's patience the
person is asked, in one line, to send it again, and nothing half-done is kept; once the
lock is gone, messages are served as always (issue 13's fault suite).

SQLite's own wait is set to nothing here (``busy_ms=0``) so every try and every wait
between tries is on the FakeClock: a minute of being locked costs no real time.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.i18n import t
from bot.store.sqlite import LockWait

from support import ChatHarness

PATIENCE = LockWait().patience  # the shipped patience, on the virtual clock


class OtherWriter:
    """Another connection to the same file holding its write lock until released."""

    def __init__(self, db: Path) -> None:
        self.connection = sqlite3.connect(db, isolation_level=None, timeout=0)
        self.holding = False

    def lock(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute("UPDATE customers SET key = key")  # a write in progress
        self.holding = True

    def release(self) -> None:
        if self.holding:
            self.connection.execute("ROLLBACK")
            self.holding = False

    def close(self) -> None:
        self.release()
        self.connection.close()


class ReleasingClock(FakeClock):
    """A FakeClock on which the other writer lets go once ``release_after`` seconds of
    virtual time have passed (None: it holds on)."""

    def __init__(self) -> None:
        super().__init__()
        self.writer: OtherWriter | None = None
        self.release_at: float | None = None

    def hold_for(self, writer: OtherWriter, seconds: float | None) -> None:
        self.writer = writer
        self.release_at = None if seconds is None else self.monotonic() + seconds
        writer.lock()

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        if self.writer and self.release_at is not None and self.monotonic() >= self.release_at:
            self.writer.release()


@pytest.fixture
async def shop(tmp_path: Path) -> tuple[ChatHarness, OtherWriter, ReleasingClock]:
    clock = ReleasingClock()
    db = tmp_path / "shop.db"
    harness = await ChatHarness.open(db, clock=clock, lock_wait=LockWait(busy_ms=0))
    harness.languages.update(amy="en", bo="zh")
    writer = OtherWriter(db)
    yield harness, writer, clock
    writer.close()
    await harness.close()


async def cart(harness: ChatHarness, user: str) -> dict[str, int]:
    return {line.sku: line.qty for line in await harness.shop.store.carts.lines(f"test:{user}")}


async def test_a_message_waits_for_a_short_lock_and_is_served(
    shop: tuple[ChatHarness, OtherWriter, ReleasingClock],
) -> None:
    harness, writer, clock = shop
    start = clock.monotonic()
    clock.hold_for(writer, 5)
    replies = await harness.say("amy", "2 walnuts")
    assert "Added" in replies[0].text
    assert await cart(harness, "amy") == {"WALNUTS": 2}
    assert 5 <= clock.monotonic() - start < PATIENCE, "it waited, on the clock"


@pytest.mark.parametrize(("user", "language"), [("amy", "en"), ("bo", "zh")])
async def test_a_lock_held_past_patience_asks_to_send_again_and_loses_nothing(
    shop: tuple[ChatHarness, OtherWriter, ReleasingClock],
    caplog: pytest.LogCaptureFixture,
    user: str,
    language: str,
) -> None:
    harness, writer, clock = shop
    await harness.say(user, "1 walnuts")  # before the lock: kept whatever happens after
    start = clock.monotonic()
    clock.hold_for(writer, None)
    replies = await harness.say(user, "2 rose masks")
    assert [m.text for m in replies] == [t("error.busy", language)]
    assert PATIENCE <= clock.monotonic() - start < 2 * PATIENCE
    assert not [r for r in caplog.records if r.exc_info], "one line, no traceback"
    assert await cart(harness, user) == {"WALNUTS": 1}

    writer.release()
    replies = await harness.say(user, "2 rose masks")
    assert t("error.busy", language) not in [m.text for m in replies]
    assert await cart(harness, user) == {"WALNUTS": 1, "ROSE-MASK": 2}


async def test_a_confirm_refused_by_a_lock_then_tapped_again_makes_one_order(
    shop: tuple[ChatHarness, OtherWriter, ReleasingClock],
) -> None:
    harness, writer, clock = shop
    await harness.say("amy", "1 walnuts")
    await harness.press("amy", "check out")
    for answer in ("Amy", "13800138000", "1 Lake Road, Hangzhou"):
        await harness.say("amy", answer)
    await harness.press("amy", "no note")
    stock_before = await harness.shop.store.stock.level("WALNUTS")

    clock.hold_for(writer, None)
    replies = await harness.press("amy", "confirm order")
    assert [m.text for m in replies] == [t("error.busy", "en")]
    assert await harness.shop.store.orders.of_customer("test:amy") == []

    writer.release()
    replies = await harness.press("amy", "confirm order")
    [order] = await harness.shop.store.orders.of_customer("test:amy")
    assert any(f"Your order number is {order.number}" in m.text for m in replies)
    assert await harness.shop.store.stock.level("WALNUTS") == stock_before - 1


async def test_group_chatter_during_a_lock_gets_no_answer(
    shop: tuple[ChatHarness, OtherWriter, ReleasingClock], caplog: pytest.LogCaptureFixture
) -> None:
    harness, writer, clock = shop
    await harness.say("amy", "hello everyone", group="fans")  # the group is known
    clock.hold_for(writer, None)
    caplog.set_level(logging.WARNING)
    assert await harness.say("amy", "lovely weather", group="fans") == []
    assert await harness.say("amy", "/start", group="fans") != []  # addressed: told
