"""The Telegram channel: python-telegram-bot 22 on an event loop the shop owns.

We drive PTB's ``Application`` by hand (initialize, start, polling or webhook, and the
reverse on stop) instead of ``run_polling()``, so Telegram shares one loop with the other
channels, the store and the scheduler.

This module only translates. Deciding what to say is the router's job; pacing and
retrying is delivery's. So PTB's own rate limiter is left out (PTB without an
``AIORateLimiter`` neither paces nor retries a send) and every failure is raised as one
of the neutral errors of ``bot.channels.base``, which delivery knows how to handle.

Bot API methods used: getMe, deleteWebhook, getUpdates (polling) or setWebhook (webhook),
setMyCommands, sendMessage, sendPhoto, editMessageText, editMessageCaption,
answerCallbackQuery.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import logging
import math
import os
import re
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram import error as tg_error
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.channels import telegram_webhook
from bot.channels.base import (
    Capabilities,
    ChannelStartError,
    ChatMoved,
    ChatUnreachable,
    ImageRefused,
    IncomingHandler,
    MembershipHandler,
    RateLimits,
    RetryAfter,
    SendError,
    TopicGone,
    TransientSendError,
    UnknownOutcome,
)
from bot.channels.telegram_admission import OnePersonAtATime
from bot.channels.telegram_updates import (
    BotIdentity,
    incoming_from_callback,
    incoming_from_message,
    membership_from_update,
    migration_from_message,
)
from bot.clock import Clock, SystemClock
from bot.i18n import t
from bot.messages import Button, Incoming, Outgoing
from bot.settings import Settings
from bot.text_units import TextUnits

log = logging.getLogger(__name__)

# PTB 22 warns (PTBDeprecationWarning) whenever it builds a RetryAfter, i.e. on every 429,
# unless the program opts in to the timedelta-valued time periods PTB 23 will always use.
# PTB reads the variable each time, so setting it here is in time. We read those values
# as timedeltas (see _retry_seconds); an explicit setting by whoever runs the bot stays.
os.environ.setdefault("PTB_TIMEDELTA", "true")

_App = Application[Any, Any, Any, Any, Any, Any]

# The commands customers see in Telegram's menu, in this order; descriptions come from
# the i18n table ("menu.<command>"). Owner commands stay out of the public menu.
MENU_COMMANDS = ("start", "browse", "cart", "checkout", "orders", "ask", "lang", "cancel", "help")
# Only the updates we act on: fewer round trips, and edits never reach us at all.
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# Updates handled at once. One person's messages go one at a time, in order, and wait for
# their turn before taking one of these (telegram_admission), so a person flooding the
# bot holds one at most.
CONCURRENT_UPDATES = 256
# Telegram's rules for a deep-link payload (t.me/<bot>?start=<payload>).
_DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CALLBACK_DATA_LIMIT = 64  # bytes

# Group commands only a group's admins may use; the channel asks Telegram who is one.
ADMIN_COMMANDS = frozenset({"/nopromo"})

# The send pool's size follows the overall limit: sends in flight are about the rate times
# Telegram's answer time (well under SEND_ANSWER_TIME), plus room for what delivery does
# not pace (answers to button presses, admin checks). Not more: httpcore looks at every
# pooled connection on each request (and each idle one against all the others), which at
# 64 connections was a quarter of the bot's CPU under load. A send that finds the pool full
# waits for a connection (pool timeout), then delivery retries it: nothing was sent.
SEND_ANSWER_TIME = 0.25  # seconds
SEND_POOL_UNPACED = 4
SEND_POOL_FEWEST = 8
SEND_POOL_MOST = 64


def send_pool_size(overall_per_second: int) -> int:
    """Connections for sends at ``overall_per_second`` (30 by default: 12)."""
    wanted = math.ceil(overall_per_second * SEND_ANSWER_TIME) + SEND_POOL_UNPACED
    return max(SEND_POOL_FEWEST, min(SEND_POOL_MOST, wanted))


# Waits between attempts to reach Telegram at start: doubling, up to a minute.
START_RETRY_FIRST = 1.0
START_RETRY_LONGEST = 60.0


class MessageRejected(SendError):
    """Telegram refused this message for good (a 400 other than a vanished chat, or a
    button it could never take); retrying the same request would fail the same way."""


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """Receive updates by webhook: Telegram POSTs to ``url``; we listen on listen:port.

    ``secret_token`` is sent by Telegram in the X-Telegram-Bot-Api-Secret-Token header of
    every update and requests without it are refused. When none is configured a random
    one is made per start, which is right for one process; several workers behind one
    URL must share a configured secret.
    """

    url: str
    # Only this machine by default: a TLS proxy in front (nginx, Caddy) takes Telegram's
    # HTTPS and forwards it here; the server itself speaks plain HTTP.
    listen: str = "127.0.0.1"
    port: int = 8443  # 0: any free port, chosen at start (``TelegramChannel.webhook_port``)
    secret_token: str | None = None

    @property
    def path(self) -> str:
        """The path we serve: the public URL's own path (a proxy forwards it unchanged)."""
        return urlsplit(self.url).path or "/"


class TelegramChannel:
    name = "telegram"
    capabilities = Capabilities(
        buttons=True,
        images=True,
        edits=True,
        max_text=4096,
        max_caption=1024,
        text_units=TextUnits.UTF16,  # how Telegram counts both limits
    )
    # Telegram's published limits: about 1 message a second per chat (a short burst is
    # tolerated), 20 a minute per group, 30 a second overall: RateLimits' defaults, and
    # the defaults of TELEGRAM_CHAT_INTERVAL, TELEGRAM_GROUP_PER_MINUTE and
    # TELEGRAM_MAX_PER_SECOND (``from_settings``).
    rate_limits = RateLimits()

    def __init__(
        self,
        token: str,
        api_url: str = "https://api.telegram.org",
        clock: Clock | None = None,
        webhook: WebhookConfig | None = None,
        *,
        poll_timeout: int = 10,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        concurrent_updates: int = CONCURRENT_UPDATES,
        rate_limits: RateLimits | None = None,
    ) -> None:
        """``api_url`` is the Bot API root: requests go to ``{api_url}/bot{token}/{method}``.

        ``poll_timeout``: whole seconds Telegram holds a getUpdates open when idle.
        ``read_timeout`` bounds the wait for Telegram's answer to a send; it is generous
        because a timeout after the request went out leaves the outcome unknown (the
        message may well have been posted), which delivery must not retry.
        """
        if not token:
            raise ValueError("a Telegram bot token is required (TELEGRAM_BOT_TOKEN)")
        self._token = token
        if rate_limits is not None:
            self.rate_limits = rate_limits
        self._api_url = api_url.rstrip("/")
        # The channel makes no timing decision of its own (delivery paces and waits out
        # retry_after); the clock is kept so the wiring is the same for every channel.
        self.clock = clock or SystemClock()
        if webhook is not None and not webhook.secret_token:
            webhook = WebhookConfig(
                webhook.url, webhook.listen, webhook.port, secrets.token_urlsafe(32)
            )
        self.webhook = webhook
        # The port the webhook server listens on once started (the configured one, or the
        # one the system chose for port 0).
        self.webhook_port: int | None = None
        self._poll_timeout = poll_timeout
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._concurrent_updates = concurrent_updates
        self._app: _App | None = None
        self._refused_photos: set[str] = set()
        self._me: BotIdentity | None = None
        self._on_incoming: IncomingHandler | None = None
        self._answering: set[asyncio.Task[None]] = set()
        self._on_membership: MembershipHandler | None = None

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> TelegramChannel:
        if not settings.telegram_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        webhook = None
        if settings.telegram_webhook_url:
            webhook = WebhookConfig(
                url=settings.telegram_webhook_url,
                listen=settings.telegram_webhook_listen,
                port=settings.telegram_webhook_port,
                secret_token=settings.telegram_webhook_secret,
            )
        limits = RateLimits(
            per_chat_interval=settings.telegram_chat_interval,
            per_group_per_minute=settings.telegram_group_per_minute,
            overall_per_second=settings.telegram_max_per_second,
        )
        return cls(
            settings.telegram_token,
            settings.telegram_api_url,
            clock,
            webhook,
            rate_limits=limits,
        )

    @property
    def username(self) -> str | None:
        """The bot's @username (without the @), known once started."""
        return self._me.username if self._me else None

    # --- lifecycle ------------------------------------------------------------------

    async def start(self, on_incoming: IncomingHandler, on_membership: MembershipHandler) -> None:
        """Connect (getMe), publish the command menu, then poll or listen for updates."""
        self._on_incoming = on_incoming
        self._on_membership = on_membership
        app, requests = self._build_application()
        try:
            await self._connect(app)
        except BaseException:
            # PTB shuts down only what initialized; close the HTTP clients ourselves.
            for request in requests:
                await request.shutdown()
            raise
        try:
            me = app.bot.bot
            self._me = BotIdentity(me.id, me.username or "")
            await self._publish_commands(app)
            await app.start()
            assert app.updater is not None
            if self.webhook is not None:
                # Port 0 is bound here, so the port is known without probing for a free
                # one first (a probe's port can be taken by someone else before we bind).
                bound = _listening_socket(self.webhook.listen) if not self.webhook.port else None
                where: dict[str, Any] = (
                    {"unix": bound}  # PTB serves any listening socket given this way
                    if bound is not None
                    else {"listen": self.webhook.listen, "port": self.webhook.port}
                )
                await app.updater.start_webhook(
                    **where,
                    url_path=self.webhook.path,
                    webhook_url=self.webhook.url,
                    secret_token=self.webhook.secret_token,
                    allowed_updates=list(ALLOWED_UPDATES),
                )
                assert self.webhook.secret_token is not None  # made in __init__ if unset
                telegram_webhook.harden(app.updater, self.webhook.secret_token)
                self.webhook_port = bound.getsockname()[1] if bound else self.webhook.port
            else:
                await app.updater.start_polling(
                    timeout=self._poll_timeout,
                    allowed_updates=list(ALLOWED_UPDATES),
                    error_callback=_log_polling_error,
                )
        except BaseException:
            await _stop_application(app)
            raise
        self._app = app
        log.info(
            "telegram: @%s receiving updates by %s",
            self._me.username,
            "webhook" if self.webhook else "long polling",
        )

    async def _connect(self, app: _App) -> None:
        """getMe, retried with backoff while Telegram cannot be reached (a network down
        at boot must not end the shop); a token Telegram refuses ends the start at once,
        with one line that names the setting and not the token."""
        delay = START_RETRY_FIRST
        while True:
            try:
                await app.initialize()
                return
            except tg_error.InvalidToken:
                raise ChannelStartError(
                    "Telegram refused the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)"
                ) from None
            except tg_error.BadRequest as error:  # before NetworkError: a subclass
                raise ChannelStartError(f"Telegram refused to connect: {error.message}") from None
            except tg_error.NetworkError as error:
                log.warning(
                    "telegram: cannot reach Telegram at start (%s); retrying in %.0f s",
                    error.message,
                    delay,
                )
            await self.clock.sleep(delay)
            delay = min(delay * 2, START_RETRY_LONGEST)

    async def stop(self) -> None:
        """Stop receiving, let updates in progress finish, close the HTTP clients."""
        app, self._app = self._app, None
        if app is not None:
            await _stop_application(app)

    def _build_application(self) -> tuple[_App, list[HTTPXRequest]]:
        def request(read_timeout: float, pool_size: int) -> HTTPXRequest:
            return HTTPXRequest(
                connection_pool_size=pool_size,
                connect_timeout=self._connect_timeout,
                read_timeout=read_timeout,
                write_timeout=self._read_timeout,
                pool_timeout=self._connect_timeout,
            )

        sending = request(self._read_timeout, send_pool_size(self.rate_limits.overall_per_second))
        # getUpdates adds the long-poll timeout to this read timeout itself.
        polling = request(self._connect_timeout, 1)
        app = (
            Application.builder()
            .token(self._token)
            .base_url(f"{self._api_url}/bot")
            .base_file_url(f"{self._api_url}/file/bot")
            .request(sending)
            .get_updates_request(polling)
            .concurrent_updates(OnePersonAtATime(self._concurrent_updates))
            # Scheduling is the shop's own (APScheduler in the core), not PTB's job queue.
            .job_queue(None)
            .build()
        )
        app.add_handler(TypeHandler(Update, self._on_update))
        app.add_error_handler(self._on_error)
        return app, [sending, polling]

    async def _publish_commands(self, app: _App) -> None:
        """The customer commands in Telegram's menu: English by default, Chinese for zh."""
        for language, code in (("en", None), ("zh", "zh")):
            commands = [BotCommand(c, t(f"menu.{c}", language)) for c in MENU_COMMANDS]
            try:
                await app.bot.set_my_commands(commands, language_code=code)
            except tg_error.TelegramError as error:
                # A menu is a convenience; the shop works without it. Not worth failing
                # the start, and it is published again at the next start.
                log.warning("telegram: could not publish the %s command menu: %s", language, error)

    # --- receiving ------------------------------------------------------------------

    async def _on_update(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Every update, mapped and handed over. Never raises: PTB would carry on, but
        a failure here is ours to log with the update it happened on."""
        assert self._me is not None and self._on_incoming is not None
        try:
            if update.callback_query is not None:
                await self._on_callback(update)
            elif update.my_chat_member is not None:
                change = membership_from_update(update.my_chat_member, self.name)
                if change is not None and self._on_membership is not None:
                    await self._on_membership(change)
            elif update.message is not None and (
                moved := migration_from_message(update.message, self.name)
            ):
                if self._on_membership is not None:
                    await self._on_membership(moved)
            elif update.message is not None:
                incoming = incoming_from_message(update.message, self._me, self.name)
                if incoming is not None:
                    await self._on_incoming(await self._with_admin_flag(incoming))
            # Edited messages, channel posts and the rest are not for the shop.
        except Exception:
            log.exception("telegram: handling update %s failed", update.update_id)

    async def _with_admin_flag(self, incoming: Incoming) -> Incoming:
        """Ask Telegram whether the sender runs the group, only for the commands that
        need it (one getChatMember call each, not one per message)."""
        command = incoming.text.split(maxsplit=1)[0].lower() if incoming.text else ""
        if not incoming.chat.is_group or command not in ADMIN_COMMANDS or self._app is None:
            return incoming
        try:
            member = await self._app.bot.get_chat_member(
                _chat_id(incoming.chat.chat_id), int(incoming.sender.user_id)
            )
        except tg_error.TelegramError as error:
            log.info("telegram: could not check %s's role: %s", incoming.sender.key, error)
            return incoming
        is_admin = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
        return dataclasses.replace(incoming, sender_is_admin=is_admin)

    async def _on_callback(self, update: Update) -> None:
        query = update.callback_query
        assert query is not None and self._on_incoming is not None
        # Answered at once and always, even if routing then fails: until it is answered
        # the person's app shows a spinner on the button, and a query left unanswered for
        # long can no longer be answered at all. It runs beside the routing, so nothing is
        # awaited before the router takes the press in its turn (the person's order).
        answering = asyncio.create_task(self._answer(query))
        self._answering.add(answering)
        answering.add_done_callback(self._answering.discard)
        incoming = incoming_from_callback(query, self.name)
        if incoming is not None:
            await self._on_incoming(incoming)

    @staticmethod
    async def _answer(query: CallbackQuery) -> None:
        try:
            await query.answer()
        except tg_error.TelegramError as error:
            log.info("telegram: could not answer callback query %s: %s", query.id, error)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: error in update processing: %r", context.error)

    # --- sending ----------------------------------------------------------------------

    def deep_link(self, payload: str) -> str | None:
        """``https://t.me/<bot>?start=<payload>``: opens a private chat that starts with
        ``/start <payload>``. None before the bot's username is known (not started)."""
        if not _DEEP_LINK_PAYLOAD.fullmatch(payload):
            raise ValueError(
                f"deep-link payload {payload!r} must be 1-64 of A-Z a-z 0-9 _ - (Telegram's rule)"
            )
        if self._me is None:
            return None
        return f"https://t.me/{self._me.username}?start={payload}"

    async def send(self, message: Outgoing) -> str | None:
        """Send (or edit) one message as HTML with every text escaped; the message id.

        Raises RetryAfter, ChatMoved, ChatUnreachable, TopicGone, TransientSendError,
        UnknownOutcome or MessageRejected (see ``neutral_error``).
        """
        app = self._app
        if app is None:
            raise TransientSendError("the Telegram channel is not running")
        bot = app.bot
        chat_id = _chat_id(message.chat.chat_id)
        # In a forum group, the topic the person wrote in (None: General, or no topics).
        topic = int(message.chat.thread_id) if message.chat.thread_id else None
        # Texts are plain: escaped so "<Rose & Co>" shows as written, never as markup.
        text = html.escape(message.text, quote=False)
        markup = keyboard(message.buttons)
        try:
            if message.edit_message_id is not None:
                return await self._edit(message, chat_id, text, markup)
            if message.image and message.image not in self._refused_photos:
                try:
                    sent = await bot.send_photo(
                        chat_id,
                        photo=message.image,
                        caption=text,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                        message_thread_id=topic,
                    )
                    return str(sent.message_id)
                except tg_error.BadRequest as error:
                    if _chat_gone(error) or _topic_gone(error):
                        raise
                    # A picture Telegram cannot fetch must not cost the customer the
                    # product card: delivery sends the words without it, through its
                    # pacing (a second request from here would not be paced). Remembered,
                    # so a broadcast does not try a broken picture in every chat.
                    self._refused_photos.add(message.image)
                    log.warning("telegram: photo %r refused (%s)", message.image, error)
                    raise ImageRefused(str(error)) from error
            sent = await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                message_thread_id=topic,
            )
            return str(sent.message_id)
        except tg_error.TelegramError as error:
            raise neutral_error(error) from error

    async def _edit(
        self,
        message: Outgoing,
        chat_id: int | str,
        text: str,
        markup: InlineKeyboardMarkup | None,
    ) -> str:
        assert self._app is not None and message.edit_message_id is not None
        bot = self._app.bot
        message_id = int(message.edit_message_id)
        try:
            edited = await bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except tg_error.BadRequest as error:
            reason = error.message.lower()
            if "message is not modified" in reason:
                return message.edit_message_id  # it already says this: done
            if "no text in the message to edit" in reason:
                # The earlier message was a photo card: its words are the caption.
                try:
                    edited = await bot.edit_message_caption(
                        chat_id=chat_id,
                        message_id=message_id,
                        caption=text,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                    )
                except tg_error.BadRequest as caption_error:
                    if "message is not modified" in caption_error.message.lower():
                        return message.edit_message_id
                    raise
            elif "message to edit not found" in reason or "message can't be edited" in reason:
                # Deleted, or too old to edit: the person should still see the update.
                thread = message.chat.thread_id
                sent = await bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    message_thread_id=int(thread) if thread else None,
                )
                return str(sent.message_id)
            else:
                raise
        return str(edited.message_id) if isinstance(edited, Message) else message.edit_message_id


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Inline keyboard rows; a button opens ``url`` or sends its action as callback data."""
    if not any(rows):
        return None
    markup_rows = []
    for row in rows:
        markup_row = []
        for button in row:
            if button.url:
                markup_row.append(InlineKeyboardButton(button.label, url=button.url))
                continue
            size = len(button.action.encode())
            if not 1 <= size <= _CALLBACK_DATA_LIMIT:
                # Delivery swaps actions for short store keys, so this is a wiring bug;
                # Telegram would refuse the whole message with an obscure 400.
                raise MessageRejected(
                    f"button {button.label!r}: callback data must be 1-{_CALLBACK_DATA_LIMIT}"
                    f" bytes, got {size} ({button.action[:80]!r}); was it sent around delivery?"
                )
            markup_row.append(InlineKeyboardButton(button.label, callback_data=button.action))
        if markup_row:
            markup_rows.append(markup_row)
    return InlineKeyboardMarkup(markup_rows)


def neutral_error(error: tg_error.TelegramError) -> SendError:
    """Map a PTB error to the neutral failure delivery understands.

    The subtle case is a network failure: delivery retries a TransientSendError, which
    is only safe if Telegram cannot have acted on the request. PTB folds every httpx
    failure into TimedOut or NetworkError, but keeps the httpx exception as the cause,
    and that tells us in which phase the request failed:

    - connecting, waiting for a pooled connection, or writing the request (ConnectError,
      ConnectTimeout, PoolTimeout, WriteTimeout, WriteError): Telegram never received a
      whole request, so nothing was posted -> TransientSendError, retry.
    - reading the answer (ReadTimeout, ReadError, RemoteProtocolError): the request went
      out in full and Telegram may have posted the message -> UnknownOutcome; a retry
      could post it twice. (A pooled connection the server closed just before we wrote
      can also end in RemoteProtocolError with nothing posted; httpx cannot tell the two
      apart, and a missing message is recorded by delivery whereas a double post in a
      customer's chat cannot be taken back.)
    - a TimedOut with no httpx cause: we cannot place it, so it is unknown too.
    - a 5xx answer: Telegram answered that it failed -> TransientSendError.
    """
    if isinstance(error, tg_error.RetryAfter):
        return RetryAfter(_retry_seconds(error))
    if isinstance(error, tg_error.Forbidden):
        # "bot was blocked by the user", "bot was kicked from the group chat", "user is
        # deactivated", "bot can't initiate conversation with a user".
        return ChatUnreachable(error.message)
    if isinstance(error, tg_error.ChatMigrated):
        # A group became a supergroup with a new id; the old id takes no more messages.
        return ChatMoved(str(error.new_chat_id))
    if isinstance(error, tg_error.BadRequest):  # before NetworkError: it is a subclass
        if _chat_gone(error):
            return ChatUnreachable(error.message)
        if _topic_gone(error):
            return TopicGone(error.message)
        return MessageRejected(error.message)
    if isinstance(error, tg_error.NetworkError):  # includes TimedOut
        cause = error.__cause__
        if isinstance(cause, httpx.ReadTimeout | httpx.ReadError | httpx.RemoteProtocolError):
            return UnknownOutcome(f"no answer from Telegram after sending: {error.message}")
        if isinstance(error, tg_error.TimedOut) and not isinstance(cause, httpx.TimeoutException):
            return UnknownOutcome(f"timed out: {error.message}")
        return TransientSendError(error.message)
    # InvalidToken, Conflict and anything new: retrying the same request will not help.
    return MessageRejected(f"{type(error).__name__}: {error.message}")


def _listening_socket(host: str) -> socket.socket:
    """A non-blocking socket listening on a port of the system's choosing."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.create_server((host, 0), family=family)
    listening.setblocking(False)
    return listening


def _chat_gone(error: tg_error.BadRequest) -> bool:
    return "chat not found" in error.message.lower()


# What Telegram answers a send to a forum topic that was deleted or closed (the bot may
# post in a closed topic only as an admin who can manage topics).
_TOPIC_GONE = ("message thread not found", "topic_closed", "topic_deleted")


def _topic_gone(error: tg_error.BadRequest) -> bool:
    reason = error.message.lower()
    return any(marker in reason for marker in _TOPIC_GONE)


def _retry_seconds(error: tg_error.RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _chat_id(chat_id: str) -> int | str:
    # Numeric ids are ints on the wire; "@channelname" style ids stay strings.
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


def _log_polling_error(error: tg_error.TelegramError) -> None:
    # PTB keeps polling after a network error; one line instead of its traceback.
    log.warning("telegram: polling for updates failed, retrying: %s", error)


async def _stop_application(app: _App) -> None:
    """Undo whatever part of start() happened, in reverse order."""
    try:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()  # waits for updates in progress
    finally:
        await app.shutdown()
