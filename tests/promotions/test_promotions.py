"""Capped promotions end to end: real store, caps, engine, delivery and chat commands."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.channels.base import MembershipChange
from bot.i18n import t
from bot.messages import ChatKind, ChatRef, Incoming, Sender
from bot.store import PostState
from promotions.jobs import PromoScheduler
from promotions.texts import reason_text

from support import CHANNEL, OWNER, SAMPLE_CATALOG, ChatHarness, texts

# Tuesday 24 November 2026, 10:30 in Shanghai: a winter-masks slot.
SLOT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


def group(chat_id: str) -> ChatRef:
    return ChatRef(CHANNEL, chat_id, ChatKind.GROUP, chat_id.title())


async def join(chat: ChatHarness, *chat_ids: str, enable: bool = True) -> None:
    for chat_id in chat_ids:
        await chat.shop.on_membership(MembershipChange(group(chat_id), joined=True))
        if enable:
            await chat.shop.store.chats.set_promotions(group(chat_id).key, True)


async def seen_in(chat: ChatHarness, chat_id: str, *people: str) -> None:
    """People chatting in a group (not to the bot): the bot learns who is there."""
    for person in people:
        await chat.shop.on_incoming(
            Incoming(group(chat_id), Sender(CHANNEL, person, person), text="hi all")
        )


def posts_to(chat: ChatHarness, chat_id: str) -> list[str]:
    return [m.text for m in chat.channel.sent if m.chat == group(chat_id)]


async def test_only_enabled_groups_get_the_post_and_the_rest_is_recorded(
    harness: ChatHarness,
) -> None:
    await join(harness, "friends", "neighbours")
    await join(harness, "family", enable=False)
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    report = await harness.shop.promotions.run_slot("winter-masks", SLOT)
    assert report is not None and report.counts["sent"] == 2
    [post] = posts_to(harness, "friends")
    assert "玫瑰补水面膜" in post and "¥39.90" in post
    assert posts_to(harness, "family") == []
    rows = {r.chat.key: r for r in await harness.shop.store.outbox.rows(campaign_id="winter-masks")}
    assert rows["test:family"].state is PostState.SUPPRESSED
    assert rows["test:family"].reason == "not_enabled"
    # The owner saw one progress message, edited at the end rather than a message per group.
    owner_messages = harness.messages_to(OWNER)
    progress = [m for m in owner_messages if "winter-masks" in m.text]
    assert progress[-1].edit_message_id is not None
    assert progress[-1].text.startswith(
        t(
            "promo.progress_done",
            "zh",
            campaign="winter-masks",
            sent=2,
            suppressed=1,
            failed=0,
            delayed=0,
            total=3,
        )
    )


async def test_the_same_slot_twice_never_posts_twice(harness: ChatHarness) -> None:
    await join(harness, "friends")
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    await harness.shop.promotions.run_slot("winter-masks", SLOT)  # a restart re-runs it
    assert len(posts_to(harness, "friends")) == 1
    assert len(await harness.shop.store.outbox.rows(campaign_id="winter-masks")) == 1


async def test_caps_hold_back_a_second_post_and_say_why(harness: ChatHarness) -> None:
    await join(harness, "friends")
    await harness.say(OWNER, "/promo create flash ROSE-MASK 11:00")
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    half_hour_later = SLOT + timedelta(minutes=30)
    harness.clock.advance(1800)
    await harness.shop.promotions.run_slot("flash", half_hour_later)
    [row] = await harness.shop.store.outbox.rows(campaign_id="flash")
    # Rose masks were just shown here: the 72-hour cool-down says no.
    assert row.state is PostState.SUPPRESSED and row.reason == "product_cooldown"
    replies = await harness.say(OWNER, "/promo status flash")
    assert reason_text("product_cooldown", "zh") in texts(replies)  # the owner's language


async def test_quiet_hours_delay_to_the_morning(harness: ChatHarness) -> None:
    await join(harness, "friends")
    await harness.say(OWNER, "/promo create late WALNUTS 22:30")
    late = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai
    harness.clock.advance((late - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("late", late)
    [row] = await harness.shop.store.outbox.rows(campaign_id="late")
    assert row.state is PostState.PENDING and row.not_before is not None
    assert row.not_before == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 local
    assert posts_to(harness, "friends") == []
    assert await harness.shop.promotions.deliver_due() == 0  # still night
    harness.clock.advance((row.not_before - harness.clock.now()).total_seconds())
    assert await harness.shop.promotions.deliver_due() == 1
    assert "纸皮核桃" in posts_to(harness, "friends")[0]


async def test_overlapping_groups_do_not_push_the_same_person_twice(harness: ChatHarness) -> None:
    await join(harness, "big", "small", "other")
    await seen_in(harness, "big", "ann", "bob", "cy")
    await seen_in(harness, "small", "ann")
    await seen_in(harness, "other", "dee")
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    rows = {r.chat.key: r for r in await harness.shop.store.outbox.rows(campaign_id="winter-masks")}
    assert rows["test:big"].state is PostState.SENT
    assert rows["test:other"].state is PostState.SENT
    assert rows["test:small"].state is PostState.SUPPRESSED
    assert rows["test:small"].reason == "overlap" and rows["test:small"].detail == "test:big"


async def test_subscriber_gets_why_and_one_tap_stop(harness: ChatHarness) -> None:
    harness.languages["ann"] = "en"
    await harness.say("ann", "/subscribe")
    sunday = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # 11:00 Sunday in Shanghai
    harness.clock.advance((sunday - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("tea-subscribers", sunday)
    post = harness.messages_to("ann")[-1]
    assert "West Lake Longjing" in post.text and "you subscribed" in post.text
    labels = [b.label for row in post.buttons for b in row]
    assert "Fewer like this" in labels and "Stop promotions" in labels
    await harness.press("ann", "Stop promotions")
    next_sunday = sunday + timedelta(days=7)
    harness.clock.advance(7 * 86400)
    await harness.shop.promotions.run_slot("tea-subscribers", next_sunday)
    rows = await harness.shop.store.outbox.rows(campaign_id="tea-subscribers", slot=next_sunday)
    assert rows == []  # stopped: no longer a subscriber at all
    replies = await harness.say("ann", "/start")
    assert "Promotions are back on" in texts(replies)


async def test_opt_out_words_anywhere(harness: ChatHarness) -> None:
    await harness.say("bo", "/subscribe")
    replies = await harness.say("bo", "别发了")
    assert "不再给你发推广" in texts(replies)
    assert await harness.shop.store.customers.promo_flags("test:bo") == (True, True)
    # In a group, replying to a promotion with "退订" works the same way.
    await harness.say("cy", "/subscribe")
    await harness.shop.on_incoming(
        Incoming(group("friends"), Sender(CHANNEL, "cy", "Cy"), text="退订", reply_to_bot=True)
    )
    assert await harness.shop.store.customers.promo_flags("test:cy") == (True, True)


async def test_group_admin_turns_promotions_off(harness: ChatHarness) -> None:
    await join(harness, "friends")
    await harness.shop.on_incoming(
        Incoming(group("friends"), Sender(CHANNEL, "mo", "Mo"), text="/nopromo")
    )
    assert (await harness.shop.store.chats.get("test:friends")).promotions_enabled
    await harness.shop.on_incoming(
        Incoming(
            group("friends"), Sender(CHANNEL, "ad", "Ad"), text="/nopromo", sender_is_admin=True
        )
    )
    assert not (await harness.shop.store.chats.get("test:friends")).promotions_enabled


async def test_owner_manages_groups_and_campaigns_in_chat(harness: ChatHarness) -> None:
    await join(harness, "friends", enable=False)
    replies = await harness.say(OWNER, "/groups")
    assert "test:friends" in texts(replies)
    await harness.press(OWNER, "Friends")
    assert (await harness.shop.store.chats.get("test:friends")).promotions_enabled
    assert "winter-masks" in texts(await harness.say(OWNER, "/promo"))
    await harness.say(OWNER, "/promo pause winter-masks")
    assert await harness.shop.promotions.run_slot("winter-masks", SLOT) is None
    await harness.say(OWNER, "/promo resume winter-masks")
    replies = await harness.say("ann", "/promo pause winter-masks")
    assert texts(replies) == t("owner.only", "zh")  # ann wrote a bare command: the default
    replies = await harness.say(OWNER, "/promo create bad NOPE 10:00")
    assert "NOPE" in texts(replies)


async def test_a_post_caught_mid_send_is_never_resent(harness: ChatHarness) -> None:
    await join(harness, "friends")
    store = harness.shop.store
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    [row] = await store.outbox.rows(campaign_id="winter-masks")
    # Simulate the crash: the row was claimed but the process died before marking it.
    async with store._transaction() as db:
        await db.execute("UPDATE promo_outbox SET state = 'sending' WHERE id = ?", (row.id,))
    assert await harness.shop.promotions.recover() == 1
    [row] = await store.outbox.rows(campaign_id="winter-masks")
    assert row.state is PostState.FAILED and row.maybe_sent
    sent_before = len(harness.channel.sent)
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    await harness.shop.promotions.deliver_due()
    assert len(posts_to(harness, "friends")) == 1
    assert [m for m in harness.channel.sent[sent_before:] if m.chat.is_group] == []


async def test_a_post_due_while_down_is_sent_within_grace_else_missed(harness: ChatHarness) -> None:
    await join(harness, "friends")
    promotions = harness.shop.promotions
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds() + 40 * 60)
    await promotions.catch_up(
        [(await harness.shop.store.campaigns.get("winter-masks")).campaign], harness.clock.now()
    )
    assert len(posts_to(harness, "friends")) == 1  # 40 minutes late: within the hour
    friday = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)
    harness.clock.advance((friday - harness.clock.now()).total_seconds() + 2 * 3600)
    await promotions.catch_up(
        [(await harness.shop.store.campaigns.get("winter-masks")).campaign], harness.clock.now()
    )
    assert len(posts_to(harness, "friends")) == 1  # two hours late: not run at all


async def test_scheduler_builds_jobs_from_the_store(harness: ChatHarness) -> None:
    scheduler = PromoScheduler(harness.shop.promotions, AsyncIOScheduler(timezone="UTC"))
    await scheduler.sync()
    assert scheduler.job_ids() == [
        "campaign:orange-season",
        "campaign:tea-subscribers",
        "campaign:winter-masks",
        "promotions:summary",
    ]
    await harness.say(OWNER, "/promo pause orange-season")
    await harness.say(OWNER, "/promo create flash ROSE-MASK 11:00")
    await scheduler.sync()
    assert scheduler.job_ids() == [
        "campaign:flash",
        "campaign:tea-subscribers",
        "campaign:winter-masks",
        "promotions:summary",
    ]
    job = scheduler.scheduler.get_job("campaign:flash")
    assert job.args == ("flash",)


async def test_owner_preview_shows_posts_and_what_the_caps_hold_back(harness: ChatHarness) -> None:
    await join(harness, "friends")
    await join(harness, "family", enable=False)
    harness.languages[OWNER] = "en"
    await harness.say(OWNER, "/lang en")
    replies = await harness.say(OWNER, "/promo preview 7")
    text = texts(replies)
    assert "winter-masks" in text and "10:30" in text
    assert "promotions not enabled" in text
    assert "Friends" in text and "Family" in text


def test_cli_preview_reads_the_catalog_and_store(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "promo",
            "preview",
            "--days",
            "14",
            "--catalog",
            str(SAMPLE_CATALOG),
            "--db",
            str(tmp_path / "p.db"),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Promotion preview" in result.stdout and "winter-masks" in result.stdout


async def test_a_long_cool_down_is_honoured_beyond_a_week(harness: ChatHarness) -> None:
    await join(harness, "friends")
    promotions = harness.shop.promotions
    promotions.caps = replace(promotions.caps, product_cooldown=timedelta(days=10))
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await promotions.run_slot("winter-masks", SLOT)
    nine_days_later = SLOT + timedelta(days=9)  # a Thursday; any slot time will do
    harness.clock.advance(9 * 86400)
    await promotions.run_slot("winter-masks", nine_days_later)
    [row] = await harness.shop.store.outbox.rows(campaign_id="winter-masks", slot=nine_days_later)
    assert row.state is PostState.SUPPRESSED and row.reason == "product_cooldown"
