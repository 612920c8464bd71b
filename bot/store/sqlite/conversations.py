"""Conversations in progress, with optimistic versioning.

``load`` hands back the state and its version; ``save`` writes only if the stored version
is still the one loaded, so two workers handling the same customer never silently
overwrite each other: the second learns it lost and can reload. Every ``save`` is one
statement.
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.sqlite.db import Database


class SqliteConversations:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, customer_key: str) -> tuple[dict[str, Any], int]:
        row = await self._db.one(
            "SELECT state, version FROM conversations WHERE customer_key = ?", (customer_key,)
        )
        if row is None:
            return {}, 0
        return dict(json.loads(row["state"])), int(row["version"])

    async def save(self, customer_key: str, state: dict[str, Any], expected_version: int) -> bool:
        now = self._db.now()
        if not state:
            if expected_version == 0:
                # Nothing stored is expected, and nothing is written: true if still nothing.
                row = await self._db.one(
                    "SELECT 1 FROM conversations WHERE customer_key = ?", (customer_key,)
                )
                return row is None
            changed = await self._db.write(
                "DELETE FROM conversations WHERE customer_key = ? AND version = ?",
                (customer_key, expected_version),
            )
            return changed == 1
        text = json.dumps(state, ensure_ascii=False)
        if expected_version == 0:
            changed = await self._db.write(
                "INSERT INTO conversations (customer_key, state, version, updated_at)"
                " VALUES (?, ?, 1, ?) ON CONFLICT (customer_key) DO NOTHING",
                (customer_key, text, now),
            )
        else:
            changed = await self._db.write(
                "UPDATE conversations SET state = ?, version = version + 1, updated_at = ?"
                " WHERE customer_key = ? AND version = ?",
                (text, now, customer_key, expected_version),
            )
        return changed == 1

    # --- deprecated: last writer wins (the router's old pair, until it is rewritten) ----

    async def state(self, customer_key: str) -> dict[str, Any]:
        state, _ = await self.load(customer_key)
        return state

    async def overwrite(self, customer_key: str, state: dict[str, Any]) -> None:
        if not state:
            await self._db.write(
                "DELETE FROM conversations WHERE customer_key = ?", (customer_key,)
            )
            return
        await self._db.write(
            "INSERT INTO conversations (customer_key, state, version, updated_at)"
            " VALUES (?, ?, 1, ?) ON CONFLICT (customer_key) DO UPDATE SET"
            " state = excluded.state, version = conversations.version + 1,"
            " updated_at = excluded.updated_at",
            (customer_key, json.dumps(state, ensure_ascii=False), self._db.now()),
        )
