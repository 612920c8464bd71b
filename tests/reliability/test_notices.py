"""An order committed is never an order nobody was told of (issue 13).

The owner's notice of a new order and the customer's news of a status change go through
the notices outbox: recorded with the change, sent after the turn, retried by the
scheduler's job while the platform fails, sent once after a crash, never twice.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.channels.base import TransientSendError
from bot.messages import Incoming, Outgoing, Sender
from bot.notices import NoticeJobs, NoticeSender
from bot.scheduler import Scheduler
from bot.store import NewNotice, NoticeState

from support import CHANNEL, OWNER, ChatHarness, RecordingChannel

NEW_ORDER = "新订单"  # the owner's notice, in the shop's language


class FlakyChannel(RecordingChannel):
    """Refuses every send to the chats in ``down`` (a platform failing for them)."""

    def __init__(self) -> None:
        super().__init__()
        self.down: set[str] = set()

    async def send(self, message: Outgoing) -> str:
        if message.chat.chat_id in self.down:
            raise TransientSendError("502 Bad Gateway")
        return await super().send(message)


async def place_order(harness: ChatHarness, user: str) -> str:
    harness.languages[user] = "en"
    await harness.say(user, "1 walnuts")
    await harness.press(user, "check out")
    for answer in (user.title(), "13800138000", "1 Lake Road, Hangzhou"):
        await harness.say(user, answer)
    await harness.press(user, "no note")
    await harness.press(user, "confirm order")
    [order] = await harness.shop.store.orders.of_customer(f"test:{user}")
    return order.number


def notices_to_owner(harness: ChatHarness, number: str) -> list[Outgoing]:
    return [m for m in harness.messages_to(OWNER) if NEW_ORDER in m.text and number in m.text]


async def test_a_new_order_notice_the_platform_refused_is_sent_when_it_is_back(
    tmp_path: Path,
) -> None:
    channel = FlakyChannel()
    harness = await ChatHarness.open(tmp_path / "shop.db", channel=channel)
    try:
        channel.down.add(OWNER)
        number = await place_order(harness, "amy")
        assert notices_to_owner(harness, number) == []
        [owed] = [
            r
            for r in await harness.shop.store.notices.rows()
            if r.message.chat == harness.chat(OWNER)
        ]
        assert owed.state is NoticeState.PENDING and owed.last_error

        channel.down.clear()
        assert harness.shop.notices is not None
        assert await harness.shop.notices.drain() == 0, "not before its retry time"
        harness.clock.advance(31)
        assert await harness.shop.notices.drain() == 1
        assert len(notices_to_owner(harness, number)) == 1
        harness.clock.advance(3600)
        await harness.shop.notices.drain()
        assert len(notices_to_owner(harness, number)) == 1, "never twice"
    finally:
        await harness.close()


async def test_a_status_change_reaches_the_customer_after_a_long_outage(tmp_path: Path) -> None:
    channel = FlakyChannel()
    harness = await ChatHarness.open(tmp_path / "shop.db", channel=channel)
    try:
        number = await place_order(harness, "bea")
        channel.down.add("bea")
        await harness.press(OWNER, "已付款")
        paid = f"Your payment for order {number} is confirmed."
        assert paid not in [m.text for m in harness.messages_to("bea")]
        sender = harness.shop.notices
        assert sender is not None
        for _ in range(3):  # down for a while: 30 s, 2 min, 10 min later, still down
            harness.clock.advance(15 * 60)
            await sender.drain()
        channel.down.clear()
        harness.clock.advance(60 * 60)
        await sender.drain()
        assert [m.text.startswith(paid) for m in harness.messages_to("bea")].count(True) == 1
    finally:
        await harness.close()


async def test_a_crash_between_the_commit_and_the_send_loses_no_notice(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    harness = await ChatHarness.open(db)

    async def crashed(*_: object, **__: object) -> int:
        return 0  # the process died after the order's commit, before any notice went

    assert harness.shop.notices is not None
    harness.shop.notices.drain = crashed  # type: ignore[method-assign]
    number = await place_order(harness, "cal")
    await harness.close()
    assert notices_to_owner(harness, number) == []

    # Restart: the scheduler's start sends what is owed, once.
    again = await ChatHarness.open(db, clock=harness.clock)
    try:
        await again.shop.start_scheduler()
        assert len(notices_to_owner(again, number)) == 1
        assert again.shop.notices is not None
        await asyncio.gather(again.shop.notices.drain(), again.shop.notices.drain())
        assert len(notices_to_owner(again, number)) == 1
    finally:
        await again.close()


async def test_two_workers_draining_at_once_send_each_notice_once(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    harness = await ChatHarness.open(db)
    other = await ChatHarness.open(db, clock=harness.clock)  # a second worker, same file
    try:
        for shop in (harness.shop, other.shop):
            shop.notices.drain = _never  # type: ignore[method-assign, union-attr]
        number = await place_order(harness, "dee")
        workers = [NoticeSender(s.store, s.delivery, s.clock) for s in (harness.shop, other.shop)]
        await asyncio.gather(*(w.drain() for w in workers))
        sent = notices_to_owner(harness, number) + notices_to_owner(other, number)
        assert len(sent) == 1
    finally:
        await other.close()
        await harness.close()


async def test_the_drain_job_is_registered_and_an_interrupted_send_is_not_repeated(
    tmp_path: Path,
) -> None:
    harness = await ChatHarness.open(tmp_path / "shop.db")
    try:
        store = harness.shop.store
        [row_id] = await store.notices.add([NewNotice("e|0", Outgoing(harness.chat(OWNER), "x"))])
        assert await store.notices.claim(row_id)  # the last process stopped mid-send
        assert harness.shop.notices is not None
        scheduler = Scheduler()
        await NoticeJobs(harness.shop.notices, scheduler).start()
        assert scheduler.job_ids("notices") == ["notices:drain"]
        [row] = await store.notices.rows()
        assert row.state is NoticeState.UNKNOWN
        assert [m.text for m in harness.messages_to(OWNER)] == []
    finally:
        await harness.close()


async def _never(*_: object, **__: object) -> int:
    return 0


def receipts(harness: ChatHarness, user: str, number: str) -> list[str]:
    return [m.text for m in harness.messages_to(user) if f"Your order number is {number}" in m.text]


async def test_a_receipt_delivered_as_the_answer_is_never_sent_again(tmp_path: Path) -> None:
    harness = await ChatHarness.open(tmp_path / "shop.db")
    try:
        number = await place_order(harness, "eve")
        assert len(receipts(harness, "eve", number)) == 1
        harness.clock.advance(3600)
        assert harness.shop.notices is not None
        await harness.shop.notices.drain()
        assert len(receipts(harness, "eve", number)) == 1
        states = {r.key.split("|")[1]: r.state for r in await harness.shop.store.notices.rows()}
        assert states["receipt"] is NoticeState.SENT
    finally:
        await harness.close()


async def test_a_receipt_the_platform_refused_is_sent_by_the_outbox(tmp_path: Path) -> None:
    channel = FlakyChannel()
    harness = await ChatHarness.open(tmp_path / "shop.db", channel=channel)
    try:
        await place_order_until_confirm(harness, "fay")
        channel.down.add("fay")
        await harness.press("fay", "confirm order")
        [order] = await harness.shop.store.orders.of_customer("test:fay")
        assert receipts(harness, "fay", order.number) == []
        channel.down.clear()
        assert harness.shop.notices is not None
        harness.clock.advance(150)  # past the receipt's wait for its answer
        await harness.shop.notices.drain()
        assert len(receipts(harness, "fay", order.number)) == 1
        harness.clock.advance(3600)
        await harness.shop.notices.drain()
        assert len(receipts(harness, "fay", order.number)) == 1
    finally:
        await harness.close()


async def test_a_crash_before_the_answer_still_delivers_the_receipt(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    channel = FlakyChannel()
    harness = await ChatHarness.open(db, channel=channel)
    await place_order_until_confirm(harness, "gus")
    channel.down.update({"gus", OWNER})  # nothing leaves before the process dies
    assert harness.shop.notices is not None
    harness.shop.notices.drain = _never  # type: ignore[method-assign]
    await harness.press("gus", "confirm order")
    [order] = await harness.shop.store.orders.of_customer("test:gus")
    await harness.close()

    harness.clock.advance(150)
    again = await ChatHarness.open(db, clock=harness.clock)
    try:
        await again.shop.start_scheduler()
        assert len(receipts(again, "gus", order.number)) == 1
        assert len(notices_to_owner(again, order.number)) == 1
    finally:
        await again.close()


async def place_order_until_confirm(harness: ChatHarness, user: str) -> None:
    harness.languages[user] = "en"
    await harness.say(user, "1 walnuts")
    await harness.press(user, "check out")
    for answer in (user.title(), "13800138000", "1 Lake Road, Hangzhou"):
        await harness.say(user, answer)
    await harness.press(user, "no note")


PAID_CLAIM = "💰"  # the owner's "the customer says order ... is paid", in the shop's language


@pytest.mark.parametrize(
    "said",
    ["I have paid", "已经付款了", "钱转过去了"],
)
async def test_i_have_paid_survives_a_failed_send_and_arrives_once(
    tmp_path: Path, said: str
) -> None:
    channel = FlakyChannel()
    harness = await ChatHarness.open(tmp_path / "shop.db", channel=channel)
    try:
        number = await place_order(harness, "hal")
        before = len(harness.messages_to(OWNER))
        channel.down.add(OWNER)
        replies = await harness.say("hal", said)
        assert [m.chat for m in replies] == [harness.chat("hal")]  # thanked

        def told() -> list[str]:
            return [
                m.text
                for m in harness.messages_to(OWNER)[before:]
                if number in m.text and PAID_CLAIM in m.text
            ]

        assert told() == []
        channel.down.clear()
        assert harness.shop.notices is not None
        harness.clock.advance(31)
        assert await harness.shop.notices.drain() == 1
        harness.clock.advance(3600)
        await harness.shop.notices.drain()
        assert len(told()) == 1, "delivered once when the platform is back"
    finally:
        await harness.close()


async def test_saying_it_is_paid_twice_tells_the_owner_twice_but_a_redelivery_once(
    tmp_path: Path,
) -> None:
    harness = await ChatHarness.open(tmp_path / "shop.db")
    try:
        number = await place_order(harness, "ida")
        for message_id in ("m1", "m1", "m2"):  # the platform delivered m1 twice
            harness.clock.advance(60)
            await harness.shop.on_incoming(
                Incoming(
                    chat=harness.chat("ida"),
                    sender=Sender(CHANNEL, "ida", "Ida", "en"),
                    text="I have paid",
                    message_id=message_id,
                )
            )
        claims = [m for m in harness.messages_to(OWNER) if PAID_CLAIM in m.text]
        assert len(claims) == 2 and all(number in m.text for m in claims)
    finally:
        await harness.close()


class ConsoleStandIn(RecordingChannel):
    """The console channel's name, recording what it is handed."""

    name = "console"


async def test_a_notice_for_a_channel_not_running_waits_quietly_until_it_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The sample catalog names an owner on the console; these tests run only "test".
    db = tmp_path / "shop.db"
    harness = await ChatHarness.open(db)
    try:
        caplog.set_level(logging.INFO, logger="bot")
        number = await place_order(harness, "jo")
        assert harness.shop.notices is not None
        for _ in range(24):  # a day of the minute job's drains, an hour apart
            harness.clock.advance(3600)
            await harness.shop.notices.drain()
        [waiting] = [
            r
            for r in await harness.shop.store.notices.rows()
            if r.message.chat.channel == "console"
        ]
        assert waiting.state is NoticeState.PENDING
        assert (waiting.attempts, waiting.last_error) == (0, None), "never tried"
        assert [r.message for r in caplog.records if r.name.startswith("bot.")] == []

        await harness.shop.start_scheduler()
        said = [r.getMessage() for r in caplog.records if r.name == "bot.notices"]
        assert said == [
            "1 notice(s) wait for channel console, which is not running here; they are sent "
            "when a chatshop with that channel starts"
        ]
    finally:
        await harness.close()

    console = ConsoleStandIn()
    again = await ChatHarness.open(db, clock=harness.clock)
    try:
        await again.shop.start_channels([console])
        await again.shop.start_scheduler()
        [notice] = [m.text for m in console.sent if number in m.text]
        assert NEW_ORDER in notice
        again.clock.advance(3600)
        assert again.shop.notices is not None
        await again.shop.notices.drain()
        assert len([m for m in console.sent if number in m.text]) == 1
    finally:
        await again.close()


class SlowReceipts(RecordingChannel):
    """Holds a receipt to the chats in ``hold`` until released: a platform slow to take
    it, or a long retry_after."""

    def __init__(self) -> None:
        super().__init__()
        self.hold: set[str] = set()
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, message: Outgoing) -> str:
        if message.chat.chat_id in self.hold and "Your order number is" in message.text:
            self.holding.set()
            await self.release.wait()
        return await super().send(message)


async def test_a_receipt_slow_to_go_out_as_the_answer_is_not_sent_again_by_the_outbox(
    tmp_path: Path,
) -> None:
    channel = SlowReceipts()
    harness = await ChatHarness.open(tmp_path / "shop.db", channel=channel)
    try:
        await place_order_until_confirm(harness, "kim")
        channel.hold.add("kim")
        confirming = asyncio.create_task(harness.press("kim", "confirm order"))
        await channel.holding.wait()
        harness.clock.advance(3600)  # the answer is still on its way: the minute job runs
        assert harness.shop.notices is not None
        draining = asyncio.create_task(harness.shop.notices.drain())
        await asyncio.sleep(0)
        channel.release.set()
        await asyncio.gather(confirming, draining)
        harness.clock.advance(3600)
        await harness.shop.notices.drain()
        [order] = await harness.shop.store.orders.of_customer("test:kim")
        assert len(receipts(harness, "kim", order.number)) == 1
    finally:
        await harness.close()


@pytest.mark.parametrize("said", ["is the baby cream ok for eczema?", "怎么联系客服"])
async def test_a_question_for_the_owner_survives_a_failed_send_and_arrives_once(
    tmp_path: Path, said: str
) -> None:
    """The customer is told the owner has it: the ticket's notice must get there."""
    channel = FlakyChannel()
    harness = await ChatHarness.open(tmp_path / "shop.db", channel=channel)
    try:
        channel.down.add(OWNER)
        replies = await harness.say("jo", said)
        assert [m.chat for m in replies] == [harness.chat("jo")]  # told the owner will answer

        def told() -> list[str]:
            return [m.text for m in harness.messages_to(OWNER) if "#1" in m.text]

        assert told() == []
        channel.down.clear()
        assert harness.shop.notices is not None
        harness.clock.advance(31)
        assert await harness.shop.notices.drain() == 1
        harness.clock.advance(3600)
        await harness.shop.notices.drain()
        assert len(told()) == 1
        await harness.say("jo", "can you gift wrap it too?")  # the follow-up, told once too
        assert len(told()) == 2
    finally:
        await harness.close()
