"""The promotions preview's simulation: what the caps will do with the seller's
campaigns, day by day.

Pure: no I/O and no clock. ``simulate`` drives the same policy the live sender runs
(``promotions.caps.decide_broadcast``) the way the live sender runs it: every slot of every
campaign from ``promotions.schedule.fire_times``, in time order; a POST becomes a past post
at that moment, so it counts against every later decision; a DELAY is decided again at its
``not_before``; a SUPPRESS is final. The property tests in tests/promotions/test_caps.py
check the caps on exactly this loop, so what the seller previews is what the caps allow.

A preview of 10,000 groups, 100 campaigns and 30 days holds tens of millions of
decisions, nearly all of them suppressions. Holding each as an object would take
gigabytes, so ``PlannedPosts`` keeps them as three integers each (its batch, its decision,
its place in its chat's list; the decisions interned, since a chat hears the same few again
and again) and builds ``PlannedPost`` values only when read.
``promotions.render`` then shows what a seller reads at a glance.
"""

from __future__ import annotations

import gc
import heapq
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import repeat
from typing import overload

from bot.catalog import Campaign
from bot.channels.base import RateLimits
from promotions.caps import (
    Audience,
    CapsConfig,
    Decision,
    History,
    PastPost,
    Reason,
    Verdict,
    decide_broadcast,
    decision_order,
)
from promotions.schedule import fire_times


@dataclass(frozen=True, slots=True)
class PlannedPost:
    """The final word on one chat for one campaign slot."""

    slot: datetime  # the campaign slot (UTC)
    # When it goes out, or when the final decision was taken (UTC); = slot unless delayed.
    # A DELAY still pending at the end of the preview keeps the moment of its last
    # decision here and the next one in ``decision.not_before`` (beyond the window).
    at: datetime
    campaign_id: str
    chat_key: str
    decision: Decision  # POST or SUPPRESS; DELAY only when its re-decision is past the end

    @property
    def delayed(self) -> bool:
        return self.at != self.slot


@dataclass(frozen=True, slots=True)
class BroadcastEstimate:
    """How long one batch of posts takes to send under the platform's overall limit.

    A batch is what goes out at one moment for one campaign slot: the slot itself, or a
    later moment when delayed posts are decided again. Per-chat and per-group limits do
    not bind (one post per chat per batch); batches at the same moment queue behind one
    another, so ``seconds`` runs from ``at`` until this batch's last message is sent.
    """

    slot: datetime
    campaign_id: str
    posts: int
    seconds: float
    at: datetime  # when the batch starts (UTC); = slot unless these posts were delayed


class PlannedPosts(Sequence[PlannedPost]):
    """Every final decision of a preview, kept compact and read as ``PlannedPost`` values.

    Each entry is two integers (its batch, its interned decision); each chat keeps the
    positions of its own entries, so rendering a few chats of 10,000 does not scan all.
    """

    __slots__ = (
        "_batch_of",
        "_batches",
        "_chat_of",
        "_chats",
        "_decision_of",
        "_decisions",
        "_interned",
        "_positions",
        "_same",
    )

    def __init__(self) -> None:
        self._batches: list[tuple[datetime, datetime, str]] = []  # (at, slot, campaign id)
        self._batch_of = array("I")
        self._decision_of = array("I")
        self._decisions: list[Decision] = []
        # A decision's fields -> its index in _decisions (a tuple hashes in C; the
        # dataclass's own hash and eq are Python code).
        self._interned: dict[tuple[object, ...], int] = {}
        # id of a decision in _decisions -> its index: the caps hand a chat the very same
        # Decision again while nothing changes (History.said), and an id is found faster
        # than the fields hash. Only objects kept in _decisions are entered, so no id here
        # can come to belong to another object.
        self._same: dict[int, int] = {}
        # Chats by number, in the order first decided: each chat's entry positions, and
        # each decision's chat number.
        self._chats: dict[str, int] = {}
        self._positions: list[array[int]] = []
        self._chat_of: list[int] = []

    def _add_batch(
        self, at: datetime, slot: datetime, campaign_id: str, decisions: Sequence[Decision]
    ) -> None:
        """Keep the final decisions taken at one moment for one slot."""
        if not decisions:
            return
        batch = len(self._batches)
        self._batches.append((at, slot, campaign_id))
        # Nearly every decision was seen before: find them all at C speed, then intern
        # the few new ones (-1).
        indexes = list(map(self._same.get, map(id, decisions), repeat(-1)))
        if -1 in indexes:
            for offset, index in enumerate(indexes):
                if index < 0:
                    indexes[offset] = self._intern(decisions[offset])
        positions, chat_of = self._positions, self._chat_of
        for position, index in enumerate(indexes, len(self._decision_of)):
            positions[chat_of[index]].append(position)
        self._decision_of.extend(indexes)
        self._batch_of.extend(repeat(batch, len(indexes)))

    def _intern(self, decision: Decision) -> int:
        """The index of the decision's fields, entered the first time they are seen."""
        shape = (
            decision.chat_key,
            decision.verdict,
            decision.reason,
            decision.detail,
            decision.skus,
            decision.not_before,
        )
        index = self._interned.get(shape)
        if index is None:
            index = self._interned[shape] = len(self._decisions)
            self._decisions.append(decision)
            chat = self._chats.get(decision.chat_key)
            if chat is None:
                chat = self._chats[decision.chat_key] = len(self._positions)
                self._positions.append(array("I"))
            self._chat_of.append(chat)
            self._same[id(decision)] = index
        return index

    def _make(self, position: int) -> PlannedPost:
        at, slot, campaign_id = self._batches[self._batch_of[position]]
        decision = self._decisions[self._decision_of[position]]
        return PlannedPost(slot, at, campaign_id, decision.chat_key, decision)

    def __len__(self) -> int:
        return len(self._decision_of)

    @overload
    def __getitem__(self, index: int) -> PlannedPost: ...
    @overload
    def __getitem__(self, index: slice) -> list[PlannedPost]: ...
    def __getitem__(self, index: int | slice) -> PlannedPost | list[PlannedPost]:
        if isinstance(index, slice):
            return [self._make(i) for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._make(index)

    def __iter__(self) -> Iterator[PlannedPost]:
        for position in range(len(self)):
            yield self._make(position)

    def chat_keys(self) -> list[str]:
        """Every chat with at least one entry, in the order first decided."""
        return list(self._chats)

    def of_chat(self, chat_key: str) -> list[PlannedPost]:
        """One chat's entries, in the order decided (time order)."""
        chat = self._chats.get(chat_key)
        return [] if chat is None else [self._make(i) for i in self._positions[chat]]

    def counts(self) -> list[tuple[Decision, int]]:
        """Each distinct decision with how many entries carry it (for totals, without
        building an object per entry)."""
        known = self._decisions
        return [(known[i], n) for i, n in Counter(self._decision_of).items()]


@dataclass(frozen=True, slots=True)
class Preview:
    """The outcome of ``simulate``: every final decision, the send estimates, totals."""

    start: datetime
    days: int
    timezone: str  # the shop's: the seller's days and clock
    posts: PlannedPosts
    broadcasts: tuple[BroadcastEstimate, ...]
    campaign_ids: tuple[str, ...]
    chats: Mapping[str, Audience]  # each chat as first targeted, for titles, zones, caps
    caps: CapsConfig
    limits: RateLimits
    by_verdict: Mapping[Verdict, int]  # final decisions
    by_reason: Mapping[Reason, int]  # final SUPPRESS decisions, by reason
    delayed: int  # POSTs that went out after at least one delay
    decisions: int  # policy decisions taken, delays decided again included

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    @property
    def posted(self) -> int:
        return self.by_verdict.get(Verdict.POST, 0)

    @property
    def suppressed(self) -> int:
        return self.by_verdict.get(Verdict.SUPPRESS, 0)

    @property
    def waiting(self) -> int:
        """Posts still delayed when the preview ends."""
        return self.by_verdict.get(Verdict.DELAY, 0)


def simulate(
    campaigns: Sequence[Campaign],
    audiences: Callable[[Campaign], Sequence[Audience]],
    history: Iterable[PastPost],
    caps: CapsConfig,
    timezone: str,
    start: datetime,
    days: int,
    limits: RateLimits,
) -> Preview:
    """Run the caps over ``days`` from ``start`` the way the live sender will.

    ``audiences`` gives each campaign's targets (asked once per campaign); ``history`` is
    what was already posted. Moments are processed in time order; at one moment, the
    older slot goes first, then the campaign listed first, so the outcome is
    deterministic. Delayed posts of one slot that fall due at the same moment are
    decided together, so the policy's larger-groups-first order holds for them too.
    """
    with _collector_paused():
        return _simulate(campaigns, audiences, history, caps, timezone, start, days, limits)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a preview runs.

    A preview allocates millions of small objects (the running history, decisions, the
    keys they are found by) and none of them form cycles; but every so many allocations
    the collector walks all the objects it tracks, the growing history included: a sixth
    of the time at 10,000 groups. Reference counting still frees what is dropped, and
    the collector runs as usual afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _simulate(
    campaigns: Sequence[Campaign],
    audiences: Callable[[Campaign], Sequence[Audience]],
    history: Iterable[PastPost],
    caps: CapsConfig,
    timezone: str,
    start: datetime,
    days: int,
    limits: RateLimits,
) -> Preview:
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    start = start.astimezone(UTC)
    end = start + timedelta(days=days)
    running = History(history)
    products = [frozenset(c.products) for c in campaigns]
    targets = [list(audiences(c)) for c in campaigns]
    # Each campaign's targets are decided in the same order at every slot: work it out once.
    orders = [decision_order(group) for group in targets]

    # Moments to decide: (at, slot, campaign index) -> the audiences to decide then.
    due: dict[tuple[datetime, datetime, int], list[Audience]] = {}
    queue: list[tuple[datetime, datetime, int]] = []
    for index, campaign in enumerate(campaigns):
        if not targets[index]:
            continue
        for slot in fire_times(campaign, timezone, start, end):
            due[(slot, slot, index)] = targets[index]
            queue.append((slot, slot, index))
    heapq.heapify(queue)

    chats: dict[str, Audience] = {}
    for group in targets:
        for audience in group:
            chats.setdefault(audience.chat_key, audience)

    planned = PlannedPosts()
    broadcasts: list[BroadcastEstimate] = []
    rate = max(limits.overall_per_second, 1)
    busy_until = start  # when the send queue is free again
    delayed_posts = decisions_taken = 0
    while queue:
        key = heapq.heappop(queue)
        at, slot, index = key
        batch_audiences = due.pop(key)
        order = orders[index] if batch_audiences is targets[index] else None
        decisions = decide_broadcast(
            products[index], at, batch_audiences, running, caps, timezone, order
        )
        decisions_taken += len(decisions)
        suppress = Verdict.SUPPRESS
        sent = 0
        again_later: set[int] = set()  # delayed to a moment within the preview
        # Nearly every decision is a final suppression: look only at the others.
        for place in [i for i, d in enumerate(decisions) if d.verdict is not suppress]:
            decision = decisions[place]
            if decision.verdict is Verdict.POST:
                sent += 1
                continue
            again = decision.not_before
            if again is None or again <= at:
                raise ValueError(f"the caps delayed {decision.chat_key} without moving on")
            if again < end:
                later = (again, slot, index)
                waiting = due.get(later)
                if waiting is None:
                    due[later] = [batch_audiences[place]]
                    heapq.heappush(queue, later)
                else:
                    waiting.append(batch_audiences[place])
                again_later.add(place)
        finals = decisions
        if again_later:
            finals = [d for i, d in enumerate(decisions) if i not in again_later]
        planned._add_batch(at, slot, campaigns[index].id, finals)
        if sent:
            if at != slot:
                delayed_posts += sent
            begin = max(at, busy_until)
            busy_until = begin + timedelta(seconds=sent / rate)
            seconds = (busy_until - at).total_seconds()
            broadcasts.append(BroadcastEstimate(slot, campaigns[index].id, sent, seconds, at))

    by_verdict: Counter[Verdict] = Counter()
    by_reason: Counter[Reason] = Counter()
    for decision, count in planned.counts():
        by_verdict[decision.verdict] += count
        if decision.verdict is Verdict.SUPPRESS:
            by_reason[decision.reason] += count
    return Preview(
        start=start,
        days=days,
        timezone=timezone,
        posts=planned,
        broadcasts=tuple(broadcasts),
        campaign_ids=tuple(c.id for c in campaigns),
        chats=chats,
        caps=caps,
        limits=limits,
        by_verdict=dict(by_verdict),
        by_reason=dict(by_reason),
        delayed=delayed_posts,
        decisions=decisions_taken,
    )
