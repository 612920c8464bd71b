"""A test chat: push what a customer says, read what the shop sends back.

``ChatHarness`` runs the real Shop (router, handlers, store on a real SQLite file,
delivery with its presentation and pacing) with a recording channel in place of a
platform, on a FakeClock.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from bot.app import Shop
from bot.channels.base import Capabilities, IncomingHandler, MembershipHandler, RateLimits
from bot.clock import FakeClock
from bot.messages import Button, ChatKind, ChatRef, Incoming, Outgoing, Sender
from bot.settings import Settings
from bot.store.sqlite import LockWait

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CATALOG = REPO / "catalog.yaml"
CHANNEL = "test"
OWNER = "owner"


class RecordingChannel:
    """Records every message delivery hands it; never fails unless told to."""

    name = CHANNEL
    capabilities = Capabilities()
    rate_limits = RateLimits()

    def __init__(self, capabilities: Capabilities | None = None) -> None:
        self.capabilities = capabilities or Capabilities()
        self.sent: list[Outgoing] = []
        self._ids = itertools.count(1)

    async def start(self, on_incoming: IncomingHandler, on_membership: MembershipHandler) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, message: Outgoing) -> str:
        self.sent.append(message)
        return str(next(self._ids))

    def deep_link(self, payload: str) -> str | None:
        return None


class LinkingChannel(RecordingChannel):
    """A platform with links that open a private chat with the bot (like t.me links)."""

    def deep_link(self, payload: str) -> str | None:
        return f"https://chat.example/shop_bot?start={payload}"


@dataclasses.dataclass
class ChatHarness:
    shop: Shop
    channel: RecordingChannel
    clock: FakeClock
    languages: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    async def open(
        cls,
        db_path: Path,
        catalog_path: Path = SAMPLE_CATALOG,
        clock: FakeClock | None = None,
        capabilities: Capabilities | None = None,
        channel: RecordingChannel | None = None,
        lock_wait: LockWait | None = None,
    ) -> ChatHarness:
        clock = clock or FakeClock()
        settings = Settings(
            catalog_path=catalog_path, db_path=db_path, owners=frozenset({f"{CHANNEL}:{OWNER}"})
        )
        shop = Shop(settings, clock, lock_wait)
        await shop.open()
        channel = channel or RecordingChannel(capabilities)
        await shop.start_channels([channel])
        return cls(shop, channel, clock)

    async def close(self) -> None:
        await self.shop.close()

    def chat(self, user: str, group: str | None = None) -> ChatRef:
        if group:
            return ChatRef(CHANNEL, group, ChatKind.GROUP, group)
        return ChatRef(CHANNEL, user, ChatKind.PRIVATE, user)

    async def say(
        self, user: str, text: str, group: str | None = None, mention: bool = False
    ) -> list[Outgoing]:
        """Send ``text`` as ``user``; return every message the shop sent in answer."""
        return await self._push(
            Incoming(
                chat=self.chat(user, group),
                sender=Sender(CHANNEL, user, user.title(), self.languages.get(user)),
                text=text,
                mentions_bot=mention,
            )
        )

    async def press(self, user: str, label: str, group: str | None = None) -> list[Outgoing]:
        """Press the button whose label contains ``label`` on the latest message to that
        chat that has such a button."""
        button = self.find_button(user, label, group)
        return await self.press_key(user, button.action, group)

    async def press_key(self, user: str, key: str, group: str | None = None) -> list[Outgoing]:
        return await self._push(
            Incoming(
                chat=self.chat(user, group),
                sender=Sender(CHANNEL, user, user.title(), self.languages.get(user)),
                button=key,
            )
        )

    def find_button(self, user: str, label: str, group: str | None = None) -> Button:
        chat = self.chat(user, group)
        for message in reversed(self.channel.sent):
            if message.chat != chat:
                continue
            for row in message.buttons:
                for button in row:
                    if label.lower() in button.label.lower():
                        return button
        raise AssertionError(f"no button {label!r} in messages to {chat.key}")

    async def _push(self, incoming: Incoming) -> list[Outgoing]:
        before = len(self.channel.sent)
        await self.shop.on_incoming(incoming)
        # What the turn owes others (an order's notices) is sent beside it; a test reads
        # the conversation once everything the message caused was tried.
        await self.shop.settle()
        return self.channel.sent[before:]

    def messages_to(self, user: str, group: str | None = None) -> list[Outgoing]:
        chat = self.chat(user, group)
        return [m for m in self.channel.sent if m.chat == chat]

    def last_text(self, user: str, group: str | None = None) -> str:
        messages = self.messages_to(user, group)
        assert messages, f"nothing was sent to {user}"
        return messages[-1].text


def texts(messages: list[Outgoing]) -> str:
    return "\n---\n".join(m.text for m in messages)
