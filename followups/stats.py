"""What follow-ups earned, per month: orders, revenue, repeat purchase, follow-ups sent
and converted, top products. Pure: purchases and the follow-up log in, numbers out.

An order is a repeat order when its customer had ordered before (at any time); a month's
repeat-purchase rate is the share of that month's buyers who placed a repeat order in it.
A follow-up is converted when its customer orders within 7 days after it was sent.
Revenue is the items' value (shipping is not the shop's earning).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.store import FollowUp, FollowUpOutcome, Purchase

CONVERSION_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class MonthStats:
    month: str  # YYYY-MM, shop time
    orders: int
    revenue_minor: int
    buyers: int
    repeat_buyers: int
    repeat_revenue_minor: int
    followups_sent: int
    followups_converted: int

    @property
    def repeat_rate(self) -> float:
        return self.repeat_buyers / self.buyers if self.buyers else 0.0


@dataclass(frozen=True, slots=True)
class Stats:
    months: tuple[MonthStats, ...]
    top_products: tuple[tuple[str, int, int], ...]  # (sku, units, revenue), best first


def month_keys(today: date, months: int) -> list[str]:
    """The last ``months`` months up to ``today``'s, oldest first."""
    year, month = today.year, today.month
    keys = []
    for _ in range(months):
        keys.append(f"{year:04}-{month:02}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def compute(
    purchases: Sequence[Purchase],
    followups: Sequence[FollowUp],
    timezone: str,
    today: date,
    months: int,
    top: int = 5,
) -> Stats:
    """``purchases`` must be the full history, oldest first (to tell a repeat order)."""
    zone = ZoneInfo(timezone)
    keys = month_keys(today, months)
    wanted = set(keys)
    first_order: dict[str, tuple[datetime, str]] = {}
    orders: dict[str, set[str]] = defaultdict(set)
    revenue: Counter[str] = Counter()
    buyers: dict[str, set[str]] = defaultdict(set)
    repeaters: dict[str, set[str]] = defaultdict(set)
    repeat_revenue: Counter[str] = Counter()
    units: Counter[str] = Counter()
    earned: Counter[str] = Counter()
    order_times: dict[str, list[datetime]] = defaultdict(list)
    for p in purchases:
        known = first_order.setdefault(p.customer_key, (p.at, p.order_number))
        if not order_times[p.customer_key] or order_times[p.customer_key][-1] != p.at:
            order_times[p.customer_key].append(p.at)
        month = p.at.astimezone(zone).strftime("%Y-%m")
        if month not in wanted:
            continue
        orders[month].add(p.order_number)
        revenue[month] += p.amount_minor
        buyers[month].add(p.customer_key)
        if known[1] != p.order_number:
            repeaters[month].add(p.customer_key)
            repeat_revenue[month] += p.amount_minor
        units[p.sku] += p.qty
        earned[p.sku] += p.amount_minor
    sent: Counter[str] = Counter()
    converted: Counter[str] = Counter()
    for f in followups:
        if f.outcome is not FollowUpOutcome.SENT:
            continue
        month = f.at.astimezone(zone).strftime("%Y-%m")
        if month not in wanted:
            continue
        sent[month] += 1
        if any(f.at < at <= f.at + CONVERSION_WINDOW for at in order_times[f.customer_key]):
            converted[month] += 1
    rows = tuple(
        MonthStats(
            month,
            len(orders[month]),
            revenue[month],
            len(buyers[month]),
            len(repeaters[month]),
            repeat_revenue[month],
            sent[month],
            converted[month],
        )
        for month in keys
    )
    best = sorted(units, key=lambda sku: (-earned[sku], sku))[:top]
    return Stats(rows, tuple((sku, units[sku], earned[sku]) for sku in best))
