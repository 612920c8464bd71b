"""The due policy over generated histories: steady, irregular, one-off, seasonal and
imported-plus-live buyers, each checked against what the owner expects to see."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from followups.due import Contact, DuePolicy, Purchase, Status, due_list, usual_interval

START = date(2026, 1, 5)
POLICY = DuePolicy(lead_days=2, recontact_days=14)


def steady(customer: str, sku: str, every: int, times: int, start: date = START) -> list[Purchase]:
    return [
        Purchase(customer, sku, start + timedelta(days=every * i), 1, 5990) for i in range(times)
    ]


def keys(history: list[Purchase], today: date, **kwargs: object) -> list[str]:
    return [c.customer_key for c in due_list(history, {}, {}, today, POLICY, **kwargs)]  # type: ignore[arg-type]


@given(every=st.integers(3, 120), times=st.integers(2, 12), lead=st.integers(0, 2))
def test_a_steady_buyer_is_due_lead_days_before_their_usual_gap(
    every: int, times: int, lead: int
) -> None:
    history = steady("ann", "ROSE-MASK", every, times)
    last = history[-1].day
    policy = DuePolicy(lead_days=lead)
    due_day = last + timedelta(days=every - lead)
    assert due_list(history, {}, {}, due_day - timedelta(days=1), policy) == []
    [ann] = due_list(history, {}, {}, due_day, policy)
    assert ann.main.interval_days == every and ann.main.from_history
    assert ann.status is Status.DUE
    # Lapsed once more than twice the interval has passed without any order.
    [later] = due_list(history, {}, {}, last + timedelta(days=2 * every + 1), policy)
    assert later.status is Status.LAPSED
    [edge] = due_list(history, {}, {}, last + timedelta(days=2 * every), policy)
    assert edge.status is Status.DUE


@given(gaps=st.lists(st.integers(1, 90), min_size=1, max_size=10))
def test_an_irregular_buyer_uses_the_median_gap(gaps: list[int]) -> None:
    days = [START]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    interval = usual_interval(days, reorder_days=30)
    assert interval is not None
    median = sorted(gaps)[len(gaps) // 2] if len(gaps) % 2 else None
    if median is not None:
        assert interval == (median, True)
    assert min(gaps) <= interval[0] <= max(gaps)
    # An even count takes the mean of the middle two, rounded half to even.
    assert interval == (max(1, round(statistics.median(gaps))), True)


@given(reorder=st.one_of(st.none(), st.integers(1, 365)), waited=st.integers(0, 800))
def test_a_one_off_buyer_follows_the_catalog_or_nothing(reorder: int | None, waited: int) -> None:
    history = [Purchase("bo", "TEA", START, 2, 3000)]
    today = START + timedelta(days=waited)
    found = due_list(history, {"TEA": reorder}, {}, today, POLICY)
    if reorder is None or waited < reorder - POLICY.lead_days:
        assert found == []
    else:
        [bo] = found
        assert not bo.main.from_history and bo.main.interval_days == reorder
        assert bo.main.usual_qty == 2


@given(every=st.integers(5, 60), reorder_after=st.integers(0, 10))
def test_a_reorder_clears_the_reminder(every: int, reorder_after: int) -> None:
    history = steady("ann", "ROSE-MASK", every, 3)
    due_day = history[-1].day + timedelta(days=every - 2)
    reordered = Purchase("ann", "ROSE-MASK", due_day + timedelta(days=reorder_after), 1, 5990)
    today = reordered.day
    assert due_list([*history, reordered], {}, {}, today, POLICY) == []


def test_a_seasonal_buyer_is_reminded_by_their_yearly_rhythm() -> None:
    # Lychees every June: 365-day gaps, so not due in winter, due at the end of May.
    history = [Purchase("cy", "LYCHEE", date(year, 6, 10), 3, 9000) for year in (2023, 2024, 2025)]
    assert due_list(history, {"LYCHEE": 7}, {}, date(2025, 12, 1), POLICY) == []
    # A leap year in between: gaps of 366 and 365 days, a median of 365.5 read as 366.
    assert due_list(history, {"LYCHEE": 7}, {}, date(2026, 6, 8), POLICY) == []
    [cy] = due_list(history, {"LYCHEE": 7}, {}, date(2026, 6, 9), POLICY)
    assert cy.main.interval_days == 366 and cy.main.usual_qty == 3


def test_imported_and_live_purchases_make_one_history() -> None:
    imported = steady("dee", "ROSE-MASK", 30, 2, start=date(2025, 10, 1))
    live = [Purchase("dee", "ROSE-MASK", date(2025, 11, 30), 1, 5990)]
    [dee] = due_list([*imported, *live], {}, {}, date(2025, 12, 28), POLICY)
    assert dee.main.purchases == 3 and dee.main.interval_days == 30


@given(
    opted_out=st.booleans(),
    followed_up_ago=st.one_of(st.none(), st.integers(0, 40)),
    snoozed_for=st.one_of(st.none(), st.integers(-5, 10)),
)
def test_opt_out_recent_follow_up_and_snooze_hold_a_customer_back(
    opted_out: bool, followed_up_ago: int | None, snoozed_for: int | None
) -> None:
    history = steady("ann", "ROSE-MASK", 20, 4)
    today = history[-1].day + timedelta(days=25)
    contact = Contact(
        opted_out=opted_out,
        last_followup=None if followed_up_ago is None else today - timedelta(followed_up_ago),
        snoozed_until=None if snoozed_for is None else today + timedelta(snoozed_for),
    )
    found = due_list(history, {}, {"ann": contact}, today, POLICY)
    held = (
        opted_out
        or (followed_up_ago is not None and followed_up_ago < 14)
        or (snoozed_for is not None and snoozed_for > 0)
    )
    assert (found == []) == held


@given(
    buyers=st.lists(
        st.tuples(st.integers(5, 60), st.integers(2, 6), st.integers(100, 100_000)),
        min_size=1,
        max_size=12,
    )
)
def test_the_list_is_ranked_by_value_and_how_overdue(buyers: list[tuple[int, int, int]]) -> None:
    history = []
    for n, (every, times, price) in enumerate(buyers):
        for i in range(times):
            history.append(
                Purchase(f"c{n}", "ROSE-MASK", START + timedelta(days=every * i), 1, price)
            )
    today = START + timedelta(days=400)
    ranked = due_list(history, {}, {}, today, POLICY)
    assert {c.customer_key for c in ranked} == {f"c{n}" for n in range(len(buyers))}
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    # A later purchase than "today" is ignored: as of an earlier day, the history ends then.
    assert keys(history, START - timedelta(days=1)) == []


def test_the_most_overdue_product_leads_and_the_others_follow() -> None:
    history = [*steady("ann", "ROSE-MASK", 30, 3), *steady("ann", "TEA", 10, 8)]
    today = START + timedelta(days=100)
    [ann] = due_list(history, {}, {}, today, POLICY)
    assert [p.sku for p in ann.products] == ["TEA", "ROSE-MASK"]
    assert ann.lifetime_minor == 11 * 5990
