"""One person flooding the bot does not stall everyone (issue 13).

An update waits for its sender's earlier ones without holding one of the channel's
slots, so with four slots and one person's sixty messages queued first, another
customer's message is answered long before the flood is.
"""

from __future__ import annotations

from pathlib import Path

from conftest import ALICE, BOB, shop_settings
from fake_bot_api import FakeBotApi

from bot.app import Shop
from bot.channels.telegram import TelegramChannel
from bot.clock import FakeClock

FLOOD = 60


async def test_a_flooding_customer_holds_one_slot_not_all(
    tmp_path: Path, fake_api: FakeBotApi, clock: FakeClock
) -> None:
    fake = fake_api
    shop = Shop(shop_settings(tmp_path, fake), clock)
    await shop.open()
    channel = TelegramChannel(fake.token, fake.url, clock, concurrent_updates=4)
    try:
        for _ in range(FLOOD):
            fake.private_text(ALICE, "/help")
        fake.private_text(BOB, "/start")
        await shop.start_channels([channel])
        await fake.wait_for_message(BOB, "Welcome", timeout=30)
        answered_alice_first = len(fake.calls_to("sendMessage", ALICE.id))
        assert answered_alice_first < FLOOD // 4, answered_alice_first
        # ... and the flood itself is answered in turn, until the flood guard asks Alice to
        # slow down (more than the shop's 20 messages a minute: issue 11).
        await fake.wait_for_message(ALICE, "slow down", timeout=60)
    finally:
        await shop.close()
