"""The shop's owners as chats: where notices, group news and broadcast progress go."""

from __future__ import annotations

from collections.abc import Iterable

from bot.messages import ChatKind, ChatRef


def owner_private_chats(owners: Iterable[str]) -> list[ChatRef]:
    """Private chats of every owner (a user's id is their private chat's id)."""
    chats = []
    for key in sorted(owners):
        channel, _, user_id = key.partition(":")
        chats.append(ChatRef(channel, user_id, ChatKind.PRIVATE))
    return chats
