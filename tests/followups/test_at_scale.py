"""The due list and the statistics read grouped by the store (issue 12: a million orders)
decide exactly what the pure rules decide over every purchase line: generated histories
are written to a real SQLite file, then both ways are asked the same question.

The histories mix imported and multi-line orders, cancelled ones, orders at the same
instant (the first order is then the first stored), shop time zones with summer time and
half-hour offsets, days and months that differ in UTC and shop time, and orders in the
last half-millisecond of a day (which SQLite's own time functions round into the next)."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog import Catalog, load_catalog
from bot.clock import FakeClock
from bot.store import FollowUpOutcome, ImportedOrder, Store
from followups import due
from followups.history import _contact, due_customers, local_day, policy_of
from followups.report import load_stats
from followups.stats import compute

from support import SAMPLE_CATALOG

# Summer time (London, New York), a half-hour summer shift (Lord Howe), none (Shanghai).
ZONES = ("Asia/Shanghai", "Europe/London", "America/New_York", "Australia/Lord_Howe")
# ROSE-MASK has reorder_days, SILK-MASK none, GONE is no longer in the catalog.
SKUS = ("ROSE-MASK", "SILK-MASK", "GONE")
START = datetime(2025, 9, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Sale:
    customer: int
    sku: str
    hours: int  # after START; whole hours, so orders at the same instant happen
    # Within the hour: the last half-millisecond of an hour is still that hour's day.
    seconds: float
    qty: int
    cancelled: bool
    second_line: str | None  # a second product on the same order


sales = st.builds(
    Sale,
    customer=st.integers(0, 3),
    sku=st.sampled_from(SKUS),
    hours=st.integers(0, 420 * 24),
    seconds=st.sampled_from([0.0, 1800.0, 3599.0, 3599.9996]),
    qty=st.integers(1, 4),
    cancelled=st.booleans(),
    second_line=st.one_of(st.none(), st.sampled_from(SKUS)),
)


@dataclass(frozen=True)
class Contacted:
    customer: int
    hours: int
    outcome: FollowUpOutcome


contacts = st.builds(
    Contacted,
    customer=st.integers(0, 3),
    hours=st.integers(0, 430 * 24),
    outcome=st.sampled_from(list(FollowUpOutcome)),
)


@cache
def catalog_in(zone: str) -> Catalog:
    """The sample shop, kept in ``zone``."""
    text = SAMPLE_CATALOG.read_text(encoding="utf-8")
    assert "timezone: Asia/Shanghai" in text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog.yaml"
        path.write_text(text.replace("timezone: Asia/Shanghai", f"timezone: {zone}"))
        return load_catalog(path)


async def written(path: Path, history: list[Sale], contacted: list[Contacted]) -> Store:
    clock = FakeClock(START)
    store = await Store.open(path, clock)
    rows = [
        ImportedOrder(
            f"k{n}",
            f"import:{sale.customer}",
            f"Customer {sale.customer}",
            "",
            START + timedelta(hours=sale.hours, seconds=sale.seconds),
            sale.sku,
            sale.sku,
            sale.sku,
            sale.qty,
            1000 + 100 * SKUS.index(sale.sku),
            "CNY",
            "en",
        )
        for n, sale in enumerate(history)
    ]
    await store.records.import_orders(rows)
    # What an import cannot write: a second line on an order, a cancelled order.
    with closing(sqlite3.connect(path)) as db, db:
        for n, sale in enumerate(history):
            [order] = db.execute("SELECT id FROM orders WHERE import_key = ?", (f"k{n}",))
            if sale.second_line is not None:
                db.execute(
                    "INSERT INTO order_items (order_id, line, sku, name_en, name_zh,"
                    " unit_price_minor, qty) VALUES (?, 2, ?, ?, ?, 700, 1)",
                    (order[0], sale.second_line, sale.second_line, sale.second_line),
                )
            if sale.cancelled:
                db.execute("UPDATE orders SET status = 'cancelled' WHERE id = ?", (order[0],))
    for contact in sorted(contacted, key=lambda c: c.hours):
        clock.advance((START + timedelta(hours=contact.hours) - clock.now()).total_seconds())
        until = clock.now() + timedelta(days=10)
        await store.records.log_followup(
            f"import:{contact.customer}", ["ROSE-MASK"], contact.outcome, until
        )
    return store


async def line_by_line(store: Store, catalog: Catalog, today: date) -> list[due.DueCustomer]:
    """The due list as it was read before issue 12: every purchase line into the rule."""
    timezone = catalog.shop.timezone
    reorder_days = {p.sku: p.reorder_days for p in catalog.products}
    purchases = [
        due.Purchase(p.customer_key, p.sku, local_day(p.at, timezone), p.qty, p.amount_minor)
        for p in await store.records.purchases()
        if p.sku in reorder_days
    ]
    holds = await store.records.holds()
    found = {key: _contact(hold, timezone) for key, hold in holds.items()}
    return due.due_list(purchases, reorder_days, found, today, policy_of(catalog))


@settings(max_examples=60, deadline=None)
@given(
    history=st.lists(sales, min_size=1, max_size=30),
    contacted=st.lists(contacts, max_size=4),
    zone=st.sampled_from(ZONES),
    asked=st.integers(0, 450 * 24),
    months=st.integers(1, 14),
)
def test_the_store_grouped_due_list_and_stats_decide_as_the_rules_over_every_line(
    history: list[Sale],
    contacted: list[Contacted],
    zone: str,
    asked: int,
    months: int,
) -> None:
    catalog = catalog_in(zone)
    now = START + timedelta(hours=asked)
    today = local_day(now, zone)

    async def both() -> None:
        with tempfile.TemporaryDirectory() as folder:
            store = await written(Path(folder) / "shop.db", history, contacted)
            try:
                fast = await due_customers(store, catalog, today)
                slow = await line_by_line(store, catalog, today)
                assert fast == slow
                assert [c.score for c in fast] == [c.score for c in slow]
                for customer in {f"import:{sale.customer}" for sale in history}:
                    one = await due_customers(store, catalog, today, key=customer)
                    assert one == [c for c in slow if c.customer_key == customer]
                every_line = compute(
                    await store.records.purchases(),
                    await store.records.followups(),
                    zone,
                    today,
                    months,
                )
                assert await load_stats(store, catalog, now, months) == every_line
            finally:
                await store.close()

    asyncio.run(both())


def test_a_shop_day_is_the_shop_zones_across_summer_time() -> None:
    """00:30 on the day London's clocks go forward and 00:30 the next day are two days in
    London, though the second is still the first day in UTC."""

    async def check() -> None:
        with tempfile.TemporaryDirectory() as folder:
            store = await Store.open(Path(folder) / "shop.db", FakeClock(START))
            try:
                for n, at in enumerate(["2026-03-29T00:30:00+00:00", "2026-03-29T23:30:00+00:00"]):
                    sale = ImportedOrder(
                        f"k{n}", "import:ann", "Ann", "", datetime.fromisoformat(at),
                        "ROSE-MASK", "Rose", "玫瑰", 1, 1000, "CNY", "en",
                    )  # fmt: skip
                    await store.records.import_orders([sale])
                [london] = await store.records.purchase_histories(
                    "Europe/London", date(2026, 4, 1), ["ROSE-MASK"]
                )
                assert london.days == (date(2026, 3, 29), date(2026, 3, 30))
                [utc] = await store.records.purchase_histories(
                    "UTC", date(2026, 4, 1), ["ROSE-MASK"]
                )
                assert utc.days == (date(2026, 3, 29),)
                assert utc.quantities == (1, 1) and utc.amount_minor == 2000
            finally:
                await store.close()

    asyncio.run(check())


def test_the_last_half_millisecond_of_a_day_is_still_that_day() -> None:
    """SQLite's time functions round to the millisecond: an order at 23:59:59.9996 would
    move to the next day, and on the last day of a month to the next month."""

    async def check() -> None:
        with tempfile.TemporaryDirectory() as folder:
            store = await Store.open(Path(folder) / "shop.db", FakeClock(START))
            try:
                # 23:59:59.9996 on 31 March in Shanghai, on 31 July in London (summer
                # time; the January order gives London two offsets over the orders).
                for n, at in enumerate(
                    [
                        "2026-03-31T15:59:59.999600+00:00",
                        "2026-07-31T22:59:59.999600+00:00",
                        "2026-01-10T12:00:00+00:00",
                    ]
                ):
                    sale = ImportedOrder(
                        f"k{n}", f"import:{n}", "Ann", "", datetime.fromisoformat(at),
                        "ROSE-MASK", "Rose", "玫瑰", 1, 1000, "CNY", "en",
                    )  # fmt: skip
                    await store.records.import_orders([sale])
                march = await store.records.purchase_histories(
                    "Asia/Shanghai", date(2026, 3, 31), ["ROSE-MASK"], key="import:0"
                )
                assert [h.days for h in march] == [(date(2026, 3, 31),)]
                july = await store.records.purchase_histories(
                    "Europe/London", date(2026, 7, 31), ["ROSE-MASK"], key="import:1"
                )
                assert [h.days for h in july] == [(date(2026, 7, 31),)]
                shanghai = await store.records.sales("Asia/Shanghai", "2026-03", "2026-04")
                assert [m.month for m in shanghai.months] == ["2026-03"]
                london = await store.records.sales("Europe/London", "2026-07", "2026-08")
                assert [m.month for m in london.months] == ["2026-07"]
            finally:
                await store.close()

    asyncio.run(check())
