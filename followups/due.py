"""Who is due to reorder: a pure policy over purchase history, the catalog and a date.

Per customer and product, the usual interval is the median gap between their purchases of
it (two or more purchases), else the product's ``reorder_days``, else there is none and no
reminder. A product is due from its last purchase plus the interval, less a lead (so the
reminder arrives before the customer runs out); the customer is lapsed when they have not
ordered anything for more than twice the interval. A customer who opted out, was followed
up recently or was snoozed is not due at all. The digest, ``chatshop followups`` and the
tests all call ``due_list``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Purchase:
    """One customer's purchase of one product on one (shop-local) day."""

    customer_key: str
    sku: str
    day: date
    qty: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Contact:
    """What holds a customer back from a follow-up."""

    opted_out: bool = False
    last_followup: date | None = None
    snoozed_until: date | None = None


@dataclass(frozen=True, slots=True)
class DuePolicy:
    lead_days: int = 2
    # At most one follow-up per customer in this many days.
    recontact_days: int = 14


class Status(StrEnum):
    DUE = "due"
    LAPSED = "lapsed"


@dataclass(frozen=True, slots=True)
class DueProduct:
    sku: str
    interval_days: int
    # True: the interval is the customer's own (median of 2+ gaps); False: the catalog's.
    from_history: bool
    purchases: int
    usual_qty: int
    last_purchase: date
    due_on: date


@dataclass(frozen=True, slots=True)
class DueCustomer:
    customer_key: str
    status: Status
    # The product the reminder is about (the most overdue), then any others due.
    products: tuple[DueProduct, ...]
    lifetime_minor: int
    last_order: date
    days_since_last_order: int
    overdue_days: int
    score: float = field(compare=False)

    @property
    def main(self) -> DueProduct:
        return self.products[0]


def usual_interval(days: list[date], reorder_days: int | None) -> tuple[int, bool] | None:
    """(interval in days, whether it comes from the customer's own history), or None.

    ``days`` are the distinct days the customer bought the product, in any order."""
    distinct = sorted(set(days))
    if len(distinct) >= 2:
        gaps = [(b - a).days for a, b in pairwise(distinct)]
        return max(1, round(statistics.median(gaps))), True
    if distinct and reorder_days:
        return reorder_days, False
    return None


def due_list(
    purchases: Iterable[Purchase],
    reorder_days: Mapping[str, int | None],
    contacts: Mapping[str, Contact],
    today: date,
    policy: DuePolicy = DuePolicy(),
) -> list[DueCustomer]:
    """Every customer due or lapsed on ``today``, best to follow up first: lifetime value
    weighted by how overdue they are (relative to their interval)."""
    by_product: dict[tuple[str, str], list[Purchase]] = defaultdict(list)
    lifetime: dict[str, int] = defaultdict(int)
    last_order: dict[str, date] = {}
    for purchase in purchases:
        if purchase.day > today:
            continue  # a history read as of an earlier day ignores what came after
        by_product[(purchase.customer_key, purchase.sku)].append(purchase)
        lifetime[purchase.customer_key] += purchase.amount_minor
        known = last_order.get(purchase.customer_key)
        if known is None or purchase.day > known:
            last_order[purchase.customer_key] = purchase.day
    due: dict[str, list[DueProduct]] = defaultdict(list)
    for (customer, sku), bought in by_product.items():
        product = _due_product(sku, bought, reorder_days.get(sku), today, policy)
        if product is not None:
            due[customer].append(product)
    ranked: list[DueCustomer] = []
    for customer, products in due.items():
        if not _may_contact(contacts.get(customer, Contact()), today, policy):
            continue
        products.sort(key=lambda p: (p.due_on, p.sku))
        main = products[0]
        since = (today - last_order[customer]).days
        status = Status.LAPSED if since > 2 * main.interval_days else Status.DUE
        overdue = (today - main.due_on).days
        score = lifetime[customer] * (1.0 + min(overdue / main.interval_days, 3.0))
        ranked.append(
            DueCustomer(
                customer,
                status,
                tuple(products),
                lifetime[customer],
                last_order[customer],
                since,
                overdue,
                score,
            )
        )
    ranked.sort(key=lambda c: (-c.score, c.customer_key))
    return ranked


def _due_product(
    sku: str, bought: list[Purchase], reorder_days: int | None, today: date, policy: DuePolicy
) -> DueProduct | None:
    interval = usual_interval([p.day for p in bought], reorder_days)
    if interval is None:
        return None
    days, from_history = interval
    last = max(p.day for p in bought)
    due_on = last + timedelta(days=days - policy.lead_days)
    if today < due_on:
        return None  # not yet (a reorder moves the last purchase, so it is never due)
    quantities = sorted(p.qty for p in bought)
    return DueProduct(
        sku=sku,
        interval_days=days,
        from_history=from_history,
        purchases=len({p.day for p in bought}),
        usual_qty=max(1, round(statistics.median(quantities))),
        last_purchase=last,
        due_on=due_on,
    )


def _may_contact(contact: Contact, today: date, policy: DuePolicy) -> bool:
    if contact.opted_out:
        return False
    if contact.snoozed_until is not None and today < contact.snoozed_until:
        return False
    return not (
        contact.last_followup is not None
        and (today - contact.last_followup).days < policy.recontact_days
    )
