"""Wiring: one event loop we own, shared by every channel, the store and delivery.

``Shop`` loads and validates the catalog (refusing to start on a bad one), opens the
store, and connects channels to the router and delivery. Tests build a Shop with their
own channels and clock.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence

from bot.catalog import load_catalog
from bot.channels.base import Channel, MembershipChange, RateLimits
from bot.clock import Clock, SystemClock
from bot.context import CatalogHolder
from bot.delivery import Delivery, SendResult
from bot.messages import ChatRef, Incoming
from bot.notices import NoticeJobs, NoticeSender
from bot.router import Router
from bot.routing import Routes, RouteTable
from bot.scheduler import Scheduler
from bot.settings import Settings, SettingsError
from bot.store import Store, StoreBusy
from bot.store.sqlite import LockWait
from followups import commands as followups
from followups.digest import FollowUpDigest
from handlers import (
    cart,
    cart_words,
    checkout,
    inquiry,
    orders,
    owner,
    privacy,
    shop,
    talk,
    tickets,
)
from handlers.groups import membership_changed
from promotions import commands as promo
from promotions.engine import Promotions
from promotions.jobs import PromoScheduler

# Every module's routes, in the order that breaks ties within a text stage.
ROUTES: tuple[Routes, ...] = (
    shop.routes,
    cart.routes,
    cart_words.routes,
    checkout.routes,
    orders.routes,
    inquiry.routes,
    tickets.routes,
    talk.routes,
    owner.routes,
    promo.routes,
    followups.routes,
    privacy.routes,
)

log = logging.getLogger(__name__)


# How long a turn waits for the notices it owes before returning without them (real
# seconds: the drain's own pacing runs on the shop's clock).
NOTICES_WAIT = 0.5


class Shop:
    def __init__(
        self, settings: Settings, clock: Clock | None = None, lock_wait: LockWait | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.lock_wait = lock_wait  # how long a statement waits for another writer
        self.channels: dict[str, Channel] = {}
        self._store: Store | None = None
        self._router: Router | None = None
        self._delivery: Delivery | None = None
        self.catalog_holder: CatalogHolder | None = None
        self.promotions: Promotions | None = None
        self.scheduler: Scheduler | None = None
        self.notices: NoticeSender | None = None
        # Drains of the notices outbox started after turns, still running.
        self._draining: set[asyncio.Task[int]] = set()

    @property
    def store(self) -> Store:
        assert self._store is not None, "Shop.open() first"
        return self._store

    @property
    def router(self) -> Router:
        assert self._router is not None, "Shop.open() first"
        return self._router

    @property
    def delivery(self) -> Delivery:
        assert self._delivery is not None, "Shop.open() first"
        return self._delivery

    async def open(self) -> None:
        """Validate the catalog, then open and migrate the store. Raises CatalogError."""
        catalog = load_catalog(self.settings.catalog_path)
        self.catalog_holder = CatalogHolder(catalog, str(self.settings.catalog_path))
        self._store = await Store.open(self.settings.db_path, self.clock, self.lock_wait)
        try:
            await self._store.stock.apply_catalog(catalog)
        except BaseException:
            # Closed, or its connection's thread keeps the process alive after the error.
            await self._store.close()
            self._store = None
            raise
        self._router = Router(
            store=self._store,
            catalog_holder=self.catalog_holder,
            clock=self.clock,
            settings_owners=self.settings.owners,
            deep_link=self._deep_link,
            routes=RouteTable.build(list(ROUTES)),
            rate_limits=self._rate_limits,
        )
        self._delivery = Delivery(self._store, self.clock)
        self.notices = NoticeSender(self._store, self._delivery, self.clock)
        self.promotions = Promotions(
            store=self._store,
            catalog_holder=self.catalog_holder,
            delivery=self._delivery,
            clock=self.clock,
            owners=self._owners,
            deep_link=self._deep_link,
        )

    async def start_channels(self, channels: Sequence[Channel]) -> None:
        for channel in channels:
            self.channels[channel.name] = channel
            self.delivery.add_channel(channel)
            await channel.start(self.on_incoming, self.on_membership)
            log.info("channel %s started", channel.name)

    async def on_incoming(self, incoming: Incoming) -> list[SendResult]:
        if incoming.chat.is_group:
            try:
                await self._know_group(incoming.chat)
            except StoreBusy as busy:  # registered with its next message
                log.warning("group %s not registered: %s", incoming.chat.key, busy)
        assert self.notices is not None
        recorded = self.store.notices.recorded()
        replies = await self.router.handle(incoming)
        # What the turn committed and owes others (an order's notices) goes beside the
        # replies (a busy owner's chat holds up neither); the scheduler's job retries what
        # could not go. The drain reads the store first, so a chat's replies queue first.
        # A turn that recorded no notice (nearly all of them) owes nothing new: no drain,
        # and no read of the outbox per message (a notice waiting to be retried is the
        # job's, every minute).
        # The drain runs beside the turn and the turn waits for it only so long: the
        # owner's chat is paced (a message a second on Telegram), and a burst of orders
        # would otherwise hold each customer's next message, which the channel admits
        # only once this one returned. What is still paced then goes on by itself.
        drain = None
        with self.notices.answering_with(r.notice_key for r in replies if r.notice_key):
            if self.store.notices.recorded() != recorded:
                drain = asyncio.create_task(self.notices.drain(answering=incoming))
                self._draining.add(drain)
                drain.add_done_callback(self._drained)
            results = await self.delivery.send_all(replies, answering=incoming)
            for reply, result in zip(replies, results, strict=True):
                # A reply that is also an outbox notice (a receipt): delivered, so never
                # again. Marked before the drain may see it unanswered.
                if reply.notice_key and (result.ok or result.outcome_unknown):
                    await self.store.notices.mark_delivered(reply.notice_key)
        if drain is not None:
            await asyncio.wait([drain], timeout=NOTICES_WAIT)
        return results

    def _drained(self, drain: asyncio.Task[int]) -> None:
        self._draining.discard(drain)
        if not drain.cancelled() and drain.exception() is not None:
            # The rows stay pending (or were settled by the sender): the job tries again.
            log.error("draining the notices after a turn failed", exc_info=drain.exception())

    async def settle(self) -> None:
        """Wait for the notices the turns so far owe to have been tried (tests, close)."""
        while self._draining:
            await asyncio.gather(*self._draining, return_exceptions=True)

    async def _know_group(self, chat: ChatRef) -> None:
        """A group that speaks to the bot is one it is in: registered (the owner's
        /groups lists it), and its title kept current."""
        record = await self.store.chats.get(chat.key)
        if record is None or (chat.title and record.title != chat.title):
            await self.store.chats.register(chat, active=True if record is None else record.active)

    async def on_membership(self, change: MembershipChange) -> None:
        if change.moved_from is not None:
            # The same group under a new id: its settings follow, nobody needs telling.
            await self.store.chats.move(change.moved_from, change.chat)
            log.info("group %s moved to %s", change.moved_from.key, change.chat.key)
            return
        if change.already:
            await self._know_group(change.chat)
            return
        assert self.catalog_holder is not None
        notices = await membership_changed(
            change, self.store, self.catalog_holder.catalog, self.router.owners
        )
        await self.delivery.send_all(notices)

    def _owners(self) -> frozenset[str]:
        """The owners in force (settings and the catalog now loaded), for every feature."""
        return self.router.owners

    def _rate_limits(self, channel_name: str) -> RateLimits | None:
        channel = self.channels.get(channel_name)
        return channel.rate_limits if channel else None

    def _deep_link(self, channel_name: str, payload: str) -> str | None:
        channel = self.channels.get(channel_name)
        return channel.deep_link(payload) if channel else None

    async def start_scheduler(self) -> None:
        """Schedule every feature's jobs (after the channels are up, so due posts can go
        out): the campaigns, after settling interrupted posts and catching up on slots
        missed while the bot was down; the reminders of tickets left waiting."""
        assert self.promotions is not None, "Shop.open() first"
        self.scheduler = Scheduler()
        assert self.catalog_holder is not None
        reminders = tickets.TicketReminders(
            self.store,
            self.catalog_holder,
            self.delivery,
            self.clock,
            self._owners,
            self.scheduler,
        )
        assert self.notices is not None
        await self.scheduler.start(
            [
                NoticeJobs(self.notices, self.scheduler),
                PromoScheduler(self.promotions, self.scheduler),
                self.digest_for(self.scheduler),
                reminders,
            ]
        )

    def digest_for(self, scheduler: Scheduler) -> FollowUpDigest:
        """The owner's daily follow-up digest, as a job on ``scheduler``."""
        assert self.catalog_holder is not None, "Shop.open() first"
        return FollowUpDigest(
            self.store,
            self.catalog_holder,
            self.delivery,
            self.clock,
            self._owners,
            scheduler,
        )

    async def close(self) -> None:
        # A notice being sent is finished, not cut off mid-send (it would be settled as
        # "outcome unknown" and never sent).
        await self.settle()
        if self.scheduler is not None:
            await self.scheduler.stop()
            self.scheduler = None
        for channel in reversed(list(self.channels.values())):
            try:
                await channel.stop()
            except Exception:
                log.exception("stopping channel %s failed", channel.name)
        self.channels.clear()
        if self._store is not None:
            await self._store.close()
            self._store = None


def channels_from_settings(settings: Settings, clock: Clock) -> list[Channel]:
    """Every channel whose credentials are set; the console sandbox when none is."""
    channels: list[Channel] = []
    if settings.telegram_token:
        from bot.channels.telegram import TelegramChannel

        channels.append(TelegramChannel.from_settings(settings, clock))
    if settings.wechat_endpoint:
        try:
            from bot.channels.wechat import WechatChannel
        except ModuleNotFoundError as missing:
            raise SettingsError(
                "WECHATY_PUPPET_SERVICE_ENDPOINT is set but the WeChat client is not "
                f"installed (no module {missing.name!r}): pip install 'chatshop[wechat]'"
            ) from missing
        channels.append(WechatChannel.from_settings(settings, clock))
    if not channels:
        from bot.channels.console import ConsoleChannel

        channels.append(ConsoleChannel())
    return channels


async def run(settings: Settings) -> None:
    """Run the shop until Ctrl-C, SIGTERM, or the console's input ends."""
    shop = Shop(settings)
    await shop.open()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        channels = channels_from_settings(settings, shop.clock)
        await shop.start_channels(channels)
        await shop.start_scheduler()
        waits = [asyncio.create_task(stop.wait())]
        for channel in channels:
            finished = getattr(channel, "finished", None)
            if isinstance(finished, asyncio.Event):
                waits.append(asyncio.create_task(finished.wait()))
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            task.cancel()
    finally:
        await shop.close()
