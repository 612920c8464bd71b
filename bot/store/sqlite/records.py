"""Customer records for follow-ups: notes, tags, the follow-up log, the opt-out, the
purchase history (read from orders) and the one-digest-a-day record."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime

from bot.store.models import (
    IMPORT_CHANNEL,
    Customer,
    CustomerNote,
    FollowUp,
    FollowUpHold,
    FollowUpOutcome,
    ImportedOrder,
    OrderStatus,
    Purchase,
    PurchaseHistory,
    SalesSummary,
)
from bot.store.sqlite import history
from bot.store.sqlite.customers import _customer_from
from bot.store.sqlite.db import Database, Row, dt


class SqliteRecords:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def find(self, query: str, limit: int = 10) -> list[Customer]:
        query = query.strip()
        if not query:
            return []
        exact = await self._db.all(
            "SELECT * FROM customers WHERE key = ? OR user_id = ? ORDER BY key LIMIT ?",
            (query, query, limit),
        )
        if exact:
            return [_customer_from(row) for row in exact]
        # Digits are matched inside the phone too ("8000" finds 13800138000), spaces
        # and dashes ignored.
        like = "%" + query.lower().replace("%", "").replace("_", "") + "%"
        digits = "".join(ch for ch in query if ch.isdigit())
        rows = await self._db.all(
            "SELECT * FROM customers WHERE lower(display_name) LIKE ?"
            " OR lower(COALESCE(contact_name, '')) LIKE ?"
            " OR (? != '' AND replace(replace(COALESCE(phone, ''), ' ', ''), '-', '') LIKE ?)"
            " ORDER BY lower(display_name) = ? DESC, display_name, key LIMIT ?",
            (like, like, digits, f"%{digits}%", query.lower(), limit),
        )
        return [_customer_from(row) for row in rows]

    async def add_note(self, key: str, text: str, author: str) -> None:
        await self._db.write(
            "INSERT INTO customer_notes (customer_key, text, author, at) VALUES (?, ?, ?, ?)",
            (key, text, author, self._db.now()),
        )

    async def notes(self, key: str) -> list[CustomerNote]:
        rows = await self._db.all(
            "SELECT text, author, at FROM customer_notes WHERE customer_key = ? ORDER BY id",
            (key,),
        )
        return [CustomerNote(r["text"], r["author"], datetime.fromisoformat(r["at"])) for r in rows]

    async def add_tag(self, key: str, tag: str) -> bool:
        changed = await self._db.write(
            "INSERT OR IGNORE INTO customer_tags (customer_key, tag, at) VALUES (?, ?, ?)",
            (key, tag, self._db.now()),
        )
        return changed > 0

    async def tags(self, key: str) -> list[str]:
        rows = await self._db.all(
            "SELECT tag FROM customer_tags WHERE customer_key = ? ORDER BY at, tag", (key,)
        )
        return [r["tag"] for r in rows]

    async def set_followups_off(self, key: str, off: bool) -> None:
        await self._db.write(
            "UPDATE customers SET followups_off = ?, updated_at = ? WHERE key = ?",
            (int(off), self._db.now(), key),
        )

    async def log_followup(
        self,
        key: str,
        skus: Sequence[str],
        outcome: FollowUpOutcome,
        until: datetime | None = None,
    ) -> FollowUp:
        row = await self._db.write_returning(
            "INSERT INTO followups (customer_key, skus, outcome, at, until)"
            " VALUES (?, ?, ?, ?, ?) RETURNING *",
            (key, json.dumps(list(skus)), outcome.value, self._db.now(), _iso(until)),
        )
        assert row is not None
        return _followup_from(row)

    async def followups(
        self, since: datetime | None = None, key: str | None = None
    ) -> list[FollowUp]:
        rows = await self._db.all(
            "SELECT * FROM followups WHERE at >= ? AND (? IS NULL OR customer_key = ?)"
            " ORDER BY at, id",
            (_iso(since) or "", key, key),
        )
        return [_followup_from(r) for r in rows]

    async def holds(self) -> dict[str, FollowUpHold]:
        rows = await self._db.all(
            "SELECT c.key, (c.followups_off OR c.promo_stopped) AS opted_out,"
            " (SELECT max(at) FROM followups f WHERE f.customer_key = c.key"
            "   AND f.outcome IN ('sent', 'done')) AS last_contact,"
            " (SELECT max(until) FROM followups f WHERE f.customer_key = c.key"
            "   AND f.outcome = 'snoozed') AS snoozed_until"
            " FROM customers c WHERE c.followups_off = 1 OR c.promo_stopped = 1"
            " OR c.key IN (SELECT customer_key FROM followups)"
        )
        return {
            r["key"]: FollowUpHold(
                bool(r["opted_out"]), dt(r["last_contact"]), dt(r["snoozed_until"])
            )
            for r in rows
        }

    async def purchases(
        self, since: datetime | None = None, key: str | None = None
    ) -> list[Purchase]:
        # One customer's lines come through their index; "? IS NULL OR customer_key = ?"
        # would scan every order (1.8 s for a customer card at a million orders).
        customer = "" if key is None else " AND o.customer_key = ?"
        rows = await self._db.all(
            "SELECT o.number, o.customer_key, i.sku, o.created_at, i.qty,"
            " i.qty * i.unit_price_minor AS amount FROM orders o"
            " JOIN order_items i ON i.order_id = o.id"
            f" WHERE o.status != ? AND o.created_at >= ?{customer}"
            " ORDER BY o.created_at, o.id, i.line",
            (OrderStatus.CANCELLED.value, _iso(since) or "", *([] if key is None else [key])),
        )
        return [
            Purchase(
                r["number"],
                r["customer_key"],
                r["sku"],
                datetime.fromisoformat(r["created_at"]),
                r["qty"],
                r["amount"],
            )
            for r in rows
        ]

    async def import_orders(self, orders: Sequence[ImportedOrder]) -> int:
        if not orders:
            return 0
        now = self._db.now()
        async with self._db.transaction(durable=True) as db:
            # A customer already known (a chat identity, or an earlier import) keeps the
            # name and details they have.
            await db.executemany(
                "INSERT INTO customers (key, channel, user_id, display_name, phone,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                [
                    (
                        o.customer_key,
                        o.customer_key.partition(":")[0],
                        o.customer_key.partition(":")[2],
                        o.customer_name,
                        o.phone or None,
                        now,
                        now,
                    )
                    for o in orders
                ],
            )
            before = await db.one("SELECT COALESCE(max(id), 0) AS id FROM orders")
            assert before is not None
            await db.executemany(
                "INSERT INTO orders (number, customer_key, channel, chat_id, status,"
                " total_minor, currency, contact_name, phone, address, note, language,"
                " created_at, updated_at, import_key)"
                " VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?)"
                " ON CONFLICT (import_key) WHERE import_key IS NOT NULL DO NOTHING",
                [
                    (
                        _import_number(o.import_key),
                        o.customer_key,
                        IMPORT_CHANNEL,
                        OrderStatus.SHIPPED.value,
                        o.qty * o.unit_price_minor,
                        o.currency,
                        o.customer_name,
                        o.phone,
                        o.language,
                        o.at.isoformat(),
                        o.at.isoformat(),
                        o.import_key,
                    )
                    for o in orders
                ],
            )
            # Under the write lock every order after ``before`` is one of these.
            added = await db.all("SELECT id, import_key FROM orders WHERE id > ?", (before["id"],))
            by_key = {o.import_key: o for o in orders}
            await db.executemany(
                "INSERT INTO order_items (order_id, line, sku, name_en, name_zh,"
                " unit_price_minor, qty) VALUES (?, 1, ?, ?, ?, ?, ?)",
                [
                    (
                        row["id"],
                        by_key[row["import_key"]].sku,
                        by_key[row["import_key"]].name_en,
                        by_key[row["import_key"]].name_zh,
                        by_key[row["import_key"]].unit_price_minor,
                        by_key[row["import_key"]].qty,
                    )
                    for row in added
                ],
            )
        return len(added)

    async def claim_digest(self, day: str) -> bool:
        changed = await self._db.write(
            "INSERT OR IGNORE INTO followup_digests (day, sent_at) VALUES (?, ?)",
            (day, self._db.now()),
        )
        return changed > 0

    async def purchase_histories(
        self, timezone: str, until: date, skus: Collection[str], key: str | None = None
    ) -> list[PurchaseHistory]:
        return await history.purchase_histories(self._db, timezone, until, skus, key)

    async def sales(self, timezone: str, first_month: str, last_month: str) -> SalesSummary:
        return await history.sales(self._db, timezone, first_month, last_month)

    async def order_times(
        self, keys: Collection[str], since: datetime
    ) -> dict[str, list[datetime]]:
        return await history.order_times(self._db, keys, since)


def _import_number(import_key: str) -> str:
    # Live numbers are 6 characters without 0/1/I/L/O; "H" + hex cannot collide with them.
    return "H" + import_key[:16].upper()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _followup_from(row: Row) -> FollowUp:
    return FollowUp(
        id=row["id"],
        customer_key=row["customer_key"],
        skus=tuple(json.loads(row["skus"])),
        outcome=FollowUpOutcome(row["outcome"]),
        at=datetime.fromisoformat(row["at"]),
        until=dt(row["until"]),
    )
