"""Many turns ending at once each drain the notices outbox (issue 14: 200 customers
confirming side by side). Every notice still goes once, and the drains of one process do
not race each other to claims only one of them can win (a round trip lost per row)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.messages import Outgoing
from bot.store import NewNotice

from support import ChatHarness


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
