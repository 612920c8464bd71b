"""The shop's owners as chats: where notices, group news and broadcast progress go."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import pick_language
from bot.messages import ChatKind, ChatRef
from bot.store import Store


def owner_private_chats(owners: Iterable[str]) -> list[ChatRef]:
    """Private chats of every owner (a user's id is their private chat's id)."""
    chats = []
    for key in sorted(owners):
        channel, _, user_id = key.partition(":")
        chats.append(ChatRef(channel, user_id, ChatKind.PRIVATE))
    return chats


async def owner_chats_with_languages(
    store: Store, owners: Iterable[str], default: str
) -> list[tuple[ChatRef, str]]:
    """Every owner's private chat and the language they read there: the one they chose
    with /lang, else their app's, else the shop's (an owner is a customer of the shop
    too, so the same rule as for anyone)."""
    found = []
    for chat in owner_private_chats(owners):
        known = await store.customers.get(chat.key)
        language = (
            pick_language(known.language, known.platform_language, default) if known else default
        )
        found.append((chat, language))
    return found
