"""A customer's own orders: the list with statuses, and cancelling an unpaid one."""

from __future__ import annotations

from bot.context import Context
from bot.messages import Button
from bot.money import format_money
from bot.routing import Routes
from bot.store import OrderStatus
from handlers import owner
from handlers.actions import Browse, OrderCancel, OrdersList

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
        ctx.reply(ctx.t("orders.none"), [ctx.button("btn.browse", Browse())])
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
    for message in owner.order_notices(ctx, cancelled, "owner.customer_cancelled"):
        ctx.send(message)
