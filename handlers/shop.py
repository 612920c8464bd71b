"""Greeting, help, language, browsing and product cards: how a customer looks around the
shop; and the last word on free text nobody else understood."""

from __future__ import annotations

from bot.actions import action_button
from bot.catalog import Product
from bot.context import Context
from bot.messages import Button
from bot.money import format_money
from bot.routing import Routes, TextStage
from handlers import cart, checkout, inquiry, orders
from handlers.actions import (
    AskStart,
    Browse,
    CartAdd,
    CartShow,
    Help,
    OrdersList,
    ShowCategory,
    ShowProduct,
)
from handlers.categories import category_rows

PAGE_SIZE = 8
LOW_STOCK = 5
# Start payloads: what a private chat opened from a link or a group begins with.
PRODUCT_PAYLOAD = "p-"
FROM_POST = "-o-"
HELP_PAYLOAD = "help"

routes = Routes("shop")


@routes.command("start", private="")
async def start_command(ctx: Context, payload: str) -> None:
    """/start, maybe with the payload of a link that opened the chat."""
    if payload.startswith(PRODUCT_PAYLOAD):
        # A promotion's Buy link adds "-o-<post>" (promotions/texts.py, which counts it as
        # the group's reaction); the product is what comes before it.
        sku = payload[len(PRODUCT_PAYLOAD) :].partition(FROM_POST)[0]
        await show_product(ctx, sku)
    elif payload == "cart":
        await cart.show_cart(ctx)
    elif payload == "orders":
        await orders.list_orders(ctx)
    elif payload == checkout.CHECKOUT_PAYLOAD:
        await checkout.start(ctx)
    elif payload == HELP_PAYLOAD:
        await help_text(ctx)
    elif payload == inquiry.ASK_PAYLOAD:
        await inquiry.start_question(ctx)
    else:
        await start(ctx)


async def start(ctx: Context) -> None:
    """/start: who we are and what the bot can do, with the main buttons."""
    shop = ctx.catalog.shop
    ctx.reply(
        ctx.t("start.greeting", shop=shop.name.get(ctx.language), name=ctx.customer.display_name),
        [ctx.button("btn.browse", Browse()), ctx.button("btn.cart", CartShow())],
        [ctx.button("btn.my_orders", OrdersList()), ctx.button("btn.ask", AskStart())],
    )


@routes.command("help", private=HELP_PAYLOAD)
async def help_command(ctx: Context, _: str) -> None:
    await help_text(ctx)


@routes.button(Help)
async def help_button(ctx: Context, _: Help) -> None:
    await help_text(ctx)


async def help_text(ctx: Context) -> None:
    ctx.reply(
        ctx.t("help.customer") + ("\n\n" + ctx.t("help.owner") if ctx.is_owner else ""),
        [ctx.button("btn.browse", Browse()), ctx.button("btn.cart", CartShow())],
    )


@routes.command("lang")
async def set_language(ctx: Context, argument: str) -> None:
    choice = argument.lower()[:2]
    if choice not in ("en", "zh"):
        ctx.reply(ctx.t("lang.usage"))
        return
    await ctx.store.customers.set_language(ctx.customer.key, choice)
    ctx.language = choice
    ctx.reply(ctx.t("lang.set"))


@routes.command("browse", "shop", private="")
async def browse_command(ctx: Context, _: str) -> None:
    await browse(ctx)


@routes.button(Browse)
async def browse_button(ctx: Context, _: Browse) -> None:
    await browse(ctx)


async def browse(ctx: Context) -> None:
    ctx.reply(ctx.t("browse.categories"), *category_rows(ctx))


# --- leaving what you are in the middle of ----------------------------------------------

# "stop" while checking out means stop the checkout; elsewhere it stops promotions.
CANCEL_WORDS = frozenset({"cancel", "/cancel", "取消", "算了", "不要了"})
STOP_WORDS = frozenset({"stop", "停", "停止"})


def read_leave(ctx: Context, text: str) -> str | None:
    word = text.strip().strip("!！。.~～ ").lower()
    if ctx.conversation.asking and word in CANCEL_WORDS:
        return word
    if ctx.conversation.checkout is not None and word in CANCEL_WORDS | STOP_WORDS:
        return word
    return None


@routes.text(TextStage.LEAVE, read=read_leave)
async def leave_words(ctx: Context, _: str) -> None:
    await leave(ctx)


@routes.command("cancel")
async def cancel_command(ctx: Context, _: str) -> None:
    await leave(ctx)


async def leave(ctx: Context) -> None:
    """Leave the question for the owner first, else the checkout, else say so."""
    if ctx.conversation.ticket is not None:
        # The owner was about to answer a ticket: it stays open, the next text is theirs.
        ctx.reply(ctx.t("owner.ticket_kept", number=ctx.conversation.ticket.number))
        ctx.conversation.ticket = None
    elif ctx.conversation.asking:
        await inquiry.cancel_question(ctx)
    elif ctx.conversation.checkout is not None:
        await checkout.cancel(ctx)
    else:
        ctx.reply(ctx.t("cancel.nothing"))


# --- categories and products ------------------------------------------------------------


@routes.button(ShowCategory)
async def category_button(ctx: Context, action: ShowCategory) -> None:
    await show_category(ctx, action.category, action.page)


async def show_category(ctx: Context, category_id: str, page: int) -> None:
    category = ctx.catalog.category(category_id)
    if category is None:
        ctx.reply(ctx.t("button.expired"), [ctx.button("btn.browse", Browse())])
        return
    products = ctx.catalog.products_in(category_id)
    pages = max(1, -(-len(products) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = products[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    stocks = await ctx.store.stock.levels()
    rows = [
        [action_button(product_button_label(ctx, p, stocks.get(p.sku, 0)), ShowProduct(p.sku))]
        for p in shown
    ]
    nav = []
    if page > 0:
        nav.append(ctx.button("btn.prev", ShowCategory(category_id, page - 1)))
    if page < pages - 1:
        nav.append(ctx.button("btn.next", ShowCategory(category_id, page + 1)))
    rows.append(nav)
    rows.append([ctx.button("btn.categories", Browse()), ctx.button("btn.cart", CartShow())])
    ctx.reply(
        ctx.t(
            "browse.category",
            category=category.name.get(ctx.language),
            page=page + 1,
            pages=pages,
        ),
        *rows,
    )


def product_button_label(ctx: Context, product: Product, stock: int) -> str:
    price = format_money(ctx.catalog.price_minor(product), ctx.catalog.currency_of(product))
    label = f"{product.name.get(ctx.language)} · {price}"
    return label if stock > 0 else f"{label} · {ctx.t('stock.sold_out')}"


def availability(ctx: Context, stock: int) -> str:
    if stock <= 0:
        return ctx.t("stock.sold_out")
    if stock <= LOW_STOCK:
        return ctx.t("stock.low", count=stock)
    return ctx.t("stock.in_stock")


@routes.button(ShowProduct)
async def product_button(ctx: Context, action: ShowProduct) -> None:
    await show_product(ctx, action.sku)


async def show_product(ctx: Context, sku: str) -> None:
    product = ctx.catalog.product(sku)
    if product is None:
        ctx.reply(ctx.t("button.expired"), [ctx.button("btn.browse", Browse())])
        return
    stock = await ctx.store.stock.level(product.sku)
    lang = ctx.language
    lines = [
        product.name.get(lang),
        ctx.t(
            "product.price",
            price=format_money(ctx.catalog.price_minor(product), ctx.catalog.currency_of(product)),
            unit=product.unit.get(lang),
        ),
        availability(ctx, stock),
        "",
        product.description.get(lang),
    ]
    if product.origin:
        lines.append(ctx.t("product.origin", origin=product.origin.get(lang)))
    rows: list[list[Button]] = []
    if stock > 0:
        rows.append(
            [ctx.button("btn.add_n", CartAdd(product.sku, n), n=n) for n in (1, 2, 3) if n <= stock]
        )
    rows.append(
        [ctx.button("btn.back", ShowCategory(product.category)), ctx.button("btn.cart", CartShow())]
    )
    ctx.conversation.last_sku = product.sku
    ctx.reply("\n".join(lines), *rows, image=product.image)


# --- nobody understood ------------------------------------------------------------------


def read_anything(ctx: Context, text: str) -> str:
    return text


@routes.text(TextStage.FALLBACK, read=read_anything)
async def not_understood(ctx: Context, _: str) -> None:
    if ctx.chat.is_group:
        ctx.reply(ctx.t("group.hint"))
        return
    if ctx.is_owner:
        # "今天有几个新订单": the owner is after the shop's side, which is commands.
        ctx.reply(ctx.t("text.owner_not_understood"))
        return
    ctx.reply(
        ctx.t("text.not_understood"),
        [ctx.button("btn.browse", Browse()), ctx.button("btn.ask", AskStart())],
    )
