"""The promotion caps: one pure policy that decides post, delay or suppress, with a reason.

No I/O and no clock of its own: the caller passes the moment of the post, the history of
earlier posts and the audiences. The live sender, the preview and the tests all call
``decide_broadcast``, so what the seller previews is what goes out.

A broadcast is decided audience by audience, in a stable order; each post it allows
counts at once against the caps of the ones after it (the shop budget, people reached
through overlapping groups).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.hours import within


@dataclass(frozen=True, slots=True)
class CapsConfig:
    """Defaults for the shop; a group may carry its own."""

    group_daily: int = 2
    group_min_gap: timedelta = timedelta(hours=3)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(9, 0)
    product_cooldown: timedelta = timedelta(hours=72)
    subscriber_daily: int = 1
    subscriber_weekly: int = 3
    shop_daily_budget: int = 200
    # Whether a person who already got a product through another chat holds this one back;
    # a group whose members the seller knows overlap harmlessly can switch it off.
    overlap: bool = True
    # A group's own time zone (None: the shop's); its audience's local day follows it.
    timezone: str | None = None


# Every window a rule measures (the gap between posts, a product's cool-down, the
# subscriber's week, the reach of overlapping groups) runs between the moments posts were
# decided (their slots), never between the moments the platform took them: a send lands a
# little after its slot. A window counts as over this much early, so "exactly 72 hours
# later" is 72 hours later even when the earlier post was recorded a few seconds late.
# Slots fall on whole minutes, so half a minute never lets a post in a minute early.
TOLERANCE = timedelta(seconds=30)

_NOTHING: frozenset[str] = frozenset()  # the products of a decision that posts none

# Signals that a group has had enough: this many posts in the window without one reaction
# slow it down by the factor (fewer posts a day, longer gaps).
FATIGUE_POSTS = 4
FATIGUE_WINDOW = timedelta(days=21)
FATIGUE_FACTOR = 2.0
# The fatigue detail of a group slowed down because someone there asked the bot to stop.
COMPLAINT = "complaint"


class AudienceKind(StrEnum):
    GROUP = "group"
    SUBSCRIBER = "subscriber"


@dataclass(frozen=True, slots=True)
class Audience:
    """One chat a broadcast could reach: a group, or a subscriber's private chat."""

    chat_key: str
    kind: AudienceKind
    timezone: str
    # People known to be in the chat (a subscriber's chat: just them). Empty = unknown.
    members: frozenset[str] = frozenset()
    enabled: bool = True  # a group the owner enabled / a subscriber who has not stopped
    # 1.0 normally; 2.0 halves the group's cadence (fewer posts, longer gaps).
    fatigue: float = 1.0
    fatigue_reason: str = ""
    caps: CapsConfig | None = None  # this chat's own caps, if it has any
    title: str = ""
    reachable: bool = True  # False once the bot was removed, kicked or blocked there
    # Fatigue learnt as the posts go out (the live sender and the preview): a group whose
    # last FATIGUE_POSTS posts drew no reaction since the first of them slows down.
    learns_fatigue: bool = False
    # When the group last reacted (addressed the bot, opened a product from a post: the
    # best reaction) and last complained (someone there asked the bot to stop).
    last_reaction: datetime | None = None
    last_complaint: datetime | None = None


@dataclass(frozen=True, slots=True)
class PastPost:
    chat_key: str
    skus: frozenset[str]
    at: datetime  # UTC
    kind: AudienceKind
    recipients: frozenset[str] = frozenset()


class Verdict(StrEnum):
    POST = "post"
    DELAY = "delay"
    SUPPRESS = "suppress"


class Reason(StrEnum):
    OK = "ok"
    NOT_ENABLED = "not_enabled"
    OPTED_OUT = "opted_out"
    QUIET_HOURS = "quiet_hours"
    GROUP_DAILY = "group_daily"
    MIN_GAP = "min_gap"
    PRODUCT_COOLDOWN = "product_cooldown"
    SUBSCRIBER_DAILY = "subscriber_daily"
    SUBSCRIBER_WEEKLY = "subscriber_weekly"
    SHOP_BUDGET = "shop_budget"
    OVERLAP = "overlap"
    UNREACHABLE = "unreachable"
    SOLD_OUT = "sold_out"  # every product of the campaign is out of stock


@dataclass(frozen=True, slots=True)
class Decision:
    chat_key: str
    verdict: Verdict
    reason: Reason
    skus: frozenset[str] = frozenset()  # what would be posted (cooled-down products dropped)
    not_before: datetime | None = None  # for DELAY: when to decide again
    detail: str = ""  # e.g. the group whose members already got the product
    via: str = ""  # OVERLAP: the person who is in both chats

    @property
    def posts(self) -> bool:
        return self.verdict is Verdict.POST


class History:
    """Past posts indexed for the questions the caps ask (per chat, per person, per day).

    Deciding a broadcast to 10,000 groups must not scan every past post for each group:
    each chat's and each person's posts are kept in time order, so a question about the
    last few days reads only those days, however long the history has grown.
    """

    def __init__(self, posts: Iterable[PastPost] = ()) -> None:
        self._by_chat: dict[str, list[PastPost]] = {}
        self._by_person: dict[str, list[PastPost]] = {}
        self._by_sku: dict[str, list[PastPost]] = {}
        self._times: list[datetime] = []
        # sku -> look-back -> the people its recent posts reached; see reached_elsewhere.
        self._recent: dict[str, dict[timedelta, _Recent]] = {}
        self._counted: tuple[datetime, datetime, int] | None = None  # the last count_between
        # (chat, sku) -> the member through whom they last overlapped: the same slot of
        # the same campaign, a day later, usually overlaps through the same person.
        self._witness: dict[tuple[str, str], str] = {}
        # chat -> the decision it was given last; see said.
        self._said: dict[str, Decision] = {}
        for post in posts:
            self.add(post)

    def said(  # positional only: called for every decision, and keywords cost
        self,
        chat_key: str,
        verdict: Verdict,
        reason: Reason,
        skus: frozenset[str] = frozenset(),
        not_before: datetime | None = None,
        detail: str = "",
        via: str = "",
        /,
    ) -> Decision:
        """The decision with these fields: the very one the chat was given last time when
        it is the same (a chat hears the same again and again, slot after slot, and a
        frozen dataclass costs ten times more to build than to compare), else a new one.
        Only the last is kept per chat, so a long preview's memory does not grow."""
        last = self._said.get(chat_key)
        if (
            last is not None
            and last.reason is reason
            and last.detail == detail
            and last.via == via
            and last.not_before == not_before
            and last.verdict is verdict
            and last.skus == skus
        ):
            return last
        decision = self._said[chat_key] = Decision(
            chat_key, verdict, reason, skus, not_before, detail, via
        )
        return decision

    def add(self, post: PastPost) -> None:
        self._counted = None
        _in_time_order(self._by_chat.setdefault(post.chat_key, []), post)
        # _in_time_order inlined: a post reaches a hundred people or more.
        at, by_person = post.at, self._by_person
        for person in post.recipients:
            posts = by_person.get(person)
            if posts is None:
                by_person[person] = [post]
            elif posts[-1].at <= at:
                posts.append(post)
            else:
                insort(posts, post, key=_at)
        insort(self._times, post.at)
        if not post.recipients:
            return
        for sku in post.skus:
            posts = self._by_sku.setdefault(sku, [])
            if _in_time_order(posts, post):
                for recent in self._recent.get(sku, {}).values():
                    recent.appended(post, len(posts))
            else:  # an older post arrived late: recount that product's windows when asked
                self._recent.pop(sku, None)

    def of_chat(self, chat_key: str) -> list[PastPost]:
        """The chat's posts, oldest first."""
        return self._by_chat.get(chat_key, [])

    def of_chat_between(self, chat_key: str, after: datetime, until: datetime) -> list[PastPost]:
        """The chat's posts with ``after < at <= until``, oldest first."""
        posts = self._by_chat.get(chat_key)
        if not posts:
            return []
        # Usually every post is before ``until`` and only the oldest need cutting off.
        end = len(posts) if posts[-1].at <= until else bisect_right(posts, until, key=_at)
        begin = 0 if posts[0].at > after else bisect_right(posts, after, 0, end, key=_at)
        return posts[begin:end]

    def reaching(self, person: str) -> list[PastPost]:
        """The posts that reached the person, oldest first."""
        return self._by_person.get(person, [])

    def reached_elsewhere(
        self,
        people: frozenset[str],
        skus: frozenset[str],
        after: datetime,
        until: datetime,
        chat_key: str,
    ) -> tuple[str, str] | None:
        """A chat other than ``chat_key`` through which one of ``people`` got one of
        ``skus`` at a moment in ``(after, until]``, with that person; or None.

        Asked for every group of every broadcast, and nearly always of a moment later
        than the last time: so for each product and look-back, the people reached after
        ``after`` are kept counted as the window slides forward, with the latest post
        that reached each; only the people of this chat found in there are looked at.
        """
        return self._reached_elsewhere(people, skus, after, until, chat_key, until - after)

    def _reached_elsewhere(
        self,
        people: frozenset[str],
        skus: frozenset[str],
        after: datetime,
        until: datetime,
        chat_key: str,
        span: timedelta,
    ) -> tuple[str, str] | None:
        """reached_elsewhere, with its look-back ``span`` (= until - after) worked out
        once per broadcast by the caller."""
        by_person, recent_of = self._by_person, self._recent
        for sku in skus:
            # A broadcast asks of one moment for every chat: after the first chat, the
            # window of the product is where the last one left it.
            windows = recent_of.get(sku)
            recent = windows.get(span) if windows is not None else None
            if recent is not None and recent.after == after:
                latest: dict[str, PastPost] | None = recent.latest
            else:
                latest = self._recent_people(sku, span, after)
            if not latest:
                continue
            witness = self._witness.get((chat_key, sku))
            if witness is not None and witness in people:
                post = latest.get(witness)
                if post is not None and post.at <= until and post.chat_key != chat_key:
                    return post.chat_key, witness
            # Lazily, in C: most chats that overlap show it within their first members.
            for person in filter(latest.__contains__, people):
                post = latest[person]
                if post.at <= until and post.chat_key != chat_key:
                    self._witness[chat_key, sku] = person
                    return post.chat_key, person
                # Their latest went through this very chat (or is later than ``until``):
                # read all their recent posts.
                for post in reversed(by_person[person]):
                    moment = post.at
                    if moment <= after:
                        break
                    if (
                        moment <= until
                        and post.chat_key != chat_key
                        and not skus.isdisjoint(post.skus)
                    ):
                        return post.chat_key, person
        return None

    def _recent_people(
        self, sku: str, span: timedelta, after: datetime
    ) -> dict[str, PastPost] | None:
        """Everyone reached by a post of ``sku`` later than ``after``, with the latest."""
        posts = self._by_sku.get(sku)
        if not posts:
            return None
        windows = self._recent.get(sku)
        if windows is None:
            windows = self._recent[sku] = {}
        recent = windows.get(span)
        if recent is None or after < recent.after:
            recent = windows[span] = _Recent(posts, after)
        elif after != recent.after:  # a broadcast asks of one moment for every chat
            recent.slide(posts, after)
        return recent.latest

    def count_between(self, start: datetime, end: datetime) -> int:
        """Posts with ``start <= at < end``; a broadcast asks this of every chat, so the
        last answer is kept until the next post."""
        counted = self._counted
        if counted is not None and counted[0] == start and counted[1] == end:
            return counted[2]
        count = bisect_left(self._times, end) - bisect_left(self._times, start)
        self._counted = (start, end, count)
        return count


def _at(post: PastPost) -> datetime:
    return post.at


def _in_time_order(posts: list[PastPost], post: PastPost) -> bool:
    """Posts nearly always arrive in time order, so this is nearly always an append
    (and says so: True when the post went to the end)."""
    if not posts or posts[-1].at <= post.at:
        posts.append(post)
        return True
    insort(posts, post, key=_at)
    return False


class _Recent:
    """The people reached by one product's posts later than ``after``, each with the
    latest such post: a window over that product's time-ordered posts, ``posts[start:]``,
    that only slides forward. Posts leave it in time order, so when a person's latest
    post leaves, all their earlier ones have left too, and so do they."""

    __slots__ = ("after", "latest", "start")

    def __init__(self, posts: list[PastPost], after: datetime) -> None:
        self.after = after
        self.start = bisect_right(posts, after, key=_at)
        self.latest: dict[str, PastPost] = {}
        for post in posts[self.start :]:
            self._enter(post)

    def slide(self, posts: list[PastPost], after: datetime) -> None:
        start, latest = self.start, self.latest
        while start < len(posts) and posts[start].at <= after:
            leaving = posts[start]
            for person in leaving.recipients:
                if latest.get(person) is leaving:
                    del latest[person]
            start += 1
        self.start, self.after = start, after

    def appended(self, post: PastPost, length: int) -> None:
        """A post went to the end of the list; it is in the window unless it is older
        than ``after``, and then (the list being in order) so is everything before it."""
        if post.at > self.after:
            self._enter(post)
        else:
            self.start = length

    def _enter(self, post: PastPost) -> None:
        latest = self.latest
        for person in post.recipients:  # posts enter in time order: this is their latest
            latest[person] = post


def decide_broadcast(
    skus: Iterable[str],
    at: datetime,
    audiences: Sequence[Audience],
    history: History | Iterable[PastPost],
    shop_caps: CapsConfig,
    shop_timezone: str,
    order: Sequence[int] | None = None,
) -> list[Decision]:
    """Decide, for each audience, whether a post of ``skus`` at ``at`` (UTC) may go out.
    ``skus`` are the products still in stock (none: every audience is SOLD_OUT).

    Groups with more known members are decided first (``decision_order``; a caller
    deciding the same audiences slot after slot may pass that order, worked out once),
    so when groups overlap the post reaches the most people through the fewest groups.
    Posts allowed here are added to ``history`` when it is a History (the preview keeps
    one running across slots).
    """
    wanted = frozenset(skus)
    if not wanted:  # nothing left to sell: no post anywhere, and say why
        return [Decision(a.chat_key, Verdict.SUPPRESS, Reason.SOLD_OUT) for a in audiences]
    running = history if isinstance(history, History) else History(history)
    broadcast = _Broadcast(wanted, at, running, shop_caps, shop_timezone)
    decisions: list[Decision | None] = [None] * len(audiences)
    for index in decision_order(audiences) if order is None else order:
        audience = audiences[index]
        decision = decide_one(audience, broadcast)
        decisions[index] = decision
        if decision.verdict is Verdict.POST:
            running.add(
                PastPost(audience.chat_key, decision.skus, at, audience.kind, audience.members)
            )
            broadcast.posted_today += 1  # at ``at``: in the shop's day
    return decisions  # type: ignore[return-value]  # every index was decided


def decision_order(audiences: Sequence[Audience]) -> list[int]:
    """The indexes of ``audiences`` in the order a broadcast decides them: groups before
    subscribers, groups with more known members first, then as listed."""
    ranked = sorted(
        (a.kind is not AudienceKind.GROUP, -len(a.members), i) for i, a in enumerate(audiences)
    )
    return [index for _, _, index in ranked]


class _Moment:
    """What a broadcast's moment means under one time zone and one set of caps: the
    local clock and day, and where each rule's window starts. A broadcast to 10,000
    groups has a handful of these (the zones and the groups' own caps), so each is
    worked out once per broadcast rather than once per group."""

    __slots__ = (
        "cooling",
        "cooling_span",
        "day_end",
        "day_start",
        "gap_after",
        "quiet_until",
        "since",
        "week_after",
    )

    def __init__(self, at: datetime, zone: ZoneInfo, caps: CapsConfig) -> None:
        local = at.astimezone(zone)
        # None: not quiet; otherwise when the quiet hours end.
        self.quiet_until: datetime | None = None
        if in_quiet_hours(local.time(), caps):
            self.quiet_until = quiet_end_after(local, caps)
        self.day_start, self.day_end = _local_day_bounds(at, zone)
        # A product posted after this is still cooling down (the window less TOLERANCE).
        self.cooling_span = caps.product_cooldown - TOLERANCE
        self.cooling = at - self.cooling_span
        # Posts older than the longest look-back of the rules (an unslowed group's) cannot
        # change a decision.
        self.since = at - max(caps.product_cooldown, caps.group_min_gap, _WEEK)
        # An unslowed group's last post after this is within the gap (less TOLERANCE).
        self.gap_after = at - caps.group_min_gap + TOLERANCE
        # A subscriber's post after this is in their rolling week.
        self.week_after = at - _WEEK + TOLERANCE


class _Broadcast:
    """One broadcast being decided: its products, moment and running history, with the
    moment worked out per (time zone, caps) as the chats ask for it."""

    __slots__ = (
        "at",
        "history",
        "moments",
        "posted_today",
        "shop_caps",
        "wanted",
    )

    def __init__(
        self,
        wanted: frozenset[str],
        at: datetime,
        history: History,
        shop_caps: CapsConfig,
        shop_timezone: str,
    ) -> None:
        self.wanted = wanted
        self.at = at
        self.history = history
        self.shop_caps = shop_caps
        # Posts of the shop's day so far, for its budget: the broadcast adds its own.
        shop_start, shop_end = _local_day_bounds(at, _zone(shop_timezone))
        self.posted_today = history.count_between(shop_start, shop_end)
        # (zone name, id of the caps) -> its moment. The caps are held by the audiences
        # (or are the shop's) for the whole broadcast, so their ids stay theirs; a frozen
        # dataclass hashes field by field in Python, an id in C.
        self.moments: dict[tuple[str, int], _Moment] = {}

    def moment(self, timezone: str, caps: CapsConfig) -> _Moment:
        key = (timezone, id(caps))
        moment = self.moments.get(key)
        if moment is None:
            moment = self.moments[key] = _Moment(self.at, _zone(timezone), caps)
        return moment


def decide_one(audience: Audience, broadcast: _Broadcast) -> Decision:
    """The caps for one audience, checked from the firmest rule to the softest.

    Called for every chat of every broadcast (millions of times when previewing a month
    of a large network), so it reads only the posts that can matter and builds little:
    what depends only on the zone and caps comes from the broadcast's ``_Moment``, and a
    decision the chat was given last time is given again rather than built anew.
    Every window is measured between decided moments, shortened by ``TOLERANCE``.
    """
    key = audience.chat_key
    history = broadcast.history
    said = history.said
    suppress = Verdict.SUPPRESS
    if not audience.reachable:
        return said(key, suppress, Reason.UNREACHABLE)
    if not audience.enabled:
        reason = Reason.NOT_ENABLED if audience.kind is AudienceKind.GROUP else Reason.OPTED_OUT
        return said(key, suppress, reason)
    caps = audience.caps or broadcast.shop_caps
    moment = broadcast.moment(audience.timezone, caps)
    if moment.quiet_until is not None:
        return said(key, Verdict.DELAY, Reason.QUIET_HOURS, _NOTHING, moment.quiet_until)
    if broadcast.posted_today >= broadcast.shop_caps.shop_daily_budget:
        return said(key, suppress, Reason.SHOP_BUDGET)
    at = broadcast.at
    fatigue, fatigue_reason = fatigue_of(audience, history, at)
    if fatigue == 1.0:
        gap, since, gap_after = caps.group_min_gap, moment.since, moment.gap_after
    else:
        gap = caps.group_min_gap * fatigue
        since = at - max(caps.product_cooldown, gap, _WEEK)
        gap_after = at - gap + TOLERANCE
    # ``mine`` is in time order.
    mine = history.of_chat_between(key, since, at)
    fresh = broadcast.wanted
    today = 0
    if mine:
        cooling = moment.cooling  # posted after this: cooling down
        day_start, day_end = moment.day_start, moment.day_end
        cooled: list[frozenset[str]] = []
        for post in mine:  # a few posts: one plain loop beats two comprehensions' frames
            posted = post.at
            if posted > cooling:
                cooled.append(post.skus)
            if day_start <= posted < day_end:
                today += 1
        # One difference, as ever: the order a set of products is walked in decides which
        # product (and so which person) an overlap is found through, and what is shown.
        fresh = fresh.difference(*cooled)
        if not fresh:
            return said(key, suppress, Reason.PRODUCT_COOLDOWN)
    if audience.kind is AudienceKind.GROUP:
        # Fatigue slows a group to no less than one a day, but a cap of 0 stays 0.
        daily = caps.group_daily
        if fatigue != 1.0:
            daily = min(daily, max(1, int(daily / fatigue)))
        if today >= daily:
            return said(key, suppress, Reason.GROUP_DAILY, _NOTHING, None, fatigue_reason)
        if mine:
            last = mine[-1].at
            if last > gap_after:  # less than the gap (less the tolerance) ago
                ready = last + gap
                if ready < moment.day_end and not in_quiet_hours(
                    ready.astimezone(_zone(audience.timezone)).time(), caps
                ):
                    return said(key, Verdict.DELAY, Reason.MIN_GAP, _NOTHING, ready)
                return said(key, suppress, Reason.MIN_GAP, _NOTHING, None, fatigue_reason)
    else:
        if today >= caps.subscriber_daily:
            return said(key, suppress, Reason.SUBSCRIBER_DAILY)
        week_after = moment.week_after
        if sum(1 for p in mine if p.at > week_after) >= caps.subscriber_weekly:
            return said(key, suppress, Reason.SUBSCRIBER_WEEKLY)
    if caps.overlap:
        # 0 <= at - post.at < cooldown (less the tolerance), as an interval of moments.
        found = history._reached_elsewhere(
            audience.members, fresh, moment.cooling, at, key, moment.cooling_span
        )
        if found is not None:
            chat, person = found
            return said(key, suppress, Reason.OVERLAP, _NOTHING, None, chat, person)
    # A post to a slowed group says so, so the owner hears when fatigue sets in.
    return said(key, Verdict.POST, Reason.OK, fresh, None, fatigue_reason)


def fatigue_of(audience: Audience, history: History, at: datetime) -> tuple[float, str]:
    """How much a group is slowed down at ``at`` (1.0: not at all), and why.

    A factor given with the audience wins; otherwise, when the audience learns fatigue,
    it is read from the posts decided before ``at``: FATIGUE_POSTS or more within the
    FATIGUE_WINDOW and no reaction since the first of them. The preview and the live
    sender ask this of the same history, so the preview shows the slow-down starting.
    """
    if audience.fatigue > 1.0 or not audience.learns_fatigue:
        return max(audience.fatigue, 1.0), audience.fatigue_reason
    if audience.kind is not AudienceKind.GROUP:
        return 1.0, ""
    reacted = audience.last_reaction
    complained = audience.last_complaint
    if (
        complained is not None
        and complained <= at
        and at - complained <= FATIGUE_WINDOW
        and (reacted is None or reacted <= complained)
    ):
        # "别发了" in a group is the opposite of a reaction: it slows the group down at
        # once, until someone there reacts again (buys from a post, asks something).
        return FATIGUE_FACTOR, COMPLAINT
    recent = history.of_chat_between(audience.chat_key, at - FATIGUE_WINDOW, at)
    if len(recent) < FATIGUE_POSTS:
        return 1.0, ""
    if reacted is not None and reacted >= recent[0].at:
        return 1.0, ""
    return FATIGUE_FACTOR, f"no_reaction:{len(recent)}"


def in_quiet_hours(moment: time, caps: CapsConfig) -> bool:
    return within(moment, caps.quiet_start, caps.quiet_end)


def quiet_end_after(local: datetime, caps: CapsConfig) -> datetime:
    """The first moment after ``local`` (aware) when quiet hours are over, in UTC."""
    candidate = local.replace(
        hour=caps.quiet_end.hour, minute=caps.quiet_end.minute, second=0, microsecond=0
    )
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(ZoneInfo("UTC"))


@lru_cache(maxsize=4096)  # a broadcast asks the same few (moment, zone) pairs 10,000 times
def _local_day_bounds(at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The calendar day of ``at`` in ``zone``, as a UTC half-open interval."""
    local = at.astimezone(zone)
    start = datetime(local.year, local.month, local.day, tzinfo=zone)
    end = start + timedelta(days=1)
    # Normalise through UTC so a DST change still gives the right wall-clock midnight.
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


_WEEK = timedelta(days=7)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def with_fatigue(audience: Audience, factor: float, reason: str) -> Audience:
    return replace(audience, fatigue=factor, fatigue_reason=reason)
