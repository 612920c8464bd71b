"""Sending the notices outbox: what must reach someone because a change was committed.

A handler that commits an order or a status change records the notices it owes (the
owner's "new order", the customer's receipt and status news) in the store right after
the change, under keys naming the event and recipient; they are sent after the turn
(``drain``), and a job drains again every minute for those that failed for a while
(the platform down, a chat unreachable until the person writes back). A row is claimed
before it is sent, so two workers never both send it; a send whose outcome is unknown
is never repeated (a second copy in someone's chat cannot be taken back).

A notice to a chat on a channel this process does not run (an owner named on WeChat
while only Telegram runs, or a worker per platform) is not tried at all: it waits,
quietly, for a process running that channel, which sends it as soon as it starts. Each
start names in one line how many wait and for which channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from bot.clock import Clock
from bot.delivery import Delivery
from bot.messages import Incoming
from bot.presentation import Audience
from bot.scheduler import Scheduler
from bot.store import NoticeRow, NoticeState, Store, StoreBusy

log = logging.getLogger(__name__)

# Waits before the next try of a notice that could not be sent, by attempts so far;
# the last one repeats until MAX_ATTEMPTS, then the notice is recorded as failed.
RETRY_WAITS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
)
MAX_ATTEMPTS = 12  # about 8 hours of trying
DRAIN_JOB = "notices:drain"
DRAIN_EVERY = timedelta(minutes=1)


class NoticeSender:
    def __init__(self, store: Store, delivery: Delivery, clock: Clock) -> None:
        self.store = store
        self.delivery = delivery
        self.clock = clock
        # Keys of notices going out right now as a turn's answer (a receipt): a drain
        # leaves them alone, however long that answer takes (a long retry_after), and
        # the turn marks them sent once it is delivered.
        self._answering: Counter[str] = Counter()
        # Rows a drain of this process has read and will claim: another drain running
        # meanwhile (many turns end at once) leaves them to it instead of racing it to
        # each claim, which only one can win (issue 14: a round trip lost per row).
        self._in_hand: set[int] = set()

    @contextmanager
    def answering_with(self, keys: Iterable[str]) -> Iterator[None]:
        """While a turn's answer carrying these notices is being sent."""
        keys = list(keys)
        self._answering.update(keys)
        try:
            yield
        finally:
            self._answering.subtract(keys)
            self._answering += Counter()  # drop the zeros

    async def drain(self, answering: Incoming | None = None) -> int:
        """Send every due notice once (chats side by side, in order within a chat);
        how many were sent. Those to the chat of ``answering`` are presented as the
        answer to it (a numbered choice echoed), as the turn's replies are."""
        try:
            due = await self.store.notices.due(
                self.clock.now(), channels=self.delivery.channel_names
            )
        except StoreBusy as busy:
            log.warning("notices not sent this time: %s", busy)  # the minute job tries again
            return 0
        rows = [r for r in due if r.id not in self._in_hand]
        taken = {row.id for row in rows}
        self._in_hand |= taken
        by_chat: dict[str, list[NoticeRow]] = {}
        for row in rows:
            by_chat.setdefault(row.message.chat.key, []).append(row)
        try:
            sent = await asyncio.gather(
                *(self._send_in_order(chat, answering) for chat in by_chat.values())
            )
        finally:
            self._in_hand -= taken
        return sum(sent)

    async def _send_in_order(self, rows: list[NoticeRow], answering: Incoming | None) -> int:
        sent = 0
        for row in rows:
            audience = None
            if answering is not None and answering.chat == row.message.chat:
                audience = Audience(answering)
            try:
                sent += await self._send(row, audience)
            except StoreBusy as busy:
                # The rest wait for the next drain; a row claimed but not finished is
                # settled as unknown at the next start, never sent twice.
                log.warning("notices to %s not sent this time: %s", row.message.chat.key, busy)
                break
        return sent

    async def _send(self, row: NoticeRow, audience: Audience | None) -> int:
        if self._answering[row.key]:
            return 0  # on its way as an answer right now
        if not await self.store.notices.claim(row.id):
            return 0  # another drain (or worker) has it
        result = await self.delivery.send(row.message, audience)
        if result.ok:
            await self.store.notices.finish(row.id, NoticeState.SENT)
            return 1
        attempts = row.attempts + 1
        if result.outcome_unknown:
            await self.store.notices.finish(row.id, NoticeState.UNKNOWN, error=result.error)
        elif attempts >= MAX_ATTEMPTS:
            log.error(
                "notice %s to %s failed for good: %s", row.id, row.message.chat.key, result.error
            )
            await self.store.notices.finish(row.id, NoticeState.FAILED, error=result.error)
        else:
            wait = RETRY_WAITS[min(attempts, len(RETRY_WAITS)) - 1]
            log.warning(
                "notice %s to %s not sent (%s); trying again in %s",
                row.id,
                row.message.chat.key,
                result.error,
                wait,
            )
            await self.store.notices.finish(
                row.id, NoticeState.PENDING, error=result.error, retry_at=self.clock.now() + wait
            )
        return 0


class NoticeJobs:
    """The scheduler's part: settle sends a stop interrupted, send what is due, and
    drain every minute."""

    def __init__(self, sender: NoticeSender, scheduler: Scheduler) -> None:
        self.sender = sender
        self.scheduler = scheduler

    async def start(self) -> None:
        interrupted = await self.sender.store.notices.settle_interrupted()
        if interrupted:
            log.warning("%d notice(s) were mid-send at the last stop; not resent", interrupted)
        running = self.sender.delivery.channel_names
        waiting = await self.sender.store.notices.waiting_by_channel()
        for channel, count in sorted(waiting.items()):
            if channel not in running:
                log.info(
                    "%d notice(s) wait for channel %s, which is not running here; they are "
                    "sent when a chatshop with that channel starts",
                    count,
                    channel,
                )
        await self.sender.drain()
        self.scheduler.every(DRAIN_JOB, self.sender.drain, DRAIN_EVERY)
