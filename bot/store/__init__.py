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
from bot.store.promo import (
    CampaignStatus,
    NewPost,
    OutboxRow,
    PostState,
    StoredCampaign,
    outbox_key,
)
from bot.store.sqlite import OrderRequest, Store

__all__ = [
    "ORDER_TRANSITIONS",
    "CampaignStatus",
    "CartLine",
    "ChatRecord",
    "Customer",
    "NewPost",
    "Order",
    "OrderLine",
    "OrderRequest",
    "OrderStatus",
    "OutboxRow",
    "PostState",
    "Shortage",
    "Store",
    "StoredCampaign",
    "outbox_key",
]
