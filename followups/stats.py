"""What follow-ups earned, per month: orders, revenue, repeat purchase, follow-ups sent
and converted, top products. Pure: purchases and the follow-up log in, numbers out.

An order is a repeat order when its customer had ordered before (at any time); a month's
repeat-purchase rate is the share of that month's buyers who placed a repeat order in it.
A follow-up is converted when its customer orders within 7 days after it was sent.
Revenue is the items' value (shipping is not the shop's earning).

``compute`` reads every purchase line; ``from_sales`` reads the same sums made by the store
(``records.sales``) and the order times of the customers followed up. Both end in
``_stats``, and a test holds them to the same numbers on generated histories.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.store import (
    FollowUp,
    FollowUpOutcome,
    MonthSales,
    ProductSales,
    Purchase,
    SalesSummary,
)

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


def month_bounds(today: date, months: int) -> tuple[str, str]:
    """The first and last of ``month_keys``."""
    keys = month_keys(today, months)
    return keys[0], keys[-1]


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
    sales = {
        month: MonthSales(
            month,
            len(orders[month]),
            revenue[month],
            len(buyers[month]),
            len(repeaters[month]),
            repeat_revenue[month],
        )
        for month in orders
    }
    products = [ProductSales(sku, units[sku], earned[sku]) for sku in units]
    return _stats(keys, sales, products, followups, order_times, zone, top)


def from_sales(
    sales: SalesSummary,
    followups: Sequence[FollowUp],
    order_times: Mapping[str, Sequence[datetime]],
    timezone: str,
    today: date,
    months: int,
    top: int = 5,
) -> Stats:
    """``compute`` from the store's sums of the months (``month_bounds``) and the order
    times of every customer followed up in them (at least from the first month on)."""
    keys = month_keys(today, months)
    by_month = {m.month: m for m in sales.months}
    return _stats(keys, by_month, sales.products, followups, order_times, ZoneInfo(timezone), top)


def _stats(
    keys: list[str],
    sales: Mapping[str, MonthSales],
    products: Iterable[ProductSales],
    followups: Sequence[FollowUp],
    order_times: Mapping[str, Sequence[datetime]],
    zone: ZoneInfo,
    top: int,
) -> Stats:
    wanted = set(keys)
    sent: Counter[str] = Counter()
    converted: Counter[str] = Counter()
    for f in followups:
        if f.outcome is not FollowUpOutcome.SENT:
            continue
        month = f.at.astimezone(zone).strftime("%Y-%m")
        if month not in wanted:
            continue
        sent[month] += 1
        times = order_times.get(f.customer_key, ())
        if any(f.at < at <= f.at + CONVERSION_WINDOW for at in times):
            converted[month] += 1
    none = MonthSales("", 0, 0, 0, 0, 0)
    rows = tuple(
        MonthStats(
            month,
            sales.get(month, none).orders,
            sales.get(month, none).revenue_minor,
            sales.get(month, none).buyers,
            sales.get(month, none).repeat_buyers,
            sales.get(month, none).repeat_revenue_minor,
            sent[month],
            converted[month],
        )
        for month in keys
    )
    best = sorted(products, key=lambda p: (-p.revenue_minor, p.sku))[:top]
    return Stats(rows, tuple((p.sku, p.units, p.revenue_minor) for p in best))
