"""The notices outbox in SQLite: a row per event and recipient, unique by key.

A row is claimed (pending -> sending) by one sender before it is sent, so two workers
draining at once never both send it; a row found "sending" at start was interrupted
mid-send and is settled as unknown rather than sent again.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.messages import Button, ChatKind, ChatRef, Outgoing
from bot.store.models import NewNotice, NoticeRow, NoticeState
from bot.store.sqlite.db import Database, Row, SyncTx, dt, placeholders

_INSERT = (
    "INSERT OR IGNORE INTO notices (key, chat_key, message, state, not_before,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _rows(notices: Sequence[NewNotice], now: str) -> list[tuple[Any, ...]]:
    return [
        (
            n.key,
            n.message.chat.key,
            _dump(n.message),
            NoticeState.PENDING,
            n.not_before.isoformat() if n.not_before else None,
            now,
            now,
        )
        for n in notices
    ]


def insert_notices(db: SyncTx, notices: Sequence[NewNotice], now: str) -> None:
    """Record notices inside the caller's transaction (an order and the notices it owes
    commit together); a key already recorded is kept as it is. The caller counts them
    (``Database.notices_recorded``) once committed."""
    db.executemany(_INSERT, _rows(notices, now))


class SqliteNotices:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, notices: Sequence[NewNotice]) -> list[int]:
        if not notices:
            return []
        now = self._db.now()
        self._db.notices_recorded += len(notices)
        async with self._db.transaction() as db:
            await db.executemany(_INSERT, _rows(notices, now))
            keys = [n.key for n in notices]
            rows = await db.all(
                f"SELECT id FROM notices WHERE key IN ({placeholders(len(keys))}) ORDER BY id",
                keys,
            )
        return [int(row["id"]) for row in rows]

    async def due(
        self, now: datetime, limit: int = 100, channels: Collection[str] | None = None
    ) -> list[NoticeRow]:
        on_channels, names = "", []
        if channels is not None:
            if not channels:
                return []
            # chat_key is "<channel>:<chat id>"
            on_channels = (
                f" AND substr(chat_key, 1, instr(chat_key, ':') - 1)"
                f" IN ({placeholders(len(channels))})"
            )
            names = list(channels)
        rows = await self._db.all(
            "SELECT * FROM notices WHERE state = ? AND (not_before IS NULL OR not_before <= ?)"
            f"{on_channels} ORDER BY id LIMIT ?",
            (NoticeState.PENDING.value, now.isoformat(), *names, limit),
        )
        return [_row(r) for r in rows]

    async def waiting_by_channel(self) -> dict[str, int]:
        rows = await self._db.all(
            "SELECT substr(chat_key, 1, instr(chat_key, ':') - 1) AS channel, count(*) AS n"
            " FROM notices WHERE state = ? GROUP BY channel ORDER BY channel",
            (NoticeState.PENDING.value,),
        )
        return {row["channel"]: int(row["n"]) for row in rows}

    async def claim(self, notice_id: int) -> bool:
        changed = await self._db.write(
            "UPDATE notices SET state = ?, attempts = attempts + 1, updated_at = ?"
            " WHERE id = ? AND state = ?",
            (NoticeState.SENDING.value, self._db.now(), notice_id, NoticeState.PENDING.value),
        )
        return changed == 1

    async def finish(
        self,
        notice_id: int,
        state: NoticeState,
        *,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        await self._db.write(
            "UPDATE notices SET state = ?, last_error = ?, not_before = ?, updated_at = ?"
            " WHERE id = ?",
            (
                NoticeState(state).value,
                error,
                retry_at.isoformat() if retry_at else None,
                self._db.now(),
                notice_id,
            ),
        )

    async def mark_delivered(self, key: str) -> bool:
        changed = await self._db.write(
            "UPDATE notices SET state = ?, updated_at = ? WHERE key = ? AND state = ?",
            (NoticeState.SENT.value, self._db.now(), key, NoticeState.PENDING.value),
        )
        return changed == 1

    async def settle_interrupted(self) -> int:
        return await self._db.write(
            "UPDATE notices SET state = ?, last_error = ?, updated_at = ? WHERE state = ?",
            (
                NoticeState.UNKNOWN.value,
                "interrupted while sending",
                self._db.now(),
                NoticeState.SENDING.value,
            ),
        )

    async def rows(self, states: Iterable[NoticeState] | None = None) -> list[NoticeRow]:
        if states is None:
            found = await self._db.all("SELECT * FROM notices ORDER BY id")
        else:
            wanted = [NoticeState(s).value for s in states]
            found = await self._db.all(
                f"SELECT * FROM notices WHERE state IN ({placeholders(len(wanted))}) ORDER BY id",
                wanted,
            )
        return [_row(r) for r in found]

    def recorded(self) -> int:
        return self._db.notices_recorded


def _dump(message: Outgoing) -> str:
    chat = message.chat
    data: dict[str, Any] = {
        "chat": [chat.channel, chat.chat_id, chat.kind.value, chat.title],
        "text": message.text,
        "buttons": [[[b.label, b.action, b.url] for b in row] for row in message.buttons],
        "image": message.image,
        "language": message.language,
        "notice_key": message.notice_key,
    }
    return json.dumps(data, ensure_ascii=False)


def _load(stored: str) -> Outgoing:
    data = json.loads(stored)
    channel, chat_id, kind, title = data["chat"]
    return Outgoing(
        chat=ChatRef(channel, chat_id, ChatKind(kind), title),
        text=data["text"],
        buttons=tuple(
            tuple(Button(label, action, url) for label, action, url in row)
            for row in data["buttons"]
        ),
        image=data.get("image"),
        language=data.get("language"),
        notice_key=data.get("notice_key"),
    )


def _row(row: Row) -> NoticeRow:
    created = dt(row["created_at"])
    assert created is not None
    return NoticeRow(
        id=int(row["id"]),
        key=row["key"],
        message=_load(row["message"]),
        state=NoticeState(row["state"]),
        attempts=int(row["attempts"]),
        last_error=row["last_error"],
        not_before=dt(row["not_before"]),
        created_at=created,
    )
