"""The store's promotions part: campaigns, the outbox of promotional posts, audiences.

Every promotional post is an outbox row with a unique key (campaign, chat, slot), so a
slot decided twice (a restart, a second worker) never yields a second row, and a row is
claimed (pending -> sending) before it is sent, so it is never sent twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.catalog import Campaign
from bot.messages import ChatKind, ChatRef

if TYPE_CHECKING:
    import aiosqlite


class CampaignStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


class PostState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class StoredCampaign:
    campaign: Campaign
    source: str  # "catalog" or "chat"
    status: CampaignStatus

    @property
    def id(self) -> str:
        return self.campaign.id


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    key: str
    campaign_id: str
    chat: ChatRef
    kind: str
    slot: datetime
    skus: tuple[str, ...]
    recipients: frozenset[str]
    state: PostState
    reason: str
    detail: str
    not_before: datetime | None
    attempts: int
    maybe_sent: bool
    last_error: str | None
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewPost:
    """An outbox row to create for one chat of one slot."""

    campaign_id: str
    chat: ChatRef
    kind: str
    slot: datetime
    skus: tuple[str, ...]
    recipients: frozenset[str]
    state: PostState
    reason: str = ""
    detail: str = ""
    not_before: datetime | None = None

    @property
    def key(self) -> str:
        return outbox_key(self.campaign_id, self.chat.key, self.slot)


# Create or update a campaign's definition; a paused one stays paused, a deleted one stays
# deleted (even if the catalog still lists it).
SAVE_CAMPAIGN = (
    "INSERT INTO campaigns (id, definition, source, status, created_at, updated_at)"
    " VALUES (?, ?, ?, 'active', ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET definition = excluded.definition,"
    " source = excluded.source, updated_at = excluded.updated_at"
    " WHERE campaigns.status != 'deleted'"
)


def campaign_params(campaign: Campaign, source: str, now: str) -> tuple[str, ...]:
    return (campaign.id, campaign.model_dump_json(), source, now, now)


def outbox_key(campaign_id: str, chat_key: str, slot: datetime) -> str:
    return f"{campaign_id}|{chat_key}|{slot.isoformat()}"


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class PromoStoreMixin:
    """Mixed into Store; uses its connection helpers."""

    _db: aiosqlite.Connection

    if TYPE_CHECKING:

        async def _write(self, sql: str, params: Iterable[Any] = ()) -> None: ...
        async def _one(self, sql: str, params: Iterable[Any] = ()) -> Any: ...
        async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]: ...
        def _now(self) -> str: ...
        def _transaction(self) -> Any: ...

    # --- campaigns --------------------------------------------------------------------

    async def save_campaign(self, campaign: Campaign, source: str) -> None:
        """Create or update a campaign's definition; its status (paused) is kept."""
        await self._write(SAVE_CAMPAIGN, campaign_params(campaign, source, self._now()))

    async def campaigns(self, include_deleted: bool = False) -> list[StoredCampaign]:
        rows = await self._all("SELECT * FROM campaigns ORDER BY created_at, id")
        found = [self._campaign_from(row) for row in rows]
        return [c for c in found if include_deleted or c.status is not CampaignStatus.DELETED]

    async def campaign(self, campaign_id: str) -> StoredCampaign | None:
        row = await self._one("SELECT * FROM campaigns WHERE id = ?", (campaign_id.lower(),))
        return self._campaign_from(row) if row else None

    async def set_campaign_status(self, campaign_id: str, status: CampaignStatus) -> bool:
        before = await self.campaign(campaign_id)
        if before is None or before.status is CampaignStatus.DELETED:
            return False
        await self._write(
            "UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?",
            (status.value, self._now(), campaign_id.lower()),
        )
        return True

    @staticmethod
    def _campaign_from(row: Any) -> StoredCampaign:
        return StoredCampaign(
            campaign=Campaign.model_validate_json(row["definition"]),
            source=row["source"],
            status=CampaignStatus(row["status"]),
        )

    # --- the outbox -------------------------------------------------------------------

    async def add_posts(self, posts: Sequence[NewPost]) -> None:
        """Record a slot's decisions; rows that already exist for the key are kept as is."""
        now = self._now()
        async with self._transaction() as db:
            for post in posts:
                await db.execute(
                    "INSERT OR IGNORE INTO promo_outbox (key, campaign_id, chat_key, channel,"
                    " chat_id, kind, slot, skus, recipients, state, reason, detail, not_before,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        post.key,
                        post.campaign_id,
                        post.chat.key,
                        post.chat.channel,
                        post.chat.chat_id,
                        post.kind,
                        post.slot.isoformat(),
                        json.dumps(sorted(post.skus)),
                        json.dumps(sorted(post.recipients)),
                        post.state.value,
                        post.reason,
                        post.detail,
                        post.not_before.isoformat() if post.not_before else None,
                        now,
                        now,
                    ),
                )

    async def outbox(
        self,
        *,
        campaign_id: str | None = None,
        slot: datetime | None = None,
        states: Iterable[PostState] | None = None,
    ) -> list[OutboxRow]:
        clauses, params = [], []
        if campaign_id is not None:
            clauses.append("campaign_id = ?")
            params.append(campaign_id)
        if slot is not None:
            clauses.append("slot = ?")
            params.append(slot.isoformat())
        if states is not None:
            wanted = [s.value for s in states]
            clauses.append(f"state IN ({', '.join('?' * len(wanted))})")
            params.extend(wanted)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self._all(f"SELECT * FROM promo_outbox{where} ORDER BY id", params)
        return [self._row_from(row) for row in rows]

    async def claim_post(self, row_id: int) -> bool:
        """pending -> sending, only if still pending: one sender per row, ever."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE promo_outbox SET state = 'sending', attempts = attempts + 1,"
                " updated_at = ? WHERE id = ? AND state = 'pending'",
                (self._now(), row_id),
            )
            return cursor.rowcount == 1

    async def finish_post(
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
        now = self._now()
        await self._write(
            "UPDATE promo_outbox SET state = ?, last_error = COALESCE(?, last_error),"
            " message_id = COALESCE(?, message_id), maybe_sent = MAX(maybe_sent, ?),"
            " reason = CASE WHEN ? != '' THEN ? ELSE reason END,"
            " detail = CASE WHEN ? != '' THEN ? ELSE detail END,"
            " not_before = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
            " updated_at = ? WHERE id = ?",
            (
                state.value,
                error,
                message_id,
                int(maybe_sent),
                reason,
                reason,
                detail,
                detail,
                not_before.isoformat() if not_before else None,
                state.value,
                now,
                now,
                row_id,
            ),
        )

    async def set_post_skus(self, row_id: int, skus: Iterable[str]) -> None:
        await self._write(
            "UPDATE promo_outbox SET skus = ? WHERE id = ?", (json.dumps(sorted(skus)), row_id)
        )

    async def promo_history(self, since: datetime) -> list[OutboxRow]:
        """Posts that went out (or may have: outcome unknown) since ``since``."""
        rows = await self._all(
            "SELECT * FROM promo_outbox WHERE (state IN ('sent', 'sending') OR maybe_sent = 1)"
            " AND COALESCE(sent_at, slot) >= ? ORDER BY id",
            (since.isoformat(),),
        )
        return [self._row_from(row) for row in rows]

    @staticmethod
    def _row_from(row: Any) -> OutboxRow:
        kind = ChatKind.GROUP if row["kind"] == "group" else ChatKind.PRIVATE
        return OutboxRow(
            id=int(row["id"]),
            key=row["key"],
            campaign_id=row["campaign_id"],
            chat=ChatRef(row["channel"], row["chat_id"], kind),
            kind=row["kind"],
            slot=datetime.fromisoformat(row["slot"]),
            skus=tuple(json.loads(row["skus"])),
            recipients=frozenset(json.loads(row["recipients"])),
            state=PostState(row["state"]),
            reason=row["reason"],
            detail=row["detail"],
            not_before=_dt(row["not_before"]),
            attempts=int(row["attempts"]),
            maybe_sent=bool(row["maybe_sent"]),
            last_error=row["last_error"],
            sent_at=_dt(row["sent_at"]),
        )

    # --- audiences --------------------------------------------------------------------

    async def set_group_promotions(self, chat_key: str, enabled: bool) -> bool:
        row = await self._one("SELECT kind FROM chats WHERE key = ?", (chat_key,))
        if row is None or row["kind"] != ChatKind.GROUP.value:
            return False
        await self._write(
            "UPDATE chats SET promotions_enabled = ?, updated_at = ? WHERE key = ?",
            (int(enabled), self._now(), chat_key),
        )
        return True

    async def note_group_activity(self, chat: ChatRef, member_key: str, reaction: bool) -> None:
        """Remember who was seen in a group and, when they addressed the bot, that the
        group reacted (a sign promotions there are welcome)."""
        now = self._now()
        await self._write(
            "INSERT INTO chat_members (chat_key, member_key, last_seen) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_key, member_key) DO UPDATE SET last_seen = excluded.last_seen",
            (chat.key, member_key, now),
        )
        if reaction:
            await self._write(
                "UPDATE chats SET last_reaction_at = ? WHERE key = ?", (now, chat.key)
            )

    async def members_of_groups(self) -> dict[str, frozenset[str]]:
        """Everyone seen in every group, in one read (for deciding a broadcast)."""
        members: dict[str, set[str]] = {}
        for row in await self._all("SELECT chat_key, member_key FROM chat_members"):
            members.setdefault(row["chat_key"], set()).add(row["member_key"])
        return {key: frozenset(people) for key, people in members.items()}

    async def last_reaction(self, chat_key: str) -> datetime | None:
        row = await self._one("SELECT last_reaction_at FROM chats WHERE key = ?", (chat_key,))
        return _dt(row["last_reaction_at"]) if row else None

    async def set_promo_subscription(
        self, customer_key: str, *, subscribed: bool | None = None, stopped: bool | None = None
    ) -> None:
        if subscribed is not None:
            await self._write(
                "UPDATE customers SET promo_subscribed = ?, updated_at = ? WHERE key = ?",
                (int(subscribed), self._now(), customer_key),
            )
        if stopped is not None:
            await self._write(
                "UPDATE customers SET promo_stopped = ?, updated_at = ? WHERE key = ?",
                (int(stopped), self._now(), customer_key),
            )

    async def promo_flags(self, customer_key: str) -> tuple[bool, bool]:
        """(subscribed, stopped) for a customer."""
        row = await self._one(
            "SELECT promo_subscribed, promo_stopped FROM customers WHERE key = ?",
            (customer_key,),
        )
        return (
            (bool(row["promo_subscribed"]), bool(row["promo_stopped"])) if row else (False, False)
        )

    async def mute_campaign(self, customer_key: str, campaign_id: str) -> None:
        """ "Fewer like this": this customer gets no more of this campaign in private."""
        muted = set(await self.muted_campaigns(customer_key)) | {campaign_id}
        await self._write(
            "UPDATE customers SET promo_muted = ?, updated_at = ? WHERE key = ?",
            (json.dumps(sorted(muted)), self._now(), customer_key),
        )

    async def muted_campaigns(self, customer_key: str) -> frozenset[str]:
        row = await self._one("SELECT promo_muted FROM customers WHERE key = ?", (customer_key,))
        return frozenset(json.loads(row["promo_muted"])) if row else frozenset()

    async def subscribers(self) -> list[ChatRef]:
        """Private chats of customers who subscribed and have not stopped."""
        rows = await self._all(
            "SELECT channel, user_id, display_name FROM customers"
            " WHERE promo_subscribed = 1 AND promo_stopped = 0 ORDER BY key"
        )
        return [
            ChatRef(r["channel"], r["user_id"], ChatKind.PRIVATE, r["display_name"]) for r in rows
        ]
