"""Plain records and enums the store hands out and takes in. Handlers read these, never
rows of any backend.

Every enum is a ``StrEnum``: the stored value is the enum's value, and comparing with the
plain string still works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.catalog import Campaign
from bot.messages import ChatKind, ChatRef, Outgoing

# --- orders -------------------------------------------------------------------------


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


# Which status an order may move to from each status; anything else is refused.
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

# The statuses of an order the shop still has to act on.
OPEN_ORDER_STATUSES: tuple[OrderStatus, ...] = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID)


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku: str
    name_en: str
    name_zh: str
    unit_price_minor: int
    qty: int

    @property
    def total_minor(self) -> int:
        return self.unit_price_minor * self.qty

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What a checkout asks the store to place."""

    customer_key: str
    chat: ChatRef
    lines: tuple[OrderLine, ...]
    currency: str
    contact_name: str
    phone: str
    address: str
    note: str
    language: str
    # What the customer was shown for shipping; charged on top of the lines.
    shipping_minor: int = 0
    # The checkout this order comes from: placing it again returns the order placed.
    checkout_id: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    number: str
    customer_key: str
    channel: str
    chat_id: str
    status: OrderStatus
    total_minor: int
    currency: str
    contact_name: str
    phone: str
    address: str
    note: str
    language: str
    created_at: str
    lines: tuple[OrderLine, ...]
    # Included in ``total_minor`` (orders placed before shipping was charged have 0).
    shipping_minor: int = 0

    @property
    def items_minor(self) -> int:
        return self.total_minor - self.shipping_minor


@dataclass(frozen=True, slots=True)
class Shortage:
    """An item that could not be supplied in full when the order was placed."""

    sku: str
    wanted: int
    available: int


# --- customers and carts ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Customer:
    key: str
    channel: str
    user_id: str
    display_name: str
    language: str | None  # chosen with /lang; wins over the platform's
    contact_name: str | None
    phone: str | None
    address: str | None
    platform_language: str | None = None  # as the platform last reported it

    def is_current(self, display_name: str, platform_language: str | None) -> bool:
        """Whether the record already holds this name and app language (no language
        reported keeps the one recorded): nothing to write for this message."""
        return self.display_name == display_name and platform_language in (
            None,
            self.platform_language,
        )


@dataclass(frozen=True, slots=True)
class CartLine:
    sku: str
    qty: int
    # The unit price the customer was last shown for this line (None: not recorded), so
    # a price change since can be told the next time they look at the cart.
    seen_price_minor: int | None = None


# --- chats ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChatRecord:
    key: str
    channel: str
    chat_id: str
    kind: ChatKind
    title: str
    active: bool
    promotions_enabled: bool
    unreachable_reason: str | None
    # When someone in the group last addressed the bot or opened a product from one of
    # its posts, and when someone there last asked the bot to stop (promotions' fatigue
    # reads both: a complaint is the opposite of a reaction).
    last_reaction: datetime | None = None
    last_complaint: datetime | None = None
    # The key this group had before it moved (a Telegram group upgraded to a supergroup
    # gets a new id): the catalog may still name it by the old one.
    moved_from: str | None = None
    # Where it went, on the old record: no longer one of the bot's groups.
    moved_to: str | None = None


@dataclass(frozen=True, slots=True)
class OptOut:
    """Someone asked for no more promotions: who, where they said it (a private chat or a
    group) and when; the owner hears of it in the daily summary."""

    id: int
    customer_key: str
    name: str
    chat_key: str
    at: datetime


# --- numbered choices --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChoiceList:
    """The numbered choices one message showed on a platform without buttons.

    ``person_key`` is whom the list is for: the person in a private chat, the person
    answered in a room ('' for a list posted to the whole room). ``prefix`` is '' for the
    list answering the person's own last message (a bare number means it) and a short
    tag for a list that arrived on its own, a notice or a promotion ("B6AT7Y 1", "A1").
    """

    id: int
    chat_key: str
    person_key: str
    prefix: str
    keys: tuple[str, ...]
    labels: tuple[str, ...]
    delivered: bool


# --- what every message reads first (issue 14) -------------------------------------------


@dataclass(frozen=True, slots=True)
class TurnStart:
    """What a message needs before its route runs, read in one round trip
    (``TurnRepository.begin``)."""

    # None: nobody by this key yet (their first message records them).
    customer: Customer | None
    # The chat is marked unreachable (the bot was blocked there, say).
    chat_unreachable: bool
    # The conversation in progress and its version ({} and 0: none).
    conversation: dict[str, Any]
    conversation_version: int
    cart: tuple[CartLine, ...]
    # The lists shown in the chat to the people asked for, newest first.
    choice_lists: tuple[ChoiceList, ...]
    # The action stored under the button key asked for (None: none asked, or unknown).
    button_action: str | None


# --- campaigns and the outbox of promotional posts -------------------------------------


class CampaignStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


class CampaignSource(StrEnum):
    """Where a campaign's definition came from."""

    CATALOG = "catalog"
    CHAT = "chat"


class PostState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    MISSED = "missed"


class PostKind(StrEnum):
    """Whom a promotional post goes to: a group, or one subscriber's private chat."""

    GROUP = "group"
    SUBSCRIBER = "subscriber"


@dataclass(frozen=True, slots=True)
class StoredCampaign:
    campaign: Campaign
    source: CampaignSource
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
    kind: PostKind
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
    # The moment the post was decided to go out (its slot, or the moment a delayed post
    # was released): the caps count it from then, sent yet or not. None: not decided yet.
    posted_at: datetime | None = None
    message_id: str | None = None  # the platform's id of the post, once sent


@dataclass(frozen=True, slots=True)
class NewPost:
    """An outbox row to create for one chat of one slot."""

    campaign_id: str
    chat: ChatRef
    kind: PostKind
    slot: datetime
    skus: tuple[str, ...]
    recipients: frozenset[str]
    state: PostState
    reason: str = ""
    detail: str = ""
    not_before: datetime | None = None
    posted_at: datetime | None = None  # set when the decision was to post (see OutboxRow)

    @property
    def key(self) -> str:
        return outbox_key(self.campaign_id, self.chat.key, self.slot)


def outbox_key(campaign_id: str, chat_key: str, slot: datetime) -> str:
    """The unique key of one campaign's post to one chat in one slot."""
    return f"{campaign_id}|{chat_key}|{slot.isoformat()}"


# --- customer records and follow-ups (followups/) -------------------------------------


class FollowUpOutcome(StrEnum):
    """What became of one follow-up: sent by the bot, done by the owner by hand, or put
    off (snoozed until a day). Conversion is read from orders, not stored."""

    SENT = "sent"
    DONE = "done"
    SNOOZED = "snoozed"


@dataclass(frozen=True, slots=True)
class FollowUp:
    id: int
    customer_key: str
    skus: tuple[str, ...]
    outcome: FollowUpOutcome
    at: datetime
    until: datetime | None = None  # snoozed: due again from this moment


@dataclass(frozen=True, slots=True)
class CustomerNote:
    text: str
    author: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Purchase:
    """One line of one order that was not cancelled: what follow-ups learn from."""

    order_number: str
    customer_key: str
    sku: str
    at: datetime
    qty: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class FollowUpHold:
    """What the store knows that holds a customer back from a follow-up."""

    opted_out: bool  # said "stop" (promotions' flag) or turned follow-ups off
    last_contact: datetime | None  # the latest follow-up sent or done
    snoozed_until: datetime | None


# Imported orders travel as orders of this channel: nobody is reachable through it.
IMPORT_CHANNEL = "import"


@dataclass(frozen=True, slots=True)
class ImportedOrder:
    """One row of the owner's order history (``chatshop orders import``): stored as a
    shipped order of the ``import`` channel, so follow-ups and statistics read it like
    any other order."""

    import_key: str  # the row's stable key: the same row imported again adds nothing
    customer_key: str  # "import:<phone digits>", or "telegram:<id>" / "wechat:<id>"
    customer_name: str
    phone: str
    at: datetime  # UTC
    sku: str
    name_en: str
    name_zh: str
    qty: int
    unit_price_minor: int
    currency: str
    language: str


# --- tickets: what the bot hands to the owner, and the owner's answer ----------------


class TicketStatus(StrEnum):
    OPEN = "open"  # waiting for the owner; at most one per customer
    ANSWERED = "answered"  # the owner's answer went to the customer
    CLOSED = "closed"  # closed without an answer, with a reason kept


class TicketReason(StrEnum):
    """Why the bot handed the message over instead of answering it itself."""

    ASKED = "asked"  # the customer used /ask or the "ask the shop" button
    QUESTION = "question"  # a question the shop's data cannot answer with confidence
    HUMAN = "human"  # asked for a person
    COMPLAINT = "complaint"
    RISKY = "risky"  # health, allergies, pregnancy, children, medicine: always the owner


@dataclass(frozen=True, slots=True)
class TicketMessage:
    author: str  # "customer" or "owner"
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Ticket:
    number: int
    customer_key: str
    chat: ChatRef  # where the question was asked
    customer_name: str
    language: str  # the customer's, for what the shop says to them
    reason: TicketReason
    status: TicketStatus
    # What the owner needs to answer well, as written when the ticket opened: the cart
    # and the last orders (a snapshot: the cart may change before the owner reads it).
    context: str
    messages: tuple[TicketMessage, ...]
    created_at: datetime
    updated_at: datetime
    answer: str = ""
    close_reason: str = ""
    closed_by: str = ""
    reminded_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status is TicketStatus.OPEN

    @property
    def private_chat(self) -> ChatRef:
        """The customer's private chat (a user's id is their private chat's id)."""
        channel, _, user_id = self.customer_key.partition(":")
        return ChatRef(channel, user_id, ChatKind.PRIVATE, self.customer_name)


@dataclass(frozen=True, slots=True)
class NewTicket:
    """A message to hand over: opens a ticket, or joins the customer's open one."""

    customer_key: str
    chat: ChatRef
    customer_name: str
    language: str
    reason: TicketReason
    text: str
    context: str = ""


# --- notices: owner notices and customer confirmations, durable (issue 13) ----------


class NoticeState(StrEnum):
    PENDING = "pending"  # to send (again) from not_before on
    SENDING = "sending"  # claimed by one sender
    SENT = "sent"
    # The send may have reached the platform (no answer, or a crash while sending):
    # never sent again, since a second copy in a person's chat cannot be taken back.
    UNKNOWN = "unknown"
    FAILED = "failed"  # gave up after every attempt; kept, with the error, for the owner


@dataclass(frozen=True, slots=True)
class NewNotice:
    """A message that must reach someone because something was committed (an order, a
    status change). ``key`` names the event and recipient, so recording it twice (a
    retried handler, a second worker) keeps one row."""

    key: str
    message: Outgoing
    # Not sent before then: a receipt that goes as the turn's reply first (the row is a
    # fallback for a failed reply or a crash, see Outgoing.notice_key).
    not_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class NoticeRow:
    id: int
    key: str
    message: Outgoing
    state: NoticeState
    attempts: int
    last_error: str | None
    not_before: datetime | None
    created_at: datetime


class StoreBusy(Exception):
    """The database stayed locked by another writer past the store's patience: nothing
    of the statement was written. The person is asked to try again, not shown a fault."""


# Follow-ups at scale (issue 12): purchase history grouped by the store.


@dataclass(frozen=True, slots=True)
class PurchaseHistory:
    """One customer's purchases of one product (order lines not cancelled) up to a day:
    what the due rule reads (followups.due.ProductHistory), grouped where the data lives."""

    customer_key: str
    sku: str
    days: tuple[date, ...]  # distinct shop-local days, ascending
    quantities: tuple[int, ...]  # every line's
    amount_minor: int


@dataclass(frozen=True, slots=True)
class MonthSales:
    """One shop-local month's order lines (not cancelled)."""

    month: str  # YYYY-MM
    orders: int
    revenue_minor: int
    buyers: int
    # Buyers with an order in the month that is not their first ever, and those orders' value.
    repeat_buyers: int
    repeat_revenue_minor: int


@dataclass(frozen=True, slots=True)
class ProductSales:
    sku: str
    units: int
    revenue_minor: int


@dataclass(frozen=True, slots=True)
class SalesSummary:
    """Months with sales, oldest first; every product sold in them, by sku."""

    months: tuple[MonthSales, ...]
    products: tuple[ProductSales, ...]
