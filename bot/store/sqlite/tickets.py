"""Tickets: messages handed to the owner, one open ticket per customer, and the answer."""

from __future__ import annotations

from datetime import datetime

from bot.messages import ChatKind, ChatRef
from bot.store.models import NewTicket, Ticket, TicketMessage, TicketReason, TicketStatus
from bot.store.sqlite.db import Database, Row, Tx, dt

# How many messages of one ticket are kept: enough for the owner to follow, bounded so
# one person cannot grow a ticket without end.
MAX_MESSAGES = 50


class SqliteTickets:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_or_append(self, new: NewTicket) -> tuple[Ticket, bool]:
        """Open a ticket, or add the message to the customer's open one; True when opened."""
        now = self._db.now()
        async with self._db.transaction() as db:
            row = await db.one(
                "SELECT id FROM tickets WHERE customer_key = ? AND status = 'open'",
                (new.customer_key,),
            )
            opened = row is None
            if row is None:
                cursor = await db.execute(
                    "INSERT INTO tickets (customer_key, channel, chat_id, chat_kind,"
                    " customer_name, language, reason, status, context, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)",
                    (
                        new.customer_key,
                        new.chat.channel,
                        new.chat.chat_id,
                        new.chat.kind.value,
                        new.customer_name,
                        new.language,
                        TicketReason(new.reason).value,
                        new.context,
                        now,
                        now,
                    ),
                )
                ticket_id = int(cursor.lastrowid or 0)
            else:
                ticket_id = int(row["id"])
                await db.execute("UPDATE tickets SET updated_at = ? WHERE id = ?", (now, ticket_id))
            count = await db.one(
                "SELECT count(*) AS n FROM ticket_messages WHERE ticket_id = ?", (ticket_id,)
            )
            if count is None or int(count["n"]) < MAX_MESSAGES:
                await db.execute(
                    "INSERT INTO ticket_messages (ticket_id, author, text, at)"
                    " VALUES (?, 'customer', ?, ?)",
                    (ticket_id, new.text, now),
                )
            ticket = await _read(db, ticket_id)
        assert ticket is not None
        return ticket, opened

    async def get(self, number: int) -> Ticket | None:
        async with self._db.transaction() as db:
            return await _read(db, number)

    async def open_of(self, customer_key: str) -> Ticket | None:
        """The customer's open ticket, if any."""
        row = await self._db.one(
            "SELECT id FROM tickets WHERE customer_key = ? AND status = 'open'", (customer_key,)
        )
        return await self.get(int(row["id"])) if row else None

    async def open_tickets(self, limit: int = 50) -> list[Ticket]:
        """Open tickets, oldest first."""
        rows = await self._db.all(
            "SELECT id FROM tickets WHERE status = 'open' ORDER BY created_at, id LIMIT ?",
            (limit,),
        )
        found = [await self.get(int(row["id"])) for row in rows]
        return [ticket for ticket in found if ticket is not None]

    async def answer(self, number: int, text: str, actor: str) -> Ticket | None:
        """Record the owner's answer and close the ticket; None when it is not open."""
        return await self._finish(number, TicketStatus.ANSWERED, actor, answer=text)

    async def close(self, number: int, reason: str, actor: str) -> Ticket | None:
        """Close without an answer, keeping the reason; None when it is not open."""
        return await self._finish(number, TicketStatus.CLOSED, actor, close_reason=reason)

    async def mark_reminded(self, number: int) -> bool:
        """Note that the owner was reminded; False if it already was (or is not open)."""
        changed = await self._db.write(
            "UPDATE tickets SET reminded_at = ? WHERE id = ? AND status = 'open'"
            " AND reminded_at IS NULL",
            (self._db.now(), number),
        )
        return changed == 1

    async def _finish(
        self,
        number: int,
        status: TicketStatus,
        actor: str,
        answer: str = "",
        close_reason: str = "",
    ) -> Ticket | None:
        now = self._db.now()
        async with self._db.transaction() as db:
            cursor = await db.execute(
                "UPDATE tickets SET status = ?, answer = ?, close_reason = ?, closed_by = ?,"
                " updated_at = ? WHERE id = ? AND status = 'open'",
                (status.value, answer, close_reason, actor, now, number),
            )
            if cursor.rowcount != 1:
                return None
            if answer:
                await db.execute(
                    "INSERT INTO ticket_messages (ticket_id, author, text, at)"
                    " VALUES (?, 'owner', ?, ?)",
                    (number, answer, now),
                )
            return await _read(db, number)


async def _read(db: Tx, number: int) -> Ticket | None:
    row = await db.one("SELECT * FROM tickets WHERE id = ?", (number,))
    if row is None:
        return None
    messages = await db.all(
        "SELECT author, text, at FROM ticket_messages WHERE ticket_id = ? ORDER BY id", (number,)
    )
    return _ticket_from(row, [_message_from(m) for m in messages])


def _message_from(row: Row) -> TicketMessage:
    at = dt(row["at"])
    assert at is not None
    return TicketMessage(row["author"], row["text"], at)


def _ticket_from(row: Row, messages: list[TicketMessage]) -> Ticket:
    created, updated = dt(row["created_at"]), dt(row["updated_at"])
    assert created is not None and updated is not None
    reminded: datetime | None = dt(row["reminded_at"])
    return Ticket(
        number=int(row["id"]),
        customer_key=row["customer_key"],
        chat=ChatRef(row["channel"], row["chat_id"], ChatKind(row["chat_kind"])),
        customer_name=row["customer_name"],
        language=row["language"],
        reason=TicketReason(row["reason"]),
        status=TicketStatus(row["status"]),
        context=row["context"],
        messages=tuple(messages),
        created_at=created,
        updated_at=updated,
        answer=row["answer"],
        close_reason=row["close_reason"],
        closed_by=row["closed_by"],
        reminded_at=reminded,
    )
