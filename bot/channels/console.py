"""The console sandbox: a terminal chat where one person plays customers and the owner.

Lines you type (or pipe in):

    2 rose masks            say this as the current person in the current chat
    alice> hello            switch to alice (private chat) and say "hello"
    bob@friends> @bot 2 oranges   switch to bob in the group "friends" and say it
    :press 2   (or #2)      press button 2 of the bot's last message in this chat
    :as owner               become the owner (any name works; "owner" is console:owner)
    :in friends / :in private   move the current person to a group / their private chat
    :lang en | :lang zh     the current person's phone language
    :join friends / :leave friends   add the bot to / remove it from a group
    :help   :quit

In a group the bot answers only when addressed: a /command, "@bot", or a button.
Buttons print as [1] label; pressing sends the button exactly as a platform would.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
from dataclasses import dataclass, field
from typing import TextIO

from bot.channels.base import (
    Capabilities,
    IncomingHandler,
    MembershipChange,
    MembershipHandler,
    RateLimits,
)
from bot.messages import Button, ChatKind, ChatRef, Incoming, Outgoing, Sender

BOT_MENTION = "@bot"
_MENTION = re.compile(rf"(?<![\w@]){re.escape(BOT_MENTION)}(?!\w)", re.IGNORECASE)
HELP = (__doc__ or "").split("\n\n", 1)[1].rstrip()


@dataclass
class _Person:
    name: str
    language: str | None = None
    group: str | None = None


@dataclass
class ConsoleChannel:
    """Reads the sandbox syntax from a text stream and prints what the bot sends."""

    input: TextIO = field(default_factory=lambda: sys.stdin)
    output: TextIO = field(default_factory=lambda: sys.stdout)
    echo: bool | None = None  # echo input lines (default: when input is not a terminal)
    name: str = "console"
    capabilities: Capabilities = field(default_factory=Capabilities)
    # A terminal is no platform: no pacing needed beyond a sane per-group cap.
    rate_limits: RateLimits = field(
        default_factory=lambda: RateLimits(
            per_chat_interval=0.0,
            per_chat_burst=1000,
            per_group_per_minute=1000,
            overall_per_second=1000,
        )
    )

    def __post_init__(self) -> None:
        self._person = _Person("alice")
        self._people: dict[str, _Person] = {"alice": self._person}
        self._last_buttons: dict[str, list[Button]] = {}
        self._ids = itertools.count(1)
        self._task: asyncio.Task[None] | None = None
        self.finished = asyncio.Event()
        if self.echo is None:
            self.echo = not (hasattr(self.input, "isatty") and self.input.isatty())

    async def start(self, on_incoming: IncomingHandler, on_membership: MembershipHandler) -> None:
        self._print("chatshop console sandbox. Type :help for the syntax, :quit to leave.")
        self._task = asyncio.create_task(self._loop(on_incoming, on_membership))

    async def stop(self) -> None:
        if self._task and not self._task.done():
            self._task.cancel()
        self.finished.set()

    def deep_link(self, payload: str) -> str | None:
        return None  # the sandbox can write to anyone directly

    async def send(self, message: Outgoing) -> str:
        message_id = str(next(self._ids))
        target = f"#{message.chat.chat_id}" if message.chat.is_group else message.chat.chat_id
        verb = "edits" if message.edit_message_id else "→"
        lines = [f"bot {verb} {target}: " + message.text.replace("\n", "\n    ")]
        if message.image:
            lines.append(f"    [image: {message.image}]")
        numbered: list[Button] = []
        for row in message.buttons:
            labels = []
            for button in row:
                numbered.append(button)
                shown = f"{button.label} <{button.url}>" if button.url else button.label
                labels.append(f"[{len(numbered)}] {shown}")
            lines.append("    " + "  ".join(labels))
        if numbered:
            self._last_buttons[message.chat.key] = numbered
        self._print("\n".join(lines))
        return message_id

    # --- input -------------------------------------------------------------------

    async def _loop(self, on_incoming: IncomingHandler, on_membership: MembershipHandler) -> None:
        try:
            while True:
                line = await asyncio.to_thread(self.input.readline)
                if not line:
                    break
                line = line.rstrip("\n")
                if self.echo and line.strip():
                    # A line that names its speaker ("bob@friends> hi") reads fine as is.
                    named = _speaker(line) is not None
                    self._print(line if named else f"{self._prompt()} {line}")
                if line.strip() in (":quit", ":q"):
                    break
                await self._handle_line(line, on_incoming, on_membership)
        finally:
            self.finished.set()

    async def _handle_line(
        self, line: str, on_incoming: IncomingHandler, on_membership: MembershipHandler
    ) -> None:
        speaker = _speaker(line)
        if speaker is not None:
            self._switch(speaker)
            line = line.partition("> ")[2]
        stripped = line.strip()
        if stripped.startswith(":") or (stripped.startswith("#") and stripped[1:].isdigit()):
            await self._directive(stripped, on_incoming, on_membership)
            return
        text = line.strip()
        # "@bot", "@Bot", "@BOT": a mention however it is capitalised.
        mentions = bool(_MENTION.search(text))
        if mentions:
            text = _MENTION.sub("", text).strip()
        await on_incoming(self._incoming(text=text, mentions_bot=mentions))

    def _switch(self, who: str) -> None:
        name, at, group = who.partition("@")
        person = self._people.setdefault(name, _Person(name))
        person.group = group or None if at else None
        self._person = person

    async def _directive(
        self, line: str, on_incoming: IncomingHandler, on_membership: MembershipHandler
    ) -> None:
        command, _, argument = line.lstrip(":").partition(" ")
        argument = argument.strip()
        if command.startswith("#") or command.isdigit() or command in ("press", "p"):
            number = command.lstrip("#") if command not in ("press", "p") else argument
            await self._press(number, on_incoming)
        elif command == "as" and argument:
            self._switch(argument)
        elif command == "in" and argument:
            self._person.group = None if argument == "private" else argument
        elif command == "lang" and argument:
            self._person.language = argument
        elif command in ("join", "leave") and argument:
            await on_membership(
                MembershipChange(
                    chat=ChatRef(self.name, argument, ChatKind.GROUP, argument),
                    joined=command == "join",
                    by=self._sender(),
                )
            )
        elif command == "help":
            self._print(HELP)
        else:
            self._print(f"(unknown sandbox command {line!r}; :help lists them)")

    async def _press(self, number: str, on_incoming: IncomingHandler) -> None:
        chat = self._chat()
        buttons = self._last_buttons.get(chat.key, [])
        if not number.isdigit() or not 1 <= int(number) <= len(buttons):
            self._print(f"(no button {number} on the bot's last message in this chat)")
            return
        button = buttons[int(number) - 1]
        if button.url:
            self._print(f"(that button is a link: {button.url})")
            return
        await on_incoming(self._incoming(button=button.action))

    # --- helpers -----------------------------------------------------------------

    def _sender(self) -> Sender:
        person = self._person
        return Sender(self.name, person.name, person.name, person.language)

    def _chat(self) -> ChatRef:
        person = self._person
        if person.group:
            return ChatRef(self.name, person.group, ChatKind.GROUP, person.group)
        return ChatRef(self.name, person.name, ChatKind.PRIVATE, person.name)

    def _incoming(
        self, text: str = "", button: str | None = None, mentions_bot: bool = False
    ) -> Incoming:
        return Incoming(
            chat=self._chat(),
            sender=self._sender(),
            text=text,
            button=button,
            mentions_bot=mentions_bot,
            # In the sandbox you play every role, group admin included (/nopromo works).
            sender_is_admin=self._person.group is not None,
            message_id=str(next(self._ids)),
        )

    def _prompt(self) -> str:
        person = self._person
        return f"{person.name}@{person.group}>" if person.group else f"{person.name}>"

    def _print(self, text: str) -> None:
        self.output.write(text + "\n")
        self.output.flush()


def _speaker(line: str) -> str | None:
    """``bob@friends`` from ``bob@friends> hi``; None when the line names no speaker."""
    head, arrow, _ = line.partition("> ")
    head = head.strip()
    if arrow and head and " " not in head and not head.startswith((":", "/", "#")):
        return head
    return None
