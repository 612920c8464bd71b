"""Many turns ending at once each drain the notices outbox (issue 14: 200 customers
confirming side by side). Every notice still goes once, and the drains of one process do
not race each other to claims only one of them can win (a round trip lost per row)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot import app
from bot.messages import Incoming, Outgoing, Sender
from bot.store import NewNotice

from support import CHANNEL, OWNER, ChatHarness, RecordingChannel


async def test_drains_at_once_send_each_notice_once_and_claim_it_once(
    harness: ChatHarness,
) -> None:
    store = harness.shop.store
    sender = harness.shop.notices
    assert sender is not None
    people = [f"p{n}" for n in range(12)]
    await store.notices.add(
        [
            NewNotice(
                f"news:{n}|{person}", Outgoing(harness.chat(person), f"news {n} for {person}")
            )
            for person in people
            for n in range(2)
        ]
    )
    claims: list[int] = []
    claim = store.notices.claim

    async def counted(notice_id: int) -> bool:
        claims.append(notice_id)
        return await claim(notice_id)

    store.notices.claim = counted  # type: ignore[method-assign]

    sent: Any = await asyncio.gather(*(sender.drain() for _ in range(5)))

    assert sum(sent) == 24
    for person in people:
        texts = [m.text for m in harness.messages_to(person)]
        assert texts == [f"news 0 for {person}", f"news 1 for {person}"], "once, in order"
    assert sorted(claims) == sorted(set(claims)), "no claim raced by another drain"
    assert len(claims) == 24


class SlowOwnerChannel(RecordingChannel):
    """The owner's chat takes its time (Telegram paces it to a message a second)."""

    def __init__(self) -> None:
        super().__init__()
        self.owner_free = asyncio.Event()

    async def send(self, message: Outgoing) -> str:
        if message.chat.chat_id == OWNER:
            await self.owner_free.wait()
        return await super().send(message)


async def test_a_busy_owner_chat_holds_up_no_customers_next_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A turn waits a moment for what it owes others, then leaves it to go on its own
    # (no real time spent waiting here).
    monkeypatch.setattr(app, "NOTICES_WAIT", 0)
    channel = SlowOwnerChannel()
    harness = await ChatHarness.open(tmp_path / "shop.db", channel=channel)
    try:
        harness.languages["amy"] = "en"
        await harness.say("amy", "1 walnuts")
        await harness.press("amy", "check out")
        for answer in ("Amy", "13800138000", "1 Lake Road, Hangzhou"):
            await harness.say("amy", answer)
        await harness.press("amy", "no note")
        confirm = harness.find_button("amy", "confirm order").action
        sender = Sender(CHANNEL, "amy", "Amy", "en")

        # The turn returns (the channel then admits Amy's next message) while the
        # owner's notice of her order is still on its way.
        async with asyncio.timeout(5):
            await harness.shop.on_incoming(Incoming(harness.chat("amy"), sender, button=confirm))
            await harness.shop.on_incoming(Incoming(harness.chat("amy"), sender, text="thanks!"))
        assert any("order number" in m.text for m in harness.messages_to("amy"))
        assert harness.messages_to(OWNER) == []

        channel.owner_free.set()
        await harness.shop.settle()
        [notice] = harness.messages_to(OWNER)
        [order] = await harness.shop.store.orders.of_customer("test:amy")
        assert order.number in notice.text
    finally:
        channel.owner_free.set()
        await harness.close()
