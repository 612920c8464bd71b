"""What customers type, understood: orders, bare quantities, FAQ questions, product search.

Everything here is pure: the same text and catalog always give the same answer, nothing is
read or written, and no input makes it raise. Only the first ``MAX_CHARS`` characters of a
message are looked at, so a pasted novel costs the same as a normal message.

How a message becomes an order
------------------------------
1. **Normalise**, one character at a time, remembering where each came from so the product
   words can be quoted back exactly as written: NFKC (full-width letters, digits and
   punctuation become ASCII), lower case, accents dropped, control characters become spaces.
2. **Tokenise**: Latin words (apostrophes and hyphens inside a word are dropped and a plural
   ``s``/``es`` is removed, so "Masks", "Pu'er", "boxes" match "mask", "puer", "box"),
   numbers (``-1``, ``1,000``, ``2.5``), one token per Chinese character (Chinese has no
   spaces, so a name is simply a run of characters anywhere in the text), separators
   (``, ; . ! ? + &``, newline, ``、 。``) and multiplication signs (``× *``; ``x`` is a word).
3. **Find products first**, longest phrase first, so a number or filler inside a name
   ("box of 10", "一箱橙子") is never mistaken for a quantity (see "Matching" below).
4. **Label the rest**: separators ("and", "和", "还有", ","...), order verbs ("I'd like",
   "can I get", "我要", "给我", "来", "买"...), filler ("please", "吧", "一下"...), then
   quantities, and whatever is left is *content* (words that may name an unknown product).
5. **Split into segments** at separators, and inside a segment give each product mention its
   quantity: the one written before it ("2 rose masks", "两盒玫瑰面膜") or, when no quantity
   comes first, the one after it ("rose mask x3", "玫瑰面膜两盒"). A part holding only a
   quantity belongs to the product before it ("hand cream, 2"). At most ``MAX_ITEMS``.

Quantities are digits (also "x3", "3x", "×3", "*3", "1,000"), English number words up to
ninety-nine and hundreds, "a"/"an" before a unit, "a couple (of)", "a dozen", "half a
dozen", and Chinese numerals (两, 十二, 二十五, 一百零五...) usually followed by a counter
(个 盒 箱 斤 包 袋 罐 支 饼 片...). Nothing said means 1; 0, negative and huge numbers are
reported as said. A decimal ("2.5 jin") is rounded up, as quantities are whole.

Matching
--------
Each product is known by its names in both languages (with and without the part in
brackets) and its aliases. Words typed by the customer match a product:

* ``EXACT``: they are one of those names or aliases ("rose mask", "玫瑰面膜", "oranges").
* ``PARTIAL``: they are part of one ("mask", "面膜", "cream", "桂花"); every product whose
  name or alias contains them is a candidate. A partial Chinese match needs two characters;
  a few everyday English words ("well", "green", "west"...) never match partially.
* ``CATEGORY``: they name a category or a tag, or part of a category name ("tea", "水果",
  "snacks", "gift"); used only when no name or alias matched.
* An exact match beats partial ones, **except** on a *sibling*: the same product sold in
  another unit (same category, one base name the prefix of the other, different unit; here
  the navel oranges by the box and by the jin). The seller's alias "green tea" therefore
  means Longjing even though the clay mask and the jasmine tea contain the words, while
  "oranges" is ambiguous between the box and the jin.
* **The unit decides** when it can: candidates whose unit fits the unit said are kept ("two
  boxes of oranges" -> by the box, "来三斤脐橙" -> by the jin). When none fits, siblings of
  the candidates that do fit are tried ("三斤橙子": 橙子 is an alias of the box, but 斤
  fits its by-the-jin sibling). Generic counters (个 份 件 只 piece) decide nothing.
* Two mentions next to each other that share a product narrow each other ("dragon well
  tea", "面膜玫瑰").
* Only when nothing matched is rapidfuzz used on the content words ("rosemask", "walnutts"):
  a score of ``FUZZY_ACCEPT`` or more makes a candidate; otherwise the closest products
  scoring at least ``FUZZY_SUGGEST`` become suggestions for an unknown product.

What is not an order
--------------------
``parse_order`` answers None when no product is named, and for questions: a wh-question
("how much", "多少钱", "多久", "what"...) unless an order verb comes before it ("I want 2
rose masks, how much?"); a yes/no question ("?", "吗", "do you", "是不是"...) unless it
has an order verb or an explicit quantity, and never for "do you have...", "有没有"; talk
about products ("I love the rose masks", "玫瑰面膜很好用", "my rose masks arrived": words
of liking, being, receiving, or an FAQ keyword) with no order verb, quantity or unit. An
unknown product ("2 durians", "我要榴莲") needs a quantity or an order verb in its own part
of the message, must be short, and must not be a service word (pay, refund, 退货...).
"""

from __future__ import annotations

import math
import re
import unicodedata
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rapidfuzz import fuzz

from bot.catalog import Catalog, FaqEntry, Product

__all__ = [
    "MAX_CHARS",
    "MAX_ITEMS",
    "OrderIntent",
    "ParsedItem",
    "detect_language",
    "match_faq",
    "parse_number",
    "parse_order",
    "rank_products",
]

MAX_CHARS = 500  # characters of a message that are read; the rest is ignored
MAX_ITEMS = 20  # items read from one message; a longer list is not a chat order
MAX_CANDIDATES = 5
MAX_SUGGESTIONS = 3
FUZZY_ACCEPT = 85.0  # a typo this close is taken as the product ("rosemask", "jerkey")
FUZZY_SUGGEST = 60.0  # this close is offered as "did you mean"
_MAX_FUZZY_CHARS = 60
_MAX_UNKNOWN_WORDS = 4
_MAX_UNKNOWN_TOKENS = 8

# Match tiers. A phrase's strength is its tier plus half the share of the name it covers,
# so among partial matches "tea" ranks "jasmine tea" above "green tea clay mask".
EXACT, PARTIAL, CATEGORY = 3, 2, 1


# --- public results ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One product the customer asked for, as understood.

    ``candidates`` holds one sku when the product is clear, several (best first, at most
    five) when the words fit more than one, none when the product is unknown; then
    ``suggestions`` holds up to three skus worth offering. ``quantity`` is what was said
    (1 when nothing was), even 0, negative or huge: limits are the caller's business.
    ``unit`` is the unit word said, normalised ("box", "jin", "盒", "斤"...), and
    ``unit_matches`` tells whether it fits the product's unit; it is None when no unit was
    said or the product is not settled.
    """

    text: str
    quantity: int
    candidates: tuple[str, ...]
    suggestions: tuple[str, ...]
    unit: str | None = None
    unit_matches: bool | None = None


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """What an order message asks for: items, or more of the customer's last product."""

    items: tuple[ParsedItem, ...]
    more_of_last: bool = False
    more_quantity: int = 1


# --- normalisation and tokens -------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_HAN_RE = re.compile(f"[{_HAN}]")
_LATIN_RE = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_LETTER = rf"(?:(?![{_HAN}])[^\W\d_])"
_TOKEN_RE = re.compile(
    rf"(?P<cjk>[{_HAN}])"
    r"|(?P<num>-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?))"
    rf"|(?P<word>{_LETTER}+(?:['\-]{_LETTER}+)*)"
    r"|(?P<sep>[,;.!?\n、。+&])"
    r"|(?P<mult>[×*])"
)
_CHAR_MAP = {
    "\n": "\n",
    "\r": "\n",
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u00b4": "'",
}


_BRACKET_PAIRS = (("(", ")"), ("（", "）"), ("[", "]"), ("【", "】"))


@dataclass(frozen=True, slots=True)
class _Tok:
    key: str  # what matching compares: singular lower-case word, one Han char, digits, symbol
    kind: str  # "cjk" | "num" | "word" | "sep" | "mult"
    start: int  # offsets in the normalised text
    end: int


@dataclass(frozen=True, slots=True)
class _Text:
    """A message ready for matching, able to quote its own words as written."""

    original: str
    norm: str
    origin: tuple[int, ...]  # for each normalised character, its index in ``original``
    toks: tuple[_Tok, ...]

    def quote(self, first: int, last: int) -> str:
        """The original text of tokens ``first`` up to (not including) ``last``.

        A bracket opened inside is closed when the next character closes it, so a pasted
        "Rose hydrating mask (box of 10)" comes back whole.
        """
        begin = self.origin[self.toks[first].start]
        end = self.origin[self.toks[last - 1].end - 1] + 1
        quoted = self.original[begin:end]
        for opening, closing in _BRACKET_PAIRS:
            if (
                quoted.count(opening) > quoted.count(closing)
                and self.original[end : end + 1] == closing
            ):
                quoted += closing
                break
        return quoted.strip()


def _normalize_char(char: str) -> str:
    mapped = _CHAR_MAP.get(char)
    if mapped is not None:
        return mapped
    out: list[str] = []
    for c in unicodedata.normalize("NFKC", char).casefold():
        category = unicodedata.category(c)
        if category == "Mn":  # combining accents: "crème" and "creme" are one word
            continue
        out.append(" " if category[0] == "C" else _CHAR_MAP.get(c, c))
    return "".join(out)


def _normalize(text: str) -> tuple[str, tuple[int, ...]]:
    chars: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text[:MAX_CHARS]):
        for mapped in _normalize_char(char):
            chars.append(mapped)
            origin.append(position)
    return "".join(chars), tuple(origin)


def _singular(word: str) -> str:
    """A crude English singular, applied alike to catalog terms and messages."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "oes")):
        return word[:-2]
    return word[:-1]


def _word_key(raw: str) -> str:
    word = raw.replace("'", "").replace("-", "")
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _singular(word)


def _tokenize(norm: str) -> tuple[_Tok, ...]:
    toks: list[_Tok] = []
    for match in _TOKEN_RE.finditer(norm):
        kind = match.lastgroup or ""
        start, end = match.span()
        raw = match.group()
        if kind == "num":
            if (
                raw.startswith("-")
                and start > 0
                and (norm[start - 1].isalnum() or norm[start - 1] == "-")
            ):
                start, raw = start + 1, raw[1:]  # "3-4", "x-1": a dash, not a minus sign
            key = raw.replace(",", "")
        elif kind == "word":
            key = _word_key(raw)
        else:
            key = raw
        toks.append(_Tok(key, kind, start, end))
    return tuple(toks)


def _prepare(text: object) -> _Text | None:
    if not isinstance(text, str):
        return None
    norm, origin = _normalize(text)
    return _Text(text[:MAX_CHARS], norm, origin, _tokenize(norm))


def _keys_of(phrase: str) -> tuple[str, ...]:
    """The match keys of a phrase, separators dropped (for tables and catalog terms)."""
    return tuple(t.key for t in _tokenize(_normalize(phrase)[0]) if t.kind not in ("sep", "mult"))


def _join_keys(toks: Sequence[_Tok]) -> str:
    """Keys as one string: words spaced, Chinese characters run together."""
    parts: list[str] = []
    previous_cjk = False
    for tok in toks:
        is_cjk = tok.kind == "cjk"
        if parts and not (previous_cjk and is_cjk):
            parts.append(" ")
        parts.append(tok.key)
        previous_cjk = is_cjk
    return "".join(parts)


# --- words: numbers, units, fillers ---------------------------------------------------------

_EN_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_NUMBERS: dict[str, int] = {
    **_EN_ONES,
    **_EN_TENS,
    **{  # "twenty-five" loses its hyphen and becomes one word
        tens + one: tens_value + one_value
        for tens, tens_value in _EN_TENS.items()
        for one, one_value in _EN_ONES.items()
        if 1 <= one_value <= 9
    },
}
_EN_COUNTS = {"couple": 2, "pair": 2, "dozen": 12}

_ZH_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_ZH_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_ZH_NUMERALS = frozenset(_ZH_DIGITS) | frozenset(_ZH_POWERS)

# English unit words (match keys, so singular) -> the unit reported.
_EN_UNITS = {
    "box": "box", "jin": "jin", "catty": "jin", "bag": "bag", "pack": "pack",
    "packet": "pack", "tin": "tin", "can": "can", "jar": "jar", "tube": "tube",
    "cake": "cake", "piece": "piece", "pc": "piece", "pcs": "piece", "item": "piece",
    "bottle": "bottle", "carton": "carton", "case": "case", "kg": "kg", "kgs": "kg",
    "kilo": "kg", "kilogram": "kg", "g": "g", "gram": "g", "sheet": "sheet",
}  # fmt: skip
# Unit words that mean a unit even without a number before them ("boxes of oranges").
_EN_BARE_UNITS = frozenset(
    {"box", "jin", "catty", "bag", "pack", "packet", "tin", "jar", "tube", "bottle", "carton"}
)
_ZH_UNITS = frozenset("个盒箱斤包袋罐支饼片份件瓶只条块提套听桶串双对克") | {"公斤", "千克"}
_GENERIC_UNITS = frozenset({"piece", "个", "份", "件", "只"})
# Units that are the same thing for fitting a product ("盒" and "箱" are both a box).
_UNIT_KIND = {
    "box": "box", "carton": "box", "case": "box", "盒": "box", "箱": "box",
    "jin": "jin", "斤": "jin",
    "bag": "bag", "pack": "bag", "袋": "bag", "包": "bag",
    "tin": "tin", "can": "tin", "jar": "tin", "罐": "tin", "听": "tin",
    "tube": "tube", "支": "tube",
    "cake": "cake", "饼": "cake",
    "bottle": "bottle", "瓶": "bottle",
    "kg": "kg", "公斤": "kg", "千克": "kg",
    "g": "g", "克": "g",
    "sheet": "sheet", "片": "sheet",
}  # fmt: skip

_STRONG_VERBS = (
    "i want", "i wanna", "i would like", "i'd like", "i'd love", "i will take", "i'll take",
    "i will have", "i'll have", "i take", "i need", "i'll buy", "i will buy", "can i get",
    "can i have", "can i order", "can i buy", "could i get", "could i have", "could i order",
    "may i have", "may i get", "give me", "send me", "get me", "let me get", "let me have",
    "let me order", "please add", "add to cart", "put me down for",
    "我要", "我想要", "我想买", "我买", "我来", "给我", "给我来", "帮我拿", "帮我来", "帮我买",
    "帮我", "下单", "我订", "我拍", "我下单", "请给我", "麻烦给我", "我需要",
)  # fmt: skip
_WEAK_VERBS = (
    "want", "wanna", "order", "buy", "purchase", "need", "take", "get", "add", "grab",
    "要", "买", "来", "拿", "订", "拍", "给", "想要", "来点",
)  # fmt: skip
_SEPARATORS = (
    "and", "plus", "also", "then", "and then", "as well as", "along with",
    "和", "跟", "与", "及", "以及", "还有", "另外", "外加", "加上", "然后", "同时", "再加上",
)  # fmt: skip
_FILLERS = (
    "please", "pls", "plz", "thanks", "thank you", "thank u", "thx", "ty", "hi", "hello",
    "hey", "ok", "okay", "yes", "yeah", "sure", "just", "some", "for", "me", "my", "us", "to",
    "i", "we", "you", "u", "can", "could", "may", "would", "will", "like", "have", "it",
    "them", "those", "these", "that", "this", "more", "another", "again", "too", "in", "into",
    "cart", "basket", "as well", "with", "dear", "now", "today", "first", "total", "in total",
    "altogether", "each", "all", "only", "the", "kind", "type", "lol", "haha", "oh",
    "um", "hmm", "take care", "see you", "bye", "goodbye", "good", "good morning",
    "good night", "good evening", "good afternoon", "morning", "再见", "拜拜", "晚安", "早",
    "早上好", "收到",
    "请", "麻烦", "谢谢", "谢啦", "谢了", "哈", "哈哈", "吧", "呀", "啊", "哦", "嘛", "了",
    "的", "一下", "先", "再", "还", "就", "也", "我", "你", "您", "帮", "加", "想", "亲",
    "嗯", "好的", "好吧", "那", "那就", "一共", "总共", "各", "都", "一些", "些", "点",
    "一点", "这个", "那个", "这", "就好", "就行", "可以", "呗", "啦", "哟", "喔", "多",
    "吗", "呢", "么", "一样", "一样的", "同样的", "买了", "买过", "来了", "到了", "用了", "用过",
    "我买了", "我买过",
)  # fmt: skip
_STOP = frozenset({"a", "an", "x", "-", "of", "the"})
_PACKING = frozenset("装称按")  # "10片装", "按斤称": how a name says the packing
_JOINERS = frozenset({"of", "the", "-", "的"})  # may sit between two mentions of one product

# Words that never count as naming a product by being part of its name.
_NO_PARTIAL = frozenset(
    {"well", "west", "lake", "aged", "gentle", "green", "loose", "paper", "shell", "fresh",
     "care", "skin", "face"}
)  # fmt: skip
# Words that make a message about the service rather than an unknown product.
_SERVICE_WORDS = frozenset(
    {
        "pay", "payment", "paid", "refund", "return", "cancel", "ship", "shipping", "deliver",
        "delivery", "address", "track", "tracking", "invoice", "receipt", "discount", "coupon",
        "price", "cost", "know", "ask", "question", "talk", "speak", "help", "change", "check",
        "see", "look", "status", "menu", "catalog", "catalogue", "list", "photo", "picture",
        "pic", "stock", "sale", "promotion", "promo", "contact", "wechat", "telegram",
        "account", "login", "money", "cash", "time", "tomorrow", "fast", "quick", "quickly",
        "asap", "soon", "later",
    }
)  # fmt: skip
_SERVICE_PHRASES = tuple(
    _keys_of(p)
    for p in (
        "付款", "支付", "退货", "退款", "取消", "发货", "快递", "地址", "发票", "优惠", "问",
        "看", "菜单", "目录", "价格", "帮助", "客服", "改", "换", "查", "照片", "图片", "库存",
        "活动", "联系", "微信", "钱", "时间", "今天", "明天", "快点", "尽快",
    )
)  # fmt: skip

_WH_WORDS = frozenset({"how", "what", "whats", "when", "where", "why", "which", "who", "whose"})
_WH_PHRASES = (
    *(
        _keys_of(p)
        for p in ("多少", "多久", "几", "怎么", "怎样", "什么", "啥", "哪", "为什么", "为啥")
    ),
    *(_keys_of(p) for p in ("价格", "价钱", "运费", "price", "cost")),
)
_YES_NO_FIRST = frozenset(
    {"is", "are", "doe", "do", "did", "can", "could", "will", "would", "have", "has",
     "was", "were", "may", "should", "any", "got"}
)  # fmt: skip
_YES_NO_SECOND = frozenset(
    {"you", "u", "it", "they", "thi", "these", "those", "there", "the", "we", "your", "ur",
     "i", "anything", "any", "its"}
)  # fmt: skip
_YES_NO_PHRASES = tuple(
    _keys_of(p)
    for p in (
        "是不是", "有没有", "能不能", "可不可以", "是否", "会不会", "请问", "问一下", "想问",
        "ask", "question", "wondering",
    )
)  # fmt: skip
# Words of someone talking about a product rather than ordering it ("I love the rose masks",
# "玫瑰面膜很好用", "my rose masks arrived"); they count only when no order word is there.
_CHATTER = tuple(
    _keys_of(p)
    for p in (
        "love", "loves", "loved", "like", "likes", "liked", "hate", "have", "has", "is", "are",
        "was",
        "were", "am", "im", "use", "used", "using", "tried", "bought", "got", "had", "think",
        "thought", "feel", "smell", "smells", "great", "nice", "amazing", "awesome", "bad",
        "lovely", "beautiful", "delicious", "yummy", "tasty", "favorite", "favourite",
        "recommend", "review", "arrived", "received", "price", "cost", "pay", "payment",
        "refund", "return", "cancel", "ship", "shipping", "delivery", "deliver", "stock",
        "discount", "coupon", "photo", "picture", "pic",
        "喜欢", "爱", "用过", "用了", "试过", "觉得", "好用", "不错", "推荐", "好吃", "真好",
        "太好", "很好", "超好", "收到了", "到了", "味道", "效果", "质量", "价格", "运费",
        "包邮", "付款", "退货", "退款", "库存", "图片", "照片", "买了", "买过", "来了",
    )
)  # fmt: skip
_AVAILABILITY = tuple(
    _keys_of(p)
    for p in (
        "do you have", "have you got", "you got", "in stock", "available", "any left",
        "有没有", "有货", "还有", "有吗",
    )
)  # fmt: skip
_QUESTION_ENDINGS = frozenset("吗呢么嘛")

_CODE_RE = re.compile(
    r"\b(?:select|insert|update|delete|drop|union|alter|truncate|exec)\b"
    r".*\b(?:from|into|table|where|set|database|select|values)\b"
    r"|;\s*--|'\s*;|/\*|<\s*script|\bor\s+'?\d+'?\s*=\s*'?\d+",
    re.S,
)


def _phrase_table() -> tuple[dict[tuple[str, ...], str], int]:
    table: dict[tuple[str, ...], str] = {}
    for label, phrases in (
        ("strong", _STRONG_VERBS),
        ("weak", _WEAK_VERBS),
        ("sep", _SEPARATORS),
        ("filler", _FILLERS),
    ):
        for phrase in phrases:
            keys = _keys_of(phrase)
            if keys:
                table.setdefault(keys, label)
    return table, max(len(k) for k in table)


_PHRASES, _PHRASE_MAX = _phrase_table()


# --- quantities ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Quantity:
    value: int | None  # None for a bare unit ("boxes of oranges")
    unit: str | None
    start: int  # token range
    end: int
    explicit: bool  # a number was written, not just "a" or a unit
    whole: bool = True  # False when written with a decimal point (rounded up)


def _zh_number(chars: str) -> int:
    """一 -> 1, 十二 -> 12, 二十五 -> 25, 一百零五 -> 105, 两万 -> 20000."""
    total = section = 0
    digit: int | None = None
    for char in chars:
        if char in _ZH_DIGITS:
            digit = _ZH_DIGITS[char]
        elif char == "万":
            total += (section + (digit or 0)) * 10_000 or 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _ZH_POWERS[char]
            digit = None
    return total + section + (digit or 0)


def _num_value(key: str) -> tuple[int, bool]:
    """(value, whole) of a numeric token; decimals are rounded up."""
    if "." not in key:
        return int(key), True
    try:
        return math.ceil(Decimal(key)), False
    except (InvalidOperation, ValueError, OverflowError):
        return 0, False


def _en_number_at(toks: Sequence[_Tok], i: int) -> tuple[int, int, bool] | None:
    """(value, end, explicit) of an English number starting at token i, if any."""
    key = toks[i].key
    nxt = toks[i + 1].key if i + 1 < len(toks) else ""
    if key == "half" and nxt == "a" and i + 2 < len(toks) and toks[i + 2].key == "dozen":
        return 6, i + 3, True
    if key in ("a", "an"):
        if nxt in _EN_COUNTS:
            return _EN_COUNTS[nxt], i + 2, True
        if nxt == "hundred":
            return 100, i + 2, True
        if nxt in _EN_UNITS:
            return 1, i + 1, False
        return None
    if key in ("couple", "dozen"):
        return _EN_COUNTS[key], i + 1, True
    if key not in _EN_NUMBERS:
        return None
    value, end = _EN_NUMBERS[key], i + 1
    if key in _EN_TENS and nxt in _EN_ONES and 1 <= _EN_ONES[nxt] <= 9:
        value, end = value + _EN_ONES[nxt], end + 1
    if end < len(toks) and toks[end].key == "hundred":
        value, end = value * 100, end + 1
    return value, end, True


def _unit_at(
    toks: Sequence[_Tok], free: Sequence[bool], j: int, after_number: bool
) -> tuple[str | None, int]:
    """The unit word at token j (and the index after it, skipping a following "of")."""
    if j >= len(toks) or not free[j]:
        return None, j
    tok = toks[j]
    unit: str | None = None
    end = j + 1
    if tok.kind == "word" and tok.key in _EN_UNITS and (after_number or tok.key in _EN_BARE_UNITS):
        unit = _EN_UNITS[tok.key]
    elif tok.kind == "cjk" and after_number:
        pair = tok.key + toks[j + 1].key if j + 1 < len(toks) and free[j + 1] else ""
        if pair in _ZH_UNITS:
            unit, end = pair, j + 2
        elif tok.key in _ZH_UNITS:
            unit = tok.key
    if unit is None:
        return None, j
    if end < len(toks) and free[end] and toks[end].key == "of":
        end += 1
    return unit, end


def _quantity_at(toks: Sequence[_Tok], free: Sequence[bool], i: int) -> _Quantity | None:
    """A quantity expression starting at token i: "x3", "3x", "two boxes of", "三斤"."""
    tok = toks[i]
    n = len(toks)

    def is_times(j: int) -> bool:
        return j < n and free[j] and (toks[j].kind == "mult" or toks[j].key == "x")

    if is_times(i) and i + 1 < n and free[i + 1] and toks[i + 1].kind == "num":
        value, whole = _num_value(toks[i + 1].key)
        unit, end = _unit_at(toks, free, i + 2, True)
        return _Quantity(value, unit, i, end, True, whole)
    if tok.kind == "num":
        value, whole = _num_value(tok.key)
        end = i + 1
        if is_times(end) and not (end + 1 < n and toks[end + 1].kind == "num"):
            end += 1
        unit, end = _unit_at(toks, free, end, True)
        return _Quantity(value, unit, i, end, True, whole)
    if tok.kind == "word":
        number = _en_number_at(toks, i)
        if number is not None:
            value, end, explicit = number
            if is_times(end):
                end += 1
            unit, end = _unit_at(toks, free, end, True)
            if unit is None and end < n and free[end] and toks[end].key == "of":
                end += 1  # "a couple of"
            return _Quantity(value, unit, i, end, explicit)
        unit, end = _unit_at(toks, free, i, False)
        return _Quantity(None, unit, i, end, False) if unit else None
    if tok.kind == "cjk" and tok.key in _ZH_NUMERALS:
        end = i
        while end < n and free[end] and toks[end].kind == "cjk" and toks[end].key in _ZH_NUMERALS:
            end += 1
        value = _zh_number("".join(t.key for t in toks[i:end]))
        unit, end = _unit_at(toks, free, end, True)
        return _Quantity(value, unit, i, end, True)
    return None


def _read_quantities(toks: Sequence[_Tok], labels: list[str | None]) -> list[_Quantity]:
    """Find quantity expressions among unlabelled tokens and label them "qty"."""
    found: list[_Quantity] = []
    free = [label is None for label in labels]
    i = 0
    while i < len(toks):
        quantity = _quantity_at(toks, free, i) if free[i] else None
        if quantity is None or not all(free[quantity.start : quantity.end]):
            i += 1
            continue
        found.append(quantity)
        for j in range(quantity.start, quantity.end):
            labels[j] = "qty"
            free[j] = False
        i = quantity.end
    return found


# --- the catalog index ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FuzzyTerm:
    sku: str
    text: str  # keys joined
    squeezed: str  # same without spaces


@dataclass(frozen=True, slots=True)
class _Faq:
    entry: FaqEntry
    keywords: tuple[tuple[str, ...], ...]
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Index:
    """Everything matching needs from a catalog, computed once per catalog object."""

    phrases: Mapping[tuple[str, ...], Mapping[str, float]]  # phrase keys -> {sku: strength}
    starts: frozenset[str]  # first keys of all phrases, to skip hopeless positions fast
    max_len: int
    fuzzy_terms: tuple[_FuzzyTerm, ...]
    unit_kinds: Mapping[str, frozenset[str]]
    siblings: Mapping[str, tuple[str, ...]]
    order: Mapping[str, int]
    faq: tuple[_Faq, ...]
    service_phrases: tuple[tuple[str, ...], ...]


_BRACKETS_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def _base_name(name: str) -> str:
    return _BRACKETS_RE.sub(" ", name).strip()


def _product_terms(product: Product) -> list[str]:
    terms: list[str] = []
    for name in (product.name.en, product.name.zh):
        terms.append(name)
        base = _base_name(name)
        if base and base != name:
            terms.append(base)
    terms.extend(product.aliases)
    return terms


def _is_number_key(key: str) -> bool:
    return key.isdigit() or key in _EN_NUMBERS or key in ("a", "an") or set(key) <= _ZH_NUMERALS


def _is_unit_key(key: str) -> bool:
    return key in _EN_UNITS or key in _ZH_UNITS


def _is_content(key: str) -> bool:
    """Can this key carry a partial match (not a number, unit, stop word or one letter)?"""
    if _is_number_key(key) or _is_unit_key(key) or key in _STOP or key in _PACKING:
        return False
    return not (len(key) == 1 and key.isascii())


def _strip_leading_quantity(keys: tuple[str, ...]) -> tuple[str, ...]:
    """Drop a quantity opening an alias, so "一箱" in "一箱橙子" is read as a quantity."""
    i = 0
    while i < len(keys) and _is_number_key(keys[i]) and not _is_unit_key(keys[i]):
        i += 1
    if 0 < i < len(keys) and _is_unit_key(keys[i]):
        i += 1
        if i < len(keys) and keys[i] == "of":
            i += 1
        return keys[i:]
    return keys


def _partials(keys: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    size = len(keys)
    for i in range(size):
        for j in range(i + 1, size + 1):
            sub = keys[i:j]
            if sub == keys or not (_is_content(sub[0]) and _is_content(sub[-1])):
                continue
            if len(sub) == 1 and sub[0] in _NO_PARTIAL:
                continue
            if all(len(k) == 1 and not k.isascii() for k in sub) and len(sub) < 2:
                continue  # one Chinese character is too little to go on
            yield sub


def _unit_kinds(product: Product) -> frozenset[str]:
    kinds: set[str] = set()
    words = [t.key for t in _tokenize(_normalize(product.unit.en)[0]) if t.kind == "word"]
    if words:
        unit = _EN_UNITS.get(words[0], words[0])
        kinds.add(_UNIT_KIND.get(unit, unit))
    zh = _normalize(product.unit.zh)[0].strip()
    kinds.add(_UNIT_KIND.get(zh, zh))
    return frozenset(kinds)


def _related_names(a: Product, b: Product) -> bool:
    """One product's base name starts the other's, in either language."""
    a_en, b_en = _keys_of(_base_name(a.name.en)), _keys_of(_base_name(b.name.en))
    a_zh, b_zh = _keys_of(_base_name(a.name.zh)), _keys_of(_base_name(b.name.zh))

    def prefix(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
        short, long = sorted((x, y), key=len)
        return bool(short) and long[: len(short)] == short

    return prefix(a_en, b_en) or prefix(a_zh, b_zh)


def _build_index(catalog: Catalog) -> _Index:
    phrases: dict[tuple[str, ...], dict[str, float]] = {}
    fuzzy_terms: list[_FuzzyTerm] = []

    def add(keys: tuple[str, ...], skus: Iterable[str], tier: int, whole: int) -> None:
        strength = tier + len(keys) / whole / 2
        strengths = phrases.setdefault(keys, {})
        for sku in skus:
            strengths[sku] = max(strengths.get(sku, 0.0), strength)

    def add_with_parts(keys: tuple[str, ...], skus: list[str], tier: int, part_tier: int) -> None:
        if keys and any(_is_content(k) for k in keys):
            add(keys, skus, tier, len(keys))
            for sub in _partials(keys):
                add(sub, skus, part_tier, len(keys))

    for product in catalog.products:
        for term in _product_terms(product):
            keys = _strip_leading_quantity(_keys_of(term))
            add_with_parts(keys, [product.sku], EXACT, PARTIAL)
            if keys:
                text = " ".join(keys) if keys[0].isascii() else "".join(keys)
                fuzzy_terms.append(_FuzzyTerm(product.sku, text, text.replace(" ", "")))
        for tag in product.tags:
            keys = _keys_of(tag)
            if keys:
                add(keys, [product.sku], CATEGORY, len(keys))
    for category in catalog.categories:
        members = [p.sku for p in catalog.products if p.category == category.id]
        for name in (category.name.en, category.name.zh):
            add_with_parts(_keys_of(name), members, CATEGORY, CATEGORY)
    unit_kinds = {p.sku: _unit_kinds(p) for p in catalog.products}
    siblings = {
        p.sku: tuple(
            q.sku
            for q in catalog.products
            if q.sku != p.sku
            and q.category == p.category
            and not unit_kinds[p.sku] & unit_kinds[q.sku]
            and _related_names(p, q)
        )
        for p in catalog.products
    }
    faq = tuple(
        _Faq(
            entry,
            tuple(k for k in (_keys_of(w) for w in entry.keywords) if k),
            tuple(
                _join_keys(_tokenize(_normalize(q)[0]))
                for q in (entry.question.en, entry.question.zh)
            ),
        )
        for entry in catalog.shop.faq
    )
    return _Index(
        phrases=phrases,
        starts=frozenset(k[0] for k in phrases),
        max_len=max((len(k) for k in phrases), default=1),
        fuzzy_terms=tuple(fuzzy_terms),
        unit_kinds=unit_kinds,
        siblings=siblings,
        order={p.sku: i for i, p in enumerate(catalog.products)},
        faq=faq,
        service_phrases=_SERVICE_PHRASES + tuple(k for f in faq for k in f.keywords),
    )


# Catalog objects are frozen but unhashable (they hold lists), so the index is cached by
# id() next to a weak reference that proves the id still belongs to the same catalog. A
# /reload makes a new catalog and so a new index; the cap keeps old ones from piling up.
_INDEX_CACHE: dict[int, tuple[weakref.ref[Catalog], _Index]] = {}
_INDEX_CACHE_SIZE = 8


def _index_for(catalog: Catalog) -> _Index:
    cached = _INDEX_CACHE.get(id(catalog))
    if cached is not None and cached[0]() is catalog:
        return cached[1]
    index = _build_index(catalog)
    for stale in list(_INDEX_CACHE)[: max(0, len(_INDEX_CACHE) - _INDEX_CACHE_SIZE + 1)]:
        _INDEX_CACHE.pop(stale, None)
    _INDEX_CACHE[id(catalog)] = (weakref.ref(catalog), index)
    return index


# --- analysing a message ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    """Tokens [start, end) that name products, with each product's match tier."""

    start: int
    end: int
    tiers: Mapping[str, float]  # sku -> strength (tier + coverage / 2)


@dataclass(frozen=True, slots=True)
class _Analysis:
    spans: tuple[_Span, ...]
    labels: tuple[str, ...]  # span sep strong weak filler qty stop content
    quantities: tuple[_Quantity, ...]


def _find_spans(toks: Sequence[_Tok], index: _Index) -> list[_Span]:
    """Product mentions, leftmost and longest first, then neighbours merged."""
    keys = [t.key for t in toks]
    spans: list[_Span] = []
    i, n = 0, len(toks)
    while i < n:
        if toks[i].kind != "sep" and keys[i] in index.starts:
            for length in range(min(index.max_len, n - i), 0, -1):
                tiers = index.phrases.get(tuple(keys[i : i + length]))
                if tiers:
                    spans.append(_Span(i, i + length, tiers))
                    i += length
                    break
            else:
                i += 1
            continue
        i += 1
    return _merge_adjacent(spans, keys)


def _merge_adjacent(spans: list[_Span], keys: Sequence[str]) -> list[_Span]:
    """Neighbours sharing a product are one mention ("dragon well" + "tea": Longjing)."""
    merged: list[_Span] = []
    for span in spans:
        if merged:
            last = merged[-1]
            shared = [sku for sku in last.tiers if sku in span.tiers]
            if shared and all(k in _JOINERS for k in keys[last.end : span.start]):
                tiers = {sku: max(last.tiers[sku], span.tiers[sku]) for sku in shared}
                merged[-1] = _Span(last.start, span.end, tiers)
                continue
        merged.append(span)
    return merged


def _label_phrases(toks: Sequence[_Tok], labels: list[str | None]) -> None:
    """Label verbs, separators and filler words among the unlabelled tokens."""
    i, n = 0, len(toks)
    while i < n:
        if labels[i] is None:
            for length in range(min(_PHRASE_MAX, n - i), 0, -1):
                if any(labels[j] is not None for j in range(i, i + length)):
                    continue
                label = _PHRASES.get(tuple(t.key for t in toks[i : i + length]))
                if label is not None:
                    labels[i : i + length] = [label] * length
                    i += length
                    break
            else:
                i += 1
            continue
        i += 1


def _base_labels(toks: Sequence[_Tok]) -> list[str | None]:
    labels: list[str | None] = ["sep" if t.kind == "sep" else None for t in toks]
    return labels


def _analyse(text: _Text, index: _Index) -> _Analysis:
    toks = text.toks
    labels = _base_labels(toks)
    spans = _find_spans(toks, index)
    for span in spans:
        labels[span.start : span.end] = ["span"] * (span.end - span.start)
    _label_phrases(toks, labels)
    quantities = _read_quantities(toks, labels)
    final = tuple(
        label
        if label is not None
        else ("stop" if tok.key in _STOP or tok.kind == "mult" else "content")
        for tok, label in zip(toks, labels, strict=True)
    )
    return _Analysis(tuple(spans), final, tuple(quantities))


# --- questions ------------------------------------------------------------------------------------


def _find(keys: Sequence[str], phrase: Sequence[str]) -> int | None:
    size = len(phrase)
    target = tuple(phrase)
    for i in range(len(keys) - size + 1):
        if keys[i] == target[0] and tuple(keys[i : i + size]) == target:
            return i
    return None


def _first_wh(keys: Sequence[str], labels: Sequence[str]) -> int | None:
    """Where the first wh-question word is ("how", "what", "多少", "几"...), if any."""
    free = [k if label != "span" else "" for k, label in zip(keys, labels, strict=True)]
    positions = [i for i, k in enumerate(free) if k in _WH_WORDS]
    positions += [p for p in (_find(free, phrase) for phrase in _WH_PHRASES) if p is not None]
    return min(positions, default=None)


def _is_yes_no(toks: Sequence[_Tok], keys: Sequence[str]) -> bool:
    """A question answered by yes or no: "?", "do you...", "...吗", "是不是"."""
    if "?" in keys:
        return True
    words = [t for t in toks if t.kind != "sep"]
    if (
        len(words) >= 2
        and words[0].key in _YES_NO_FIRST
        and words[1].key in _YES_NO_SECOND
        and words[0].kind == words[1].kind == "word"
    ):
        return True
    if words and words[-1].key in _QUESTION_ENDINGS:
        return True
    return any(_find(keys, phrase) is not None for phrase in _YES_NO_PHRASES)


def _is_question(text: _Text, analysis: _Analysis) -> bool:
    """Whether the message asks something rather than orders (see the module docstring)."""
    keys = [t.key for t in text.toks]
    labels = analysis.labels
    first_strong = next((i for i, label in enumerate(labels) if label == "strong"), None)
    first_wh = _first_wh(keys, labels)
    if first_wh is not None and (first_strong is None or first_strong > first_wh):
        return True
    if first_strong is not None or not _is_yes_no(text.toks, keys):
        return False
    if any(_find(keys, phrase) is not None for phrase in _AVAILABILITY):
        return True
    return not any(q.explicit for q in analysis.quantities)


def _is_chatter(text: _Text, analysis: _Analysis, index: _Index) -> bool:
    """Whether the message talks about products rather than ordering them.

    That is: no order word, quantity or unit, but words like "love", "is", "arrived", "好用"
    or an FAQ keyword ("my rose masks arrived", "fake rose mask").
    """
    labels = analysis.labels
    if "strong" in labels or "weak" in labels:
        return False
    if any(q.explicit or q.unit for q in analysis.quantities):
        return False
    keys = [t.key if label != "span" else "" for t, label in zip(text.toks, labels, strict=True)]
    faq_keywords = (k for faq in index.faq for k in faq.keywords)
    return any(_find(keys, phrase) is not None for phrase in (*_CHATTER, *faq_keywords))


# --- "one more", "再来两个" -----------------------------------------------------------------------

_EN_NUM = (
    r"(?:\d+|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|"
    + "|".join(sorted(_EN_NUMBERS, key=len, reverse=True))
    + r"|an?)"
)
_EN_UNIT = "(?:" + "|".join(sorted(_EN_UNITS, key=len, reverse=True)) + ")"
_EN_OF = r"(?:\s+of\s+(?:those|these|them|that|it|thi|the\s+same))?"
_EN_MORE_RE = re.compile(
    r"(?:(?:ok|okay|yes|yeah|and|also|hi|hey|please|pls|plz|can\s+i\s+get|can\s+i\s+have|"
    r"could\s+i\s+get|could\s+i\s+have|ill\s+have|ill\s+take|i\s+will\s+have|i\s+will\s+take|"
    r"i\s+want|i\s+would\s+like|id\s+like|let\s+me\s+get|let\s+me\s+have|give\s+me|get\s+me|"
    r"make\s+it|add|i\s+need)(?:\s*[,.!])?\s*)*"
    r"(?:"
    rf"(?P<n1>{_EN_NUM})\s+more(?:\s+(?:{_EN_UNIT}|one))?{_EN_OF}"
    rf"|another(?:\s+(?P<n2>{_EN_NUM}))?(?:\s+(?:{_EN_UNIT}|one))?{_EN_OF}"
    rf"|add\s+(?P<n3>{_EN_NUM})(?:\s+(?:{_EN_UNIT}|one|more))?{_EN_OF}"
    r"|(?:the\s+)?same(?:\s+(?:one|thing|order))?\s+again"
    r"|(?:the\s+)?same(?:\s+(?:one|thing|order))?\s+as\s+(?:before|last\s+time|last|usual)"
    r"|more\s+of\s+(?:the\s+same|those|these|them|that|it)"
    r")"
    r"(?:\s*(?:please|pls|plz|thank\s+you|thank\s+u|thank|thx|ty|too|as\s+well|[,.!;]))*"
)
_ZH_NUM = r"(?:[零〇一二两俩三四五六七八九十百千万]+|\d+)"
_ZH_COUNTER = "(?:个|盒|箱|斤|包|袋|罐|支|饼|片|份|件|瓶|只|条|块|提|套|听|单|次|样)?"
_ZH_MORE_RE = re.compile(
    r"(?:好的|好|嗯|那|那就|行|ok|亲|[,.!])*(?:我|给我|帮我|麻烦)?(?:一样的|同样的|照旧|老样子|[,.!])*"
    r"(?:"
    rf"(?:再|还|又|多)(?:加|来|要|买|拿|添|订|下单|拍)(?P<n1>{_ZH_NUM})?{_ZH_COUNTER}"
    rf"|(?:再|还|又|多)(?P<n2>{_ZH_NUM}){_ZH_COUNTER}"
    rf"|(?:加|添)(?P<n3>{_ZH_NUM}){_ZH_COUNTER}"
    r"|照旧|老样子"
    r")"
    r"(?:一样的|同样的|的)?(?:吧|呗|哈|啊|呀|哦|嘛|谢谢|好了|就好|就行|[,.!])*"
)
_MORE_MAX_TOKENS = 16


def _more_of_last(text: _Text) -> OrderIntent | None:
    """More of the last product: "one more", "another 2", "same again", "再加一个", "再来两个".

    Only the whole message counts; "one more rose mask" names its product and is parsed
    as an ordinary item.
    """
    if not text.toks or len(text.toks) > _MORE_MAX_TOKENS:
        return None
    spaced = _join_keys(text.toks)
    match = _EN_MORE_RE.fullmatch(spaced) or _ZH_MORE_RE.fullmatch(spaced.replace(" ", ""))
    if match is None:
        return None
    said = next((g for g in match.groupdict().values() if g), None)
    quantity = parse_number(said) if said else None
    return OrderIntent(
        items=(), more_of_last=True, more_quantity=1 if quantity is None else quantity
    )


# --- from mentions to items -------------------------------------------------------------------


def _fits(sku: str, unit: str, index: _Index) -> bool:
    if unit in _GENERIC_UNITS:
        return True
    return _UNIT_KIND.get(unit, unit) in index.unit_kinds.get(sku, frozenset())


def _apply_unit(ranked: list[str], unit: str | None, index: _Index) -> list[str]:
    """Keep the candidates the unit fits; failing that, their siblings it fits."""
    if unit is None or unit in _GENERIC_UNITS or not ranked:
        return ranked
    fitting = [sku for sku in ranked if _fits(sku, unit, index)]
    if fitting:
        return fitting
    redirected: list[str] = []
    for sku in ranked:
        for sibling in index.siblings.get(sku, ()):
            if sibling not in redirected and _fits(sibling, unit, index):
                redirected.append(sibling)
    return redirected or ranked


def _unit_matches(ranked: Sequence[str], unit: str | None, index: _Index) -> bool | None:
    if unit is None or len(ranked) != 1:
        return None
    return _fits(ranked[0], unit, index)


def _rank_span(tiers: Mapping[str, float], index: _Index) -> list[str]:
    """Candidates of one mention: exact matches and their siblings, else the best tier."""
    top = max(int(strength) for strength in tiers.values())
    if top == EXACT:
        exact = [sku for sku, strength in tiers.items() if strength >= EXACT]
        keep = [
            sku
            for sku, strength in tiers.items()
            if strength >= EXACT or any(sku in index.siblings.get(e, ()) for e in exact)
        ]
    else:
        keep = [sku for sku, strength in tiers.items() if int(strength) == top]
    return sorted(keep, key=lambda sku: (-tiers[sku], index.order.get(sku, 0)))


def _unit_in_span(toks: Sequence[_Tok], ranked: Sequence[str], index: _Index) -> str | None:
    """A unit word inside the product words ("orange box"), if it fits a candidate."""
    for tok in toks:
        unit = _EN_UNITS.get(tok.key) if tok.kind == "word" else tok.key
        known = unit in _EN_UNITS.values() or unit in _ZH_UNITS
        if (
            unit is not None
            and known
            and unit not in _GENERIC_UNITS
            and any(_fits(sku, unit, index) for sku in ranked)
        ):
            return unit
    return None


def _fuzzy_scores(query: str, index: _Index) -> dict[str, float]:
    """Each product's best rapidfuzz score (0-100) against its names and aliases."""
    query = query[:_MAX_FUZZY_CHARS].strip()
    squeezed = query.replace(" ", "")
    if len(squeezed) < (3 if squeezed.isascii() else 2):
        return {}
    spaced = " " in query
    scores: dict[str, float] = {}
    for term in index.fuzzy_terms:
        score = fuzz.ratio(squeezed, term.squeezed)
        if spaced or " " in term.text:
            score = max(score, fuzz.token_sort_ratio(query, term.text))
        if score > scores.get(term.sku, 0.0):
            scores[term.sku] = score
    return scores


def _refine(ranked: list[str], query: str, index: _Index) -> list[str]:
    """Let the words around a vague mention pick one candidate when clearly closer to it.

    "hnad cream": "cream" fits two creams, but "hnad cream" is closest to the hand cream.
    """
    scores = _fuzzy_scores(query, index)
    ordered = sorted(ranked, key=lambda sku: -scores.get(sku, 0.0))
    best, second = (scores.get(sku, 0.0) for sku in ordered[:2])
    if best >= 75 and best - second >= 8:
        return [ordered[0]]
    return ranked


def _said_quantity(quantities: Sequence[_Quantity]) -> tuple[int | None, str | None]:
    """The first number said and its unit (or the first unit said on its own)."""
    valued = next((q for q in quantities if q.value is not None), None)
    unit = valued.unit if valued is not None and valued.unit else None
    if unit is None:
        unit = next((q.unit for q in quantities if q.unit), None)
    return (valued.value if valued is not None else None), unit


def _span_item(
    text: _Text,
    analysis: _Analysis,
    index: _Index,
    span: _Span,
    quantities: Sequence[_Quantity],
    segment: tuple[int, int],
) -> ParsedItem:
    """The item of one product mention.

    A vague mention ("cream" in "hnad cream") takes in the unknown words around it, which
    may pick the product and are quoted with it; an exact one does not ("I love rose
    masks, 2 more" quotes "rose masks").
    """
    labels = analysis.labels
    value, unit = _said_quantity(quantities)
    first, last = span.start, span.end
    vague = max(span.tiers.values()) < EXACT
    while vague and first > segment[0] and labels[first - 1] == "content":
        first -= 1
    while vague and last < segment[1] and labels[last] == "content":
        last += 1
    ranked = _rank_span(span.tiers, index)
    if unit is None:
        unit = _unit_in_span(text.toks[span.start : span.end], ranked, index)
    if (first, last) != (span.start, span.end) and len(ranked) > 1:
        ranked = _refine(ranked, _join_keys(text.toks[first:last]), index)
    ranked = _apply_unit(ranked, unit, index)[:MAX_CANDIDATES]
    return ParsedItem(
        text=text.quote(first, last),
        quantity=1 if value is None else value,
        candidates=tuple(ranked),
        suggestions=(),
        unit=unit,
        unit_matches=_unit_matches(ranked, unit, index),
    )


def _span_items(
    text: _Text,
    analysis: _Analysis,
    index: _Index,
    segment: tuple[int, int],
    spans: Sequence[_Span],
) -> list[tuple[int, ParsedItem]]:
    """Items of a segment naming products; each takes the quantity before it, or after it.

    When the segment starts with a quantity ("2 rose masks 1 hand cream", "两盒面膜一支
    护手霜") each product takes the quantity written before it; otherwise each takes the
    one after it ("rose mask x2 hand cream x1", "玫瑰面膜两盒护手霜一支").
    """
    start, end = segment
    bounds: list[tuple[int, int]] = []
    previous = start
    for span in spans:
        bounds.append((previous, span.start))
        previous = span.end
    bounds.append((previous, end))
    windows = [[q for q in analysis.quantities if a <= q.start < b] for a, b in bounds]
    count = len(spans)
    before = bool(windows[0]) or not windows[count]
    items: list[tuple[int, ParsedItem]] = []
    for k, span in enumerate(spans):
        if count == 1:
            chosen = windows[0] or windows[1]
        elif before:
            chosen = windows[k] or (windows[count] if k == count - 1 else [])
        else:
            chosen = windows[k + 1]
        items.append((span.start, _span_item(text, analysis, index, span, chosen, segment)))
    return items


def _first_content_run(labels: Sequence[str], start: int, end: int) -> tuple[int, int] | None:
    first = next((i for i in range(start, end) if labels[i] == "content"), None)
    if first is None:
        return None
    last = first
    while last < end and labels[last] == "content":
        last += 1
    return first, last


def _is_service(keys: Sequence[str], index: _Index) -> bool:
    """Words about the service or a question ("pay", "退货", "how much"), not a product."""
    if any(k in _SERVICE_WORDS or k in _WH_WORDS for k in keys):
        return True
    phrases = (*index.service_phrases, *_WH_PHRASES)
    return any(_find(keys, phrase) is not None for phrase in phrases)


def _content_item(
    text: _Text,
    analysis: _Analysis,
    index: _Index,
    segment: tuple[int, int],
    message_orders: bool,
) -> ParsedItem | None:
    """A segment naming no known product: a typo of one, an unknown product, or nothing."""
    start, end = segment
    run = _first_content_run(analysis.labels, start, end)
    if run is None:
        return None
    first, last = run
    toks = text.toks[first:last]
    quantities = [q for q in analysis.quantities if start <= q.start < end]
    value, unit = _said_quantity(quantities)
    quantity = 1 if value is None else value
    scores = _fuzzy_scores(_join_keys(toks), index)
    ranked = sorted(scores, key=lambda sku: (-scores[sku], index.order.get(sku, 0)))
    if ranked and scores[ranked[0]] >= FUZZY_ACCEPT:
        floor = max(FUZZY_ACCEPT, scores[ranked[0]] - 5)
        candidates = _apply_unit([s for s in ranked if scores[s] >= floor], unit, index)
        candidates = candidates[:MAX_CANDIDATES]
        return ParsedItem(
            text.quote(first, last),
            quantity,
            tuple(candidates),
            (),
            unit,
            _unit_matches(candidates, unit, index),
        )
    labels = analysis.labels[start:end]
    cue = (
        any(q.explicit for q in quantities)
        or "strong" in labels
        or "weak" in labels
        or message_orders
    )
    words = sum(1 for t in toks if t.kind == "word")
    if not cue or words > _MAX_UNKNOWN_WORDS or len(toks) > _MAX_UNKNOWN_TOKENS:
        return None
    if len(toks) == 1 and toks[0].kind == "word" and len(toks[0].key) < 2:
        return None  # "31m", "2 x": a stray letter is no product name
    if _is_service([t.key for t in toks], index):
        return None
    suggestions = tuple(s for s in ranked if scores[s] >= FUZZY_SUGGEST)[:MAX_SUGGESTIONS]
    return ParsedItem(text.quote(first, last), quantity, (), suggestions, unit, None)


def _segments(labels: Sequence[str]) -> list[tuple[int, int]]:
    """Token ranges between separators ("and", "和", ",", newline...)."""
    segments: list[tuple[int, int]] = []
    start = 0
    for i, label in enumerate([*labels, "sep"]):
        if label == "sep":
            if i > start:
                segments.append((start, i))
            start = i + 1
    return segments


def _join_bare_quantities(
    segments: list[tuple[int, int]], analysis: _Analysis
) -> list[tuple[int, int]]:
    """A part holding only a quantity belongs to the product before it ("hand cream, 2")."""
    joined: list[tuple[int, int]] = []
    previous_named = False
    for start, end in segments:
        labels = analysis.labels[start:end]
        named = "span" in labels
        bare = not named and "content" not in labels
        counted = any(start <= q.start < end and q.value is not None for q in analysis.quantities)
        if joined and previous_named and bare and counted:
            joined[-1] = (joined[-1][0], end)
            continue
        joined.append((start, end))
        previous_named = named
    return joined


def _items(text: _Text, analysis: _Analysis, index: _Index) -> list[ParsedItem]:
    found: list[tuple[int, ParsedItem]] = []
    without_products: list[tuple[int, int]] = []
    for segment in _join_bare_quantities(_segments(analysis.labels), analysis):
        spans = [s for s in analysis.spans if segment[0] <= s.start < segment[1]]
        if spans:
            found.extend(_span_items(text, analysis, index, segment, spans))
        else:
            without_products.append(segment)
    message_orders = bool(found) or "strong" in analysis.labels
    for segment in without_products:
        item = _content_item(text, analysis, index, segment, message_orders)
        if item is not None:
            found.append((segment[0], item))
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found][:MAX_ITEMS]


# --- public functions -------------------------------------------------------------------------


def parse_order(text: str, catalog: Catalog) -> OrderIntent | None:
    """The order a message places, or None when it is not an attempt to order.

    None for greetings, thanks, questions ("are they genuine?", "是正品吗", "how much is
    shipping"), empty or emoji-only text and code-looking junk. See the module docstring
    for how products, quantities and units are read.
    """
    prepared = _prepare(text)
    if prepared is None or not any(t.kind in ("word", "cjk", "num") for t in prepared.toks):
        return None
    if _CODE_RE.search(prepared.norm):
        return None
    more = _more_of_last(prepared)
    if more is not None:
        return more
    index = _index_for(catalog)
    analysis = _analyse(prepared, index)
    if _is_question(prepared, analysis) or _is_chatter(prepared, analysis, index):
        return None
    items = _items(prepared, analysis, index)
    return OrderIntent(items=tuple(items)) if items else None


def parse_number(text: str) -> int | None:
    """A bare quantity, as typed when asked "how many?".

    "3", "three", "三", "两", "十二", "二十", "3 boxes", "三盒", "x3", "a dozen", "just 2
    please", "要三个". None when there is no number, more than one, a decimal ("2.5": ask
    again rather than guess) or other words ("3 rose masks" is an order, not a number).
    """
    prepared = _prepare(text)
    if prepared is None:
        return None
    toks = prepared.toks
    labels = _base_labels(toks)
    _label_phrases(toks, labels)
    quantities = _read_quantities(toks, labels)
    valued = [q for q in quantities if q.value is not None]
    if len(valued) != 1 or not valued[0].whole:
        return None
    for tok, label in zip(toks, labels, strict=True):
        if label is None and tok.key not in _STOP and tok.kind != "mult":
            return None
    return valued[0].value


def match_faq(text: str, catalog: Catalog) -> FaqEntry | None:
    """The FAQ entry a question is about, or None.

    Each keyword found in the text (whole words in English, anywhere in Chinese) scores
    its length, so "how long does shipping take" prefers shipping over a stray "pay";
    a text close to an entry's question scores too. Ties go to the earlier entry.
    """
    prepared = _prepare(text)
    if prepared is None or not prepared.toks:
        return None
    index = _index_for(catalog)
    keys = [t.key for t in prepared.toks]
    joined = _join_keys([t for t in prepared.toks if t.kind != "sep"])
    best: FaqEntry | None = None
    best_score = 0.0
    for faq in index.faq:
        score = float(sum(len("".join(k)) for k in faq.keywords if _find(keys, k) is not None))
        if any(fuzz.ratio(joined, question) >= 85 for question in faq.questions):
            score += 10
        if score > best_score:
            best, best_score = faq.entry, score
    return best


def detect_language(text: str) -> str | None:
    """Return "zh" if the text has Chinese characters, "en" if Latin letters, else None."""
    if not isinstance(text, str):
        return None
    sample = unicodedata.normalize("NFKC", text[: MAX_CHARS * 4])
    if _HAN_RE.search(sample):
        return "zh"
    if _LATIN_RE.search(sample):
        return "en"
    return None


def rank_products(query: str, catalog: Catalog, limit: int = 5) -> list[str]:
    """Skus best matching a search phrase, best first; for search and "did you mean".

    Exact names and aliases score 100, words inside a name 85-90, a category or tag
    75-80, and otherwise the rapidfuzz similarity of the words to any name or alias in
    either language; below ``FUZZY_SUGGEST`` a product is left out, so nonsense finds
    nothing rather than random products.
    """
    if limit <= 0:
        return []
    prepared = _prepare(query)
    if prepared is None or not prepared.toks:
        return []
    index = _index_for(catalog)
    analysis = _analyse(prepared, index)
    scores: dict[str, float] = {}
    for span in analysis.spans:
        top = max(int(strength) for strength in span.tiers.values())
        for sku, strength in span.tiers.items():
            if int(strength) > CATEGORY or top == CATEGORY:  # "mask" is not the hand cream
                scores[sku] = max(scores.get(sku, 0.0), min(100.0, 65.0 + 10.0 * strength))
    words = [
        tok
        for tok, label in zip(prepared.toks, analysis.labels, strict=True)
        if label in ("content", "span")
    ]
    for sku, score in _fuzzy_scores(_join_keys(words), index).items():
        if score >= FUZZY_SUGGEST:
            scores[sku] = max(scores.get(sku, 0.0), score)
    ranked = sorted(scores, key=lambda sku: (-scores[sku], index.order.get(sku, 0)))
    return ranked[:limit]
