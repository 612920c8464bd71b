"""Plain records the store hands out. Handlers read these, never SQL rows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


@dataclass(frozen=True, slots=True)
class CartLine:
    sku: str
    qty: int


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


@dataclass(frozen=True, slots=True)
class Shortage:
    """An item that could not be supplied in full when the order was placed."""

    sku: str
    wanted: int
    available: int


@dataclass(frozen=True, slots=True)
class ChatRecord:
    key: str
    channel: str
    chat_id: str
    kind: str
    title: str
    active: bool
    promotions_enabled: bool
    unreachable_reason: str | None
