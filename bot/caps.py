"""The promotion caps: one pure policy that decides post, delay or suppress, with a reason.

No I/O and no clock of its own: the caller passes the moment of the post, the history of
earlier posts and the audiences. The live sender, the preview and the tests all call
``decide_broadcast``, so what the seller previews is what goes out.

A broadcast is decided audience by audience, in a stable order; each post it allows
counts at once against the caps of the ones after it (the shop budget, people reached
through overlapping groups).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo


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


@dataclass(frozen=True, slots=True)
class Decision:
    chat_key: str
    verdict: Verdict
    reason: Reason
    skus: frozenset[str] = frozenset()  # what would be posted (cooled-down products dropped)
    not_before: datetime | None = None  # for DELAY: when to decide again
    detail: str = ""  # e.g. the group whose members already got the product

    @property
    def posts(self) -> bool:
        return self.verdict is Verdict.POST


class History:
    """Past posts indexed for the questions the caps ask (per chat, per person, per day).

    Deciding a broadcast to 10,000 groups must not scan every past post for each group.
    """

    def __init__(self, posts: Iterable[PastPost] = ()) -> None:
        self._by_chat: dict[str, list[PastPost]] = {}
        self._by_person: dict[str, list[PastPost]] = {}
        self._times: list[datetime] = []
        for post in posts:
            self.add(post)

    def add(self, post: PastPost) -> None:
        self._by_chat.setdefault(post.chat_key, []).append(post)
        for person in post.recipients:
            self._by_person.setdefault(person, []).append(post)
        insort(self._times, post.at)

    def of_chat(self, chat_key: str) -> list[PastPost]:
        return self._by_chat.get(chat_key, [])

    def reaching(self, person: str) -> list[PastPost]:
        return self._by_person.get(person, [])

    def count_between(self, start: datetime, end: datetime) -> int:
        return bisect_left(self._times, end) - bisect_left(self._times, start)


def decide_broadcast(
    skus: Iterable[str],
    at: datetime,
    audiences: Sequence[Audience],
    history: History | Iterable[PastPost],
    shop_caps: CapsConfig,
    shop_timezone: str,
) -> list[Decision]:
    """Decide, for each audience, whether a post of ``skus`` at ``at`` (UTC) may go out.

    Groups with more known members are decided first, so when groups overlap the post
    reaches the most people through the fewest groups. Posts allowed here are added to
    ``history`` when it is a History (the preview keeps one running across slots).
    """
    wanted = frozenset(skus)
    running = history if isinstance(history, History) else History(history)
    order = sorted(
        range(len(audiences)),
        key=lambda i: (audiences[i].kind is not AudienceKind.GROUP, -len(audiences[i].members), i),
    )
    decisions: dict[int, Decision] = {}
    for index in order:
        audience = audiences[index]
        decision = decide_one(wanted, at, audience, running, shop_caps, shop_timezone)
        decisions[index] = decision
        if decision.posts:
            running.add(
                PastPost(audience.chat_key, decision.skus, at, audience.kind, audience.members)
            )
    return [decisions[i] for i in range(len(audiences))]


def decide_one(
    wanted: frozenset[str],
    at: datetime,
    audience: Audience,
    history: History,
    shop_caps: CapsConfig,
    shop_timezone: str,
) -> Decision:
    """The caps for one audience, checked from the firmest rule to the softest."""
    caps = audience.caps or shop_caps
    key = audience.chat_key

    def verdict(v: Verdict, reason: Reason, **extra: object) -> Decision:
        return Decision(key, v, reason, **extra)  # type: ignore[arg-type]

    if not audience.reachable:
        return verdict(Verdict.SUPPRESS, Reason.UNREACHABLE)
    if not audience.enabled:
        reason = Reason.NOT_ENABLED if audience.kind is AudienceKind.GROUP else Reason.OPTED_OUT
        return verdict(Verdict.SUPPRESS, reason)
    zone = _zone(audience.timezone)
    local = at.astimezone(zone)
    if in_quiet_hours(local.time(), caps):
        return verdict(Verdict.DELAY, Reason.QUIET_HOURS, not_before=quiet_end_after(local, caps))
    shop_start, shop_end = _local_day_bounds(at, _zone(shop_timezone))
    if history.count_between(shop_start, shop_end) >= shop_caps.shop_daily_budget:
        return verdict(Verdict.SUPPRESS, Reason.SHOP_BUDGET)
    mine = [p for p in history.of_chat(key) if p.at <= at]
    fresh = frozenset(
        sku
        for sku in wanted
        if not any(sku in p.skus and at - p.at < caps.product_cooldown for p in mine)
    )
    if not fresh:
        return verdict(Verdict.SUPPRESS, Reason.PRODUCT_COOLDOWN)
    day_start, day_end = _local_day_bounds(at, zone)
    today = [p for p in mine if day_start <= p.at < day_end]
    if audience.kind is AudienceKind.GROUP:
        daily = max(1, int(caps.group_daily / max(audience.fatigue, 1.0)))
        if len(today) >= daily:
            return verdict(Verdict.SUPPRESS, Reason.GROUP_DAILY, detail=audience.fatigue_reason)
        gap = caps.group_min_gap * max(audience.fatigue, 1.0)
        last = max((p.at for p in mine), default=None)
        if last is not None and at - last < gap:
            ready = last + gap
            if ready < day_end and not in_quiet_hours(ready.astimezone(zone).time(), caps):
                return verdict(Verdict.DELAY, Reason.MIN_GAP, not_before=ready)
            return verdict(Verdict.SUPPRESS, Reason.MIN_GAP, detail=audience.fatigue_reason)
    else:
        if len(today) >= caps.subscriber_daily:
            return verdict(Verdict.SUPPRESS, Reason.SUBSCRIBER_DAILY)
        week = [p for p in mine if at - p.at < timedelta(days=7)]
        if len(week) >= caps.subscriber_weekly:
            return verdict(Verdict.SUPPRESS, Reason.SUBSCRIBER_WEEKLY)
    overlap = _overlapping_chat(fresh, at, audience, history, caps)
    if overlap is not None:
        return verdict(Verdict.SUPPRESS, Reason.OVERLAP, detail=overlap)
    return verdict(Verdict.POST, Reason.OK, skus=fresh)


def _overlapping_chat(
    skus: frozenset[str],
    at: datetime,
    audience: Audience,
    history: History,
    caps: CapsConfig,
) -> str | None:
    """Another chat through which someone here already got one of these products within
    the cool-down, or None. Unknown members cannot overlap."""
    for person in audience.members:
        for post in history.reaching(person):
            if (
                post.chat_key != audience.chat_key
                and post.skus & skus
                and timedelta(0) <= at - post.at < caps.product_cooldown
            ):
                return post.chat_key
    return None


def in_quiet_hours(moment: time, caps: CapsConfig) -> bool:
    start, end = caps.quiet_start, caps.quiet_end
    if start == end:
        return False
    if start > end:  # spans midnight, e.g. 21:00-09:00
        return moment >= start or moment < end
    return start <= moment < end


def quiet_end_after(local: datetime, caps: CapsConfig) -> datetime:
    """The first moment after ``local`` (aware) when quiet hours are over, in UTC."""
    candidate = local.replace(
        hour=caps.quiet_end.hour, minute=caps.quiet_end.minute, second=0, microsecond=0
    )
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(ZoneInfo("UTC"))


def _local_day_bounds(at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The calendar day of ``at`` in ``zone``, as a UTC half-open interval."""
    local = at.astimezone(zone)
    start = datetime(local.year, local.month, local.day, tzinfo=zone)
    end = start + timedelta(days=1)
    # Normalise through UTC so a DST change still gives the right wall-clock midnight.
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def with_fatigue(audience: Audience, factor: float, reason: str) -> Audience:
    return replace(audience, fatigue=factor, fatigue_reason=reason)
