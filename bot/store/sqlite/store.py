"""The SQLite store: one file through aiosqlite, in WAL mode, one connection per process
shared by every repository."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.clock import Clock
from bot.store.migrations import MIGRATIONS, SCHEMA_VERSION
from bot.store.sqlite.buttons import SqliteButtons
from bot.store.sqlite.campaigns import SqliteCampaigns
from bot.store.sqlite.carts import SqliteCarts
from bot.store.sqlite.chats import SqliteChats
from bot.store.sqlite.conversations import SqliteConversations
from bot.store.sqlite.customers import SqliteCustomers
from bot.store.sqlite.db import Database, LockWait, Tx
from bot.store.sqlite.notices import SqliteNotices
from bot.store.sqlite.orders import SqliteOrders
from bot.store.sqlite.outbox import SqliteOutbox
from bot.store.sqlite.records import SqliteRecords
from bot.store.sqlite.stock import SqliteStock
from bot.store.sqlite.tickets import SqliteTickets
from bot.store.sqlite.turns import SqliteTurns

log = logging.getLogger(__name__)


def _usable_place(path: Path) -> None:
    """Refuse, before anything is created or changed, a place the shop could not write
    its database to: a missing folder (a typo in the path must not start an empty shop
    somewhere else), a read-only file, a read-only folder (SQLite keeps its -wal and -shm
    files beside the database and would leave them there, then fail)."""
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise FileNotFoundError(f"the folder {folder} {what}: create it first")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise PermissionError(
            f"{path} is read-only for this user; chatshop must write to it "
            "(give this user write access, or run chatshop as its owner)"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(
            f"the folder {folder} is read-only for this user; SQLite writes its -wal and "
            "-shm files beside the database"
        )


def _private_file(path: Path) -> None:
    """The file holds customers' names, phones and addresses: created readable by the
    owner only (SQLite gives its -wal and -shm files the same mode), and an existing
    file anyone else may read is reported at start, not changed behind the owner's back."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if each.exists() and each.stat().st_mode & 0o077:
                log.warning(
                    "%s can be read by other users of this machine (mode %o); it holds "
                    "customers' personal data: chmod 600 it",
                    each,
                    stat.S_IMODE(each.stat().st_mode),
                )
        return
    os.close(descriptor)


class Store:
    """Every repository over one SQLite connection (satisfies ``bot.store.api.StoreApi``)."""

    def __init__(
        self, connection: aiosqlite.Connection, clock: Clock, lock_wait: LockWait | None = None
    ) -> None:
        self._database = Database(connection, clock, lock_wait)
        self.stock = SqliteStock(self._database)
        self.orders = SqliteOrders(self._database)
        self.carts = SqliteCarts(self._database)
        self.customers = SqliteCustomers(self._database)
        self.conversations = SqliteConversations(self._database)
        self.turns = SqliteTurns(self._database)
        self.chats = SqliteChats(self._database)
        self.buttons = SqliteButtons(self._database)
        self.campaigns = SqliteCampaigns(self._database)
        self.outbox = SqliteOutbox(self._database)
        self.records = SqliteRecords(self._database)
        self.tickets = SqliteTickets(self._database)
        self.notices = SqliteNotices(self._database)

    @classmethod
    async def open(cls, path: str | Path, clock: Clock, lock_wait: LockWait | None = None) -> Store:
        """Open (creating if needed) and migrate the store file to the current schema."""
        if str(path) != ":memory:":
            _usable_place(Path(path))
            _private_file(Path(path))
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        connection.row_factory = aiosqlite.Row
        store = cls(connection, clock, lock_wait)
        try:
            # Wait (rather than fail) while another process holds the write lock; past
            # this, Database tries again on the clock (LockWait).
            await connection.execute(f"PRAGMA busy_timeout={store._database.lock_wait.busy_ms}")
            # A file that is not a database fails here, before anything is written.
            await connection.execute("PRAGMA journal_mode=WAL")
            # A process crash loses no commit in WAL mode under NORMAL; what must also
            # survive a power loss (orders) is committed durable (bot/store/sqlite/db.py).
            await connection.execute("PRAGMA synchronous=NORMAL")
            await connection.execute("PRAGMA foreign_keys=ON")
            await store.migrate()
        except BaseException:
            # Closed, or its thread would keep the process alive after the error.
            await connection.close()
            raise
        return store

    async def close(self) -> None:
        await self._database.connection.close()

    async def schema_version(self) -> int:
        row = await self._database.one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, target: int = SCHEMA_VERSION) -> None:
        current = await self.schema_version()
        if current > SCHEMA_VERSION:
            raise RuntimeError(
                f"the database is at schema version {current}, newer than this chatshop "
                f"understands ({SCHEMA_VERSION}); upgrade chatshop instead of downgrading"
            )
        for version in range(current, target):
            async with self._database.transaction() as db:
                await db.executescript_in_tx(MIGRATIONS[version])
                await db.execute(f"PRAGMA user_version={version + 1}")

    # --- for tests and maintenance scripts: raw access to this backend --------------

    @property
    def _db(self) -> aiosqlite.Connection:
        return self._database.connection

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Tx]:
        async with self._database.transaction() as db:
            yield db
