"""The one connection every SQLite repository shares: the write lock, transactions, rows.

Writes that must be atomic (taking stock for an order, cancelling one) run under an
asyncio lock and ``BEGIN IMMEDIATE``, so concurrent checkouts in this process are
serialised and another process waits on SQLite's lock: nobody is ever oversold. Single
statements take the same lock, so they never join another coroutine's open transaction.

Durability: the file runs in WAL mode with ``synchronous=NORMAL`` (set in
``Store.open``): a commit is written to the WAL before it returns, so a crash of the
process loses nothing committed, but the WAL is fsynced only at checkpoints, so a power
loss could undo the last carts and conversation steps. What must survive even that (an
order, its stock and the notices it owes, a status change, the claim that keeps a
promotional post from being sent twice) is written ``durable``: under
``synchronous=FULL``, whose fsync of the WAL also makes every earlier commit durable.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from typing import Any, TypeVar, cast

import aiosqlite

from bot.clock import Clock
from bot.store.models import StoreBusy

log = logging.getLogger(__name__)

Row = aiosqlite.Row
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LockWait:
    """How a statement waits while another process holds the database's write lock (a
    second worker, a backup, someone's ``sqlite3`` session).

    SQLite's own wait (``busy_ms``, real time, on the connection's one thread) covers the
    brief holds of normal sharing; past it, the statement is tried again after ``waits``
    on the clock (the last repeats), so other customers' reads go on meanwhile, until
    ``patience`` seconds have passed: then ``StoreBusy``, and the customer is asked to
    send the message again rather than kept waiting without an answer.
    """

    busy_ms: int = 1000
    waits: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.0)
    patience: float = 15.0


class Database:
    """The shared connection, the clock and the asyncio write lock."""

    def __init__(
        self, connection: aiosqlite.Connection, clock: Clock, lock_wait: LockWait | None = None
    ) -> None:
        self.connection = connection
        self.clock = clock
        self.lock_wait = lock_wait or LockWait()
        self.write_lock = asyncio.Lock()
        # Notices recorded by this process (NoticeRepository.recorded).
        self.notices_recorded = 0

    async def _patiently(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt()``, tried again while another process holds the lock (LockWait)."""
        started = self.clock.monotonic()
        for wait in chain(self.lock_wait.waits, repeat(self.lock_wait.waits[-1])):
            try:
                return await attempt()
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                waited = self.clock.monotonic() - started
                if waited >= self.lock_wait.patience:
                    raise StoreBusy(
                        f"the database stayed locked by another writer for {waited:.0f} s"
                    ) from error
            await self.clock.sleep(wait)
        raise AssertionError("unreachable: the waits repeat")  # pragma: no cover

    def now(self) -> str:
        return self.clock.now().isoformat()

    @asynccontextmanager
    async def transaction(self, durable: bool = False) -> AsyncIterator[Tx]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` under the write lock; ``durable``: the
        commit is fsynced before this returns (see the module's docstring)."""
        async with self.write_lock, self._synchronous_full(durable):
            await self._begin_immediate()
            try:
                yield Tx(self.connection)
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
            else:
                await self.connection.execute("COMMIT")

    @asynccontextmanager
    async def _synchronous_full(self, durable: bool) -> AsyncIterator[None]:
        # Called with the write lock held: no other commit can slip in under FULL or,
        # worse, run under NORMAL while a durable one expects FULL.
        if not durable:
            yield
            return
        await self.connection.execute("PRAGMA synchronous=FULL")
        try:
            yield
        finally:
            await self.connection.execute("PRAGMA synchronous=NORMAL")

    async def _begin_immediate(self) -> None:
        # busy_timeout makes SQLite wait for another process's write lock, but under load
        # WAL can still answer "locked" at once (e.g. while the other side checkpoints);
        # another try beats failing a customer's checkout.
        await self._patiently(lambda: self.connection.execute("BEGIN IMMEDIATE"))

    async def run(self, work: Callable[[SyncTx], T], durable: bool = False) -> T:
        """``work`` in one transaction on the connection's own thread: one round trip
        for the whole transaction however many statements it runs (an order's dozen), and
        the write lock held that much shorter. ``work`` must not block on anything but the
        database (it holds up every other query of this process while it runs). Another
        process holding the lock: the whole transaction is tried again (LockWait); it
        rolled back, so nothing of it was kept."""
        async with self.write_lock:
            # aiosqlite runs a function on its thread through _execute (as it does its
            # own execute); _conn is the sqlite3 connection that thread owns.
            connection: Any = self.connection
            return cast(
                T,
                await self._patiently(
                    lambda: connection._execute(_transact, connection._conn, work, durable)
                ),
            )

    async def write(self, sql: str, params: Iterable[Any] = (), durable: bool = False) -> int:
        """One write statement under the lock; the number of rows it changed."""
        values = tuple(params)
        async with self.write_lock, self._synchronous_full(durable):
            cursor = await self._patiently(lambda: self.connection.execute(sql, values))
            return cursor.rowcount

    async def write_returning(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """One write statement with ``RETURNING`` under the lock; the first row it returned."""
        values = tuple(params)
        async with self.write_lock:
            rows = await self._patiently(lambda: self.connection.execute_fetchall(sql, values))
        return next(iter(rows), None)

    # Reads run, fetch and close in one hop to the connection's thread
    # (``execute_fetchall``), not three (execute, fetch, close). In WAL mode a writer
    # does not block them; a checkpoint or an exclusive lock elsewhere briefly can.

    async def one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """The first row (for lookups by key, which find at most one)."""
        return next(iter(await self.all(sql, params)), None)

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        values = tuple(params)
        return list(await self._patiently(lambda: self.connection.execute_fetchall(sql, values)))


class Tx:
    """The open transaction: the same connection, with fetch helpers."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        return await self._db.execute(sql, tuple(params))

    async def executemany(self, sql: str, params: Iterable[Iterable[Any]]) -> None:
        await self._db.executemany(sql, [tuple(p) for p in params])

    async def one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        return next(iter(await self._db.execute_fetchall(sql, tuple(params))), None)

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return list(await self._db.execute_fetchall(sql, tuple(params)))

    async def executescript_in_tx(self, script: str) -> None:
        # executescript would COMMIT first; run the statements one by one instead so a
        # failing migration rolls back whole.
        for statement in statements(script):
            await self._db.execute(statement)


class SyncTx:
    """The open transaction as ``Database.run``'s work sees it, on the database's thread:
    Tx's helpers without a hop each."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        return self._connection.execute(sql, tuple(params))

    def executemany(self, sql: str, params: Iterable[Iterable[Any]]) -> None:
        self._connection.executemany(sql, [tuple(p) for p in params])

    def one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        row: Row | None = self._connection.execute(sql, tuple(params)).fetchone()
        return row

    def all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return list(self._connection.execute(sql, tuple(params)).fetchall())


def _transact(connection: sqlite3.Connection, work: Callable[[SyncTx], T], durable: bool) -> T:
    """``Database.transaction`` as one call on the database's thread."""
    if durable:
        connection.execute("PRAGMA synchronous=FULL")
    try:
        # SQLite's busy wait (LockWait.busy_ms) on this thread; past it, "locked" goes
        # back to Database.run, which tries the whole transaction again on the clock.
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = work(SyncTx(connection))
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return result
    finally:
        if durable:
            connection.execute("PRAGMA synchronous=NORMAL")


def statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def placeholders(count: int) -> str:
    return ", ".join("?" * count)


def dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
