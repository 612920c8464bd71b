"""A fake Telegram Bot API server for integration tests: real HTTP on 127.0.0.1.

The real python-telegram-bot talks to it exactly as to api.telegram.org: every request
to ``/bot{token}/{method}`` (GET or POST, form, JSON or multipart) is answered with the
Bot API's JSON and recorded as a ``Call`` with a virtual timestamp (from the injected
clock, so rate-limit tests read the shop's virtual time) and a real one.

A test reads like the conversation: inject what people do (``private_text``,
``group_text``, ``callback``, ``my_chat_member``), then ``wait_for`` what the bot sends.
Failures are queued per method and chat (``fail``, ``block``); a webhook set with
setWebhook receives injected updates by POST, with the secret header, as Telegram does.

Text sent with ``parse_mode=HTML`` is parsed as Telegram parses it (``parse_html``): only
Telegram's tags, properly nested, and its entities; anything else is refused with a 400
"Bad Request: can't parse entities: ...", so every test that sends text checks escaping.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bot.clock import Clock

JSON = dict[str, Any]

# Parameters PTB sends as plain strings; every other form value is JSON-encoded by PTB.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "photo",
        "url",
        "secret_token",
        "parse_mode",
        "language_code",
        "callback_query_id",
        "inline_message_id",
        "ip_address",
        "description",
    }
)
# Telegram's limits, counted as it counts them: in UTF-16 code units of the text a person
# reads (after HTML is parsed), so "🌹" is two and "&lt;" is one.
MAX_TEXT = 4096
MAX_CAPTION = 1024
_LIMITS = {"text": MAX_TEXT, "caption": MAX_CAPTION}
_MENTION = re.compile(r"(?<![\w@])@\w+")
_COMMAND = re.compile(r"^/\w+(?:@\w+)?")


@dataclass(frozen=True, slots=True)
class FakeUser:
    """A Telegram user; their private chat with the bot has the same id."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> JSON:
        data: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        return data


@dataclass(frozen=True, slots=True)
class FakeGroup:
    id: int  # negative, as Telegram's group ids are
    title: str
    type: str = "supergroup"
    is_forum: bool = False  # a supergroup with topics

    def chat_json(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type, "title": self.title}
        if self.is_forum:
            data["is_forum"] = True
        return data


FakeChat = FakeUser | FakeGroup


@dataclass(slots=True)
class Call:
    """One request the bot made, and how it was answered."""

    method: str
    params: JSON
    at: float  # virtual seconds (the injected clock's monotonic())
    real: float  # time.monotonic()
    ok: bool = True
    error_code: int | None = None
    description: str | None = None
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        """The text or caption exactly as sent (HTML when parse_mode is HTML)."""
        return str(self.params.get("text", self.params.get("caption", "")))

    @property
    def shown(self) -> str:
        """What the person reads: the HTML text with its tags gone and entities resolved."""
        if not _is_html(self.params):
            return self.text
        try:
            return parse_html(self.text)
        except HtmlError:
            return self.text  # refused: nobody read anything

    @property
    def keyboard(self) -> list[list[JSON]]:
        markup = self.params.get("reply_markup") or {}
        return list(markup.get("inline_keyboard", []))

    def buttons(self) -> Iterator[JSON]:
        for row in self.keyboard:
            yield from row

    def button(self, label: str) -> JSON:
        """The inline button whose text contains ``label``."""
        for button in self.buttons():
            if label in button["text"]:
                return button
        labels = [b["text"] for b in self.buttons()]
        raise AssertionError(f"no button {label!r} on {self.method} {self.shown!r}: {labels}")

    @property
    def message_id(self) -> int:
        assert isinstance(self.result, dict), f"{self.method} returned no message"
        return int(self.result["message_id"])


@dataclass(slots=True)
class Fault:
    method: str
    error_code: int
    description: str
    chat_id: int | None = None
    retry_after: int | None = None
    times: int | None = 1  # None: every matching call until cleared
    hang: float = 0.0  # seconds to hold the request before answering (a slow Telegram)
    parameters: JSON | None = None  # the answer's "parameters", e.g. migrate_to_chat_id
    drop: bool = False  # close the connection instead of answering

    def matches(self, method: str, params: JSON) -> bool:
        if self.method != method:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


@dataclass
class FakeBotApi:
    token: str = "123456789:TEST-token_for_the_fake"
    username: str = "chatshop_test_bot"
    clock: Clock | None = None
    # Telegram fetches a photo URL itself; this fake "cannot reach" http(s) URLs unless
    # listed here, like a shop whose image links are placeholders.
    reachable_photo_urls: set[str] = field(default_factory=set)
    max_hold: float = 30.0  # longest a getUpdates is held, whatever timeout it asks

    def __post_init__(self) -> None:
        self.calls: list[Call] = []
        self.bot = FakeUser(
            int(self.token.split(":")[0]), "Chatshop", self.username, None, is_bot=True
        )
        self.commands: dict[str | None, list[JSON]] = {}
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        # The reverse proxy in front of the bot: where a POST to the webhook URL arrives.
        self.webhook_origin: str | None = None
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], JSON] = {}
        # (chat id, message_thread_id) of every forum topic opened (open_topic).
        self._topics: set[tuple[int, int]] = set()
        # Topics an admin closed: the bot (no admin) may not post there.
        self.closed_topics: set[tuple[int, int]] = set()
        self._chats: dict[int, JSON] = {}
        # Group id -> user ids who administer it (getChatMember answers from this).
        self.admins: dict[int, set[int]] = {}
        self._faults: list[Fault] = []
        # The bot's client connections (address, port) each method arrived on.
        self.connections: dict[str, set[tuple[str, int]]] = {}
        # Telegram unreachable until this virtual time (down_for): every call gets a 502.
        self._down_until: float | None = None
        # Set and replaced on every change: waiters wake, re-check, wait on the new one.
        self._changed = asyncio.Event()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._pushes: set[asyncio.Task[None]] = set()
        self.url = ""

    # --- lifecycle ------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        self._stopping.set()  # held getUpdates answer at once
        self._notify()
        for task in list(self._pushes):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._pushes, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    # --- what the bot did -----------------------------------------------------------

    def calls_to(
        self, method: str, chat_id: int | None = None, *, ok: bool | None = None
    ) -> list[Call]:
        return [
            call
            for call in self.calls
            if call.method == method
            and (chat_id is None or call.chat_id == chat_id)
            and (ok is None or call.ok == ok)
        ]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages that reached the chat (sendMessage or sendPhoto answered ok)."""
        return [
            call
            for call in self.calls
            if call.method in ("sendMessage", "sendPhoto")
            and call.ok
            and (chat_id is None or call.chat_id == chat_id)
        ]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 (the deadline is this helper's contract)
    ) -> list[Call]:
        """Wait (real time, woken on every call) until ``count`` calls of ``method`` match."""

        def matching() -> list[Call]:
            return [c for c in self.calls if c.method == method and (not predicate or predicate(c))]

        try:
            async with asyncio.timeout(timeout):
                await self._until(lambda: len(matching()) >= count)
        except TimeoutError:
            seen = "\n".join(
                f"  {c.method} chat={c.chat_id} ok={c.ok} {c.shown[:70]!r}"
                for c in self.calls
                if c.method != "getUpdates"
            )
            raise AssertionError(
                f"waited {timeout}s for {count} x {method}, got {len(matching())}; calls:\n{seen}"
            ) from None
        return matching()

    async def wait_for_message(
        self,
        chat: FakeChat | int,
        containing: str,
        timeout: float = 5.0,  # noqa: ASYNC109 (as in wait_for)
    ) -> Call:
        """The first message sent to ``chat`` whose shown text contains ``containing``."""
        chat_id = chat if isinstance(chat, int) else chat.id
        calls = await self.wait_for(
            "sendMessage",
            predicate=lambda c: c.ok and c.chat_id == chat_id and containing in c.shown,
            timeout=timeout,
        )
        return calls[0]

    # --- faults -----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        error_code: int,
        description: str,
        *,
        chat_id: int | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        hang: float = 0.0,
        parameters: JSON | None = None,
        drop: bool = False,
    ) -> Fault:
        """Answer the next ``times`` matching calls with this error (or hang, or hang up)."""
        fault = Fault(
            method, error_code, description, chat_id, retry_after, times, hang, parameters, drop
        )
        self._faults.append(fault)
        return fault

    def flood(self, method: str, retry_after: int, chat_id: int | None = None) -> Fault:
        return self.fail(
            method,
            429,
            f"Too Many Requests: retry after {retry_after}",
            chat_id=chat_id,
            retry_after=retry_after,
        )

    def server_error(self, method: str, chat_id: int | None = None, times: int = 1) -> Fault:
        return self.fail(method, 500, "Internal Server Error", chat_id=chat_id, times=times)

    def block(self, chat_id: int) -> None:
        """The person blocked the bot: every send to them is refused from now on."""
        for method in ("sendMessage", "sendPhoto", "editMessageText", "editMessageCaption"):
            self.fail(
                method, 403, "Forbidden: bot was blocked by the user", chat_id=chat_id, times=None
            )

    def upgrade_to_supergroup(self, group: FakeGroup, *, announce: bool = True) -> FakeGroup:
        """The group becomes a supergroup with a new id, as Telegram does when a group
        grows or turns on a supergroup feature: every send to the old id is refused with
        400 and ``migrate_to_chat_id`` from now on, and (``announce``) the bot gets the two
        service messages, one in each chat. The new supergroup."""
        upgraded = FakeGroup(int(f"-100{abs(group.id)}"), group.title, "supergroup")
        for method in ("sendMessage", "sendPhoto", "editMessageText", "editMessageCaption"):
            self.fail(
                method,
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                chat_id=group.id,
                times=None,
                parameters={"migrate_to_chat_id": upgraded.id},
            )
        if announce:
            # What Telegram sends, in this order: the notice in the old group from whoever
            # upgraded it, the bot "joining" the supergroup, and the notice in the
            # supergroup, from the anonymous group bot on the supergroup's behalf.
            creator = FakeUser(abs(group.id), "Group owner")
            self.inject(
                {
                    "message": {
                        "message_id": next(self._message_ids),
                        "from": creator.json(),
                        "chat": self._chat_json(group),
                        "date": self._date(),
                        "migrate_to_chat_id": upgraded.id,
                    }
                }
            )
            self.my_chat_member(upgraded, creator, "left", "member")
            anonymous = FakeUser(1087968824, "Group", "GroupAnonymousBot", None, is_bot=True)
            self.inject(
                {
                    "message": {
                        "message_id": 1,
                        "from": anonymous.json(),
                        "sender_chat": self._chat_json(upgraded),
                        "chat": self._chat_json(upgraded),
                        "date": self._date(),
                        "migrate_from_chat_id": group.id,
                    }
                }
            )
        return upgraded

    def chat_not_found(self, method: str, chat_id: int) -> Fault:
        return self.fail(method, 400, "Bad Request: chat not found", chat_id=chat_id)

    def clear_faults(self) -> None:
        self._faults.clear()

    def down_for(self, seconds: float) -> None:
        """Telegram gone for ``seconds`` of the clock from now: every call, getUpdates
        and sends alike, is answered 502 Bad Gateway (what its front end says then)."""
        self._down_until = self._virtual() + seconds

    @property
    def down(self) -> bool:
        return self._down_until is not None and self._virtual() < self._down_until

    # --- updates: what people do ------------------------------------------------------

    def inject(self, update: JSON) -> int:
        """Queue an update (or push it to the webhook, if one is set); its update_id."""
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **update}
        if self.webhook_url:
            task = asyncio.get_running_loop().create_task(self._push(update))
            self._pushes.add(task)
            task.add_done_callback(self._pushes.discard)
        else:
            self._updates.append(update)
            self._notify()
        return update_id

    def private_text(
        self,
        user: FakeUser,
        text: str,
        entities: list[JSON] | None = None,
        reply_to: int | None = None,
    ) -> int:
        """``user`` writes ``text`` to the bot in private (replying to message ``reply_to``);
        the message_id."""
        return self._user_message(user, user, text, entities, reply_to)

    def group_text(
        self,
        chat: FakeGroup,
        user: FakeUser,
        text: str,
        entities: list[JSON] | None = None,
        reply_to: int | None = None,
        topic: int | None = None,
        *,
        caption: bool = False,
    ) -> int:
        """``user`` writes ``text`` in the group (replying to message ``reply_to``), in the
        forum ``topic`` (the id of the topic's first message; None: General), or as the
        ``caption`` of a photo."""
        return self._user_message(chat, user, text, entities, reply_to, topic, caption)

    def open_topic(self, chat: FakeGroup, user: FakeUser, name: str) -> int:
        """``user`` opens a topic in the forum group ``chat``; its message_thread_id."""
        assert chat.is_forum, f"{chat.title} has no topics"
        message_id = next(self._message_ids)
        created: JSON = {
            "message_id": message_id,
            "message_thread_id": message_id,
            "is_topic_message": True,
            "from": user.json(),
            "chat": self._chat_json(chat),
            "date": self._date(),
            "forum_topic_created": {"name": name, "icon_color": 7322096},
        }
        self._messages[(chat.id, message_id)] = created
        self._topics.add((chat.id, message_id))
        self.inject({"message": created})
        return message_id

    def callback(self, user: FakeUser, chat: FakeChat, message_id: int, data: str) -> str:
        """``user`` presses a button with callback ``data`` on message ``message_id``."""
        message = self._messages.get((chat.id, message_id)) or {
            "message_id": message_id,
            "from": self.bot.json(),
            "chat": self._chat_json(chat),
            "date": self._date(),
            "text": "",
        }
        query_id = str(next(self._query_ids))
        self.inject(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.json(),
                    "chat_instance": f"ci{chat.id}",
                    "message": message,
                    "data": data,
                }
            }
        )
        return query_id

    def press(self, user: FakeUser, call: Call, label: str) -> str:
        """``user`` presses the button labelled ``label`` on a message the bot sent."""
        button = call.button(label)
        assert "callback_data" in button, f"{label!r} is a link button: {button}"
        chat_id = call.chat_id
        assert chat_id is not None
        chat = self._known_chat(chat_id)
        return self.callback(user, chat, call.message_id, button["callback_data"])

    def my_chat_member(self, chat: FakeGroup, user: FakeUser, old: str, new: str) -> int:
        """``user`` changed the bot's status in ``chat`` from ``old`` to ``new``."""
        return self.inject(
            {
                "my_chat_member": {
                    "chat": self._chat_json(chat),
                    "from": user.json(),
                    "date": self._date(),
                    "old_chat_member": self._member(old),
                    "new_chat_member": self._member(new),
                }
            }
        )

    async def post_update(
        self, update: JSON, secret: str | None, url: str | None = None
    ) -> tuple[int, str]:
        """POST one update to the bot's webhook as anyone might; (status, body)."""
        target = url or self._webhook_target()
        assert target, "no webhook set"
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with self._session().post(target, json=update, headers=headers) as response:
            return response.status, await response.text()

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def message_update(self, user: FakeUser, text: str) -> JSON:
        """A private-text update (not injected), for posting by hand."""
        return {"update_id": self.next_update_id(), "message": self._message_json(user, user, text)}

    # --- the HTTP side ----------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        method = request.match_info["method"]
        if request.transport is not None:
            peer = request.transport.get_extra_info("peername")
            self.connections.setdefault(method, set()).add((peer[0], peer[1]))
        params = await _params(request)
        call = Call(method, params, self._virtual(), time.monotonic())
        if self.down:
            return self._record(
                call, 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            )
        fault = next((f for f in self._faults if f.matches(method, params)), None)
        if fault is not None:
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
            body: JSON = {
                "ok": False,
                "error_code": fault.error_code,
                "description": fault.description,
            }
            parameters = dict(fault.parameters or {})
            if fault.retry_after is not None:
                parameters["retry_after"] = fault.retry_after
            if parameters:
                body["parameters"] = parameters
            response = self._record(call, fault.error_code, body)  # recorded as it arrives
            if fault.drop and request.transport is not None:
                request.transport.close()  # the request arrived; the answer never leaves
            if fault.hang:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(fault.hang):
                        await self._stopping.wait()
            return response
        if method == "getUpdates":
            # Recorded when answered: the long poll may hold for seconds.
            result = await self._get_updates(params)
            call.at, call.real = self._virtual(), time.monotonic()
            if self.down:  # went down while the poll was held: its answer never comes
                return self._record(
                    call, 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
                )
            return self._record(call, 200, {"ok": True, "result": result})
        answer = getattr(self, f"_api_{method}", None)
        if answer is None:
            return self._record(
                call,
                404,
                {"ok": False, "error_code": 404, "description": f"Not Found: method {method}"},
            )
        status, body = answer(params)
        return self._record(call, status, body)

    def _record(self, call: Call, status: int, body: JSON) -> web.Response:
        call.ok = bool(body.get("ok"))
        call.result = body.get("result")
        if not call.ok:
            call.error_code = body.get("error_code")
            call.description = body.get("description")
        self.calls.append(call)
        self._notify()
        return self._reply(status, body)

    @staticmethod
    def _reply(status: int, body: JSON) -> web.Response:
        return web.json_response(body, status=status)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _until(self, predicate: Callable[[], bool]) -> None:
        while not predicate():
            await self._changed.wait()

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            return []  # Telegram answers 409 here; PTB never polls with a webhook set
        offset = int(params.get("offset") or 0)
        if offset:
            # Telegram forgets every update below the offset: they are confirmed.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), self.max_hold)
        if not self._updates and timeout > 0 and not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._until(lambda: bool(self._updates) or self._stopping.is_set())
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    async def _push(self, update: JSON) -> None:
        target = self._webhook_target()
        assert target
        headers = {}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        async with self._session().post(target, json=update, headers=headers) as reply:
            await reply.read()

    def forward_webhook_to(self, origin: str) -> None:
        """Play the TLS-terminating proxy in front of the bot: POSTs to the webhook URL
        go to ``origin`` (``http://127.0.0.1:PORT``) with the URL's path unchanged."""
        self.webhook_origin = origin.rstrip("/")

    def _webhook_target(self) -> str | None:
        if not self.webhook_url or not self.webhook_origin:
            return self.webhook_url
        public = urlsplit(self.webhook_url)
        return self.webhook_origin + public.path + (f"?{public.query}" if public.query else "")

    def _session(self) -> aiohttp.ClientSession:
        if self._client is None:
            self._client = aiohttp.ClientSession()
        return self._client

    # --- Bot API methods ----------------------------------------------------------------

    def _api_getMe(self, _: JSON) -> tuple[int, JSON]:
        me = self.bot.json() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,  # privacy mode on, the default
            "supports_inline_queries": False,
        }
        return 200, {"ok": True, "result": me}

    def _api_deleteWebhook(self, params: JSON) -> tuple[int, JSON]:
        self.webhook_url = self.webhook_secret = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return 200, {"ok": True, "result": True}

    def _api_setWebhook(self, params: JSON) -> tuple[int, JSON]:
        self.webhook_url = params.get("url") or None
        self.webhook_secret = params.get("secret_token")
        return 200, {"ok": True, "result": True}

    def _api_getWebhookInfo(self, _: JSON) -> tuple[int, JSON]:
        info = {"url": self.webhook_url or "", "has_custom_certificate": False}
        return 200, {"ok": True, "result": info | {"pending_update_count": len(self._updates)}}

    def _api_setMyCommands(self, params: JSON) -> tuple[int, JSON]:
        self.commands[params.get("language_code")] = list(params.get("commands", []))
        return 200, {"ok": True, "result": True}

    def _api_answerCallbackQuery(self, _: JSON) -> tuple[int, JSON]:
        return 200, {"ok": True, "result": True}

    def _api_getChatMember(self, params: JSON) -> tuple[int, JSON]:
        user_id = int(params["user_id"])
        status = (
            "administrator" if user_id in self.admins.get(int(params["chat_id"]), ()) else "member"
        )
        user = {"id": user_id, "is_bot": False, "first_name": str(user_id)}
        member: JSON = {"status": status, "user": user}
        if status == "administrator":
            member |= {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        return 200, {"ok": True, "result": member}

    def _api_getChat(self, params: JSON) -> tuple[int, JSON]:
        chat = self._chats.get(int(params["chat_id"]))
        if chat is None:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: chat not found",
            }
        return 200, {"ok": True, "result": chat | {"accent_color_id": 0, "max_reaction_count": 11}}

    def _api_sendMessage(self, params: JSON) -> tuple[int, JSON]:
        refused = _refused_html(params, "text")
        if refused:
            return refused
        if not _readable(params, "text").strip():
            return _bad_request("message text is empty")
        if _utf16_len(_readable(params, "text")) > MAX_TEXT:
            return _bad_request("message is too long")
        refused = self._unknown_topic(params)
        if refused:
            return refused
        message = self._bot_message(params, text=str(params["text"]))
        return 200, {"ok": True, "result": message}

    def _api_sendPhoto(self, params: JSON) -> tuple[int, JSON]:
        refused = _refused_html(params, "caption")
        if refused:
            return refused
        if _utf16_len(_readable(params, "caption")) > MAX_CAPTION:
            return _bad_request("message caption is too long")
        refused = self._unknown_topic(params)
        if refused:
            return refused
        photo = str(params.get("photo", ""))
        if photo.startswith(("http://", "https://")) and photo not in self.reachable_photo_urls:
            return _bad_request("wrong file identifier/HTTP URL specified")
        message = self._bot_message(params, caption=str(params.get("caption", "")))
        message["photo"] = [
            {"file_id": "AgAD-photo", "file_unique_id": "u-photo", "width": 320, "height": 320}
        ]
        return 200, {"ok": True, "result": message}

    def _unknown_topic(self, params: JSON) -> tuple[int, JSON] | None:
        thread = params.get("message_thread_id")
        chat = self._chats.get(int(params["chat_id"]), {})
        if thread is None or not chat.get("is_forum"):
            return None  # outside a forum it names a reply thread; not checked here
        topic = (int(params["chat_id"]), int(thread))
        if topic not in self._topics:
            return _bad_request("message thread not found")
        if topic in self.closed_topics:
            return _bad_request("TOPIC_CLOSED")
        return None

    def _api_editMessageText(self, params: JSON) -> tuple[int, JSON]:
        return self._edit(params, "text")

    def _api_editMessageCaption(self, params: JSON) -> tuple[int, JSON]:
        return self._edit(params, "caption")

    def _api_editMessageReplyMarkup(self, params: JSON) -> tuple[int, JSON]:
        return self._edit(params, None)

    def _edit(self, params: JSON, field_name: str | None) -> tuple[int, JSON]:
        refused = _refused_html(params, field_name) if field_name else None
        if refused:
            return refused
        if field_name and _utf16_len(_readable(params, field_name)) > _LIMITS[field_name]:
            return _bad_request(f"message {'' if field_name == 'text' else 'caption '}is too long")
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self._messages.get(key)
        if message is None:
            return _bad_request("message to edit not found")
        if field_name == "text" and "text" not in message:
            return _bad_request("there is no text in the message to edit")
        changed = dict(message)
        if field_name:
            changed[field_name] = params.get(field_name, "")
        changed.pop("reply_markup", None)
        if params.get("reply_markup"):
            changed["reply_markup"] = params["reply_markup"]
        if changed == message:
            return _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        changed["edit_date"] = self._date()
        self._messages[key] = changed
        return 200, {"ok": True, "result": changed}

    # --- JSON builders ------------------------------------------------------------------

    def _bot_message(self, params: JSON, **content: str) -> JSON:
        chat_id = int(params["chat_id"])
        message: JSON = {
            "message_id": next(self._message_ids),
            "from": self.bot.json(),
            "chat": self._chats.get(chat_id) or _chat_for_id(chat_id),
            "date": self._date(),
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        thread = params.get("message_thread_id")
        if thread is not None and (chat_id, int(thread)) in self._topics:
            message["message_thread_id"] = int(thread)
            message["is_topic_message"] = True
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _user_message(
        self,
        chat: FakeChat,
        user: FakeUser,
        text: str,
        entities: list[JSON] | None,
        reply_to: int | None,
        topic: int | None = None,
        caption: bool = False,
    ) -> int:
        message = self._message_json(chat, user, text, entities, reply_to, topic, caption)
        self.inject({"message": message})
        return int(message["message_id"])

    def _message_json(
        self,
        chat: FakeChat,
        user: FakeUser,
        text: str,
        entities: list[JSON] | None = None,
        reply_to: int | None = None,
        topic: int | None = None,
        caption: bool = False,
    ) -> JSON:
        message: JSON = {
            "message_id": next(self._message_ids),
            "from": user.json(),
            "chat": self._chat_json(chat),
            "date": self._date(),
        }
        found = _entities(text) if entities is None else entities
        if caption:
            message["photo"] = [
                {"file_id": "AgAD-user", "file_unique_id": "u-user", "width": 90, "height": 90}
            ]
            message["caption"] = text
            if found:
                message["caption_entities"] = found
        else:
            message["text"] = text
            if found:
                message["entities"] = found
        if topic is not None:
            assert (chat.id, topic) in self._topics, f"no topic {topic} in chat {chat.id}"
            # As Telegram: a message in a topic replies to the topic's first message unless
            # it replies to another one in it.
            message["message_thread_id"] = topic
            message["is_topic_message"] = True
            reply_to = topic if reply_to is None else reply_to
        if reply_to is not None:
            replied = self._messages.get((chat.id, reply_to))
            assert replied is not None, f"no message {reply_to} in chat {chat.id} to reply to"
            message["reply_to_message"] = replied
        self._messages[(chat.id, message["message_id"])] = message
        return message

    def _chat_json(self, chat: FakeChat) -> JSON:
        data = chat.chat_json()
        self._chats[chat.id] = data
        return data

    def _known_chat(self, chat_id: int) -> FakeChat:
        data = self._chats.get(chat_id) or _chat_for_id(chat_id)
        if data["type"] == "private":
            return FakeUser(chat_id, data.get("first_name", "someone"))
        return FakeGroup(chat_id, data.get("title", ""), data["type"])

    def _member(self, status: str) -> JSON:
        member: JSON = {"user": self.bot.json(), "status": status}
        if status == "administrator":
            member |= {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": False,
                "can_restrict_members": False,
                "can_promote_members": False,
                "can_change_info": False,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member |= {
                "is_member": True,
                "can_send_messages": False,
                "can_send_audios": False,
                "can_send_documents": False,
                "can_send_photos": False,
                "can_send_videos": False,
                "can_send_video_notes": False,
                "can_send_voice_notes": False,
                "can_send_polls": False,
                "can_send_other_messages": False,
                "can_add_web_page_previews": False,
                "can_change_info": False,
                "can_invite_users": False,
                "can_pin_messages": False,
                "can_manage_topics": False,
                "until_date": 0,
            }
        return member

    def _virtual(self) -> float:
        return self.clock.monotonic() if self.clock else time.monotonic()

    def _date(self) -> int:
        return int(self.clock.now().timestamp()) if self.clock else int(time.time())


async def _params(request: web.Request) -> JSON:
    """Request parameters, whichever way PTB (or a test) encoded them."""
    raw: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            raw.update(await request.json())
            return raw
        form = await request.post()
        for key, value in form.items():
            raw[key] = value if isinstance(value, str) else getattr(value, "filename", "<file>")
    params: JSON = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in _STRING_PARAMS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    return params


# --- Telegram's HTML: https://core.telegram.org/bots/api#html-style ---------------------

# Tags Telegram understands (span only as a spoiler); attributes other than span's class
# are not checked.
_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
    | {"tg-spoiler", "span", "blockquote"}
)
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(
    r"<(?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)"
    r"(?P<attrs>(?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_SPOILER_CLASS = re.compile(r"""\bclass\s*=\s*(?:"tg-spoiler"|'tg-spoiler'|tg-spoiler)(?:\s|$)""")
_ENTITY = re.compile(r"&(?:#(?P<dec>[0-9]{1,7})|#[xX](?P<hex>[0-9A-Fa-f]{1,6})|(?P<name>\w+));")


class HtmlError(ValueError):
    """What Telegram says after "Bad Request: can't parse entities: "."""


def parse_html(text: str) -> str:
    """The text a person reads from ``text`` sent with parse_mode=HTML, or HtmlError.

    As Telegram: only its tags, each closed in order; only &lt; &gt; &amp; &quot; and
    numeric entities. A "<" or "&" that starts none of them is refused, which is what
    catches a text the bot forgot to escape.
    """
    shown: list[str] = []
    open_tags: list[str] = []
    at = 0

    def offset(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    while at < len(text):
        char = text[at]
        if char == "<":
            tag = _TAG.match(text, at)
            if tag is None:
                raise HtmlError(f"Unclosed start tag at byte offset {offset(at)}")
            name = tag["name"].lower()
            if tag["end"]:
                if not open_tags:
                    raise HtmlError(f'Unexpected end tag "{name}" at byte offset {offset(at)}')
                if open_tags[-1] != name:
                    raise HtmlError(
                        f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"'
                    )
                open_tags.pop()
            else:
                spoiler = name == "span" and _SPOILER_CLASS.search(tag["attrs"])
                if name not in _HTML_TAGS or (name == "span" and not spoiler):
                    raise HtmlError(f'Unsupported start tag "{name}" at byte offset {offset(at)}')
                open_tags.append(name)
            at = tag.end()
        elif char == "&":
            entity = _ENTITY.match(text, at)
            if entity is None:
                raise HtmlError(f"Character '&' is not an entity at byte offset {offset(at)}")
            if entity["name"] is not None:
                if entity["name"] not in _NAMED_ENTITIES:
                    raise HtmlError(
                        f'Unsupported HTML entity "{entity[0]}" at byte offset {offset(at)}'
                    )
                shown.append(_NAMED_ENTITIES[entity["name"]])
            else:
                code = int(entity["dec"]) if entity["dec"] else int(entity["hex"], 16)
                if not 0 < code <= 0x10FFFF:
                    raise HtmlError(f"Invalid entity at byte offset {offset(at)}")
                shown.append(chr(code))
            at = entity.end()
        else:
            shown.append(char)
            at += 1
    if open_tags:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(shown)


def _is_html(params: JSON) -> bool:
    return str(params.get("parse_mode", "")).upper() == "HTML"


def _refused_html(params: JSON, field_name: str) -> tuple[int, JSON] | None:
    if not _is_html(params):
        return None
    try:
        parse_html(str(params.get(field_name, "")))
    except HtmlError as error:
        return _bad_request(f"can't parse entities: {error}")
    return None


def _readable(params: JSON, field_name: str) -> str:
    """What a person would read of a (valid) text or caption."""
    value = str(params.get(field_name, ""))
    return parse_html(value) if _is_html(params) else value


def _bad_request(what: str) -> tuple[int, JSON]:
    return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {what}"}


def _chat_for_id(chat_id: int) -> JSON:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}
    return {"id": chat_id, "type": "supergroup", "title": f"group{chat_id}"}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str) -> list[JSON]:
    """The entities Telegram would find: a leading /command and @mentions (UTF-16 offsets)."""
    found: list[JSON] = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command[0])})
    for mention in _MENTION.finditer(text):
        found.append(
            {
                "type": "mention",
                "offset": _utf16_len(text[: mention.start()]),
                "length": _utf16_len(mention[0]),
            }
        )
    return found
