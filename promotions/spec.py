"""What a seller types after ``/promo create``, read the way she types it.

Pure: text and the catalog in, a campaign or a specific complaint out. Sellers type on a
Chinese keyboard (full-width ``：`` and ``，``), put a space after commas, write ``10点``,
``10点半``, ``下午3点`` or ``10:30am``, and name products rather than their skus. Every
complaint is an i18n key with its values, never a validation library's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.catalog import Campaign, Catalog, Product, Schedule, Text

MAX_ID = 32
_FULL_WIDTH = str.maketrans({"：": ":", "，": ",", "、": ",", "；": ",", "　": " "})
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_CHINESE = re.compile(r"^(上午|早上|中午|下午|晚上)?(\d{1,2})点(?:(\d{1,2})分?|(半))?$")
_AFTERNOON = {"下午", "晚上"}


@dataclass(frozen=True)
class Complaint:
    """What is wrong, as an i18n key and its values."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


def read_create(spec: str, catalog: Catalog) -> Campaign | Complaint:
    """``ID PRODUCT[,PRODUCT] TIME[,TIME] [text]`` into a daily campaign to every group."""
    text = re.sub(r"\s*,\s*", ",", spec.translate(_FULL_WIDTH).strip())
    parts = text.split(maxsplit=3)
    if len(parts) >= 2 and _products(parts[0], catalog)[1] == [] and _is_times(parts[1]):
        # "/promo create WALNUTS 10:00": the products and times are there, the id is not.
        return Complaint("promo.create_no_id", {"example": _suggest_id(parts[0])})
    if len(parts) < 3:
        return Complaint("promo.usage")
    campaign_id, product_text, time_text = parts[0], parts[1], parts[2]
    if len(campaign_id) > MAX_ID or not all(c.isalnum() or c in "-_" for c in campaign_id):
        return Complaint("promo.bad_id", {"id": campaign_id[:40], "max": str(MAX_ID)})
    skus, unknown = _products(product_text, catalog)
    for name in unknown:
        several = _matching(name, catalog)
        if len(several) > 1:
            which = ", ".join(f"{p.sku} ({p.name.zh} / {p.name.en})" for p in several)
            return Complaint("promo.several_products", {"name": name, "products": which})
    if unknown:
        known = ", ".join(p.sku for p in catalog.products)
        return Complaint("promo.unknown_products", {"names": ", ".join(unknown), "known": known})
    times: list[str] = []
    for moment in filter(None, time_text.split(",")):
        clock = clock_time(moment)
        if clock is None:
            return Complaint("promo.bad_time", {"time": moment})
        times.append(clock)
    words = parts[3] if len(parts) > 3 else None
    return Campaign(
        id=campaign_id,
        products=skus,
        text=Text(en=words, zh=words) if words else None,
        schedule=Schedule(times=sorted(set(times))),
    )


def clock_time(moment: str) -> str | None:
    """``10:30``, ``9:05``, ``10``, ``10am``, ``3:15pm``, ``10点``, ``10点半``, ``下午3点``
    as ``HH:MM``; None when it is not a time of day (``25:00``, ``10:75``)."""
    moment = moment.strip().lower().translate(_FULL_WIDTH).replace(" ", "")
    hour = minute = None
    if found := _CLOCK.match(moment):
        hour, minute = int(found[1]), int(found[2] or 0)
        if found[3]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if found[3] == "pm" else 0)
    elif found := _CHINESE.match(moment):
        hour = int(found[2])
        minute = 30 if found[4] else int(found[3] or 0)
        if found[1] in _AFTERNOON and hour < 12:
            hour += 12
    if hour is None or minute is None or not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return f"{hour:02d}:{minute:02d}"


def _is_times(text: str) -> bool:
    return all(clock_time(moment) for moment in text.split(",") if moment)


def _products(text: str, catalog: Catalog) -> tuple[list[str], list[str]]:
    """The skus named (by sku or by product name in either language), and what matched
    nothing (or more than one product)."""
    skus: list[str] = []
    unknown: list[str] = []
    for name in filter(None, text.split(",")):
        product = _product(name, catalog)
        if product is None:
            unknown.append(name)
        elif product.sku not in skus:
            skus.append(product.sku)
    return skus, unknown


def _product(name: str, catalog: Catalog) -> Product | None:
    exact = catalog.product(name)
    if exact is not None:
        return exact
    found = _matching(name, catalog)
    return found[0] if len(found) == 1 else None


def _matching(name: str, catalog: Catalog) -> list[Product]:
    """Products called ``name``: by one of their aliases, else by their name in either
    language with characters left out."""
    wanted = _squash(name)
    if not wanted:
        return []
    aliased = [p for p in catalog.products if wanted in {_squash(a) for a in p.aliases}]
    if aliased:
        return aliased
    return [
        product
        for product in catalog.products
        if any(_in_order(wanted, _squash(n)) for n in (product.name.en, product.name.zh))
    ]


def _squash(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _in_order(wanted: str, name: str) -> bool:
    """Every character of ``wanted`` appears in ``name`` in order: 玫瑰面膜 is
    玫瑰补水面膜（10片装）, "rose mask" is "Rose hydrating mask"."""
    rest = iter(name)
    return all(c in rest for c in wanted)


def _suggest_id(products: str) -> str:
    base = re.sub(r"[^0-9a-z]+", "-", products.lower()).strip("-")
    return (base or "promo")[:MAX_ID]
