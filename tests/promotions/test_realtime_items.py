"""The promotions' smaller promises, each as a seller or a member would notice it: the
seller is nobody's "shared member", sold-out products are not promoted, a post never
advertises what it does not show, fatigue is foreseen by the preview, and the owner gets
one report per broadcast that posted something."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_promotions import SLOT, join, posts_to, seen_in

from bot.catalog import Campaign, GroupCaps, Schedule, Text, load_catalog
from bot.channels.base import Capabilities, RateLimits
from bot.store import PostState
from promotions.audiences import group_caps_from_catalog
from promotions.caps import (
    FATIGUE_POSTS,
    Audience,
    AudienceKind,
    CapsConfig,
    History,
    PastPost,
    Reason,
    Verdict,
    decide_broadcast,
)
from promotions.simulate import simulate

from support import OWNER, SAMPLE_CATALOG, ChatHarness, texts

SHANGHAI = "Asia/Shanghai"


async def test_the_seller_greeting_her_groups_does_not_make_them_overlap(
    harness: ChatHarness,
) -> None:
    await join(harness, "big", "small")
    await seen_in(harness, "big", "ann", "bob", OWNER)
    await seen_in(harness, "small", "cy", OWNER)
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    assert len(posts_to(harness, "big")) == 1 and len(posts_to(harness, "small")) == 1


def test_a_group_may_switch_overlap_off() -> None:
    big = Audience("big", AudienceKind.GROUP, SHANGHAI, frozenset({"ann", "bob"}))
    small = Audience(
        "small", AudienceKind.GROUP, SHANGHAI, frozenset({"ann"}), caps=CapsConfig(overlap=False)
    )
    noon = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
    decisions = decide_broadcast(["ROSE"], noon, [big, small], [], CapsConfig(), SHANGHAI)
    assert all(d.posts for d in decisions)
    kept = decide_broadcast(
        ["ROSE"], noon, [big, replace(small, caps=None)], [], CapsConfig(), SHANGHAI
    )
    assert (kept[1].reason, kept[1].detail, kept[1].via) == (Reason.OVERLAP, "big", "ann")


def test_the_catalog_switches_overlap_off_per_group() -> None:
    catalog = load_catalog(SAMPLE_CATALOG)
    caps = catalog.shop.promotion_caps.model_copy(
        update={"groups": {"Family": GroupCaps(overlap=False)}}
    )
    shop = catalog.shop.model_copy(update={"promotion_caps": caps})
    catalog = catalog.model_copy(update={"shop": shop})
    assert group_caps_from_catalog(catalog)["Family"].overlap is False


async def test_sold_out_products_are_not_promoted(harness: ChatHarness) -> None:
    await join(harness, "friends")
    store = harness.shop.store
    async with store._transaction() as db:
        await db.execute("UPDATE products SET stock = 0 WHERE sku = 'SILK-MASK'")
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    [post] = posts_to(harness, "friends")
    assert "玫瑰补水面膜" in post and "蚕丝" not in post
    async with store._transaction() as db:
        await db.execute("UPDATE products SET stock = 0 WHERE sku = 'ROSE-MASK'")
    friday = SLOT + timedelta(days=3)
    harness.clock.advance(3 * 86400)
    await harness.shop.promotions.run_slot("winter-masks", friday)
    [row] = await store.outbox.rows(campaign_id="winter-masks", slot=friday)
    assert (row.state, row.reason) == (PostState.SUPPRESSED, "sold_out")
    assert len(posts_to(harness, "friends")) == 1
    harness.languages[OWNER] = "en"
    await harness.say(OWNER, "/lang en")
    status = texts(await harness.say(OWNER, "/promo status winter-masks"))
    assert "sold out" in status


async def test_a_post_missing_a_product_does_not_carry_the_campaign_text(
    harness: ChatHarness,
) -> None:
    await join(harness, "friends")
    store = harness.shop.store
    campaign = Campaign(
        id="duo",
        products=["WALNUTS", "RICE-CAKE"],
        text=Text(en="Walnuts and rice cake!", zh="核桃和年糕都有！"),
        schedule=Schedule(times=["10:30"]),
    )
    await store.campaigns.save(campaign, source="chat")
    await harness.say(OWNER, "/promo pause winter-masks")
    await harness.say(OWNER, "/promo pause orange-season")
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await harness.shop.promotions.run_slot("duo", SLOT)
    assert "核桃和年糕都有" in posts_to(harness, "friends")[0]
    async with store._transaction() as db:
        await db.execute("UPDATE products SET stock = 0 WHERE sku = 'RICE-CAKE'")
    tomorrow = SLOT + timedelta(days=4)  # past the walnuts' 72-hour cool-down
    harness.clock.advance(4 * 86400)
    await harness.shop.promotions.run_slot("duo", tomorrow)
    second = posts_to(harness, "friends")[1]
    assert "纸皮核桃" in second and "核桃和年糕都有" not in second


def test_the_preview_foresees_fatigue_and_a_reaction_lifts_it() -> None:
    """No reaction to four posts in three weeks halves a group's cadence; the preview
    shows it starting, exactly where the live sender would (the same policy)."""
    start = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Monday 00:00 in Shanghai
    daily = Campaign(id="daily", products=["A"], schedule=Schedule(times=["10:00"]))
    other = Campaign(id="other", products=["B"], schedule=Schedule(times=["15:00"]))
    quiet = Audience("g", AudienceKind.GROUP, SHANGHAI, learns_fatigue=True)
    caps = CapsConfig(product_cooldown=timedelta(hours=12))
    preview = simulate(
        [daily, other], lambda c: [quiet], [], caps, SHANGHAI, start, 4, RateLimits()
    )
    posted = [p.at for p in preview.posts if p.decision.posts]
    assert len(posted) == FATIGUE_POSTS + 2  # two a day, then one a day
    held = [p.decision for p in preview.posts if not p.decision.posts]
    assert [(d.reason, d.detail) for d in held] == [
        (Reason.GROUP_DAILY, "no_reaction:5"),
        (Reason.GROUP_DAILY, "no_reaction:6"),
    ]
    # Someone talked to the bot after the first of those posts: no slow-down.
    reacted = replace(quiet, last_reaction=start + timedelta(days=1, hours=20))
    lively = simulate(
        [daily, other], lambda c: [reacted], [], caps, SHANGHAI, start, 4, RateLimits()
    )
    assert all(p.decision.posts for p in lively.posts)


def test_fatigue_counts_posts_decided_but_not_yet_sent() -> None:
    at = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    history = History(
        PastPost("g", frozenset({f"P{i}"}), at - timedelta(days=i + 1), AudienceKind.GROUP)
        for i in range(FATIGUE_POSTS)
    )
    tired = Audience("g", AudienceKind.GROUP, SHANGHAI, learns_fatigue=True)
    [decision] = decide_broadcast(["NEW"], at, [tired], history, CapsConfig(), SHANGHAI)
    assert decision.verdict is Verdict.POST  # one a day still goes out
    again = at + timedelta(hours=4)
    # The post just decided counts at once (the running history took it), sent or not.
    [decision] = decide_broadcast(["OTHER"], again, [tired], history, CapsConfig(), SHANGHAI)
    assert (decision.reason, decision.detail) == (Reason.GROUP_DAILY, "no_reaction:5")


async def test_the_owner_hears_only_of_broadcasts_that_posted(harness: ChatHarness) -> None:
    await join(harness, "friends")
    await join(harness, "family", enable=False)
    promotions = harness.shop.promotions
    harness.clock.advance((SLOT - harness.clock.now()).total_seconds())
    await promotions.run_slot("winter-masks", SLOT)
    before = len(harness.messages_to(OWNER))
    # Thirty minutes later the same products in the same chats: nothing posts at all.
    await harness.say(OWNER, "/promo create again ROSE-MASK 11:00")
    before = len(harness.messages_to(OWNER))
    harness.clock.advance(1800)
    await promotions.run_slot("again", SLOT + timedelta(minutes=30))
    assert len(harness.messages_to(OWNER)) == before


async def test_without_edits_the_owner_gets_one_report_per_broadcast(tmp_path: Path) -> None:
    chat = await ChatHarness.open(tmp_path / "wechat.db", capabilities=Capabilities(edits=False))
    try:
        await join(chat, "friends", "family")
        chat.clock.advance((SLOT - chat.clock.now()).total_seconds())
        await chat.shop.promotions.run_slot("winter-masks", SLOT)
        reports = [m for m in chat.messages_to(OWNER) if "winter-masks" in m.text]
        assert len(reports) == 1 and "2" in reports[0].text
    finally:
        await chat.close()
