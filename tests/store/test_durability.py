"""What survives what (issue 14): a process crash loses no commit (WAL, any synchronous
level; the SIGKILL checkout test in tests/reliability holds that end to end); a power
loss may undo the last cart or conversation step (synchronous=NORMAL, no fsync per
commit), but never an order, a status change or a send's claim: those commit under
synchronous=FULL, whose fsync also makes every earlier commit durable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import load_catalog
from bot.clock import FakeClock
from bot.messages import ChatRef
from bot.store import NewNotice, Order, OrderLine, OrderRequest, OrderStatus, Store

from support import SAMPLE_CATALOG

FULL, NORMAL = 2, 1


class Synchronous:
    """The synchronous level each statement ran under, read from SQLite's trace."""

    def __init__(self) -> None:
        self.level = NORMAL
        self.seen: list[tuple[int, str]] = []

    def __call__(self, sql: str) -> None:
        text = " ".join(sql.split())
        if text.upper().startswith("PRAGMA SYNCHRONOUS="):
            self.level = {"FULL": FULL, "NORMAL": NORMAL}[text.split("=", 1)[1].upper()]
        self.seen.append((self.level, text))

    def level_of(self, start: str) -> set[int]:
        return {level for level, text in self.seen if text.startswith(start)}


async def open_store(tmp_path: Path) -> Store:
    store = await Store.open(tmp_path / "shop.db", FakeClock())
    await store.stock.apply_catalog(load_catalog(SAMPLE_CATALOG))
    return store


async def test_orders_commit_under_full_and_everyday_writes_under_normal(
    tmp_path: Path,
) -> None:
    store = await open_store(tmp_path)
    row = await store._db.execute_fetchall("PRAGMA synchronous")
    assert next(iter(row))[0] == NORMAL, "the file runs at NORMAL between durable commits"
    trace = Synchronous()
    await store._db.set_trace_callback(trace)

    await store.carts.set_qty("test:ann", "WALNUTS", 2)
    await store.conversations.save("test:ann", {"last_sku": "WALNUTS"}, 0)
    order = await store.orders.place(
        OrderRequest(
            customer_key="test:ann",
            chat=ChatRef("test", "ann"),
            lines=(OrderLine("WALNUTS", "Walnuts", "核桃", 1000, 2),),
            currency="CNY",
            contact_name="Ann",
            phone="13800138000",
            address="1 Road, Hangzhou",
            note="",
            language="en",
        )
    )
    assert isinstance(order, Order)
    await store.orders.change_status(order.number, OrderStatus.PAID, "test:owner")
    await store.carts.set_qty("test:ann", "WALNUTS", 1)

    assert trace.level_of("INSERT INTO cart_items") == {NORMAL}
    assert trace.level_of("INSERT INTO conversations") == {NORMAL}
    assert trace.level_of("INSERT INTO orders") == {FULL}
    assert trace.level_of("UPDATE orders SET status") == {FULL}
    commits = [level for level, text in trace.seen if text == "COMMIT"]
    assert commits == [FULL, FULL], "both order transactions, and only they, commit at FULL"
    row = await store._db.execute_fetchall("PRAGMA synchronous")
    assert next(iter(row))[0] == NORMAL, "back to NORMAL after the durable commit"
    await store.close()


async def test_a_durable_transaction_that_fails_still_restores_normal(tmp_path: Path) -> None:
    store = await open_store(tmp_path)
    with pytest.raises(RuntimeError):
        async with store._database.transaction(durable=True) as db:
            await db.execute("UPDATE products SET stock = 0")
            raise RuntimeError("a bug mid-order")
    assert await store.stock.level("WALNUTS") > 0, "rolled back"
    row = await store._db.execute_fetchall("PRAGMA synchronous")
    assert next(iter(row))[0] == NORMAL
    await store.close()


async def test_an_order_whose_notices_fail_to_build_places_nothing(tmp_path: Path) -> None:
    # The order's transaction runs in one call on the database's thread (Database.run):
    # a failure anywhere in it rolls all of it back and leaves the file at NORMAL.
    store = await open_store(tmp_path)
    before = await store.stock.level("WALNUTS")

    def owed(order: Order) -> list[NewNotice]:
        raise RuntimeError("a bug while writing the owner's notice")

    with pytest.raises(RuntimeError):
        await store.orders.place(
            OrderRequest(
                customer_key="test:ann",
                chat=ChatRef("test", "ann"),
                lines=(OrderLine("WALNUTS", "Walnuts", "核桃", 1000, 2),),
                currency="CNY",
                contact_name="Ann",
                phone="13800138000",
                address="1 Road, Hangzhou",
                note="",
                language="en",
            ),
            owed,
        )
    assert await store.stock.level("WALNUTS") == before
    assert await store.orders.of_customer("test:ann") == []
    assert store.notices.recorded() == 0
    row = await store._db.execute_fetchall("PRAGMA synchronous")
    assert next(iter(row))[0] == NORMAL
    await store.close()
