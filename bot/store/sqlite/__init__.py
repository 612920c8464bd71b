"""The SQLite backend: one module per repository over a shared connection (``db``)."""

from bot.store.models import OrderRequest
from bot.store.sqlite.db import LockWait
from bot.store.sqlite.store import Store

__all__ = ["LockWait", "OrderRequest", "Store"]
