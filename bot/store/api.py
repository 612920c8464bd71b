"""The store's contract: one narrow repository per kind of record, and the aggregate.

A backend (SQLite today, PostgreSQL when a shop outgrows one machine) implements each
Protocol and an aggregate exposing them as attributes; ``tests/store/test_contract.py``
runs the same checks against every backend. Code outside ``bot/store`` types against
these names (``bot.store.Store`` is the SQLite aggregate and satisfies ``StoreApi``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
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
    CustomerNote,
    FollowUp,
    FollowUpHold,
    FollowUpOutcome,
    ImportedOrder,
    NewNotice,
    NewPost,
    NewTicket,
    NoticeRow,
    NoticeState,
    OptOut,
    Order,
    OrderRequest,
    OrderStatus,
    OutboxRow,
    PostState,
    Purchase,
    PurchaseHistory,
    SalesSummary,
    Shortage,
    StoredCampaign,
    Ticket,
    TurnStart,
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
    async def place(
        self,
        request: OrderRequest,
        owed: Callable[[Order], Sequence[NewNotice]] | None = None,
    ) -> Order | list[Shortage]:
        """Take stock, record the order (pending payment), empty the customer's cart and
        record the notices ``owed(order)`` returns, in one transaction; or, when any line
        cannot be supplied in full, change nothing and return the shortages."""

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


class TurnRepository(Protocol):
    """What every message reads before its route, in one round trip to the store rather
    than one per repository (issue 14): the reads of the customer, chat, conversation,
    cart, choice lists and pressed button that the other repositories also offer."""

    async def begin(
        self,
        customer_key: str,
        chat_key: str,
        choices_for: Sequence[str] = (),
        button_key: str | None = None,
    ) -> TurnStart:
        """The customer (None if unknown), whether ``chat_key`` is marked unreachable,
        the conversation and its version (as ``ConversationRepository.load``), the cart
        (as ``CartRepository.lines``), the choice lists shown in ``chat_key`` to
        ``choices_for`` (as ``ButtonRepository.recent_lists``, delivered or not) and the
        action under ``button_key`` (as ``ButtonRepository.action``). Writes nothing."""


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
        """Every group, in the order they were first registered; one that moved to a new
        id is listed under that one only."""

    async def mark_unreachable(self, chat: ChatRef, reason: str) -> None:
        """Stop sending to a chat that blocked or removed the bot, keeping why."""

    async def move(self, old: ChatRef, new: ChatRef) -> ChatRecord:
        """A group that moved to a new id (a Telegram group upgraded to a supergroup), in
        one transaction: the new chat takes the old one's promotions switch, reactions,
        complaints and members, every promotional post (past ones count against its caps,
        pending ones go to it) and the notices still to send there, and remembers the old
        key (``moved_from``); the old chat is left unreachable, naming the new one
        (``moved_to``), and is no longer among ``groups``. Moving again is harmless."""

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

    async def note_reaction(self, chat_key: str) -> None:
        """The group reacted to a post (someone opened a product from it)."""

    async def note_complaint(self, chat_key: str) -> None:
        """Someone in the group asked the bot to stop: the opposite of a reaction."""

    async def note_opt_out(self, chat: ChatRef, customer_key: str, name: str) -> None:
        """Someone opted out of promotions in ``chat``; kept for the owner's summary."""

    async def unreported_opt_outs(self) -> list[OptOut]:
        """Opt-outs no summary has told the owner of yet, oldest first."""

    async def mark_opt_outs_reported(self, ids: Sequence[int]) -> None: ...


class ButtonRepository(Protocol):
    """Short keys for button actions, and the numbered choices of chats without buttons."""

    async def key_for(self, action: str) -> str:
        """A short, stable key for a button action (fits any platform's payload limit)."""

    async def keys_for(self, actions: Sequence[str]) -> list[str]:
        """``key_for`` of each action, in order, recording the new ones in one write (a
        message's buttons cost one round trip at most, not one each)."""

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
        slots_after: datetime | None = None,
    ) -> list[OutboxRow]:
        """Rows by campaign, slot, state and (``slots_after``) slots after a moment."""

    async def get(self, row_id: int) -> OutboxRow | None:
        """One post by its id (a Buy link names the post it came from)."""

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


class CustomerRecordRepository(Protocol):
    """What follow-ups keep about customers: the owner's notes and tags, the follow-up log,
    the opt-out, the purchase history and the daily digest's record."""

    async def find(self, query: str, limit: int = 10) -> list[Customer]:
        """Customers whose key or id equals ``query``, or whose name, contact name or phone
        contains it (case-insensitive); the closest first."""

    async def add_note(self, key: str, text: str, author: str) -> None: ...

    async def notes(self, key: str) -> list[CustomerNote]:
        """Oldest first."""

    async def add_tag(self, key: str, tag: str) -> bool:
        """False when the customer already had the tag."""

    async def tags(self, key: str) -> list[str]:
        """In the order they were added."""

    async def set_followups_off(self, key: str, off: bool) -> None: ...

    async def log_followup(
        self,
        key: str,
        skus: Sequence[str],
        outcome: FollowUpOutcome,
        until: datetime | None = None,
    ) -> FollowUp:
        """Record a follow-up sent, done by hand or snoozed (until ``until``), now."""

    async def followups(
        self, since: datetime | None = None, key: str | None = None
    ) -> list[FollowUp]:
        """Logged follow-ups at or after ``since`` (all when None), oldest first."""

    async def holds(self) -> dict[str, FollowUpHold]:
        """Every customer with anything holding them back from a follow-up."""

    async def purchases(
        self, since: datetime | None = None, key: str | None = None
    ) -> list[Purchase]:
        """Lines of orders not cancelled, placed at or after ``since``, oldest first."""

    async def import_orders(self, orders: Sequence[ImportedOrder]) -> int:
        """Store imported history in one transaction: each as a shipped order of the
        ``import`` channel (no stock taken), its customer recorded when new. A row whose
        ``import_key`` is stored already is skipped. How many orders were added."""

    async def claim_digest(self, day: str) -> bool:
        """Record that the digest of ``day`` (YYYY-MM-DD, shop time) went out; False when
        it already had (one digest a day, across restarts and workers)."""

    # Follow-ups at scale (issue 12): history grouped by the store, not read line by line.

    async def purchase_histories(
        self, timezone: str, until: date, skus: Collection[str], key: str | None = None
    ) -> list[PurchaseHistory]:
        """Per customer (only ``key`` when given) and product among ``skus``: the order lines
        not cancelled placed on or before the shop-local (``timezone``) day ``until``."""

    async def sales(self, timezone: str, first_month: str, last_month: str) -> SalesSummary:
        """Order lines not cancelled in the shop-local months ``first_month`` to
        ``last_month`` (YYYY-MM), summed per month and per product."""

    async def order_times(
        self, keys: Collection[str], since: datetime
    ) -> dict[str, list[datetime]]:
        """When each of these customers placed orders (not cancelled, with lines) at or
        after ``since``, oldest first; a customer without any is left out."""


class TicketRepository(Protocol):
    """Messages handed to the owner: at most one open ticket per customer."""

    async def open_or_append(self, new: NewTicket) -> tuple[Ticket, bool]:
        """Open a ticket for the customer, or add the message to their open one (one
        transaction); True when a ticket was opened."""

    async def get(self, number: int) -> Ticket | None: ...

    async def open_of(self, customer_key: str) -> Ticket | None:
        """The customer's open ticket, if any."""

    async def open_tickets(self, limit: int = 50) -> list[Ticket]:
        """Open tickets, oldest first."""

    async def answer(self, number: int, text: str, actor: str) -> Ticket | None:
        """Record the owner's answer and close the ticket; None when it is not open (so
        two owners answering at once send one answer)."""

    async def close(self, number: int, reason: str, actor: str) -> Ticket | None:
        """Close without an answer, keeping the reason; None when it is not open."""

    async def mark_reminded(self, number: int) -> bool:
        """Note the owner was reminded; False if already reminded or not open."""


class NoticeRepository(Protocol):
    """The durable outbox of notices (owner notices, customer confirmations): one row per
    event and recipient, claimed before it is sent."""

    async def add(self, notices: Sequence[NewNotice]) -> list[int]:
        """Record notices; a key already recorded keeps its row. The ids of all of them."""

    async def due(
        self, now: datetime, limit: int = 100, channels: Collection[str] | None = None
    ) -> list[NoticeRow]:
        """Pending rows whose time has come, oldest first; only to chats on ``channels``
        when given (the ones running in this process)."""

    async def waiting_by_channel(self) -> dict[str, int]:
        """How many notices are pending, by the channel of their chat."""

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

    def recorded(self) -> int:
        """How many notices this process has recorded (``add``, or owed by a placed
        order) since the store opened: a turn that recorded none has nothing new to
        send after it, and the drain job picks up the rest."""


class StoreApi(Protocol):
    """The aggregate every backend provides: the repositories and the lifecycle."""

    stock: StockRepository
    orders: OrderRepository
    carts: CartRepository
    customers: CustomerRepository
    conversations: ConversationRepository
    turns: TurnRepository
    chats: ChatRepository
    buttons: ButtonRepository
    campaigns: CampaignRepository
    outbox: OutboxRepository
    records: CustomerRecordRepository
    tickets: TicketRepository
    notices: NoticeRepository

    async def migrate(self, target: int = ...) -> None: ...

    async def schema_version(self) -> int: ...

    async def close(self) -> None: ...
