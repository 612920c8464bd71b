"""Webhook mode: Telegram POSTs updates to the bot, which refuses anyone without the secret.

The channel's own webhook server (PTB's, on tornado) listens on a port the system picks
(port 0, reported by the channel once started); the fake Bot API records setWebhook and,
playing the reverse proxy in front of the bot as well as Telegram, delivers injected
updates there by POST with the secret header.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import aiohttp
from conftest import ALICE, BOB, running_shop, shop_settings
from fake_bot_api import FakeBotApi

from bot.channels.telegram import TelegramChannel, WebhookConfig
from bot.clock import FakeClock

SECRET = "s3cret-Token_for-the_webhook"


async def test_webhook_refuses_updates_without_the_secret(
    tmp_path: Path, fake_api: FakeBotApi, clock: FakeClock
) -> None:
    fake = fake_api
    webhook = WebhookConfig("https://shop.example.com/telegram/hook", "127.0.0.1", 0, SECRET)

    async with running_shop(tmp_path, fake, clock, webhook) as shop:
        port = shop.channel.webhook_port
        assert port, "the channel reports the port it listens on"
        fake.forward_webhook_to(f"http://127.0.0.1:{port}")
        [registered] = fake.calls_to("setWebhook")
        assert registered.params["url"] == webhook.url
        assert registered.params["secret_token"] == SECRET
        assert registered.params["allowed_updates"] == [
            "message",
            "callback_query",
            "my_chat_member",
        ]

        forged = fake.message_update(BOB, "/start")
        assert (await fake.post_update(forged, secret=None))[0] == 403
        assert (await fake.post_update(forged, secret="guessed"))[0] == 403

        genuine = fake.message_update(ALICE, "/start")
        assert (await fake.post_update(genuine, secret=SECRET))[0] == 200
        await fake.wait_for_message(ALICE, "Welcome to Lily's Little Shop")

        # Updates Telegram pushes (the fake adds the registered secret) flow the same way.
        fake.private_text(ALICE, "2 rose masks")
        await fake.wait_for_message(ALICE, "Added 2 × Rose hydrating mask")

        await shop.until(lambda: len(shop.handled) == 2 or None)
        assert [i.sender.user_id for i in shop.handled] == [str(ALICE.id)] * 2
        assert fake.calls_to("sendMessage", BOB.id) == []
        assert fake.calls_to("getUpdates") == []  # no polling in webhook mode


def test_webhook_settings_and_a_secret_by_default(tmp_path: Path, clock: FakeClock) -> None:
    fake = FakeBotApi()  # not started: only its token and URL are used
    settings = shop_settings(tmp_path, fake)
    assert TelegramChannel.from_settings(settings, clock).webhook is None  # long polling

    settings = replace(
        settings,
        telegram_webhook_url="https://shop.example.com/tg/updates",
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=8080,
    )
    webhook = TelegramChannel.from_settings(settings, clock).webhook
    assert webhook is not None
    assert (webhook.listen, webhook.port, webhook.path) == ("127.0.0.1", 8080, "/tg/updates")
    # No secret configured: one is made, so the webhook never takes updates from anyone.
    assert webhook.secret_token and len(webhook.secret_token) >= 32
    assert set(webhook.secret_token) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    )
    configured = replace(settings, telegram_webhook_secret=SECRET)
    assert TelegramChannel.from_settings(configured, clock).webhook == WebhookConfig(
        "https://shop.example.com/tg/updates", "127.0.0.1", 8080, SECRET
    )


async def test_webhook_reads_no_large_body_without_the_secret(
    tmp_path: Path, fake_api: FakeBotApi, clock: FakeClock
) -> None:
    """The secret is checked on the headers: a request without it is answered before
    more than a few KB of its body is read; a genuine body is capped at 1 MB."""
    fake = fake_api
    webhook = WebhookConfig("https://shop.example.com/telegram/hook", "127.0.0.1", 0, SECRET)
    async with running_shop(tmp_path, fake, clock, webhook) as shop:
        target = f"http://127.0.0.1:{shop.channel.webhook_port}/telegram/hook"
        fake.forward_webhook_to(f"http://127.0.0.1:{shop.channel.webhook_port}")
        huge = b'{"update_id": 1, "padding": "' + b"x" * 5_000_000 + b'"}'

        async def post(body: bytes, secret: str | None) -> int | str:
            headers = {"Content-Type": "application/json"}
            if secret is not None:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            try:
                async with (
                    aiohttp.ClientSession() as session,
                    session.post(target, data=io.BytesIO(body), headers=headers) as response,
                ):
                    return response.status
            except aiohttp.ClientError:
                return "closed"  # answered 400 and hung up while we were still sending

        refused = (400, "closed")
        assert await post(huge, None) in refused
        assert await post(huge, "guessed") in refused
        assert await post(huge, SECRET) in refused  # even Telegram's updates are never 5 MB
        assert await post(b'{"update_id": 1, "x": "' + b"y" * 8000 + b'"}', None) in refused
        forged = fake.message_update(BOB, "/start")
        assert (await fake.post_update(forged, secret="guessed"))[0] == 403
        genuine = fake.message_update(ALICE, "/start")
        assert (await fake.post_update(genuine, secret=SECRET))[0] == 200
        await fake.wait_for_message(ALICE, "Welcome to Lily's Little Shop")
        assert fake.calls_to("sendMessage", BOB.id) == []


def test_webhook_listens_on_this_machine_only_by_default() -> None:
    from bot.settings import Settings

    assert Settings.from_env({}).telegram_webhook_listen == "127.0.0.1"
    assert WebhookConfig("https://shop.example.com/hook").listen == "127.0.0.1"
