"""Who is due to reorder: a pure policy over purchase history, the catalog and a date.

Per customer and product, the usual interval is the median gap between their purchases of
it (two or more purchases), else the product's ``reorder_days``, else there is none and no
reminder. A product is due from its last purchase plus the interval, less a lead (so the
reminder arrives before the customer runs out); the customer is lapsed when they have not
ordered anything for more than twice the interval. A customer who opted out, was followed
up recently or was snoozed is not due at all.

``due_list`` reads purchase lines; ``due_from_histories`` reads them already grouped per
customer and product (the store groups them where the data lives, so a shop with a million
orders is not read line by line). Both decide with the same functions below, and a test
holds them to the same answer on generated histories.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Purchase:
    """One customer's purchase of one product on one (shop-local) day."""

    customer_key: str
    sku: str
    day: date
    qty: int
    amount_minor: int


class ProductHistory(Protocol):
    """One customer's purchases of one product up to the day asked about: the distinct
    days, ascending; every line's quantity; what the lines came to."""

    @property
    def customer_key(self) -> str: ...
    @property
    def sku(self) -> str: ...
    @property
    def days(self) -> Sequence[date]: ...
    @property
    def quantities(self) -> Sequence[int]: ...
    @property
    def amount_minor(self) -> int: ...


@dataclass(frozen=True, slots=True)
class History:
    """A ProductHistory gathered from purchase lines (see ``histories``)."""

    customer_key: str
    sku: str
    days: tuple[date, ...]
    quantities: tuple[int, ...]
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


def usual_interval(days: Iterable[date], reorder_days: int | None) -> tuple[int, bool] | None:
    """(interval in days, whether it comes from the customer's own history), or None.

    ``days`` are the distinct days the customer bought the product, in any order."""
    distinct = sorted(set(days))
    if len(distinct) >= 2:
        gaps = [(b - a).days for a, b in pairwise(distinct)]
        return max(1, round(_median(sorted(gaps)))), True
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
    return due_from_histories(histories(purchases, today), reorder_days, contacts, today, policy)


def histories(purchases: Iterable[Purchase], today: date) -> list[History]:
    """Purchase lines grouped per customer and product; a history read as of an earlier
    day ignores what came after."""
    days: dict[tuple[str, str], set[date]] = defaultdict(set)
    quantities: dict[tuple[str, str], list[int]] = defaultdict(list)
    amounts: dict[tuple[str, str], int] = defaultdict(int)
    for purchase in purchases:
        if purchase.day > today:
            continue
        pair = (purchase.customer_key, purchase.sku)
        days[pair].add(purchase.day)
        quantities[pair].append(purchase.qty)
        amounts[pair] += purchase.amount_minor
    return [
        History(*pair, tuple(sorted(days[pair])), tuple(qty), amounts[pair])
        for pair, qty in quantities.items()
    ]


def due_from_histories(
    bought: Iterable[ProductHistory],
    reorder_days: Mapping[str, int | None],
    contacts: Mapping[str, Contact],
    today: date,
    policy: DuePolicy = DuePolicy(),
) -> list[DueCustomer]:
    """``due_list`` over histories already grouped per customer and product, each with at
    least one day, none after ``today``. Lifetime value and the last order are the
    customer's over every history given, so give every product that counts."""
    lifetime: dict[str, int] = defaultdict(int)
    last_order: dict[str, date] = {}
    due: dict[str, list[DueProduct]] = defaultdict(list)
    for history in bought:
        customer = history.customer_key
        lifetime[customer] += history.amount_minor
        last = history.days[-1]
        known = last_order.get(customer)
        if known is None or last > known:
            last_order[customer] = last
        product = _due_product(history, reorder_days.get(history.sku), today, policy)
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
    history: ProductHistory, reorder_days: int | None, today: date, policy: DuePolicy
) -> DueProduct | None:
    interval = usual_interval(history.days, reorder_days)
    if interval is None:
        return None
    days, from_history = interval
    last = history.days[-1]
    due_on = last + timedelta(days=days - policy.lead_days)
    if today < due_on:
        return None  # not yet (a reorder moves the last purchase, so it is never due)
    quantities = sorted(history.quantities)
    return DueProduct(
        sku=history.sku,
        interval_days=days,
        from_history=from_history,
        purchases=len(history.days),
        usual_qty=max(1, round(_median(quantities))),
        last_purchase=last,
        due_on=due_on,
    )


def _median(ordered: list[int]) -> float:
    """statistics.median of values already sorted (the due list takes hundreds of
    thousands of them, and statistics.median sorts again)."""
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _may_contact(contact: Contact, today: date, policy: DuePolicy) -> bool:
    if contact.opted_out:
        return False
    if contact.snoozed_until is not None and today < contact.snoozed_until:
        return False
    return not (
        contact.last_followup is not None
        and (today - contact.last_followup).days < policy.recontact_days
    )
