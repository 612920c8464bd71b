"""Checkout: delivery details, a summary to confirm, then the order with its number.

Every step is kept in the conversation state in the store, so a restart of the bot in the
middle of checkout picks up at the same question.
"""

from __future__ import annotations

import re

from bot.context import Context
from bot.money import format_money
from bot.store import Order, OrderLine, OrderRequest, Shortage
from handlers import owner
from handlers.cart import show_cart

STEP_NAME = "name"
STEP_PHONE = "phone"
STEP_ADDRESS = "address"
STEP_NOTE = "note"
STEP_CONFIRM = "confirm"
STEP_SAVED = "saved"  # offered the details remembered from last time

_PHONE = re.compile(r"^\+?[\d\s\-()]{7,20}$")


def in_checkout(ctx: Context) -> bool:
    return "checkout" in ctx.state


async def start(ctx: Context) -> None:
    if ctx.chat.is_group:
        ctx.reply(ctx.t("checkout.private_only"))
        return
    if not await ctx.store.cart(ctx.customer.key):
        ctx.state.pop("checkout", None)
        ctx.reply(ctx.t("cart.empty"), [ctx.button("btn.browse", "browse")])
        return
    customer = ctx.customer
    if customer.contact_name and customer.phone and customer.address:
        ctx.state["checkout"] = {
            "step": STEP_SAVED,
            "name": customer.contact_name,
            "phone": customer.phone,
            "address": customer.address,
        }
        ctx.reply(
            ctx.t(
                "checkout.use_saved",
                name=customer.contact_name,
                phone=customer.phone,
                address=customer.address,
            ),
            [
                ctx.button("btn.use_saved", "checkout:saved"),
                ctx.button("btn.new_details", "checkout:new"),
            ],
            [ctx.button("btn.cancel_checkout", "checkout:cancel")],
        )
        return
    await ask_name(ctx)


async def ask_name(ctx: Context) -> None:
    ctx.state["checkout"] = {"step": STEP_NAME}
    ctx.reply(ctx.t("checkout.ask_name"), [ctx.button("btn.cancel_checkout", "checkout:cancel")])


async def use_saved(ctx: Context) -> None:
    draft = ctx.state.get("checkout")
    if not draft or draft.get("step") != STEP_SAVED:
        await start(ctx)
        return
    draft["step"] = STEP_NOTE
    await _ask_note(ctx)


async def cancel(ctx: Context) -> None:
    ctx.state.pop("checkout", None)
    ctx.reply(ctx.t("checkout.cancelled"), [ctx.button("btn.cart", "cart:show")])


async def answer(ctx: Context, text: str) -> None:
    """The customer typed an answer to the current checkout question."""
    draft = ctx.state["checkout"]
    step = draft.get("step")
    text = text.strip()
    if step == STEP_NAME:
        if not 1 <= len(text) <= 60:
            ctx.reply(ctx.t("checkout.bad_name"))
            return
        draft.update(name=text, step=STEP_PHONE)
        ctx.reply(
            ctx.t("checkout.ask_phone"), [ctx.button("btn.cancel_checkout", "checkout:cancel")]
        )
    elif step == STEP_PHONE:
        if not _PHONE.match(text) or sum(c.isdigit() for c in text) < 7:
            ctx.reply(ctx.t("checkout.bad_phone"))
            return
        draft.update(phone=text, step=STEP_ADDRESS)
        ctx.reply(
            ctx.t("checkout.ask_address"), [ctx.button("btn.cancel_checkout", "checkout:cancel")]
        )
    elif step == STEP_ADDRESS:
        if not 5 <= len(text) <= 300:
            ctx.reply(ctx.t("checkout.bad_address"))
            return
        draft.update(address=text, step=STEP_NOTE)
        await _ask_note(ctx)
    elif step == STEP_NOTE:
        draft.update(note=text[:300], step=STEP_CONFIRM)
        await show_summary(ctx)
    elif step == STEP_SAVED:
        ctx.reply(ctx.t("checkout.press_a_button"))
    else:
        await show_summary(ctx)


async def _ask_note(ctx: Context) -> None:
    ctx.reply(
        ctx.t("checkout.ask_note"),
        [ctx.button("btn.skip_note", "checkout:skipnote")],
        [ctx.button("btn.cancel_checkout", "checkout:cancel")],
    )


async def skip_note(ctx: Context) -> None:
    draft = ctx.state.get("checkout")
    if not draft or draft.get("step") != STEP_NOTE:
        await start(ctx)
        return
    draft.update(note="", step=STEP_CONFIRM)
    await show_summary(ctx)


async def _order_lines(ctx: Context) -> list[OrderLine]:
    lines = []
    for item in await ctx.store.cart(ctx.customer.key):
        product = ctx.catalog.product(item.sku)
        if product is None:
            continue
        lines.append(
            OrderLine(
                sku=product.sku,
                name_en=product.name.en,
                name_zh=product.name.zh,
                unit_price_minor=ctx.catalog.price_minor(product),
                qty=item.qty,
            )
        )
    return lines


def render_lines(
    ctx: Context, lines: list[OrderLine] | tuple[OrderLine, ...], currency: str
) -> list[str]:
    return [
        ctx.t(
            "cart.line",
            qty=line.qty,
            name=line.name(ctx.language),
            price=format_money(line.unit_price_minor, currency),
            total=format_money(line.total_minor, currency),
        )
        for line in lines
    ]


async def show_summary(ctx: Context) -> None:
    draft = ctx.state.get("checkout")
    lines = await _order_lines(ctx)
    if not draft or not lines:
        ctx.state.pop("checkout", None)
        await show_cart(ctx)
        return
    draft["step"] = STEP_CONFIRM
    currency = ctx.catalog.shop.currency
    total = sum(line.total_minor for line in lines)
    text = [ctx.t("checkout.summary_title"), *render_lines(ctx, lines, currency)]
    text.append(ctx.t("cart.total", total=format_money(total, currency)))
    text.append(
        ctx.t(
            "checkout.deliver_to",
            name=draft["name"],
            phone=draft["phone"],
            address=draft["address"],
        )
    )
    if draft.get("note"):
        text.append(ctx.t("checkout.note", note=draft["note"]))
    ctx.reply(
        "\n".join(text),
        [ctx.button("btn.confirm_order", "checkout:confirm")],
        [
            ctx.button("btn.new_details", "checkout:new"),
            ctx.button("btn.cancel_checkout", "checkout:cancel"),
        ],
    )


async def confirm(ctx: Context) -> None:
    draft = ctx.state.get("checkout")
    if not draft or draft.get("step") != STEP_CONFIRM:
        ctx.reply(ctx.t("button.expired"), [ctx.button("btn.cart", "cart:show")])
        return
    lines = await _order_lines(ctx)
    if not lines:
        ctx.state.pop("checkout", None)
        await show_cart(ctx)
        return
    result = await ctx.store.place_order(
        OrderRequest(
            customer_key=ctx.customer.key,
            chat=ctx.private_chat,
            lines=tuple(lines),
            currency=ctx.catalog.shop.currency,
            contact_name=draft["name"],
            phone=draft["phone"],
            address=draft["address"],
            note=draft.get("note", ""),
            language=ctx.language,
        )
    )
    if isinstance(result, list):
        await _offer_what_is_left(ctx, result)
        return
    ctx.state.pop("checkout", None)
    await ctx.store.remember_delivery(
        ctx.customer.key, draft["name"], draft["phone"], draft["address"]
    )
    ctx.reply(
        order_receipt(ctx, result),
        [ctx.button("btn.my_orders", "orders:list"), ctx.button("btn.keep_shopping", "browse")],
    )
    for message in owner.order_notices(ctx, result, "owner.new_order"):
        ctx.send(message)


async def _offer_what_is_left(ctx: Context, shortages: list[Shortage]) -> None:
    """Stock ran short between cart and confirm: shrink the cart to what is left and ask again."""
    notes = []
    for shortage in shortages:
        product = ctx.catalog.product(shortage.sku)
        name = product.name.get(ctx.language) if product else shortage.sku
        await ctx.store.set_cart_qty(ctx.customer.key, shortage.sku, shortage.available)
        notes.append(
            ctx.t("checkout.short_item", name=name, wanted=shortage.wanted, left=shortage.available)
        )
    ctx.reply(ctx.t("checkout.short_title") + "\n" + "\n".join(notes))
    await show_summary(ctx)


def order_receipt(ctx: Context, order: Order) -> str:
    text = [ctx.t("order.placed", number=order.number)]
    text += render_lines(ctx, order.lines, order.currency)
    text.append(ctx.t("cart.total", total=format_money(order.total_minor, order.currency)))
    text.append("")
    text.append(
        ctx.t("order.pay_how", instructions=ctx.catalog.shop.payment_instructions.get(ctx.language))
    )
    return "\n".join(text)
