"""The shop's categories as buttons: what Browse shows, and the answer to "what do you sell?"."""

from __future__ import annotations

from bot.actions import action_button
from bot.context import Context
from bot.messages import Button
from handlers.actions import ShowCategory


def category_rows(ctx: Context) -> list[list[Button]]:
    return [
        [action_button(category.name.get(ctx.language), ShowCategory(category.id))]
        for category in ctx.catalog.categories
    ]
