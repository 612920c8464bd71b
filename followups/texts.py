"""What follow-ups say: the reason a customer is due, in words, and the suggested
personal message in the customer's language. Pure: data in, text out."""

from __future__ import annotations

from datetime import date

from bot.catalog import Catalog
from bot.i18n import pick_language, t
from bot.messages import ChatKind, ChatRef
from bot.store import Customer
from followups.due import DueCustomer, DueProduct, Status


def customer_language(customer: Customer, catalog: Catalog) -> str:
    return pick_language(
        customer.language, customer.platform_language, catalog.shop.default_language
    )


def customer_name(customer: Customer) -> str:
    return customer.display_name or customer.contact_name or customer.user_id


def private_chat(customer: Customer) -> ChatRef:
    """A customer's private chat on their platform (their user id is its id)."""
    return ChatRef(customer.channel, customer.user_id, ChatKind.PRIVATE, customer.display_name)


def product_name(catalog: Catalog, sku: str, language: str) -> str:
    product = catalog.product(sku)
    return product.name.get(language) if product else sku


def reason(entry: DueCustomer, catalog: Catalog, today: date, language: str) -> str:
    """ "buys Rose mask ×2 about every 28 days; last order 31 days ago" (and whether they
    lapsed, and what else is due)."""
    main = entry.main
    words = _product_reason(main, catalog, today, language)
    if entry.status is Status.LAPSED:
        words += t("fu.lapsed", language, days=entry.days_since_last_order)
    others = [product_name(catalog, p.sku, language) for p in entry.products[1:]]
    if others:
        words += t("fu.also_due", language, products=t("fu.list_sep", language).join(others))
    return words


def _product_reason(main: DueProduct, catalog: Catalog, today: date, language: str) -> str:
    values = {
        "product": product_name(catalog, main.sku, language),
        "qty": main.usual_qty,
        "days": main.interval_days,
        "ago": (today - main.last_purchase).days,
    }
    key = "fu.reason_history" if main.from_history else "fu.reason_catalog"
    return t(key, language, **values)


def suggestion(
    customer: Customer, sku: str, qty: int, catalog: Catalog, days_ago: int, language: str
) -> str:
    """The personal message: names what they bought, offers the same again."""
    return t(
        "fu.suggest",
        language,
        name=customer_name(customer),
        product=product_name(catalog, sku, language),
        qty=qty,
        days=days_ago,
    )
