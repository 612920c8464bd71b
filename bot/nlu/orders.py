"""Orders in words: ``parse_order`` (what a message puts in the cart), ``parse_number``
(a bare "how many?" answer) and "one more" / "再来两个".

Everything here is pure: the same text and catalog always give the same answer, nothing is
read or written, and no input makes it raise.
"""

from __future__ import annotations

import re

from bot.catalog import Catalog
from bot.nlu.analysis import analyse, base_labels, label_phrases
from bot.nlu.catalog_index import index_for
from bot.nlu.entities import OrderIntent, ParsedItem
from bot.nlu.items import items_of
from bot.nlu.lexicon import CODE_RE, EN_NUMBERS, EN_UNITS, STOP
from bot.nlu.quantities import Quantity, read_quantities
from bot.nlu.questions import is_chatter, is_question
from bot.nlu.text import Text, join_keys, prepare

# --- "one more", "再来两个" -----------------------------------------------------------------------

EN_NUM = (
    r"(?:\d+|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|"
    + "|".join(sorted(EN_NUMBERS, key=len, reverse=True))
    + r"|an?)"
)
EN_UNIT = "(?:" + "|".join(sorted(EN_UNITS, key=len, reverse=True)) + ")"
EN_OF = r"(?:\s+of\s+(?:those|these|them|that|it|thi|the\s+same))?"
EN_MORE_RE = re.compile(
    r"(?:(?:ok|okay|yes|yeah|and|also|hi|hey|please|pls|plz|can\s+i\s+get|can\s+i\s+have|"
    r"could\s+i\s+get|could\s+i\s+have|ill\s+have|ill\s+take|i\s+will\s+have|i\s+will\s+take|"
    r"i\s+want|i\s+would\s+like|id\s+like|let\s+me\s+get|let\s+me\s+have|give\s+me|get\s+me|"
    r"make\s+it|add|i\s+need)(?:\s*[,.!])?\s*)*"
    r"(?:"
    rf"(?P<n1>{EN_NUM})\s+more(?:\s+(?:{EN_UNIT}|one))?{EN_OF}"
    rf"|another(?:\s+(?P<n2>{EN_NUM}))?(?:\s+(?:{EN_UNIT}|one))?{EN_OF}"
    rf"|add\s+(?P<n3>{EN_NUM})(?:\s+(?:{EN_UNIT}|one|more))?{EN_OF}"
    r"|(?:the\s+)?same(?:\s+(?:one|thing|order))?\s+again"
    r"|(?:the\s+)?same(?:\s+(?:one|thing|order))?\s+as\s+(?:before|last\s+time|last|usual)"
    r"|more\s+of\s+(?:the\s+same|those|these|them|that|it)"
    r")"
    r"(?:\s*(?:please|pls|plz|thank\s+you|thank\s+u|thank|thx|ty|too|as\s+well|[,.!;]))*"
)
ZH_NUM = r"(?:[零〇一二两俩三四五六七八九十百千万]+|\d+)"
ZH_COUNTER = "(?:个|盒|箱|斤|包|袋|罐|支|饼|片|份|件|瓶|只|条|块|提|套|听|单|次|样)?"
ZH_MORE_RE = re.compile(
    r"(?:好的|好|嗯|那|那就|行|ok|亲|[,.!])*(?:我|给我|帮我|麻烦)?(?:一样的|同样的|照旧|老样子|[,.!])*"
    r"(?:"
    rf"(?:再|还|又|多)(?:加|来|要|买|拿|添|订|下单|拍)(?P<n1>{ZH_NUM})?{ZH_COUNTER}"
    rf"|(?:再|还|又|多)(?P<n2>{ZH_NUM}){ZH_COUNTER}"
    rf"|(?:加|添)(?P<n3>{ZH_NUM}){ZH_COUNTER}"
    r"|照旧|老样子"
    r")"
    r"(?:一样的|同样的|的)?(?:吧|呗|哈|啊|呀|哦|嘛|谢谢|好了|就好|就行|[,.!])*"
)
MORE_MAX_TOKENS = 16


def read_more_of_last(text: Text) -> OrderIntent | None:
    """More of the last product: "one more", "another 2", "same again", "再加一个", "再来两个".

    Only the whole message counts; "one more rose mask" names its product and is parsed
    as an ordinary item.
    """
    if not text.toks or len(text.toks) > MORE_MAX_TOKENS:
        return None
    spaced = join_keys(text.toks)
    match = EN_MORE_RE.fullmatch(spaced) or ZH_MORE_RE.fullmatch(spaced.replace(" ", ""))
    if match is None:
        return None
    said = next((g for g in match.groupdict().values() if g), None)
    quantity = parse_number(said) if said else None
    return OrderIntent(
        items=(), more_of_last=True, more_quantity=1 if quantity is None else quantity
    )


# --- public functions -------------------------------------------------------------------------


def parse_order(text: str, catalog: Catalog) -> OrderIntent | None:
    """The order a message places, or None when it is not an attempt to order.

    None for greetings, thanks, questions ("are they genuine?", "是正品吗", "how much is
    shipping"), empty or emoji-only text and code-looking junk. See the module docstring
    for how products, quantities and units are read.
    """
    prepared = prepare(text)
    if prepared is None or not any(t.kind in ("word", "cjk", "num") for t in prepared.toks):
        return None
    if CODE_RE.search(prepared.norm):
        return None
    more = read_more_of_last(prepared)
    if more is not None:
        return more
    index = index_for(catalog)
    analysis = analyse(prepared, index)
    if is_question(prepared, analysis) or is_chatter(prepared, analysis, index):
        return None
    items = items_of(prepared, analysis, index)
    return OrderIntent(items=tuple(items)) if items else None


def parse_number(text: str) -> int | None:
    """A bare quantity, as typed when asked "how many?".

    "3", "three", "三", "两", "十二", "二十", "3 boxes", "三盒", "x3", "a dozen", "just 2
    please", "要三个". None when there is no number, more than one, a decimal ("2.5": ask
    again rather than guess) or other words ("3 rose masks" is an order, not a number).
    """
    quantity = bare_quantity(text)
    return None if quantity is None else quantity.value


def bare_quantity(text: str) -> Quantity | None:
    """A message that is only a quantity, with its unit if one was said ("5 jin please",
    "两盒吧", "3"): see ``parse_number``."""
    prepared = prepare(text)
    if prepared is None:
        return None
    toks = prepared.toks
    labels = base_labels(toks)
    label_phrases(toks, labels)
    quantities = read_quantities(toks, labels)
    valued = [q for q in quantities if q.value is not None]
    if len(valued) != 1 or not valued[0].whole:
        return None
    for tok, label in zip(toks, labels, strict=True):
        if label is None and tok.key not in STOP and tok.kind != "mult":
            return None
    return valued[0]


def mentioned_items(text: str, catalog: Catalog) -> tuple[ParsedItem, ...]:
    """The products a message names, with their quantities, whatever it asks or says.

    ``parse_order`` answers None for a question; a question still names its product ("how
    much are the walnuts"), and a cart edit names the lines it edits.
    """
    prepared = prepare(text)
    if prepared is None or not any(t.kind in ("word", "cjk", "num") for t in prepared.toks):
        return ()
    index = index_for(catalog)
    return tuple(items_of(prepared, analyse(prepared, index), index))
