"""Sending one follow-up: what to say, and whether it may go now.

``refusal`` is the policy (pure): the customer's opt-out, at most one follow-up per
customer in ``recontact_days``, the shop's quiet hours, a chat that cannot be reached.
The platform's pacing is delivery's: the message goes out through the same sender as
everything else. Quiet hours are read as promotions read them, through the core's
``bot.hours`` (features never import each other), over the same catalog setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.actions import action_button
from bot.catalog import Catalog
from bot.hours import parse_window, within
from bot.i18n import t
from bot.messages import Outgoing, buttons
from bot.store import IMPORT_CHANNEL, Customer, FollowUpHold, FollowUpOutcome, Store
from followups.actions import Reorder
from followups.history import due_customers, local_day, policy_of
from followups.texts import (
    customer_language,
    customer_name,
    private_chat,
    product_name,
    suggestion,
)


@dataclass(frozen=True)
class Suggestion:
    customer: Customer
    skus: tuple[str, ...]
    sku: str
    qty: int
    language: str
    text: str

    def message(self, catalog: Catalog) -> Outgoing:
        label = t(
            "fu.reorder_button",
            self.language,
            product=product_name(catalog, self.sku, self.language),
            qty=self.qty,
        )
        return Outgoing(
            chat=private_chat(self.customer),
            text=self.text,
            buttons=buttons([action_button(label, Reorder(self.qty, self.sku))]),
            language=self.language,
        )


async def suggest(
    store: Store, catalog: Catalog, customer: Customer, now: datetime, only_if_due: bool
) -> Suggestion | None:
    """The message for ``customer``: about the product they are due for; when not due
    (and ``only_if_due`` is false), about their latest purchase. None: nothing to say."""
    today = local_day(now, catalog.shop.timezone)
    language = customer_language(customer, catalog)
    found = await due_customers(store, catalog, today, key=customer.key)
    if found:
        main = found[0].main
        days_ago = (today - main.last_purchase).days
        text = suggestion(customer, main.sku, main.usual_qty, catalog, days_ago, language)
        skus = tuple(p.sku for p in found[0].products)
        return Suggestion(customer, skus, main.sku, main.usual_qty, language, text)
    if only_if_due:
        return None
    bought = [p for p in await store.records.purchases(key=customer.key) if catalog.product(p.sku)]
    if not bought:
        return None
    last = bought[-1]
    days_ago = (today - local_day(last.at, catalog.shop.timezone)).days
    text = suggestion(customer, last.sku, last.qty, catalog, days_ago, language)
    return Suggestion(customer, (last.sku,), last.sku, last.qty, language, text)


def in_quiet_hours(moment: time, quiet_hours: str) -> bool:
    """``quiet_hours`` as the catalog writes it ("21:00-09:00", may span midnight)."""
    return within(moment, *parse_window(quiet_hours))


def refusal(
    hold: FollowUpHold | None, now: datetime, catalog: Catalog, unreachable: bool
) -> tuple[str, dict[str, object]] | None:
    """Why a follow-up may not go to this customer now (an i18n key and its values), or
    None when it may."""
    if hold is not None and hold.opted_out:
        return "fu.refused_opted_out", {}
    limit = policy_of(catalog).recontact_days
    if hold is not None and hold.last_contact is not None:
        since = now - hold.last_contact
        if since < timedelta(days=limit):
            return "fu.refused_recent", {"days": since.days, "limit": limit}
    quiet = catalog.shop.promotion_caps.quiet_hours
    local = now.astimezone(ZoneInfo(catalog.shop.timezone))
    if in_quiet_hours(local.time(), quiet):
        return "fu.refused_quiet", {"hours": quiet, "end": quiet.partition("-")[2].strip()}
    if unreachable:
        return "fu.refused_unreachable", {}
    return None


async def reachable_nowhere(store: Store, customer: Customer) -> bool:
    """No chat reaches them: a customer known only from an imported spreadsheet (no chat
    yet), or one whose private chat refused the bot."""
    if customer.channel == IMPORT_CHANNEL:
        return True
    return await store.chats.is_unreachable(private_chat(customer).key)


async def check(
    store: Store, catalog: Catalog, customer: Customer, now: datetime
) -> tuple[str, dict[str, object]] | None:
    """Why a follow-up may not go to ``customer`` now (an i18n key and its values, the
    customer's name among them), or None when it may."""
    hold = (await store.records.holds()).get(customer.key)
    unreachable = await reachable_nowhere(store, customer)
    refused = refusal(hold, now, catalog, unreachable)
    if refused is None:
        return None
    key, values = refused
    return key, {"name": customer_name(customer), **values}


async def record_sent(store: Store, catalog: Catalog, found: Suggestion) -> Outgoing:
    """Log the follow-up as sent (it counts against the customer's cap from now, even if
    the platform fails it) and return the message for delivery."""
    await store.records.log_followup(found.customer.key, found.skus, FollowUpOutcome.SENT)
    return found.message(catalog)
