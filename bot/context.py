"""What a handler receives: the message, who sent it, and the shop's dependencies.

Handlers take everything they need from here (store, catalog, clock, owners), so nothing
imports a global bot or database, and tests build a Context with real or fake parts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.actions import Action
from bot.catalog import Catalog
from bot.channels.base import RateLimits
from bot.clock import Clock
from bot.conversation import Conversation
from bot.i18n import t
from bot.messages import Button, ChatKind, ChatRef, Incoming, Outgoing, buttons
from bot.nlu.intents import Intent
from bot.nlu.reading import Reading
from bot.store import Customer, Store, TurnStart
from bot.turn_cart import TurnCart


@dataclass
class CatalogHolder:
    """The catalog in force; ``/reload`` swaps it without restarting."""

    catalog: Catalog
    path: str


@dataclass
class Context:
    incoming: Incoming
    customer: Customer
    language: str
    store: Store
    catalog_holder: CatalogHolder
    clock: Clock
    owners: frozenset[str]
    deep_link: Callable[[str, str], str | None]
    conversation: Conversation
    outbox: list[Outgoing] = field(default_factory=list)
    # Set by the router: answers in the sender's private chat what was asked in a group.
    private_mover: Callable[[Context, str, bool], Awaitable[None]] | None = None
    # Set by the router before the text routes run: how the message was read, once.
    reading: Reading | None = None
    # The pacing a channel's sends get (None: not running), for what the owner is told.
    rate_limits: Callable[[str], RateLimits | None] = lambda _channel: None
    # What the message read first, in one round trip (the router's choice lists and
    # pressed button come from here; None: nothing was read ahead).
    start: TurnStart | None = None
    # The customer's cart as this message sees it: read once (or taken from ``start``),
    # following the message's own changes. Handlers use this, not ``store.carts``.
    cart: TurnCart = field(init=False)

    def __post_init__(self) -> None:
        self.cart = TurnCart(
            self.store, self.customer.key, self.start.cart if self.start is not None else None
        )

    @property
    def catalog(self) -> Catalog:
        return self.catalog_holder.catalog

    @property
    def chat(self) -> ChatRef:
        return self.incoming.chat

    @property
    def is_owner(self) -> bool:
        return self.incoming.sender.key in self.owners

    @property
    def private_chat(self) -> ChatRef:
        """The sender's private chat on the same platform (user id = private chat id)."""
        sender = self.incoming.sender
        return ChatRef(sender.channel, sender.user_id, ChatKind.PRIVATE, sender.name)

    def reading_of(self, *intents: Intent) -> Reading | None:
        """The message's reading when its main intent is one of ``intents``: what a text
        route's reader returns to take the message."""
        reading = self.reading
        return reading if reading is not None and reading.main in intents else None

    def as_private(self) -> Context:
        """The same turn as seen from the sender's private chat: whatever a handler says
        to "this chat" goes there. The outbox and the conversation are the turn's own."""
        private = replace(self, incoming=replace(self.incoming, chat=self.private_chat))
        private.cart = self.cart  # one cart per turn, whichever chat answers
        return private

    def t(self, key: str, **values: Any) -> str:
        return t(key, self.language, **values)

    def reply(
        self, text: str, *rows: list[Button], image: str | None = None, to: ChatRef | None = None
    ) -> None:
        """Queue a message to the chat the customer wrote in (or ``to``)."""
        self.outbox.append(
            Outgoing(
                chat=to or self.chat,
                text=text,
                buttons=buttons(*rows),
                image=image,
                language=self.language,
            )
        )

    def send(self, message: Outgoing) -> None:
        """Queue a message to anyone (the owner, another customer)."""
        self.outbox.append(message)

    def button(self, key: str, action: Action, **values: Any) -> Button:
        """A button labelled from the i18n table in the customer's language."""
        return Button(label=self.t(key, **values), action=action.encode())

    async def move_to_private(self, payload: str = "", quiet: bool = False) -> None:
        """Continue in the sender's private chat (a link, or a message sent there), opened
        with the start payload ``payload``; ``quiet`` skips the "see private chat" line."""
        assert self.private_mover is not None, "the router sets this"
        await self.private_mover(self, payload, quiet)
