"""``chatshop orders import``: the owner's spreadsheet history read into orders.

Pure reading first (``read_history``: bytes and the catalog in, good rows and every bad
row's line number and reason out), then one store call. Imported rows become shipped
orders of the ``import`` channel, so the due policy, the customer card and the statistics
read them exactly like live orders (``store.records.purchases()`` reads the orders table).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.catalog import Catalog, Product
from bot.money import to_minor
from bot.nlu.search import rank_products
from bot.store import IMPORT_CHANNEL, ImportedOrder

REQUIRED = ("date", "customer", "contact", "product", "quantity")
OPTIONAL = ("unit_price",)
CHAT_CHANNELS = ("telegram", "wechat")
MAX_QUANTITY = 9999
# An imported order is placed at noon shop time: its local day is the day written.
IMPORT_HOUR = time(12, 0)


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int  # as the owner's spreadsheet numbers it (the header is line 1)
    reason: str


@dataclass(slots=True)
class History:
    orders: list[ImportedOrder] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB18030 (Chinese Excel's
    "CSV"); GB18030 decodes any byte string, so a file is never refused for its bytes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_history(data: bytes, catalog: Catalog, today: date) -> History:
    history = History()
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    header = next(reader, None)
    if header is None:
        history.bad.append(BadRow(1, "the file is empty; the first row must name the columns"))
        return history
    columns = {name.strip().lower().replace(" ", "_"): i for i, name in enumerate(header)}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        history.bad.append(
            BadRow(1, f"missing column(s): {', '.join(missing)} (found: {', '.join(header)})")
        )
        return history
    names = _names(catalog)
    seen: Counter[tuple[object, ...]] = Counter()
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines at the end of a sheet
        values = {name: _cell(cells, columns.get(name)) for name in REQUIRED + OPTIONAL}
        try:
            order = _order(values, catalog, names, today)
        except ValueError as error:
            history.bad.append(BadRow(line, str(error)))
            continue
        # The same purchase written twice in one file is two purchases; the n-th copy of a
        # row keeps its key, so importing the file again adds nothing.
        identity = (order.at, order.customer_key, order.sku, order.qty, order.unit_price_minor)
        seen[identity] += 1
        key = hashlib.sha256(repr((identity, seen[identity])).encode()).hexdigest()
        history.orders.append(_with_key(order, key))
    return history


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _order(
    values: dict[str, str], catalog: Catalog, names: dict[str, set[str]], today: date
) -> ImportedOrder:
    day = _day(values["date"], today)
    name = values["customer"]
    if not name:
        raise ValueError("customer is empty")
    customer_key, phone = _contact(values["contact"])
    product = _product(values["product"], catalog, names)
    qty = _quantity(values["quantity"])
    currency = catalog.currency_of(product)
    if values["unit_price"]:
        try:
            price = to_minor(values["unit_price"], currency)
        except ValueError as error:
            raise ValueError(f"unit_price: {error}") from None
        if price < 0:
            raise ValueError(f"unit_price {values['unit_price']!r} is negative")
    else:
        price = catalog.price_minor(product)
    moment = datetime.combine(day, IMPORT_HOUR, ZoneInfo(catalog.shop.timezone))
    return ImportedOrder(
        import_key="",
        customer_key=customer_key,
        customer_name=name,  # stored as text: a "=HYPERLINK(...)" is never evaluated
        phone=phone,
        at=moment.astimezone(ZoneInfo("UTC")),
        sku=product.sku,
        name_en=product.name.en,
        name_zh=product.name.zh,
        qty=qty,
        unit_price_minor=price,
        currency=currency,
        language=catalog.shop.default_language,
    )


def _with_key(order: ImportedOrder, key: str) -> ImportedOrder:
    return replace(order, import_key=key)


def _day(text: str, today: date) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text!r} is not a day like 2026-03-15 (YYYY-MM-DD)") from None
    if len(text) != 10:
        raise ValueError(f"date {text!r} is not a day like 2026-03-15 (YYYY-MM-DD)")
    if day > today:
        raise ValueError(f"date {text} is in the future")
    return day


def _contact(text: str) -> tuple[str, str]:
    """The customer's key and phone: ``telegram:ID`` / ``wechat:ID`` is that chat
    identity; a phone is an imported customer of its own, keyed by its digits."""
    channel, colon, user_id = text.partition(":")
    if colon and channel.strip().lower() in CHAT_CHANNELS:
        user_id = user_id.strip()
        if not user_id or any(ch.isspace() for ch in user_id):
            raise ValueError(f"contact {text!r}: the id after '{channel}:' is missing")
        return f"{channel.strip().lower()}:{user_id}", ""
    digits = "".join(ch for ch in text if ch.isdigit())
    if not text or any(not (ch.isdigit() or ch in "+-() ") for ch in text):
        raise ValueError(f"contact {text!r} is not a phone number, telegram:ID or wechat:ID")
    if not 5 <= len(digits) <= 15:
        raise ValueError(f"contact {text!r}: a phone number has 5 to 15 digits")
    return f"{IMPORT_CHANNEL}:{digits}", text


def _names(catalog: Catalog) -> dict[str, set[str]]:
    """Every sku, name and alias in either language, folded, to the skus it names."""
    names: dict[str, set[str]] = {}
    for product in catalog.products:
        for name in (product.sku, product.name.en, product.name.zh, *product.aliases):
            names.setdefault(name.strip().casefold(), set()).add(product.sku)
    return names


def _product(text: str, catalog: Catalog, names: dict[str, set[str]]) -> Product:
    if not text:
        raise ValueError("product is empty")
    skus = names.get(text.casefold()) or set(rank_products(text, catalog, limit=3))
    if not skus:
        raise ValueError(f"product {text!r} is not in the catalog")
    if len(skus) > 1:
        raise ValueError(f"product {text!r} could be {', '.join(sorted(skus))}: write the sku")
    product = catalog.product(next(iter(skus)))
    assert product is not None
    return product


def _quantity(text: str) -> int:
    try:
        qty = int(text)
    except ValueError:
        raise ValueError(f"quantity {text!r} is not a whole number") from None
    if not 1 <= qty <= MAX_QUANTITY:
        raise ValueError(f"quantity {text} must be between 1 and {MAX_QUANTITY}")
    return qty
