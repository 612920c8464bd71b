"""What every message reads first, in one statement and so one hop to aiosqlite's thread.

Each hop costs about 0.1 ms whatever the query (issue 14's profile), and a message used
to make five of them before its route ran (customer, chat, conversation, choice lists,
cart). One statement reads them all: the customer row, with the rest as scalar
subqueries, the lists as JSON arrays (sorted again here: SQLite does not promise the
order ``json_group_array`` sees its rows in).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.store.models import CartLine, ChoiceList, TurnStart
from bot.store.sqlite.customers import _customer_from
from bot.store.sqlite.db import Database

# The text never changes (the people come as one JSON parameter), so sqlite3's statement
# cache prepares it once. ?1 customer, ?2 chat, ?3 people (JSON), ?4 lists, ?5 button.
_BEGIN = """
SELECT c.*,
    (SELECT unreachable_reason FROM chats WHERE key = ?2) AS turn_unreachable,
    (SELECT json_array(state, version) FROM conversations WHERE customer_key = ?1)
        AS turn_conversation,
    (SELECT json_group_array(json_array(sku, qty, seen_price_minor, added_at, rowid))
        FROM cart_items WHERE customer_key = ?1) AS turn_cart,
    (SELECT json_group_array(json_array(id, person_key, prefix, json(keys), json(labels),
                                        delivered_at IS NOT NULL))
        FROM (SELECT * FROM choice_lists
              WHERE chat_key = ?2 AND person_key IN (SELECT value FROM json_each(?3))
              ORDER BY id DESC LIMIT ?4)) AS turn_lists,
    (SELECT action FROM button_actions WHERE key = ?5) AS turn_action
FROM (SELECT 1) LEFT JOIN customers AS c ON c.key = ?1
"""

# As many lists as ``ButtonRepository.recent_lists`` gives by default.
LISTS = 20


class SqliteTurns:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def begin(
        self,
        customer_key: str,
        chat_key: str,
        choices_for: Sequence[str] = (),
        button_key: str | None = None,
    ) -> TurnStart:
        row = await self._db.one(
            _BEGIN,
            (customer_key, chat_key, json.dumps(list(choices_for)), LISTS, button_key),
        )
        assert row is not None, "the LEFT JOIN always yields a row"
        conversation: dict[str, Any] = {}
        version = 0
        if row["turn_conversation"] is not None:
            state, version = json.loads(row["turn_conversation"])
            conversation = dict(json.loads(state))
        cart = sorted(json.loads(row["turn_cart"]), key=lambda line: (line[3], line[4]))
        lists = sorted(json.loads(row["turn_lists"]), key=lambda shown: -shown[0])
        return TurnStart(
            customer=None if row["key"] is None else _customer_from(row),
            chat_unreachable=bool(row["turn_unreachable"]),
            conversation=conversation,
            conversation_version=int(version),
            cart=tuple(CartLine(sku, int(qty), seen) for sku, qty, seen, _, _ in cart),
            choice_lists=tuple(
                ChoiceList(
                    id=int(list_id),
                    chat_key=chat_key,
                    person_key=person,
                    prefix=prefix,
                    keys=tuple(keys),
                    labels=tuple(labels),
                    delivered=bool(delivered),
                )
                for list_id, person, prefix, keys, labels, delivered in lists
            ),
            button_action=row["turn_action"],
        )
