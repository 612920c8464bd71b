"""The durable outbox of promotional posts.

Every promotional post is a row with a unique key (campaign, chat, slot), so a slot
decided twice (a restart, a second worker) never yields a second row, and a row is
claimed (pending -> sending) before it is sent, so it is never sent twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.messages import ChatKind, ChatRef
from bot.store.models import NewPost, OutboxRow, PostKind, PostState
from bot.store.sqlite.db import Database, Row, dt, placeholders


class SqliteOutbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, posts: Sequence[NewPost]) -> None:
        if not posts:
            return
        now = self._db.now()
        async with self._db.transaction() as db:
            # One round trip for the whole slot.
            await db.executemany(
                "INSERT OR IGNORE INTO promo_outbox (key, campaign_id, chat_key, channel,"
                " chat_id, kind, slot, skus, recipients, state, reason, detail, not_before,"
                " posted_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        post.key,
                        post.campaign_id,
                        post.chat.key,
                        post.chat.channel,
                        post.chat.chat_id,
                        PostKind(post.kind).value,
                        post.slot.isoformat(),
                        json.dumps(sorted(post.skus)),
                        json.dumps(sorted(post.recipients)),
                        PostState(post.state).value,
                        post.reason,
                        post.detail,
                        post.not_before.isoformat() if post.not_before else None,
                        post.posted_at.isoformat() if post.posted_at else None,
                        now,
                        now,
                    )
                    for post in posts
                ],
            )

    async def rows(
        self,
        *,
        campaign_id: str | None = None,
        slot: datetime | None = None,
        states: Iterable[PostState] | None = None,
        slots_after: datetime | None = None,
    ) -> list[OutboxRow]:
        clauses: list[str] = []
        params: list[Any] = []
        if slots_after is not None:
            clauses.append("slot > ?")
            params.append(slots_after.isoformat())
        if campaign_id is not None:
            clauses.append("campaign_id = ?")
            params.append(campaign_id)
        if slot is not None:
            clauses.append("slot = ?")
            params.append(slot.isoformat())
        if states is not None:
            wanted = [PostState(s).value for s in states]
            clauses.append(f"state IN ({placeholders(len(wanted))})")
            params.extend(wanted)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self._db.all(f"SELECT * FROM promo_outbox{where} ORDER BY id", params)
        return [_row_from(row) for row in rows]

    async def get(self, row_id: int) -> OutboxRow | None:
        row = await self._db.one("SELECT * FROM promo_outbox WHERE id = ?", (row_id,))
        return _row_from(row) if row else None

    async def claim(self, row_id: int) -> bool:
        changed = await self._db.write(
            "UPDATE promo_outbox SET state = ?, attempts = attempts + 1,"
            " updated_at = ? WHERE id = ? AND state = ?",
            (PostState.SENDING.value, self._db.now(), row_id, PostState.PENDING.value),
            durable=True,  # a claim lost to a power cut would send the post again
        )
        return changed == 1

    async def finish(
        self,
        row_id: int,
        state: PostState,
        *,
        error: str | None = None,
        message_id: str | None = None,
        maybe_sent: bool = False,
        reason: str = "",
        detail: str = "",
        not_before: datetime | None = None,
    ) -> None:
        now = self._db.now()
        value = PostState(state).value
        await self._db.write(
            "UPDATE promo_outbox SET state = ?, last_error = COALESCE(?, last_error),"
            " message_id = COALESCE(?, message_id), maybe_sent = MAX(maybe_sent, ?),"
            " reason = CASE WHEN ? != '' THEN ? ELSE reason END,"
            " detail = CASE WHEN ? != '' THEN ? ELSE detail END,"
            " not_before = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
            " updated_at = ? WHERE id = ?",
            (
                value,
                error,
                message_id,
                int(maybe_sent),
                reason,
                reason,
                detail,
                detail,
                not_before.isoformat() if not_before else None,
                value,
                now,
                now,
                row_id,
            ),
        )

    async def set_skus(self, row_id: int, skus: Iterable[str]) -> None:
        await self._db.write(
            "UPDATE promo_outbox SET skus = ? WHERE id = ?", (json.dumps(sorted(skus)), row_id)
        )

    async def release(self, row_id: int, skus: Iterable[str], posted_at: datetime) -> None:
        await self._db.write(
            "UPDATE promo_outbox SET skus = ?, posted_at = ?, updated_at = ?"
            " WHERE id = ? AND state = ?",
            (
                json.dumps(sorted(skus)),
                posted_at.isoformat(),
                self._db.now(),
                row_id,
                PostState.PENDING.value,
            ),
        )

    async def history(self, since: datetime) -> list[OutboxRow]:
        rows = await self._db.all(
            "SELECT * FROM promo_outbox WHERE (state IN (?, ?) OR maybe_sent = 1"
            " OR (state = ? AND posted_at IS NOT NULL))"
            " AND COALESCE(posted_at, sent_at, slot) >= ? ORDER BY id",
            (
                PostState.SENT.value,
                PostState.SENDING.value,
                PostState.PENDING.value,
                since.isoformat(),
            ),
        )
        return [_row_from(row) for row in rows]


def _row_from(row: Row) -> OutboxRow:
    kind = PostKind(row["kind"])
    chat_kind = ChatKind.GROUP if kind is PostKind.GROUP else ChatKind.PRIVATE
    return OutboxRow(
        id=int(row["id"]),
        key=row["key"],
        campaign_id=row["campaign_id"],
        chat=ChatRef(row["channel"], row["chat_id"], chat_kind),
        kind=kind,
        slot=datetime.fromisoformat(row["slot"]),
        skus=tuple(json.loads(row["skus"])),
        recipients=frozenset(json.loads(row["recipients"])),
        state=PostState(row["state"]),
        reason=row["reason"],
        detail=row["detail"],
        not_before=dt(row["not_before"]),
        attempts=int(row["attempts"]),
        maybe_sent=bool(row["maybe_sent"]),
        last_error=row["last_error"],
        sent_at=dt(row["sent_at"]),
        posted_at=dt(row["posted_at"]),
        message_id=row["message_id"],
    )
