"""What the shop stores about a customer (/mydata), and erasing it (/forgetme).

Both act on the person who writes or presses, whoever's button it was: a forwarded or
forged button can never show or erase someone else's data. Orders stay in the owner's
books (the money and the goods are the shop's records) with the personal fields emptied.
"""

from __future__ import annotations

from bot.context import Context
from bot.money import format_money
from bot.plain_text import one_line
from bot.routing import Routes
from handlers.actions import ForgetMe, ForgetMeNot

routes = Routes("privacy")


def _in_group(ctx: Context) -> bool:
    """Personal data is never shown or erased in a group: the person is asked to write
    in private (a group cannot open a chat on every platform)."""
    if ctx.chat.is_group:
        ctx.reply(ctx.t("privacy.private_only"))
        return True
    return False


@routes.command("mydata")
async def my_data(ctx: Context, _: str) -> None:
    if _in_group(ctx):
        return
    customer = await ctx.store.customers.get(ctx.customer.key)
    none = ctx.t("privacy.none")
    lines = [ctx.t("privacy.title")]
    if customer is not None:
        lines.append(
            ctx.t(
                "privacy.profile",
                id=customer.key,
                name=one_line(customer.display_name) or none,
                lang=customer.language or customer.platform_language or none,
            )
        )
        lines.append(
            ctx.t(
                "privacy.delivery",
                name=one_line(customer.contact_name or "") or none,
                phone=one_line(customer.phone or "") or none,
                address=one_line(customer.address or "") or none,
            )
        )
    subscribed, stopped = await ctx.store.customers.promo_flags(ctx.customer.key)
    lines.append(
        ctx.t("privacy.promotions_on" if subscribed and not stopped else "privacy.promotions_off")
    )
    cart = await ctx.cart.lines()
    lines.append(ctx.t("privacy.cart", count=sum(line.qty for line in cart)))
    orders = await ctx.store.orders.of_customer(ctx.customer.key, limit=100)
    lines.append(ctx.t("privacy.orders", count=len(orders)))
    for order in orders:
        lines.append(
            ctx.t(
                "privacy.order",
                number=order.number,
                status=ctx.t(f"status.{order.status.value}"),
                total=format_money(order.total_minor, order.currency),
                name=one_line(order.contact_name) or none,
                phone=one_line(order.phone) or none,
                address=one_line(order.address) or none,
            )
        )
    lines.append(ctx.t("privacy.how_to_forget"))
    ctx.reply("\n".join(lines))


@routes.command("forgetme")
async def forget_me_asked(ctx: Context, _: str) -> None:
    if _in_group(ctx):
        return
    ctx.reply(
        ctx.t("privacy.forget_ask"),
        [ctx.button("btn.forget_yes", ForgetMe())],
        [ctx.button("btn.forget_no", ForgetMeNot())],
    )


@routes.button(ForgetMe)
async def forget_me(ctx: Context, _: ForgetMe) -> None:
    if _in_group(ctx):
        return
    # The conversation is left as loaded, so nothing of it is written back afterwards.
    orders = await ctx.store.customers.forget(ctx.customer.key)
    ctx.reply(ctx.t("privacy.forgotten", count=orders))


@routes.button(ForgetMeNot)
async def forget_me_not(ctx: Context, _: ForgetMeNot) -> None:
    ctx.reply(ctx.t("privacy.kept"))
