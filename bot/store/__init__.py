"""Everything that must survive a restart lives behind this package's Store.

``api`` holds the contract (one Protocol per repository), ``models`` the records and
enums, ``sqlite`` the default backend. ``Store`` is the SQLite aggregate:
``store.orders``, ``store.carts``, ``store.customers``, ``store.conversations``,
``store.chats``, ``store.buttons``, ``store.campaigns``, ``store.outbox``, ``store.stock``.
"""

from bot.store.api import StoreApi
from bot.store.models import (
    ORDER_TRANSITIONS,
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
    OrderLine,
    OrderRequest,
    OrderStatus,
    OutboxRow,
    PostKind,
    PostState,
    Shortage,
    StoredCampaign,
    outbox_key,
)
from bot.store.sqlite import Store

__all__ = [
    "ORDER_TRANSITIONS",
    "CampaignSource",
    "CampaignStatus",
    "CartLine",
    "ChatRecord",
    "ChoiceList",
    "Customer",
    "NewNotice",
    "NewPost",
    "NoticeRow",
    "NoticeState",
    "Order",
    "OrderLine",
    "OrderRequest",
    "OrderStatus",
    "OutboxRow",
    "PostKind",
    "PostState",
    "Shortage",
    "Store",
    "StoreApi",
    "StoredCampaign",
    "outbox_key",
]
