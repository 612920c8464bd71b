"""The real shop on the real python-telegram-bot, over real HTTP, against a fake Bot API.

``telegram_shop`` starts the fake server, the Shop (router, handlers, delivery, a SQLite
file in tmp_path, the sample catalog) and the TelegramChannel in long-polling mode, all on
one FakeClock so delivery's pacing costs no real time. Teardown stops the channel (PTB
waits for updates in progress), closes the store, then the server.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import pytest
from fake_bot_api import FakeBotApi, FakeGroup, FakeUser

from bot.app import Shop
from bot.channels.base import MembershipChange
from bot.channels.telegram import TelegramChannel, WebhookConfig
from bot.clock import FakeClock
from bot.delivery import SendResult
from bot.messages import Incoming
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CATALOG = REPO / "catalog.yaml"

# The WeChat tests need the "wechat" extra (pip install -e ".[test,wechat]", which
# `make test` installs). Without it they are left out and the run says so, except in CI,
# where a missing extra must fail loudly rather than turn into a green run that tested less.
WECHAT_TESTS = frozenset({"test_wechat.py", "test_wechat_compat.py", "test_wechat_mapping.py"})
WECHAT_INSTALLED = importlib.util.find_spec("wechaty") is not None
WECHAT_MISSING = (
    "WeChat tests skipped: the wechat extra is not installed "
    '(pip install -e ".[test,wechat]", or make test)'
)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name in WECHAT_TESTS and not WECHAT_INSTALLED and not os.environ.get("CI"):
        return True
    return None


def pytest_report_header(config: pytest.Config) -> str | None:
    return None if WECHAT_INSTALLED else WECHAT_MISSING


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not WECHAT_INSTALLED:
        terminalreporter.write_line(WECHAT_MISSING, yellow=True)


BOT_USERNAME = "chatshop_test_bot"

# The shop owner and some customers, as Telegram users. The owner is named only through
# the settings (CHATSHOP_OWNERS=telegram:9001), as a real deployment would.
OWNER = FakeUser(9001, "Lily", "lily_shop", "en")
ALICE = FakeUser(1001, "Alice", "alice", "en")
BOB = FakeUser(1002, "Bob", "bob", "en")
CAROL = FakeUser(1003, "Carol", None, "zh-hans")
FRIENDS = FakeGroup(-1001234567890, "Lily's friends <3 & co")

T = TypeVar("T")


class Changes:
    """Wakes whoever waits for something to happen (an update handled, a call made)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def until(self, find: Callable[[], T | None], within: float = 5.0) -> T:
        """Wait (real time, woken on every change) until ``find`` returns something."""
        async with asyncio.timeout(within):
            while (found := find()) is None:
                await self._event.wait()
        return found


@dataclass
class TelegramShop:
    """Everything a test drives and inspects."""

    fake: FakeBotApi
    shop: Shop
    channel: TelegramChannel
    clock: FakeClock
    handled: list[Incoming] = field(default_factory=list)
    memberships: list[MembershipChange] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    async def handled_message(self, chat_id: int, message_id: int) -> Incoming:
        """The Incoming the shop finished handling for Telegram message ``message_id``."""
        return await self.until(
            lambda: next(
                (
                    i
                    for i in self.handled
                    if i.chat.chat_id == str(chat_id) and i.message_id == str(message_id)
                ),
                None,
            )
        )

    async def until(self, find: Callable[[], T | None], within: float = 5.0) -> T:
        """Wait until ``find`` returns something, re-checked whenever the shop finishes
        handling an update or a membership change."""
        return await self.changes.until(find, within)


def shop_settings(tmp_path: Path, fake: FakeBotApi) -> Settings:
    return Settings(
        catalog_path=SAMPLE_CATALOG,
        db_path=tmp_path / "shop.db",
        owners=frozenset({f"telegram:{OWNER.id}"}),
        telegram_token=fake.token,
        telegram_api_url=fake.url,
    )


@asynccontextmanager
async def running_shop(
    tmp_path: Path, fake: FakeBotApi, clock: FakeClock, webhook: WebhookConfig | None = None
) -> AsyncIterator[TelegramShop]:
    settings = shop_settings(tmp_path, fake)
    if webhook is not None:
        settings = replace(
            settings,
            telegram_webhook_url=webhook.url,
            telegram_webhook_listen=webhook.listen,
            telegram_webhook_port=webhook.port,
            telegram_webhook_secret=webhook.secret_token,
        )
    shop = Shop(settings, clock)
    await shop.open()
    channel = TelegramChannel.from_settings(settings, clock)
    harness = TelegramShop(fake, shop, channel, clock)
    handle_incoming, handle_membership = shop.on_incoming, shop.on_membership

    # Seen by the tests once the shop has fully handled them (replies sent), so a test
    # can wait for "handled" and then assert that nothing was said.
    async def on_incoming(incoming: Incoming) -> list[SendResult]:
        try:
            return await handle_incoming(incoming)
        finally:
            harness.handled.append(incoming)
            harness.changes.notify()

    async def on_membership(change: MembershipChange) -> None:
        try:
            await handle_membership(change)
        finally:
            harness.memberships.append(change)
            harness.changes.notify()

    # Instance attributes shadow the methods; start_channels hands these to the channel.
    shop.on_incoming = on_incoming  # type: ignore[method-assign]
    shop.on_membership = on_membership  # type: ignore[method-assign]
    try:
        await shop.start_channels([channel])
        yield harness
    finally:
        await shop.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def fake_api(clock: FakeClock) -> AsyncIterator[FakeBotApi]:
    """The fake Bot API, stamping calls with the shop's virtual time."""
    async with FakeBotApi(username=BOT_USERNAME, clock=clock) as fake:
        yield fake


@pytest.fixture
async def telegram_shop(
    tmp_path: Path, fake_api: FakeBotApi, clock: FakeClock
) -> AsyncIterator[TelegramShop]:
    async with running_shop(tmp_path, fake_api, clock) as harness:
        yield harness


@dataclass
class BareChannel:
    """The channel alone, with callbacks that record (or fail when told to)."""

    fake: FakeBotApi
    channel: TelegramChannel
    incoming: list[Incoming] = field(default_factory=list)
    failures: int = 0  # how many of the next updates the "shop" fails on
    changes: Changes = field(default_factory=Changes)

    async def on_incoming(self, incoming: Incoming) -> None:
        self.incoming.append(incoming)
        self.changes.notify()
        if self.failures:
            self.failures -= 1
            raise RuntimeError("a bug in a handler")

    async def on_membership(self, change: MembershipChange) -> None:
        raise AssertionError(f"unexpected {change}")


@pytest.fixture
async def bare_channel(fake_api: FakeBotApi, clock: FakeClock) -> AsyncIterator[BareChannel]:
    # A short read timeout, for the test of a Telegram that never answers.
    channel = TelegramChannel(fake_api.token, fake_api.url, clock, read_timeout=0.3)
    bare = BareChannel(fake_api, channel)
    await channel.start(bare.on_incoming, bare.on_membership)
    try:
        yield bare
    finally:
        await channel.stop()
