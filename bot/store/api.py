"""The store's contract: one narrow repository per kind of record, and the aggregate.

A backend (SQLite today, PostgreSQL when a shop outgrows one machine) implements each
Protocol and an aggregate exposing them as attributes; ``tests/store/test_contract.py``
runs the same checks against every backend. Code outside ``bot/store`` types against
these names (``bot.store.Store`` is the SQLite aggregate and satisfies ``StoreApi``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.catalog import Campaign, Catalog
from bot.messages import ChatRef
from bot.store.models import (
    CampaignSource,
    CampaignStatus,
    CartLine,
    ChatRecord,
    ChoiceList,
    Customer,
    NewNotice,
    NewPost,
    NoticeRow,
    NoticeState,
    Order,
    OrderRequest,
    OrderStatus,
    OutboxRow,
    PostState,
    Shortage,
    StoredCampaign,
)


class StockRepository(Protocol):
    """Products and their live stock, brought in line with the catalog file."""

    async def apply_catalog(self, catalog: Catalog) -> None:
        """Replace names and prices; move stock by the change of the catalog's number since
        it was last applied (never below zero); deactivate products gone from the file;
        save the catalog's campaigns (source ``catalog``). One transaction."""

    async def level(self, sku: str) -> int:
        """Units in stock of an active product (0 for unknown or inactive ones)."""

    async def levels(self) -> dict[str, int]:
        """Units in stock of every active product."""


class OrderRepository(Protocol):
    async def place(self, request: OrderRequest) -> Order | list[Shortage]:
        """Take stock, record the order (pending payment) and empty the customer's cart, in
        one transaction; or, when any line cannot be supplied in full, change nothing and
        return the shortages."""

    async def get(self, number: str) -> Order | None:
        """An order by number (case-insensitive)."""

    async def of_customer(self, customer_key: str, limit: int = 10) -> list[Order]:
        """A customer's orders, newest first."""

    async def in_progress(self, limit: int = 20) -> list[Order]:
        """Orders still to be paid or shipped, oldest first."""

    async def change_status(
        self,
        number: str,
        new_status: OrderStatus,
        actor: str,
        expected: OrderStatus | None = None,
    ) -> Order | None:
        """Move an order along ``ORDER_TRANSITIONS`` (cancelling puts its stock back), check
        and change in one transaction; None when the move is not allowed from the current
        status, the order does not exist, or ``expected`` is given and the order is no
        longer in that status (a customer's cancel of an unpaid order the owner has just
        marked paid)."""


class CartRepository(Protocol):
    async def lines(self, customer_key: str) -> list[CartLine]:
        """The cart's lines in the order they were first added."""

    async def set_qty(
        self, customer_key: str, sku: str, qty: int, seen_price_minor: int | None = None
    ) -> None:
        """Set a line's quantity; zero or less removes the line. ``seen_price_minor``
        records the unit price the customer was shown (None keeps what was recorded)."""

    async def replace_qty(
        self, customer_key: str, sku: str, expected: int, qty: int, seen_price_minor: int
    ) -> bool:
        """Set a line to ``qty`` (> 0) only if it holds ``expected`` (0: no line yet);
        False when it changed meanwhile (another worker), and nothing is written."""

    async def mark_seen(self, customer_key: str, prices: dict[str, int]) -> None:
        """Record the unit prices (by sku) the customer was just shown for their lines."""

    async def clear(self, customer_key: str) -> None: ...


class CustomerRepository(Protocol):
    async def touch(
        self,
        key: str,
        channel: str,
        user_id: str,
        display_name: str,
        platform_language: str | None = None,
    ) -> Customer:
        """Record a customer on first contact (and their latest name and app language)."""

    async def get(self, key: str) -> Customer | None: ...

    async def set_language(self, key: str, language: str) -> None: ...

    async def remember_delivery(
        self, key: str, contact_name: str, phone: str, address: str
    ) -> None: ...

    async def set_promo_flags(
        self, key: str, *, subscribed: bool | None = None, stopped: bool | None = None
    ) -> None:
        """Change whichever of the two promotion flags is given."""

    async def promo_flags(self, key: str) -> tuple[bool, bool]:
        """(subscribed, stopped); (False, False) for an unknown customer."""

    async def forget(self, key: str) -> int:
        """Erase what the shop holds about a person (/forgetme): their record, cart,
        conversation, group sightings and failed-send texts go; their orders stay in the
        owner's books with name, phone, address and note emptied. How many orders."""

    async def mute_campaign(self, key: str, campaign_id: str) -> None:
        """ "Fewer like this": no more of this campaign in the customer's private chat."""

    async def muted_campaigns(self, key: str) -> frozenset[str]: ...

    async def subscribers(self) -> list[ChatRef]:
        """Private chats of customers who subscribed and have not stopped."""


class ConversationRepository(Protocol):
    """A customer's conversation in progress, with optimistic versioning: several workers
    never silently overwrite each other's step."""

    async def load(self, customer_key: str) -> tuple[dict[str, Any], int]:
        """The stored state (empty dict if none) and its version (0 if none)."""

    async def save(self, customer_key: str, state: dict[str, Any], expected_version: int) -> bool:
        """Write ``state`` (delete the row if it is empty) only if the stored version still
        equals ``expected_version``, bumping it; False (and nothing written) when someone
        else saved first."""

    async def state(self, customer_key: str) -> dict[str, Any]:
        """Deprecated: ``load`` without the version (for the router until it is rewritten)."""

    async def overwrite(self, customer_key: str, state: dict[str, Any]) -> None:
        """Deprecated: save whatever is stored (last writer wins), still bumping the version."""


class ChatRepository(Protocol):
    """The chats the bot sits in: registration, reachability, send failures, who was seen
    in which group and whether a group takes promotions."""

    async def register(self, chat: ChatRef, active: bool = True) -> ChatRecord: ...

    async def get(self, key: str) -> ChatRecord | None: ...

    async def groups(self) -> list[ChatRecord]:
        """Every group, in the order they were first registered."""

    async def mark_unreachable(self, chat: ChatRef, reason: str) -> None:
        """Stop sending to a chat that blocked or removed the bot, keeping why."""

    async def is_unreachable(self, chat_key: str) -> bool: ...

    async def record_send_failure(self, chat_key: str, text: str, error: str) -> None: ...

    async def send_failures(self, chat_key: str | None = None) -> list[tuple[str, str]]:
        """(chat key, error) of recorded failures, oldest first."""

    async def set_promotions(self, chat_key: str, enabled: bool) -> bool:
        """Turn promotions in a group on or off; False when the chat is not a known group."""

    async def note_activity(self, chat: ChatRef, member_key: str, reaction: bool) -> None:
        """Remember who was seen in a group and, when they addressed the bot, that the group
        reacted."""

    async def group_members(self) -> dict[str, frozenset[str]]:
        """Everyone seen in every group, in one read."""

    async def last_reaction(self, chat_key: str) -> datetime | None: ...


class ButtonRepository(Protocol):
    """Short keys for button actions, and the numbered choices of chats without buttons."""

    async def key_for(self, action: str) -> str:
        """A short, stable key for a button action (fits any platform's payload limit)."""

    async def action(self, key: str) -> str | None: ...

    async def save_choices(
        self,
        chat_key: str,
        person_key: str,
        keys: Sequence[str],
        labels: Sequence[str],
        prefix: str = "",
    ) -> int:
        """Record a message's numbered choices (1 = first), not yet answerable; its id."""

    async def mark_delivered(self, list_id: int) -> None:
        """The message showing the list reached the chat: from now on it can be answered."""

    async def recent_lists(
        self, chat_key: str, person_keys: Sequence[str], limit: int = 20
    ) -> list[ChoiceList]:
        """The latest lists shown in a chat to any of ``person_keys``, newest first,
        delivered or not."""


class CampaignRepository(Protocol):
    async def save(self, campaign: Campaign, source: CampaignSource) -> None:
        """Create or update a definition; a paused one stays paused, a deleted one deleted."""

    async def all(self, include_deleted: bool = False) -> list[StoredCampaign]: ...

    async def get(self, campaign_id: str) -> StoredCampaign | None:
        """A campaign by id (case-insensitive), deleted ones included."""

    async def set_status(self, campaign_id: str, status: CampaignStatus) -> bool:
        """False when the campaign is unknown or deleted."""

    async def restore(self, campaign: Campaign, source: CampaignSource) -> None:
        """Create or overwrite a definition whatever its status, and make it active: a
        deleted campaign brought back, or its id used again."""


class OutboxRepository(Protocol):
    """The durable outbox of promotional posts: one row per (campaign, chat, slot)."""

    async def add(self, posts: Sequence[NewPost]) -> None:
        """Record a slot's decisions; rows that already exist for the key are kept as is."""

    async def rows(
        self,
        *,
        campaign_id: str | None = None,
        slot: datetime | None = None,
        states: Iterable[PostState] | None = None,
    ) -> list[OutboxRow]: ...

    async def claim(self, row_id: int) -> bool:
        """pending -> sending, only if still pending: one sender per row, ever."""

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
    ) -> None: ...

    async def set_skus(self, row_id: int, skus: Iterable[str]) -> None: ...

    async def release(self, row_id: int, skus: Iterable[str], posted_at: datetime) -> None:
        """A delayed (pending) row was decided to post ``skus``: it counts from
        ``posted_at`` on. Rows no longer pending are left alone."""

    async def history(self, since: datetime) -> list[OutboxRow]:
        """Posts decided to go out since ``since`` (by ``posted_at``): sent, being sent,
        pending their send, or failed with an unknown outcome."""


class NoticeRepository(Protocol):
    """The durable outbox of notices (owner notices, customer confirmations): one row per
    event and recipient, claimed before it is sent."""

    async def add(self, notices: Sequence[NewNotice]) -> list[int]:
        """Record notices; a key already recorded keeps its row. The ids of all of them."""

    async def due(self, now: datetime, limit: int = 100) -> list[NoticeRow]:
        """Pending rows whose time has come, oldest first."""

    async def claim(self, notice_id: int) -> bool:
        """pending -> sending, only if still pending: one sender per row, ever."""

    async def finish(
        self,
        notice_id: int,
        state: NoticeState,
        *,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """Record the outcome; PENDING with ``retry_at`` tries again then."""

    async def mark_delivered(self, key: str) -> bool:
        """The notice under ``key`` reached its chat another way (as a reply): sent, if
        it was still pending; False otherwise."""

    async def settle_interrupted(self) -> int:
        """Rows left "sending" by a stopped process: outcome unknown, never re-sent.
        How many there were."""

    async def rows(self, states: Iterable[NoticeState] | None = None) -> list[NoticeRow]: ...


class StoreApi(Protocol):
    """The aggregate every backend provides: the repositories and the lifecycle."""

    stock: StockRepository
    orders: OrderRepository
    carts: CartRepository
    customers: CustomerRepository
    conversations: ConversationRepository
    chats: ChatRepository
    buttons: ButtonRepository
    campaigns: CampaignRepository
    outbox: OutboxRepository
    notices: NoticeRepository

    async def migrate(self, target: int = ...) -> None: ...

    async def schema_version(self) -> int: ...

    async def close(self) -> None: ...
