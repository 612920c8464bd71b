"""The chats the bot sits in: registration, reachability, send failures, who was seen in
which group and whether a group takes promotions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.messages import ChatKind, ChatRef
from bot.store.models import ChatRecord, OptOut
from bot.store.sqlite.db import Database, Row, dt


class SqliteChats:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def register(self, chat: ChatRef, active: bool = True) -> ChatRecord:
        now = self._db.now()
        row = await self._db.write_returning(
            "INSERT INTO chats (key, channel, chat_id, kind, title, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET title = excluded.title, active = excluded.active,"
            # A group the bot comes back to after being removed starts with promotions off,
            # as the owner's "added to a group" notice says; she turns them on again.
            " promotions_enabled = CASE WHEN chats.active = 0 AND excluded.active = 1 THEN 0"
            " ELSE chats.promotions_enabled END,"
            " unreachable_reason = CASE WHEN excluded.active = 1 THEN NULL"
            " ELSE chats.unreachable_reason END, updated_at = excluded.updated_at"
            " RETURNING *",
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
        assert row is not None
        return _chat_record(row)

    async def get(self, key: str) -> ChatRecord | None:
        row = await self._db.one("SELECT * FROM chats WHERE key = ?", (key,))
        return _chat_record(row) if row else None

    async def groups(self) -> list[ChatRecord]:
        rows = await self._db.all(
            "SELECT * FROM chats WHERE kind = ? AND moved_to IS NULL ORDER BY created_at",
            (ChatKind.GROUP.value,),
        )
        return [_chat_record(row) for row in rows]

    async def mark_unreachable(self, chat: ChatRef, reason: str) -> None:
        now = self._db.now()
        await self._db.write(
            "INSERT INTO chats (key, channel, chat_id, kind, title, active, unreachable_reason,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET active = 0,"
            " unreachable_reason = excluded.unreachable_reason, updated_at = excluded.updated_at",
            (chat.key, chat.channel, chat.chat_id, chat.kind.value, chat.title, reason, now, now),
        )

    async def move(self, old: ChatRef, new: ChatRef) -> ChatRecord:
        now = self._db.now()
        async with self._db.transaction() as db:
            before = await db.one("SELECT * FROM chats WHERE key = ?", (old.key,))
            if before is not None and before["moved_to"] == new.key:
                # Told twice (Telegram's service message, then a refused send): done.
                done = await db.one("SELECT * FROM chats WHERE key = ?", (new.key,))
                if done is not None:
                    return _chat_record(done)
            # The new chat takes the old one's settings over whatever a message from it
            # registered first (a new group starts with promotions off).
            row = await db.one(
                "INSERT INTO chats (key, channel, chat_id, kind, title, active, promotions_enabled,"
                " last_reaction_at, last_complaint_at, moved_from, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET active = 1, unreachable_reason = NULL,"
                " title = CASE WHEN excluded.title = '' THEN chats.title ELSE excluded.title END,"
                " promotions_enabled = excluded.promotions_enabled,"
                " last_reaction_at = COALESCE(MAX(chats.last_reaction_at,"
                " excluded.last_reaction_at), chats.last_reaction_at, excluded.last_reaction_at),"
                " last_complaint_at = COALESCE(MAX(chats.last_complaint_at,"
                " excluded.last_complaint_at), chats.last_complaint_at,"
                " excluded.last_complaint_at),"
                " moved_from = excluded.moved_from, updated_at = excluded.updated_at"
                " RETURNING *",
                (
                    new.key,
                    new.channel,
                    new.chat_id,
                    new.kind.value,
                    new.title or (before["title"] if before else ""),
                    before["promotions_enabled"] if before else 0,
                    before["last_reaction_at"] if before else None,
                    before["last_complaint_at"] if before else None,
                    old.key,
                    before["created_at"] if before else now,
                    now,
                ),
            )
            assert row is not None
            await db.execute(
                "INSERT INTO chats (key, channel, chat_id, kind, title, active, unreachable_reason,"
                " moved_to, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET active = 0,"
                " unreachable_reason = excluded.unreachable_reason,"
                " moved_to = excluded.moved_to, updated_at = excluded.updated_at",
                (
                    old.key,
                    old.channel,
                    old.chat_id,
                    old.kind.value,
                    old.title,
                    f"moved to {new.key}",
                    new.key,
                    now,
                    now,
                ),
            )
            # Who was seen there: the same people, now in the new chat.
            await db.execute(
                "INSERT INTO chat_members (chat_key, member_key, last_seen)"
                " SELECT ?, member_key, last_seen FROM chat_members WHERE chat_key = ?"
                " ON CONFLICT (chat_key, member_key)"
                " DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)",
                (new.key, old.key),
            )
            await db.execute("DELETE FROM chat_members WHERE chat_key = ?", (old.key,))
            # Every promotional post, sent or to send: the caps count the group's past
            # posts, and a post still to go goes to the new chat. The key names the chat,
            # so a slot decided again for the new chat finds its row and is not posted twice.
            await db.execute(
                "UPDATE OR IGNORE promo_outbox SET chat_key = ?, chat_id = ?,"
                " key = replace(key, '|' || ? || '|', '|' || ? || '|'), updated_at = ?"
                " WHERE chat_key = ?",
                (new.key, new.chat_id, old.key, new.key, now, old.key),
            )
            # Notices still to send (a group's is rare, but nothing owed is lost).
            await db.execute(
                "UPDATE notices SET chat_key = ?, message = json_set(message, '$.chat[1]', ?),"
                " updated_at = ? WHERE chat_key = ? AND state IN ('pending', 'sending')",
                (new.key, new.chat_id, now, old.key),
            )
        return _chat_record(row)

    async def is_unreachable(self, chat_key: str) -> bool:
        row = await self._db.one("SELECT unreachable_reason FROM chats WHERE key = ?", (chat_key,))
        return bool(row and row["unreachable_reason"])

    async def record_send_failure(self, chat_key: str, text: str, error: str) -> None:
        await self._db.write(
            "INSERT INTO send_failures (chat_key, text, error, at) VALUES (?, ?, ?, ?)",
            (chat_key, text[:2000], error[:500], self._db.now()),
        )

    async def send_failures(self, chat_key: str | None = None) -> list[tuple[str, str]]:
        rows = await self._db.all(
            "SELECT chat_key, error FROM send_failures"
            + (" WHERE chat_key = ?" if chat_key else "")
            + " ORDER BY id",
            (chat_key,) if chat_key else (),
        )
        return [(row["chat_key"], row["error"]) for row in rows]

    async def set_promotions(self, chat_key: str, enabled: bool) -> bool:
        # One statement: only a known group changes.
        changed = await self._db.write(
            "UPDATE chats SET promotions_enabled = ?, updated_at = ? WHERE key = ? AND kind = ?",
            (int(enabled), self._db.now(), chat_key, ChatKind.GROUP.value),
        )
        return changed == 1

    async def note_activity(self, chat: ChatRef, member_key: str, reaction: bool) -> None:
        now = self._db.now()
        await self._db.write(
            "INSERT INTO chat_members (chat_key, member_key, last_seen) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_key, member_key) DO UPDATE SET last_seen = excluded.last_seen",
            (chat.key, member_key, now),
        )
        if reaction:
            await self._db.write(
                "UPDATE chats SET last_reaction_at = ? WHERE key = ?", (now, chat.key)
            )

    async def group_members(self) -> dict[str, frozenset[str]]:
        members: dict[str, set[str]] = {}
        for row in await self._db.all("SELECT chat_key, member_key FROM chat_members"):
            members.setdefault(row["chat_key"], set()).add(row["member_key"])
        return {key: frozenset(people) for key, people in members.items()}

    async def last_reaction(self, chat_key: str) -> datetime | None:
        row = await self._db.one("SELECT last_reaction_at FROM chats WHERE key = ?", (chat_key,))
        return dt(row["last_reaction_at"]) if row else None

    async def note_reaction(self, chat_key: str) -> None:
        await self._db.write(
            "UPDATE chats SET last_reaction_at = ? WHERE key = ?", (self._db.now(), chat_key)
        )

    async def note_complaint(self, chat_key: str) -> None:
        await self._db.write(
            "UPDATE chats SET last_complaint_at = ? WHERE key = ?", (self._db.now(), chat_key)
        )

    async def note_opt_out(self, chat: ChatRef, customer_key: str, name: str) -> None:
        await self._db.write(
            "INSERT INTO promo_opt_outs (customer_key, name, chat_key, at) VALUES (?, ?, ?, ?)",
            (customer_key, name, chat.key, self._db.now()),
        )

    async def unreported_opt_outs(self) -> list[OptOut]:
        rows = await self._db.all(
            "SELECT * FROM promo_opt_outs WHERE reported_at IS NULL ORDER BY id"
        )
        return [
            OptOut(
                row["id"],
                row["customer_key"],
                row["name"],
                row["chat_key"],
                datetime.fromisoformat(row["at"]),
            )
            for row in rows
        ]

    async def mark_opt_outs_reported(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        marks = ", ".join("?" for _ in ids)
        await self._db.write(
            f"UPDATE promo_opt_outs SET reported_at = ? WHERE id IN ({marks})",
            (self._db.now(), *ids),
        )


def _chat_record(row: Row) -> ChatRecord:
    return ChatRecord(
        key=row["key"],
        channel=row["channel"],
        chat_id=row["chat_id"],
        kind=ChatKind(row["kind"]),
        title=row["title"],
        active=bool(row["active"]),
        promotions_enabled=bool(row["promotions_enabled"]),
        unreachable_reason=row["unreachable_reason"],
        last_reaction=dt(row["last_reaction_at"]),
        last_complaint=dt(row["last_complaint_at"]),
        moved_from=row["moved_from"],
        moved_to=row["moved_to"],
    )
