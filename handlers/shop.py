"""Greeting, browsing and product cards: how a customer looks around the shop."""

from __future__ import annotations

from bot.catalog import Product
from bot.context import Context
from bot.messages import Button
from bot.money import format_money

PAGE_SIZE = 8
LOW_STOCK = 5


async def start(ctx: Context) -> None:
    """/start: who we are and what the bot can do, with the main buttons."""
    shop = ctx.catalog.shop
    ctx.reply(
        ctx.t("start.greeting", shop=shop.name.get(ctx.language), name=ctx.customer.display_name),
        [ctx.button("btn.browse", "browse"), ctx.button("btn.cart", "cart:show")],
        [ctx.button("btn.my_orders", "orders:list"), ctx.button("btn.ask", "ask:start")],
    )


async def help_text(ctx: Context) -> None:
    ctx.reply(
        ctx.t("help.customer") + ("\n\n" + ctx.t("help.owner") if ctx.is_owner else ""),
        [ctx.button("btn.browse", "browse"), ctx.button("btn.cart", "cart:show")],
    )


async def browse(ctx: Context) -> None:
    rows = [
        [Button(category.name.get(ctx.language), f"cat:{category.id}:0")]
        for category in ctx.catalog.categories
    ]
    ctx.reply(ctx.t("browse.categories"), *rows)


async def show_category(ctx: Context, category_id: str, page: int) -> None:
    category = ctx.catalog.category(category_id)
    if category is None:
        ctx.reply(ctx.t("button.expired"), [ctx.button("btn.browse", "browse")])
        return
    products = ctx.catalog.products_in(category_id)
    pages = max(1, -(-len(products) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = products[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    stocks = await ctx.store.stocks()
    rows = [
        [Button(product_button_label(ctx, p, stocks.get(p.sku, 0)), f"prod:{p.sku}")] for p in shown
    ]
    nav = []
    if page > 0:
        nav.append(ctx.button("btn.prev", f"cat:{category_id}:{page - 1}"))
    if page < pages - 1:
        nav.append(ctx.button("btn.next", f"cat:{category_id}:{page + 1}"))
    rows.append(nav)
    rows.append([ctx.button("btn.categories", "browse"), ctx.button("btn.cart", "cart:show")])
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


async def show_product(ctx: Context, sku: str) -> None:
    product = ctx.catalog.product(sku)
    if product is None:
        ctx.reply(ctx.t("button.expired"), [ctx.button("btn.browse", "browse")])
        return
    stock = await ctx.store.stock(product.sku)
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
            [
                ctx.button("btn.add_n", f"cart:add:{product.sku}:{n}", n=n)
                for n in (1, 2, 3)
                if n <= stock
            ]
        )
    rows.append(
        [ctx.button("btn.back", f"cat:{product.category}:0"), ctx.button("btn.cart", "cart:show")]
    )
    ctx.state["last_sku"] = product.sku
    ctx.reply("\n".join(lines), *rows, image=product.image)
