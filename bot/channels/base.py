"""The channel protocol: the handful of async methods a platform adapter provides.

A channel turns platform updates into ``Incoming`` and membership events, and sends
``Outgoing``. It holds no business logic: deciding what to say is the router's and the
handlers' job, pacing and retrying is delivery's. A channel reports send failures by
raising one of the neutral errors below, so delivery can treat every platform alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.messages import ChatRef, Incoming, Outgoing, Sender
from bot.text_units import TextUnits


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can show; the presentation layer adapts messages to it."""

    buttons: bool = True  # inline buttons; without them, buttons become numbered choices
    images: bool = True
    edits: bool = True
    max_text: int = 4096
    max_caption: int = 1024
    # What max_text and max_caption count: Telegram counts UTF-16 code units, so an
    # emoji-heavy text is longer to it than to Python's len().
    text_units: TextUnits = TextUnits.CHARACTERS
    # In a group, a reply to one person starts with "@name": the platform shows no reply
    # threads, so two people's answers would otherwise look alike (WeChat).
    names_addressee: bool = False


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The platform's own sending limits, which delivery never exceeds.

    ``per_chat_interval``: seconds between messages in one chat, with ``per_chat_burst``
    allowed at once; ``per_group_per_minute``: messages a minute in one group;
    ``overall_per_second``: messages a second across all chats.
    """

    per_chat_interval: float = 1.0
    per_chat_burst: int = 3
    per_group_per_minute: int = 20
    overall_per_second: int = 30


@dataclass(frozen=True, slots=True)
class MembershipChange:
    """The bot was added to or removed from a group, or found in one."""

    chat: ChatRef
    joined: bool
    by: Sender | None = None
    # Nothing changed, the bot just learned of a group it is in (there at start, seen
    # speaking, renamed): registered, with its title, and nobody is told.
    already: bool = False
    # The group is the same one under a new id (Telegram's upgrade to a supergroup): its
    # settings move from this chat to ``chat``.
    moved_from: ChatRef | None = None


IncomingHandler = Callable[[Incoming], Awaitable[object]]
MembershipHandler = Callable[[MembershipChange], Awaitable[None]]


class Channel(Protocol):
    name: str
    capabilities: Capabilities
    rate_limits: RateLimits

    async def start(self, on_incoming: IncomingHandler, on_membership: MembershipHandler) -> None:
        """Connect and begin delivering updates to the callbacks; returns once running."""
        ...

    async def stop(self) -> None: ...

    async def send(self, message: Outgoing) -> str | None:
        """Send (or edit) one message; return the platform's message id if it has one.

        Raises RetryAfter, TransientSendError or ChatUnreachable on failure.
        """
        ...

    def deep_link(self, payload: str) -> str | None:
        """A link that opens a private chat with the bot carrying ``payload``, if any."""
        ...


class ChannelStartError(RuntimeError):
    """A channel could not start (bad credentials, service unreachable); the message says
    what to check, without secrets."""


class SendError(Exception):
    """Base of the neutral send failures a channel raises."""


class RetryAfter(SendError):
    """The platform asked us to wait before sending again (Telegram's 429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class TransientSendError(SendError):
    """A failure worth retrying: a 5xx, a timeout before the request left, a reset."""


class UnknownOutcome(SendError):
    """The request may have reached the platform (a timeout after sending): retrying
    could post twice, so callers that must not double-post do not retry."""


class ImageRefused(SendError):
    """The platform would not take the message's picture; the words can still go.
    Delivery sends the message again without it, paced like any other send."""


class TopicGone(SendError):
    """The forum topic a message was for is closed or deleted; the chat itself takes
    messages. Delivery sends the message again to the chat's main thread (General)."""


class ChatMoved(SendError):
    """The chat lives on under a new id (a Telegram group upgraded to a supergroup): the
    old id takes no more messages, the new one does. Delivery moves the chat's settings
    to the new id and sends there."""

    def __init__(self, new_chat_id: str) -> None:
        super().__init__(f"the chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class ChatUnreachable(SendError):
    """The chat will not take messages: the bot was blocked, kicked, or the chat is gone."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
