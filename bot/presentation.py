"""Fitting a neutral message to what one platform can show.

Handlers write buttons with actions and never ask which platform they speak to. Here:
- every button's action is swapped for a short key kept in the store (payload limits,
  and a key from an old message can be answered "expired");
- on a platform without inline buttons (WeChat), the buttons become numbered choices in
  the text, remembered per chat, so that the person's reply "2" is read as pressing the
  second one — with the same expiry and owner checks as a real button;
- images are dropped where they cannot be shown or the text does not fit a caption;
- long texts are split at line breaks.
"""

from __future__ import annotations

import dataclasses

from bot.channels.base import Capabilities
from bot.i18n import t
from bot.messages import Button, Outgoing
from bot.store import Store

# Numbers a person can type to choose; more buttons than this are not numbered.
MAX_CHOICES = 30


async def present(message: Outgoing, capabilities: Capabilities, store: Store) -> list[Outgoing]:
    rows = [tuple([await _keyed(button, store) for button in row]) for row in message.buttons]
    text = message.text
    if rows and not capabilities.buttons:
        text, rows = await _as_numbered_choices(message, rows, store)
    image = message.image if capabilities.images else None
    if image and len(text) > capabilities.max_caption:
        image = None  # a card whose text does not fit a caption goes out as text
    parts = split_text(text, capabilities.max_text)
    return [
        dataclasses.replace(
            message,
            text=part,
            buttons=tuple(rows) if index == len(parts) - 1 else (),
            image=image if index == 0 else None,
            edit_message_id=message.edit_message_id if len(parts) == 1 else None,
        )
        for index, part in enumerate(parts)
    ]


async def _keyed(button: Button, store: Store) -> Button:
    if button.url:
        return button
    return dataclasses.replace(button, action=await store.buttons.key_for(button.action))


async def _as_numbered_choices(
    message: Outgoing, rows: list[tuple[Button, ...]], store: Store
) -> tuple[str, list[tuple[Button, ...]]]:
    keys: list[str] = []
    lines = [message.text, ""]
    for button in (button for row in rows for button in row):
        if button.url:
            lines.append(f"{button.label}: {button.url}")
        elif len(keys) < MAX_CHOICES:
            keys.append(button.action)
            lines.append(f"{len(keys)}. {button.label}")
    if keys:
        # In a group only messages addressed to the bot are read, so a bare number is not.
        hint = "choices.hint_group" if message.chat.is_group else "choices.hint"
        lines.append(t(hint, message.language or "zh"))
    await store.buttons.save_choices(message.chat.key, keys)
    return "\n".join(lines), []


def split_text(text: str, limit: int) -> list[str]:
    """Split at line breaks into parts of at most ``limit`` characters (hard-cut a line
    only when it alone is longer than the limit)."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
