"""The WeChat channel: the Python wechaty client (0.10.7) talking to a puppet service.

WeChat has no bot API. A *puppet service* (a provider's, or one you host) keeps a real
WeChat account logged in and offers it over gRPC; the wechaty client connects with the
service's endpoint and token. This module drives that client on the event loop the shop
owns, like the Telegram channel drives python-telegram-bot, and only translates: what to
say is the router's job, pacing and retrying is delivery's, and every send failure is
raised as one of the neutral errors of ``bot.channels.base``.

We use wechaty's client objects (``Wechaty``, its ``Message``, ``Contact`` and ``Room``)
but not ``Wechaty.start()``, because upstream's start:
- hides failures: a refused token or a dead endpoint is printed, slept on for 60 s and
  retried forever, or stops the whole event loop; ours raises ``WechatStartError`` with
  a message that says what to fix;
- never returns (it runs the event stream), so we run the stream in a task and return
  once the account is logged in;
- handles each message in its own task, so one person's messages can be handled out of
  order; ours are read in arrival order and handled one at a time per person;
- starts wechaty's plugin machinery (a scheduler on ``job.db``, a probe of local port 5000,
  a web server when plugins define routes), which the shop does not use.

Working files: wechaty keeps its plugin scheduler's jobs in ``./.wechaty/job.db`` (in
whatever directory the process runs in), read at import time from CACHE_DIR. The channel
passes the job store explicitly instead (``WechatyOptions.scheduler``), under
``work_dir`` beside the shop's SQLite file; no chdir, no environment variable. As the
plugin machinery is never started, nothing is written there today.

What the puppet supports, measured against wechaty-puppet-service 1.19: text both ways,
room mentions (the mention list, or a typed "@name"), room join/leave/topic events,
sending a picture by URL (in the JSON of ``wechat_compat.UrlFileBox``; the service
fetches it). What it does not: buttons (presentation turns them into numbered choices),
editing a sent message (an edit goes out as a new message), links into a private chat
(the router writes to the person directly instead), a TLS connection from this client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import posixpath
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.channels.base import (
    Capabilities,
    ChannelStartError,
    ChatUnreachable,
    IncomingHandler,
    MembershipChange,
    MembershipHandler,
    RateLimits,
    SendError,
    TransientSendError,
    UnknownOutcome,
)
from bot.channels.wechat_compat import (
    GRPCError,
    MessageType,
    Status,
    StreamTerminatedError,
    UrlFileBox,
    Wechaty,
    WechatyOptions,
    WechatyPuppetError,
    WechatySchedulerOptions,
    isolate_caches,
    puppet_options,
)
from bot.channels.wechat_events import (
    BotAccount,
    Group,
    Kind,
    Person,
    WechatMessage,
    incoming_from_message,
    membership_from_join,
    membership_from_leave,
    membership_present,
)
from bot.clock import Clock, SystemClock
from bot.messages import Outgoing
from bot.settings import Settings

log = logging.getLogger(__name__)

# Conservative by default: WeChat publishes no limits, and bans accounts that behave like
# spam bots. One message per 2 s in a chat (2 at once), 10 a minute in a room, 5 a second
# overall; each can be changed in the settings (WECHAT_CHAT_INTERVAL, WECHAT_CHAT_BURST,
# WECHAT_ROOM_PER_MINUTE, WECHAT_PER_SECOND).
DEFAULT_RATE_LIMITS = RateLimits(
    per_chat_interval=2.0, per_chat_burst=2, per_group_per_minute=10, overall_per_second=5
)

_MEDIA = frozenset(
    {
        MessageType.MESSAGE_TYPE_ATTACHMENT,
        MessageType.MESSAGE_TYPE_AUDIO,
        MessageType.MESSAGE_TYPE_CONTACT,
        MessageType.MESSAGE_TYPE_EMOTICON,
        MessageType.MESSAGE_TYPE_IMAGE,
        MessageType.MESSAGE_TYPE_VIDEO,
        MessageType.MESSAGE_TYPE_LOCATION,
        MessageType.MESSAGE_TYPE_MINI_PROGRAM,
        MessageType.MESSAGE_TYPE_URL,
        MessageType.MESSAGE_TYPE_CHAT_HISTORY,
    }
)
# Puppet errors (they arrive as gRPC UNKNOWN with the puppet's own words) that mean the
# conversation will not take messages: a contact or room that does not exist or that the
# account is not in, a friend who deleted or blocked the account.
_UNREACHABLE = re.compile(
    r"not (?:a )?(?:member|friend|exist)|not found|no payload found|removed|kicked|"
    r"blocked|deleted|blacklist|not in (?:the )?room",
    re.IGNORECASE,
)
_LOGGED_OUT = re.compile(r"not logged in|logout|logged out|not login", re.IGNORECASE)
_STOP = "chatshop-stop"  # tells the event reader to finish
_RECENT_MESSAGES = 2048  # ids remembered to drop a message the puppet reports twice
_IMAGE_MEMORY_SECONDS = 600.0


class WechatStartError(ChannelStartError):
    """The channel could not start; the message says what to check."""


class MessageRejected(SendError):
    """The puppet refused this message for good; sending it again would fail the same way."""


class WechatChannel:
    name = "wechat"
    # No inline buttons and no edits in WeChat. A picture is a message of its own, so
    # any text fits with it (max_caption = max_text). Long texts are split at 2000.
    capabilities = Capabilities(
        buttons=False,
        images=True,
        edits=False,
        max_text=2000,
        max_caption=2000,
        names_addressee=True,
    )

    def __init__(
        self,
        endpoint: str,
        token: str,
        work_dir: Path,
        clock: Clock | None = None,
        rate_limits: RateLimits = DEFAULT_RATE_LIMITS,
        *,
        login_timeout: float = 120.0,
        call_timeout: float = 15.0,
    ) -> None:
        """``endpoint`` is the puppet service's ``host:port``; ``work_dir`` receives the
        client's own files (its scheduler's ``job.db``), under the shop's data directory.

        ``login_timeout`` bounds start(): connecting, then waiting for the account to be
        logged in (a provider may first need a QR code scanned). ``call_timeout`` bounds
        each call to the service; a send that times out has an unknown outcome.
        """
        self.endpoint = check_endpoint(endpoint)
        if not token:
            raise ValueError("WECHATY_PUPPET_SERVICE_TOKEN is required: the puppet service's token")
        self._token = token
        self.work_dir = Path(work_dir)
        # The channel makes no timing decision of its own (delivery paces); the clock is
        # kept so the wiring is the same for every channel. Reconnect back-off is real
        # time (asyncio.sleep): it waits for a network, not for the shop's schedule.
        self.clock = clock or SystemClock()
        self.rate_limits = rate_limits
        self._login_timeout = login_timeout
        self._call_timeout = call_timeout
        self._bot: Wechaty | None = None
        self._stream: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._logged_in: asyncio.Future[BotAccount] | None = None
        self._me: BotAccount | None = None
        self._on_incoming: IncomingHandler | None = None
        self._on_membership: MembershipHandler | None = None
        self._handlers = _Handlers()
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._aliases: dict[str, tuple[str, ...]] = {}
        # (chat, image, text) whose picture went out but whose text failed: a retry of
        # the same message must not post the picture twice.
        self._image_sent: dict[tuple[str, str, str], float] = {}
        self._stopping = False

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> WechatChannel:
        if not settings.wechat_endpoint:
            raise ValueError(
                "WECHATY_PUPPET_SERVICE_ENDPOINT is not set; chatshop never looks an "
                "endpoint up online"
            )
        return cls(
            settings.wechat_endpoint,
            settings.wechat_token or "",
            settings.wechat_work_dir,
            clock,
            RateLimits(
                per_chat_interval=settings.wechat_chat_interval,
                per_chat_burst=settings.wechat_chat_burst,
                per_group_per_minute=settings.wechat_room_per_minute,
                overall_per_second=settings.wechat_per_second,
            ),
            login_timeout=settings.wechat_login_timeout,
        )

    @property
    def me(self) -> BotAccount | None:
        """The account the bot runs as, once logged in."""
        return self._me

    @property
    def client(self) -> Wechaty | None:
        """The wechaty client, while started (for debugging; the shop never needs it)."""
        return self._bot

    @property
    def job_store_url(self) -> str:
        """Where wechaty's scheduler would keep its jobs: under ``work_dir``, never ./.wechaty."""
        return f"sqlite:///{(self.work_dir / 'job.db').resolve()}"

    # --- lifecycle ------------------------------------------------------------------

    async def start(self, on_incoming: IncomingHandler, on_membership: MembershipHandler) -> None:
        """Connect to the puppet service and return once the account is logged in.

        Raises WechatStartError (a refused token, an endpoint that does not answer, no
        login in time); nothing is left running then.
        """
        self._on_incoming = on_incoming
        self._on_membership = on_membership
        self._stopping = False
        self._events = asyncio.Queue()  # nothing left over from an earlier run
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._bot = Wechaty(
            WechatyOptions(
                puppet="wechaty-puppet-service",
                puppet_options=puppet_options(self.endpoint, self._token),
                # Only wechaty's plugins use these (we start none): its scheduler's job
                # store goes under work_dir instead of ./.wechaty, and a plugin web
                # server would listen on loopback on a free port, not 0.0.0.0:5000.
                scheduler=WechatySchedulerOptions(job_store=self.job_store_url),
                host="127.0.0.1",
                port=0,
            )
        )
        self._reader = asyncio.create_task(self._read_events(), name="wechat-events")
        try:
            await self._connect()
        except BaseException:
            await self.stop()
            raise
        self._supervisor = asyncio.create_task(self._keep_connected(), name="wechat-connection")
        assert self._me is not None
        log.info("wechat: logged in as %s (%s) via %s", self._me.name, self._me.id, self.endpoint)
        self._handlers.run("wechat-rooms", self._rooms_at_login())

    async def stop(self) -> None:
        """Stop receiving, let messages being handled finish (their replies still go
        out), then disconnect."""
        self._stopping = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            await _quietly(self._supervisor)
            self._supervisor = None
        if self._reader is not None:
            # A sentinel as well as a cancel: grpclib can turn a cancellation that lands
            # mid-request into a StreamTerminatedError, which the reader would survive.
            self._events.put_nowait((_STOP, None))
            self._reader.cancel()
            await _quietly(self._reader)
            self._reader = None
        await self._handlers.drain(grace=10.0)
        await self._disconnect()
        self._bot = None

    async def _connect(self) -> None:
        """A fresh puppet on the client, its event stream running, the account logged in."""
        bot = self._bot
        assert bot is not None
        loop = asyncio.get_running_loop()
        self._logged_in = logged_in = loop.create_future()
        self._me = None
        await bot.init_puppet()  # a new puppet and new Contact/Room/... classes bound to it
        isolate_caches(bot)
        self._aliases.clear()
        puppet = bot.puppet
        for event in ("login", "logout", "message", "room-join", "room-leave", "room-topic"):
            puppet.on(event, self._queue(event))
        # Without an "error" listener pyee raises the service's error events inside the
        # event stream, which would end it.
        puppet.on("error", self._queue("error"))
        puppet.on("scan", self._queue("scan"))
        # The client's own check that the endpoint answers is a blocking telnet connect
        # (up to 3 s, on the event loop); this one awaits, and fails the same way sooner.
        await self._check_reachable()
        self._stream = stream = asyncio.create_task(puppet.start(), name="wechat-stream")
        try:
            async with asyncio.timeout(self._login_timeout):
                done, _ = await asyncio.wait(
                    {stream, logged_in}, return_when=asyncio.FIRST_COMPLETED
                )
        except TimeoutError:
            await self._disconnect()
            raise WechatStartError(
                f"no login from the WeChat puppet service at {self.endpoint} within "
                f"{self._login_timeout:.0f} s: the service did not answer, or the account is "
                "not logged in there. If the provider asks for a QR code (see the log), scan "
                "it with the WeChat app of the shop's account and start again "
                "(WECHAT_LOGIN_TIMEOUT allows longer)."
            ) from None
        if logged_in in done:
            self._me = logged_in.result()
            return
        # The stream ended before a login: a refused token or an unreachable service.
        error = stream.exception() if not stream.cancelled() else None
        await self._disconnect()
        raise start_error(error, self.endpoint) from error

    async def _check_reachable(self) -> None:
        host, _, port = self.endpoint.rpartition(":")
        try:
            async with asyncio.timeout(min(self._call_timeout, self._login_timeout)):
                _, writer = await asyncio.open_connection(host, int(port))
        except (OSError, TimeoutError) as error:
            raise WechatStartError(
                f"cannot reach the WeChat puppet service at {self.endpoint}: nothing answers "
                f"there ({describe(error)}). Is it running, and is "
                "WECHATY_PUPPET_SERVICE_ENDPOINT right (host:port)?"
            ) from None
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()

    async def _keep_connected(self) -> None:
        """Reconnect whenever the event stream ends, backing off from 1 s to a minute."""
        backoff = 1.0
        while not self._stopping:
            stream = self._stream
            assert stream is not None
            try:
                await asyncio.shield(stream)
                problem = "the service ended the event stream"
            except asyncio.CancelledError:
                raise
            except Exception as error:
                problem = describe(error)
            log.warning("wechat: lost the puppet service (%s); reconnecting", problem)
            await self._disconnect()
            while not self._stopping:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                try:
                    await self._connect()
                except WechatStartError as error:
                    log.warning("wechat: reconnecting failed: %s", error)
                    continue
                log.info("wechat: reconnected to %s", self.endpoint)
                self._handlers.run("wechat-rooms", self._rooms_at_login())
                backoff = 1.0
                break

    async def _disconnect(self) -> None:
        """Stop the current puppet's stream and close its connection, whatever its state."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.cancel()
            await _quietly(stream)
        bot = self._bot
        puppet = bot._puppet if bot is not None else None  # None once stopped
        if puppet is None:
            return
        try:
            if getattr(puppet, "_puppet_stub", None) is not None:
                # Tells the service this client is done (upstream's stop() does the same).
                async with asyncio.timeout(3.0):
                    await puppet.stop()
        except Exception as error:
            log.info("wechat: stopping the puppet: %s", describe(error))
        finally:
            channel = getattr(puppet, "channel", None)
            if channel is not None:
                channel.close()
                puppet.channel = None
            puppet._puppet_stub = None

    # --- receiving ------------------------------------------------------------------

    def _queue(self, event: str) -> Callable[[Any], None]:
        # Called by pyee inside the event stream: it must never raise, or the stream ends.
        def put(payload: Any = None) -> None:
            self._events.put_nowait((event, payload))

        return put

    async def _read_events(self) -> None:
        """Events in arrival order: payloads fetched one event at a time, then handed to
        the shop in a task per person (or room), so one slow reply never holds up others
        while each person's own messages keep their order."""
        while not self._stopping:
            event, payload = await self._events.get()
            if event == _STOP:
                return
            try:
                async with asyncio.timeout(self._call_timeout):
                    await self._read_event(event, payload)
            except Exception as error:
                if self._stopping:
                    return  # the connection is going away under it
                log.error("wechat: could not read a %s event: %s", event, describe(error))

    async def _read_event(self, event: str, payload: Any) -> None:
        if event == "login":
            await self._logged_in_as(payload.contact_id)
        elif event == "message":
            await self._read_message(payload.message_id)
        elif event in ("room-join", "room-leave"):
            await self._read_membership(event, payload)
        elif event == "room-topic":
            # The room's payload is cached; forget it so the next read has the new topic,
            # and let the shop keep the room's name current.
            if self._bot is not None:
                self._bot.Room._pool.pop(payload.room_id, None)
            self._announce(membership_present(Group(payload.room_id, payload.new_topic)))
        elif event == "logout":
            log.error(
                "wechat: the account %s was logged out (%s); nothing can be sent until it "
                "logs in again",
                payload.contact_id,
                getattr(payload, "data", ""),
            )
        elif event == "scan":
            log.warning(
                "wechat: the puppet service asks for a login: scan this QR code with the "
                "shop account's WeChat app (status %s): %s",
                getattr(payload, "status", "?"),
                getattr(payload, "qrcode", ""),
            )
        elif event == "error":
            log.warning("wechat: the puppet service reported an error: %s", _error_text(payload))

    def _announce(self, change: MembershipChange) -> None:
        if self._on_membership is not None:
            self._handlers.run(change.chat.key, self._on_membership(change))

    async def _rooms_at_login(self) -> None:
        """Every room the account is in at login: the seller's existing groups are where
        she sells, so the shop registers them (with their topics) without waiting for
        someone to speak there."""
        bot, me = self._bot, self._me
        if bot is None or me is None:
            return
        try:
            room_ids = await self._call(bot.puppet.room_list())
        except SendError as error:
            log.warning("wechat: could not list the account's rooms: %s", error)
            return
        for room_id in room_ids:
            room = bot.Room.load(room_id)
            try:
                async with asyncio.timeout(self._call_timeout):
                    await room.ready()
            except Exception as error:
                log.info("wechat: room %s unreadable: %s", room_id, describe(error))
                continue
            if me.id in (room.payload.member_ids or ()):
                self._announce(membership_present(Group(room_id, room.payload.topic)))

    async def _logged_in_as(self, contact_id: str) -> None:
        bot = self._bot
        assert bot is not None
        me = bot.ContactSelf.load(contact_id)
        await me.ready()
        account = BotAccount(contact_id, me.name)
        if self._logged_in is not None and not self._logged_in.done():
            self._logged_in.set_result(account)
        else:
            self._me = account  # logged in again on the same connection

    async def _read_message(self, message_id: str) -> None:
        bot, me = self._bot, self._me
        if bot is None or me is None or not message_id or self._seen(message_id):
            return
        message = bot.Message.load(message_id)
        await message.ready()  # the message, its talker and its room
        payload = message.payload
        if payload.from_id == me.id:
            return  # our own message, reported back by the puppet
        talker = message.talker()
        room = message.room()
        kind = _kind(message.type())
        group = None
        if room is not None:
            admins = frozenset({room.payload.owner_id, *room.payload.admin_ids} - {""})
            group = Group(room.room_id, room.payload.topic, admins)
        aliases: tuple[str, ...] = ()
        if room is not None and "@" in payload.text:
            aliases = await self._bot_aliases(room)
        read = WechatMessage(
            id=message_id,
            talker=_person(talker),
            kind=kind,
            text=payload.text or "",
            room=group,
            mention_ids=tuple(payload.mention_ids or ()),
            bot_aliases=aliases,
        )
        incoming = incoming_from_message(read, me)
        if incoming is None or self._on_incoming is None:
            return
        # Ids only, never names or texts (issue 13); a person finds their own id with /mydata.
        log.debug("wechat: message %s from %s", message_id, incoming.sender.key)
        self._handlers.run(incoming.sender.key, self._on_incoming(incoming))

    async def _bot_aliases(self, room: Any) -> tuple[str, ...]:
        """The bot's own alias in a room (people mention it by that), read once per room."""
        cached = self._aliases.get(room.room_id)
        if cached is None:
            cached = ()
            try:
                alias = await room.alias(self._bot.Contact.load(self._me.id))  # type: ignore[union-attr]
                cached = (alias,) if alias else ()
            except Exception as error:  # an alias is a nicety; the mention list decides
                log.info("wechat: no alias for the bot in %s: %s", room.room_id, describe(error))
            self._aliases[room.room_id] = cached
        return cached

    async def _read_membership(self, event: str, payload: Any) -> None:
        bot, me = self._bot, self._me
        if bot is None or me is None or self._on_membership is None:
            return
        affected = payload.invited_ids if event == "room-join" else payload.removed_ids
        if me.id not in affected:
            return  # other people joining or leaving are none of the shop's business
        room = bot.Room.load(payload.room_id)
        try:
            await room.ready()
            group = Group(payload.room_id, room.payload.topic)
        except Exception as error:
            # A room we were just removed from may no longer be readable; its id is enough.
            log.info("wechat: room %s unreadable: %s", payload.room_id, describe(error))
            group = Group(payload.room_id)
        by_id = payload.inviter_id if event == "room-join" else payload.remover_id
        by = await self._person(by_id)
        if event == "room-join":
            change = membership_from_join(group, affected, by, me)
        else:
            change = membership_from_leave(group, affected, by, me)
        if change is not None:
            self._handlers.run(change.chat.key, self._on_membership(change))

    async def _person(self, contact_id: str | None) -> Person | None:
        if not contact_id or self._bot is None:
            return None
        contact = self._bot.Contact.load(contact_id)
        try:
            await contact.ready()
        except Exception as error:
            log.info("wechat: contact %s unreadable: %s", contact_id, describe(error))
            return Person(contact_id)
        return _person(contact)

    def _seen(self, message_id: str) -> bool:
        """The puppet may report a message more than once; handle it once."""
        if message_id in self._recent:
            return True
        self._recent[message_id] = None
        if len(self._recent) > _RECENT_MESSAGES:
            self._recent.popitem(last=False)
        return False

    # --- sending ----------------------------------------------------------------------

    def deep_link(self, payload: str) -> str | None:
        """WeChat has no links that open a chat with an account; the router writes to
        the person directly instead."""
        return None

    async def send(self, message: Outgoing) -> str | None:
        """Send one message (a picture first when there is one); the text's message id.

        WeChat cannot edit, so an edit goes out as a new message. A picture the service
        cannot send costs the customer nothing: the text goes anyway. Raises
        ChatUnreachable, TransientSendError, UnknownOutcome or MessageRejected.
        """
        puppet = self._puppet_for_sending()
        conversation = message.chat.chat_id
        if message.image and _is_url(message.image):
            await self._send_image(puppet, message)
        message_id = await self._call(puppet.message_send_text(conversation, message.text))
        self._image_sent.pop(_image_key(message), None)
        return message_id or None

    async def _send_image(self, puppet: Any, message: Outgoing) -> None:
        assert message.image is not None
        key = _image_key(message)
        now = time.monotonic()
        self._image_sent = {
            k: at for k, at in self._image_sent.items() if now - at < _IMAGE_MEMORY_SECONDS
        }
        if key in self._image_sent:
            return  # sent on an earlier attempt whose text failed
        picture = UrlFileBox(message.image, name=_file_name(message.image))
        try:
            await self._call(puppet.message_send_file(message.chat.chat_id, picture))
        except ChatUnreachable:
            raise
        except SendError as error:
            log.warning(
                "wechat: could not send the picture %s to %s (%s); sending the text alone",
                message.image,
                message.chat.key,
                error,
            )
            return
        self._image_sent[key] = now

    def _puppet_for_sending(self) -> Any:
        bot = self._bot
        puppet = bot._puppet if bot is not None else None
        if puppet is None or getattr(puppet, "_puppet_stub", None) is None or self._me is None:
            raise TransientSendError("the WeChat channel is not connected")
        return puppet

    async def _call(self, call: Coroutine[Any, Any, str]) -> str:
        """One request to the service, bounded in time, its failure made neutral."""
        try:
            async with asyncio.timeout(self._call_timeout):
                return await call
        except TimeoutError:
            raise UnknownOutcome(
                f"no answer from the puppet service within {self._call_timeout:.0f} s"
            ) from None
        except Exception as error:
            raise neutral_error(error) from error


def neutral_error(error: BaseException) -> SendError:
    """Map a failed call to the puppet service to the neutral failure delivery understands.

    - The connection could not be made (refused, reset before the request, no route):
      nothing reached the service -> TransientSendError, delivery retries.
    - The connection broke during the call (StreamTerminatedError): the request may have
      been acted on -> UnknownOutcome; a retry could post twice.
    - gRPC statuses: UNAVAILABLE and RESOURCE_EXHAUSTED are worth a retry; DEADLINE_EXCEEDED
      and CANCELLED leave the outcome unknown; NOT_FOUND and PERMISSION_DENIED mean the chat
      will not take messages; UNAUTHENTICATED is the token.
    - UNKNOWN or INTERNAL carry the puppet's own words: "not a member", "not exist", a
      friend who deleted the account -> ChatUnreachable; "not logged in" -> transient (the
      account may come back); anything else is refused for good.
    """
    if isinstance(error, SendError):
        return error
    if isinstance(error, StreamTerminatedError):
        return UnknownOutcome(f"the connection to the puppet service broke: {error}")
    if isinstance(error, GRPCError):
        status, detail = error.status, (error.message or "").strip()
        first_line = detail.splitlines()[0] if detail else status.name
        if status in (Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED, Status.ABORTED):
            return TransientSendError(f"{status.name}: {first_line}")
        if status in (Status.DEADLINE_EXCEEDED, Status.CANCELLED):
            return UnknownOutcome(f"{status.name}: {first_line}")
        if status in (Status.NOT_FOUND, Status.PERMISSION_DENIED):
            return ChatUnreachable(first_line)
        if status is Status.UNAUTHENTICATED:
            return MessageRejected("the puppet service refused the token (UNAUTHENTICATED)")
        if _UNREACHABLE.search(detail.split("\n    at ")[0]):
            return ChatUnreachable(first_line)
        if _LOGGED_OUT.search(detail):
            return TransientSendError(f"the WeChat account is not logged in: {first_line}")
        return MessageRejected(f"{status.name}: {first_line}")
    if isinstance(error, ConnectionError | OSError):
        return TransientSendError(f"cannot reach the puppet service: {error}")
    if isinstance(error, WechatyPuppetError):
        return TransientSendError(str(error))
    return MessageRejected(f"{type(error).__name__}: {error}")


def start_error(error: BaseException | None, endpoint: str) -> WechatStartError:
    """A readable reason the client could not connect, saying what to check."""
    if isinstance(error, GRPCError) and error.status is Status.UNAUTHENTICATED:
        # The service's own message repeats the token it was given: not for the log.
        return WechatStartError(
            f"the WeChat puppet service at {endpoint} refused the token (UNAUTHENTICATED): "
            "check WECHATY_PUPPET_SERVICE_TOKEN"
        )
    if isinstance(error, WechatyPuppetError) and "ping" in str(error):
        return WechatStartError(
            f"cannot reach the WeChat puppet service at {endpoint}: nothing answers there. "
            "Is it running, and is WECHATY_PUPPET_SERVICE_ENDPOINT right (host:port)?"
        )
    if error is None:
        return WechatStartError(
            f"the WeChat puppet service at {endpoint} closed the connection before the "
            "account logged in"
        )
    return WechatStartError(
        f"could not connect to the WeChat puppet service at {endpoint}: {describe(error)}"
    )


def check_endpoint(endpoint: str) -> str:
    """``host:port`` as the client needs it; refuses what it would misread."""
    endpoint = (endpoint or "").strip()
    if not endpoint:
        raise ValueError(
            "WECHATY_PUPPET_SERVICE_ENDPOINT is required (host:port of the puppet service); "
            "chatshop never looks an endpoint up online"
        )
    if endpoint.startswith("https://") or endpoint.startswith("grpcs://"):
        raise ValueError(
            f"WECHATY_PUPPET_SERVICE_ENDPOINT {endpoint!r}: this WeChat client speaks plain "
            "gRPC only (no TLS); give host:port of a service started without TLS"
        )
    bare = endpoint.removeprefix("http://").removeprefix("grpc://").rstrip("/")
    host, sep, port = bare.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(
            f"WECHATY_PUPPET_SERVICE_ENDPOINT {endpoint!r} must be host:port, e.g. 127.0.0.1:8788"
        )
    return bare


def describe(error: BaseException) -> str:
    """One line for the log: the gRPC status and the first line of its message."""
    if isinstance(error, GRPCError):
        detail = (error.message or "").strip().splitlines()
        return f"{error.status.name}: {detail[0]}" if detail else error.status.name
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _error_text(payload: Any) -> str:
    data = getattr(payload, "data", payload)
    return str(data).strip().splitlines()[0] if str(data).strip() else "(no detail)"


def _kind(message_type: Any) -> Kind:
    if message_type == MessageType.MESSAGE_TYPE_TEXT:
        return Kind.TEXT
    if message_type in _MEDIA:
        return Kind.MEDIA
    return Kind.SYSTEM


def _person(contact: Any) -> Person:
    payload = contact.payload
    return Person(
        id=contact.contact_id,
        name=payload.name or payload.alias or "",
        official=payload.type == 2,  # ContactType.CONTACT_TYPE_OFFICIAL
    )


def _is_url(value: str) -> bool:
    return urlsplit(value).scheme in ("http", "https")


def _file_name(url: str) -> str:
    # The service names the file after this; wechaty's own FileBox.from_url would even
    # download the picture (blocking) just to name it when given no name.
    name = posixpath.basename(urlsplit(url).path)
    return name if "." in name else "picture.jpg"


def _image_key(message: Outgoing) -> tuple[str, str, str]:
    return (message.chat.key, message.image or "", message.text)


async def _quietly(task: asyncio.Task[Any]) -> None:
    """Wait for a task we cancelled or that may have failed, if it has finished or
    finishes soon; its outcome is expected and only logged."""
    if not task.done():
        await asyncio.wait({task}, timeout=5.0)
    if not task.done():
        log.warning("wechat: %s did not finish", task.get_name())
        return
    if not task.cancelled() and task.exception() is not None:
        log.debug("wechat: %s ended: %s", task.get_name(), describe(task.exception()))  # type: ignore[arg-type]


class _Handlers:
    """Runs each message's handling as its own task, so a slow one never holds up the
    event stream. One person's messages still go one at a time, in arrival order: tasks
    start in creation order and the router's OneAtATime middleware serves them in turn.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def run(self, key: str, handler: Awaitable[Any]) -> None:
        task = asyncio.create_task(self._run(key, handler), name=f"wechat-handle-{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _run(key: str, handler: Awaitable[Any]) -> None:
        try:
            await handler
        except Exception:
            log.exception("wechat: handling a message for %s failed", key)
        finally:
            if asyncio.iscoroutine(handler):
                handler.close()  # cancelled before it began: never leave it un-awaited

    async def drain(self, grace: float) -> None:
        """Wait for running handlers (bounded), then cancel what is left."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        for task in pending:
            await _quietly(task)
