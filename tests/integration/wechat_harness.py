"""The WeChat stand-in for tests: a real wechaty puppet service on 127.0.0.1.

``StandIn`` starts ``wechat_stand_in/server.mjs`` (wechaty-puppet-service serving
wechaty-puppet-mock, TLS off, a fresh ``insecure_<uuid>`` token, a free port), makes mock
people say things, and reads back what the bot said, through the server's line-based JSON
control protocol on stdin/stdout. ``WechatShop`` runs the real Shop with the real
WechatChannel (the Python wechaty client) against it, on a FakeClock so delivery's pacing
costs no real time.

The npm packages are installed by ``make test`` (``npm ci`` in wechat_stand_in), not here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.app import Shop
from bot.channels.base import MembershipChange
from bot.channels.wechat import WechatChannel
from bot.clock import FakeClock
from bot.messages import Incoming
from bot.settings import Settings

HERE = Path(__file__).resolve().parent
STAND_IN = HERE / "wechat_stand_in"
REPO = HERE.parents[1]
SAMPLE_CATALOG = REPO / "catalog.yaml"

# The cast of server.mjs.
BOT_ID, BOT_NAME = "shop-bot", "ShopBot"
OWNER = "lily"  # the shop owner, named in the settings as wechat:lily
FRIENDS = "friends@chatroom"  # a room the bot is already in
ROSES = "roses@chatroom"  # a room the bot gets invited into
GONE = "gone@chatroom"  # a room the bot gets removed from
MENTION = f"@{BOT_NAME}\u2005"  # how WeChat writes a mention

T = TypeVar("T")


def require_node() -> None:
    """Skip without node and npm, except in CI, where a missing tool is a failure."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"the WeChat stand-in needs {' and '.join(missing)} (Node 18 or later)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, and CI must run these tests")
    pytest.skip(reason)


async def until(find: Callable[[], T | None], within: float = 5.0, what: str = "") -> T:
    """Poll (every 10 ms, real time) until ``find`` returns something other than None."""
    deadline = time.monotonic() + within
    while (found := find()) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {within} s for {what or find}")
        await asyncio.sleep(0.01)
    return found


class StandIn:
    """The Node process and its control channel."""

    def __init__(self, log_path: Path, port: int = 0, token: str | None = None) -> None:
        require_node()
        if not (STAND_IN / "node_modules" / "wechaty-puppet-service").is_dir():
            pytest.fail(
                f"the WeChat stand-in's npm packages are not installed: run `make test`, or "
                f"`npm ci` in {STAND_IN.relative_to(REPO)}"
            )
        self.token = token or f"insecure_{uuid.uuid4()}"
        self.log_path = log_path
        self._log = log_path.open("a", encoding="utf-8")
        self._lines: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ids = iter(range(1, 1_000_000))
        self.process = subprocess.Popen(
            ["node", "server.mjs", "--token", self.token, "--port", str(port)],
            cwd=STAND_IN,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            encoding="utf-8",
            env={**os.environ, "WECHATY_LOG": "warn"},
        )
        self._reader = threading.Thread(target=self._read, name="wechat-stand-in", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + 20
        while (ready := self._find(lambda e: e.get("event") == "ready")) is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"the WeChat stand-in did not start:\n{self.log_tail()}")
            time.sleep(0.01)
        self.port: int = ready["port"]

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with contextlib.suppress(ValueError):
                event = json.loads(line)
                with self._lock:
                    self._lines.append(event)

    def _find(
        self, match: Callable[[dict[str, Any]], bool], start: int = 0
    ) -> dict[str, Any] | None:
        with self._lock:
            return next((e for e in self._lines[start:] if match(e)), None)

    def logged_in(self) -> bool | None:
        """Whether a client has connected and the bot's account logged in (None if not)."""
        return self._find(lambda e: e.get("event") == "login") is not None or None

    def mark(self) -> int:
        """A position in the event log: wait for things that happen after it."""
        with self._lock:
            return len(self._lines)

    def sent(self, to: str | None = None, start: int = 0) -> list[dict[str, Any]]:
        """What the bot said (to one contact or room), in order."""
        with self._lock:
            return [
                e
                for e in self._lines[start:]
                if e.get("event") == "sent" and (to is None or e["to"] == to)
            ]

    async def command(self, cmd: str, **args: Any) -> dict[str, Any]:
        command_id = next(self._ids)
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"id": command_id, "cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        reply = await until(
            lambda: self._find(lambda e: e.get("reply") == command_id), what=f"{cmd} {args}"
        )
        if not reply["ok"]:
            raise AssertionError(f"the stand-in refused {cmd} {args}: {reply['error']}")
        return reply

    async def say(
        self, who: str, text: str, to: str = BOT_ID, mentions: tuple[str, ...] = ()
    ) -> str:
        """``who`` says ``text`` to the bot (or in a room); the new message's id."""
        reply = await self.command("say", **{"from": who}, to=to, text=text, mentions=mentions)
        return str(reply["messageId"])

    async def said(self, to: str, containing: str, start: int = 0, within: float = 5.0) -> str:
        """Wait until the bot says something containing ``containing`` to ``to``; its text."""
        message = await until(
            lambda: next((m for m in self.sent(to, start) if containing in m["text"]), None),
            within,
            f"the bot to say {containing!r} to {to}; it said {[m['text'] for m in self.sent(to)]}"
            f"\n{self.log_tail()}",
        )
        return str(message["text"])

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Close stdin (the server stops and exits); kill it if it does not."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                assert self.process.stdin is not None
                self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._reader.join(timeout=5)
        self._log.close()

    def kill(self) -> None:
        """The service dies without a goodbye."""
        self.process.kill()
        self.process.wait(timeout=5)
        self.stop()


def choice(text: str, label: str) -> str:
    """What to type for the numbered choice whose label contains ``label``: "2", or with
    its tag for a list that came on its own ("B6AT7Y 2", "A2")."""
    for line in text.splitlines():
        number, dot, rest = line.partition(". ")
        if dot and number[-1:].isdigit() and label.lower() in rest.lower():
            return number
    raise AssertionError(f"no choice {label!r} in:\n{text}")


@dataclass
class WechatShop:
    """The real Shop and WechatChannel against the stand-in, and what was handled."""

    stand_in: StandIn
    shop: Shop
    channel: WechatChannel
    clock: FakeClock
    handled: list[Incoming] = field(default_factory=list)
    memberships: list[MembershipChange] = field(default_factory=list)

    async def handled_message(self, message_id: str) -> Incoming:
        """The Incoming the shop finished handling (replies sent) for that message."""
        return await until(
            lambda: next((i for i in self.handled if i.message_id == message_id), None),
            what=f"message {message_id} to be handled",
        )


def wechat_settings(tmp_path: Path, stand_in: StandIn, **changes: Any) -> Settings:
    settings = Settings(
        catalog_path=SAMPLE_CATALOG,
        db_path=tmp_path / "shop.db",
        owners=frozenset({f"wechat:{OWNER}"}),
        wechat_endpoint=stand_in.endpoint,
        wechat_token=stand_in.token,
        wechat_login_timeout=10.0,
    )
    return replace(settings, **changes)


@asynccontextmanager
async def running_shop(
    tmp_path: Path, stand_in: StandIn, clock: FakeClock | None = None
) -> AsyncIterator[WechatShop]:
    clock = clock or FakeClock()
    settings = wechat_settings(tmp_path, stand_in)
    shop = Shop(settings, clock)
    await shop.open()
    channel = WechatChannel.from_settings(settings, clock)
    harness = WechatShop(stand_in, shop, channel, clock)
    handle_incoming, handle_membership = shop.on_incoming, shop.on_membership

    # Recorded once the shop has fully handled them (replies sent), so a test can wait for
    # "handled" and then assert that nothing was said.
    async def on_incoming(incoming: Incoming) -> object:
        try:
            return await handle_incoming(incoming)
        finally:
            harness.handled.append(incoming)

    async def on_membership(change: MembershipChange) -> None:
        try:
            await handle_membership(change)
        finally:
            harness.memberships.append(change)

    shop.on_incoming = on_incoming  # type: ignore[method-assign]  (recording wrapper)
    shop.on_membership = on_membership  # type: ignore[method-assign]
    try:
        await shop.start_channels([channel])
        yield harness
    finally:
        await shop.close()
