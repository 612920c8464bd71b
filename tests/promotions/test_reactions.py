"""What a group's people do with promotions, through the real router: buying from a post
is the group's reaction, "别发了" its complaint; opting out says what it does; the owner
hears of opt-outs once a day and of /nopromo at once; Buy where there are no links goes on
in private; a rejoined group starts with promotions off; a restart re-sends no report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.catalog import CatalogError, load_catalog
from bot.channels.base import MembershipChange
from bot.i18n import t
from bot.messages import ChatKind, ChatRef, Incoming, Outgoing, Sender
from bot.store import OutboxRow, PostState
from promotions.jobs import PromoScheduler
from promotions.summary import send_summary

from support import CHANNEL, OWNER, SAMPLE_CATALOG, ChatHarness, LinkingChannel, texts

# Tuesday 24 November 2026, 10:30 in Shanghai: a winter-masks slot.
SLOT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
FRIENDS = ChatRef(CHANNEL, "friends", ChatKind.GROUP, "Friends")


@pytest.fixture
async def linked(tmp_path: Path) -> AsyncIterator[ChatHarness]:
    """A shop on a platform whose Buy buttons are links to a private chat (Telegram)."""
    chat = await ChatHarness.open(tmp_path / "shop.db", channel=LinkingChannel())
    try:
        yield chat
    finally:
        await chat.close()


async def at(chat: ChatHarness, moment: datetime) -> None:
    chat.clock.advance((moment - chat.clock.now()).total_seconds())


async def join(chat: ChatHarness, group: ChatRef = FRIENDS) -> None:
    await chat.shop.on_membership(MembershipChange(group, joined=True))
    await chat.shop.store.chats.set_promotions(group.key, True)


async def in_group(chat: ChatHarness, person: str, text: str, **flags: bool) -> list[Outgoing]:
    before = len(chat.channel.sent)
    await chat.shop.on_incoming(
        Incoming(FRIENDS, Sender(CHANNEL, person, person.title()), text=text, **flags)
    )
    return chat.channel.sent[before:]


def group_posts(chat: ChatHarness) -> list[Outgoing]:
    return [m for m in chat.channel.sent if m.chat == FRIENDS]


def buy_payload(post: Outgoing, index: int = 0) -> str:
    """The start payload of a post's Buy link (what opening it sends the bot)."""
    links = [b.url for row in post.buttons for b in row if b.url]
    return links[index].split("start=", 1)[1]


async def slot_row(chat: ChatHarness, campaign: str, slot: datetime) -> OutboxRow:
    [row] = await chat.shop.store.outbox.rows(campaign_id=campaign, slot=slot)
    return row


# --- item 1: what counts as a reaction ------------------------------------------------


async def test_opening_a_product_from_a_group_post_is_the_groups_reaction(
    linked: ChatHarness,
) -> None:
    await join(linked)
    await at(linked, SLOT)
    await linked.shop.promotions.run_slot("winter-masks", SLOT)
    [post] = group_posts(linked)
    payload = buy_payload(post)
    row = await slot_row(linked, "winter-masks", SLOT)
    assert payload.startswith("p-") and payload.endswith(f"-o-{row.id}") and len(payload) <= 64
    assert (await linked.shop.store.chats.get(FRIENDS.key)).last_reaction is None
    linked.clock.advance(600)
    replies = await linked.say("ann", f"/start {payload}")
    assert "玫瑰补水面膜" in texts(replies) and "加1件" in str(replies[-1].buttons)  # the card
    assert (await linked.shop.store.chats.get(FRIENDS.key)).last_reaction == linked.clock.now()


async def test_a_stop_in_a_group_slows_it_down_until_someone_buys(linked: ChatHarness) -> None:
    await join(linked)
    await linked.say(OWNER, "/promo create walnut-pm WALNUTS 15:00")
    await linked.say(OWNER, "/promo create cake-pm RICE-CAKE 16:00")
    await at(linked, SLOT)
    await linked.shop.promotions.run_slot("winter-masks", SLOT)
    [post] = group_posts(linked)
    linked.clock.advance(3600)
    await in_group(linked, "bo", "别发了", mentions_bot=True)
    # 15:00: a group that complained gets half its usual two posts a day.
    afternoon = SLOT + timedelta(hours=4, minutes=30)
    await at(linked, afternoon)
    await linked.shop.promotions.run_slot("walnut-pm", afternoon)
    held = await slot_row(linked, "walnut-pm", afternoon)
    assert held.state is PostState.SUPPRESSED and held.reason == "group_daily"
    assert held.detail == "complaint"
    # Ann buys from the morning post: the group reacted after the complaint.
    await linked.say("ann", f"/start {buy_payload(post)}")
    later = afternoon + timedelta(hours=1)
    await at(linked, later)
    await linked.shop.promotions.run_slot("cake-pm", later)
    assert (await slot_row(linked, "cake-pm", later)).state is PostState.SENT


# --- item 2: a stop said in a group, and the owner's daily summary --------------------


async def test_stop_in_a_group_says_what_it_does_and_the_owner_hears_once_a_day(
    harness: ChatHarness,
) -> None:
    await join(harness)
    owner_before = len(harness.messages_to(OWNER))
    replies = await in_group(harness, "bo", "@店铺 别发了", mentions_bot=True)
    assert texts(replies) == t("promo.stopped_in_group", "zh", name="Bo")
    assert "/nopromo" in texts(replies)
    assert await harness.shop.store.customers.promo_flags("test:bo") == (False, True)
    harness.languages["cy"] = "en"
    await harness.say("cy", "unsubscribe")
    await harness.say("cy", "stop")  # said twice: one opt-out
    assert len(harness.messages_to(OWNER)) == owner_before  # nothing yet, one by one
    assert await send_summary(harness.shop.promotions)
    [summary] = harness.messages_to(OWNER)[owner_before:]
    where = t("promo.summary_opt_out_where", "zh", name="Bo", group="Friends")
    assert t("promo.summary_opt_outs", "zh", count=2, names=f"{where}, Cy") in summary.text
    # Told once: the next summary (or one after a restart) has nothing to say.
    assert not await send_summary(harness.shop.promotions)
    assert len(harness.messages_to(OWNER)) == owner_before + 1


@pytest.mark.parametrize(
    ("said", "language"),
    [("@bot please stop posting ads here", "en"), ("@店铺 别再发广告了", "zh")],
)
async def test_a_complaint_in_words_is_an_opt_out_too(
    harness: ChatHarness, said: str, language: str
) -> None:
    await join(harness)
    replies = await in_group(harness, "bo", said, mentions_bot=True)
    assert texts(replies) == t("promo.stopped_in_group", language, name="Bo")
    assert (await harness.shop.store.chats.get(FRIENDS.key)).last_complaint is not None


async def test_the_summary_is_a_daily_job_on_the_shops_scheduler(harness: ChatHarness) -> None:
    jobs = PromoScheduler(harness.shop.promotions)
    await jobs.sync()
    job = jobs.scheduler.get_job("promotions:summary")
    assert job is not None
    first = job.trigger.get_next_fire_time(None, SLOT)
    assert first == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 21:00 in Shanghai


# --- item 3: /nopromo, a rejoined group, a restart after a broadcast -------------------


async def test_nopromo_tells_the_owner_which_group(harness: ChatHarness) -> None:
    await join(harness)
    replies = await in_group(harness, "ad", "/nopromo", sender_is_admin=True)
    assert t("promo.group_off", "zh") in texts(replies)
    told = harness.messages_to(OWNER)[-1].text
    assert told == t("promo.owner_nopromo", "zh", name="Ad", group="Friends")


async def test_a_group_that_removed_and_re_added_the_bot_gets_no_posts_until_enabled(
    harness: ChatHarness,
) -> None:
    await join(harness)
    await harness.shop.on_membership(MembershipChange(FRIENDS, joined=False))
    await harness.shop.on_membership(MembershipChange(FRIENDS, joined=True))
    assert t("group.added", "zh", title="Friends", chat=FRIENDS.key) in harness.last_text(OWNER)
    await at(harness, SLOT)
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    assert group_posts(harness) == []
    row = await slot_row(harness, "winter-masks", SLOT)
    assert row.state is PostState.SUPPRESSED and row.reason == "not_enabled"


async def test_a_restart_soon_after_a_broadcast_reports_nothing_again(harness: ChatHarness) -> None:
    await join(harness)
    await at(harness, SLOT)
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    reports = [m for m in harness.messages_to(OWNER) if "winter-masks" in m.text]
    assert reports  # the broadcast's report
    harness.clock.advance(20 * 60)
    await PromoScheduler(harness.shop.promotions).start()  # a restart within the hour
    again = [m for m in harness.messages_to(OWNER) if "winter-masks" in m.text]
    assert again == reports
    assert len(group_posts(harness)) == 1


# --- item 4: Buy after stop -------------------------------------------------------------


async def test_buying_from_a_post_after_stop_does_not_resubscribe(linked: ChatHarness) -> None:
    linked.languages["ann"] = "en"
    await linked.say("ann", "/subscribe")
    await linked.say("ann", "stop")
    replies = await linked.say("ann", "/start p-ROSE-MASK")
    assert "Rose" in texts(replies) and "back on" not in texts(replies)
    assert await linked.shop.store.customers.promo_flags("test:ann") == (True, True)
    # A bare /start (or /subscribe) is the way back, and says so.
    replies = await linked.say("ann", "/start")
    assert texts(replies) == t("promo.sub_resumed", "en")
    assert await linked.shop.store.customers.promo_flags("test:ann") == (True, False)


# --- item 5: group posts explained, Buy without links ----------------------------------


async def test_a_group_post_says_why_and_how_admins_turn_it_off(harness: ChatHarness) -> None:
    await join(harness)
    await at(harness, SLOT)
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    [post] = group_posts(harness)
    shop = harness.shop.catalog_holder.catalog.shop.name.get("zh")
    assert t("promo.why_group", "zh", shop=shop, count=2) in post.text
    assert "/nopromo" in post.text


async def test_buy_in_a_group_without_links_goes_on_in_private(harness: ChatHarness) -> None:
    await join(harness)
    await at(harness, SLOT)
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    [post] = group_posts(harness)
    label = next(b.label for row in post.buttons for b in row if "玫瑰" in b.label)
    before = len(harness.channel.sent)
    await harness.press("ann", label, group="friends")
    answered = harness.channel.sent[before:]
    in_the_group = [m for m in answered if m.chat.kind is ChatKind.GROUP]
    assert texts(in_the_group) == t("group.sent_private", "zh", name="Ann")
    [card] = [m for m in answered if m.chat == harness.chat("ann")]
    assert "玫瑰补水面膜" in card.text
    await harness.press("ann", "加1件")  # add one, in private
    assert [m for m in harness.channel.sent[before:] if m.chat.kind is ChatKind.GROUP] == (
        in_the_group
    )
    assert (await harness.shop.store.chats.get(FRIENDS.key)).last_reaction is not None


# --- item 6: one report per broadcast that posted; the rest in the summary -------------


async def test_a_broadcast_that_posted_nothing_is_told_in_the_summary_only(
    harness: ChatHarness,
) -> None:
    await join(harness)
    await harness.shop.store.chats.set_promotions(FRIENDS.key, False)  # every chat holds back
    await at(harness, SLOT)
    before = len(harness.messages_to(OWNER))
    await harness.shop.promotions.run_slot("winter-masks", SLOT)
    assert len(harness.messages_to(OWNER)) == before  # no report of an empty broadcast
    await at(harness, datetime(2026, 11, 24, 13, 0, tzinfo=UTC))  # 21:00, the summary
    assert await send_summary(harness.shop.promotions)
    [summary] = harness.messages_to(OWNER)[before:]
    slot = t(
        "promo.summary_silent_slot",
        "zh",
        campaign="winter-masks",
        time="11-24 10:30",
        reasons=f"{t('reason.total.not_enabled', 'zh')} × 1",
    )
    assert t("promo.summary_silent", "zh", slots=slot) in summary.text
    # The next day's summary does not tell it again.
    harness.clock.advance(86400)
    assert not await send_summary(harness.shop.promotions)


# --- item 7: a group in its own time zone -----------------------------------------------


def catalog_with_groups(tmp_path: Path, groups_yaml: str) -> Path:
    text = SAMPLE_CATALOG.read_text(encoding="utf-8")
    marker = "  max_quantity_per_line: 99\n"
    path = tmp_path / "catalog.yaml"
    caps = "  promotion_caps:\n    groups:\n" + groups_yaml
    path.write_text(text.replace(marker, marker + caps), encoding="utf-8")
    return path


async def test_an_overseas_group_gets_no_post_in_its_night(tmp_path: Path) -> None:
    catalog = catalog_with_groups(tmp_path, '      Vancouver: {timezone: "America/Vancouver"}\n')
    chat = await ChatHarness.open(tmp_path / "shop.db", catalog)
    vancouver = ChatRef(CHANNEL, "vancouver", ChatKind.GROUP, "Vancouver")
    try:
        await join(chat)
        await join(chat, vancouver)
        await chat.say(OWNER, "/promo create evening WALNUTS 18:30")
        evening = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)  # 18:30 Shanghai, 02:30 Vancouver
        await at(chat, evening)
        await chat.shop.promotions.run_slot("evening", evening)
        rows = {r.chat.key: r for r in await chat.shop.store.outbox.rows(campaign_id="evening")}
        assert rows[FRIENDS.key].state is PostState.SENT
        night = rows[vancouver.key]
        assert night.state is PostState.PENDING and night.reason == "quiet_hours"
        assert night.not_before == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 09:00 there
        # The owner's preview shows the group's own time zone beside its name.
        assert "America/Vancouver" in texts(await chat.say(OWNER, "/promo preview 1"))
    finally:
        await chat.close()


def test_a_groups_time_zone_is_checked_when_the_catalog_loads(tmp_path: Path) -> None:
    catalog = catalog_with_groups(tmp_path, '      Vancouver: {timezone: "Canada/Vancuver"}\n')
    with pytest.raises(CatalogError, match="Canada/Vancuver"):
        load_catalog(catalog)


async def test_the_daily_summary_is_in_the_language_the_owner_chose(
    harness: ChatHarness,
) -> None:
    await harness.say(OWNER, "/lang en")
    harness.languages["cy"] = "en"
    await harness.say("cy", "unsubscribe")
    assert await send_summary(harness.shop.promotions)
    summary = harness.last_text(OWNER)
    assert t("promo.summary_title", "en") in summary
    assert t("promo.summary_title", "zh") not in summary
