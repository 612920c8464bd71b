"""Delivery owns every send: presentation for the platform, pacing, retries, failures.

- Presentation for the platform (bot/presentation.py): button keys, numbered choices,
  images, splitting.
- Pacing: per chat, per group and overall sliding windows from the channel's RateLimits,
  measured on the injected clock, so our own sending never exceeds a platform limit.
  Messages to one chat go in order, one at a time; messages to different chats go side by
  side, so a busy chat (the owner's, paced) never holds up a customer's answer.
- Numbered choices become answerable once the message showing them was delivered: a
  person's "1" typed before a new list arrived means the list they saw.
- Failures: RetryAfter waits as asked; transient errors retry with backoff a bounded number
  of times and are then recorded; an unreachable chat is marked and never sent to again
  until the person writes back; a chat that moved to a new id (a Telegram group upgraded
  to a supergroup) takes its settings there and the message follows it, once. No failure
  propagates to the caller.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.channels.base import (
    Channel,
    ChatMoved,
    ChatUnreachable,
    ImageRefused,
    RateLimits,
    RetryAfter,
    SendError,
    TopicGone,
    TransientSendError,
    UnknownOutcome,
)
from bot.clock import Clock
from bot.messages import ChatRef, Incoming, Outgoing
from bot.presentation import Audience, present
from bot.store import Store

log = logging.getLogger(__name__)


class SlidingWindow:
    """At most ``limit`` messages in any ``period`` seconds, as the platform counts them.

    The platform counts a message when it arrives, which is some time after it left the
    limiter and before its answer came back. So a message counts from the moment it is
    let through, as long as it is in flight, and for ``period`` after its answer: any
    window the platform could measure then holds at most ``limit`` of ours, however the
    network or a busy event loop bunches requests together.

    Messages in flight are a count; answered ones are their answer times in the order the
    answers came (a monotonic clock, so oldest on the left), trimmed from the left as they
    leave the window: each check costs the answers that just left it, not the whole window
    (with the limits lifted that is hundreds of entries copied on every send).
    """

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._in_flight = 0
        self._answered: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more message is allowed (0 when it is allowed now)."""
        answered, oldest_kept = self._answered, now - self.period
        while answered and answered[0] <= oldest_kept:
            answered.popleft()
        if self._in_flight + len(answered) < self.limit:
            return 0.0
        if not answered:
            return IN_FLIGHT_POLL  # every place is taken by a message still in flight
        return answered[0] + self.period - now

    def record(self) -> None:
        """Count one more message, in flight until ``answer``."""
        self._in_flight += 1

    def answer(self, now: float) -> None:
        """A message counted here was answered at ``now``: it leaves ``period`` later."""
        self._in_flight -= 1
        # Never before the last answer, so the deque stays in order (the clock is
        # monotonic; this only guards a test clock set back by hand).
        self._answered.append(max(now, self._answered[-1]) if self._answered else now)

    @property
    def idle(self) -> bool:
        return not self._in_flight and not self._answered


# How soon to look again when every place in a window is held by a message in flight.
IN_FLIGHT_POLL = 0.05


class Permit:
    """A message's places in its windows; ``done`` when its answer came back."""

    def __init__(self, windows: list[SlidingWindow], clock: Clock) -> None:
        self._windows = windows
        self._clock = clock

    def done(self) -> None:
        now = self._clock.monotonic()
        windows, self._windows = self._windows, []  # twice would free a place not held
        for window in windows:
            window.answer(now)


class RateLimiter:
    """The platform's limits for one channel, on a clock."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self._limits = limits
        self._clock = clock
        self._overall = SlidingWindow(limits.overall_per_second, 1.0)
        self._chats: dict[str, SlidingWindow] = {}
        self._groups: dict[str, SlidingWindow] = {}

    async def acquire(self, chat: ChatRef) -> Permit:
        """Wait until a message to ``chat`` is within every limit, then count it."""
        windows = [self._overall, self._chat_window(chat.key)]
        if chat.is_group:
            windows.append(self._group_window(chat.key))
        while True:
            now = self._clock.monotonic()
            delay = max(window.wait(now) for window in windows)
            if delay <= 0:
                for window in windows:
                    window.record()
                return Permit(windows, self._clock)
            await self._clock.sleep(delay)

    def _chat_window(self, key: str) -> SlidingWindow:
        window = self._chats.get(key)
        if window is None:
            self._prune(self._chats)
            burst = self._limits.per_chat_burst
            window = self._chats[key] = SlidingWindow(burst, burst * self._limits.per_chat_interval)
        return window

    def _group_window(self, key: str) -> SlidingWindow:
        window = self._groups.get(key)
        if window is None:
            self._prune(self._groups)
            window = self._groups[key] = SlidingWindow(self._limits.per_group_per_minute, 60.0)
        return window

    def _prune(self, windows: dict[str, SlidingWindow]) -> None:
        # Keeps memory flat as chats come and go: forget windows with nothing in them.
        if len(windows) >= 1024:
            now = self._clock.monotonic()
            for key in [k for k, w in windows.items() if w.wait(now) == 0 and w.idle]:
                del windows[key]


async def _paced_send(limiter: RateLimiter, channel: Channel, message: Outgoing) -> str | None:
    permit = await limiter.acquire(message.chat)
    try:
        return await channel.send(message)
    finally:
        permit.done()


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    message_ids: tuple[str, ...] = ()
    error: str | None = None
    # True when the request may have reached the platform although we got no answer.
    outcome_unknown: bool = False
    # The chat's new address when it moved while sending (its settings moved with it).
    moved_to: ChatRef | None = None
    # True when the platform could not be reached or kept saying "later" (5xx, network
    # down, 429) until delivery gave up: nothing arrived, so trying again later is safe.
    retryable: bool = False


class Delivery:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        channels: Iterable[Channel] = (),
        max_attempts: int = 5,
        base_backoff: float = 1.0,
    ) -> None:
        self._store = store
        self._clock = clock
        self._channels: dict[str, Channel] = {}
        self._limiters: dict[str, RateLimiter] = {}
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._chat_waiting: dict[str, int] = {}
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        for channel in channels:
            self.add_channel(channel)

    def add_channel(self, channel: Channel) -> None:
        self._channels[channel.name] = channel
        self._limiters[channel.name] = RateLimiter(channel.rate_limits, self._clock)

    @property
    def channel_names(self) -> frozenset[str]:
        """The channels running in this process: the only ones a send can reach."""
        return frozenset(self._channels)

    def can_edit(self, channel_name: str) -> bool:
        channel = self._channels.get(channel_name)
        return bool(channel and channel.capabilities.edits)

    def rate_limits(self, channel_name: str) -> RateLimits | None:
        """The pacing a channel's sends get (what a preview should state), if it runs."""
        channel = self._channels.get(channel_name)
        return channel.rate_limits if channel else None

    async def send_all(
        self, messages: Iterable[Outgoing], answering: Incoming | None = None
    ) -> list[SendResult]:
        """Send ``messages`` (the answer to ``answering``, if they are one): in order within
        each chat, different chats side by side; results in the order given."""
        messages = list(messages)
        by_chat: dict[str, list[int]] = {}
        for index, message in enumerate(messages):
            by_chat.setdefault(message.chat.key, []).append(index)
        results: list[SendResult | None] = [None] * len(messages)

        async def one_chat(indexes: list[int]) -> None:
            with_choices = sum(1 for i in indexes if messages[i].buttons)
            audience = Audience(answering, tagged=with_choices > 1)
            for index in indexes:
                results[index] = await self.send(messages[index], audience)

        await asyncio.gather(*(one_chat(indexes) for indexes in by_chat.values()))
        return [result for result in results if result is not None]

    async def send(self, message: Outgoing, audience: Audience | None = None) -> SendResult:
        """Send one message; never raises for a platform failure. Messages to one chat
        wait for each other (first come, first served), never for other chats."""
        key = message.chat.key
        lock = self._chat_locks.setdefault(key, asyncio.Lock())
        self._chat_waiting[key] = self._chat_waiting.get(key, 0) + 1
        try:
            async with lock:
                return await self._send(message, audience)
        finally:
            # Forget the lock once nobody holds or waits for it (memory stays flat).
            self._chat_waiting[key] -= 1
            if not self._chat_waiting[key]:
                del self._chat_waiting[key], self._chat_locks[key]

    async def _send(self, message: Outgoing, audience: Audience | None) -> SendResult:
        channel = self._channels.get(message.chat.channel)
        if channel is None:
            log.debug(
                "no channel %r running; not sent to %s", message.chat.channel, message.chat.key
            )
            return SendResult(ok=False, error=f"channel {message.chat.channel} is not running")
        if not _just_wrote(message, audience) and await self._store.chats.is_unreachable(
            message.chat.key
        ):
            return SendResult(ok=False, error="chat unreachable")
        ids: list[str] = []
        moved_to: ChatRef | None = None
        presented = await present(message, channel.capabilities, self._store, audience)
        for part in presented.parts:
            if moved_to is not None:  # the parts after the move follow it
                part = replace(part, chat=moved_to)
            result = await self._send_one(channel, part)
            moved_to = result.moved_to or moved_to
            if not result.ok:
                # Once a part arrived, sending the message again would repeat it.
                retryable = result.retryable and not ids
                return SendResult(
                    False, tuple(ids), result.error, result.outcome_unknown, moved_to, retryable
                )
            ids.extend(result.message_ids)
        if presented.choice_list is not None:
            await self._store.buttons.mark_delivered(presented.choice_list)
        return SendResult(ok=True, message_ids=tuple(ids), moved_to=moved_to)

    async def _send_one(self, channel: Channel, message: Outgoing) -> SendResult:
        limiter = self._limiters[channel.name]
        error: SendError | None = None
        moved_to: ChatRef | None = None
        attempt = 0
        while attempt < self.max_attempts:
            attempt += 1
            try:
                message_id = await _paced_send(limiter, channel, message)
            except ChatMoved as moved:
                if moved_to is not None:  # moved again at once: not a move to follow
                    await self._store.chats.mark_unreachable(message.chat, str(moved))
                    return SendResult(ok=False, error=f"unreachable: {moved}", moved_to=moved_to)
                moved_to = replace(message.chat, chat_id=moved.new_chat_id)
                await self._store.chats.move(message.chat, moved_to)
                log.info("%s moved to %s; sending there", message.chat.key, moved_to.key)
                message = replace(message, chat=moved_to)
                attempt -= 1  # not a failed attempt: the same message, to the new address
            except RetryAfter as retry:
                # The platform says when; that wait does not count as a failed attempt
                # more than once per request, but it is bounded by max_attempts too.
                error = retry
                log.info("%s asked to retry after %s s", message.chat.key, retry.seconds)
                await self._clock.sleep(retry.seconds)
            except ImageRefused:
                # Not a failed attempt: the same message goes again as text.
                message = replace(message, image=None)
                attempt -= 1
            except TopicGone as gone:
                if message.chat.thread_id is None:  # General itself refused: for good
                    await self._store.chats.record_send_failure(
                        message.chat.key, message.text, str(gone)
                    )
                    return SendResult(ok=False, error=f"refused: {gone}", moved_to=moved_to)
                # The topic was closed or deleted: the group's General still reaches the
                # person, which beats an answer lost. Not a failed attempt.
                log.info("%s: topic %s is gone; sending to General", message.chat.key, gone)
                message = replace(message, chat=replace(message.chat, thread_id=None))
                attempt -= 1
            except ChatUnreachable as unreachable:
                await self._store.chats.mark_unreachable(message.chat, unreachable.reason)
                log.warning("%s unreachable: %s", message.chat.key, unreachable.reason)
                return SendResult(
                    ok=False, error=f"unreachable: {unreachable.reason}", moved_to=moved_to
                )
            except UnknownOutcome as unknown:
                await self._store.chats.record_send_failure(
                    message.chat.key, message.text, str(unknown)
                )
                return SendResult(
                    ok=False, error=str(unknown), outcome_unknown=True, moved_to=moved_to
                )
            except TransientSendError as transient:
                error = transient
                await self._clock.sleep(self.base_backoff * 2 ** (attempt - 1))
            except SendError as refused:
                # Refused for good (e.g. Telegram's 400 for a message it cannot take): the
                # same request would fail the same way. Recorded; the caller's other
                # messages still go.
                log.error("%s refused a message: %s", message.chat.key, refused)
                await self._store.chats.record_send_failure(
                    message.chat.key, message.text, str(refused)
                )
                return SendResult(ok=False, error=f"refused: {refused}", moved_to=moved_to)
            else:
                ids = (message_id,) if message_id else ()
                return SendResult(ok=True, message_ids=ids, moved_to=moved_to)
        reason = f"gave up after {attempt} attempts: {error}"
        log.error("sending to %s failed: %s", message.chat.key, reason)
        await self._store.chats.record_send_failure(message.chat.key, message.text, reason)
        return SendResult(ok=False, error=reason, moved_to=moved_to, retryable=True)


def _just_wrote(message: Outgoing, audience: Audience | None) -> bool:
    """Whether ``message`` answers the private chat the person is writing from: the turn
    has just marked that chat reachable again (bot/middleware.py), so asking the store
    once more is a round trip for nothing."""
    incoming = audience.answering if audience is not None else None
    return (
        incoming is not None and not message.chat.is_group and message.chat.key == incoming.chat.key
    )


__all__ = ["Delivery", "RateLimiter", "SendResult", "SlidingWindow"]
