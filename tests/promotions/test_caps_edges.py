"""The caps at the edges the preview's speed-ups work around (issue 14).

Deciding a broadcast works out once what depends only on its moment, a chat's time zone
and caps (the local day, quiet hours, where each window starts), hands a chat the same
Decision again while nothing changes, and the preview pauses the garbage collector. Each
test here pins what a seller or a group would notice if one of those went wrong: a window
one second too short or too long, one zone's clock used for another, yesterday's products
posted today, a bot process that stops collecting its garbage.
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import Campaign, Schedule
from bot.channels.base import RateLimits
from promotions.caps import (
    TOLERANCE,
    Audience,
    AudienceKind,
    CapsConfig,
    Decision,
    History,
    PastPost,
    Reason,
    Verdict,
    decide_broadcast,
    with_fatigue,
)
from promotions.simulate import simulate

SHANGHAI = "Asia/Shanghai"
LONDON = "Europe/London"
CAPS = CapsConfig()
SECOND = timedelta(seconds=1)


def local(day: int, hour: int, minute: int = 0, zone: str = SHANGHAI) -> datetime:
    """A wall-clock moment in ``zone`` in November 2026 (the 24th is a Tuesday), as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def group(key: str = "g1", members: tuple[str, ...] = (), **extra: object) -> Audience:
    extra.setdefault("timezone", SHANGHAI)
    return Audience(key, AudienceKind.GROUP, members=frozenset(members), **extra)  # type: ignore[arg-type]


def posted(
    chat: str, at: datetime, skus: tuple[str, ...], people: tuple[str, ...] = ()
) -> PastPost:
    kind = AudienceKind.SUBSCRIBER if chat.startswith("sub") else AudienceKind.GROUP
    return PastPost(chat, frozenset(skus), at, kind, frozenset(people))


def decide(
    audience: Audience, at: datetime, history: list[PastPost], skus: tuple[str, ...]
) -> Decision:
    [decision] = decide_broadcast(skus, at, [audience], history, CAPS, SHANGHAI)
    return decision


# --- every window allows TOLERANCE, and not a second more ---------------------------------
# A post recorded up to 30 s after its slot must not hold back the post one window after
# the slot; one recorded 31 s early must.

EARLIER = local(24, 10, 0)


def test_the_gap_between_posts_allows_the_tolerance_and_no_more() -> None:
    history = [posted("g1", EARLIER, ("ROSE",))]
    gap = CAPS.group_min_gap
    assert decide(group(), EARLIER + gap - TOLERANCE, history, ("SILK",)).posts
    early = decide(group(), EARLIER + gap - TOLERANCE - SECOND, history, ("SILK",))
    assert (early.verdict, early.reason) == (Verdict.DELAY, Reason.MIN_GAP)
    assert early.not_before == EARLIER + gap


def test_a_slowed_groups_longer_gap_allows_the_same_tolerance() -> None:
    """A fatigued group's gap is worked out apart from the unslowed one's: same edges."""
    tired = with_fatigue(group(caps=CapsConfig(group_daily=4)), 2.0, "no_reaction:4")
    history = [posted("g1", EARLIER, ("ROSE",))]
    gap = CAPS.group_min_gap * 2
    assert decide(tired, EARLIER + gap - TOLERANCE, history, ("SILK",)).posts
    early = decide(tired, EARLIER + gap - TOLERANCE - SECOND, history, ("SILK",))
    assert (early.verdict, early.reason) == (Verdict.DELAY, Reason.MIN_GAP)


def test_the_product_cooldown_allows_the_tolerance_and_no_more() -> None:
    history = [posted("g1", EARLIER, ("ROSE",))]
    over = EARLIER + CAPS.product_cooldown - TOLERANCE
    assert decide(group(), over, history, ("ROSE",)).posts
    held = decide(group(), over - SECOND, history, ("ROSE",))
    assert held.reason is Reason.PRODUCT_COOLDOWN


def test_overlap_through_another_group_allows_the_tolerance_and_no_more() -> None:
    history = [posted("big", EARLIER, ("ROSE",), ("ann", "bob"))]
    small = group("small", ("ann",))
    over = EARLIER + CAPS.product_cooldown - TOLERANCE
    assert decide(small, over, history, ("ROSE",)).posts
    held = decide(small, over - SECOND, history, ("ROSE",))
    assert (held.reason, held.detail, held.via) == (Reason.OVERLAP, "big", "ann")


def test_a_subscribers_week_allows_the_tolerance_and_no_more() -> None:
    weekly = CapsConfig(subscriber_weekly=1)
    sub = Audience("sub-ann", AudienceKind.SUBSCRIBER, SHANGHAI, frozenset({"sub-ann"}))
    history = [posted("sub-ann", EARLIER, ("ROSE",), ("sub-ann",))]
    over = EARLIER + timedelta(days=7) - TOLERANCE
    [fine] = decide_broadcast(["SILK"], over, [sub], history, weekly, SHANGHAI)
    assert fine.posts
    [held] = decide_broadcast(["SILK"], over - SECOND, [sub], history, weekly, SHANGHAI)
    assert held.reason is Reason.SUBSCRIBER_WEEKLY


# --- one broadcast, several clocks ---------------------------------------------------------


def test_one_broadcast_reads_each_groups_own_zone_and_caps() -> None:
    """What a broadcast works out once is worked out per zone AND per caps: a group
    abroad and a group with its own quiet hours, decided together with the shop's own."""
    at = local(24, 10, 0)  # 10:00 in Shanghai, 02:00 in London
    home = group("home")
    abroad = group("abroad", timezone=LONDON)
    late_riser = group("late", caps=CapsConfig(quiet_start=time(21), quiet_end=time(11)))
    abroad_late = group(
        "abroad-late", timezone=LONDON, caps=CapsConfig(quiet_start=time(1), quiet_end=time(3))
    )
    decisions = decide_broadcast(
        ["ROSE"], at, [home, abroad, late_riser, abroad_late], [], CAPS, SHANGHAI
    )
    by_chat = {d.chat_key: d for d in decisions}
    assert by_chat["home"].posts
    assert by_chat["abroad"].reason is Reason.QUIET_HOURS
    assert by_chat["abroad"].not_before == local(24, 9, 0, LONDON)
    assert by_chat["late"].reason is Reason.QUIET_HOURS
    assert by_chat["late"].not_before == local(24, 11, 0)
    assert by_chat["abroad-late"].not_before == local(24, 3, 0, LONDON)


def test_a_groups_day_is_its_own_zones_day_in_a_mixed_broadcast() -> None:
    """Two groups posted to at the same moment yesterday in UTC terms: for the one in
    London that was today (its daily cap of 1 is spent), for Shanghai's it was yesterday."""
    once = CapsConfig(group_daily=1, quiet_start=time(0), quiet_end=time(0))  # no quiet hours
    earlier = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 Shanghai, 01:00 London
    at = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 01:00 on the 25th Shanghai, 17:00 London
    history = [posted("sh", earlier, ("OLD",)), posted("ldn", earlier, ("OLD",))]
    shanghai = group("sh", caps=once)
    london = group("ldn", timezone=LONDON, caps=once)
    decisions = decide_broadcast(["NEW"], at, [shanghai, london], history, once, SHANGHAI)
    by_chat = {d.chat_key: d for d in decisions}
    assert by_chat["sh"].posts
    assert by_chat["ldn"].reason is Reason.GROUP_DAILY


# --- the same Decision again only while nothing changed -----------------------------------


def test_a_chat_is_never_handed_a_stale_decision() -> None:
    """Decisions handed out again must carry today's products, moment and reasons."""
    history = History()
    chat = group("g1", ("ann",))
    first = decide_broadcast(["ROSE"], local(24, 10), [chat], history, CAPS, SHANGHAI)[0]
    second = decide_broadcast(["SILK"], local(25, 10), [chat], history, CAPS, SHANGHAI)[0]
    assert first.posts and second.posts
    assert (first.skus, second.skus) == ({"ROSE"}, {"SILK"})
    night = decide_broadcast(["PEAR"], local(25, 22), [chat], history, CAPS, SHANGHAI)[0]
    later = decide_broadcast(["PEAR"], local(26, 22), [chat], history, CAPS, SHANGHAI)[0]
    assert (night.not_before, later.not_before) == (local(26, 9), local(27, 9))
    tired = with_fatigue(chat, 2.0, "no_reaction:4")
    slowed = decide_broadcast(["TEA"], local(27, 10), [tired], history, CAPS, SHANGHAI)[0]
    assert slowed.posts and slowed.detail == "no_reaction:4"
    again = decide_broadcast(["ORANGE"], local(28, 10), [chat], history, CAPS, SHANGHAI)[0]
    assert again.posts and again.detail == "" and again.skus == {"ORANGE"}


# --- the preview leaves the garbage collector as it found it ------------------------------


def one_campaign() -> list[Campaign]:
    return [Campaign(id="c", products=["ROSE"], schedule=Schedule(times=["10:00"]))]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_preview_leaves_the_garbage_collector_as_it_found_it(enabled: bool) -> None:
    """The preview pauses the collector while it runs; a bot process whose collector
    stayed off after a preview would never free cyclic garbage again."""
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        start = datetime(2026, 11, 23, tzinfo=UTC)
        simulate(one_campaign(), lambda c: [group()], [], CAPS, SHANGHAI, start, 2, RateLimits())
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError):
            simulate(
                one_campaign(),
                lambda c: [group()],
                [],
                CAPS,
                SHANGHAI,
                start.replace(tzinfo=None),
                2,
                RateLimits(),
            )
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
