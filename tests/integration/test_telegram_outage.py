"""Telegram gone for minutes and back (issue 13's fault suite): polling resumes by
itself, what people wrote meanwhile is answered once, in order, and nothing is sent twice.

The outage is on the shop's FakeClock (``FakeBotApi.down_for``), and so is PTB's own
backoff between failed polls: its retry loop's ``asyncio.sleep`` is replaced by the
clock's, as every other wait in these tests is. Minutes of outage cost no real time.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from types import SimpleNamespace

import pytest
from conftest import ALICE, BOB, OWNER, TelegramShop
from telegram.ext._utils import networkloop
from test_telegram import checkout_to_summary

from bot.clock import FakeClock

OUTAGE = 5 * 60.0


@pytest.fixture(autouse=True)
def ptb_backoff_on_the_clock(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> None:
    clocked = SimpleNamespace(**{name: getattr(asyncio, name) for name in dir(asyncio)})
    clocked.sleep = clock.sleep
    monkeypatch.setattr(networkloop, "asyncio", clocked)


async def test_polling_resumes_by_itself_and_what_was_written_meanwhile_is_answered_once(
    telegram_shop: TelegramShop,
) -> None:
    fake, clock, store = telegram_shop.fake, telegram_shop.clock, telegram_shop.shop.store
    summary = await checkout_to_summary(fake, ALICE, "2 rose masks")
    handled_before = len(telegram_shop.handled)
    went_down = clock.monotonic()

    fake.down_for(OUTAGE)
    fake.press(ALICE, summary, "Confirm order")  # both wait at Telegram meanwhile
    fake.private_text(BOB, "/start")

    receipt = await fake.wait_for_message(ALICE, "Your order number is", timeout=20)
    await fake.wait_for_message(BOB, "Welcome to Lily's Little Shop", timeout=20)
    await fake.wait_for_message(OWNER, "新订单", timeout=20)
    await telegram_shop.until(lambda: len(telegram_shop.handled) >= handled_before + 2 or None)
    assert clock.monotonic() - went_down >= OUTAGE, "answered after the outage, not before"
    refused_polls = [c for c in fake.calls_to("getUpdates") if c.error_code == 502]
    assert len(refused_polls) >= 3, "it kept polling through the outage"

    [order] = await store.orders.of_customer(f"telegram:{ALICE.id}")
    assert order.number in receipt.text
    assert len(await store.orders.of_customer(f"telegram:{BOB.id}")) == 0
    clock.advance(3600)
    assert telegram_shop.shop.notices is not None
    await telegram_shop.shop.notices.drain()
    await asyncio.sleep(0.2)  # anything late would have gone by now
    sent = Counter((c.chat_id, c.text) for c in fake.sent())
    assert [text for text, times in sent.items() if times > 1] == [], "nothing twice"
    assert sum(order.number in text for (_, text) in sent) == 2  # the receipt, the owner's notice
