"""Customers: who they are, their language, delivery details and promotion preferences."""

from __future__ import annotations

import json

from bot.messages import ChatKind, ChatRef
from bot.store.models import Customer
from bot.store.sqlite.db import Database, Row


class SqliteCustomers:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def touch(
        self,
        key: str,
        channel: str,
        user_id: str,
        display_name: str,
        platform_language: str | None = None,
    ) -> Customer:
        """Record a customer on first contact (and their latest name and app language)."""
        # Nearly every message comes from someone known whose name and app language are
        # unchanged: a read answers, and no write (a commit, under the write lock that
        # every other customer's writes queue on) is made for nothing.
        row = await self._db.one("SELECT * FROM customers WHERE key = ?", (key,))
        if row is not None:
            known = _customer_from(row)
            if known.is_current(display_name, platform_language):
                return known
        now = self._db.now()
        # One round trip: the upsert hands the row back. The update is unconditional so
        # RETURNING always yields the row (an unchanged name rewrites the same values).
        row = await self._db.write_returning(
            "INSERT INTO customers (key, channel, user_id, display_name, platform_language,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET display_name = excluded.display_name,"
            " platform_language = COALESCE(excluded.platform_language, platform_language)"
            " RETURNING *",
            (key, channel, user_id, display_name, platform_language, now, now),
        )
        assert row is not None
        return _customer_from(row)

    async def get(self, key: str) -> Customer | None:
        row = await self._db.one("SELECT * FROM customers WHERE key = ?", (key,))
        return _customer_from(row) if row else None

    async def set_language(self, key: str, language: str) -> None:
        await self._db.write(
            "UPDATE customers SET language = ?, updated_at = ? WHERE key = ?",
            (language, self._db.now(), key),
        )

    async def remember_delivery(
        self, key: str, contact_name: str, phone: str, address: str
    ) -> None:
        await self._db.write(
            "UPDATE customers SET contact_name = ?, phone = ?, address = ?, updated_at = ?"
            " WHERE key = ?",
            (contact_name, phone, address, self._db.now(), key),
        )

    async def set_promo_flags(
        self, key: str, *, subscribed: bool | None = None, stopped: bool | None = None
    ) -> None:
        if subscribed is None and stopped is None:
            return
        await self._db.write(
            "UPDATE customers SET promo_subscribed = COALESCE(?, promo_subscribed),"
            " promo_stopped = COALESCE(?, promo_stopped), updated_at = ? WHERE key = ?",
            (
                None if subscribed is None else int(subscribed),
                None if stopped is None else int(stopped),
                self._db.now(),
                key,
            ),
        )

    async def promo_flags(self, key: str) -> tuple[bool, bool]:
        row = await self._db.one(
            "SELECT promo_subscribed, promo_stopped FROM customers WHERE key = ?", (key,)
        )
        return (
            (bool(row["promo_subscribed"]), bool(row["promo_stopped"])) if row else (False, False)
        )

    async def mute_campaign(self, key: str, campaign_id: str) -> None:
        # One statement (no read-modify-write race): the set union, sorted, as JSON.
        await self._db.write(
            "UPDATE customers SET promo_muted = (SELECT json_group_array(value) FROM"
            " (SELECT value FROM json_each(customers.promo_muted) UNION SELECT ? ORDER BY 1)),"
            " updated_at = ? WHERE key = ?",
            (campaign_id, self._db.now(), key),
        )

    async def muted_campaigns(self, key: str) -> frozenset[str]:
        row = await self._db.one("SELECT promo_muted FROM customers WHERE key = ?", (key,))
        return frozenset(json.loads(row["promo_muted"])) if row else frozenset()

    async def subscribers(self) -> list[ChatRef]:
        rows = await self._db.all(
            "SELECT channel, user_id, display_name FROM customers"
            " WHERE promo_subscribed = 1 AND promo_stopped = 0 ORDER BY key"
        )
        return [
            ChatRef(r["channel"], r["user_id"], ChatKind.PRIVATE, r["display_name"]) for r in rows
        ]

    async def forget(self, key: str) -> int:
        async with self._db.transaction() as db:
            cursor = await db.execute(
                "UPDATE orders SET contact_name = '', phone = '', address = '', note = ''"
                " WHERE customer_key = ?",
                (key,),
            )
            orders = cursor.rowcount
            # Notices already sent about their orders held the same details.
            await db.execute(
                "DELETE FROM notices WHERE state != 'pending' AND (chat_key = ? OR EXISTS"
                " (SELECT 1 FROM orders WHERE customer_key = ?"
                " AND notices.key LIKE 'order:' || orders.number || ':%'))",
                (key, key),
            )
            for sql in (
                "DELETE FROM cart_items WHERE customer_key = ?",
                "DELETE FROM conversations WHERE customer_key = ?",
                "DELETE FROM chat_members WHERE member_key = ?",
                "DELETE FROM send_failures WHERE chat_key = ?",
                "DELETE FROM customers WHERE key = ?",
            ):
                await db.execute(sql, (key,))
        return orders


def _customer_from(row: Row) -> Customer:
    return Customer(
        key=row["key"],
        channel=row["channel"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        language=row["language"],
        contact_name=row["contact_name"],
        phone=row["phone"],
        address=row["address"],
        platform_language=row["platform_language"],
    )
