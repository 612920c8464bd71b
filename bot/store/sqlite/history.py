"""Purchase history grouped where it lives: per customer and product for the due list, per
month and product for the statistics. A shop with a million orders is read as a few hundred
thousand grouped rows instead of a million Python objects (issue 12's due list and
``chatshop stats``); the rules themselves stay in followups (due, stats).

Days and months are the shop's, but SQLite knows no time zones: the zone's UTC offset over
the span of the orders is worked out here (``offset_spans``, exact to the second) and handed
to SQL, as one modifier when the zone kept one offset, else as a CASE over the order's
epoch second.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from sys import intern
from zoneinfo import ZoneInfo

from bot.store.models import (
    MonthSales,
    OrderStatus,
    ProductSales,
    PurchaseHistory,
    SalesSummary,
)
from bot.store.sqlite.db import Database

_DAY_S = 86_400
# Offsets are sampled this often and bisected where they change: no zone changes its
# offset twice within six hours.
_SAMPLE_S = 6 * 3600
_CANCELLED = OrderStatus.CANCELLED.value
# The order's time to the whole second, with its UTC offset: SQLite rounds fractional
# seconds to milliseconds, which would make 23:59:59.9996 the next day; the whole second
# decides the day in every zone (offsets and their changes are whole seconds).
_STORED = "(substr(o.created_at, 1, 19) || substr(o.created_at, -6))"
# Its epoch second (strftime('%s') rather than unixepoch(), which needs SQLite 3.38).
_EPOCH = f"CAST(strftime('%s', {_STORED}) AS INTEGER)"


def offset_spans(timezone: str, first: int, last: int) -> list[tuple[int, int]]:
    """The zone's UTC offset in seconds from each epoch second on, over [first, last]:
    ``[(start, offset), ...]`` ascending, the first start being ``first``."""
    zone = ZoneInfo(timezone)

    def offset(second: int) -> int:
        moment = datetime.fromtimestamp(second, UTC).astimezone(zone)
        delta = moment.utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    spans = [(first, offset(first))]
    at = first
    while at < last:
        step = min(at + _SAMPLE_S, last)
        if offset(step) != spans[-1][1]:
            # The first second with the new offset lies in (at, step].
            low, high = at, step
            while high - low > 1:
                middle = (low + high) // 2
                if offset(middle) == spans[-1][1]:
                    low = middle
                else:
                    high = middle
            spans.append((high, offset(high)))
        at = step
    return spans


def _shop_time_sql(spans: list[tuple[int, int]], form: str) -> tuple[str, list[object]]:
    """SQL for the order's time in the shop's zone written by strftime ``form``, and its
    parameters: one offset is a modifier on the stored text (parsed once a row); several
    are a CASE over the order's epoch second."""
    if len(spans) == 1:
        return f"strftime('{form}', {_STORED}, ?)", [f"{spans[0][1]:+d} seconds"]
    whens = " ".join(f"WHEN {_EPOCH} < ? THEN ?" for _ in spans[1:])
    params: list[object] = []
    for (_, before), (start, _) in pairwise(spans):
        params += [start, before]
    offset = f"(CASE {whens} ELSE ? END)"
    return f"strftime('{form}', {_EPOCH} + {offset}, 'unixepoch')", [*params, spans[-1][1]]


async def _spans(db: Database, timezone: str) -> list[tuple[int, int]] | None:
    row = await db.one(
        # Two subqueries: each is one step along orders_by_time; min and max together
        # would read every order.
        "SELECT CAST(strftime('%s', (SELECT min(created_at) FROM orders)) AS INTEGER) AS first,"
        " CAST(strftime('%s', (SELECT max(created_at) FROM orders)) AS INTEGER) AS last"
    )
    if row is None or row["first"] is None:
        return None
    # A day either side: the stored text sorts as the instant it names when every time is
    # UTC, as the store writes them, and still the span covers a stray offset.
    return offset_spans(timezone, row["first"] - _DAY_S, row["last"] + _DAY_S)


async def purchase_histories(
    db: Database, timezone: str, until: date, skus: Collection[str], key: str | None
) -> list[PurchaseHistory]:
    spans = await _spans(db, timezone)
    if spans is None or not skus:
        return []
    day, day_params = _shop_time_sql(spans, "%Y-%m-%d")
    # LIMIT -1 keeps the inner query a subquery, so each row's day is worked out once.
    # Days travel as ISO text: Python turns those into dates fastest.
    customer = "" if key is None else "AND o.customer_key = ?"
    rows = await db.all(
        "SELECT customer_key, sku, group_concat(day) AS days, group_concat(qty) AS qtys,"
        " sum(amount) AS amount FROM ("
        f"  SELECT o.customer_key, i.sku, {day} AS day, i.qty,"
        "   i.qty * i.unit_price_minor AS amount"
        "  FROM orders o JOIN order_items i ON i.order_id = o.id"
        f"  WHERE o.status != '{_CANCELLED}' {customer}"
        "   AND i.sku IN (SELECT value FROM json_each(?)) LIMIT -1"
        ") WHERE day <= ? GROUP BY customer_key, sku",
        (
            *day_params,
            *([] if key is None else [key]),
            json.dumps(sorted(skus)),
            until.isoformat(),
        ),
    )
    # A few hundred distinct days and one key per customer among hundreds of thousands of
    # histories: each is made once and shared (less memory, and faster than parsing).
    days = _Days()
    return [
        PurchaseHistory(
            intern(row["customer_key"]),
            intern(row["sku"]),
            tuple(map(days.__getitem__, sorted(set(row["days"].split(","))))),
            tuple(map(int, row["qtys"].split(","))),
            row["amount"],
        )
        for row in rows
    ]


class _Days(dict[str, date]):
    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day


async def sales(db: Database, timezone: str, first_month: str, last_month: str) -> SalesSummary:
    spans = await _spans(db, timezone)
    if spans is None:
        return SalesSummary((), ())
    month_sql, month_params = _shop_time_sql(spans, "%Y-%m")
    # Only orders near the months asked about are read (a day's margin either side of the
    # months' ends in any zone); the month itself decides.
    since = datetime.fromisoformat(f"{first_month}-01T00:00:00+00:00") - timedelta(days=2)
    year, month = int(last_month[:4]), int(last_month[5:7])
    after = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC) + timedelta(days=2)
    # The months' lines; each buyer's first order ever (the first not cancelled, by time
    # then id, read from orders_kept_by_customer); a repeat order is any other. One
    # statement sums them per month and per product (SQLite materialises a CTE read
    # twice). The orders are scanned whole, in the order the lines are stored: imported
    # history is not stored in time order, and reading it through orders_by_time
    # costs a random read per order.
    rows = await db.all(
        "WITH picked AS (SELECT * FROM ("
        f"   SELECT {month_sql} AS month,"
        "    o.id AS order_id, o.customer_key, i.sku, i.qty, i.qty * i.unit_price_minor AS amount"
        "   FROM orders o NOT INDEXED JOIN order_items i ON i.order_id = o.id"
        f"   WHERE o.status != '{_CANCELLED}' AND o.created_at >= ? AND o.created_at < ?"
        "   LIMIT -1"
        "  ) WHERE month BETWEEN ? AND ?),"
        " firsts AS (SELECT customer_key, (SELECT f.id FROM orders f"
        f"   WHERE f.customer_key = buyers.customer_key AND f.status != '{_CANCELLED}'"
        "   AND EXISTS (SELECT 1 FROM order_items fi WHERE fi.order_id = f.id)"
        "   ORDER BY f.created_at, f.id LIMIT 1) AS first_id"
        "  FROM (SELECT DISTINCT customer_key FROM picked) AS buyers),"
        " lines AS (SELECT picked.*, order_id != first_id AS again"
        "  FROM picked JOIN firsts USING (customer_key))"
        " SELECT 'month' AS kind, month AS name, count(DISTINCT order_id) AS orders,"
        "  sum(amount) AS revenue, count(DISTINCT customer_key) AS buyers,"
        "  count(DISTINCT CASE WHEN again THEN customer_key END) AS repeaters,"
        "  sum(CASE WHEN again THEN amount ELSE 0 END) AS repeat_revenue, 0 AS units"
        " FROM lines GROUP BY month"
        " UNION ALL SELECT 'product', sku, 0, sum(amount), 0, 0, 0, sum(qty)"
        " FROM lines GROUP BY sku ORDER BY kind, name",
        (*month_params, since.isoformat(), after.isoformat(), first_month, last_month),
    )
    months = [r for r in rows if r["kind"] == "month"]
    products = [r for r in rows if r["kind"] == "product"]
    return SalesSummary(
        tuple(
            MonthSales(
                r["name"],
                r["orders"],
                r["revenue"],
                r["buyers"],
                r["repeaters"],
                r["repeat_revenue"],
            )
            for r in months
        ),
        tuple(ProductSales(r["name"], r["units"], r["revenue"]) for r in products),
    )


async def order_times(
    db: Database, keys: Collection[str], since: datetime
) -> dict[str, list[datetime]]:
    rows = await db.all(
        "SELECT DISTINCT o.customer_key, o.created_at FROM orders o"
        f" WHERE o.customer_key IN (SELECT value FROM json_each(?)) AND o.status != '{_CANCELLED}'"
        " AND o.created_at >= ? AND EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)"
        " ORDER BY o.customer_key, o.created_at",
        (json.dumps(sorted(keys)), since.isoformat()),
    )
    times: dict[str, list[datetime]] = {}
    for row in rows:
        times.setdefault(row["customer_key"], []).append(datetime.fromisoformat(row["created_at"]))
    return times
