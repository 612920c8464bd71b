"""Carts: one line per (customer, product)."""

from __future__ import annotations

from bot.store.models import CartLine
from bot.store.sqlite.db import Database


class SqliteCarts:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def lines(self, customer_key: str) -> list[CartLine]:
        rows = await self._db.all(
            "SELECT sku, qty, seen_price_minor FROM cart_items WHERE customer_key = ?"
            " ORDER BY added_at, rowid",
            (customer_key,),
        )
        return [
            CartLine(
                sku=row["sku"],
                qty=int(row["qty"]),
                seen_price_minor=None
                if row["seen_price_minor"] is None
                else int(row["seen_price_minor"]),
            )
            for row in rows
        ]

    async def set_qty(
        self, customer_key: str, sku: str, qty: int, seen_price_minor: int | None = None
    ) -> None:
        """Set a cart line's quantity; zero or less removes the line."""
        if qty <= 0:
            await self._db.write(
                "DELETE FROM cart_items WHERE customer_key = ? AND sku = ?", (customer_key, sku)
            )
            return
        await self._db.write(
            "INSERT INTO cart_items (customer_key, sku, qty, added_at, seen_price_minor)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (customer_key, sku) DO UPDATE SET qty = excluded.qty,"
            " seen_price_minor = coalesce(excluded.seen_price_minor, seen_price_minor)",
            (customer_key, sku, qty, self._db.now(), seen_price_minor),
        )

    async def replace_qty(
        self, customer_key: str, sku: str, expected: int, qty: int, seen_price_minor: int
    ) -> bool:
        if expected <= 0:
            changed = await self._db.write(
                "INSERT OR IGNORE INTO cart_items (customer_key, sku, qty, added_at,"
                " seen_price_minor) VALUES (?, ?, ?, ?, ?)",
                (customer_key, sku, qty, self._db.now(), seen_price_minor),
            )
        else:
            changed = await self._db.write(
                "UPDATE cart_items SET qty = ?, seen_price_minor = ?"
                " WHERE customer_key = ? AND sku = ? AND qty = ?",
                (qty, seen_price_minor, customer_key, sku, expected),
            )
        return changed == 1

    async def mark_seen(self, customer_key: str, prices: dict[str, int]) -> None:
        """Record the unit prices the customer was just shown for their lines."""
        async with self._db.transaction() as db:
            await db.executemany(
                "UPDATE cart_items SET seen_price_minor = ? WHERE customer_key = ? AND sku = ?",
                [(price, customer_key, sku) for sku, price in prices.items()],
            )

    async def clear(self, customer_key: str) -> None:
        await self._db.write("DELETE FROM cart_items WHERE customer_key = ?", (customer_key,))
