"""Checkout: delivery details, a summary to confirm, then the order with its number.

Every step is kept in the conversation state in the store, so a restart of the bot in the
middle of checkout picks up at the same question.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.context import Context
from bot.conversation import CheckoutDraft, CheckoutStep
from bot.messages import Button, Outgoing, buttons
from bot.money import format_money
from bot.nlu.intents import CART_CHANGES, PUBLIC, Intent
from bot.plain_text import one_line
from bot.routing import Routes, TextStage
from bot.store import NewNotice, Order, OrderLine, OrderRequest, Shortage
from handlers import owner
from handlers.actions import (
    Browse,
    CartShow,
    CheckoutCancel,
    CheckoutConfirm,
    CheckoutNewDetails,
    CheckoutSkipNote,
    CheckoutStart,
    CheckoutUseSaved,
    OrdersList,
)
from handlers.cart import money_lines, price_changes, show_cart

# A phone number inside whatever else was typed: digits with spaces, dashes, brackets, a "+".
_PHONE_IN_TEXT = re.compile(r"\+?\d[\d\s\-()]{5,22}\d")
# What makes a text an address even when it names a product ("玫瑰路5号").
_ADDRESS = re.compile(
    r"\d.*(?:路|街|号|弄|巷|区|栋|室|楼)|(?:省|市|区|县).*\d|\d+[\w\s]{0,40}\b(?:road|rd|street|st|avenue|ave|lane|ln|drive|dr|way)\b",
    re.IGNORECASE,
)

# Checkout asks for a delivery address: it happens in private, never in a group.
routes = Routes("checkout")
# How long an order's receipt waits for this turn's answer to deliver it before the
# notices outbox sends it instead (after a failed answer or a crash).
RECEIPT_FALLBACK = timedelta(minutes=2)
# The start payload that opens checkout in a private chat (from a group's Check out).
CHECKOUT_PAYLOAD = "checkout"


@routes.command("checkout", private=CHECKOUT_PAYLOAD)
async def checkout_command(ctx: Context, _: str) -> None:
    await start(ctx)


@routes.button(CheckoutStart, private=CHECKOUT_PAYLOAD)
async def start_button(ctx: Context, _: CheckoutStart) -> None:
    await start(ctx)


async def start(ctx: Context) -> None:
    if ctx.chat.is_group:
        ctx.reply(ctx.t("checkout.private_only"))
        return
    if not await ctx.cart.lines():
        ctx.conversation.checkout = None
        ctx.reply(ctx.t("cart.empty"), [ctx.button("btn.browse", Browse())])
        return
    customer = ctx.customer
    if customer.contact_name and customer.phone and customer.address:
        ctx.conversation.checkout = CheckoutDraft(
            CheckoutStep.SAVED, customer.contact_name, customer.phone, customer.address
        )
        ctx.reply(
            ctx.t(
                "checkout.use_saved",
                name=one_line(customer.contact_name),
                phone=one_line(customer.phone),
                address=one_line(customer.address),
            ),
            [
                ctx.button("btn.use_saved", CheckoutUseSaved()),
                ctx.button("btn.new_details", CheckoutNewDetails()),
            ],
            [ctx.button("btn.cancel_checkout", CheckoutCancel())],
        )
        return
    await ask_name(ctx)


@routes.button(CheckoutNewDetails, private="cart")
async def new_details_button(ctx: Context, _: CheckoutNewDetails) -> None:
    await ask_name(ctx)


async def ask_name(ctx: Context) -> None:
    ctx.conversation.checkout = CheckoutDraft(CheckoutStep.NAME)
    ctx.reply(ctx.t("checkout.ask_name"), [_cancel_button(ctx)])


def _cancel_button(ctx: Context) -> Button:
    return ctx.button("btn.cancel_checkout", CheckoutCancel())


@routes.button(CheckoutUseSaved, private="cart")
async def use_saved(ctx: Context, _: CheckoutUseSaved) -> None:
    draft = ctx.conversation.checkout
    if draft is None or draft.step is not CheckoutStep.SAVED:
        await start(ctx)
        return
    draft.step = CheckoutStep.NOTE
    await _ask_note(ctx)


@routes.button(CheckoutCancel, private="cart")
async def cancel_button(ctx: Context, _: CheckoutCancel) -> None:
    await cancel(ctx)


async def cancel(ctx: Context) -> None:
    ctx.conversation.checkout = None
    ctx.reply(ctx.t("checkout.cancelled"), [ctx.button("btn.cart", CartShow())])


def read_step_answer(ctx: Context, text: str) -> str | None:
    """In a private chat during checkout, what the customer types answers its question,
    unless it is clearly something else (an order, a question, a cart edit: see
    ``interrupts``); a phone number is an answer whatever else the text holds."""
    draft = ctx.conversation.checkout
    if draft is None or ctx.chat.is_group:
        return None
    if draft.step is CheckoutStep.PHONE and _phone_in(text):
        return text
    if draft.step is CheckoutStep.ADDRESS and _ADDRESS.search(text):
        return text
    return None if interrupts(ctx) else text


# What the note step lets through as the note although it reads as something else: a
# note is free text, and "ring twice, order ABC paid" or "别发了快递" are notes.
NOTE_INTERRUPTS = CART_CHANGES | PUBLIC | {Intent.SHOW_CART, Intent.CHECKOUT, Intent.HUMAN}


def interrupts(ctx: Context) -> bool:
    """The message is clearly not an answer to the pending checkout question. Opt-out
    words are not enough: "不要再发票了" is a delivery note (bot/routing.py, STEP); and
    at the note step only a cart edit or a question about the shop is not the note."""
    reading = ctx.reading
    if reading is None or not reading.clear or reading.main is Intent.OPT_OUT:
        return False
    draft = ctx.conversation.checkout
    if draft is not None and draft.step is CheckoutStep.NOTE:
        return reading.main in NOTE_INTERRUPTS
    return True


# "No note" typed instead of tapped: not a note to print on the owner's card.
_NO_NOTE = frozenset(
    {"no", "nope", "none", "nothing", "no note", "no notes", "no thanks", "no note thanks",
     "no, thanks", "n/a", "na", "-", "无", "没有", "没", "不用", "不用了", "没有备注", "无备注",
     "不用备注", "不需要", "没了"}
)  # fmt: skip


def _says_no_note(text: str) -> bool:
    return text.strip().strip("!！。.~～ ").lower() in _NO_NOTE


def _phone_in(text: str) -> str | None:
    """The phone number in "138 1234 5678", "+86 138-1234-5678", "我的电话是138-1234-5678"."""
    for match in _PHONE_IN_TEXT.finditer(text):
        number = match.group().strip()
        if 7 <= sum(c.isdigit() for c in number) <= 15:
            return number
    return None


def read_interrupted(ctx: Context, text: str) -> CheckoutDraft | None:
    """After a message that interrupted checkout was handled, its question is asked again
    (if the checkout is still there: "cancel my order" may have ended it)."""
    draft = ctx.conversation.checkout
    if draft is None or ctx.chat.is_group or not interrupts(ctx):
        return None
    if ctx.reading is not None and ctx.reading.main is Intent.CHECKOUT:
        return None  # "结算" asks its own question (checkout_in_words)
    if draft.step is CheckoutStep.PHONE and _phone_in(text):
        return None
    if draft.step is CheckoutStep.ADDRESS and _ADDRESS.search(text):
        return None
    return draft


@routes.text(TextStage.RESUME, read=read_interrupted)
async def ask_again(ctx: Context, draft: CheckoutDraft) -> None:
    match draft.step:
        case CheckoutStep.NAME:
            ctx.reply(ctx.t("checkout.ask_name"), [_cancel_button(ctx)])
        case CheckoutStep.PHONE:
            ctx.reply(ctx.t("checkout.ask_phone"), [_cancel_button(ctx)])
        case CheckoutStep.ADDRESS:
            ctx.reply(ctx.t("checkout.ask_address"), [_cancel_button(ctx)])
        case CheckoutStep.NOTE:
            await _ask_note(ctx)
        case CheckoutStep.SAVED:
            await start(ctx)
        case CheckoutStep.CONFIRM:
            await show_summary(ctx)


def read_checkout_words(ctx: Context, _: str) -> str | None:
    reading = ctx.reading
    return "checkout" if reading is not None and reading.main is Intent.CHECKOUT else None


@routes.text(TextStage.ANSWER, read=read_checkout_words)
async def checkout_in_words(ctx: Context, _: str) -> None:
    """Typed "结算", "checkout": start it; already in it, its question is asked again."""
    if ctx.chat.is_group:
        await ctx.move_to_private("cart")
    elif ctx.conversation.checkout is None:
        await start(ctx)
    else:
        await ask_again(ctx, ctx.conversation.checkout)


@routes.text(TextStage.STEP, read=read_step_answer)
async def step_answer(ctx: Context, text: str) -> None:
    draft = ctx.conversation.checkout
    assert draft is not None, "read_step_answer checked"
    await answer(ctx, draft, text)


async def answer(ctx: Context, draft: CheckoutDraft, text: str) -> None:
    """The customer typed an answer to the current checkout question."""
    # Whatever is typed becomes one plain line: it is shown to the owner in an order card,
    # where a newline or a bidi override could fake a line.
    text = one_line(text)
    match draft.step:
        case CheckoutStep.NAME:
            if not 1 <= len(text) <= 60 or sum(c.isdigit() for c in text) > 2:
                ctx.reply(ctx.t("checkout.bad_name"))
                return
            draft.name, draft.step = text, CheckoutStep.PHONE
            ctx.reply(ctx.t("checkout.ask_phone"), [_cancel_button(ctx)])
        case CheckoutStep.PHONE:
            phone = _phone_in(text)
            if phone is None:
                ctx.reply(ctx.t("checkout.bad_phone"))
                return
            draft.phone, draft.step = phone, CheckoutStep.ADDRESS
            ctx.reply(ctx.t("checkout.ask_address"), [_cancel_button(ctx)])
        case CheckoutStep.ADDRESS:
            if not 5 <= len(text) <= 300:
                ctx.reply(ctx.t("checkout.bad_address"))
                return
            draft.address, draft.step = text, CheckoutStep.NOTE
            await _ask_note(ctx)
        case CheckoutStep.NOTE:
            note = "" if _says_no_note(text) else text[:300]
            draft.note, draft.step = note, CheckoutStep.CONFIRM
            await show_summary(ctx)
        case CheckoutStep.SAVED:
            ctx.reply(ctx.t("checkout.press_a_button"))
        case CheckoutStep.CONFIRM:
            await show_summary(ctx)


async def _ask_note(ctx: Context) -> None:
    ctx.reply(
        ctx.t("checkout.ask_note"),
        [ctx.button("btn.skip_note", CheckoutSkipNote())],
        [_cancel_button(ctx)],
    )


@routes.button(CheckoutSkipNote, private="cart")
async def skip_note(ctx: Context, _: CheckoutSkipNote) -> None:
    draft = ctx.conversation.checkout
    if draft is None or draft.step is not CheckoutStep.NOTE:
        await start(ctx)
        return
    draft.note, draft.step = "", CheckoutStep.CONFIRM
    await show_summary(ctx)


async def _order_lines(ctx: Context) -> list[OrderLine]:
    lines = []
    for item in await ctx.cart.lines():
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
    draft = ctx.conversation.checkout
    notes = await price_changes(ctx, await ctx.cart.lines())
    lines = await _order_lines(ctx)
    if draft is None or not lines:
        ctx.conversation.checkout = None
        await show_cart(ctx)
        return
    draft.step = CheckoutStep.CONFIRM
    shipping = _shipping(ctx, lines, draft)
    draft.shown = _what_is_shown(lines, shipping)
    items = sum(line.total_minor for line in lines)
    text = [
        *notes,
        ctx.t("checkout.summary_title"),
        *render_lines(ctx, lines, ctx.catalog.shop.currency),
    ]
    text += money_lines(ctx, items, draft.address)
    text.append(
        ctx.t(
            "checkout.deliver_to",
            name=draft.name,
            phone=draft.phone,
            address=draft.address,
        )
    )
    if draft.note:
        text.append(ctx.t("checkout.note", note=draft.note))
    ctx.reply(
        "\n".join(text),
        [ctx.button("btn.confirm_order", CheckoutConfirm())],
        [ctx.button("btn.new_details", CheckoutNewDetails()), _cancel_button(ctx)],
    )


def _shipping(ctx: Context, lines: list[OrderLine], draft: CheckoutDraft) -> int:
    items = sum(line.total_minor for line in lines)
    return ctx.catalog.shipping_for(items, draft.address).charged_minor


def _what_is_shown(lines: list[OrderLine], shipping: int) -> str:
    """A fingerprint of the order a summary shows: every line's sku, quantity and price,
    and the shipping. Equal fingerprints charge the same total for the same things."""
    parts = [f"{line.sku}:{line.qty}:{line.unit_price_minor}" for line in lines]
    return ";".join([*parts, f"shipping:{shipping}"])


@routes.button(CheckoutConfirm, private=CHECKOUT_PAYLOAD)
async def confirm(ctx: Context, _: CheckoutConfirm) -> None:
    draft = ctx.conversation.checkout
    if draft is None or draft.step is not CheckoutStep.CONFIRM:
        ctx.reply(ctx.t("button.expired"), [ctx.button("btn.cart", CartShow())])
        return
    lines = await _order_lines(ctx)
    if not lines:
        ctx.conversation.checkout = None
        await show_cart(ctx)
        return
    shipping = _shipping(ctx, lines, draft)
    if _what_is_shown(lines, shipping) != draft.shown:
        # A /reload, a cart change in another chat or a removed product since the
        # summary: the customer confirms the order as it is now, or nothing.
        ctx.reply(ctx.t("checkout.changed"))
        await show_summary(ctx)
        return
    owed: list[NewNotice] = []
    owners = await owner.owner_chats(ctx)  # read before: the order's transaction is one call

    def notices_for(order: Order) -> list[NewNotice]:
        owed[:] = _owed_for(ctx, order, owners)
        return owed

    result = await ctx.store.orders.place(
        OrderRequest(
            customer_key=ctx.customer.key,
            chat=ctx.private_chat,
            lines=tuple(lines),
            currency=ctx.catalog.shop.currency,
            contact_name=draft.name,
            phone=draft.phone,
            address=draft.address,
            note=draft.note,
            language=ctx.language,
            shipping_minor=shipping,
            checkout_id=draft.checkout_id,
        ),
        notices_for,
    )
    ctx.cart.forget()  # an order placed takes the cart with it
    if isinstance(result, list):
        await _offer_what_is_left(ctx, result)
        return
    ctx.conversation.checkout = None
    await ctx.store.customers.remember_delivery(
        ctx.customer.key, draft.name, draft.phone, draft.address
    )
    if not owed:  # placed already (Confirm tapped twice): its notices were recorded then
        owed = _owed_for(ctx, result, owners)
    # The receipt goes first as this turn's answer (shown with the choice it answers) and
    # its outbox row is then marked sent; only if that answer fails, or the process stops
    # first, does the outbox send it later.
    ctx.send(owed[0].message)


def _owed_for(ctx: Context, order: Order, owners: owner.OwnerChats) -> list[NewNotice]:
    """What a placed order owes whatever happens next (a failed send, a crash): the
    customer's receipt and the owners' notices, recorded with the order itself."""
    event = f"order:{order.number}:placed"
    receipt = Outgoing(
        chat=ctx.chat,
        text=order_receipt(ctx, order),
        buttons=buttons(
            [ctx.button("btn.my_orders", OrdersList()), ctx.button("btn.keep_shopping", Browse())]
        ),
        language=ctx.language,
        notice_key=f"{event}|receipt|{ctx.chat.key}",
    )
    fallback = ctx.clock.now() + RECEIPT_FALLBACK
    notices = owner.owed_notices(event, owner.order_notices(order, "owner.new_order", owners))
    return [NewNotice(receipt.notice_key or "", receipt, fallback), *notices]


async def _offer_what_is_left(ctx: Context, shortages: list[Shortage]) -> None:
    """Stock ran short between cart and confirm: shrink the cart to what is left and ask again."""
    notes = []
    for shortage in shortages:
        product = ctx.catalog.product(shortage.sku)
        name = product.name.get(ctx.language) if product else shortage.sku
        await ctx.cart.set_qty(shortage.sku, shortage.available)
        notes.append(
            ctx.t("checkout.short_item", name=name, wanted=shortage.wanted, left=shortage.available)
        )
    ctx.reply(ctx.t("checkout.short_title") + "\n" + "\n".join(notes))
    await show_summary(ctx)


def order_receipt(ctx: Context, order: Order) -> str:
    text = [ctx.t("order.placed", number=order.number)]
    text += render_lines(ctx, order.lines, order.currency)
    text += owner.order_money_lines(order, ctx.language)
    text.append("")
    text.append(
        ctx.t("order.pay_how", instructions=ctx.catalog.shop.payment_instructions.get(ctx.language))
    )
    return "\n".join(text)
