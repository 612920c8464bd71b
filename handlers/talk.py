"""Greetings, thanks and small talk: answered briefly and kindly, never read as products.

Only messages that are nothing but talk get here ("你好", "thanks!", "ok"); a greeting
with an order in it ("你好，我要两盒面膜") is an order (bot/routing.py: TALK comes after
ORDER and ANSWER).
"""

from __future__ import annotations

from bot.context import Context
from bot.nlu.intents import Intent
from bot.nlu.reading import Reading
from bot.routing import Routes, TextStage
from handlers.actions import AskStart, Browse, CartShow, OrdersList

routes = Routes("talk")


def read_talk(ctx: Context, _: str) -> Reading | None:
    return ctx.reading_of(Intent.GREETING, Intent.THANKS, Intent.SMALL_TALK)


@routes.text(TextStage.TALK, read=read_talk)
async def talk(ctx: Context, reading: Reading) -> None:
    if reading.main is Intent.GREETING:
        shop = ctx.catalog.shop
        ctx.reply(
            ctx.t("words.hello", shop=shop.name.get(ctx.language)),
            [ctx.button("btn.browse", Browse()), ctx.button("btn.cart", CartShow())],
            [ctx.button("btn.my_orders", OrdersList()), ctx.button("btn.ask", AskStart())],
        )
    elif reading.main is Intent.THANKS:
        ctx.reply(ctx.t("words.welcome"), [ctx.button("btn.browse", Browse())])
    elif not ctx.chat.is_group:
        ctx.reply(ctx.t("words.small_talk"), [ctx.button("btn.browse", Browse())])
