"""Orders: placing one takes stock in the same transaction; status moves are checked."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from bot.store.models import (
    OPEN_ORDER_STATUSES,
    ORDER_TRANSITIONS,
    NewNotice,
    Order,
    OrderLine,
    OrderRequest,
    OrderStatus,
    Shortage,
)
from bot.store.sqlite.db import Database, Row, SyncTx, Tx, placeholders
from bot.store.sqlite.notices import insert_notices

# Order numbers: short, easy to read aloud and type on a phone (no 0/O, 1/I/L).
_ORDER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_ORDER_NUMBER_LENGTH = 6


class SqliteOrders:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def place(
        self,
        request: OrderRequest,
        owed: Callable[[Order], Sequence[NewNotice]] | None = None,
    ) -> Order | list[Shortage]:
        now = self._db.now()

        def work(db: SyncTx) -> tuple[str | None, Order | list[Shortage], int]:
            if request.checkout_id is not None:
                placed = db.one(
                    "SELECT number FROM orders WHERE checkout_id = ?", (request.checkout_id,)
                )
                if placed is not None:
                    return str(placed["number"]), [], 0
            order = _place_in(db, request, now)
            notices = owed(order) if owed is not None and isinstance(order, Order) else ()
            # What the order owes (receipt, owners' notices) commits with it: a crash can
            # never leave an order that nobody is told of.
            insert_notices(db, notices, now)
            return None, order, len(notices)

        # One round trip for the whole transaction (stock, order, lines, event, cart,
        # notices), fsynced before it returns.
        existing, placed_order, recorded = await self._db.run(work, durable=True)
        self._db.notices_recorded += recorded
        if existing is not None:
            # This checkout was placed already (Confirm tapped twice, two workers): the
            # order it made, and no stock taken again.
            order = await self.get(existing)
            assert order is not None
            return order
        return placed_order

    async def get(self, number: str) -> Order | None:
        row = await self._db.one("SELECT * FROM orders WHERE number = ?", (number.upper(),))
        if row is None:
            return None
        [order] = await _with_lines(self._db, [row])
        return order

    async def of_customer(self, customer_key: str, limit: int = 10) -> list[Order]:
        rows = await self._db.all(
            "SELECT * FROM orders WHERE customer_key = ? ORDER BY id DESC LIMIT ?",
            (customer_key, limit),
        )
        return await _with_lines(self._db, rows)

    async def in_progress(self, limit: int = 20) -> list[Order]:
        rows = await self._db.all(
            f"SELECT * FROM orders WHERE status IN ({placeholders(len(OPEN_ORDER_STATUSES))})"
            " ORDER BY id LIMIT ?",
            (*(s.value for s in OPEN_ORDER_STATUSES), limit),
        )
        return await _with_lines(self._db, rows)

    async def change_status(
        self,
        number: str,
        new_status: OrderStatus,
        actor: str,
        expected: OrderStatus | None = None,
    ) -> Order | None:
        now = self._db.now()
        async with self._db.transaction(durable=True) as db:
            row = await db.one("SELECT id, status FROM orders WHERE number = ?", (number.upper(),))
            if row is None or new_status not in ORDER_TRANSITIONS[OrderStatus(row["status"])]:
                return None
            if expected is not None and OrderStatus(row["status"]) is not expected:
                return None  # it moved on since the person decided (e.g. paid meanwhile)
            [updated] = await db.all(
                "UPDATE orders SET status = ?, updated_at = ? WHERE id = ? RETURNING *",
                (OrderStatus(new_status).value, now, row["id"]),
            )
            await db.execute(
                "INSERT INTO order_events (order_id, status, actor, at) VALUES (?, ?, ?, ?)",
                (row["id"], OrderStatus(new_status).value, actor, now),
            )
            if new_status is OrderStatus.CANCELLED:
                await db.execute(
                    "UPDATE products SET stock = stock + (SELECT SUM(qty) FROM order_items"
                    " WHERE order_id = ? AND order_items.sku = products.sku)"
                    " WHERE sku IN (SELECT sku FROM order_items WHERE order_id = ?)",
                    (row["id"], row["id"]),
                )
            [order] = await _with_lines(db, [updated])
        return order


async def _with_lines(db: Database | Tx, rows: Sequence[Row]) -> list[Order]:
    """Orders for rows of ``orders``, their lines fetched in one read for all of them."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    items = await db.all(
        f"SELECT * FROM order_items WHERE order_id IN ({placeholders(len(ids))})"
        " ORDER BY order_id, line",
        ids,
    )
    return _assemble(rows, items)


def _place_in(db: SyncTx, request: OrderRequest, now: str) -> Order | list[Shortage]:
    skus = sorted({line.sku for line in request.lines})
    rows = db.all(
        f"SELECT sku, stock FROM products WHERE active = 1 AND sku IN ({placeholders(len(skus))})",
        skus,
    )
    stock = {row["sku"]: int(row["stock"]) for row in rows}
    shortages = [
        Shortage(line.sku, line.qty, stock.get(line.sku, 0))
        for line in request.lines
        if stock.get(line.sku, 0) < line.qty
    ]
    if shortages:
        return shortages
    db.executemany(
        "UPDATE products SET stock = stock - ? WHERE sku = ?",
        [(line.qty, line.sku) for line in request.lines],
    )
    number = _fresh_order_number(db)
    total = sum(line.total_minor for line in request.lines) + request.shipping_minor
    cursor = db.execute(
        "INSERT INTO orders (number, customer_key, channel, chat_id, status, total_minor,"
        " currency, contact_name, phone, address, note, language, created_at, updated_at,"
        " shipping_minor, checkout_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            number,
            request.customer_key,
            request.chat.channel,
            request.chat.chat_id,
            OrderStatus.PENDING_PAYMENT.value,
            total,
            request.currency,
            request.contact_name,
            request.phone,
            request.address,
            request.note,
            request.language,
            now,
            now,
            request.shipping_minor,
            request.checkout_id,
        ),
    )
    order_id = cursor.lastrowid
    db.executemany(
        "INSERT INTO order_items (order_id, line, sku, name_en, name_zh,"
        " unit_price_minor, qty) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                order_id,
                index,
                line.sku,
                line.name_en,
                line.name_zh,
                line.unit_price_minor,
                line.qty,
            )
            for index, line in enumerate(request.lines, start=1)
        ],
    )
    db.execute(
        "INSERT INTO order_events (order_id, status, actor, at) VALUES (?, ?, ?, ?)",
        (order_id, OrderStatus.PENDING_PAYMENT.value, request.customer_key, now),
    )
    db.execute("DELETE FROM cart_items WHERE customer_key = ?", (request.customer_key,))
    # Everything the order holds was just written: no need to read it back.
    return Order(
        number=number,
        customer_key=request.customer_key,
        channel=request.chat.channel,
        chat_id=request.chat.chat_id,
        status=OrderStatus.PENDING_PAYMENT,
        total_minor=total,
        currency=request.currency,
        contact_name=request.contact_name,
        phone=request.phone,
        address=request.address,
        note=request.note,
        language=request.language,
        created_at=now,
        lines=tuple(
            OrderLine(
                sku=line.sku,
                name_en=line.name_en,
                name_zh=line.name_zh,
                unit_price_minor=int(line.unit_price_minor),
                qty=int(line.qty),
            )
            for line in request.lines
        ),
        shipping_minor=request.shipping_minor,
    )


def _fresh_order_number(db: SyncTx) -> str:
    while True:
        number = "".join(secrets.choice(_ORDER_ALPHABET) for _ in range(_ORDER_NUMBER_LENGTH))
        if db.one("SELECT 1 FROM orders WHERE number = ?", (number,)) is None:
            return number


def _assemble(rows: Sequence[Row], items: Sequence[Row]) -> list[Order]:
    lines: dict[int, list[OrderLine]] = {}
    for item in items:
        lines.setdefault(int(item["order_id"]), []).append(
            OrderLine(
                sku=item["sku"],
                name_en=item["name_en"],
                name_zh=item["name_zh"],
                unit_price_minor=int(item["unit_price_minor"]),
                qty=int(item["qty"]),
            )
        )
    return [
        Order(
            number=row["number"],
            customer_key=row["customer_key"],
            channel=row["channel"],
            chat_id=row["chat_id"],
            status=OrderStatus(row["status"]),
            total_minor=int(row["total_minor"]),
            currency=row["currency"],
            contact_name=row["contact_name"],
            phone=row["phone"],
            address=row["address"],
            note=row["note"],
            language=row["language"],
            created_at=row["created_at"],
            lines=tuple(lines.get(int(row["id"]), ())),
            shipping_minor=int(row["shipping_minor"]),
        )
        for row in rows
    ]
