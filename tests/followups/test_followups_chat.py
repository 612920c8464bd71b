"""Follow-ups through the real router: the owner's digest and its buttons, the message a
customer receives and its one-tap reorder, and everything that holds a follow-up back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from shop_history import buy, days, meet, open_shop

from support import ChatHarness, texts


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[ChatHarness]:
    """Ann buys 2 rose masks every 28 days (3 times); Bo bought longjing tea once, 58
    days before "today" (reorder_days 60); "today" is 26 days after Ann's last order."""
    harness = await open_shop(tmp_path)
    harness.languages["owner"] = "en"
    await meet(harness, "ann")
    await meet(harness, "bo", "zh")
    await buy(harness, "ann", "ROSE-MASK", 2)
    days(harness, 24)
    await buy(harness, "bo", "LONGJING-TEA")
    days(harness, 4)
    await buy(harness, "ann", "ROSE-MASK", 2)
    days(harness, 28)
    await buy(harness, "ann", "ROSE-MASK", 2)
    days(harness, 26)
    try:
        yield harness
    finally:
        await harness.close()


async def test_the_digest_names_who_is_due_why_and_what_to_say(shop: ChatHarness) -> None:
    answer = texts(await shop.say("owner", "/followups"))
    assert "2 customer(s) due to reorder" in answer
    assert (
        "buys Rose hydrating mask (box of 10) ×2 about every 28 days; last order 26 days ago"
        in answer
    )
    # Bo reads Chinese: his suggested message is in Chinese, the reason in the owner's words.
    assert "Bo你好！上次的西湖龙井" in answer
    assert "×1 once, 58 days ago (it usually lasts 60 days)" in answer
    # Ann has spent more: she comes first.
    assert answer.index("1. Ann") < answer.index("2. Bo")


async def test_send_as_suggested_reaches_the_customer_who_reorders_in_one_tap(
    shop: ChatHarness,
) -> None:
    await shop.say("owner", "/followups")
    answer = texts(await shop.press("owner", "Send 1"))
    assert "Sent to Ann" in answer
    received = shop.messages_to("ann")[-1]
    assert received.text.startswith("Hi Ann! It's been 26 days since your Rose hydrating mask")
    reply = texts(await shop.press("ann", "Rose hydrating mask"))
    assert "Rose hydrating mask (box of 10), 2 in your cart" in reply
    assert "2 × Rose hydrating mask" in texts(await shop.say("ann", "/cart"))
    # A second send is refused: one follow-up per customer in 14 days.
    before = len(shop.messages_to("ann"))
    again = texts(await shop.press("owner", "Send 1"))
    assert "Not sent: Ann heard from you 0 day(s) ago; at most one follow-up in 14 days" in again
    assert len(shop.messages_to("ann")) == before


async def test_a_customer_who_said_stop_is_never_followed_up(shop: ChatHarness) -> None:
    await shop.say("owner", "/followups")
    await shop.say("ann", "stop")
    before = len(shop.messages_to("ann"))
    answer = texts(await shop.press("owner", "Send 1"))
    assert "Not sent: Ann asked not to get messages from the shop" in answer
    assert len(shop.messages_to("ann")) == before
    # And she is gone from the digest: only Bo is left.
    digest = texts(await shop.say("owner", "/followups"))
    assert "1 customer(s)" in digest and "Ann" not in digest


async def test_quiet_hours_hold_a_send_back(shop: ChatHarness) -> None:
    days(shop, 0.5)  # 22:00 in Shanghai
    await shop.say("owner", "/followups")
    before = len(shop.messages_to("ann"))
    answer = texts(await shop.press("owner", "Send 1"))
    assert "quiet hours for customers (21:00-09:00)" in answer
    assert len(shop.messages_to("ann")) == before


async def test_snooze_and_done_take_a_customer_off_the_list_for_a_while(
    shop: ChatHarness,
) -> None:
    await shop.say("owner", "/followups")
    assert "in 7 days" in texts(await shop.press("owner", "1 in 7 days"))
    await shop.say("owner", "/followups")
    assert "Bo" in texts(await shop.press("owner", "1 done"))  # Bo is first now
    assert "Nobody is due" in texts(await shop.say("owner", "/followups"))
    days(shop, 7)
    digest = texts(await shop.say("owner", "/followups"))
    assert "Ann" in digest and "Bo" not in digest  # Bo's 14 days are not over
    days(shop, 7)
    assert "Bo" in texts(await shop.say("owner", "/followups"))


async def test_a_reorder_clears_the_reminder(shop: ChatHarness) -> None:
    await buy(shop, "ann", "ROSE-MASK", 2)
    digest = texts(await shop.say("owner", "/followups"))
    assert "Ann" not in digest and "Bo" in digest


async def test_customers_are_not_shown_the_owner_commands(shop: ChatHarness) -> None:
    for command in ("/followups", "/customer ann", "/note ann likes roses", "/tag ann vip"):
        answer = texts(await shop.say("bo", command))
        assert "Ann" not in answer and "Follow-ups" not in answer
    assert await shop.shop.store.records.notes("test:ann") == []


async def test_the_digest_in_chinese(shop: ChatHarness) -> None:
    shop.languages["owner"] = "zh"
    answer = texts(await shop.say("owner", "/followups"))
    assert "今天的回访：2位客人该补货了" in answer
    assert "大约每28天买一次玫瑰补水面膜（10片装）×2；上次下单是26天前" in answer
    assert "58天前买过一次西湖龙井（250克）×1（一般能用60天）" in answer
    await shop.press("owner", "发送2")
    assert shop.messages_to("bo")[-1].text.startswith("Bo你好！上次的西湖龙井")
    assert "已加入购物车" in texts(await shop.press("bo", "再来1份"))
