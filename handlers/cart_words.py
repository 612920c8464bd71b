"""Editing the cart in words: remove, set a quantity, replace one product with another,
empty it, show it ("remove the hand cream", "玫瑰面膜改成1盒", "换成绿茶那个", "清空购物车").

Each acts only on the reading's settled products (bot/nlu/reading.py): a product the
reading is unsure of, or one not in the cart, is asked about and nothing changes.
"""

from __future__ import annotations

from bot.context import Context
from bot.nlu.intents import Intent
from bot.nlu.reading import Reading
from bot.routing import Routes, TextStage
from handlers.actions import Browse, CartAdd, CartShow
from handlers.cart import quantity_problem, show_cart
from handlers.shop import show_product

routes = Routes("cart_words")


def read_edit(ctx: Context, _: str) -> Reading | None:
    return ctx.reading_of(Intent.REMOVE, Intent.SET_QUANTITY, Intent.REPLACE, Intent.EMPTY_CART)


@routes.text(TextStage.ORDER, read=read_edit)
async def edit_in_words(ctx: Context, reading: Reading) -> None:
    if ctx.chat.is_group:
        await ctx.move_to_private("cart")  # a cart is personal
        return
    match reading.main:
        case Intent.EMPTY_CART:
            await ctx.cart.clear()
            ctx.reply(ctx.t("cart.cleared"), [ctx.button("btn.browse", Browse())])
        case Intent.REPLACE:
            await _replace(ctx, reading)
        case _:
            await _change(ctx, reading)


async def _lines(ctx: Context) -> dict[str, int]:
    return await ctx.cart.quantities()


async def _change(ctx: Context, reading: Reading) -> None:
    """Remove (quantity 0: the whole line; else that many fewer) or set a quantity."""
    settled = [item for item in reading.items if len(item.candidates) == 1]
    if not settled:
        ctx.reply(ctx.t("words.which_line"), [ctx.button("btn.cart", CartShow())])
        return
    lines = await _lines(ctx)
    for item in settled:
        sku = item.candidates[0]
        product = ctx.catalog.product(sku)
        name = product.name.get(ctx.language) if product else sku
        if reading.main is Intent.SET_QUANTITY:
            problem = quantity_problem(ctx, item.quantity)
            if problem:
                ctx.reply(f"{name}: {problem}")
                continue
            stock = await ctx.store.stock.level(sku)
            if item.quantity > stock:
                ctx.reply(ctx.t("cart.only_left", name=name, count=stock))
                continue
            await ctx.cart.set_qty(sku, item.quantity)
            ctx.conversation.last_sku = sku
            continue
        sku = _line_meant(ctx, sku, lines)
        if sku not in lines:
            ctx.reply(ctx.t("words.not_in_cart", name=name))
            continue
        left = 0 if item.quantity <= 0 else max(0, lines[sku] - item.quantity)
        await ctx.cart.set_qty(sku, left)
    await show_cart(ctx)


def _line_meant(ctx: Context, sku: str, lines: dict[str, int]) -> str:
    """The cart line a name means: "橙子不要了" names the orange box, but when the cart
    holds only the oranges by the jin, that is the line meant. A sibling line counts when
    its product's name holds one of the named product's names or aliases; only one may."""
    named = ctx.catalog.product(sku)
    if sku in lines or named is None:
        return sku
    words = {w.lower() for w in (*named.aliases, named.name.en, named.name.zh) if len(w) >= 2}
    siblings = []
    for line in lines:
        product = ctx.catalog.product(line)
        if product is None:
            continue
        names = (product.name.en.lower(), product.name.zh)
        if any(word in name for word in words for name in names):
            siblings.append(line)
    return siblings[0] if len(siblings) == 1 else sku


async def _replace(ctx: Context, reading: Reading) -> None:
    """Swap a cart line for another product, same quantity; when the product to replace
    is not in the cart, show the new one with its add buttons instead of guessing."""
    assert reading.replace is not None, "the reading gives a REPLACE only with both"
    old, new = reading.replace
    lines = await _lines(ctx)
    product = ctx.catalog.product(new)
    if old not in lines or product is None:
        await show_product(ctx, new)
        return
    quantity = lines[old]
    stock = await ctx.store.stock.level(new)
    if stock < quantity:
        name = product.name.get(ctx.language)
        ctx.reply(
            ctx.t("cart.only_left", name=name, count=stock),
            [ctx.button("btn.add_n", CartAdd(new, max(stock, 1)), n=max(stock, 1))],
        )
        return
    await ctx.cart.set_qty(old, 0)
    await ctx.cart.set_qty(new, lines.get(new, 0) + quantity)
    ctx.conversation.last_sku = new
    await show_cart(ctx)


def read_show_cart(ctx: Context, _: str) -> Reading | None:
    return ctx.reading_of(Intent.SHOW_CART)


@routes.text(TextStage.ANSWER, read=read_show_cart)
async def cart_in_words(ctx: Context, _: Reading) -> None:
    if ctx.chat.is_group:
        await ctx.move_to_private("cart")
        return
    await show_cart(ctx)
