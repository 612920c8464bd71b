"""Short keys for button actions, and the numbered choices of chats without buttons."""

from __future__ import annotations

import hashlib
import json

from bot.store.sqlite.db import Database


class SqliteButtons:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Keys this process has already written. Rows are never deleted and a key is a
        # hash of its action, so a key seen once needs no second write: most buttons on
        # a message (the same menu again) then cost no round trip at all.
        self._written: set[str] = set()

    async def key_for(self, action: str) -> str:
        key = hashlib.blake2s(action.encode(), digest_size=9).hexdigest()
        if key in self._written:
            return key
        await self._db.write(
            "INSERT OR IGNORE INTO button_actions (key, action, created_at) VALUES (?, ?, ?)",
            (key, action, self._db.now()),
        )
        self._written.add(key)
        return key

    async def action(self, key: str) -> str | None:
        row = await self._db.one("SELECT action FROM button_actions WHERE key = ?", (key,))
        return str(row["action"]) if row else None

    async def save_choices(self, chat_key: str, keys: list[str]) -> None:
        await self._db.write(
            "INSERT INTO choices (chat_key, keys, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_key) DO UPDATE SET keys = excluded.keys,"
            " updated_at = excluded.updated_at",
            (chat_key, json.dumps(keys), self._db.now()),
        )

    async def choice(self, chat_key: str, number: int) -> str | None:
        row = await self._db.one("SELECT keys FROM choices WHERE chat_key = ?", (chat_key,))
        keys = json.loads(row["keys"]) if row else []
        return str(keys[number - 1]) if 1 <= number <= len(keys) else None
