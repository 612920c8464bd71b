"""One reading of a message: what it wants and what it is about, before any route runs.

``read(text, catalog, context)`` is pure and fast (well under 2 ms, see bench/RESULTS.md):
it cuts the message into parts (intents.py), finds each part's intent from the cue words,
and the products, quantities, order number and "this one" it is about. The router reads
every text message once and hands the ``Reading`` to the routes (``ctx.reading``).

The rules it keeps:

- Only an add, remove, set, replace or empty intent (or "same as last time") may change
  a cart, and only when its product is settled; a question naming a product is a
  question ("hw much r the walnuts"), a complaint is a complaint.
- Greeting, politeness and filler words never become products ("你好，我要两盒面膜").
- "this one", "这个", "那个" mean the product last shown (``ReadingContext.last_sku``);
  an edit naming no product means the only line of the cart, when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.catalog import Catalog
from bot.nlu.catalog_index import index_for
from bot.nlu.entities import ParsedItem
from bot.nlu.intents import CART_CHANGES, SOCIAL, Intent, cues_in
from bot.nlu.items import apply_unit, unit_fits, unit_fits_one
from bot.nlu.language import written_language
from bot.nlu.lexicon import CODE_RE
from bot.nlu.orders import bare_quantity, mentioned_items, parse_number, parse_order
from bot.nlu.text import MAX_CHARS, normalize

# Below this a reading is a guess: it never interrupts a checkout question.
CLEAR = 0.8

# A part of a message: split at sentence punctuation, in both scripts.
_PART_BREAK = re.compile(r"[,;!?\n。！？；，~～]+|\.(?=\s|$)|\s+(?:and then|then)\s+|然后|另外")
# An order number as the shop writes them (six of 2-9 and A-Z without I, L, O; a digit in it).
_ORDER_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9A-Za-z]*\d)([2-9A-HJKMNP-Za-hjkmnp-z]{6})(?![0-9A-Za-z])"
)
# A message that is only an order number, as copied from the receipt ("#EZBDKK", "K7M2QP").
_ORDER_NUMBER_ALONE = re.compile(r"[#＃]?\s*([2-9A-HJKMNP-Za-hjkmnp-z]{6})")


def _looks_like_an_order_number(said: str, number: str) -> bool:
    """Marked with "#", or mixing letters and digits, or in capitals as the receipt
    writes it: not a six-letter word ("thanks", "walnut")."""
    has_digit = any(c.isdigit() for c in number)
    has_letter = any(c.isalpha() for c in number)
    return said.lstrip().startswith(("#", "＃")) or (has_digit and has_letter) or number.isupper()


_PHONE = re.compile(r"(?:\+?86[\s-]?)?1\d{2}[\s-]?\d{4}[\s-]?\d{4}|\d{3,4}-\d{7,8}")
_QUANTITY_ONLY = re.compile(
    r"^\s*(?:[xX×*]?\s*\d+|[零〇一二两俩三四五六七八九十百半]+)\s*\S{0,2}\s*$"
)


@dataclass(frozen=True)
class ReadingContext:
    """What the shop knows that a message may refer to."""

    last_sku: str | None = None  # the product last shown or added: "this one", "再来两个"
    cart: tuple[str, ...] = ()  # skus in the cart, for "remove it", "改成3盒"
    listed: tuple[str, ...] = ()  # the last list shown ("any snacks?"), for "5 jin please"


@dataclass(frozen=True)
class Part:
    """One part of a message, as read (for explain and the tests)."""

    text: str
    intent: Intent | None
    cues: tuple[Intent, ...]


@dataclass(frozen=True)
class Reading:
    """What one message wants, most important first, and what it is about.

    ``items`` are the products (with quantities) an add, remove or set acts on;
    ``replace`` is (from sku, to sku); ``products`` are the skus a question is about;
    ``unknown`` names a product the shop does not sell ("durian"); ``this_one`` says the
    product came from the context rather than the words.
    """

    text: str
    intents: tuple[Intent, ...]
    confidence: float
    items: tuple[ParsedItem, ...] = ()
    replace: tuple[str, str] | None = None
    products: tuple[str, ...] = ()
    unknown: str | None = None
    order_number: str | None = None
    this_one: bool = False
    language: str | None = None
    parts: tuple[Part, ...] = field(default=(), compare=False)

    @property
    def main(self) -> Intent:
        return self.intents[0]

    def has(self, intent: Intent) -> bool:
        return intent in self.intents

    @property
    def changes_cart(self) -> bool:
        """Whether handling this reading may change the cart (see the module rules)."""
        if self.main not in CART_CHANGES or self.confidence < CLEAR:
            return False
        if self.main in (Intent.EMPTY_CART, Intent.REORDER):
            return True
        if self.main is Intent.REPLACE:
            return self.replace is not None
        return any(len(item.candidates) == 1 for item in self.items)

    @property
    def clear(self) -> bool:
        """Clearly something the shop acts on (not a guess, not small talk; an order only
        when it names something we sell: "建国路88号" is an address, not 88 of a product)."""
        if self.main in (*SOCIAL, Intent.UNKNOWN) or self.confidence < CLEAR:
            return False
        return self.main is not Intent.ADD or any(i.candidates for i in self.items)


def fold(text: str) -> str:
    """The text cues are matched against: normalised, apostrophes dropped, spaces single."""
    return _fold(text[:MAX_CHARS])


@lru_cache(maxsize=2048)  # a message is folded whole, then part by part, several times
def _fold(text: str) -> str:
    norm, _ = normalize(text)
    return re.sub(r"\s+", " ", norm.replace("'", "")).strip()


def read(text: str, catalog: Catalog, context: ReadingContext | None = None) -> Reading:
    """The one reading of ``text`` (see the module docstring); never raises."""
    context = context or ReadingContext()
    if not isinstance(text, str) or not text.strip():
        return Reading("", (Intent.UNKNOWN,), 0.0)
    text = text[:MAX_CHARS]
    if CODE_RE.search(fold(text)):
        return Reading(text, (Intent.UNKNOWN,), 0.0)  # code-looking junk
    bare = _bare_quantity_item(text, catalog, context)
    if bare is not None:
        return bare
    number = _ORDER_NUMBER_ALONE.fullmatch(text.strip())
    if number is not None and _looks_like_an_order_number(number.group(0), number.group(1)):
        # An order number alone ("#KSN393", pasted from the receipt): that order.
        return Reading(
            text,
            (Intent.MY_ORDERS,),
            0.9,
            order_number=number.group(1).upper(),
            language=written_language(text),
        )
    raw_parts = [p for p in _PART_BREAK.split(text) if p and p.strip()] or [text]
    parts = [_read_part(raw, catalog, context) for raw in raw_parts]
    return _combine(text, parts, catalog, context)


# Bare numbers this big are something else (a phone number, a code), not how many.
_MOST_A_BARE_QUANTITY = 10_000


def _bare_quantity_item(text: str, catalog: Catalog, context: ReadingContext) -> Reading | None:
    """Only a quantity ("5 jin please", "两盒吧", "2"): of the product last shown (its
    sibling sold in the unit said: "5 jin" after the orange box is the oranges by the jin),
    or, after a list, of the listed products the unit said fits (one: that one; several:
    the customer is asked which)."""
    if context.last_sku is None and not context.listed:
        return None  # nothing it could be a quantity of: no second parse of every message
    quantity = bare_quantity(text)
    if quantity is None or quantity.value is None or quantity.value >= _MOST_A_BARE_QUANTITY:
        return None  # a phone number or an order's digits pasted alone is no quantity
    index = index_for(catalog)
    if context.last_sku is not None:
        candidates = apply_unit([context.last_sku], quantity.unit, index)
    elif context.listed and quantity.unit is not None:
        candidates = [s for s in context.listed if unit_fits(s, quantity.unit, index)]
    else:
        return None
    if not candidates:
        return None
    # Several listed products fit ("2 boxes" after the masks): the customer is asked
    # which, as for any name that fits several.
    item = ParsedItem(
        text.strip(),
        quantity.value,
        tuple(candidates[:5]),
        (),
        quantity.unit,
        unit_fits_one(candidates, quantity.unit, index),
    )
    confidence = 0.9 if quantity.unit is not None else 0.7
    return Reading(
        text=text,
        intents=(Intent.ADD,),
        confidence=confidence,
        items=(item,),
        this_one=True,
        language=written_language(text),
        parts=(Part(text.strip(), Intent.ADD, ()),),
    )


@dataclass(frozen=True)
class _PartReading:
    part: Part
    raw: str
    items: tuple[ParsedItem, ...] = ()
    replace: tuple[str, str] | None = None
    products: tuple[str, ...] = ()
    this_one: bool = False
    unknown: str | None = None
    confidence: float = 0.9


def _read_part(raw: str, catalog: Catalog, context: ReadingContext) -> _PartReading:
    folded = fold(raw)
    cues = cues_in(folded)
    social = [c for c in cues if c in SOCIAL]
    mentioned = tuple(i for i in mentioned_items(raw, catalog) if i.candidates)
    skus = tuple(dict.fromkeys(i.candidates[0] for i in mentioned if len(i.candidates) == 1))
    refers = bool(re.search(_THIS_ONE, folded))
    target = _target(skus, refers, context)

    def part(intent: Intent | None, **found: object) -> _PartReading:
        return _PartReading(Part(raw.strip(), intent, tuple(cues)), raw, **found)  # type: ignore[arg-type]

    for cue in cues:
        if cue in SOCIAL:
            continue
        if cue is Intent.REPLACE:
            swap = _swap(mentioned, skus, target, context)
            if swap is not None:
                return part(cue, replace=swap, products=skus)
            continue
        if cue is Intent.SET_QUANTITY:
            quantity = _quantity(raw, mentioned)
            if quantity is None or (not skus and target is None):
                continue
            sku = skus[0] if skus else target
            assert sku is not None
            item = ParsedItem(raw.strip(), quantity, (sku,), ())
            return part(cue, items=(item,), this_one=not skus)
        if cue is Intent.REMOVE:
            if mentioned:
                said = _explicit_quantity(raw)
                items = tuple(replace(i, quantity=said or 0) for i in mentioned)
                return part(cue, items=items)
            if target is not None:
                said = _explicit_quantity(raw)
                item = ParsedItem(raw.strip(), said or 0, (target,), ())
                return part(cue, items=(item,), this_one=True)
            continue  # removing nothing named from nowhere: not a cart edit
        if cue in (Intent.PRICE, Intent.STOCK, Intent.PRODUCT_INFO):
            # "how much is the tea": every tea; "这个多少钱": the product last shown.
            products = skus or tuple(s for i in mentioned[:1] for s in i.candidates)
            last_shown = context.last_sku if refers else None
            shown = not products and last_shown is not None
            if shown and last_shown is not None:
                products = (last_shown,)
            unknown = None if products or mentioned else _unknown_product(folded)
            return part(
                cue, products=products, this_one=bool(products) and not skus, unknown=unknown
            )
        return part(cue, products=skus)
    if _PHONE.search(folded) and not mentioned:
        return part(Intent.UNKNOWN, confidence=0.3)  # contact details, not an order
    order = parse_order(raw, catalog)
    if order is not None and order.more_of_last:
        if context.last_sku is None:
            return part(Intent.ADD, confidence=0.5)
        item = ParsedItem(raw.strip(), order.more_quantity, (context.last_sku,), ())
        return part(Intent.ADD, items=(item,), this_one=True)
    if order is not None and order.items:
        named = [i for i in order.items if i.candidates]
        said = any(i.quantity != 1 or i.unit or not i.whole for i in order.items)
        # A bare product name ("rose mask") is an order, but not firmly enough to
        # interrupt a checkout question ("Rose" may be a name).
        confidence = 0.9 if said or _has_order_cue(raw) or len(order.items) > 1 else 0.7
        if not named and social:
            # "hi there", "老板好": polite words the parser did not know are no product.
            return part(social[0])
        return part(Intent.ADD, items=order.items, confidence=confidence)
    quantity = _explicit_quantity(raw)
    wants = bool(_ORDER_CUE.search(folded))
    if (refers and (wants or quantity is not None)) or (quantity is not None and wants):
        if context.last_sku is None:
            return part(Intent.ADD, confidence=0.5)  # "给我留三盒": three of what?
        item = ParsedItem(raw.strip(), quantity or 1, (context.last_sku,), ())
        return part(Intent.ADD, items=(item,), this_one=True)
    if social:
        return part(social[0])
    if _QUANTITY_ONLY.match(folded):
        return part(None)  # "2", "两盒": belongs to the product next to it
    return part(Intent.UNKNOWN, confidence=0.3)


_THIS_ONE_EN = r"\b(?:this one|that one|this|that|it|these|those|them)\b"
_THIS_ONE = f"(?:{_THIS_ONE_EN})|这个|那个|这款|那款|这种|那种"
_ORDER_CUE = re.compile(
    r"\b(?:want|wanna|like|take|need|get|add|give|order|buy|have|throw in|chuck in|grab|include"
    r"|put in|send me)\b|我要|要|来|买|给我|拿|订|拍|留|加"
)


def _has_order_cue(raw: str) -> bool:
    folded = fold(raw)
    return bool(_ORDER_CUE.search(folded)) or _explicit_quantity(raw) is not None


def _explicit_quantity(raw: str) -> int | None:
    """A number written in the part, if exactly one ("减一盒" -> 1, "make it 3" -> 3)."""
    numbers = re.findall(
        r"\d+|[零〇一二两俩三四五六七八九十百]+(?=[个盒箱斤包袋罐支饼瓶份件])", fold(raw)
    )
    words = re.findall(
        r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|a dozen|dozen)\b", fold(raw)
    )
    said = [*numbers, *words]
    if len(said) != 1:
        return None
    return parse_number(said[0])


def _quantity(raw: str, mentioned: tuple[ParsedItem, ...]) -> int | None:
    said = _explicit_quantity(raw)
    if said is not None:
        return said
    return next((i.quantity for i in mentioned if i.quantity != 1), None)


def _target(skus: tuple[str, ...], refers: bool, context: ReadingContext) -> str | None:
    """The cart line an edit without a product name means: "this one", or the only line."""
    if skus:
        return skus[0]
    if refers and context.last_sku:
        return context.last_sku
    if len(context.cart) == 1:
        return context.cart[0]
    if context.last_sku and context.last_sku in context.cart:
        return context.last_sku
    return None


def _swap(
    mentioned: tuple[ParsedItem, ...],
    skus: tuple[str, ...],
    target: str | None,
    context: ReadingContext,
) -> tuple[str, str] | None:
    """(from, to) of "replace the rose mask with the silk mask", "换成绿茶那个"."""
    if len(skus) >= 2:
        return skus[0], skus[1]
    if len(skus) == 1:
        source = context.last_sku if context.last_sku in context.cart else None
        if source is None and len(context.cart) == 1:
            source = context.cart[0]
        source = source or context.last_sku
        if source and source != skus[0]:
            return source, skus[0]
    return None


_QUESTION_WORDS = re.compile(
    r"\b(?:do|does|you|u|have|sell|carry|stock|any|is|are|the|a|an|there|got|how|much|price|"
    r"of|in|for|what|about|left|available|still|please|pls|hi|hello|we|i|can|buy|get|"
    # Asking about the shop in general ("what's good today?", "你们都卖什么"): no product.
    r"whats|s|good|popular|new|nice|fresh|today|best|sell|sells|recommend|recommendations?|"
    r"suggest|suggestions?|offer|kinds?|sorts?|types?|season|your|this|week|now)\b"
    r"|有没有|有吗|有卖|卖不卖|有货|吗|呢|多少钱|还有|你们|请问|怎么卖|价格|卖|有|没|的|啊|呀|亲|老板|你好"
    r"|推荐|一下|什么|啥|都|好吃|好用|好喝|得好|最火|热卖|新品|新货|今天|最近|哪些|些"
)


def _unknown_product(folded: str) -> str | None:
    """What a question asks about when it names nothing we sell ("do you have durian?")."""
    left = _QUESTION_WORDS.sub(" ", folded)
    left = re.sub(r"[^\w\u4e00-\u9fff ]+", " ", left)
    words = left.split()
    if not words or len(words) > 3 or any(w.isdigit() for w in words):
        return None
    found = " ".join(words)
    return found if len(found.replace(" ", "")) >= 2 else None


# A part that asks something: "do you do gift wrapping", "可以开发票吗".
_ASKING_PART = re.compile(
    r"^(?:do|does|did|can|could|is|are|will|would|how|what|whats|where|when|why|which|who)\b"
    r"|[吗呢嘛]$|什么|怎么|能不能|可不可以|可以.*吗|是不是|有没有"
)


def _social_then_question(parts: list[_PartReading]) -> bool:
    """Only polite words and a question nobody understood ("Hi! Do you do gift wrapping?"):
    the question is what the message is, not the greeting."""
    if any(p.part.intent not in (*SOCIAL, None, Intent.UNKNOWN) for p in parts):
        return False
    return any(
        p.part.intent is Intent.UNKNOWN and _ASKING_PART.search(fold(p.part.text)) for p in parts
    )


def _remove_then_swap(parts: list[_PartReading]) -> bool:
    """A part that removes only what another part swaps for something else."""
    swap = next((p.replace for p in parts if p.replace), None)
    if swap is None:
        return False
    removed = {
        i.candidates[0]
        for p in parts
        if p.part.intent is Intent.REMOVE
        for i in p.items
        if len(i.candidates) == 1
    }
    return bool(removed) and removed <= {swap[0]}


def _combine(
    text: str, parts: list[_PartReading], catalog: Catalog, context: ReadingContext
) -> Reading:
    intents: list[Intent] = []
    for p in parts:
        if p.part.intent is not None and p.part.intent not in intents:
            intents.append(p.part.intent)
    main_parts = [p for p in parts if p.part.intent not in (*SOCIAL, None, Intent.UNKNOWN)]
    if not intents:
        intents = [Intent.UNKNOWN]
    if len(intents) > 1 and Intent.UNKNOWN in intents and not _social_then_question(parts):
        intents.remove(Intent.UNKNOWN)  # "hi, 在吗": a greeting, not a puzzle
    # Firm intents first (the order of the message among them), social last.
    intents.sort(key=lambda i: i in SOCIAL)
    if _remove_then_swap(parts):
        # "不要了，换成蚕丝的": taking it out to put the other in is one swap.
        intents.remove(Intent.REPLACE)
        intents.insert(0, Intent.REPLACE)
    main = intents[0]
    chosen = [p for p in main_parts if p.part.intent is main] or parts
    items: tuple[ParsedItem, ...] = tuple(i for p in chosen for i in p.items)
    if main is Intent.ADD:
        items = _add_items(text, parts, catalog) or items
    confidence = min((p.confidence for p in chosen), default=0.3)
    products = tuple(dict.fromkeys(s for p in chosen for s in p.products))
    if not products and main in (Intent.PRICE, Intent.STOCK, Intent.PRODUCT_INFO):
        # "which is better, rose mask or silk mask?": the question in one part, the
        # products it is about in the next.
        products = tuple(
            dict.fromkeys(i.candidates[0] for p in parts for i in p.items if len(i.candidates) == 1)
        )
    swap = next((p.replace for p in chosen if p.replace), None)
    unknown = next((p.unknown for p in chosen if p.unknown), None)
    number = _ORDER_NUMBER.search(text)
    return Reading(
        text=text,
        intents=tuple(intents),
        confidence=confidence,
        items=items,
        replace=swap,
        products=products,
        unknown=unknown,
        order_number=number.group(1).upper() if number else None,
        this_one=any(p.this_one for p in chosen),
        language=written_language(text),
        parts=tuple(p.part for p in parts),
    )


def _add_items(text: str, parts: list[_PartReading], catalog: Catalog) -> tuple[ParsedItem, ...]:
    """The items of the order parts read together, so "hand cream, 2" keeps its 2 and a
    list "橙子一箱，核桃两袋" reads as one order; other parts (a greeting, a question) are
    left out."""
    if any(p.this_one for p in parts if p.part.intent is Intent.ADD):
        return ()
    kept = [p.raw for p in parts if p.part.intent in (Intent.ADD, None)]
    order = parse_order("，".join(kept) if len(kept) < len(parts) else text, catalog)
    if order is None or order.more_of_last:
        return ()
    return order.items


def explain(reading: Reading) -> str:
    """How a message was read, for the owner's support questions and the test table."""
    lines = [
        f"text:       {reading.text!r}",
        f"intents:    {', '.join(i.value for i in reading.intents)}"
        f"  (confidence {reading.confidence:.1f}, "
        f"{'changes the cart' if reading.changes_cart else 'changes no cart'})",
        f"language:   {reading.language or '(says nothing)'}",
    ]
    for part in reading.parts:
        intent = part.intent.value if part.intent else "(belongs to its neighbour)"
        cues = ", ".join(c.value for c in part.cues) or "none"
        lines.append(f"part:       {part.text!r} -> {intent}  [cues: {cues}]")
    for item in reading.items:
        whole = "" if item.whole else ", rounded up"
        unit = f" {item.unit}" if item.unit else ""
        lines.append(
            f"item:       {item.quantity}{unit} × {'/'.join(item.candidates) or '?'}"
            f"  (from {item.text!r}{whole})"
        )
    if reading.replace:
        lines.append(f"replace:    {reading.replace[0]} -> {reading.replace[1]}")
    if reading.products:
        lines.append(f"about:      {', '.join(reading.products)}")
    if reading.unknown:
        lines.append(f"not sold:   {reading.unknown!r}")
    if reading.order_number:
        lines.append(f"order:      {reading.order_number}")
    if reading.this_one:
        lines.append("this one:   the product last shown")
    return "\n".join(lines)
