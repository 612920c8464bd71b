"""No secret in any log line or printed error, at DEBUG, through the real channel.

The bot token is in every Bot API URL, the webhook secret in every pushed update's
header; httpx logs request URLs, PTB logs requests and webhook traffic at DEBUG, and a
refused token used to end the start in a traceback. The shop runs as ``chatshop run``
configures it (bot.redaction installed, the root logger at DEBUG) and every line any
handler captured is searched, tracebacks included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ALICE, BOB, running_shop, shop_settings
from fake_bot_api import FakeBotApi

from bot import redaction
from bot.channels.base import ChannelStartError
from bot.channels.telegram import TelegramChannel, WebhookConfig
from bot.clock import FakeClock

WEBHOOK_SECRET = "whsec-Never_in-the-logs-42"


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture, fake_api: FakeBotApi) -> Iterator[list[str]]:
    """Every line logged, fully formatted (tracebacks too), with redaction installed for
    the fake's token and the webhook secret, as the CLI does."""
    settings = replace(shop_settings(Path("."), fake_api), telegram_webhook_secret=WEBHOOK_SECRET)
    redaction.install(redaction.secrets_of(settings))
    caplog.set_level(logging.DEBUG)
    lines: list[str] = []
    try:
        yield lines
    finally:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        lines.extend(formatter.format(record) for record in caplog.records)
        redaction.uninstall()


def assert_no_secret(lines: list[str], fake: FakeBotApi) -> None:
    secret_half = fake.token.split(":", 1)[1]
    assert lines, "the run logged something"
    for line in lines:
        assert secret_half not in line, line
        assert WEBHOOK_SECRET not in line, line


async def test_polling_at_debug_logs_no_token(
    tmp_path: Path,
    fake_api: FakeBotApi,
    clock: FakeClock,
    debug_logs: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = fake_api
    async with running_shop(tmp_path, fake, clock) as shop:
        fake.private_text(ALICE, "/start")
        await fake.wait_for_message(ALICE, "Welcome")
        # A send that fails and one that is retried: their errors are logged too.
        fake.server_error("sendMessage", ALICE.id)
        fake.private_text(ALICE, "2 rose masks")
        await fake.wait_for_message(ALICE, "Added 2")
        await shop.until(lambda: len(shop.handled) == 2 or None)
    lines = [logging.Formatter().format(r) for r in caplog.records]
    assert_no_secret(lines, fake)


async def test_webhook_at_debug_logs_no_secret(
    tmp_path: Path,
    fake_api: FakeBotApi,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    debug_logs: list[str],
) -> None:
    fake = fake_api
    webhook = WebhookConfig("https://shop.example.com/hook", "127.0.0.1", 0, WEBHOOK_SECRET)
    async with running_shop(tmp_path, fake, clock, webhook) as shop:
        fake.forward_webhook_to(f"http://127.0.0.1:{shop.channel.webhook_port}")
        assert (await fake.post_update(fake.message_update(BOB, "/start"), secret="x"))[0] == 403
        fake.private_text(ALICE, "/start")
        await fake.wait_for_message(ALICE, "Welcome")
    lines = [logging.Formatter().format(r) for r in caplog.records]
    assert_no_secret(lines, fake)


async def test_a_refused_token_ends_the_start_in_one_line_without_it(
    fake_api: FakeBotApi, clock: FakeClock, caplog: pytest.LogCaptureFixture, debug_logs: list[str]
) -> None:
    wrong = "987654321:WRONG-token_that_telegram_refuses"
    redaction.install([wrong])
    channel = TelegramChannel(wrong, fake_api.url, clock)

    async def nothing(*_: object) -> None:
        return None

    with pytest.raises(ChannelStartError) as refused:
        await channel.start(nothing, nothing)
    assert "TELEGRAM_BOT_TOKEN" in str(refused.value)
    assert "WRONG-token" not in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    lines = [logging.Formatter().format(r) for r in caplog.records]
    assert not any("WRONG-token" in line for line in lines)


def test_redaction_covers_messages_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture, debug_logs: list[str], fake_api: FakeBotApi
) -> None:
    log = logging.getLogger("httpx.elsewhere")  # any logger, even a library's child
    url = f"{fake_api.url}/bot{fake_api.token}/getUpdates"
    log.warning("HTTP Request: POST %s", url)
    try:
        raise RuntimeError(f"connection to {url} failed, secret {WEBHOOK_SECRET}")
    except RuntimeError:
        logging.getLogger("bot.anything").exception("it failed")
    lines = [logging.Formatter().format(r) for r in caplog.records]
    assert any("[redacted]" in line and "Traceback" in line for line in lines)
    assert_no_secret(lines, fake_api)


def test_httpx_request_urls_are_not_logged_at_info(
    caplog: pytest.LogCaptureFixture, debug_logs: list[str]
) -> None:
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("telegram.ext").getEffectiveLevel() >= logging.INFO


async def test_an_unreachable_telegram_at_start_is_waited_for_with_backoff(
    fake_api: FakeBotApi, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.fail("getMe", 502, "Bad Gateway", times=3)
    channel = TelegramChannel(fake_api.token, fake_api.url, clock)

    async def nothing(*_: object) -> None:
        return None

    with caplog.at_level(logging.WARNING):
        await channel.start(nothing, nothing)
    try:
        assert channel.username == fake_api.username
        assert clock.slept[:3] == [1.0, 2.0, 4.0]
        retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
        assert len(retries) == 3 and "cannot reach Telegram" in retries[0]
    finally:
        await channel.stop()
