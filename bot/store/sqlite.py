"""The store on one SQLite file through aiosqlite, in WAL mode.

One connection serves the process. Writes that must be atomic (taking stock for an order,
cancelling one) run under an asyncio lock and ``BEGIN IMMEDIATE``, so concurrent
checkouts in this process are serialised and another process waits on SQLite's lock:
nobody is ever oversold.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from bot.catalog import Catalog
from bot.clock import Clock
from bot.messages import ChatRef
from bot.store.migrations import MIGRATIONS, SCHEMA_VERSION
from bot.store.models import (
    ORDER_TRANSITIONS,
    CartLine,
    ChatRecord,
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    Shortage,
)
from bot.store.promo import SAVE_CAMPAIGN, PromoStoreMixin, campaign_params

# Order numbers: short, easy to read aloud and type on a phone (no 0/O, 1/I/L).
_ORDER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_ORDER_NUMBER_LENGTH = 6
_LOCKED_RETRIES = 20


@dataclass(frozen=True, slots=True)
class OrderRequest:
    customer_key: str
    chat: ChatRef
    lines: tuple[OrderLine, ...]
    currency: str
    contact_name: str
    phone: str
    address: str
    note: str
    language: str


class Store(PromoStoreMixin):
    def __init__(self, connection: aiosqlite.Connection, clock: Clock) -> None:
        self._db = connection
        self._clock = clock
        self._write_lock = asyncio.Lock()

    # --- opening ----------------------------------------------------------------

    @classmethod
    async def open(cls, path: str | Path, clock: Clock) -> Store:
        """Open (creating if needed) and migrate the store file to the current schema."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        connection.row_factory = aiosqlite.Row
        # Wait (rather than fail) while another process holds the write lock.
        await connection.execute("PRAGMA busy_timeout=15000")
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        store = cls(connection, clock)
        try:
            await store.migrate()
        except BaseException:
            await connection.close()
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, target: int = SCHEMA_VERSION) -> None:
        current = await self.schema_version()
        if current > SCHEMA_VERSION:
            raise RuntimeError(
                f"the database is at schema version {current}, newer than this chatshop "
                f"understands ({SCHEMA_VERSION}); upgrade chatshop instead of downgrading"
            )
        for version in range(current, target):
            async with self._transaction() as db:
                await db.executescript_in_tx(MIGRATIONS[version])
                await db.execute(f"PRAGMA user_version={version + 1}")

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[_Tx]:
        async with self._write_lock:
            await self._begin_immediate()
            try:
                yield _Tx(self._db)
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            else:
                await self._db.execute("COMMIT")

    async def _begin_immediate(self) -> None:
        # busy_timeout makes SQLite wait for another process's write lock, but under load
        # WAL can still answer "locked" at once (e.g. while the other side checkpoints);
        # a short real wait and another try beats failing a customer's checkout.
        for attempt in range(_LOCKED_RETRIES):
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or attempt == _LOCKED_RETRIES - 1:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))

    def _now(self) -> str:
        return self._clock.now().isoformat()

    async def _write(self, sql: str, params: Iterable[Any] = ()) -> None:
        # Single statements also take the lock: on a shared connection a write issued
        # while another coroutine's transaction is open would join (and share the fate
        # of) that transaction.
        async with self._write_lock:
            await self._db.execute(sql, tuple(params))

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    # --- catalog and stock ----------------------------------------------------------

    async def apply_catalog(self, catalog: Catalog) -> None:
        """Bring products in line with the catalog without forgetting what was sold.

        Names and prices are replaced. Stock moves by the change of the catalog's number
        since it was last applied: raising it from 50 to 80 adds 30 units; an unchanged
        number leaves the live stock (50 minus whatever sold) alone; lowering it takes
        units away, never below zero. Products gone from the file become inactive, so
        their orders and old buttons still resolve.
        """
        now = self._now()
        async with self._transaction() as db:
            known = {
                row["sku"]: row for row in await db.all("SELECT sku, stock_baseline FROM products")
            }
            for product in catalog.products:
                price = catalog.price_minor(product)
                currency = catalog.currency_of(product)
                row = known.get(product.sku)
                if row is None:
                    await db.execute(
                        "INSERT INTO products (sku, name_en, name_zh, price_minor, currency,"
                        " stock, stock_baseline, active, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                        (
                            product.sku,
                            product.name.en,
                            product.name.zh,
                            price,
                            currency,
                            product.stock,
                            product.stock,
                            now,
                        ),
                    )
                    continue
                delta = product.stock - int(row["stock_baseline"])
                await db.execute(
                    "UPDATE products SET name_en = ?, name_zh = ?, price_minor = ?, currency = ?,"
                    " stock = MAX(0, stock + ?), stock_baseline = ?, active = 1, updated_at = ?"
                    " WHERE sku = ?",
                    (
                        product.name.en,
                        product.name.zh,
                        price,
                        currency,
                        delta,
                        product.stock,
                        now,
                        product.sku,
                    ),
                )
            for campaign in catalog.campaigns:
                await db.execute(SAVE_CAMPAIGN, campaign_params(campaign, "catalog", now))
            listed = {p.sku for p in catalog.products}
            for sku in set(known) - listed:
                await db.execute(
                    "UPDATE products SET active = 0, updated_at = ? WHERE sku = ?", (now, sku)
                )

    async def stock(self, sku: str) -> int:
        row = await self._one("SELECT stock FROM products WHERE sku = ? AND active = 1", (sku,))
        return int(row["stock"]) if row else 0

    async def stocks(self) -> dict[str, int]:
        rows = await self._all("SELECT sku, stock FROM products WHERE active = 1")
        return {row["sku"]: int(row["stock"]) for row in rows}

    # --- customers ------------------------------------------------------------------

    async def touch_customer(
        self,
        key: str,
        channel: str,
        user_id: str,
        display_name: str,
        platform_language: str | None = None,
    ) -> Customer:
        """Record a customer on first contact (and their latest name and app language)."""
        now = self._now()
        await self._write(
            "INSERT INTO customers (key, channel, user_id, display_name, platform_language,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET display_name = excluded.display_name,"
            " platform_language = COALESCE(excluded.platform_language, platform_language)"
            " WHERE customers.display_name != excluded.display_name"
            " OR customers.platform_language IS NOT excluded.platform_language",
            (key, channel, user_id, display_name, platform_language, now, now),
        )
        customer = await self.customer(key)
        assert customer is not None
        return customer

    async def customer(self, key: str) -> Customer | None:
        row = await self._one("SELECT * FROM customers WHERE key = ?", (key,))
        if row is None:
            return None
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

    async def set_customer_language(self, key: str, language: str) -> None:
        await self._write(
            "UPDATE customers SET language = ?, updated_at = ? WHERE key = ?",
            (language, self._now(), key),
        )

    async def remember_delivery(
        self, key: str, contact_name: str, phone: str, address: str
    ) -> None:
        await self._write(
            "UPDATE customers SET contact_name = ?, phone = ?, address = ?, updated_at = ?"
            " WHERE key = ?",
            (contact_name, phone, address, self._now(), key),
        )

    # --- cart -----------------------------------------------------------------------

    async def cart(self, customer_key: str) -> list[CartLine]:
        rows = await self._all(
            "SELECT sku, qty FROM cart_items WHERE customer_key = ? ORDER BY added_at, rowid",
            (customer_key,),
        )
        return [CartLine(sku=row["sku"], qty=int(row["qty"])) for row in rows]

    async def set_cart_qty(self, customer_key: str, sku: str, qty: int) -> None:
        """Set a cart line's quantity; zero or less removes the line."""
        if qty <= 0:
            await self._write(
                "DELETE FROM cart_items WHERE customer_key = ? AND sku = ?", (customer_key, sku)
            )
            return
        await self._write(
            "INSERT INTO cart_items (customer_key, sku, qty, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (customer_key, sku) DO UPDATE SET qty = excluded.qty",
            (customer_key, sku, qty, self._now()),
        )

    async def clear_cart(self, customer_key: str) -> None:
        await self._write("DELETE FROM cart_items WHERE customer_key = ?", (customer_key,))

    # --- conversations in progress ------------------------------------------------------

    @property
    def conversations(self) -> _ConversationsShim:  # TEMPORARY until the repositories land
        return _ConversationsShim(self)

    async def conversation(self, customer_key: str) -> dict[str, Any]:
        row = await self._one(
            "SELECT state FROM conversations WHERE customer_key = ?", (customer_key,)
        )
        return dict(json.loads(row["state"])) if row else {}

    async def save_conversation(self, customer_key: str, state: dict[str, Any]) -> None:
        if not state:
            await self._write("DELETE FROM conversations WHERE customer_key = ?", (customer_key,))
            return
        await self._write(
            "INSERT INTO conversations (customer_key, state, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (customer_key) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            (customer_key, json.dumps(state, ensure_ascii=False), self._now()),
        )

    # --- orders -----------------------------------------------------------------------

    async def place_order(self, request: OrderRequest) -> Order | list[Shortage]:
        """Take stock and record the order in one transaction.

        Returns the order, or, when any line cannot be supplied in full, the shortages and
        changes nothing.
        """
        now = self._now()
        async with self._transaction() as db:
            shortages: list[Shortage] = []
            for line in request.lines:
                row = await db.one(
                    "SELECT stock FROM products WHERE sku = ? AND active = 1", (line.sku,)
                )
                available = int(row["stock"]) if row else 0
                if available < line.qty:
                    shortages.append(Shortage(line.sku, line.qty, available))
            if shortages:
                return shortages
            for line in request.lines:
                await db.execute(
                    "UPDATE products SET stock = stock - ? WHERE sku = ?", (line.qty, line.sku)
                )
            number = await self._fresh_order_number(db)
            total = sum(line.total_minor for line in request.lines)
            cursor = await db.execute(
                "INSERT INTO orders (number, customer_key, channel, chat_id, status, total_minor,"
                " currency, contact_name, phone, address, note, language, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                ),
            )
            order_id = cursor.lastrowid
            for index, line in enumerate(request.lines, start=1):
                await db.execute(
                    "INSERT INTO order_items (order_id, line, sku, name_en, name_zh,"
                    " unit_price_minor, qty) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        order_id,
                        index,
                        line.sku,
                        line.name_en,
                        line.name_zh,
                        line.unit_price_minor,
                        line.qty,
                    ),
                )
            await db.execute(
                "INSERT INTO order_events (order_id, status, actor, at) VALUES (?, ?, ?, ?)",
                (order_id, OrderStatus.PENDING_PAYMENT.value, request.customer_key, now),
            )
            await db.execute(
                "DELETE FROM cart_items WHERE customer_key = ?", (request.customer_key,)
            )
        order = await self.order(number)
        assert order is not None
        return order

    async def _fresh_order_number(self, db: _Tx) -> str:
        while True:
            number = "".join(secrets.choice(_ORDER_ALPHABET) for _ in range(_ORDER_NUMBER_LENGTH))
            if await db.one("SELECT 1 FROM orders WHERE number = ?", (number,)) is None:
                return number

    async def order(self, number: str) -> Order | None:
        row = await self._one("SELECT * FROM orders WHERE number = ?", (number.upper(),))
        return await self._order_from_row(row) if row else None

    async def orders_of(self, customer_key: str, limit: int = 10) -> list[Order]:
        rows = await self._all(
            "SELECT * FROM orders WHERE customer_key = ? ORDER BY id DESC LIMIT ?",
            (customer_key, limit),
        )
        return [await self._order_from_row(row) for row in rows]

    async def open_orders(self, limit: int = 20) -> list[Order]:
        rows = await self._all(
            "SELECT * FROM orders WHERE status IN (?, ?) ORDER BY id LIMIT ?",
            (OrderStatus.PENDING_PAYMENT.value, OrderStatus.PAID.value, limit),
        )
        return [await self._order_from_row(row) for row in rows]

    async def change_order_status(
        self, number: str, new_status: OrderStatus, actor: str
    ) -> Order | None:
        """Move an order along ``ORDER_TRANSITIONS``; cancelling puts its stock back.

        Returns the updated order, or None when the move is not allowed from the order's
        current status (or the order does not exist). Checking and changing happen in one
        transaction, so two owners pressing buttons at once cannot both succeed.
        """
        now = self._now()
        async with self._transaction() as db:
            row = await db.one("SELECT id, status FROM orders WHERE number = ?", (number.upper(),))
            if row is None or new_status not in ORDER_TRANSITIONS[OrderStatus(row["status"])]:
                return None
            await db.execute(
                "UPDATE orders SET status = ?, updated_at = ? WHERE id = ?",
                (new_status.value, now, row["id"]),
            )
            await db.execute(
                "INSERT INTO order_events (order_id, status, actor, at) VALUES (?, ?, ?, ?)",
                (row["id"], new_status.value, actor, now),
            )
            if new_status is OrderStatus.CANCELLED:
                await db.execute(
                    "UPDATE products SET stock = stock + (SELECT SUM(qty) FROM order_items"
                    " WHERE order_id = ? AND order_items.sku = products.sku)"
                    " WHERE sku IN (SELECT sku FROM order_items WHERE order_id = ?)",
                    (row["id"], row["id"]),
                )
        return await self.order(number)

    async def _order_from_row(self, row: aiosqlite.Row) -> Order:
        items = await self._all(
            "SELECT * FROM order_items WHERE order_id = ? ORDER BY line", (row["id"],)
        )
        return Order(
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
            lines=tuple(
                OrderLine(
                    sku=item["sku"],
                    name_en=item["name_en"],
                    name_zh=item["name_zh"],
                    unit_price_minor=int(item["unit_price_minor"]),
                    qty=int(item["qty"]),
                )
                for item in items
            ),
        )

    # --- buttons ----------------------------------------------------------------------

    async def button_key(self, action: str) -> str:
        """A short, stable key for a button action (fits any platform's payload limit)."""
        key = hashlib.blake2s(action.encode(), digest_size=9).hexdigest()
        await self._write(
            "INSERT OR IGNORE INTO button_actions (key, action, created_at) VALUES (?, ?, ?)",
            (key, action, self._now()),
        )
        return key

    async def button_action(self, key: str) -> str | None:
        row = await self._one("SELECT action FROM button_actions WHERE key = ?", (key,))
        return str(row["action"]) if row else None

    async def save_choices(self, chat_key: str, keys: list[str]) -> None:
        """The button keys a chat's latest numbered choices stand for (1 = first)."""
        await self._write(
            "INSERT INTO choices (chat_key, keys, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_key) DO UPDATE SET keys = excluded.keys,"
            " updated_at = excluded.updated_at",
            (chat_key, json.dumps(keys), self._now()),
        )

    async def choice(self, chat_key: str, number: int) -> str | None:
        """The button key behind the reply ``number`` in a chat, if it offered one."""
        row = await self._one("SELECT keys FROM choices WHERE chat_key = ?", (chat_key,))
        keys = json.loads(row["keys"]) if row else []
        return str(keys[number - 1]) if 1 <= number <= len(keys) else None

    # --- chats (groups the bot sits in) ---------------------------------------------------

    async def register_chat(self, chat: ChatRef, active: bool = True) -> ChatRecord:
        now = self._now()
        await self._write(
            "INSERT INTO chats (key, channel, chat_id, kind, title, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET title = excluded.title, active = excluded.active,"
            " unreachable_reason = CASE WHEN excluded.active = 1 THEN NULL"
            " ELSE chats.unreachable_reason END, updated_at = excluded.updated_at",
            (
                chat.key,
                chat.channel,
                chat.chat_id,
                chat.kind.value,
                chat.title,
                int(active),
                now,
                now,
            ),
        )
        record = await self.chat(chat.key)
        assert record is not None
        return record

    async def chat(self, key: str) -> ChatRecord | None:
        row = await self._one("SELECT * FROM chats WHERE key = ?", (key,))
        return _chat_record(row) if row else None

    async def groups(self) -> list[ChatRecord]:
        rows = await self._all("SELECT * FROM chats WHERE kind = 'group' ORDER BY created_at")
        return [_chat_record(row) for row in rows]

    async def mark_unreachable(self, chat: ChatRef, reason: str) -> None:
        """Stop sending to a chat that blocked or removed the bot, keeping why."""
        now = self._now()
        await self._write(
            "INSERT INTO chats (key, channel, chat_id, kind, title, active, unreachable_reason,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET active = 0,"
            " unreachable_reason = excluded.unreachable_reason, updated_at = excluded.updated_at",
            (chat.key, chat.channel, chat.chat_id, chat.kind.value, chat.title, reason, now, now),
        )

    async def record_send_failure(self, chat_key: str, text: str, error: str) -> None:
        await self._write(
            "INSERT INTO send_failures (chat_key, text, error, at) VALUES (?, ?, ?, ?)",
            (chat_key, text[:2000], error[:500], self._now()),
        )

    async def send_failures(self, chat_key: str | None = None) -> list[tuple[str, str]]:
        """(chat key, error) of recorded failures, oldest first."""
        rows = await self._all(
            "SELECT chat_key, error FROM send_failures"
            + (" WHERE chat_key = ?" if chat_key else "")
            + " ORDER BY id",
            (chat_key,) if chat_key else (),
        )
        return [(row["chat_key"], row["error"]) for row in rows]

    async def is_unreachable(self, chat_key: str) -> bool:
        row = await self._one("SELECT unreachable_reason FROM chats WHERE key = ?", (chat_key,))
        return bool(row and row["unreachable_reason"])


def _chat_record(row: aiosqlite.Row) -> ChatRecord:
    return ChatRecord(
        key=row["key"],
        channel=row["channel"],
        chat_id=row["chat_id"],
        kind=row["kind"],
        title=row["title"],
        active=bool(row["active"]),
        promotions_enabled=bool(row["promotions_enabled"]),
        unreachable_reason=row["unreachable_reason"],
    )


class _Tx:
    """The open transaction: the same connection, with fetch helpers."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        return await self._db.execute(sql, tuple(params))

    async def one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def executescript_in_tx(self, script: str) -> None:
        # executescript would COMMIT first; run the statements one by one instead so a
        # failing migration rolls back whole.
        for statement in _statements(script):
            await self._db.execute(statement)


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


class _ConversationsShim:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def load(self, key: str) -> tuple[dict[str, Any], int]:
        return await self.store.conversation(key), 0

    async def save(self, key: str, state: dict[str, Any], expected_version: int) -> bool:
        await self.store.save_conversation(key, state)
        return True
