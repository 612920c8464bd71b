"""What happens to every message before and after its route, written once.

Each middleware takes the ``Turn`` and the rest of the chain (``call_next``), in the
style of aiogram's middlewares. The router runs them in this order:

1. ``OneAtATime``: one person's messages are handled one at a time, in arrival order;
   different people never wait for each other.
2. ``GroupEtiquette``: a message from a group the bot has left is dropped; a group
   message not meant for the bot is recorded (who sits in which group, for the promotion
   caps) and answered with nothing.
3. ``CustomerAndLanguage``: the customer record and the language to answer in; builds the
   ``Context`` handlers receive.
   ``FloodGuard``: someone sending more than the shop's limit a minute is asked once to
   slow down, then not answered for a minute.
4. ``InternalErrors``: a bug in a handler is logged with its traceback and answered with
   an apology; whatever the handler had queued is dropped, so nothing half-done is sent.
5. ``ConversationState``: the customer's conversation is loaded before the route and saved
   after it, only if the route finished, and only if no other worker saved it meanwhile.

Owner-only and private-only are properties of a route, checked by the router's guards
before any handler runs (bot/router.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import choices
from bot.channels.base import RateLimits
from bot.choices import read_tagged
from bot.clock import Clock
from bot.context import CatalogHolder, Context
from bot.conversation import Conversation
from bot.i18n import pick_language
from bot.messages import Incoming, Outgoing
from bot.nlu.language import written_language
from bot.store import Store, StoreBusy

log = logging.getLogger(__name__)

# Only so much of a message is worth reading; the rest cannot be an order.
MAX_TEXT = 2000

Next = Callable[[], Awaitable[None]]


@dataclass
class Turn:
    """One incoming message on its way through the chain."""

    incoming: Incoming
    text: str
    ctx: Context | None = None

    @property
    def replies(self) -> list[Outgoing]:
        return self.ctx.outbox if self.ctx is not None else []

    @classmethod
    def of(cls, incoming: Incoming) -> Turn:
        return cls(incoming, incoming.text[:MAX_TEXT])


Middleware = Callable[[Turn, Next], Awaitable[None]]


@dataclass
class OneAtATime:
    """Per-person ordering: the conversation is read, changed and saved per message, and
    two messages of one person handled at once could each save over the other.

    asyncio.Lock serves waiters first come, first served, and the lock is taken before
    the first await of a turn, so a person's messages keep the order they arrived in.
    """

    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _waiting: dict[str, int] = field(default_factory=dict)

    async def __call__(self, turn: Turn, call_next: Next) -> None:
        key = turn.incoming.sender.key
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await call_next()
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    def busy(self) -> int:
        """How many people have a message being handled or waiting (for tests, status)."""
        return len(self._locks)


@dataclass
class GroupEtiquette:
    store: Store

    async def __call__(self, turn: Turn, call_next: Next) -> None:
        incoming = turn.incoming
        if incoming.chat.is_group:
            record = await self.store.chats.get(incoming.chat.key)
            if record is not None and not record.active:
                # The bot left or was removed (or can no longer post there): a message
                # from there, even a late or replayed one, changes nothing and gets nothing.
                return
            # Who sits in which group lets the caps avoid pushing one product at the
            # same person through several groups; addressing the bot is a reaction.
            await self.store.chats.note_activity(
                incoming.chat, incoming.sender.key, reaction=incoming.addressed
            )
        if not incoming.addressed:
            return  # group chatter: a bot that answers every message is itself a flood
        await call_next()


@dataclass
class CustomerAndLanguage:
    store: Store
    catalog_holder: CatalogHolder
    clock: Clock
    # Read per message: the catalog in force names owners too, so a /reload revokes one.
    owners: Callable[[], frozenset[str]]
    deep_link: Callable[[str, str], str | None]
    rate_limits: Callable[[str], RateLimits | None] = lambda _channel: None

    async def __call__(self, turn: Turn, call_next: Next) -> None:
        incoming, text = turn.incoming, turn.text
        sender = incoming.sender
        # A bare command, number or phone says nothing about the language a person reads;
        # words do ("hi" and "ok" too), and are remembered for the next bare "1" (WeChat
        # reports no language).
        # A choice with its tag ("B6AT7Y 1") is a bare number too.
        bare = text.startswith("/") or read_tagged(text) is not None
        written_in = None if bare else written_language(text)
        chat_key = incoming.chat.key
        # One round trip for everything the message reads before its route (issue 14):
        # the customer, the chat, the conversation, the cart, the lists a reply may choose
        # from and the pressed button's action.
        may_choose = incoming.button is None and choices.may_choose(text)
        start = await self.store.turns.begin(
            sender.key,
            chat_key,
            choices.people(chat_key, sender.key) if may_choose else (),
            incoming.button,
        )
        customer = start.customer
        app_language = sender.language or written_in
        if customer is None or not customer.is_current(sender.name, app_language):
            customer = await self.store.customers.touch(
                sender.key, sender.channel, sender.user_id, sender.name, app_language
            )
        if not incoming.chat.is_group and start.chat_unreachable:
            await self.store.chats.register(incoming.chat, active=True)  # they came back
        language = pick_language(
            customer.language,
            sender.language,
            written_in,
            customer.platform_language,
            self.catalog_holder.catalog.shop.default_language,
        )
        turn.ctx = Context(
            incoming=incoming,
            customer=customer,
            language=language,
            store=self.store,
            catalog_holder=self.catalog_holder,
            clock=self.clock,
            owners=self.owners(),
            deep_link=self.deep_link,
            rate_limits=self.rate_limits,
            conversation=Conversation(),
            start=start,
        )
        await call_next()


class InternalErrors:
    """A bug must not leave the customer staring at silence or a traceback."""

    async def __call__(self, turn: Turn, call_next: Next) -> None:
        ctx = turn.ctx
        assert ctx is not None, "CustomerAndLanguage runs first"
        try:
            await call_next()
        except StoreBusy:
            raise  # not a bug: the router asks the person to send it again
        except Exception:
            # Ids only: the customer's words may hold a phone or an address (issue 13).
            incoming = turn.incoming
            log.exception(
                "handler failed for %s, message %s in %s (%s)",
                incoming.sender.key,
                incoming.message_id,
                incoming.chat.key,
                "a button" if incoming.button else f"{len(turn.text)} characters of text",
            )
            ctx.outbox.clear()
            ctx.reply(ctx.t("error.internal"))


@dataclass
class ConversationState:
    store: Store

    async def __call__(self, turn: Turn, call_next: Next) -> None:
        ctx = turn.ctx
        assert ctx is not None, "CustomerAndLanguage runs first"
        key = ctx.customer.key
        if ctx.start is not None:  # read with the rest of the message's state
            stored, version = ctx.start.conversation, ctx.start.conversation_version
        else:
            stored, version = await self.store.conversations.load(key)
        ctx.conversation = Conversation.from_stored(stored, version)
        await call_next()  # an exception skips the save: nothing half-done is kept
        after = ctx.conversation.to_stored()
        if after == stored:
            return
        if not await self.store.conversations.save(key, after, version):
            # Another worker handled a message of this person meanwhile; its step stands
            # and this one's is dropped rather than silently written over it.
            log.warning("conversation of %s changed meanwhile; this step was not saved", key)


# How long a flooding person goes unanswered, and how long before they are asked again.
FLOOD_WINDOW = timedelta(minutes=1)
FLOOD_PAUSE = timedelta(minutes=1)
FLOOD_WARN_AGAIN = timedelta(minutes=10)


@dataclass
class FloodGuard:
    """One person sending more than the shop's ``flood_per_minute`` messages a minute is
    asked once to slow down, then not answered for ``FLOOD_PAUSE``: one person must not
    use up the shop's sending budget (or the owner's patience). Owners are never held.

    The counts live in memory, on purpose: a flood is a matter of seconds, a restart at
    worst forgets one minute of counting, and writing a row per message to count them
    would itself be the load this guards against. Only recent times are kept per person,
    and people quiet for a minute are forgotten.
    """

    clock: Clock
    catalog_holder: CatalogHolder
    _seen: dict[str, deque[datetime]] = field(default_factory=dict)
    _paused_until: dict[str, datetime] = field(default_factory=dict)
    _warned_at: dict[str, datetime] = field(default_factory=dict)

    async def __call__(self, turn: Turn, call_next: Next) -> None:
        ctx = turn.ctx
        assert ctx is not None, "CustomerAndLanguage runs first"
        if ctx.is_owner:
            await call_next()
            return
        key, now = ctx.customer.key, self.clock.now()
        # Moved to the end on every message: the dict is then in order of each person's
        # last message, and the quiet ones are forgotten from its front.
        seen = self._seen.pop(key, None) or deque()
        self._seen[key] = seen
        seen.append(now)
        self._forget_quiet(now)
        while seen and seen[0] <= now - FLOOD_WINDOW:
            seen.popleft()
        paused = self._paused_until.get(key)
        if paused is not None and now < paused:
            return  # still paused: nothing is answered, nothing is changed
        if len(seen) > self.catalog_holder.catalog.shop.flood_per_minute:
            self._paused_until[key] = now + FLOOD_PAUSE
            warned = self._warned_at.get(key)
            if warned is None or now - warned >= FLOOD_WARN_AGAIN:
                self._warned_at[key] = now
                ctx.reply(ctx.t("flood.slow_down"))
            log.warning("%s sends more than %d messages a minute: paused", key, len(seen) - 1)
            return
        await call_next()

    def _forget_quiet(self, now: datetime) -> None:
        # Looks only at the people quiet longest, not at everyone on every message.
        quiet_since = now - FLOOD_WINDOW
        while self._seen:
            key, times = next(iter(self._seen.items()))
            if times[-1] > quiet_since:
                break
            del self._seen[key]
            self._paused_until.pop(key, None)
        for key in [k for k, at in self._warned_at.items() if now - at >= FLOOD_WARN_AGAIN]:
            del self._warned_at[key]
