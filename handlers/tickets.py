"""Tickets: what the bot hands to the owner, and the owner's answer back to the customer.

A customer's message becomes a ticket when the bot must not answer it itself
(handlers/handoff.py: health and children always, a request for a person, a complaint, a
question the shop's data cannot answer). The owner gets it in private with buttons, and
answers by replying to that message (Telegram), by pressing "answer" and typing, or with
``/reply <ticket> <text>`` anywhere. The answer goes to the customer's private chat under
the shop's name. One open ticket per customer: follow-ups join it, so one person cannot
flood the owner. A ticket left unanswered for two business hours reminds the owner once.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.actions import Action, action_button
from bot.catalog import Catalog
from bot.clock import Clock
from bot.context import CatalogHolder, Context
from bot.conversation import TicketStep
from bot.delivery import Delivery
from bot.i18n import t
from bot.messages import Button, Outgoing, buttons
from bot.money import format_money
from bot.owners import owner_chats_with_languages
from bot.plain_text import one_line
from bot.routing import Routes, TextStage
from bot.scheduler import Scheduler
from bot.store import NewTicket, Store, Ticket, TicketReason
from handlers.handoff import handoff_reason, is_open, next_opening, open_time_between
from handlers.owner import owner_chats, record_notices

log = logging.getLogger(__name__)

routes = Routes("tickets")

# An open ticket waiting this long within business hours reminds the owner, once.
REMIND_AFTER = timedelta(hours=2)
REMIND_EVERY = timedelta(minutes=5)
REMIND_JOB = "tickets:remind"
# What of a customer's message the owner is shown, and what of an answer is sent.
MAX_TEXT = 1000
CANCEL_WORDS = frozenset({"cancel", "stop", "取消", "算了", "不回了"})
# "#12" in a ticket notice: the ticket an owner's reply to that notice answers.
TICKET_REF = re.compile(r"#(\d+)")


@dataclass(frozen=True)
class TicketAnswer(Action):
    verb = "ticket:answer"
    number: int


@dataclass(frozen=True)
class TicketClose(Action):
    verb = "ticket:close"
    number: int


@dataclass(frozen=True)
class TicketCustomer(Action):
    verb = "ticket:customer"
    number: int


@dataclass(frozen=True)
class HandOff:
    reason: TicketReason
    text: str


# --- the owner's side, read first: an answer being typed, a reply to a notice ----------


def read_owner_step(ctx: Context, text: str) -> str | None:
    """After "answer" or "close", the owner's next text in private is the answer."""
    return text if ctx.conversation.ticket is not None and not ctx.chat.is_group else None


@routes.text(TextStage.STEP, read=read_owner_step, owner=True)
async def owner_typed(ctx: Context, text: str) -> None:
    step = ctx.conversation.ticket
    assert step is not None
    ctx.conversation.ticket = None
    if text.strip().lower() in CANCEL_WORDS:
        ctx.reply(ctx.t("owner.ticket_kept", number=step.number))
    elif step.closing:
        await close_ticket(ctx, step.number, text)
    else:
        await answer_ticket(ctx, step.number, text)


def read_reply_to_notice(ctx: Context, text: str) -> tuple[int, str] | None:
    """An owner's reply (on platforms with replies) to a ticket notice of the bot."""
    if not ctx.incoming.reply_to_bot or ctx.chat.is_group:
        return None
    found = TICKET_REF.search(ctx.incoming.reply_to_text)
    return (int(found.group(1)), text) if found else None


@routes.text(TextStage.STEP, read=read_reply_to_notice, owner=True)
async def owner_replied(ctx: Context, found: tuple[int, str]) -> None:
    await answer_ticket(ctx, *found)


# --- the customer's side: what the bot hands over ----------------------------------------


def read_handoff(ctx: Context, _: str) -> HandOff | None:
    reading = ctx.reading
    if reading is None or ctx.is_owner:
        return None  # an owner trying their own shop gets the shop's answers
    reason = handoff_reason(reading, ctx.catalog)
    return HandOff(reason, reading.text) if reason is not None else None


@routes.text(TextStage.STEP, read=read_handoff)
async def hand_off(ctx: Context, handoff: HandOff) -> None:
    """Before any answer from the shop's data: a risky question is never answered by the
    bot, even when a product or the FAQ seems to fit."""
    await open_ticket(ctx, handoff.text, handoff.reason)


async def open_ticket(ctx: Context, text: str, reason: TicketReason) -> Ticket:
    """Hand ``text`` to the owner (a new ticket or the customer's open one) and tell the
    customer plainly that the owner answers, and roughly when."""
    sender = ctx.incoming.sender
    owners = await owner_chats(ctx)
    # The ticket keeps one context text, in the (first) owner's language.
    owner_language = owners[0][1] if owners else ctx.catalog.shop.default_language
    new = NewTicket(
        customer_key=ctx.customer.key,
        chat=ctx.chat,
        customer_name=sender.name or sender.user_id,
        language=ctx.language,
        reason=reason,
        text=text[:MAX_TEXT],
        context=await customer_context(ctx.store, ctx.catalog, ctx.customer.key, owner_language),
    )
    ticket, opened = await ctx.store.tickets.open_or_append(new)
    if ticket.chat == ctx.chat:
        # The store keeps the chat, not its title: the owner reads the group's name.
        ticket = dataclasses.replace(ticket, chat=ctx.chat)
    notices = [
        Outgoing(
            chat=chat,
            text=ticket_notice(ticket, language)
            if opened
            else t(
                "owner.ticket_follow_up",
                language,
                number=ticket.number,
                name=one_line(ticket.customer_name),
                text=new.text,
            ),
            buttons=ticket_buttons(ticket, language),
            language=language,
        )
        for chat, language in owners
    ]
    # Through the notices outbox: the customer is told the owner has it, so a platform
    # failure is retried until it arrives; each message of the ticket is told once.
    await record_notices(ctx, f"ticket:{ticket.number}:{len(ticket.messages)}", notices)
    if not opened:
        ctx.reply(ctx.t("ticket.added"))
        return ticket
    told = "ticket.told_private" if ctx.chat.is_group else "ticket.told"
    message = ctx.t(told, when=answer_when(ctx.catalog, ctx.clock.now(), ctx.language))
    if reason is TicketReason.COMPLAINT:
        policy = ctx.catalog.shop.return_policy.get(ctx.language)
        # Sorry and the policy first; who answers and when once (the order goes with the
        # ticket's context, so nothing here claims an order the customer may not have).
        message = ctx.t("ticket.complaint_sorry", policy=policy) + "\n\n" + message
    ctx.reply(message)
    return ticket


def answer_when(catalog: Catalog, now: datetime, language: str) -> str:
    """ ", usually within a couple of hours", or " after 09:00 tomorrow (...)"."""
    shop = catalog.shop
    if is_open(now, shop.business_hours, shop.timezone):
        return t("ticket.when_open", language)
    opening = next_opening(now, shop.business_hours, shop.timezone)
    today = now.astimezone(ZoneInfo(shop.timezone)).date()
    key = "ticket.opening_today" if opening.date() == today else "ticket.opening_tomorrow"
    when = t(key, language, time=opening.strftime("%H:%M"))
    return t("ticket.when_closed", language, opening=when, hours=shop.business_hours)


async def customer_context(store: Store, catalog: Catalog, customer_key: str, lang: str) -> str:
    """The cart and the last orders, as the owner reads them."""
    none = t("ticket.none", lang)
    cart = []
    for line in await store.carts.lines(customer_key):
        product = catalog.product(line.sku)
        cart.append(f"{line.qty} × {product.name.get(lang) if product else line.sku}")
    orders = [
        f"{o.number} {t(f'status.{o.status.value}', lang)} "
        f"{format_money(o.total_minor, o.currency)} ({o.created_at[:10]})"
        for o in await store.orders.of_customer(customer_key, limit=3)
    ]
    return t("ticket.context", lang, cart=", ".join(cart) or none, orders="; ".join(orders) or none)


def ticket_notice(ticket: Ticket, language: str) -> str:
    where = (
        t("ticket.in_group", language, group=one_line(ticket.chat.title or ticket.chat.chat_id))
        if ticket.chat.is_group
        else t("ticket.in_private", language)
    )
    lines = [
        t(
            "owner.ticket_new",
            language,
            number=ticket.number,
            reason=t(f"ticket.reason_{ticket.reason.value}", language),
            name=one_line(ticket.customer_name),
            customer=ticket.customer_key,
            where=where,
            text=ticket.messages[-1].text if ticket.messages else "",
        ),
        ticket.context,
        t("owner.ticket_how", language, number=ticket.number),
    ]
    return "\n".join(line for line in lines if line)


def ticket_buttons(ticket: Ticket, language: str) -> tuple[tuple[Button, ...], ...]:
    number = ticket.number
    return buttons(
        [
            action_button(t("btn.ticket_answer", language, number=number), TicketAnswer(number)),
            action_button(t("btn.ticket_close", language, number=number), TicketClose(number)),
        ],
        [
            action_button(
                t("btn.ticket_customer", language, name=one_line(ticket.customer_name)[:30]),
                TicketCustomer(number),
            )
        ],
    )


# --- the owner's commands and buttons -----------------------------------------------------


async def _open_or_say(ctx: Context, number: int) -> Ticket | None:
    ticket = await ctx.store.tickets.get(number)
    if ticket is None:
        ctx.reply(ctx.t("owner.ticket_unknown", number=number))
    elif not ticket.is_open:
        ctx.reply(ctx.t("owner.ticket_not_open", number=number))
        return None
    return ticket


async def answer_ticket(ctx: Context, number: int, text: str) -> None:
    """Send the owner's answer to the customer's private chat under the shop's name, and
    close the ticket with the answer recorded."""
    text = text.strip()[:MAX_TEXT]
    if await _open_or_say(ctx, number) is None:
        return
    answered = await ctx.store.tickets.answer(number, text, actor=ctx.incoming.sender.key)
    if answered is None:  # another owner answered meanwhile
        ctx.reply(ctx.t("owner.ticket_not_open", number=number))
        return
    language = answered.language
    ctx.send(
        Outgoing(
            chat=answered.private_chat,
            text=t(
                "ticket.answer",
                language,
                shop=ctx.catalog.shop.name.get(language),
                answer=text,
            ),
            language=language,
        )
    )
    ctx.reply(ctx.t("owner.ticket_answered", name=one_line(answered.customer_name), number=number))


async def close_ticket(ctx: Context, number: int, reason: str) -> None:
    reason = one_line(reason)[:300]
    if await _open_or_say(ctx, number) is None:
        return
    closed = await ctx.store.tickets.close(number, reason, actor=ctx.incoming.sender.key)
    if closed is None:
        ctx.reply(ctx.t("owner.ticket_not_open", number=number))
        return
    ctx.reply(ctx.t("owner.ticket_closed", number=number, reason=reason))


def _number_and_text(argument: str) -> tuple[int, str] | None:
    head, _, rest = argument.strip().partition(" ")
    head = head.lstrip("#")
    if not head.isdigit() or not rest.strip():
        return None
    return int(head), rest.strip()


@routes.command("reply", owner=True)
async def reply_command(ctx: Context, argument: str) -> None:
    found = _number_and_text(argument)
    if found is None:
        ctx.reply(ctx.t("owner.reply_usage"))
        return
    await answer_ticket(ctx, *found)


@routes.command("close", owner=True)
async def close_command(ctx: Context, argument: str) -> None:
    found = _number_and_text(argument)
    if found is None:
        ctx.reply(ctx.t("owner.close_usage"))
        return
    await close_ticket(ctx, *found)


@routes.command("tickets", owner=True)
async def tickets_command(ctx: Context, _: str) -> None:
    open_tickets = await ctx.store.tickets.open_tickets()
    if not open_tickets:
        ctx.reply(ctx.t("owner.tickets_none"))
        return
    ctx.reply(ctx.t("owner.tickets_header", count=len(open_tickets)))
    now = ctx.clock.now()
    for ticket in open_tickets:
        ctx.reply(
            ctx.t(
                "owner.tickets_line",
                number=ticket.number,
                name=one_line(ticket.customer_name),
                age=_age(ctx, now - ticket.created_at),
                reason=ctx.t(f"ticket.reason_{ticket.reason.value}"),
                text=" / ".join(one_line(m.text) for m in ticket.messages)[:300],
            ),
            *[list(row) for row in ticket_buttons(ticket, ctx.language)],
        )


def _age(ctx: Context, waited: timedelta) -> str:
    minutes = int(waited.total_seconds() // 60)
    if minutes < 120:
        return ctx.t("owner.age_minutes", n=minutes)
    return ctx.t("owner.age_hours", n=minutes // 60)


@routes.button(TicketAnswer, owner=True)
async def answer_button(ctx: Context, action: TicketAnswer) -> None:
    ticket = await _open_or_say(ctx, action.number)
    if ticket is None:
        return
    ctx.conversation.ticket = TicketStep(ticket.number)
    name = one_line(ticket.customer_name)
    ctx.reply(ctx.t("owner.ticket_answer_prompt", number=ticket.number, name=name))


@routes.button(TicketClose, owner=True)
async def close_button(ctx: Context, action: TicketClose) -> None:
    ticket = await _open_or_say(ctx, action.number)
    if ticket is None:
        return
    ctx.conversation.ticket = TicketStep(ticket.number, closing=True)
    ctx.reply(ctx.t("owner.ticket_close_prompt", number=ticket.number))


@routes.button(TicketCustomer, owner=True)
async def customer_button(ctx: Context, action: TicketCustomer) -> None:
    ticket = await ctx.store.tickets.get(action.number)
    if ticket is None:
        ctx.reply(ctx.t("owner.ticket_unknown", number=action.number))
        return
    customer = await ctx.store.customers.get(ticket.customer_key)
    orders = await ctx.store.orders.of_customer(ticket.customer_key, limit=100)
    context = await customer_context(ctx.store, ctx.catalog, ticket.customer_key, ctx.language)
    ctx.reply(
        ctx.t(
            "owner.customer_card",
            name=one_line(ticket.customer_name),
            customer=ticket.customer_key,
            speaks=(customer.language if customer else None) or ticket.language,
            count=len(orders),
            context=context,
        )
    )


# --- the reminder -------------------------------------------------------------------------


def reminders_due(tickets: list[Ticket], catalog: Catalog, now: datetime) -> list[Ticket]:
    """Open tickets not yet reminded that have waited ``REMIND_AFTER`` within business
    hours, and only while the shop is open (a reminder at 3 a.m. helps nobody)."""
    shop = catalog.shop
    if not is_open(now, shop.business_hours, shop.timezone):
        return []
    return [
        ticket
        for ticket in tickets
        if ticket.is_open
        and ticket.reminded_at is None
        and open_time_between(ticket.created_at, now, shop.business_hours, shop.timezone)
        >= REMIND_AFTER
    ]


class TicketReminders:
    """The reminder job on the shop's scheduler: every few minutes, each open ticket that
    has waited two business hours reminds the owners once (the store remembers that it
    did, so a restart never reminds twice)."""

    def __init__(
        self,
        store: Store,
        catalog_holder: CatalogHolder,
        delivery: Delivery,
        clock: Clock,
        owners: Callable[[], frozenset[str]],
        scheduler: Scheduler,
    ) -> None:
        self.store = store
        self.catalog_holder = catalog_holder
        self.delivery = delivery
        self.clock = clock
        self.owners = owners
        self.scheduler = scheduler

    async def start(self) -> None:
        self.scheduler.every(REMIND_JOB, self.run, REMIND_EVERY)

    async def run(self) -> int:
        """Remind the owners of every ticket due; how many tickets reminded."""
        catalog = self.catalog_holder.catalog
        due = reminders_due(await self.store.tickets.open_tickets(), catalog, self.clock.now())
        if not due:
            return 0
        owners = await owner_chats_with_languages(
            self.store, self.owners(), catalog.shop.default_language
        )
        reminded = 0
        for ticket in due:
            if not await self.store.tickets.mark_reminded(ticket.number):
                continue  # another worker did
            reminded += 1
            await self.delivery.send_all(
                [
                    Outgoing(
                        chat,
                        t(
                            "owner.ticket_reminder",
                            language,
                            number=ticket.number,
                            name=one_line(ticket.customer_name),
                            hours=int(REMIND_AFTER.total_seconds() // 3600),
                            text=" / ".join(one_line(m.text) for m in ticket.messages)[:300],
                        ),
                        ticket_buttons(ticket, language),
                        language=language,
                    )
                    for chat, language in owners
                ]
            )
        return reminded
