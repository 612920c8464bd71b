"""The promotions preview as a seller reads it: per chat and day, then broadcasts, then
totals, capped at ``max_groups`` chats. Pure: it renders what ``promotions.simulate``
decided, in the seller's language, days and clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import t
from promotions.caps import (
    COMPLAINT,
    FATIGUE_FACTOR,
    Audience,
    AudienceKind,
    CapsConfig,
    Decision,
    Reason,
    Verdict,
    in_quiet_hours,
)
from promotions.simulate import PlannedPost, Preview

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
        lines = [
            "",
            self.t(
                "preview.broadcasts",
                rate=preview.limits.overall_per_second,
                per_group=preview.limits.per_group_per_minute,
            ),
        ]
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
        if decision.detail.startswith(("no_reaction", COMPLAINT)):  # learnt as it goes
            fatigue = max(fatigue, FATIGUE_FACTOR)
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
            if decision.via:  # name the person who links the two groups
                caps = (audience.caps if audience else None) or self.preview.caps
                return self.t(
                    "reason.overlap_via",
                    group=self.name(decision.detail),
                    hours=_hours(caps.product_cooldown),
                    person=self.name(decision.via),
                )
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
        if kind == COMPLAINT:
            return self.t("reason.fatigue_complaint")
        return self.t("reason.fatigue_other", detail=detail)


def _number(count: int) -> str:
    return f"{count:,}"


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g}"
