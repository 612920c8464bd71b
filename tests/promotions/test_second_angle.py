"""Promises that rested on one test each, seen again from another side, through the real
router: opt-out words (every documented word, and words that are not one), stopped
subscribers (/stop, then the live slot and /start), a duplicate sku (refused by /reload),
and the live quiet hours (the owner's campaign, preview and the scheduler's own job)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.base import MembershipChange
from bot.i18n import t
from bot.messages import ChatKind, ChatRef
from promotions.jobs import PromoScheduler

from support import CHANNEL, OWNER, SAMPLE_CATALOG, ChatHarness, texts

# Sunday 29 November 2026, 11:00 in Shanghai: a tea-subscribers slot.
SUNDAY = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
FRIENDS = ChatRef(CHANNEL, "friends", ChatKind.GROUP, "Friends")


async def at(chat: ChatHarness, moment: datetime) -> None:
    chat.clock.advance((moment - chat.clock.now()).total_seconds())


# --- opt-out words --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "stop"),
        ("en", "Stop!"),
        ("en", "UNSUBSCRIBE"),
        ("zh", "退订"),
        ("zh", "别发了！"),
        ("zh", "不要再发"),
        ("zh", "请不要再发了"),
    ],
)
async def test_each_documented_opt_out_word_stops_promotions(
    harness: ChatHarness, language: str, said: str
) -> None:
    harness.languages["ann"] = language
    await harness.say("ann", "/subscribe")
    replies = await harness.say("ann", said)
    assert texts(replies) == t("promo.stopped", language)
    assert await harness.shop.store.customers.promo_flags("test:ann") == (True, True)


@pytest.mark.parametrize("said", ["can you stop by the shop?", "2 rose masks", "别发货太晚"])
async def test_words_that_only_contain_an_opt_out_word_stop_nothing(
    harness: ChatHarness, said: str
) -> None:
    harness.languages["bo"] = "en"
    await harness.say("bo", "/subscribe")
    replies = await harness.say("bo", said)
    assert t("promo.stopped", "en") not in texts(replies)
    assert await harness.shop.store.customers.promo_flags("test:bo") == (True, False)


# --- stopped subscribers --------------------------------------------------------------


async def test_stop_command_keeps_the_next_subscriber_post_away_until_start(
    harness: ChatHarness,
) -> None:
    for person, language in (("ann", "en"), ("cy", "zh")):
        harness.languages[person] = language
        await harness.say(person, "/subscribe")
    assert texts(await harness.say("ann", "/stop")) == t("promo.stopped", "en")
    promotions = harness.shop.promotions
    await at(harness, SUNDAY)
    await promotions.run_slot("tea-subscribers", SUNDAY)
    rows = await harness.shop.store.outbox.rows(campaign_id="tea-subscribers", slot=SUNDAY)
    assert [(row.chat.key, row.state.value) for row in rows] == [("test:cy", "sent")]
    assert all(
        "龙井" not in m.text and "Longjing" not in m.text for m in harness.messages_to("ann")
    )

    assert texts(await harness.say("ann", "/start")) == t("promo.sub_resumed", "en")
    next_sunday = SUNDAY + timedelta(days=7)
    await at(harness, next_sunday)
    await promotions.run_slot("tea-subscribers", next_sunday)
    assert "West Lake Longjing" in harness.last_text("ann")


# --- a duplicate sku ------------------------------------------------------------------


async def test_reload_refuses_a_catalog_with_a_duplicate_sku(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    original = SAMPLE_CATALOG.read_text(encoding="utf-8")
    catalog.write_text(original, encoding="utf-8")
    chat = await ChatHarness.open(tmp_path / "shop.db", catalog)
    chat.languages.update({OWNER: "zh", "ann": "en"})
    try:
        assert original.count("sku: KIWI-BOX") == 1
        catalog.write_text(original.replace("sku: KIWI-BOX", "sku: WALNUTS"), encoding="utf-8")
        replies = await chat.say(OWNER, "/reload")
        refused = texts(replies)
        assert refused.startswith(t("owner.reload_failed", "zh", errors="").strip())
        assert "duplicate sku, already used by product #7" in refused
        # The old catalog stands: the kiwis are still for sale under their own sku.
        assert chat.shop.catalog_holder.catalog.product("KIWI-BOX") is not None
        await chat.say("ann", "1 kiwi")
        [line] = await chat.shop.store.carts.lines("test:ann")
        assert line.sku == "KIWI-BOX"
    finally:
        await chat.close()


# --- the live quiet hours -------------------------------------------------------------


async def test_a_late_campaign_made_in_chat_waits_for_the_morning_in_preview_and_live(
    harness: ChatHarness,
) -> None:
    store = harness.shop.store
    await harness.shop.on_membership(MembershipChange(FRIENDS, joined=True))
    await store.chats.set_promotions(FRIENDS.key, True)
    harness.languages[OWNER] = "en"
    await harness.say(OWNER, "/lang en")
    await harness.say(OWNER, "/promo create late WALNUTS 22:30")
    preview = texts(await harness.say(OWNER, "/promo preview 1"))
    assert "09:00 late: WALNUTS (planned for Mon 23 Nov 22:30, moved: quiet hours" in preview

    # The scheduler's own job fires at 22:30 Shanghai time (14:30 UTC).
    jobs = PromoScheduler(harness.shop.promotions)
    await at(harness, datetime(2026, 11, 23, 14, 30, tzinfo=UTC))
    await jobs.fire("late")
    assert harness.messages_to("friends", "friends") == []
    [row] = await store.outbox.rows(campaign_id="late")
    assert (row.state.value, row.reason) == ("pending", "quiet_hours")
    nine = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    await at(harness, nine - timedelta(minutes=1))
    assert await harness.shop.promotions.deliver_due() == 0
    await at(harness, nine)
    assert await harness.shop.promotions.deliver_due() == 1
    [post] = harness.messages_to("friends", "friends")
    assert "纸皮核桃" in post.text
