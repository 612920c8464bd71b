"""Every button the shop's customer and owner flows put under a message.

Each is a typed payload (bot/actions.py): handlers build them, the router decodes them
and hands the route's handler the same typed object back. The verb strings are the wire
form buttons already sent to customers carry, so they must not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions import Action, Browse, Help, ShowProduct
from bot.store import OrderStatus

__all__ = [
    "AskCancel",
    "AskStart",
    "Browse",
    "CartAdd",
    "CartClear",
    "CartDecrease",
    "CartIncrease",
    "CartRemove",
    "CartShow",
    "CheckoutCancel",
    "CheckoutConfirm",
    "CheckoutNewDetails",
    "CheckoutSkipNote",
    "CheckoutStart",
    "CheckoutUseSaved",
    "Help",
    "OrderCancel",
    "OrderSetStatus",
    "OrdersList",
    "ShowCategory",
    "ShowProduct",
]

# --- looking around ---------------------------------------------------------------------


@dataclass(frozen=True)
class ShowCategory(Action):
    verb = "cat"
    category: str
    page: int = 0


# --- the cart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CartShow(Action):
    verb = "cart:show"


@dataclass(frozen=True)
class CartClear(Action):
    verb = "cart:clear"


@dataclass(frozen=True)
class CartAdd(Action):
    verb = "cart:add"
    sku: str
    qty: int


@dataclass(frozen=True)
class CartIncrease(Action):
    verb = "cart:inc"
    sku: str


@dataclass(frozen=True)
class CartDecrease(Action):
    verb = "cart:dec"
    sku: str


@dataclass(frozen=True)
class CartRemove(Action):
    verb = "cart:del"
    sku: str


# --- checkout ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutStart(Action):
    verb = "checkout:start"


@dataclass(frozen=True)
class CheckoutUseSaved(Action):
    verb = "checkout:saved"


@dataclass(frozen=True)
class CheckoutNewDetails(Action):
    verb = "checkout:new"


@dataclass(frozen=True)
class CheckoutSkipNote(Action):
    verb = "checkout:skipnote"


@dataclass(frozen=True)
class CheckoutConfirm(Action):
    verb = "checkout:confirm"


@dataclass(frozen=True)
class CheckoutCancel(Action):
    verb = "checkout:cancel"


# --- orders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrdersList(Action):
    verb = "orders:list"


@dataclass(frozen=True)
class OrderCancel(Action):
    """The customer cancels their own unpaid order."""

    verb = "order:cancel"
    number: str

    def confirmation(self) -> tuple[str, str] | None:
        return ("cancel_order", self.number)


@dataclass(frozen=True)
class OrderSetStatus(Action):
    """The owner moves an order on (paid, shipped, cancelled)."""

    verb = "order:status"
    number: str
    status: OrderStatus

    def confirmation(self) -> tuple[str, str] | None:
        return ("cancel_order", self.number) if self.status is OrderStatus.CANCELLED else None


# --- questions --------------------------------------------------------------------------


@dataclass(frozen=True)
class AskStart(Action):
    verb = "ask:start"


@dataclass(frozen=True)
class AskCancel(Action):
    verb = "ask:cancel"


# --- personal data: /mydata, /forgetme (issue 13) ---------------------------------------


@dataclass(frozen=True)
class ForgetMe(Action):
    """Erase what the shop holds about the person who presses (never anyone else)."""

    verb = "privacy:forget"


@dataclass(frozen=True)
class ForgetMeNot(Action):
    verb = "privacy:keep"
