"""Neutral message types: what every channel turns platform updates into, and back.

Handlers only ever see these. The raw platform object may ride along in ``raw`` for
debugging, but no handler may read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A conversation on one platform: a private chat or a group."""

    channel: str
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE
    # A display name only; two refs to the same chat are equal whatever title they carry.
    title: str = field(default="", compare=False)
    # The topic of a forum group the message came from (Telegram's message_thread_id), so
    # a reply lands in that topic and not in General. Part of where to reply, not of which
    # chat it is: the group's key, settings and rate limits are the same in every topic.
    thread_id: str | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.chat_id}"

    @property
    def is_group(self) -> bool:
        return self.kind is ChatKind.GROUP


@dataclass(frozen=True, slots=True)
class Sender:
    """The person who wrote a message. ``key`` (channel:user_id) identifies a customer."""

    channel: str
    user_id: str
    name: str = ""
    language: str | None = None  # the platform's language code, e.g. "zh-hans", "en"

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing a person did in a chat: wrote text, pressed a button, or both.

    ``button`` is the opaque key of a pressed button as the channel received it; the
    router resolves it to an action through the store.
    """

    chat: ChatRef
    sender: Sender
    text: str = ""
    button: str | None = None
    mentions_bot: bool = False
    reply_to_bot: bool = False
    # The text of the bot's own message this one replies to ("" when none): an owner's
    # reply to a ticket notice answers that ticket.
    reply_to_text: str = ""
    # Whether the sender administers the group (the channel knows; False when unknown).
    sender_is_admin: bool = False
    message_id: str | None = None
    raw: Any = field(default=None, repr=False, compare=False)

    @property
    def addressed(self) -> bool:
        """Whether a group message is meant for the bot (the only ones it answers)."""
        return (
            not self.chat.is_group
            or self.button is not None
            or self.mentions_bot
            or self.reply_to_bot
            or self.text.lstrip().startswith("/")
        )


@dataclass(frozen=True, slots=True)
class Button:
    """A button as handlers write it: a label and an action like ``cart:add:ROSE-MASK:1``.

    Before a channel sees it, delivery swaps ``action`` for a short key held in the store,
    so platform limits (Telegram's 64-byte callback data) never reach handlers.
    """

    label: str
    action: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to send: text, optional button rows, optional image."""

    chat: ChatRef
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: str | None = None
    # When set, the channel edits this earlier message of the bot instead of sending anew.
    edit_message_id: str | None = None
    # The language the text is in, for anything presentation adds (a choices hint).
    language: str | None = None
    # A reply that is also owed through the notices outbox (an order's receipt): once
    # delivered as the reply, the outbox row under this key is marked sent (bot/app.py).
    notice_key: str | None = None


def buttons(*rows: list[Button]) -> tuple[tuple[Button, ...], ...]:
    """Build the immutable button grid of an ``Outgoing`` from plain lists."""
    return tuple(tuple(row) for row in rows if row)
