"""Short keys for button actions, and the numbered choices of chats without buttons."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from bot.store.models import ChoiceList
from bot.store.sqlite.db import Database, Row

# Lists kept per chat and person: enough to tell "that list has expired" for a while.
KEEP_LISTS = 20


class SqliteButtons:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Keys this process has already written. Rows are never deleted and a key is a
        # hash of its action, so a key seen once needs no second write: most buttons on
        # a message (the same menu again) then cost no round trip at all.
        self._written: set[str] = set()

    async def key_for(self, action: str) -> str:
        [key] = await self.keys_for([action])
        return key

    async def keys_for(self, actions: Sequence[str]) -> list[str]:
        keys = [_key(action) for action in actions]
        new = {key: action for key, action in zip(keys, actions, strict=True)}
        for key in self._written.intersection(new):
            del new[key]
        if new:
            now = self._db.now()
            await self._db.write(
                "INSERT OR IGNORE INTO button_actions (key, action, created_at) VALUES "
                + ", ".join("(?, ?, ?)" for _ in new),
                [value for key, action in new.items() for value in (key, action, now)],
            )
            self._written.update(new)
        return keys

    async def action(self, key: str) -> str | None:
        row = await self._db.one("SELECT action FROM button_actions WHERE key = ?", (key,))
        return str(row["action"]) if row else None

    async def save_choices(
        self,
        chat_key: str,
        person_key: str,
        keys: Sequence[str],
        labels: Sequence[str],
        prefix: str = "",
    ) -> int:
        row = await self._db.write_returning(
            "INSERT INTO choice_lists (chat_key, person_key, prefix, keys, labels, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                chat_key,
                person_key,
                prefix,
                json.dumps(list(keys)),
                json.dumps(list(labels), ensure_ascii=False),
                self._db.now(),
            ),
        )
        assert row is not None
        list_id = int(row["id"])
        # Old lists only ever answer "expired"; a bounded number of them is enough.
        await self._db.write(
            "DELETE FROM choice_lists WHERE chat_key = ? AND person_key = ? AND id <= ?",
            (chat_key, person_key, list_id - KEEP_LISTS),
        )
        return list_id

    async def mark_delivered(self, list_id: int) -> None:
        await self._db.write(
            "UPDATE choice_lists SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
            (self._db.now(), list_id),
        )

    async def recent_lists(
        self, chat_key: str, person_keys: Sequence[str], limit: int = 20
    ) -> list[ChoiceList]:
        if not person_keys:
            return []
        marks = ", ".join("?" for _ in person_keys)
        rows = await self._db.all(
            f"SELECT * FROM choice_lists WHERE chat_key = ? AND person_key IN ({marks})"
            " ORDER BY id DESC LIMIT ?",
            (chat_key, *person_keys, limit),
        )
        return [_choice_list(row) for row in rows]


def _key(action: str) -> str:
    return hashlib.blake2s(action.encode(), digest_size=9).hexdigest()


def _choice_list(row: Row) -> ChoiceList:
    return ChoiceList(
        id=int(row["id"]),
        chat_key=row["chat_key"],
        person_key=row["person_key"],
        prefix=row["prefix"],
        keys=tuple(json.loads(row["keys"])),
        labels=tuple(json.loads(row["labels"])),
        delivered=row["delivered_at"] is not None,
    )
