"""Admission of Telegram updates: one person at a time, without holding anyone else up.

PTB runs each update as a task that takes one of its global slots, then the router's
per-person lock (bot/middleware.py OneAtATime). A person with a backlog of a thousand
updates would take every slot with updates that only wait for their own turn, and
everyone else would wait behind them. Here the per-person turn comes first: an update
waits for the person's earlier ones without a slot, and takes a slot only to be handled;
so at most one slot per person is in use, and others' updates find slots free.
Locks are taken in the order the tasks start, which is the order updates arrived.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own gate is left wide open: the slots are ours (below), taken after the turn.
_UNGATED = 1_000_000


class OnePersonAtATime(BaseUpdateProcessor):
    def __init__(self, slots: int) -> None:
        super().__init__(_UNGATED)
        self.slots = slots
        self._handling = asyncio.BoundedSemaphore(slots)
        self._turns: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = person_of(update)
        turn = self._turns.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with turn, self._handling:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # memory stays flat: forget idle people
                del self._waiting[key], self._turns[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def handling(self) -> int:
        """Updates being handled now (holding a slot)."""
        return self.slots - self._handling._value


def person_of(update: object) -> str:
    """Whose turn an update waits for: its sender (the router's key too), else its chat."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return f"user:{update.effective_user.id}"
        if update.effective_chat is not None:
            return f"chat:{update.effective_chat.id}"
    return "other"
