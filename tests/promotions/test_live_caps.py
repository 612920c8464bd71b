"""The caps the running shop lives under, not caps a test builds for itself.

Every test in test_caps.py hands ``decide_broadcast`` a ``CapsConfig`` it made; these read
the caps the way the live engine and the preview do (from the catalog in force, through
promotions/audiences.py), and run slots through the engine to see them act: the defaults
the README documents, a group's own caps from ``promotion_caps.groups``, and fatigue.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.channels.base import MembershipChange
from bot.i18n import t
from bot.messages import ChatKind, ChatRef, Incoming, Sender
from bot.store import PostState
from promotions.caps import CapsConfig
from promotions.preview import build_preview

from support import CHANNEL, OWNER, REPO, SAMPLE_CATALOG, ChatHarness

# Tuesday 24 November 2026, 10:30 in Shanghai: a winter-masks slot (Tuesdays and Fridays).
SLOT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


def group(chat_id: str) -> ChatRef:
    return ChatRef(CHANNEL, chat_id, ChatKind.GROUP, chat_id.title())


async def join(chat: ChatHarness, *chat_ids: str) -> None:
    for chat_id in chat_ids:
        await chat.shop.on_membership(MembershipChange(group(chat_id), joined=True))
        await chat.shop.store.chats.set_promotions(group(chat_id).key, True)


async def at(chat: ChatHarness, moment: datetime) -> None:
    chat.clock.advance((moment - chat.clock.now()).total_seconds())


async def states(chat: ChatHarness, campaign: str, slot: datetime) -> dict[str, tuple[str, str]]:
    rows = await chat.shop.store.outbox.rows(campaign_id=campaign, slot=slot)
    return {row.chat.key: (row.state.value, row.reason) for row in rows}


def readme_caps_table() -> dict[str, str]:
    """The promotions section's cap table: first column -> default."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("**Caps** (defaults", 1)[1].split("\n\n", 2)[1]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("|")]
    return {cap.strip(): default.strip() for cap, default in rows[2:]}


def as_documented(caps: CapsConfig) -> dict[str, str]:
    """The caps written the way the README's table writes them."""
    return {
        "posts per group per calendar day (the group's time zone)": str(caps.group_daily),
        "time between two posts in a group": f"{caps.group_min_gap / timedelta(hours=1):g} hours",
        "quiet hours (a post due then waits for the morning), in the group's time zone": (
            f"{caps.quiet_start:%H:%M}-{caps.quiet_end:%H:%M}"
        ),
        "the same product again in the same chat": (
            f"not within {caps.product_cooldown / timedelta(hours=1):g} hours"
        ),
        "a subscriber": (
            f"at most {caps.subscriber_daily} a day and {caps.subscriber_weekly} a week"
        ),
        "the whole shop": f"{caps.shop_daily_budget} posts a day",
    }


async def test_the_live_engine_and_the_preview_run_the_caps_the_readme_documents(
    harness: ChatHarness,
) -> None:
    documented = readme_caps_table()
    live = harness.shop.promotions.caps
    assert as_documented(live).items() <= documented.items()
    assert harness.shop.promotions.group_caps == {}  # the sample shop sets none per group
    preview, _ = await build_preview(
        harness.shop.store, harness.shop.catalog_holder.catalog, harness.clock.now(), 1
    )
    assert preview.caps == live


async def test_a_group_gets_at_most_two_posts_a_day_three_hours_apart(
    harness: ChatHarness,
) -> None:
    """The documented defaults acting: the second post of the day waits out the gap, the
    third is held back."""
    await join(harness, "friends")
    for command in (
        "/promo create noon WALNUTS 12:00",
        "/promo create tea LONGJING-TEA 14:00",
        "/promo create evening HAND-CREAM 17:00",
    ):
        await harness.say(OWNER, command)
    promotions = harness.shop.promotions
    await at(harness, SLOT)
    await promotions.run_slot("winter-masks", SLOT)  # 10:30 local: the first post
    noon = SLOT + timedelta(minutes=90)
    await at(harness, noon)
    await promotions.run_slot("noon", noon)
    [row] = await harness.shop.store.outbox.rows(campaign_id="noon")
    # 90 minutes after the last post: it waits until three hours have passed.
    assert row.state is PostState.PENDING and row.not_before == SLOT + timedelta(hours=3)
    await at(harness, SLOT + timedelta(hours=3))
    assert await promotions.deliver_due() == 1
    two_pm = SLOT + timedelta(hours=3, minutes=30)
    await at(harness, two_pm)
    await promotions.run_slot("tea", two_pm)
    assert await states(harness, "tea", two_pm) == {"test:friends": ("suppressed", "group_daily")}
    five_pm = SLOT + timedelta(hours=6, minutes=30)
    await at(harness, five_pm)
    await promotions.run_slot("evening", five_pm)
    assert await states(harness, "evening", five_pm) == {
        "test:friends": ("suppressed", "group_daily")
    }
    sent = [m for m in harness.channel.sent if m.chat == group("friends")]
    assert len(sent) == 2


def catalog_with_group_caps(tmp_path: Path, groups_yaml: str) -> Path:
    text = SAMPLE_CATALOG.read_text(encoding="utf-8")
    marker = "  max_quantity_per_line: 99\n"
    assert marker in text
    caps = "  promotion_caps:\n    groups:\n" + groups_yaml
    path = tmp_path / "catalog.yaml"
    path.write_text(text.replace(marker, marker + caps), encoding="utf-8")
    return path


async def test_a_groups_own_caps_from_the_catalog_hold_in_that_group_only(
    tmp_path: Path,
) -> None:
    catalog = catalog_with_group_caps(
        tmp_path,
        # One group by title, one by chat key; the third lives under the shop's caps.
        '      Family: {quiet_hours: "08:00-11:00"}\n      "test:neighbours": {group_daily: 0}\n',
    )
    chat = await ChatHarness.open(tmp_path / "shop.db", catalog)
    try:
        await join(chat, "friends", "family", "neighbours")
        await at(chat, SLOT)
        await chat.shop.promotions.run_slot("winter-masks", SLOT)
        rows = {
            row.chat.key: row
            for row in await chat.shop.store.outbox.rows(campaign_id="winter-masks")
        }
        assert rows["test:friends"].state is PostState.SENT
        # 10:30 is within the family's own quiet hours: the post waits for 11:00.
        family = rows["test:family"]
        assert family.state is PostState.PENDING and family.reason == "quiet_hours"
        assert family.not_before == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
        neighbours = rows["test:neighbours"]
        assert (neighbours.state, neighbours.reason) == (PostState.SUPPRESSED, "group_daily")
        # The preview reads the same per-group caps.
        preview, _ = await build_preview(
            chat.shop.store, chat.shop.catalog_holder.catalog, SLOT - timedelta(hours=1), 1
        )
        assert preview.chats["test:neighbours"].caps is not None
        assert preview.chats["test:neighbours"].caps.group_daily == 0
        assert preview.chats["test:friends"].caps is None
    finally:
        await chat.close()


async def test_a_group_that_moved_to_a_new_id_keeps_the_caps_named_by_its_old_key(
    tmp_path: Path,
) -> None:
    """A Telegram group upgraded to a supergroup gets a new id; the catalog still names
    the old key. Its own caps (time zone, overlap, daily posts) go on holding there."""
    catalog = catalog_with_group_caps(tmp_path, '      "test:neighbours": {group_daily: 0}\n')
    chat = await ChatHarness.open(tmp_path / "shop.db", catalog)
    try:
        await join(chat, "neighbours")
        moved = ChatRef(CHANNEL, "neighbours-super", ChatKind.GROUP, "")
        await chat.shop.store.chats.move(group("neighbours"), moved)
        await at(chat, SLOT)
        await chat.shop.promotions.run_slot("winter-masks", SLOT)
        assert await states(chat, "winter-masks", SLOT) == {
            moved.key: ("suppressed", "group_daily")
        }
    finally:
        await chat.close()


async def test_a_group_that_never_reacts_gets_half_the_cadence_and_the_owner_is_told(
    harness: ChatHarness,
) -> None:
    """Four posts without a reaction slow a group to one post a day; a group where
    someone spoke to the bot keeps the normal cadence."""
    await join(harness, "silent", "lively")
    promotions = harness.shop.promotions
    # Four winter-masks slots: Tue 24, Fri 27 Nov, Tue 1, Fri 4 Dec, 10:30 local.
    slots = [SLOT + timedelta(days=d) for d in (0, 3, 7, 10)]
    for number, slot in enumerate(slots):
        await at(harness, slot)
        report = await promotions.run_slot("winter-masks", slot)
        assert report is not None and report.counts["sent"] == 2
        if number == 1:  # someone in "lively" speaks to the bot after the first post
            await harness.shop.on_incoming(
                Incoming(
                    group("lively"),
                    Sender(CHANNEL, "lu", "Lu", "en"),
                    text="@bot hi",
                    mentions_bot=True,
                )
            )
    await harness.say(OWNER, "/promo create afternoon WALNUTS 14:30")
    tuesday = SLOT + timedelta(days=14)  # Tue 8 Dec
    await at(harness, tuesday)
    report = await promotions.run_slot("winter-masks", tuesday)
    assert report is not None and set(report.fatigued) == {"test:silent"}
    assert report.fatigued["test:silent"] == "no_reaction:4"
    # Progress reports speak the shop's language (zh in the sample shop).
    assert t("promo.fatigued", "zh", groups=1) in harness.last_text(OWNER)
    # Four hours later: a second post is fine in the lively group; the silent one has had
    # its one post of the day.
    afternoon = tuesday + timedelta(hours=4)
    await at(harness, afternoon)
    await promotions.run_slot("afternoon", afternoon)
    assert await states(harness, "afternoon", afternoon) == {
        "test:lively": ("sent", ""),
        "test:silent": ("suppressed", "group_daily"),
    }


def test_the_readme_table_is_read_whole() -> None:
    """The table parser above would make the first test pass vacuously if it read nothing."""
    table = readme_caps_table()
    assert len(table) >= 6
    assert re.fullmatch(r"\d+", table["posts per group per calendar day (the group's time zone)"])
