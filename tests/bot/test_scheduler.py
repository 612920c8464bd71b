"""The generic scheduler, and the shop's start-up wiring of it: what the last stop left
mid-send is settled, and what fell due while the shop was down is caught up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.interval import IntervalTrigger

from bot.channels.base import MembershipChange
from bot.messages import ChatKind, ChatRef
from bot.scheduler import Scheduler
from bot.store import PostState

from support import CHANNEL, ChatHarness

# Tuesday 24 November 2026, 10:30 in Shanghai: a winter-masks slot of the sample catalog.
SLOT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


async def nothing() -> None:
    return None


async def test_a_job_id_names_one_job_and_features_start_before_any_job_runs() -> None:
    scheduler = Scheduler()
    scheduler.add("digest:daily", nothing, IntervalTrigger(hours=24))
    scheduler.add("digest:daily", nothing, IntervalTrigger(hours=12))  # replaces, never doubles
    scheduler.every("outbox:due", nothing, timedelta(seconds=30))
    assert scheduler.job_ids() == ["digest:daily", "outbox:due"]
    assert scheduler.job_ids("digest:") == ["digest:daily"]
    started: list[bool] = []

    class Feature:
        async def start(self) -> None:
            started.append(scheduler.running)

    await scheduler.start([Feature(), Feature()])
    try:
        assert started == [False, False]  # each feature settled before the first job
        assert scheduler.running
        assert scheduler.remove("digest:daily") and not scheduler.remove("digest:daily")
    finally:
        await scheduler.stop()
    assert not scheduler.running


async def test_shop_start_settles_mid_send_posts_and_catches_up(harness: ChatHarness) -> None:
    friends = ChatRef(CHANNEL, "friends", ChatKind.GROUP, "Friends")
    family = ChatRef(CHANNEL, "family", ChatKind.GROUP, "Family")
    store = harness.shop.store
    for group in (friends, family):
        await harness.shop.on_membership(MembershipChange(group, joined=True))
        await store.chats.set_promotions(group.key, True)
    # The previous run claimed the family post and died before it knew the outcome.
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    rows = {row.chat.key: row for row in await store.outbox.rows(campaign_id="winter-masks")}
    async with store._transaction() as db:
        await db.execute(
            "UPDATE promo_outbox SET state = 'sending' WHERE id = ?", (rows[family.key].id,)
        )
    # Down over the next slot (Friday 10:30); started again 40 minutes after it.
    friday = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)
    harness.clock.advance((friday - harness.clock.now()).total_seconds() + 40 * 60)
    await harness.shop.start_scheduler()
    try:
        tuesday_rows = await store.outbox.rows(campaign_id="winter-masks", slot=SLOT)
        rows = {row.chat.key: row for row in tuesday_rows}
        # Settled, never resent: it may have gone out.
        assert rows[family.key].state is PostState.FAILED and rows[family.key].maybe_sent
        friday_rows = await store.outbox.rows(campaign_id="winter-masks", slot=friday)
        assert {row.chat.key for row in friday_rows} == {friends.key, family.key}
        scheduler = harness.shop.scheduler
        assert scheduler is not None
        assert "campaign:winter-masks" in scheduler.job_ids()
    finally:
        await harness.close()
