"""Carts: one line per (customer, product)."""

from __future__ import annotations

from bot.store.models import CartLine
from bot.store.sqlite.db import Database


class SqliteCarts:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def lines(self, customer_key: str) -> list[CartLine]:
        rows = await self._db.all(
            "SELECT sku, qty FROM cart_items WHERE customer_key = ? ORDER BY added_at, rowid",
            (customer_key,),
        )
        return [CartLine(sku=row["sku"], qty=int(row["qty"])) for row in rows]

    async def set_qty(self, customer_key: str, sku: str, qty: int) -> None:
        """Set a cart line's quantity; zero or less removes the line."""
        if qty <= 0:
            await self._db.write(
                "DELETE FROM cart_items WHERE customer_key = ? AND sku = ?", (customer_key, sku)
            )
            return
        await self._db.write(
            "INSERT INTO cart_items (customer_key, sku, qty, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (customer_key, sku) DO UPDATE SET qty = excluded.qty",
            (customer_key, sku, qty, self._db.now()),
        )

    async def clear(self, customer_key: str) -> None:
        await self._db.write("DELETE FROM cart_items WHERE customer_key = ?", (customer_key,))
