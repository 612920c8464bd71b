"""The promotions preview: what the caps will do with the seller's campaigns, day by day.

Pure: no I/O and no clock. ``simulate`` drives the same policy the live sender runs
(``bot.caps.decide_broadcast``) the way the live sender runs it: every slot of every
campaign from ``bot.schedule.fire_times``, in time order; a POST becomes a past post at
that moment, so it counts against every later decision; a DELAY is decided again at its
``not_before``; a SUPPRESS is final. The property tests in tests/unit/test_caps.py check
the caps on exactly this loop, so what the seller previews is what the caps allow.

A preview of 10,000 groups, 100 campaigns and 30 days holds tens of millions of
decisions, nearly all of them suppressions. Holding each as an object would take
gigabytes, so ``PlannedPosts`` keeps them as three integers each (its batch, its decision,
its place in its chat's list; the decisions interned, since a chat hears the same few again
and again) and builds ``PlannedPost`` values only when read.
``render`` then shows what a seller reads at a glance, capped at ``max_groups`` chats.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from typing import overload
from zoneinfo import ZoneInfo

from bot.caps import (
    Audience,
    AudienceKind,
    CapsConfig,
    Decision,
    History,
    PastPost,
    Reason,
    Verdict,
    decide_broadcast,
    in_quiet_hours,
)
from bot.catalog import Campaign
from bot.channels.base import RateLimits
from bot.i18n import t
from bot.schedule import fire_times


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

    __slots__ = ("_batch_of", "_batches", "_by_chat", "_decision_of", "_decisions", "_interned")

    def __init__(self) -> None:
        self._batches: list[tuple[datetime, datetime, str]] = []  # (at, slot, campaign id)
        self._batch_of = array("I")
        self._decision_of = array("I")
        self._decisions: list[Decision] = []
        # A decision's fields -> its index in _decisions (a tuple hashes in C; the
        # dataclass's own hash and eq are Python code, and this runs per decision).
        self._interned: dict[tuple[object, ...], int] = {}
        self._by_chat: dict[str, array[int]] = {}

    def _add_batch(
        self, at: datetime, slot: datetime, campaign_id: str, decisions: Sequence[Decision]
    ) -> None:
        """Keep the final decisions taken at one moment for one slot."""
        if not decisions:
            return
        batch = len(self._batches)
        self._batches.append((at, slot, campaign_id))
        interned, known, by_chat = self._interned, self._decisions, self._by_chat
        position = len(self._decision_of)
        indexes: list[int] = []
        for decision in decisions:
            chat_key = decision.chat_key
            shape = (
                chat_key,
                decision.verdict,
                decision.reason,
                decision.detail,
                decision.skus,
                decision.not_before,
            )
            index = interned.get(shape)
            if index is None:
                index = interned[shape] = len(known)
                known.append(decision)
            indexes.append(index)
            positions = by_chat.get(chat_key)
            if positions is None:
                positions = by_chat[chat_key] = array("I")
            positions.append(position)
            position += 1
        self._decision_of.extend(indexes)
        self._batch_of.extend(repeat(batch, len(indexes)))

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
        return list(self._by_chat)

    def of_chat(self, chat_key: str) -> list[PlannedPost]:
        """One chat's entries, in the order decided (time order)."""
        return [self._make(i) for i in self._by_chat.get(chat_key, ())]

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
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    start = start.astimezone(UTC)
    end = start + timedelta(days=days)
    running = History(history)
    products = [frozenset(c.products) for c in campaigns]
    targets = [list(audiences(c)) for c in campaigns]

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
        decisions = decide_broadcast(products[index], at, batch_audiences, running, caps, timezone)
        decisions_taken += len(decisions)
        finals: list[Decision] = []
        sent = 0
        for audience, decision in zip(batch_audiences, decisions, strict=True):
            verdict = decision.verdict
            if verdict is Verdict.POST:
                sent += 1
            elif verdict is Verdict.DELAY:
                again = decision.not_before
                if again is None or again <= at:
                    raise ValueError(f"the caps delayed {decision.chat_key} without moving on")
                if again < end:
                    later = (again, slot, index)
                    waiting = due.get(later)
                    if waiting is None:
                        due[later] = [audience]
                        heapq.heappush(queue, later)
                    else:
                        waiting.append(audience)
                    continue
            finals.append(decision)
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


# --- rendering ------------------------------------------------------------------------

# More suppressions than this in one chat on one day are summed up by reason.
_LIST_SUPPRESSED = 3
_MAX_CAMPAIGN_NAMES = 10
_NAMED = 2  # groups named in a summed-up "shown in ..." reason


def render(
    preview: Preview,
    language: str,
    titles: Mapping[str, str] | None = None,
    max_groups: int = 40,
) -> str:
    """The preview as a seller reads it: per chat and day, then broadcasts, then totals.

    Days and clock times are the shop's (the seller's own); a chat in another time zone
    also shows its local time, since quiet hours follow the chat's clock. Chats are
    listed largest group first, then subscribers, and cut at ``max_groups``.
    """
    return _Renderer(preview, language, titles or {}).render(max_groups)


class _Renderer:
    def __init__(self, preview: Preview, language: str, titles: Mapping[str, str]) -> None:
        self.preview = preview
        self.language = language
        self.titles = titles
        self.zone = ZoneInfo(preview.timezone)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.language, **values)

    def render(self, max_groups: int) -> str:
        lines = self.header()
        lines += self.chats(max_groups)
        lines += self.broadcasts(max_groups)
        lines += self.totals()
        return "\n".join(lines)

    # --- pieces -----------------------------------------------------------------------

    def header(self) -> list[str]:
        preview = self.preview
        ids = preview.campaign_ids
        names = ", ".join(ids[:_MAX_CAMPAIGN_NAMES])
        if len(ids) > _MAX_CAMPAIGN_NAMES:
            names += " " + self.t("preview.more", count=_number(len(ids) - _MAX_CAMPAIGN_NAMES))
        last = preview.end - timedelta(microseconds=1)
        return [
            self.t(
                "preview.header",
                first=self.day(preview.start.astimezone(self.zone).date()),
                last=self.day(last.astimezone(self.zone).date()),
                timezone=preview.timezone,
            ),
            self.t("preview.campaigns", count=_number(len(ids)), names=names or "-"),
        ]

    def chats(self, max_groups: int) -> list[str]:
        posts = self.preview.posts
        keys = posts.chat_keys()
        chats = self.preview.chats

        def order(key: str) -> tuple[bool, int, str]:
            audience = chats.get(key)
            group = audience is None or audience.kind is AudienceKind.GROUP
            size = len(audience.members) if audience else 0
            return (not group, -size, self.name(key).casefold())

        keys.sort(key=order)
        lines: list[str] = []
        for key in keys[: max(max_groups, 0)]:
            lines.append("")
            lines += self.chat(key, posts.of_chat(key))
        hidden = keys[max(max_groups, 0) :]
        if hidden:
            groups_only = all(
                (chats.get(k) is None or chats[k].kind is AudienceKind.GROUP) for k in hidden
            )
            key = "preview.more_groups" if groups_only else "preview.more_chats"
            lines += ["", self.t(key, count=_number(len(hidden)))]
        return lines

    def chat(self, key: str, entries: list[PlannedPost]) -> list[str]:
        audience = self.preview.chats.get(key)
        heading = self.name(key)
        if audience is not None and audience.kind is AudienceKind.SUBSCRIBER:
            heading = self.t("preview.subscriber", name=heading)
        if audience is not None and audience.timezone != self.preview.timezone:
            heading += f" · {audience.timezone}"
        lines = [heading]
        by_day: dict[date, list[PlannedPost]] = {}
        for entry in sorted(entries, key=lambda e: (e.at, e.slot, e.campaign_id)):
            by_day.setdefault(entry.at.astimezone(self.zone).date(), []).append(entry)
        for day, todays in by_day.items():
            lines.append("  " + self.day(day))
            suppressed = [e for e in todays if e.decision.verdict is Verdict.SUPPRESS]
            listed = len(suppressed) <= _LIST_SUPPRESSED
            for entry in todays:
                if listed or entry.decision.verdict is not Verdict.SUPPRESS:
                    lines.append("    " + self.entry(entry, audience))
            if len(suppressed) > _LIST_SUPPRESSED:
                lines.append("    " + self.summary(suppressed, audience))
        return lines

    def summary(self, suppressed: list[PlannedPost], audience: Audience | None) -> str:
        """Many suppressions of one day in one line: each reason once, with how often;
        the groups that got a product first named, a few of them."""
        by_reason: dict[Reason, list[Decision]] = {}
        for entry in suppressed:
            by_reason.setdefault(entry.decision.reason, []).append(entry.decision)
        parts: list[str] = []
        for reason, decisions in sorted(by_reason.items(), key=lambda rd: -len(rd[1])):
            if reason is Reason.OVERLAP:
                why = self.overlap([d.detail for d in decisions], audience)
            else:
                why = self.reason(decisions[0], audience)
            parts.append(f"{why} ×{len(decisions)}")
        reasons = self.t("preview.reason_sep").join(parts)
        return self.t("preview.not_posted_many", count=len(suppressed), reasons=reasons)

    def entry(self, entry: PlannedPost, audience: Audience | None) -> str:
        decision = entry.decision
        when = self.clock(entry.at, audience)
        if decision.verdict is Verdict.POST:
            line = self.t(
                "preview.post",
                time=when,
                campaign=entry.campaign_id,
                products=", ".join(sorted(decision.skus)),
            )
            if entry.delayed:
                why = self.delay_reason(entry, audience)
                line += self.t("preview.was_delayed", time=self.slot(entry), why=why)
            return line
        if decision.verdict is Verdict.DELAY:
            again = decision.not_before or entry.at
            return self.t(
                "preview.waiting",
                time=when,
                campaign=entry.campaign_id,
                until=f"{self.day(again.astimezone(self.zone).date())} {self.clock(again)}",
                why=self.reason(decision, audience),
            )
        line = self.t(
            "preview.not_posted",
            time=when,
            campaign=entry.campaign_id,
            why=self.reason(decision, audience),
        )
        if entry.delayed:
            line += self.t("preview.planned_for", time=self.slot(entry))
        return line

    def broadcasts(self, max_lines: int) -> list[str]:
        preview = self.preview
        if not preview.broadcasts:
            return ["", self.t("preview.no_broadcasts")]
        lines = ["", self.t("preview.broadcasts", rate=preview.limits.overall_per_second)]
        for estimate in preview.broadcasts[: max(max_lines, 0)]:
            local = estimate.at.astimezone(self.zone)
            line = self.t(
                "preview.broadcast",
                day=self.day(local.date()),
                time=self.clock(estimate.at),
                campaign=estimate.campaign_id,
                posts=self.posts(estimate.posts),
                duration=self.duration(estimate.seconds),
            )
            if estimate.at != estimate.slot:
                line += self.t("preview.from_slot", time=self.clock(estimate.slot))
            lines.append("  " + line)
        hidden = len(preview.broadcasts) - max(max_lines, 0)
        if hidden > 0:
            longest = max(preview.broadcasts, key=lambda b: b.seconds)
            lines.append("  " + self.t("preview.more_broadcasts", count=_number(hidden)))
            lines.append(
                "  "
                + self.t(
                    "preview.longest",
                    day=self.day(longest.at.astimezone(self.zone).date()),
                    time=self.clock(longest.at),
                    campaign=longest.campaign_id,
                    duration=self.duration(longest.seconds),
                )
            )
        return lines

    def totals(self) -> list[str]:
        preview = self.preview
        lines = [
            "",
            self.t(
                "preview.totals",
                posts=self.posts(preview.posted),
                delayed=_number(preview.delayed),
                suppressed=_number(preview.suppressed),
            ),
        ]
        if preview.waiting:
            lines.append("  " + self.t("preview.still_waiting", count=_number(preview.waiting)))
        reasons = sorted(preview.by_reason.items(), key=lambda rc: (-rc[1], rc[0].value))
        for reason, count in reasons:
            why = self.t(f"reason.total.{reason.value}")
            lines.append("  " + self.t("preview.total_reason", why=why, count=_number(count)))
        return lines

    # --- words --------------------------------------------------------------------------

    def name(self, key: str) -> str:
        audience = self.preview.chats.get(key)
        return self.titles.get(key) or (audience.title if audience else "") or key

    def day(self, day: date) -> str:
        weekdays = self.t("preview.weekdays").split()
        months = self.t("preview.months").split()
        return self.t(
            "preview.date",
            weekday=weekdays[day.weekday()],
            day=day.day,
            month=months[day.month - 1],
        )

    def clock(self, moment: datetime, audience: Audience | None = None) -> str:
        text = moment.astimezone(self.zone).strftime("%H:%M")
        if audience is not None and audience.timezone != self.preview.timezone:
            there = moment.astimezone(ZoneInfo(audience.timezone)).strftime("%H:%M")
            text += self.t("preview.local_time", time=there)
        return text

    def slot(self, entry: PlannedPost) -> str:
        """The slot's clock time, with its day when that is not the day it went out."""
        day = entry.slot.astimezone(self.zone).date()
        if day == entry.at.astimezone(self.zone).date():
            return self.clock(entry.slot)
        return f"{self.day(day)} {self.clock(entry.slot)}"

    def posts(self, count: int) -> str:
        key = "preview.posts_one" if count == 1 else "preview.posts"
        return self.t(key, count=_number(count))

    def duration(self, seconds: float) -> str:
        if seconds < 120:
            return self.t("preview.seconds", seconds=max(1, round(seconds)))
        return self.t("preview.minutes", minutes=_number(round(seconds / 60)))

    def delay_reason(self, entry: PlannedPost, audience: Audience | None) -> str:
        """Why a post went out after its slot: the slot was in the chat's quiet hours,
        or too soon after the chat's previous post."""
        caps = (audience.caps if audience else None) or self.preview.caps
        zone = ZoneInfo(audience.timezone) if audience else self.zone
        if in_quiet_hours(entry.slot.astimezone(zone).time(), caps):
            return self.quiet(caps)
        return self.t("preview.after_gap")

    def quiet(self, caps: CapsConfig) -> str:
        return self.t(
            "reason.quiet_hours",
            start=caps.quiet_start.strftime("%H:%M"),
            end=caps.quiet_end.strftime("%H:%M"),
        )

    def reason(self, decision: Decision, audience: Audience | None) -> str:
        """The reason in words, with the numbers of the cap that applied to this chat."""
        caps = (audience.caps if audience else None) or self.preview.caps
        fatigue = max(audience.fatigue, 1.0) if audience else 1.0
        reason = decision.reason
        if reason is Reason.QUIET_HOURS:
            return self.quiet(caps)
        if reason is Reason.GROUP_DAILY:
            daily = int(caps.group_daily / fatigue)
            daily = max(1, daily) if caps.group_daily > 0 else 0
            key = "reason.group_daily_one" if daily == 1 else "reason.group_daily"
            return self.t(key, count=daily) + self.fatigue(decision.detail)
        if reason is Reason.MIN_GAP:
            hours = _hours(caps.group_min_gap * fatigue)
            return self.t("reason.min_gap", hours=hours) + self.fatigue(decision.detail)
        if reason is Reason.PRODUCT_COOLDOWN:
            return self.t("reason.product_cooldown", hours=_hours(caps.product_cooldown))
        if reason is Reason.SUBSCRIBER_WEEKLY:
            return self.t("reason.subscriber_weekly", count=caps.subscriber_weekly)
        if reason is Reason.SHOP_BUDGET:
            return self.t("reason.shop_budget", count=_number(self.preview.caps.shop_daily_budget))
        if reason is Reason.OVERLAP:
            return self.overlap([decision.detail], audience)
        return self.t(f"reason.{reason.value}")

    def overlap(self, chat_keys: list[str], audience: Audience | None) -> str:
        """The reason "shown in <group> within 72 h", naming the groups seen most often."""
        caps = (audience.caps if audience else None) or self.preview.caps
        ranked = [key for key, _ in Counter(chat_keys).most_common()]
        names = self.t("preview.list_sep").join(self.name(key) for key in ranked[:_NAMED])
        if len(ranked) > _NAMED:
            names = self.t("preview.names_more", names=names, count=len(ranked) - _NAMED)
        return self.t("reason.overlap", group=names, hours=_hours(caps.product_cooldown))

    def fatigue(self, detail: str) -> str:
        if not detail:
            return ""
        kind, _, count = detail.partition(":")
        if kind == "no_reaction" and count.isdigit():
            return self.t("reason.fatigue", count=count)
        return self.t("reason.fatigue_other", detail=detail)


def _number(count: int) -> str:
    return f"{count:,}"


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g}"
