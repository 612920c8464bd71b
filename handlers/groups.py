"""Groups the bot is added to or removed from: registered, and the owner told."""

from __future__ import annotations

from bot.catalog import Catalog
from bot.channels.base import MembershipChange
from bot.i18n import t
from bot.messages import Outgoing
from bot.owners import owner_private_chats
from bot.store import Store


async def membership_changed(
    change: MembershipChange, store: Store, catalog: Catalog, owners: frozenset[str]
) -> list[Outgoing]:
    """Record the group (promotions stay off until the owner enables them) and tell owners."""
    if change.joined:
        known = await store.chats.get(change.chat.key)
        if known is not None and known.active and known.moved_from:
            # Telegram reports the bot "joining" the supergroup a group was upgraded to:
            # the same group, already moved here with its settings. Nothing to tell.
            return []
        record = await store.chats.register(change.chat, active=True)
    else:
        await store.chats.mark_unreachable(change.chat, "the bot was removed from the group")
        record = await store.chats.get(change.chat.key) or await store.chats.register(
            change.chat, False
        )
    language = catalog.shop.default_language
    key = "group.added" if change.joined else "group.removed"
    text = t(key, language, title=record.title or record.chat_id, chat=record.key)
    return [
        Outgoing(chat=chat, text=text)
        for chat in owner_private_chats(owners)
        if chat.channel == change.chat.channel
    ]
