"""The platform gone for minutes and back (issue 13's fault suite): due promotions follow
the grace rule (posted when the platform is back if their slot is still within the
grace period, recorded as missed otherwise), and nothing is sent twice. Every wait is on
the FakeClock. (Polling resuming by itself on the real Telegram channel:
tests/integration/test_telegram_outage.py.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.channels.base import MembershipChange, TransientSendError
from bot.messages import ChatKind, ChatRef, Outgoing
from bot.store import PostState

from support import CHANNEL, ChatHarness, RecordingChannel

SLOT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # a winter-masks slot
GROUPS = ("friends", "neighbours", "colleagues")


class Outage(RecordingChannel):
    """Every send fails as a platform that cannot be reached does, while ``down``."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.refused = 0

    async def send(self, message: Outgoing) -> str:
        if self.down:
            self.refused += 1
            raise TransientSendError("502 Bad Gateway")
        return await super().send(message)


def group(chat_id: str) -> ChatRef:
    return ChatRef(CHANNEL, chat_id, ChatKind.GROUP, chat_id.title())


async def shop_with_groups(tmp_path: Path) -> tuple[ChatHarness, Outage]:
    channel = Outage()
    harness = await ChatHarness.open(tmp_path / "shop.db", channel=channel)
    for chat_id in GROUPS:
        await harness.shop.on_membership(MembershipChange(group(chat_id), joined=True))
        await harness.shop.store.chats.set_promotions(group(chat_id).key, True)
    return harness, channel


def posts(harness: ChatHarness) -> dict[str, int]:
    return {g: len(harness.messages_to("", group=g)) for g in GROUPS}


async def run_due_every_half_minute(harness: ChatHarness, minutes: float) -> None:
    """The promotions' due job, as the scheduler runs it, for ``minutes`` of the clock
    (delivery's backoff while the platform is down moves the clock on too)."""
    assert harness.shop.promotions is not None
    until = harness.clock.now() + timedelta(minutes=minutes)
    while harness.clock.now() < until:
        harness.clock.advance(30)
        await harness.shop.promotions.deliver_due()


async def states(harness: ChatHarness) -> set[PostState]:
    rows = await harness.shop.store.outbox.rows(campaign_id="winter-masks", slot=SLOT)
    assert {r.chat.chat_id for r in rows} == set(GROUPS)
    return {r.state for r in rows}


async def test_a_slot_due_during_a_short_outage_is_posted_once_when_the_platform_is_back(
    tmp_path: Path,
) -> None:
    harness, channel = await shop_with_groups(tmp_path)
    try:
        assert harness.shop.promotions is not None
        harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
        channel.down = True
        await harness.shop.promotions.run_slot("winter-masks", SLOT)
        await run_due_every_half_minute(harness, 10)  # ten minutes down
        assert harness.clock.now() - SLOT < harness.shop.promotions.grace
        assert channel.refused > len(GROUPS), "it kept trying"
        assert posts(harness) == dict.fromkeys(GROUPS, 0)
        assert await states(harness) == {PostState.PENDING}

        channel.down = False
        await run_due_every_half_minute(harness, 1)
        assert posts(harness) == dict.fromkeys(GROUPS, 1)
        assert await states(harness) == {PostState.SENT}
        await run_due_every_half_minute(harness, 120)
        assert posts(harness) == dict.fromkeys(GROUPS, 1), "never twice"
    finally:
        await harness.close()


async def test_a_slot_whose_grace_passed_during_the_outage_is_missed_not_posted_late(
    tmp_path: Path,
) -> None:
    harness, channel = await shop_with_groups(tmp_path)
    try:
        assert harness.shop.promotions is not None
        grace = harness.shop.promotions.grace
        harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
        channel.down = True
        await harness.shop.promotions.run_slot("winter-masks", SLOT)
        down_for = grace + timedelta(minutes=5)
        await run_due_every_half_minute(harness, down_for.total_seconds() / 60)

        channel.down = False
        await run_due_every_half_minute(harness, 10)
        assert posts(harness) == dict.fromkeys(GROUPS, 0)
        assert await states(harness) == {PostState.MISSED}
    finally:
        await harness.close()
