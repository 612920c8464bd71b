"""The promotion caps: each rule with plain values, then properties of the whole policy.

The caps are the product's promise to sellers and their friends: no group and no
subscriber ever gets more than the caps allow. The unit tests pin each rule to a reading
a seller would recognise; the property tests run random shops through ``simulate`` (the
preview, which drives the policy exactly as the live sender does) and check every cap on
the posts that come out, so a rule that holds alone but breaks in combination is caught.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog import WEEKDAYS, Campaign, Schedule
from bot.channels.base import RateLimits
from promotions.caps import (
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
    quiet_end_after,
    with_fatigue,
)
from promotions.schedule import fire_times
from promotions.simulate import simulate

SHANGHAI = "Asia/Shanghai"
LONDON = "Europe/London"
CAPS = CapsConfig()


def local(day: int, hour: int, minute: int = 0, zone: str = SHANGHAI, month: int = 11) -> datetime:
    """A wall-clock moment in ``zone`` in 2026 (24 Nov 2026 is a Tuesday), as UTC."""
    moment = datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def group(
    key: str = "g1", members: Sequence[str] = (), zone: str = SHANGHAI, **extra: object
) -> Audience:
    return Audience(key, AudienceKind.GROUP, zone, frozenset(members), **extra)  # type: ignore[arg-type]


def subscriber(person: str, zone: str = SHANGHAI, **extra: object) -> Audience:
    return Audience(person, AudienceKind.SUBSCRIBER, zone, frozenset({person}), **extra)  # type: ignore[arg-type]


def past(
    chat: str, at: datetime, skus: Sequence[str] = ("OLD",), recipients: Sequence[str] = ()
) -> PastPost:
    kind = AudienceKind.SUBSCRIBER if chat.startswith("sub") else AudienceKind.GROUP
    return PastPost(chat, frozenset(skus), at, kind, frozenset(recipients))


def decide(
    audience: Audience,
    at: datetime,
    history: Sequence[PastPost] = (),
    skus: Sequence[str] = ("ROSE",),
    caps: CapsConfig = CAPS,
    shop_zone: str = SHANGHAI,
) -> Decision:
    [decision] = decide_broadcast(skus, at, [audience], list(history), caps, shop_zone)
    return decision


# --- quiet hours --------------------------------------------------------------------------


def test_quiet_hours_delay_until_nine_in_the_audience_zone() -> None:
    evening = decide(group(), local(24, 21, 0))
    assert (evening.verdict, evening.reason) == (Verdict.DELAY, Reason.QUIET_HOURS)
    assert evening.not_before == local(25, 9, 0)
    early = decide(group(), local(24, 8, 59))
    assert early.verdict is Verdict.DELAY and early.not_before == local(24, 9, 0)
    assert decide(group(), local(24, 9, 0)).posts
    assert decide(group(), local(24, 20, 59)).posts
    # 10:00 in Shanghai is 02:00 in London: quiet there, so it waits for 09:00 London.
    london = decide(group(zone=LONDON), local(24, 10, 0))
    assert london.verdict is Verdict.DELAY and london.reason is Reason.QUIET_HOURS
    assert london.not_before == local(24, 9, 0, LONDON)


def test_quiet_hours_helpers() -> None:
    assert in_quiet_hours(time(21, 0), CAPS) and in_quiet_hours(time(3, 0), CAPS)
    assert not in_quiet_hours(time(9, 0), CAPS) and not in_quiet_hours(time(20, 59), CAPS)
    daytime = CapsConfig(quiet_start=time(12, 0), quiet_end=time(14, 0))
    assert in_quiet_hours(time(13, 0), daytime) and not in_quiet_hours(time(14, 0), daytime)
    assert not in_quiet_hours(time(3, 0), CapsConfig(quiet_start=time(0), quiet_end=time(0)))
    zone = ZoneInfo(SHANGHAI)
    assert quiet_end_after(local(24, 23, 0).astimezone(zone), CAPS) == local(25, 9, 0)
    assert quiet_end_after(local(24, 2, 0).astimezone(zone), CAPS) == local(24, 9, 0)


# --- two posts per group per local day, three hours apart -----------------------------------


def test_two_posts_per_group_per_local_calendar_day() -> None:
    history = [past("g1", local(24, 9, 0)), past("g1", local(24, 12, 0))]
    third = decide(group(), local(24, 18, 0), history)
    assert (third.verdict, third.reason) == (Verdict.SUPPRESS, Reason.GROUP_DAILY)
    # The day is the group's own calendar day: 00:30 and 08:00 on the 24th in Shanghai are
    # both on the 23rd in UTC, and both count; 23:30 on the 23rd does not.
    history = [past("g1", local(24, 0, 30)), past("g1", local(24, 8, 0))]
    assert decide(group(), local(24, 18, 0), history).reason is Reason.GROUP_DAILY
    history = [past("g1", local(23, 23, 30)), past("g1", local(24, 0, 30))]
    assert decide(group(), local(24, 18, 0), history).posts
    yesterday = [past("g1", local(23, 12, 0)), past("g1", local(23, 18, 0))]
    assert decide(group(), local(24, 10, 0), yesterday).posts


def test_three_hours_between_posts_delay_or_suppress() -> None:
    soon = decide(group(), local(24, 12, 0), [past("g1", local(24, 10, 0))])
    assert (soon.verdict, soon.reason) == (Verdict.DELAY, Reason.MIN_GAP)
    assert soon.not_before == local(24, 13, 0)
    assert decide(group(), local(24, 13, 0), [past("g1", local(24, 10, 0))]).posts
    # The gap would end at 21:30, in quiet hours: not today at all.
    late = decide(group(), local(24, 19, 0), [past("g1", local(24, 18, 30))])
    assert (late.verdict, late.reason) == (Verdict.SUPPRESS, Reason.MIN_GAP)
    # Without quiet hours, a gap that ends after midnight is tomorrow's business.
    always = CapsConfig(quiet_start=time(0), quiet_end=time(0))
    night = decide(group(), local(24, 23, 0), [past("g1", local(24, 22, 30))], caps=always)
    assert (night.verdict, night.reason) == (Verdict.SUPPRESS, Reason.MIN_GAP)
    evening = decide(group(), local(24, 20, 0), [past("g1", local(24, 19, 0))], caps=always)
    assert evening.verdict is Verdict.DELAY and evening.not_before == local(24, 22, 0)


# --- the same product in the same chat ------------------------------------------------------


def test_same_product_not_again_in_the_same_chat_within_72_hours() -> None:
    recently = [past("g1", local(21, 10, 0) + timedelta(hours=1), ["ROSE"])]  # 71 h before
    again = decide(group(), local(24, 10, 0), recently)
    assert (again.verdict, again.reason) == (Verdict.SUPPRESS, Reason.PRODUCT_COOLDOWN)
    long_ago = [past("g1", local(21, 10, 0), ["ROSE"])]  # exactly 72 h
    assert decide(group(), local(24, 10, 0), long_ago).posts
    assert decide(group(), local(24, 10, 0), recently, skus=["SILK"]).posts


def test_multi_product_post_drops_the_cooled_down_products() -> None:
    history = [past("g1", local(23, 10, 0), ["ROSE"])]
    decision = decide(group(), local(24, 14, 0), history, skus=["ROSE", "SILK", "ORANGE"])
    assert decision.posts and decision.skus == {"SILK", "ORANGE"}


# --- subscribers -------------------------------------------------------------------------


def test_subscriber_at_most_one_a_day() -> None:
    history = [past("sub-ann", local(24, 9, 30), ["TEA"], ["sub-ann"])]
    decision = decide(subscriber("sub-ann"), local(24, 18, 0), history)
    assert (decision.verdict, decision.reason) == (Verdict.SUPPRESS, Reason.SUBSCRIBER_DAILY)
    assert decide(subscriber("sub-ann"), local(25, 10, 0), history).posts


def test_subscriber_at_most_three_in_a_rolling_week() -> None:
    def got(day: int) -> PastPost:
        return past("sub-ann", local(day, 10, 0), [f"P{day}"], ["sub-ann"])

    within = [got(18), got(20), got(23)]
    decision = decide(subscriber("sub-ann"), local(24, 10, 0), within)
    assert (decision.verdict, decision.reason) == (Verdict.SUPPRESS, Reason.SUBSCRIBER_WEEKLY)
    rolled = [got(17), got(20), got(23)]  # the first is exactly 7 days old
    assert decide(subscriber("sub-ann"), local(24, 10, 0), rolled).posts


# --- the shop's budget -----------------------------------------------------------------


def test_shop_daily_budget_counts_every_chat_of_the_shop_day() -> None:
    caps = CapsConfig(shop_daily_budget=3)
    today = [past(f"other{i}", local(24, 9 + i, 0)) for i in range(3)]
    decision = decide(group(), local(24, 15, 0), today, caps=caps)
    assert (decision.verdict, decision.reason) == (Verdict.SUPPRESS, Reason.SHOP_BUDGET)
    yesterday = [past(f"other{i}", local(23, 9 + i, 0)) for i in range(3)]
    assert decide(group(), local(24, 15, 0), yesterday, caps=caps).posts
    # Within one broadcast the budget is spent as it goes; the larger groups first.
    audiences = [group(f"g{n}", [f"p{n}-{i}" for i in range(n)]) for n in range(1, 6)]
    decisions = decide_broadcast(
        ["ROSE"], local(24, 10, 0), audiences, [], CapsConfig(shop_daily_budget=2), SHANGHAI
    )
    assert [d.chat_key for d in decisions] == ["g1", "g2", "g3", "g4", "g5"]
    assert [d.verdict for d in decisions] == [Verdict.SUPPRESS] * 3 + [Verdict.POST] * 2
    assert {d.reason for d in decisions[:3]} == {Reason.SHOP_BUDGET}


def test_shop_day_is_the_shop_time_zone() -> None:
    caps = CapsConfig(shop_daily_budget=1)
    # 23:30 London on the 23rd is 07:30 on the 24th in Shanghai: the same shop day as 10:00.
    history = [past("other", local(23, 23, 30, LONDON))]
    decision = decide(group(zone=LONDON), local(24, 10, 0, LONDON), history, caps=caps)
    assert decision.reason is Reason.SHOP_BUDGET
    other_day = decide(
        group(zone=LONDON), local(24, 10, 0, LONDON), history, caps=caps, shop_zone=LONDON
    )
    assert other_day.posts


# --- who may be reached at all -----------------------------------------------------------


def test_disabled_opted_out_and_unreachable_are_suppressed() -> None:
    noon = local(24, 12, 0)
    assert decide(group(enabled=False), noon).reason is Reason.NOT_ENABLED
    assert decide(subscriber("sub-ann", enabled=False), noon).reason is Reason.OPTED_OUT
    gone = decide(group(reachable=False, enabled=False), noon)
    assert (gone.verdict, gone.reason) == (Verdict.SUPPRESS, Reason.UNREACHABLE)
    # Even at night: nothing to wait for in a chat the shop may not post in.
    assert decide(group(enabled=False), local(24, 23, 0)).verdict is Verdict.SUPPRESS


# --- the same person through two chats ---------------------------------------------------


def test_overlap_larger_group_first_other_suppressed_with_the_group_that_got_it() -> None:
    small = group("small", ["ann", "bob"])
    large = group("large", ["ann", "cat", "dan", "eve"])
    decisions = decide_broadcast(["ROSE"], local(24, 10, 0), [small, large], [], CAPS, SHANGHAI)
    assert [d.chat_key for d in decisions] == ["small", "large"]
    assert decisions[1].posts
    assert (decisions[0].verdict, decisions[0].reason) == (Verdict.SUPPRESS, Reason.OVERLAP)
    assert decisions[0].detail == "large"
    # A subscriber who is in the group is not sent the same product privately.
    sub = decide_broadcast(
        ["ROSE"], local(24, 10, 0), [subscriber("ann"), large], [], CAPS, SHANGHAI
    )
    assert sub[0].reason is Reason.OVERLAP and sub[0].detail == "large"


def test_overlap_through_history_ends_with_the_cooldown() -> None:
    small = group("small", ["ann", "bob"])
    recent = [past("large", local(21, 11, 0), ["ROSE"], ["ann", "cat"])]  # 71 h before
    decision = decide(small, local(24, 10, 0), recent)
    assert decision.reason is Reason.OVERLAP and decision.detail == "large"
    older = [past("large", local(21, 10, 0), ["ROSE"], ["ann", "cat"])]
    assert decide(small, local(24, 10, 0), older).posts
    assert decide(small, local(24, 10, 0), recent, skus=["SILK"]).posts


def test_unknown_members_never_overlap() -> None:
    decisions = decide_broadcast(
        ["ROSE"], local(24, 10, 0), [group("a"), group("b")], [], CAPS, SHANGHAI
    )
    assert all(d.posts for d in decisions)


# --- fatigue and a group's own caps ------------------------------------------------------


def test_fatigue_halves_the_daily_cap_and_doubles_the_gap() -> None:
    tired = with_fatigue(group(), 2.0, "no_reaction:4")
    decision = decide(tired, local(24, 15, 0), [past("g1", local(24, 9, 0))])
    assert (decision.verdict, decision.reason) == (Verdict.SUPPRESS, Reason.GROUP_DAILY)
    assert decision.detail == "no_reaction:4"
    assert decide(group(), local(24, 15, 0), [past("g1", local(24, 9, 0))]).posts
    four = CapsConfig(group_daily=4)
    tired = with_fatigue(group(caps=four), 2.0, "no_reaction:4")
    gap = decide(tired, local(24, 14, 0), [past("g1", local(24, 10, 0))])
    assert (gap.verdict, gap.reason, gap.not_before) == (
        Verdict.DELAY,
        Reason.MIN_GAP,
        local(24, 16, 0),
    )


def test_a_groups_own_caps_override_the_shop_defaults() -> None:
    once = group(caps=CapsConfig(group_daily=1))
    assert decide(once, local(24, 15, 0), [past("g1", local(24, 9, 0))]).reason is (
        Reason.GROUP_DAILY
    )
    short = group(caps=CapsConfig(product_cooldown=timedelta(hours=24)))
    history = [past("g1", local(23, 9, 0), ["ROSE"])]
    assert decide(short, local(24, 10, 0), history).posts
    assert decide(group(), local(24, 10, 0), history).reason is Reason.PRODUCT_COOLDOWN
    late = group(caps=CapsConfig(quiet_start=time(23, 0), quiet_end=time(7, 0)))
    assert decide(late, local(24, 22, 0)).posts
    assert decide(late, local(24, 23, 0)).not_before == local(25, 7, 0)


def test_a_group_capped_at_zero_a_day_gets_nothing_even_when_fatigued() -> None:
    """Fatigue keeps at least one post a day; it must not turn a cap of 0 into 1."""
    silent = group(caps=CapsConfig(group_daily=0))
    assert decide(silent, local(24, 10, 0)).reason is Reason.GROUP_DAILY
    assert decide(with_fatigue(silent, 2.0, "x"), local(24, 10, 0)).reason is Reason.GROUP_DAILY
    one = with_fatigue(group(caps=CapsConfig(group_daily=1)), 2.0, "x")
    assert decide(one, local(24, 10, 0)).posts


def test_history_answers_per_chat_per_person_per_interval() -> None:
    history = History(
        [
            past("g1", local(24, 10, 0), ["ROSE"], ["ann"]),
            past("g2", local(24, 12, 0), ["SILK"], ["ann", "bob"]),
        ]
    )
    assert [p.chat_key for p in history.of_chat("g1")] == ["g1"]
    assert [p.chat_key for p in history.reaching("ann")] == ["g1", "g2"]
    assert history.reaching("nobody") == []
    assert history.count_between(local(24, 0, 0), local(25, 0, 0)) == 2
    assert history.count_between(local(24, 11, 0), local(25, 0, 0)) == 1


# --- History: the indexes answer what a scan of every post would ------------------------

HISTORY_START = datetime(2026, 11, 23, tzinfo=UTC)
PEOPLE = ("ann", "bob", "cat")
# Small domains, so that posts and questions collide: the same product, people and look-
# back asked again later (the window slides) or earlier (it is rebuilt), posts arriving
# late into a window already kept.
HOURS = st.integers(0, 48).map(lambda h: HISTORY_START + timedelta(hours=h))


def subsets(items: Sequence[str], min_size: int = 0) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(items), min_size=min_size)


POSTS = st.builds(
    PastPost,
    chat_key=st.sampled_from(["g1", "g2"]),
    skus=subsets(["A", "B"], min_size=1),
    at=HOURS,
    kind=st.just(AudienceKind.GROUP),
    recipients=subsets(PEOPLE, min_size=1),
)
Query = tuple[frozenset[str], frozenset[str], datetime, timedelta, str]
QUERIES: st.SearchStrategy[Query] = st.tuples(
    subsets(PEOPLE, min_size=1),  # the chat's people
    subsets(["A", "B"], min_size=1),  # the products
    HOURS,  # until
    st.sampled_from([timedelta(hours=6), timedelta(hours=24)]),  # the look-back
    st.sampled_from(["g1", "g2"]),  # the chat asking
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(POSTS, QUERIES), max_size=30))
def test_history_indexes_agree_with_a_full_scan(steps: list[PastPost | Query]) -> None:
    """Posts arrive in any order, questions move back and forth in time: the windows the
    history keeps must still give the answer a scan of every post gives."""
    history, posts = History(), []
    for step in steps:
        if isinstance(step, PastPost):
            history.add(step)
            posts.append(step)
            continue
        people, skus, until, look_back, chat = step
        after = until - look_back
        witnesses = {
            (p.chat_key, person)
            for p in posts
            if p.chat_key != chat and p.skus & skus and after < p.at <= until
            for person in p.recipients & people
        }
        found = history.reached_elsewhere(people, skus, after, until, chat)
        assert (found is not None) == bool(witnesses), (found, witnesses)
        assert found is None or found in witnesses
        mine = [p for p in posts if p.chat_key == chat and after < p.at <= until]
        assert sorted(history.of_chat_between(chat, after, until), key=id) == sorted(mine, key=id)
        assert history.count_between(after, until) == sum(after <= p.at < until for p in posts)


def test_history_forgets_a_person_when_their_latest_post_leaves_the_window() -> None:
    ann, bob = frozenset({"ann"}), frozenset({"bob"})
    history = History([PastPost("g1", frozenset({"A"}), local(24, 10), AudienceKind.GROUP, ann)])
    assert history.reached_elsewhere(ann, frozenset({"A"}), local(24, 9), local(24, 11), "g2") == (
        "g1",
        "ann",
    )
    # Later, with the same look-back: the window slides past the post.
    assert (
        history.reached_elsewhere(ann, frozenset({"A"}), local(24, 12), local(24, 14), "g2") is None
    )
    # A post arriving late, older than the newest one, into a window already kept.
    history.add(PastPost("g3", frozenset({"A"}), local(24, 13), AudienceKind.GROUP, bob))
    history.add(PastPost("g4", frozenset({"A"}), local(24, 12, 30), AudienceKind.GROUP, ann))
    found = history.reached_elsewhere(
        ann, frozenset({"A"}), local(24, 12, 15), local(24, 14, 15), "g2"
    )
    assert found == ("g4", "ann")


# --- properties: random shops through the live loop -------------------------------------

ZONES = ("Asia/Shanghai", "Asia/Singapore", "Europe/London", "America/Los_Angeles")
SKU_POOL = ("ROSE", "SILK", "ORANGE", "TEA", "PEAR")
# Spans that cross the 2026 daylight-saving changes of London and Los Angeles.
STARTS = (date(2026, 3, 5), date(2026, 3, 26), date(2026, 10, 22), date(2026, 10, 29))
QUIET = ((time(21), time(9)), (time(22), time(7)), (time(0), time(6)), (time(0), time(0)))


@dataclass(frozen=True)
class Shop:
    """One random shop: what ``simulate`` is given, and what the checks need to know."""

    campaigns: list[Campaign]
    groups: list[Audience]
    subscribers: list[Audience]
    caps: CapsConfig
    timezone: str
    start: datetime
    days: int

    def audiences(self, campaign: Campaign) -> list[Audience]:
        if campaign.target == "subscribers":
            return self.subscribers
        if campaign.target == "groups":
            return [g for g in self.groups if g.chat_key in campaign.groups]
        return self.groups


@st.composite
def caps_configs(draw: st.DrawFn, zero_daily: bool = False) -> CapsConfig:
    quiet_start, quiet_end = draw(st.sampled_from(QUIET))
    return CapsConfig(
        group_daily=draw(st.integers(0 if zero_daily else 1, 4)),
        group_min_gap=timedelta(minutes=draw(st.sampled_from([0, 45, 90, 180, 240]))),
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        product_cooldown=timedelta(hours=draw(st.sampled_from([12, 24, 72]))),
        subscriber_daily=draw(st.integers(1, 2)),
        subscriber_weekly=draw(st.integers(1, 4)),
        shop_daily_budget=draw(st.sampled_from([1, 3, 8, 50])),
    )


# Times of day in 15-minute steps, mostly in the daytime where the caps other than quiet
# hours get to bind.
QUARTER_HOURS = (st.integers(0, 24 * 4 - 1) | st.integers(8 * 4, 20 * 4)).map(
    lambda q: f"{q // 4:02d}:{q % 4 * 15:02d}"
)


@st.composite
def campaigns(draw: st.DrawFn, index: int, busy: bool = False) -> Campaign:
    weekdays = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
    if busy:  # its own product, so only the timing caps hold it back
        products = [f"SKU{index}"]
    else:
        products = draw(st.lists(st.sampled_from(SKU_POOL), min_size=1, max_size=3, unique=True))
    targets = ["all_groups"] if busy else ["all_groups", "all_groups", "subscribers", "groups"]
    return Campaign(
        id=f"c{index}",
        products=products,
        schedule=Schedule(
            times=draw(st.lists(QUARTER_HOURS, min_size=1, max_size=4 if busy else 3, unique=True)),
            weekdays=weekdays,
        ),
        target=draw(st.sampled_from(targets)),
        groups=["g0", "g2"],
    )


@st.composite
def shops(draw: st.DrawFn, busy: bool = False) -> Shop:
    """Random groups with overlapping members; ``busy``: many campaigns of distinct
    products into a few always-open groups, so the daily, gap and quiet caps do the work."""
    people = [f"p{i}" for i in range(draw(st.integers(2, 30)))]
    members = st.lists(st.sampled_from(people), max_size=8, unique=True)
    groups = [
        Audience(
            chat_key=f"g{i}",
            kind=AudienceKind.GROUP,
            timezone=draw(st.sampled_from(ZONES)),
            members=frozenset() if busy else frozenset(draw(members)),
            enabled=busy or draw(st.integers(0, 3)) > 0,
            fatigue=draw(st.sampled_from([1.0, 1.0, 2.0])),
            caps=None if busy else draw(st.none() | caps_configs(zero_daily=True)),
            reachable=busy or draw(st.integers(0, 9)) > 0,
        )
        for i in range(draw(st.integers(1, 3 if busy else 6)))
    ]
    subscribers = [
        Audience(
            chat_key=person,
            kind=AudienceKind.SUBSCRIBER,
            timezone=draw(st.sampled_from(ZONES)),
            members=frozenset({person}),
            enabled=draw(st.integers(0, 4)) > 0,
        )
        for person in draw(
            st.lists(st.sampled_from(people), max_size=0 if busy else 4, unique=True)
        )
    ]
    caps = draw(caps_configs())
    if busy:
        cooldown = timedelta(hours=draw(st.sampled_from([0, 0, 12])))
        caps = replace(caps, shop_daily_budget=1000, product_cooldown=cooldown)
    count = draw(st.integers(3, 7) if busy else st.integers(1, 5))
    return Shop(
        campaigns=[draw(campaigns(i, busy)) for i in range(count)],
        groups=groups,
        subscribers=subscribers,
        caps=caps,
        timezone=draw(st.sampled_from(ZONES)),
        start=datetime.combine(draw(st.sampled_from(STARTS)), time(0), tzinfo=UTC)
        + timedelta(hours=draw(st.integers(0, 23))),
        days=draw(st.integers(2, 10)),
    )


def effective(audience: Audience, shop_caps: CapsConfig) -> tuple[CapsConfig, int, timedelta]:
    """The caps a chat lives under: its own or the shop's, slowed by fatigue."""
    caps = audience.caps or shop_caps
    factor = max(audience.fatigue, 1.0)
    daily = int(caps.group_daily / factor)
    if caps.group_daily > 0:
        daily = max(1, daily)
    return caps, daily, caps.group_min_gap * factor


PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY_SETTINGS
@given(shops())
def test_no_simulated_post_ever_exceeds_a_cap(shop: Shop) -> None:
    check_every_cap(shop)


@PROPERTY_SETTINGS
@given(shops(busy=True))
def test_no_simulated_post_exceeds_a_cap_in_busy_groups(shop: Shop) -> None:
    check_every_cap(shop)


def check_every_cap(shop: Shop) -> None:
    """Run the shop through the live loop and check every cap on the posts that result."""
    caps, zone, start = shop.caps, shop.timezone, shop.start
    preview = simulate(
        shop.campaigns, shop.audiences, [], caps, zone, start, shop.days, RateLimits()
    )
    end = start + timedelta(days=shop.days)
    by_key = {a.chat_key: a for a in [*shop.groups, *shop.subscribers]}

    # Completeness: every slot of every campaign reaches a final word for every target.
    expected = {
        (c.id, slot, a.chat_key)
        for c in shop.campaigns
        for slot in fire_times(c, zone, start, end)
        for a in shop.audiences(c)
    }
    seen = [(p.campaign_id, p.slot, p.chat_key) for p in preview.posts]
    assert len(seen) == len(set(seen)) and set(seen) == expected
    for p in preview.posts:
        assert start <= p.slot <= p.at < end
        if p.decision.verdict is Verdict.DELAY:
            assert p.decision.not_before is not None and p.decision.not_before >= end

    posts = sorted((p for p in preview.posts if p.decision.posts), key=lambda p: p.at)
    per_chat: dict[str, list[tuple[datetime, frozenset[str]]]] = defaultdict(list)
    shop_days: dict[date, int] = defaultdict(int)
    reached: dict[str, list[tuple[datetime, str, frozenset[str]]]] = defaultdict(list)
    for p in posts:
        assert p.decision.skus, p
        per_chat[p.chat_key].append((p.at, p.decision.skus))
        shop_days[p.at.astimezone(ZoneInfo(zone)).date()] += 1
        for person in by_key[p.chat_key].members:
            reached[person].append((p.at, p.chat_key, p.decision.skus))
    assert all(count <= caps.shop_daily_budget for count in shop_days.values()), shop_days

    for chat, sent in per_chat.items():
        audience = by_key[chat]
        assert audience.enabled and audience.reachable
        own, daily, gap = effective(audience, caps)
        chat_zone = ZoneInfo(audience.timezone)
        per_day: dict[date, int] = defaultdict(int)
        for at, _ in sent:
            assert not in_quiet_hours(at.astimezone(chat_zone).time(), own), (chat, at)
            per_day[at.astimezone(chat_zone).date()] += 1
        for i, (earlier, skus_a) in enumerate(sent):
            for later, skus_b in sent[i + 1 :]:
                assert later - earlier >= own.product_cooldown or not skus_a & skus_b
        if audience.kind is AudienceKind.GROUP:
            assert max(per_day.values()) <= daily, (chat, per_day)
            for (earlier, _), (later, _) in pairwise(sent):
                assert later - earlier >= gap, (chat, earlier, later)
        else:
            assert max(per_day.values()) <= own.subscriber_daily, (chat, per_day)
            times = [at for at, _ in sent]
            for i, first in enumerate(times):
                window = [t for t in times[i:] if t - first < timedelta(days=7)]
                assert len(window) <= own.subscriber_weekly, (chat, times)

    # Nobody gets the same product through two chats within the cool-down (of the chat
    # that would be second: the one whose caps decided it).
    for person, got in reached.items():
        for i, (earlier, chat_a, skus_a) in enumerate(got):
            for later, chat_b, skus_b in got[i + 1 :]:
                if chat_a != chat_b and skus_a & skus_b:
                    cooldown = (by_key[chat_b].caps or caps).product_cooldown
                    assert later - earlier >= cooldown, (person, chat_a, chat_b, earlier, later)


def test_two_times_of_day_on_one_moment_are_one_slot() -> None:
    # 01:00 and 02:00 in London on 29 March 2026 are both 01:00 UTC (clocks go forward).
    campaign = Campaign(id="c", products=["SKU0"], schedule=Schedule(times=["01:00", "02:00"]))
    start = datetime(2026, 3, 29, tzinfo=UTC)
    slots = list(fire_times(campaign, "Europe/London", start, start + timedelta(days=1)))
    assert slots == [datetime(2026, 3, 29, 1, 0, tzinfo=UTC)]
