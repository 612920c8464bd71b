"""Bursts through delivery never exceed Telegram's limits, measured where Telegram sees them.

The fake Bot API stamps each request with the shop's virtual clock as it arrives, so the
windows below are checked on what reached "Telegram", not on what delivery believes.
Messages go through ``send`` one after another (``send_all`` sends to different chats side
by side): with a FakeClock, every sleeper moves virtual time forward as it sleeps, so
concurrent senders would see the clock jump under requests still in flight and the
arrival stamps would no longer be the send times.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import FRIENDS, SAMPLE_CATALOG, TelegramShop
from fake_bot_api import FakeBotApi

from bot.app import Shop
from bot.channels.telegram import TelegramChannel, send_pool_size
from bot.clock import FakeClock
from bot.messages import ChatKind, ChatRef, Outgoing
from bot.settings import Settings, SettingsError


def most_in_any_window(times: Sequence[float], width: float) -> int:
    """The most events inside any half-open window [t, t + width)."""
    ordered = sorted(times)
    return max(
        (sum(1 for other in ordered if start <= other < start + width) for start in ordered),
        default=0,
    )


async def test_a_burst_of_100_to_one_group_keeps_every_limit(telegram_shop: TelegramShop) -> None:
    fake, delivery = telegram_shop.fake, telegram_shop.shop.delivery
    group = ChatRef("telegram", str(FRIENDS.id), ChatKind.GROUP, FRIENDS.title)

    results = await delivery.send_all(Outgoing(group, f"Offer {n}") for n in range(100))

    assert all(result.ok for result in results)
    sent = fake.sent(FRIENDS.id)
    assert [call.shown for call in sent] == [f"Offer {n}" for n in range(100)]
    times = [call.at for call in sent]
    assert most_in_any_window(times, 60.0) == 20  # 20 a minute in a group
    assert most_in_any_window(times, 3.0) <= 3  # per chat: about 1 a second, bursts of 3
    assert most_in_any_window([c.at for c in fake.sent()], 1.0) <= 30  # 30 a second overall
    assert times[-1] - times[0] >= 4 * 60  # 100 at 20 a minute: over four minutes...
    assert sent[-1].real - sent[0].real < 10  # ...of virtual time only


async def test_a_burst_to_40_private_chats_keeps_30_a_second(telegram_shop: TelegramShop) -> None:
    fake, delivery = telegram_shop.fake, telegram_shop.shop.delivery
    chats = [ChatRef("telegram", str(5000 + n)) for n in range(40)]

    results = [await delivery.send(Outgoing(chat, "Your order has shipped")) for chat in chats]

    assert all(result.ok for result in results)
    sent = fake.sent()
    assert sorted(call.chat_id or 0 for call in sent) == [5000 + n for n in range(40)]
    times = [call.at for call in sent]
    assert most_in_any_window(times, 1.0) == 30
    assert times[30] - times[0] >= 1.0  # the 31st waited for the first second to pass


async def test_a_burst_wider_than_the_send_pool_arrives_whole_over_few_connections(
    telegram_shop: TelegramShop,
) -> None:
    # 30 messages may be in flight at once (30 a second overall); they share the send
    # pool's 12 connections instead of opening 30, and every one of them still arrives once.
    fake, delivery = telegram_shop.fake, telegram_shop.shop.delivery
    chats = [ChatRef("telegram", str(7000 + n)) for n in range(40)]

    results = await delivery.send_all(Outgoing(chat, "Back in stock") for chat in chats)

    assert all(result.ok for result in results)
    assert sorted(call.chat_id or 0 for call in fake.sent()) == [7000 + n for n in range(40)]
    assert send_pool_size(30) == 12
    assert len(fake.connections["sendMessage"]) <= 12


async def test_the_send_pool_follows_the_overall_limit() -> None:
    # A paid-broadcast bot (1,000 a second) gets the most connections; a slow limit still
    # leaves room for answers to button presses beside its sends.
    assert [send_pool_size(n) for n in (1, 10, 30, 100, 1000)] == [8, 8, 12, 29, 64]


async def test_the_limits_are_settings_with_telegrams_published_defaults(
    tmp_path: Path, fake_api: FakeBotApi, clock: FakeClock
) -> None:
    defaults = Settings.from_env({})
    assert (
        defaults.telegram_max_per_second,
        defaults.telegram_chat_interval,
        defaults.telegram_group_per_minute,
    ) == (30, 1.0, 20)
    for env, complaint in (
        ({"TELEGRAM_MAX_PER_SECOND": "0"}, "TELEGRAM_MAX_PER_SECOND must be at least 1"),
        ({"TELEGRAM_CHAT_INTERVAL": "soon"}, "TELEGRAM_CHAT_INTERVAL must be a number"),
        ({"TELEGRAM_GROUP_PER_MINUTE": "1.5"}, "TELEGRAM_GROUP_PER_MINUTE must be a whole"),
    ):
        with pytest.raises(SettingsError, match=complaint):
            Settings.from_env(env)

    # A seller on paid broadcasts raises the overall limit; here it is lowered to 10, and
    # a burst to 25 customers reaches Telegram at 10 a second, no faster.
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": fake_api.token,
            "TELEGRAM_API_URL": fake_api.url,
            "CHATSHOP_CATALOG": str(SAMPLE_CATALOG),
            "CHATSHOP_DB": str(tmp_path / "shop.db"),
            "TELEGRAM_MAX_PER_SECOND": "10",
            "TELEGRAM_GROUP_PER_MINUTE": "5",
        }
    )
    shop = Shop(settings, clock)
    await shop.open()
    channel = TelegramChannel.from_settings(settings, clock)
    assert channel.rate_limits.per_group_per_minute == 5
    try:
        await shop.start_channels([channel])
        chats = [ChatRef("telegram", str(6000 + n)) for n in range(25)]
        results = [await shop.delivery.send(Outgoing(chat, "Restocked")) for chat in chats]
    finally:
        await shop.close()
    assert all(result.ok for result in results)
    times = [call.at for call in fake_api.sent()]
    assert len(times) == 25
    assert most_in_any_window(times, 1.0) == 10
    assert times[-1] - times[0] >= 2.0
