"""Follow-ups as the owner and the customer see them: the customer card, notes and tags,
the digest on demand and its buttons, statistics; and the customer's one-tap reorder."""

from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bot.actions import action_button
from bot.context import Context
from bot.messages import Button
from bot.money import format_money
from bot.routing import Routes
from bot.store import Customer, FollowUpOutcome
from followups.actions import (
    DigestPage,
    FollowUpDone,
    HowToRecord,
    Reorder,
    SendFollowUp,
    ShowCustomer,
    SnoozeFollowUp,
)
from followups.chart import render_chart
from followups.digest import digest_page
from followups.history import local_day
from followups.report import load_stats, stats_text
from followups.sending import check, reachable_nowhere, record_sent, suggest
from followups.texts import customer_language, customer_name, product_name

routes = Routes("followups")

SNOOZE = timedelta(days=7)
MAX_CHOICES = 8


# --- the owner: customers ---------------------------------------------------------------


@routes.command("customer", owner=True)
async def customer_command(ctx: Context, query: str) -> None:
    customer = await _one_customer(ctx, query.strip(), "fu.usage_customer")
    if customer is not None:
        await _show_card(ctx, customer)


@routes.button(ShowCustomer, owner=True)
async def show_customer(ctx: Context, action: ShowCustomer) -> None:
    customer = await ctx.store.customers.get(action.customer)
    if customer is None:
        ctx.reply(ctx.t("fu.no_match", query=action.customer))
        return
    await _show_card(ctx, customer)


@routes.command("note", owner=True)
async def note_command(ctx: Context, argument: str) -> None:
    query, _, text = argument.strip().partition(" ")
    if not text.strip():
        ctx.reply(ctx.t("fu.usage_note"))
        return
    customer = await _one_customer(ctx, query, "fu.usage_note")
    if customer is None:
        return
    await ctx.store.records.add_note(customer.key, text.strip(), ctx.incoming.sender.key)
    ctx.reply(ctx.t("fu.noted", name=customer_name(customer), text=text.strip()))


@routes.command("tag", owner=True)
async def tag_command(ctx: Context, argument: str) -> None:
    query, _, tag = argument.strip().partition(" ")
    tag = tag.strip().lstrip("#").lower()
    if not tag or " " in tag:
        ctx.reply(ctx.t("fu.usage_tag"))
        return
    customer = await _one_customer(ctx, query, "fu.usage_tag")
    if customer is None:
        return
    added = await ctx.store.records.add_tag(customer.key, tag)
    key = "fu.tagged" if added else "fu.already_tagged"
    ctx.reply(ctx.t(key, name=customer_name(customer), tag=tag))


@routes.button(HowToRecord, owner=True)
async def how_to_record(ctx: Context, action: HowToRecord) -> None:
    key = "fu.how_note" if action.what == "note" else "fu.how_tag"
    ctx.reply(ctx.t(key, customer=action.customer))


async def _one_customer(ctx: Context, query: str, usage: str) -> Customer | None:
    """The one customer ``query`` names; otherwise the usage, "no match" or a choice."""
    if not query:
        ctx.reply(ctx.t(usage))
        return None
    found = await ctx.store.records.find(query, limit=MAX_CHOICES + 1)
    if not found:
        ctx.reply(ctx.t("fu.no_match", query=query))
        return None
    if len(found) == 1:
        return found[0]
    rows = [
        [action_button(f"{customer_name(c)} ({c.key})", ShowCustomer(c.key))]
        for c in found[:MAX_CHOICES]
    ]
    ctx.reply(ctx.t("fu.choose", query=query), *rows)
    return None


async def _show_card(ctx: Context, customer: Customer) -> None:
    store, catalog = ctx.store, ctx.catalog
    timezone = catalog.shop.timezone
    bought = await store.records.purchases(key=customer.key)
    lines = [ctx.t("fu.card_head", name=customer_name(customer), who=customer.key)]
    if bought:
        orders = {p.order_number for p in bought}
        spent = sum(p.amount_minor for p in bought)
        lines.append(
            ctx.t(
                "fu.card_orders",
                orders=len(orders),
                spent=format_money(spent, catalog.shop.currency),
                first=local_day(bought[0].at, timezone).isoformat(),
                last=local_day(bought[-1].at, timezone).isoformat(),
            )
        )
        favourites = Counter[str]()
        for p in bought:
            favourites[p.sku] += p.qty
        names = [
            f"{product_name(catalog, sku, ctx.language)} ×{qty}"
            for sku, qty in favourites.most_common(3)
        ]
        lines.append(ctx.t("fu.card_favourites", products=ctx.t("fu.list_sep").join(names)))
    else:
        lines.append(ctx.t("fu.card_no_orders"))
    hold = (await store.records.holds()).get(customer.key)
    unreachable = await reachable_nowhere(store, customer)
    lines.append(
        ctx.t(
            "fu.card_state",
            speaks=customer_language(customer, catalog),
            reachable=ctx.t("fu.no" if unreachable else "fu.yes"),
            opted_out=ctx.t("fu.yes" if hold is not None and hold.opted_out else "fu.no"),
        )
    )
    if hold is not None and hold.last_contact is not None:
        lines.append(
            ctx.t("fu.card_last_followup", day=local_day(hold.last_contact, timezone).isoformat())
        )
    tags = await store.records.tags(customer.key)
    lines.append(ctx.t("fu.card_tags", tags=" ".join("#" + tag for tag in tags) or "—"))
    notes = await store.records.notes(customer.key)
    if notes:
        lines.append(ctx.t("fu.card_notes"))
        lines.extend(f"• {local_day(n.at, timezone).isoformat()} {n.text}" for n in notes[-5:])
    rows: list[list[Button]] = [
        [
            ctx.button("fu.btn_follow_up", SendFollowUp("card", customer.key)),
            ctx.button("fu.btn_note", HowToRecord("note", customer.key)),
            ctx.button("fu.btn_tag", HowToRecord("tag", customer.key)),
        ]
    ]
    ctx.reply("\n".join(lines), *rows)


# --- the owner: the digest and its buttons -------------------------------------------------


@routes.command("followups", owner=True)
async def followups_command(ctx: Context, _: str) -> None:
    await _show_page(ctx, 0)


@routes.button(DigestPage, owner=True)
async def next_page(ctx: Context, action: DigestPage) -> None:
    await _show_page(ctx, action.page)


async def _show_page(ctx: Context, page: int) -> None:
    found = await digest_page(ctx.store, ctx.catalog, ctx.clock.now(), ctx.language, page)
    if found is None:
        ctx.reply(ctx.t("fu.nobody_due"))
        return
    ctx.reply(found.text, *found.rows)


@routes.button(SendFollowUp, owner=True)
async def send_follow_up(ctx: Context, action: SendFollowUp) -> None:
    customer = await ctx.store.customers.get(action.customer)
    if customer is None or not customer.channel:
        ctx.reply(ctx.t("fu.no_chat", name=action.customer))
        return
    now = ctx.clock.now()
    refused = await check(ctx.store, ctx.catalog, customer, now)
    if refused is not None:
        key, values = refused
        ctx.reply(ctx.t(key, **values))
        return
    only_if_due = action.origin == "digest"
    found = await suggest(ctx.store, ctx.catalog, customer, now, only_if_due=only_if_due)
    if found is None:
        key = "fu.not_due_any_more" if only_if_due else "fu.nothing_bought"
        ctx.reply(ctx.t(key, name=customer_name(customer)))
        return
    ctx.send(await record_sent(ctx.store, ctx.catalog, found))
    ctx.reply(ctx.t("fu.sent", name=customer_name(customer), text=found.text))


@routes.button(SnoozeFollowUp, owner=True)
async def snooze(ctx: Context, action: SnoozeFollowUp) -> None:
    until = ctx.clock.now() + SNOOZE
    await ctx.store.records.log_followup(action.customer, [], FollowUpOutcome.SNOOZED, until)
    ctx.reply(ctx.t("fu.snoozed", name=await _name(ctx, action.customer)))


@routes.button(FollowUpDone, owner=True)
async def done(ctx: Context, action: FollowUpDone) -> None:
    await ctx.store.records.log_followup(action.customer, [], FollowUpOutcome.DONE)
    ctx.reply(ctx.t("fu.done", name=await _name(ctx, action.customer)))


async def _name(ctx: Context, key: str) -> str:
    customer = await ctx.store.customers.get(key)
    return customer_name(customer) if customer else key


# --- the owner: what follow-ups earned ---------------------------------------------------


@routes.command("stats", owner=True)
async def stats_command(ctx: Context, argument: str) -> None:
    months = (
        int(argument.strip()) if argument.strip().isdigit() else 6 if not argument.strip() else 0
    )
    if not 1 <= months <= 36:
        ctx.reply(ctx.t("fu.stats_usage"))
        return
    stats = await load_stats(ctx.store, ctx.catalog, ctx.clock.now(), months)
    # The chart as a file Telegram uploads (a platform that takes only links gets the
    # table alone); one file per owner and language, overwritten each time.
    name = f"chatshop-stats-{ctx.incoming.sender.key.replace(':', '-')}-{ctx.language}.png"
    path = Path(tempfile.gettempdir()) / name
    # Drawing takes a moment: off the event loop, so other chats are answered meanwhile.
    chart = await asyncio.to_thread(render_chart, stats, ctx.catalog, ctx.language, path)
    ctx.reply(stats_text(stats, ctx.catalog, ctx.language), image=str(chart))


# --- the customer: one tap to reorder --------------------------------------------------


@routes.button(Reorder)
async def reorder(ctx: Context, action: Reorder) -> None:
    product = ctx.catalog.product(action.sku)
    if product is None or await ctx.store.stock.level(action.sku) <= 0:
        ctx.reply(ctx.t("fu.reorder_gone"))
        return
    in_cart = await ctx.cart.quantities()
    qty = min(in_cart.get(action.sku, 0) + action.qty, ctx.catalog.shop.max_quantity_per_line)
    await ctx.cart.set_qty(action.sku, qty, seen_price_minor=ctx.catalog.price_minor(product))
    ctx.reply(
        ctx.t(
            "fu.reordered",
            product=product.name.get(ctx.language),
            qty=qty,
            price=format_money(ctx.catalog.price_minor(product), ctx.catalog.currency_of(product)),
        )
    )
