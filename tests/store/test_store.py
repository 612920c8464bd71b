"""The store on a real SQLite file: migrations, stock that is never oversold or forgotten."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from bot.catalog import Catalog, load_catalog, parse_catalog
from bot.clock import FakeClock
from bot.messages import ChatRef
from bot.store import OrderLine, OrderRequest, OrderStatus, Shortage, Store
from bot.store.migrations import MIGRATIONS, SCHEMA_VERSION

from support import SAMPLE_CATALOG


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog(SAMPLE_CATALOG)


def request(customer: str, sku: str = "PUER-CAKE", qty: int = 1) -> OrderRequest:
    return OrderRequest(
        customer_key=f"test:{customer}",
        chat=ChatRef("test", customer),
        lines=(OrderLine(sku, "Pu'er", "普洱", 23800, qty),),
        currency="CNY",
        contact_name=customer,
        phone="13800138000",
        address="1 Road, Hangzhou",
        note="",
        language="en",
    )


def schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    return [(name, sql) for name, sql in rows]


async def test_empty_file_migrates_to_current_version(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "new.db", FakeClock())
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        async with store._db.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"
    finally:
        await store.close()


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
async def test_every_earlier_version_migrates_and_keeps_data(
    tmp_path: Path, catalog: Catalog, start: int
) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        for script in MIGRATIONS[:start]:
            db.executescript(script)
        db.execute(f"PRAGMA user_version={start}")
        db.execute(
            "INSERT INTO products VALUES"
            " ('PUER-CAKE', 'Pu''er', '普洱', 23800, 'CNY', 4, 15, 1, 'x')"
        )
    store = await Store.open(old, FakeClock())
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        assert await store.stock.level("PUER-CAKE") == 4  # data from the old version survives
        order = await store.orders.place(request("ann"))
        assert not isinstance(order, list)
    finally:
        await store.close()
    fresh = await Store.open(tmp_path / "fresh.db", FakeClock())
    await fresh.close()
    assert schema(old) == schema(tmp_path / "fresh.db")


async def test_outbox_rows_decided_before_version_6_count_from_their_send(tmp_path: Path) -> None:
    """Version 6 counts a post from the moment it was decided: rows already sent keep
    their send time, rows decided but not yet sent their slot, delayed rows nothing."""
    old = tmp_path / "v5.db"
    insert = (
        "INSERT INTO promo_outbox (key, campaign_id, chat_key, channel, chat_id, kind, slot,"
        " skus, state, not_before, sent_at, created_at, updated_at)"
        " VALUES (?, 'c', ?, 'test', ?, 'group', ?, '[]', ?, ?, ?, 'x', 'x')"
    )
    slot, sent = "2026-11-24T02:30:00+00:00", "2026-11-24T02:30:00.050000+00:00"
    with sqlite3.connect(old) as db:
        for script in MIGRATIONS[:5]:
            db.executescript(script)
        db.execute("PRAGMA user_version=5")
        db.execute(insert, ("k1", "test:a", "a", slot, "sent", None, sent))
        db.execute(insert, ("k2", "test:b", "b", slot, "pending", None, None))
        db.execute(
            insert, ("k3", "test:c", "c", slot, "pending", "2026-11-24T05:30:00+00:00", None)
        )
    store = await Store.open(old, FakeClock())
    try:
        rows = {row.chat.key: row for row in await store.outbox.rows()}
        assert rows["test:a"].posted_at == datetime.fromisoformat(sent)
        assert rows["test:b"].posted_at == datetime.fromisoformat(slot)
        assert rows["test:c"].posted_at is None
    finally:
        await store.close()


async def test_refuses_a_newer_database(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer than this chatshop"):
        await Store.open(path, FakeClock())


async def test_fifty_concurrent_checkouts_for_ten_units(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "shop.db"
    first = await Store.open(path, FakeClock())
    # A second connection, as a second worker process would have.
    second = await Store.open(path, FakeClock())
    try:
        await first.stock.apply_catalog(catalog)
        async with first._transaction() as db:
            await db.execute("UPDATE products SET stock = 10 WHERE sku = 'PUER-CAKE'")
        results = await asyncio.gather(
            *((first if n % 2 else second).orders.place(request(f"c{n}")) for n in range(50))
        )
        orders = [r for r in results if not isinstance(r, list)]
        refused = [r for r in results if isinstance(r, list)]
        assert len(orders) == 10
        assert len({o.number for o in orders}) == 10
        assert all(r == [Shortage("PUER-CAKE", 1, 0)] for r in refused)
        assert await first.stock.level("PUER-CAKE") == 0
    finally:
        await first.close()
        await second.close()


async def test_shortage_changes_nothing(tmp_path: Path, catalog: Catalog) -> None:
    store = await Store.open(tmp_path / "s.db", FakeClock())
    try:
        await store.stock.apply_catalog(catalog)
        result = await store.orders.place(request("ann", qty=16))
        assert result == [Shortage("PUER-CAKE", 16, 15)]
        assert await store.stock.level("PUER-CAKE") == 15
        assert await store.orders.of_customer("test:ann") == []
    finally:
        await store.close()


async def test_reload_keeps_sales_and_restocks_by_the_change(
    tmp_path: Path, catalog: Catalog
) -> None:
    store = await Store.open(tmp_path / "s.db", FakeClock())
    try:
        await store.stock.apply_catalog(catalog)
        order = await store.orders.place(request("ann", qty=5))
        assert not isinstance(order, list)
        await store.stock.apply_catalog(catalog)  # unchanged file: sold units stay sold
        assert await store.stock.level("PUER-CAKE") == 10
        text = SAMPLE_CATALOG.read_text(encoding="utf-8")
        restocked = parse_catalog(
            text.replace("price: 238.00", "price: 218.00").replace("stock: 15", "stock: 25"),
            SAMPLE_CATALOG,
        )
        await store.stock.apply_catalog(restocked)  # 15 -> 25: ten more arrived
        assert await store.stock.level("PUER-CAKE") == 20
        written_off = parse_catalog(text.replace("stock: 15", "stock: 0"), SAMPLE_CATALOG)
        await store.stock.apply_catalog(written_off)  # never below zero
        assert await store.stock.level("PUER-CAKE") == 0
        kept = await store.orders.get(order.number)
        assert kept is not None and kept.total_minor == 5 * 23800  # orders keep their price
    finally:
        await store.close()


async def test_cancel_returns_stock_once(tmp_path: Path, catalog: Catalog) -> None:
    store = await Store.open(tmp_path / "s.db", FakeClock())
    try:
        await store.stock.apply_catalog(catalog)
        order = await store.orders.place(request("ann", qty=3))
        assert not isinstance(order, list)
        assert await store.stock.level("PUER-CAKE") == 12
        cancelled = await store.orders.change_status(order.number, OrderStatus.CANCELLED, "x")
        assert cancelled is not None and cancelled.status is OrderStatus.CANCELLED
        assert await store.stock.level("PUER-CAKE") == 15
        # A second cancel (a replayed button) is refused and returns nothing twice.
        assert await store.orders.change_status(order.number, OrderStatus.CANCELLED, "x") is None
        assert await store.stock.level("PUER-CAKE") == 15
    finally:
        await store.close()


async def test_state_survives_reopening(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "s.db"
    store = await Store.open(path, FakeClock())
    await store.stock.apply_catalog(catalog)
    await store.customers.touch("test:ann", "test", "ann", "Ann")
    await store.carts.set_qty("test:ann", "ROSE-MASK", 2)
    await store.conversations.overwrite("test:ann", {"checkout": {"step": "phone", "name": "安"}})
    key = await store.buttons.key_for("cart:add:ROSE-MASK:1")
    await store.close()
    store = await Store.open(path, FakeClock())
    try:
        assert [(line.sku, line.qty) for line in await store.carts.lines("test:ann")] == [
            ("ROSE-MASK", 2)
        ]
        assert (await store.conversations.state("test:ann"))["checkout"]["name"] == "安"
        assert await store.buttons.action(key) == "cart:add:ROSE-MASK:1"
        assert len(key) <= 32
    finally:
        await store.close()


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
async def test_conversations_from_every_earlier_version_get_a_version(
    tmp_path: Path, start: int
) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        for script in MIGRATIONS[:start]:
            db.executescript(script)
        db.execute(f"PRAGMA user_version={start}")
        db.execute(
            "INSERT INTO conversations (customer_key, state, updated_at)"
            " VALUES ('test:ann', '{\"checkout\": {\"step\": \"phone\"}}', 'x')"
        )
    store = await Store.open(old, FakeClock())
    try:
        state = {"checkout": {"step": "phone"}}
        assert await store.conversations.load("test:ann") == (state, 1)
        assert await store.conversations.load("test:bo") == ({}, 0)
        assert not await store.conversations.save("test:ann", {"a": 1}, 0)
        assert await store.conversations.save("test:ann", {"a": 1}, 1)
        assert await store.conversations.load("test:ann") == ({"a": 1}, 2)
    finally:
        await store.close()


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
async def test_orders_and_carts_of_every_earlier_version_read_without_shipping(
    tmp_path: Path, catalog: Catalog, start: int
) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        for script in MIGRATIONS[:start]:
            db.executescript(script)
        db.execute(f"PRAGMA user_version={start}")
        db.execute(
            "INSERT INTO orders (number, customer_key, channel, chat_id, status, total_minor,"
            " currency, contact_name, phone, address, language, created_at, updated_at)"
            " VALUES ('OLD234', 'test:ann', 'test', 'ann', 'paid', 6400, 'CNY', 'Ann',"
            " '13800138000', '1 Road', 'en', 'x', 'x')"
        )
        db.execute(
            "INSERT INTO cart_items (customer_key, sku, qty, added_at)"
            " VALUES ('test:ann', 'WALNUTS', 2, 'x')"
        )
    store = await Store.open(old, FakeClock())
    try:
        order = await store.orders.get("OLD234")
        assert order is not None
        assert (order.total_minor, order.shipping_minor, order.items_minor) == (6400, 0, 6400)
        [line] = await store.carts.lines("test:ann")
        assert (line.qty, line.seen_price_minor) == (2, None)
    finally:
        await store.close()


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
async def test_orders_of_every_earlier_version_feed_the_due_list_and_stats(
    tmp_path: Path, start: int
) -> None:
    """Version 15 indexes each customer's kept orders: orders stored before it are found
    through the index, the cancelled ones left out."""
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        for script in MIGRATIONS[:start]:
            db.executescript(script)
        db.execute(f"PRAGMA user_version={start}")
        for number, status, at in [
            ("OLD234", "cancelled", "2026-01-05T02:00:00+00:00"),
            ("OLD567", "shipped", "2026-02-05T02:00:00+00:00"),
            ("OLD789", "paid", "2026-03-05T02:00:00+00:00"),
        ]:
            db.execute(
                "INSERT INTO orders (number, customer_key, channel, chat_id, status,"
                " total_minor, currency, contact_name, phone, address, language, created_at,"
                " updated_at) VALUES (?, 'test:ann', 'test', 'ann', ?, 6400, 'CNY', 'Ann',"
                " '13800138000', '1 Road', 'en', ?, ?)",
                (number, status, at, at),
            )
            db.execute(
                "INSERT INTO order_items (order_id, line, sku, name_en, name_zh,"
                " unit_price_minor, qty) SELECT id, 1, 'ROSE-MASK', 'Rose', '玫瑰', 3200, 2"
                " FROM orders WHERE number = ?",
                (number,),
            )
    store = await Store.open(old, FakeClock())
    try:
        [ann] = await store.records.purchase_histories(
            "Asia/Shanghai", datetime(2026, 4, 1).date(), ["ROSE-MASK"], key="test:ann"
        )
        assert ann.days == (datetime(2026, 2, 5).date(), datetime(2026, 3, 5).date())
        sales = await store.records.sales("Asia/Shanghai", "2026-01", "2026-03")
        # February's is ann's first order kept; March's a repeat.
        assert [(m.month, m.repeat_buyers) for m in sales.months] == [
            ("2026-02", 0),
            ("2026-03", 1),
        ]
    finally:
        await store.close()
    with sqlite3.connect(old) as db:
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM orders WHERE customer_key = 'test:ann'"
            " AND status != 'cancelled' ORDER BY created_at, id LIMIT 1"
        ).fetchall()
    assert "orders_kept_by_customer" in str(plan)
