"""The floor: a bare python-telegram-bot echo bot, set up as chatshop's channel is
(long polling, 256 updates handled at once, a 64-connection pool for sends).

It answers every text with the same text and every button press with a message, doing
no other work: whatever chatshop takes beyond this is the shop's own cost.

    python bench/echo_floor.py API_URL TOKEN
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "?")


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    await query.answer()
    await context.bot.send_message(update.effective_chat.id, f"pressed {query.data}")


def main() -> None:
    api_url, token = sys.argv[1], sys.argv[2]
    app = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .request(HTTPXRequest(connection_pool_size=64))
        .get_updates_request(HTTPXRequest(connection_pool_size=1))
        .concurrent_updates(256)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.run_polling(timeout=10, allowed_updates=["message", "callback_query"])


if __name__ == "__main__":
    main()
