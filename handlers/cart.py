"""The cart: adding what a customer asked for, changing quantities, showing totals."""

from __future__ import annotations

import dataclasses

from bot.actions import action_button
from bot.catalog import Product, Text
from bot.context import Context
from bot.messages import Button
from bot.money import format_money
from bot.nlu import ParsedItem
from bot.nlu.intents import Intent
from bot.nlu.reading import Reading
from bot.routing import Routes, TextStage
from bot.store import CartLine
from handlers import inquiry
from handlers.actions import (
    Browse,
    CartAdd,
    CartClear,
    CartDecrease,
    CartIncrease,
    CartRemove,
    CartShow,
    CheckoutStart,
    ShowProduct,
)

routes = Routes("cart")


def _money(ctx: Context, minor: int) -> str:
    return format_money(minor, ctx.catalog.shop.currency)


def quantity_problem(ctx: Context, quantity: int) -> str | None:
    """Why a quantity cannot go in the cart, or None when it can."""
    limit = ctx.catalog.shop.max_quantity_per_line
    if quantity < 1:
        return ctx.t("cart.qty_too_small")
    if quantity > limit:
        return ctx.t("cart.qty_too_large", limit=limit)
    return None


@routes.button(CartAdd)
async def add_button(ctx: Context, action: CartAdd) -> None:
    await add_to_cart(ctx, action.sku, action.qty)


async def add_to_cart(ctx: Context, sku: str, quantity: int) -> None:
    """Add ``quantity`` of a product, within the per-line cap and the live stock."""
    product = ctx.catalog.product(sku)
    if product is None:
        ctx.reply(ctx.t("button.expired"), [ctx.button("btn.browse", Browse())])
        return
    problem = quantity_problem(ctx, quantity)
    if problem:
        ctx.reply(problem)
        return
    line = await _add_line(ctx, product, quantity)
    if line is None:
        return
    await _confirm_added(ctx, [line])


async def _add_line(
    ctx: Context, product: Product, quantity: int, attempts_left: int = 5
) -> tuple[Product, int] | None:
    """Put one product in the cart; tell the customer when stock or the cap trims it."""
    key = ctx.customer.key
    in_cart = (await ctx.cart.quantities()).get(product.sku, 0)
    stock = await ctx.store.stock.level(product.sku)
    limit = ctx.catalog.shop.max_quantity_per_line
    name = product.name.get(ctx.language)
    wanted = in_cart + quantity
    allowed = min(wanted, stock, limit)
    if allowed <= in_cart:
        if stock <= in_cart:
            text = (
                ctx.t("cart.sold_out", name=name)
                if stock == 0
                else ctx.t("cart.all_stock_in_cart", name=name, count=stock)
            )
        else:
            text = ctx.t("cart.qty_too_large", limit=limit)
        ctx.reply(text, [ctx.button("btn.cart", CartShow()), ctx.button("btn.browse", Browse())])
        return None
    price = ctx.catalog.price_minor(product)
    # Only if the line still holds what was read: another worker handling this person's
    # other message may have added to it meanwhile; then read again, so neither is lost.
    if not await ctx.cart.replace_qty(product.sku, in_cart, allowed, price):
        if attempts_left <= 0:
            raise RuntimeError(f"cart line {product.sku} of {key} kept changing")
        return await _add_line(ctx, product, quantity, attempts_left - 1)
    if allowed < wanted:
        ctx.reply(
            ctx.t("cart.only_left", name=name, count=stock)
            if allowed == stock
            else ctx.t("cart.qty_too_large", limit=limit)
        )
    ctx.conversation.last_sku = product.sku
    return product, allowed - in_cart


async def _confirm_added(ctx: Context, added: list[tuple[Product, int]]) -> None:
    lines = [
        ctx.t("cart.added", qty=qty, name=product.name.get(ctx.language)) for product, qty in added
    ]
    total_qty, total = await cart_totals(ctx)
    lines.append(ctx.t("cart.summary_line", count=total_qty, total=_money(ctx, total)))
    ctx.reply(
        "\n".join(lines),
        [ctx.button("btn.checkout", CheckoutStart()), ctx.button("btn.cart", CartShow())],
        [ctx.button("btn.keep_shopping", Browse())],
    )


async def cart_totals(ctx: Context) -> tuple[int, int]:
    """(units, total in minor units) of the customer's cart at current prices."""
    units = total = 0
    for line in await ctx.cart.lines():
        product = ctx.catalog.product(line.sku)
        if product is not None:
            units += line.qty
            total += ctx.catalog.price_minor(product) * line.qty
    return units, total


def read_order(ctx: Context, _: str) -> Reading | None:
    """A message whose reading adds to the cart ("2 rose masks", "这个来两个")."""
    return ctx.reading_of(Intent.ADD)


@routes.text(TextStage.ORDER, read=read_order)
async def order_in_words(ctx: Context, reading: Reading) -> None:
    if ctx.chat.is_group and ctx.deep_link(ctx.chat.channel, "cart") is None:
        # A cart and its total are personal. Where the bot can write to the person
        # directly (WeChat, the console), the group only hears that it went to them.
        ctx.reply(ctx.t("group.sent_private", name=ctx.incoming.sender.name))
        ctx = ctx.as_private()
    await handle_order_text(ctx, reading.items)
    # "我要两盒玫瑰面膜，包邮吗": the order, then the question asked with it.
    asked = next((i for i in reading.intents if i in inquiry.POLICY_QUESTIONS), None)
    if asked is not None:
        inquiry.answer_policy(ctx, dataclasses.replace(reading, intents=(asked,)))
    if ctx.chat.is_group:
        # On Telegram the bot cannot write first: the group gets a link to continue.
        await ctx.move_to_private("cart", quiet=True)


async def handle_order_text(ctx: Context, items: tuple[ParsedItem, ...]) -> None:
    """A free-text order: add what is clear, ask about what is not."""
    if not items:
        ctx.reply(ctx.t("cart.more_of_what"), [ctx.button("btn.browse", Browse())])
        return
    added: list[tuple[Product, int]] = []
    for item in items:
        product = await _resolve(ctx, item)
        if product is None:
            continue
        problem = quantity_problem(ctx, item.quantity)
        if problem:
            ctx.reply(f"{product.name.get(ctx.language)}: {problem}")
            continue
        line = await _add_line(ctx, product, item.quantity)
        if line is not None:
            unit = product.unit.get(ctx.language)
            name = product.name.get(ctx.language)
            if not item.whole:
                ctx.reply(ctx.t("cart.rounded_up", name=name, qty=item.quantity, unit=unit))
            elif item.unit and item.unit_matches is False:
                ctx.reply(ctx.t("cart.unit_note", name=name, unit=unit))
            added.append(line)
    if added:
        await _confirm_added(ctx, added)


async def _resolve(ctx: Context, item: ParsedItem) -> Product | None:
    """The product an item names, or None after asking the customer to choose."""
    if len(item.candidates) == 1:
        return ctx.catalog.product(item.candidates[0])
    qty = item.quantity
    if item.candidates:
        rows = [
            [action_button(_choice_label(ctx, sku), CartAdd(sku, qty))]
            for sku in item.candidates
            if ctx.catalog.product(sku)
        ]
        ctx.reply(ctx.t("order.which_one", text=item.text[:60]), *rows)
        return None
    rows = [
        [action_button(_choice_label(ctx, sku), ShowProduct(sku))]
        for sku in item.suggestions
        if ctx.catalog.product(sku)
    ]
    key = "order.unknown_suggest" if rows else "order.unknown"
    ctx.reply(ctx.t(key, text=item.text[:60]), *rows, [ctx.button("btn.browse", Browse())])
    return None


def _choice_label(ctx: Context, sku: str) -> str:
    product = ctx.catalog.product(sku)
    assert product is not None
    price = format_money(ctx.catalog.price_minor(product), ctx.catalog.currency_of(product))
    return f"{product.name.get(ctx.language)} · {price}"


@routes.command("cart", private="cart")
async def cart_command(ctx: Context, _: str) -> None:
    await show_cart(ctx)


@routes.button(CartShow)
async def cart_button(ctx: Context, _: CartShow) -> None:
    await show_cart(ctx)


async def show_cart(ctx: Context) -> None:
    lines = await ctx.cart.lines()
    if not lines:
        ctx.reply(ctx.t("cart.empty"), [ctx.button("btn.browse", Browse())])
        return
    text = [*await price_changes(ctx, lines), ctx.t("cart.title")]
    shown: list[tuple[CartLine, Product]] = []
    items = 0
    for line in lines:
        product = ctx.catalog.product(line.sku)
        if product is None:  # removed from the catalog since it was added
            await ctx.cart.set_qty(line.sku, 0)
            continue
        price = ctx.catalog.price_minor(product)
        items += price * line.qty
        name = product.name.get(ctx.language)
        text.append(
            ctx.t(
                "cart.line",
                qty=line.qty,
                name=name,
                price=_money(ctx, price),
                total=_money(ctx, price * line.qty),
            )
        )
        shown.append((line, product))
    text += money_lines(ctx, items, ctx.customer.address, in_cart=True)
    labels = distinct_labels([product.name.get(ctx.language) for _, product in shown])
    rows: list[list[Button]] = [
        [
            action_button(f"➖ {label}", CartDecrease(line.sku)),
            action_button("➕", CartIncrease(line.sku)),
            action_button("🗑", CartRemove(line.sku)),
        ]
        for (line, _), label in zip(shown, labels, strict=True)
    ]
    rows.append([ctx.button("btn.checkout", CheckoutStart())])
    rows.append([ctx.button("btn.clear_cart", CartClear()), ctx.button("btn.browse", Browse())])
    ctx.reply("\n".join(text), *rows)


# How much of a product's name fits beside the ➕ and 🗑 of its cart line.
LABEL_WIDTH = 20


def distinct_labels(names: list[str], width: int = LABEL_WIDTH) -> list[str]:
    """Button labels for cart lines, cut to ``width`` where that still tells them apart
    ("Gannan navel oranges (5 kg box)" and "... by the jin" keep their whole names), and
    numbered when even whole names are the same."""
    cut = [_cut(name, width) for name in names]
    labels = [name if cut.count(cut[i]) > 1 else cut[i] for i, name in enumerate(names)]
    return [
        f"{label} ({i + 1})" if labels.count(label) > 1 else label for i, label in enumerate(labels)
    ]


def _cut(name: str, width: int) -> str:
    """``name`` cut to ``width``, at the last space when it has one ("Spicy beef jerky",
    not "Spicy beef jerky (20")."""
    if len(name) <= width:
        return name
    cut = name[:width]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


async def price_changes(ctx: Context, lines: list[CartLine]) -> list[str]:
    """A note for every line whose price changed since the customer last saw it; the
    prices shown now are remembered as seen."""
    notes = []
    seen: dict[str, int] = {}
    for line in lines:
        product = ctx.catalog.product(line.sku)
        if product is None:
            continue
        price = ctx.catalog.price_minor(product)
        if line.seen_price_minor == price:
            continue
        seen[line.sku] = price
        if line.seen_price_minor is not None:  # None: added before prices were recorded
            notes.append(
                ctx.t(
                    "cart.price_changed",
                    name=product.name.get(ctx.language),
                    old=_money(ctx, line.seen_price_minor),
                    new=_money(ctx, price),
                )
            )
    if seen:
        await ctx.cart.mark_seen(seen)
    return notes


def money_lines(ctx: Context, items: int, address: str | None, in_cart: bool = False) -> list[str]:
    """Items, shipping (by the shop's rule, to ``address`` when known) and the total."""
    quote = ctx.catalog.shipping_for(items, address)
    lines = [ctx.t("cart.items_total", total=_money(ctx, items))]
    lines.append(shipping_line(ctx, quote.charged_minor, quote.region))
    if in_cart and not quote.is_free and quote.free_over_minor is not None:
        lines.append(ctx.t("cart.shipping_to_go", more=_money(ctx, quote.free_over_minor - items)))
    lines.append(ctx.t("cart.total", total=_money(ctx, items + quote.charged_minor)))
    return lines


def shipping_line(ctx: Context, charged: int, region: Text | None = None) -> str:
    if charged == 0:
        return ctx.t("cart.shipping_free")
    if region is not None:
        return ctx.t(
            "cart.shipping_region", region=region.get(ctx.language), fee=_money(ctx, charged)
        )
    return ctx.t("cart.shipping", fee=_money(ctx, charged))


@routes.button(CartIncrease)
async def increase_button(ctx: Context, action: CartIncrease) -> None:
    await change_line(ctx, action.sku, 1)


@routes.button(CartDecrease)
async def decrease_button(ctx: Context, action: CartDecrease) -> None:
    await change_line(ctx, action.sku, -1)


@routes.button(CartRemove)
async def remove_button(ctx: Context, action: CartRemove) -> None:
    await change_line(ctx, action.sku, None)


async def change_line(ctx: Context, sku: str, delta: int | None) -> None:
    """``delta`` of +1/-1 changes a line; None removes it."""
    current = (await ctx.cart.quantities()).get(sku.upper())
    if current is None:
        await show_cart(ctx)
        return
    if delta is None:
        await ctx.cart.set_qty(sku.upper(), 0)
    elif delta > 0:
        if ctx.catalog.product(sku) is None:
            ctx.reply(ctx.t("button.expired"))
            return
        stock = await ctx.store.stock.level(sku.upper())
        limit = ctx.catalog.shop.max_quantity_per_line
        if current + delta > min(stock, limit):
            ctx.reply(ctx.t("cart.cannot_add_more", count=min(stock, limit)))
        else:
            await ctx.cart.set_qty(sku.upper(), current + delta)
    else:
        await ctx.cart.set_qty(sku.upper(), current + delta)
    await show_cart(ctx)


@routes.button(CartClear)
async def clear_cart(ctx: Context, _: CartClear) -> None:
    await ctx.cart.clear()
    ctx.reply(ctx.t("cart.cleared"), [ctx.button("btn.browse", Browse())])
