"""A local error while sending one promotional post is that post's failure, recorded;
the broadcast goes on to every other chat (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.channels.base import MembershipChange
from bot.messages import ChatKind, ChatRef
from bot.store import PostState
from promotions import engine

from support import CHANNEL, ChatHarness

SLOT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # a winter-masks slot


def group(chat_id: str) -> ChatRef:
    return ChatRef(CHANNEL, chat_id, ChatKind.GROUP, chat_id.title())


async def test_one_post_that_cannot_be_built_fails_alone(
    harness: ChatHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    for chat_id in ("friends", "cursed", "neighbours"):
        await harness.shop.on_membership(MembershipChange(group(chat_id), joined=True))
        await harness.shop.store.chats.set_promotions(group(chat_id).key, True)
    real = engine.promo_post

    def fails_for_one_chat(*args: Any, **kwargs: Any) -> Any:
        if args[2] == group("cursed"):
            raise ValueError("deep-link payload 'CAFÉ' must be 1-64 of A-Z a-z 0-9 _ -")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "promo_post", fails_for_one_chat)
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    assert harness.shop.promotions is not None
    report = await harness.shop.promotions.run_slot("winter-masks", SLOT)
    assert report is not None and report.counts["sent"] == 2
    rows = {r.chat.key: r for r in await harness.shop.store.outbox.rows(campaign_id="winter-masks")}
    assert rows["test:cursed"].state is PostState.FAILED
    assert "deep-link payload" in (rows["test:cursed"].last_error or "")
    assert {rows[k].state for k in ("test:friends", "test:neighbours")} == {PostState.SENT}
    assert not [r for r in rows.values() if r.state is PostState.SENDING]
