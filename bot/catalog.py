"""The shop's catalog: products, prices, stock and policies, read from catalog.yaml.

The file is validated once, at start or on ``/reload``, into typed objects. A bad file
never half-loads: every problem is reported with the file, the entry (index and sku) and
the field, in plain words, and the bot refuses to start.

Stock in the file is what the seller has put on the shelf. The store keeps the live count;
see ``store.stock.apply_catalog`` for how an edited number becomes a restock.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.i18n import t
from bot.money import CURRENCY_EXPONENTS, format_money, to_minor

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")

NonEmpty = Annotated[str, Field(min_length=1)]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


Stripped = Annotated[str, BeforeValidator(_strip), Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text the customer reads, in both languages the shop speaks."""

    en: Stripped
    zh: Stripped

    def get(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


class Category(_Strict):
    id: Stripped
    name: Text


# ``answer: shipping`` in a FAQ entry: the answer is written from ``shop.shipping`` when
# the catalog loads, so what the shop says shipping costs and what orders are charged can
# never disagree. Until then the entry holds this marker.
_SHIPPING_ANSWER = "(written from shop.shipping)"


def _derived_answer(value: Any) -> Any:
    if value == "shipping":
        return {"en": _SHIPPING_ANSWER, "zh": _SHIPPING_ANSWER}
    return value


class FaqEntry(_Strict):
    question: Text
    answer: Annotated[Text, BeforeValidator(_derived_answer)]
    keywords: list[Stripped] = Field(default_factory=list)


def _quiet_hours(value: str) -> str:
    start, sep, end = value.partition("-")
    for moment in (start, end):
        hour, colon, minute = moment.strip().partition(":")
        if not (
            sep
            and colon
            and hour.isdigit()
            and minute.isdigit()
            and int(hour) < 24
            and int(minute) < 60
        ):
            raise ValueError(f"quiet_hours {value!r} must look like 21:00-09:00")
    return value


class GroupCaps(_Strict):
    """Caps for one group; anything left out is the shop's."""

    group_daily: int | None = Field(default=None, ge=0, le=24)
    group_min_gap_hours: float | None = Field(default=None, ge=0, le=48)
    quiet_hours: Stripped | None = None
    product_cooldown_hours: float | None = Field(default=None, ge=0, le=24 * 60)
    # false: people who are also in other groups do not hold this group's posts back.
    overlap: bool | None = None
    # The group's own time zone (an overseas group): its quiet hours and its day are its
    # own, so it never gets a post at 02:30 its time.
    timezone: Stripped | None = None

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        return _quiet_hours(value) if value else value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        return _time_zone(value) if value else value


class PromotionCaps(_Strict):
    """The shop's promotion caps (the defaults protect a seller's friends from floods)."""

    group_daily: int = Field(default=2, ge=0, le=24)
    group_min_gap_hours: float = Field(default=3, ge=0, le=48)
    quiet_hours: Stripped = "21:00-09:00"
    product_cooldown_hours: float = Field(default=72, ge=0, le=24 * 60)
    subscriber_daily: int = Field(default=1, ge=0, le=10)
    subscriber_weekly: int = Field(default=3, ge=0, le=50)
    shop_daily_budget: int = Field(default=200, ge=0)
    grace_minutes: int = Field(default=60, ge=0, le=24 * 60)
    # Per group, by chat key (telegram:-100123) or title.
    groups: dict[str, GroupCaps] = Field(default_factory=dict)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        return _quiet_hours(value)


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)"
        ) from None
    return value


def _money_shape(value: Any, what: str) -> Any:
    """A money amount as written in the file (checked against the shop currency later)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{what} must be a number such as 10.00")
    try:
        minor = to_minor(value, "CNY")
    except ValueError as error:
        raise ValueError(f"{what} {error}") from None
    if minor < 0:
        raise ValueError(f"{what} must not be negative (got {value})")
    return value


class ShippingRegion(_Strict):
    """Parcels to a region that cost differently, recognised by a word in the address."""

    name: Text
    match: list[Stripped] = Field(min_length=1)
    fee: Any
    # None: never free to this region.
    free_over: Any = None

    @field_validator("fee", "free_over")
    @classmethod
    def _money(cls, value: Any) -> Any:
        return value if value is None else _money_shape(value, "amount")


class Shipping(_Strict):
    """What a parcel costs: ``fee`` unless the items come to ``free_over`` or more; a
    region of ``regions`` whose word is in the delivery address has its own numbers."""

    fee: Any = 0
    # None: shipping is never free.
    free_over: Any = None
    regions: list[ShippingRegion] = Field(default_factory=list)

    @field_validator("fee", "free_over")
    @classmethod
    def _money(cls, value: Any) -> Any:
        return value if value is None else _money_shape(value, "amount")


@dataclass(frozen=True)
class ShippingQuote:
    """The shipping of one parcel: what it costs and why (the rule that applied)."""

    fee_minor: int
    charged_minor: int
    free_over_minor: int | None
    region: Text | None

    @property
    def is_free(self) -> bool:
        return self.charged_minor == 0


class FollowUps(_Strict):
    """When the owner's daily follow-up digest arrives and how early a reminder comes."""

    digest_at: Stripped = "10:00"  # shop time
    # Days before the usual interval ends that a customer counts as due.
    lead_days: int = Field(default=2, ge=0, le=60)
    # At most one follow-up per customer in this many days.
    recontact_days: int = Field(default=14, ge=1, le=365)

    @field_validator("digest_at")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        hour, sep, minute = value.partition(":")
        if not (sep and hour.isdigit() and minute.isdigit() and len(minute) == 2):
            raise ValueError(f"digest_at {value!r} must be HH:MM, e.g. 10:00")
        if not (int(hour) < 24 and int(minute) < 60):
            raise ValueError(f"digest_at {value!r} must be HH:MM, e.g. 10:00")
        return value


class Shop(_Strict):
    name: Text
    owner_contact: Stripped
    owners: list[Stripped] = Field(default_factory=list)
    currency: Stripped = "CNY"
    timezone: Stripped = "Asia/Shanghai"
    default_language: Language = "zh"
    payment_instructions: Text
    shipping_policy: Text
    # The rule orders are charged by; without one, shipping is free.
    shipping: Shipping = Field(default_factory=Shipping)
    return_policy: Text
    faq: list[FaqEntry] = Field(default_factory=list)
    max_quantity_per_line: int = Field(default=99, ge=1, le=10_000)
    promotion_caps: PromotionCaps = Field(default_factory=PromotionCaps)
    followups: FollowUps = Field(default_factory=FollowUps)
    # When the owner answers questions (shop time zone, every day): customers are told
    # roughly when to expect an answer, and a waiting ticket reminds the owner within them.
    business_hours: Stripped = "09:00-21:00"
    # More messages than this in a minute from one person is a flood: asked once to slow
    # down, then not answered for a short while (bot/middleware.py FloodGuard).
    flood_per_minute: int = Field(default=20, ge=3, le=1000)

    @field_validator("business_hours")
    @classmethod
    def _business_hours(cls, value: str) -> str:
        try:
            _quiet_hours(value)
        except ValueError:
            raise ValueError(f"business_hours {value!r} must look like 09:00-21:00") from None
        if value.partition("-")[0].strip() == value.partition("-")[2].strip():
            raise ValueError(f"business_hours {value!r} opens and closes at the same time")
        return value

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        value = value.upper()
        if value not in CURRENCY_EXPONENTS:
            known = ", ".join(sorted(CURRENCY_EXPONENTS))
            raise ValueError(f"unknown currency {value!r} (known: {known})")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return _time_zone(value)

    @field_validator("owners")
    @classmethod
    def _owner_ids(cls, value: list[str]) -> list[str]:
        for owner in value:
            if ":" not in owner:
                raise ValueError(
                    f"owner {owner!r} must be written channel:user_id, e.g. telegram:12345"
                )
            if owner.split(":", 1)[0] not in ("telegram", "wechat", "console"):
                raise ValueError(f"unknown channel in {owner!r} (telegram, wechat or console)")
        return value


class Product(_Strict):
    sku: Stripped
    category: Stripped
    name: Text
    aliases: list[Stripped] = Field(default_factory=list)
    # As written in the file ("39.90"); ``price_minor`` holds the integer used everywhere.
    price: Any
    currency: Stripped | None = None
    unit: Text
    stock: int = Field(ge=0)
    description: Text
    origin: Text | None = None
    image: Stripped | None = None
    tags: list[Stripped] = Field(default_factory=list)
    reorder_days: int | None = Field(default=None, ge=1, le=365)

    @field_validator("sku")
    @classmethod
    def _sku_shape(cls, value: str) -> str:
        # ASCII only: a sku travels in button payloads and Telegram start links, which
        # take A-Z, 0-9, '-' and '_' (a "CAFÉ" or "玫瑰" sku broke a broadcast, issue 13).
        if len(value) > 32 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in value):
            raise ValueError(
                f"sku {value!r} must be at most 32 of A-Z, 0-9, '-' or '_' "
                "(no spaces, no accents or Chinese characters)"
            )
        return value.upper()

    @field_validator("price")
    @classmethod
    def _price_is_number(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("price must be a number such as 39.90")
        try:
            cents = to_minor(value, "CNY")
        except ValueError as error:
            raise ValueError(f"price {error}") from None
        if cents < 0:
            raise ValueError(f"price must not be negative (got {value})")
        return value


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Schedule(_Strict):
    """When a campaign posts, in the shop's time zone: times of day on weekdays, or cron."""

    times: list[Stripped] = Field(default_factory=list)
    weekdays: list[Weekday] = Field(default_factory=lambda: list(get_args(Weekday)))
    cron: Stripped | None = None
    start: date | None = None
    end: date | None = None

    @field_validator("times")
    @classmethod
    def _clock_times(cls, value: list[str]) -> list[str]:
        for moment in value:
            hour, sep, minute = moment.partition(":")
            if not (
                sep
                and hour.isdigit()
                and minute.isdigit()
                and len(minute) == 2
                and int(hour) < 24
                and int(minute) < 60
            ):
                raise ValueError(f"time {moment!r} must be HH:MM, e.g. 10:30")
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return value
        from apscheduler.triggers.cron import CronTrigger

        fields = value.split()
        if len(fields) == 5 and any(c.isdigit() for c in fields[4]):
            # Crontab counts Sunday as 0, APScheduler counts Monday as 0: names are the
            # only spelling both read the same way.
            raise ValueError(f"cron {value!r}: write weekdays as names (mon-fri, sat), not numbers")
        try:
            CronTrigger.from_crontab(value)
        except ValueError as error:
            raise ValueError(f"cron {value!r} is not valid: {error}") from None
        return value

    @model_validator(mode="after")
    def _one_way(self) -> Schedule:
        if bool(self.times) == bool(self.cron):
            raise ValueError("give either times (with weekdays) or cron, not both or neither")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Campaign(_Strict):
    """A promotion: products, optional text, a schedule and who receives it."""

    id: Stripped
    products: list[Stripped] = Field(min_length=1)
    text: Text | None = None
    schedule: Schedule
    target: Literal["all_groups", "groups", "subscribers"] = "all_groups"
    groups: list[Stripped] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if len(value) > 32 or not all(c.isalnum() or c in "-_" for c in value):
            raise ValueError(f"id {value!r} must be at most 32 letters, digits, '-' or '_'")
        return value.lower()

    @field_validator("products")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [sku.upper() for sku in value]

    @model_validator(mode="after")
    def _groups_named(self) -> Campaign:
        if self.target == "groups" and not self.groups:
            raise ValueError("target 'groups' needs a list of groups (chat keys or titles)")
        return self


class Catalog(_Strict):
    shop: Shop
    categories: list[Category] = Field(min_length=1)
    products: list[Product] = Field(min_length=1)
    campaigns: list[Campaign] = Field(default_factory=list)

    # --- lookups used by handlers -------------------------------------------------

    def product(self, sku: str) -> Product | None:
        return self._by_sku().get(sku.upper())

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def products_in(self, category_id: str) -> list[Product]:
        return [p for p in self.products if p.category == category_id]

    def price_minor(self, product: Product) -> int:
        return to_minor(product.price, self.currency_of(product))

    def currency_of(self, product: Product) -> str:
        return (product.currency or self.shop.currency).upper()

    def shipping_for(self, items_minor: int, address: str | None = None) -> ShippingQuote:
        """The shipping of a parcel whose items come to ``items_minor``, to ``address``
        (the shop's general rule when the address is not known yet)."""
        rule = self.shop.shipping
        region = _region_of(rule, address) if address else None
        fee = region.fee if region else rule.fee
        free_over = region.free_over if region else rule.free_over
        currency = self.shop.currency
        fee_minor = to_minor(fee, currency)
        free_minor = None if free_over is None else to_minor(free_over, currency)
        free = free_minor is not None and items_minor >= free_minor
        return ShippingQuote(
            fee_minor=fee_minor,
            charged_minor=0 if free else fee_minor,
            free_over_minor=free_minor,
            region=region.name if region else None,
        )

    @model_validator(mode="after")
    def _derived_answers(self) -> Catalog:
        """Write the FAQ answers that come from the shop's own rules (``answer: shipping``)."""
        if any(entry.answer.en == _SHIPPING_ANSWER for entry in self.shop.faq):
            try:
                answer = Text(en=self.shipping_text("en"), zh=self.shipping_text("zh"))
            except (KeyError, ValueError):
                return self  # a bad amount or currency is reported on its own field
            for entry in self.shop.faq:
                if entry.answer.en == _SHIPPING_ANSWER:
                    object.__setattr__(entry, "answer", answer)
        return self

    def shipping_text(self, language: str) -> str:
        """The shipping rule in words, then the shop's own shipping policy."""
        currency = self.shop.currency
        rule = self.shop.shipping
        parts = [_rule_words(rule.fee, rule.free_over, currency, language)]
        for region in rule.regions:
            parts.append(
                t(
                    "shipping.region_rule",
                    language,
                    region=region.name.get(language),
                    rule=_rule_words(region.fee, region.free_over, currency, language),
                )
            )
        parts.append(self.shop.shipping_policy.get(language))
        return ("" if language == "zh" else " ").join(parts)

    def _by_sku(self) -> dict[str, Product]:
        cached = self.__dict__.get("_sku_index")
        if cached is None:
            cached = {p.sku: p for p in self.products}
            object.__setattr__(self, "_sku_index", cached)
        return cached


def _region_of(rule: Shipping, address: str) -> ShippingRegion | None:
    folded = address.casefold()
    for region in rule.regions:
        if any(word.casefold() in folded for word in region.match):
            return region
    return None


def _rule_words(fee: Any, free_over: Any, currency: str, language: str) -> str:
    fee_text = format_money(to_minor(fee, currency), currency)
    if to_minor(fee, currency) == 0:
        return t("shipping.rule_free", language)
    if free_over is None:
        return t("shipping.rule_flat", language, fee=fee_text)
    over = format_money(to_minor(free_over, currency), currency)
    return t("shipping.rule_free_over", language, fee=fee_text, free_over=over)


@dataclass(frozen=True)
class CatalogIssue:
    """One problem in the file, already phrased for the seller."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class CatalogError(Exception):
    """The catalog file cannot be used. ``issues`` lists every problem found."""

    def __init__(self, path: Path, issues: list[CatalogIssue]) -> None:
        self.path = path
        self.issues = issues
        lines = [f"{path}: {len(issues)} problem(s) in the catalog:"]
        lines += [f"  - {issue}" for issue in issues]
        super().__init__("\n".join(lines))


# A catalog of a few thousand products is well under this; a bigger file is the wrong
# file, and parsing it would stall the start (30 MB of YAML takes seconds).
MAX_CATALOG_BYTES = 2_000_000


def load_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog file; raise CatalogError naming every problem."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_CATALOG_BYTES + 1)  # never more: a wrong file can be huge
    except FileNotFoundError:
        raise CatalogError(path, [CatalogIssue(str(path), "file not found")]) from None
    except OSError as error:
        raise CatalogError(path, [CatalogIssue(str(path), f"cannot read: {error}")]) from None
    if len(raw) > MAX_CATALOG_BYTES:
        limit = MAX_CATALOG_BYTES // 1_000_000
        problem = f"the file is larger than {limit} MB; is this the catalog?"
        raise CatalogError(path, [CatalogIssue(str(path), problem)])
    try:
        text = raw.decode("utf-8-sig")  # a BOM (as Notepad writes) is fine
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problem = f"line {line} is not UTF-8 text; save the file as UTF-8"
        raise CatalogError(path, [CatalogIssue(str(path), problem)]) from None
    return parse_catalog(text, path)


def parse_catalog(text: str, path: Path) -> Catalog:
    """Validate a catalog's text; raise CatalogError naming every problem in one pass."""
    loader = _UniqueKeyLoader(text, path)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark else str(path)
        problem = " ".join(filter(None, [error.context, error.problem]))
        raise CatalogError(path, [CatalogIssue(where, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as error:
        raise CatalogError(path, [CatalogIssue(str(path), f"YAML error: {error}")]) from None
    except RecursionError:
        # Thousands of nested brackets: no catalog is shaped like that.
        problem = "the file is nested too deeply to be a catalog"
        raise CatalogError(path, [CatalogIssue(str(path), problem)]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise CatalogError(
            path,
            [CatalogIssue(str(path), "the file must be a mapping with shop, categories, products")],
        )
    # Problems that need only the entries' ids are found even when a field elsewhere is
    # wrong, so one run of `chatshop catalog check` names them all.
    issues = loader.duplicates + list(_id_errors(path, data))
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as error:
        issues = [_issue_from_pydantic(path, data, e) for e in error.errors()] + issues
        raise CatalogError(path, issues) from None
    issues += _money_errors(path, catalog)
    if issues:
        raise CatalogError(path, issues)
    return catalog


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML keeps the last of two equal keys without a word; a catalog with ``price``
    written twice must be refused instead, naming the line of each."""

    def __init__(self, text: str, path: Path) -> None:
        super().__init__(text)
        self.path = path
        self.duplicates: list[CatalogIssue] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *defaults" may be overridden on purpose
            key = self.construct_object(key_node, deep=True)
            try:
                seen = first_line.get(key)
            except TypeError:  # an unhashable key is refused by the constructor itself
                continue
            mark = key_node.start_mark
            if seen is None:
                first_line[key] = mark.line + 1
                continue
            self.duplicates.append(
                CatalogIssue(
                    f"{self.path}, line {mark.line + 1}, column {mark.column + 1}",
                    f"duplicate key {key!r} (already given on line {seen}); write each key once",
                )
            )
        return super().construct_mapping(node, deep=deep)


def _entry_name(data: dict[str, Any], section: str, index: int) -> str:
    entries = data.get(section)
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    key = {"products": "sku", "categories": "id", "campaigns": "id"}.get(section, "")
    label = entry.get(key) if isinstance(entry, dict) and key else None
    singular = {
        "products": "product",
        "categories": "category",
        "faq": "faq entry",
        "campaigns": "campaign",
    }
    name = singular.get(section, section)
    return f"{name} #{index + 1}" + (f" ({key} {label})" if label else "")


def _issue_from_pydantic(path: Path, data: dict[str, Any], error: Any) -> CatalogIssue:
    loc = list(error["loc"])
    parts: list[str] = []
    field_path: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if isinstance(part, str) and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            container = data.get(part) if not parts else None
            if part in ("products", "categories", "campaigns") and container is not None:
                parts.append(_entry_name(data, part, loc[i + 1]))
            elif part == "faq":
                parts.append(f"shop.faq #{loc[i + 1] + 1}")
            else:
                field_path.append(f"{part}[{loc[i + 1]}]")
            i += 2
            continue
        if not parts and part == "shop":
            parts.append("shop")
        else:
            field_path.append(str(part))
        i += 1
    where = f"{path}: " + ", ".join(parts) if parts else str(path)
    field_name = ".".join(field_path)
    return CatalogIssue(where, _plain_message(error, field_name, loc))


_KNOWN_FIELDS: dict[str, Iterable[str]] = {
    "products": Product.model_fields,
    "categories": Category.model_fields,
    "shop": Shop.model_fields,
    "faq": FaqEntry.model_fields,
    "campaigns": Campaign.model_fields,
    "schedule": Schedule.model_fields,
    "shipping": Shipping.model_fields,
    "regions": ShippingRegion.model_fields,
    "": Catalog.model_fields,
    "text": Text.model_fields,
}


def _plain_message(error: Any, field_name: str, loc: list[Any]) -> str:
    kind = error["type"]
    label = f"field '{field_name}'" if field_name else "entry"
    if kind == "extra_forbidden":
        section = "text" if len(loc) >= 2 and loc[-2] in _TEXT_FIELDS else _section_of(loc)
        known = list(_KNOWN_FIELDS.get(section, []))
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        return f"{label}: unknown field{hint}"
    if kind == "missing":
        if loc and loc[-1] in LANGUAGES:
            language = "Chinese" if loc[-1] == "zh" else "English"
            return f"{label}: the {language} text is missing"
        return f"{label}: required field is missing"
    if kind == "greater_than_equal":
        return f"{label}: must not be negative (got {error.get('input')!r})"
    if kind == "string_too_short":
        return f"{label}: must not be empty"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{label}: must be a whole number (got {error.get('input')!r})"
    if kind == "literal_error":
        return f"{label}: {error['msg'].lower()} (got {error.get('input')!r})"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{label}: {message}"


_TEXT_FIELDS = {
    "name",
    "unit",
    "description",
    "origin",
    "question",
    "answer",
    "payment_instructions",
    "shipping_policy",
    "return_policy",
}


def _section_of(loc: list[Any]) -> str:
    strings = [part for part in loc[:-1] if isinstance(part, str)]
    for nested in ("faq", "schedule", "regions", "shipping"):
        if nested in strings:
            return nested
    return strings[0] if strings else ""


def _entries(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    entries = data.get(section)
    if not isinstance(entries, list):
        return []
    return [(index, entry) for index, entry in enumerate(entries) if isinstance(entry, dict)]


def _id_of(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _id_errors(path: Path, data: dict[str, Any]) -> Iterable[CatalogIssue]:
    """Duplicate ids and references to unknown ones, read from the raw entries so they
    are reported together with any other problem of the file."""
    category_ids: set[str] = set()
    for index, entry in _entries(data, "categories"):
        category = _id_of(entry, "id")
        if category is None:
            continue
        if category in category_ids:
            yield CatalogIssue(
                f"{path}: category #{index + 1} (id {category})",
                f"field 'id': duplicate category id {category!r}",
            )
        category_ids.add(category)
    skus: dict[str, int] = {}
    for index, entry in _entries(data, "products"):
        sku = _id_of(entry, "sku")
        where = f"{path}: product #{index + 1}" + (f" (sku {sku.upper()})" if sku else "")
        if sku is not None:
            if sku.upper() in skus:
                yield CatalogIssue(
                    where,
                    f"field 'sku': duplicate sku, already used by product #{skus[sku.upper()] + 1}",
                )
            else:
                skus[sku.upper()] = index
        category = _id_of(entry, "category")
        if category is not None and category_ids and category not in category_ids:
            known = ", ".join(sorted(category_ids))
            yield CatalogIssue(
                where, f"field 'category': unknown category {category!r} (known: {known})"
            )
    campaign_ids: set[str] = set()
    for index, entry in _entries(data, "campaigns"):
        campaign = _id_of(entry, "id")
        where = f"{path}: campaign #{index + 1}" + (f" (id {campaign.lower()})" if campaign else "")
        if campaign is not None:
            if campaign.lower() in campaign_ids:
                yield CatalogIssue(where, f"field 'id': duplicate campaign id {campaign.lower()!r}")
            campaign_ids.add(campaign.lower())
        products = entry.get("products")
        for sku in products if isinstance(products, list) else []:
            if isinstance(sku, str) and skus and sku.strip().upper() not in skus:
                yield CatalogIssue(where, f"field 'products': unknown sku {sku.strip().upper()!r}")


def _money_errors(path: Path, catalog: Catalog) -> list[CatalogIssue]:
    """Amounts that are numbers but not money in the shop's currency (¥1.005, JPY 9.50)."""
    issues = []
    for index, product in enumerate(catalog.products):
        where = f"{path}: product #{index + 1} (sku {product.sku})"
        currency = catalog.currency_of(product)
        if currency != catalog.shop.currency:
            issues.append(
                CatalogIssue(
                    where,
                    f"field 'currency': {currency} differs from the shop currency "
                    f"{catalog.shop.currency}; one shop sells in one currency",
                )
            )
            continue
        try:
            catalog.price_minor(product)
        except ValueError as error:
            issues.append(CatalogIssue(where, f"field 'price': {error}"))
    rule = catalog.shop.shipping
    amounts = [("shipping.fee", rule.fee), ("shipping.free_over", rule.free_over)]
    for index, region in enumerate(rule.regions):
        amounts += [
            (f"shipping.regions[{index}].fee", region.fee),
            (f"shipping.regions[{index}].free_over", region.free_over),
        ]
    for field_name, amount in amounts:
        if amount is None:
            continue
        try:
            to_minor(amount, catalog.shop.currency)
        except ValueError as error:
            issues.append(CatalogIssue(f"{path}: shop", f"field '{field_name}': {error}"))
    return issues
