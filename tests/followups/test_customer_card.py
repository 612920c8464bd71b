"""The owner's customer card, notes and tags, and the daily digest job."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from shop_history import buy, days, meet, open_shop

from bot.scheduler import Scheduler
from followups.digest import JOB_ID

from support import ChatHarness, texts


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[ChatHarness]:
    harness = await open_shop(tmp_path)
    harness.languages["owner"] = "en"
    await meet(harness, "ann")
    await meet(harness, "anna", "zh")
    await buy(harness, "ann", "ROSE-MASK", 2)
    days(harness, 30)
    await buy(harness, "ann", "LONGJING-TEA")
    await buy(harness, "ann", "ROSE-MASK", 1)
    try:
        yield harness
    finally:
        await harness.close()


async def test_the_card_shows_orders_favourites_notes_and_tags(shop: ChatHarness) -> None:
    assert "Noted for Ann: prefers the aloe mask" in texts(
        await shop.say("owner", "/note test:ann prefers the aloe mask")
    )
    assert "Ann is tagged #vip" in texts(await shop.say("owner", "/tag test:ann VIP"))
    assert "already tagged #vip" in texts(await shop.say("owner", "/tag test:ann vip"))
    card = texts(await shop.say("owner", "/customer test:ann"))
    assert "👤 Ann (test:ann)" in card
    assert "Orders: 3 · spent ¥287.70 · first 2026-09-02 · last 2026-10-02" in card
    assert "Favourites: Rose hydrating mask (box of 10) ×3, West Lake Longjing" in card
    assert "Language: en · reachable: yes · opted out: no" in card
    assert "Tags: #vip" in card and "prefers the aloe mask" in card
    await shop.press("owner", "Note")
    assert shop.last_text("owner") == "Write: /note test:ann and your note"


async def test_several_matches_offer_a_choice(shop: ChatHarness) -> None:
    answer = texts(await shop.say("owner", "/customer an"))
    assert "Several customers match “an”" in answer
    card = texts(await shop.press("owner", "Anna (test:anna)"))
    assert "👤 Anna (test:anna)" in card and "No orders yet." in card
    assert "Language: zh" in card
    assert "No customer matches “zoe”" in texts(await shop.say("owner", "/customer zoe"))
    assert "Write /customer and part of a name" in texts(await shop.say("owner", "/customer"))
    assert "Write /note, the customer" in texts(await shop.say("owner", "/note ann"))


async def test_follow_up_from_the_card_and_stop_holds_it(shop: ChatHarness) -> None:
    await shop.say("owner", "/customer test:ann")
    await shop.press("owner", "Follow up")
    assert shop.messages_to("ann")[-1].text.startswith("Hi Ann! It's been 0 days since your")
    await shop.say("anna", "退订")
    await shop.say("owner", "/customer test:anna")
    assert "Not sent: Anna asked not to get messages" in texts(
        await shop.press("owner", "Follow up")
    )


async def test_the_daily_digest_goes_out_once_and_pages(tmp_path: Path) -> None:
    harness = await open_shop(tmp_path)
    try:
        await meet(harness, "owner")  # the owner reads English
        for n in range(12):
            await meet(harness, f"c{n:02}")
            for _ in range(n + 1):  # c11 has spent most
                await buy(harness, f"c{n:02}", "ROSE-MASK")
        scheduler = Scheduler()
        digest = harness.shop.digest_for(scheduler)
        days(harness, 1)
        assert not await digest.run()  # nobody due yet: no digest at all
        owner_messages = len(harness.messages_to("owner"))
        days(harness, 27)
        await digest.start()  # it is 10:00: today's digest is caught up at start
        assert JOB_ID in scheduler.job_ids()
        [sent] = harness.messages_to("owner")[owner_messages:]
        assert "12 customer(s) due" in sent.text and "…and 2 more." in sent.text
        assert "1. C11" in sent.text and "10. C02" in sent.text and "C01" not in sent.text
        assert not await digest.run()  # once a day, across restarts too
        page = texts(await harness.press("owner", "Next page"))
        assert "11. C01" in page and "12. C00" in page
    finally:
        await harness.close()
