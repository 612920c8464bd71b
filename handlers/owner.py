"""The owner's side of orders: new-order notices, status buttons, open orders, reload.

Every route here is owner-only (``Routes("owner", owner=True)``): the router refuses
anyone else before a handler runs, commands and button presses alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import action_button
from bot.catalog import CatalogError, load_catalog
from bot.context import Context
from bot.i18n import t
from bot.messages import Button, ChatKind, ChatRef, Outgoing, buttons
from bot.money import format_money
from bot.owners import owner_chats_with_languages
from bot.plain_text import one_line
from bot.routing import Routes
from bot.store import ORDER_TRANSITIONS, NewNotice, Order, OrderStatus
from handlers.actions import OrderSetStatus

routes = Routes("owner", owner=True)

# The statuses an owner can set from a button, in the order they are shown.
OWNER_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.CANCELLED)


def status_buttons(order: Order, language: str) -> tuple[tuple[Button, ...], ...]:
    allowed = ORDER_TRANSITIONS[order.status]
    row = [
        action_button(t(f"btn.mark_{status.value}", language), OrderSetStatus(order.number, status))
        for status in OWNER_STATUSES
        if status in allowed
    ]
    return buttons(row)


def order_card(order: Order, language: str) -> str:
    lines = [
        t(
            "owner.order_card",
            language,
            number=order.number,
            status=t(f"status.{order.status.value}", language),
            total=format_money(order.total_minor, order.currency),
        )
    ]
    lines += [f"  {line.qty} × {line.name(language)}" for line in order.lines]
    lines.append("  " + shipping_text(order, language))
    # What the customer typed is shown as one plain line each (an order stored by an
    # earlier version may still hold a newline or a bidi override).
    if not (order.contact_name or order.phone or order.address):
        lines.append(t("owner.contact_erased", language))  # the customer used /forgetme
    else:
        lines.append(
            t(
                "owner.order_contact",
                language,
                name=one_line(order.contact_name),
                phone=one_line(order.phone),
                address=one_line(order.address),
            )
        )
    if order.note:
        lines.append(t("checkout.note", language, note=one_line(order.note)))
    return "\n".join(lines)


def shipping_text(order: Order, language: str) -> str:
    if order.shipping_minor == 0:
        return t("cart.shipping_free", language)
    return t("cart.shipping", language, fee=format_money(order.shipping_minor, order.currency))


def order_money_lines(order: Order, language: str) -> list[str]:
    """Items, shipping and total of a placed order, as it was charged."""
    return [
        t("cart.items_total", language, total=format_money(order.items_minor, order.currency)),
        shipping_text(order, language),
        t("cart.total", language, total=format_money(order.total_minor, order.currency)),
    ]


OwnerChats = list[tuple[ChatRef, str]]


async def owner_chats(ctx: Context) -> OwnerChats:
    """Every owner's private chat and the language they read there."""
    return await owner_chats_with_languages(
        ctx.store, ctx.owners, ctx.catalog.shop.default_language
    )


def order_notices(order: Order, headline: str, owners: OwnerChats) -> list[Outgoing]:
    """A message to every owner about an order, in their language, with the status
    buttons still allowed."""
    return [
        Outgoing(
            chat=chat,
            text=t(headline, language, number=order.number) + "\n" + order_card(order, language),
            buttons=status_buttons(order, language),
            language=language,
        )
        for chat, language in owners
    ]


def owed_notices(event: str, messages: Sequence[Outgoing]) -> list[NewNotice]:
    """``messages`` owed for a committed change (``event``: e.g. "order:A1B2:paid"), keyed
    so that recording them again is a no-op."""
    return [NewNotice(f"{event}|{i}|{m.chat.key}", m) for i, m in enumerate(messages)]


async def record_notices(ctx: Context, event: str, messages: Sequence[Outgoing]) -> None:
    """Owe ``messages`` for a committed change: they go through the notices outbox, sent
    after this turn, retried until they arrive, never twice."""
    await ctx.store.notices.add(owed_notices(event, messages))


def customer_status_notice(order: Order) -> Outgoing:
    """Tell the customer their order moved, in the language they ordered in."""
    language = order.language
    return Outgoing(
        chat=ChatRef(order.channel, order.chat_id, ChatKind.PRIVATE),
        text=t(
            f"order.now_{order.status.value}",
            language,
            number=order.number,
        ),
    )


@routes.button(OrderSetStatus)
async def set_status(ctx: Context, action: OrderSetStatus) -> None:
    number, status = action.number, action.status
    before = await ctx.store.orders.get(number)
    if before is None:
        ctx.reply(ctx.t("owner.no_such_order", number=number))
        return
    after = await ctx.store.orders.change_status(number, status, actor=ctx.incoming.sender.key)
    if after is None:
        ctx.reply(
            ctx.t(
                "owner.status_not_allowed",
                number=number,
                status=ctx.t(f"status.{before.status.value}"),
            )
        )
        return
    ctx.send(
        Outgoing(
            chat=ctx.chat,
            text=ctx.t(
                "owner.status_changed", number=number, status=ctx.t(f"status.{after.status.value}")
            ),
            buttons=status_buttons(after, ctx.language),  # the next step, one tap away
        )
    )
    await record_notices(
        ctx, f"order:{number}:{after.status.value}", [customer_status_notice(after)]
    )


@routes.command("open")
async def open_orders(ctx: Context, _: str) -> None:
    orders = await ctx.store.orders.in_progress()
    if not orders:
        ctx.reply(ctx.t("owner.no_open_orders"))
        return
    ctx.reply(ctx.t("owner.open_orders", count=len(orders)))
    for order in orders:
        ctx.send(
            Outgoing(
                chat=ctx.chat,
                text=order_card(order, ctx.language),
                buttons=status_buttons(order, ctx.language),
            )
        )


@routes.command("reload")
async def reload_catalog(ctx: Context, _: str) -> None:
    """Read catalog.yaml again; on any problem keep the old catalog and say what is wrong."""
    try:
        catalog = load_catalog(ctx.catalog_holder.path)
    except CatalogError as error:
        ctx.reply(ctx.t("owner.reload_failed", errors="\n".join(f"• {i}" for i in error.issues)))
        return
    await ctx.store.stock.apply_catalog(catalog)
    # Owners named in the file take effect from the next message on (the router reads
    # them from the catalog in force): one removed from the file is no longer an owner.
    ctx.catalog_holder.catalog = catalog
    ctx.reply(ctx.t("owner.reloaded", products=len(catalog.products)))
