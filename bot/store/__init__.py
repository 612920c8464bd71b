"""Everything that must survive a restart lives behind this package's Store."""

from bot.store.models import (
    ORDER_TRANSITIONS,
    CartLine,
    ChatRecord,
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    Shortage,
)
from bot.store.sqlite import OrderRequest, Store

__all__ = [
    "ORDER_TRANSITIONS",
    "CartLine",
    "ChatRecord",
    "Customer",
    "Order",
    "OrderLine",
    "OrderRequest",
    "OrderStatus",
    "Shortage",
    "Store",
]
