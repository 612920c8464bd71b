"""A customer's own orders: the list with statuses, cancelling an unpaid one; and the
same in words ("where is my order", "已经付款了", "取消订单", "same as last time", a
complaint about a received order)."""

from __future__ import annotations

from bot.actions import Confirmed, KeepAsIs
from bot.context import Context
from bot.i18n import t
from bot.messages import Button, Outgoing
from bot.money import format_money
from bot.nlu.intents import Intent
from bot.nlu.reading import Reading
from bot.owners import owner_private_chats
from bot.routing import Routes, TextStage
from bot.store import Order, OrderStatus
from handlers import owner
from handlers.actions import Browse, CartShow, CheckoutStart, OrderCancel, OrdersList

# A customer's orders carry their address: never shown in a group.
routes = Routes("orders")


@routes.command("orders", private="orders")
async def orders_command(ctx: Context, _: str) -> None:
    await list_orders(ctx)


@routes.button(OrdersList, private="")
async def orders_button(ctx: Context, _: OrdersList) -> None:
    await list_orders(ctx)


async def list_orders(ctx: Context) -> None:
    orders = await ctx.store.orders.of_customer(ctx.customer.key)
    if not orders:
        _no_orders(ctx)
        return
    text = [ctx.t("orders.title")]
    rows: list[list[Button]] = []
    for order in orders:
        items = ", ".join(f"{line.qty} × {line.name(ctx.language)}" for line in order.lines)
        text.append(
            ctx.t(
                "orders.line",
                number=order.number,
                date=order.created_at[:10],
                status=ctx.t(f"status.{order.status.value}"),
                total=format_money(order.total_minor, order.currency),
                items=items,
            )
        )
        text.append("  " + owner.shipping_text(order, ctx.language))
        if order.status is OrderStatus.PENDING_PAYMENT:
            rows.append(
                [ctx.button("btn.cancel_order", OrderCancel(order.number), number=order.number)]
            )
    if ctx.is_owner:
        text.append(ctx.t("orders.owner_hint"))
    ctx.reply("\n".join(text), *rows)


@routes.button(OrderCancel, private="")
async def cancel_order(ctx: Context, action: OrderCancel) -> None:
    number = action.number
    order = await ctx.store.orders.get(number)
    # Someone else's order number gets the same answer as a missing one: never confirm
    # that another customer's order exists.
    if order is None or order.customer_key != ctx.customer.key:
        ctx.reply(ctx.t("orders.not_yours", number=number))
        return
    if order.status is not OrderStatus.PENDING_PAYMENT:
        ctx.reply(
            ctx.t(
                "orders.cannot_cancel", number=number, status=ctx.t(f"status.{order.status.value}")
            )
        )
        return
    # Only an order still unpaid when the store changes it: the owner may have marked it
    # paid since it was read above, and a paid order is not the customer's to cancel.
    cancelled = await ctx.store.orders.change_status(
        number,
        OrderStatus.CANCELLED,
        actor=ctx.customer.key,
        expected=OrderStatus.PENDING_PAYMENT,
    )
    if cancelled is None:
        ctx.reply(ctx.t("orders.cannot_cancel", number=number, status=ctx.t("status.changed")))
        return
    ctx.reply(ctx.t("orders.cancelled", number=number), [ctx.button("btn.browse", Browse())])
    await owner.record_notices(
        ctx,
        f"order:{number}:cancelled",
        owner.order_notices(cancelled, "owner.customer_cancelled", await owner.owner_chats(ctx)),
    )


# --- orders in words: where is it, I have paid, cancel it, same as last time, it arrived bad


def read_order_words(ctx: Context, _: str) -> Reading | None:
    return ctx.reading_of(Intent.MY_ORDERS, Intent.PAID, Intent.CANCEL_ORDER, Intent.COMPLAINT)


@routes.text(TextStage.ANSWER, read=read_order_words)
async def orders_in_words(ctx: Context, reading: Reading) -> None:
    """A customer's orders are personal: asked in a group, answered in private."""
    if ctx.chat.is_group:
        await ctx.move_to_private("orders")
        return
    order = await _order_meant(ctx, reading)
    match reading.main:
        case Intent.MY_ORDERS:
            await list_orders(ctx)
        case Intent.PAID:
            await _paid(ctx, order)
        case Intent.CANCEL_ORDER:
            _ask_to_cancel(ctx, order)
        case _:
            _complaint(ctx, order, reading.text)


async def _order_meant(ctx: Context, reading: Reading) -> Order | None:
    """The order number written, if it is theirs; else their latest order (the one
    still waiting for payment first, for "I have paid" and "cancel my order")."""
    orders = await ctx.store.orders.of_customer(ctx.customer.key)
    if reading.order_number:
        return next((o for o in orders if o.number == reading.order_number), None)
    if reading.main in (Intent.PAID, Intent.CANCEL_ORDER):
        waiting = [o for o in orders if o.status is OrderStatus.PENDING_PAYMENT]
        if waiting:
            return waiting[0]
    return orders[0] if orders else None


def _no_orders(ctx: Context) -> None:
    """No orders yet; but a checkout at its last step is an order not yet placed ("I have
    paid" before tapping Confirm), and an owner asking /orders wants the shop's."""
    if ctx.conversation.checkout is not None:
        ctx.reply(ctx.t("orders.not_confirmed_yet"))  # the checkout asks again after this
    elif ctx.is_owner:
        ctx.reply(ctx.t("orders.owner_hint"))
    else:
        ctx.reply(ctx.t("orders.none"), [ctx.button("btn.browse", Browse())])


async def _paid(ctx: Context, order: Order | None) -> None:
    """Acknowledge, and tell the owner with the order so they can check the payment."""
    if order is None:
        _no_orders(ctx)
        return
    ctx.reply(ctx.t("words.paid_thanks", number=order.number))
    # Through the notices outbox, as an order's own notices: the customer was just told
    # the owner knows, so a platform failure is retried until it arrives, never twice.
    await owner.record_notices(
        ctx,
        f"order:{order.number}:customer_paid:{_said_when(ctx)}",
        owner.order_notices(order, "owner.customer_paid", await owner.owner_chats(ctx)),
    )


def _said_when(ctx: Context) -> str:
    """What tells one message of a customer's from another in a notice's key: the
    platform's message id (a redelivered update is the same claim), else the time."""
    return ctx.incoming.message_id or ctx.clock.now().isoformat()


def _ask_to_cancel(ctx: Context, order: Order | None) -> None:
    if order is None:
        ctx.reply(ctx.t("orders.none"), [ctx.button("btn.browse", Browse())])
        return
    card = owner.order_card(order, ctx.language)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        status = ctx.t(f"status.{order.status.value}")
        ctx.reply(card + "\n\n" + ctx.t("orders.cannot_cancel", number=order.number, status=status))
        return
    ctx.reply(
        card + "\n\n" + ctx.t("words.cancel_confirm", number=order.number),
        # The question is asked here, naming the order: the button is already the "yes".
        [
            ctx.button(
                "btn.confirm_cancel_order",
                Confirmed(OrderCancel(order.number).encode()),
                subject=order.number,
            ),
            ctx.button("btn.confirm_no", KeepAsIs(order.number), subject=order.number),
        ],
        [ctx.button("btn.my_orders", OrdersList())],
    )


def _complaint(ctx: Context, order: Order | None, text: str) -> None:
    """Apologise, quote the return policy, and pass it to the owner with the order (the
    after-sales flow itself comes later)."""
    policy = ctx.catalog.shop.return_policy.get(ctx.language)
    ctx.reply(ctx.t("words.complaint", policy=policy))
    language = ctx.catalog.shop.default_language
    sender = ctx.incoming.sender
    header = t("owner.complaint", language, name=sender.name or sender.user_id, text=text[:500])
    for chat in owner_private_chats(ctx.owners):
        card = "\n" + owner.order_card(order, language) if order else ""
        ctx.send(Outgoing(chat=chat, text=header + card))


def read_reorder(ctx: Context, _: str) -> Reading | None:
    return ctx.reading_of(Intent.REORDER)


@routes.text(TextStage.ORDER, read=read_reorder)
async def same_as_last_time(ctx: Context, _: Reading) -> None:
    """The last order back in the cart (what is still sold and in stock), what it holds,
    one tap to check out."""
    if ctx.chat.is_group:
        await ctx.move_to_private("orders")
        return
    orders = await ctx.store.orders.of_customer(ctx.customer.key, limit=1)
    if not orders:
        ctx.reply(ctx.t("words.no_last_order"), [ctx.button("btn.browse", Browse())])
        return
    in_cart = await ctx.cart.quantities()
    limit = ctx.catalog.shop.max_quantity_per_line
    lines, missing = [], []
    for line in orders[0].lines:
        stock = await ctx.store.stock.level(line.sku)
        product = ctx.catalog.product(line.sku)
        quantity = min(in_cart.get(line.sku, 0) + line.qty, stock, limit)
        if product is None or quantity <= in_cart.get(line.sku, 0):
            missing.append(line.name(ctx.language))
            continue
        await ctx.cart.set_qty(line.sku, quantity)
        lines.append(f"{quantity - in_cart.get(line.sku, 0)} × {product.name.get(ctx.language)}")
    text = [ctx.t("words.reordered", number=orders[0].number), *lines]
    if missing:
        text.append(ctx.t("words.reorder_missing", names=", ".join(missing)))
    ctx.reply(
        "\n".join(text),
        [ctx.button("btn.checkout", CheckoutStart()), ctx.button("btn.cart", CartShow())],
    )
