"""The store's records read for the pure due policy: purchases as shop-local days, holds
as contacts, the catalog's reorder_days. Every caller (digest, buttons, cli) reads here,
so they all see the same due list."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.store import FollowUpHold, Store
from followups import due


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def policy_of(catalog: Catalog) -> due.DuePolicy:
    settings = catalog.shop.followups
    return due.DuePolicy(lead_days=settings.lead_days, recontact_days=settings.recontact_days)


async def due_customers(
    store: Store, catalog: Catalog, today: date, key: str | None = None
) -> list[due.DueCustomer]:
    """The ranked due list on ``today`` (shop time); only ``key`` when given. Products
    no longer in the catalog cannot be reordered, so they are left out."""
    timezone = catalog.shop.timezone
    reorder_days = {p.sku: p.reorder_days for p in catalog.products}
    # Grouped per customer and product by the store: a million order lines never become
    # a million Python objects (issue 12).
    bought = await store.records.purchase_histories(timezone, today, reorder_days, key=key)
    holds = await store.records.holds()
    contacts = {k: _contact(hold, timezone) for k, hold in holds.items()}
    return due.due_from_histories(bought, reorder_days, contacts, today, policy_of(catalog))


def _contact(hold: FollowUpHold, timezone: str) -> due.Contact:
    return due.Contact(
        opted_out=hold.opted_out,
        last_followup=local_day(hold.last_contact, timezone) if hold.last_contact else None,
        snoozed_until=local_day(hold.snoozed_until, timezone) if hold.snoozed_until else None,
    )
