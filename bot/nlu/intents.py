"""What a message wants: the intents, and the cue words that tell them.

A message is cut into parts at sentence punctuation ("你好，我要两盒面膜" is a greeting
and an order); each part is matched against the cues of both lexicons, tried in
``CUE_ORDER``: the first intent whose cue a part holds is what the part wants. The order
is the rule for overlapping cues: a complaint ("the oranges arrived rotten, I want a
refund") is not a return question, "cancel my order" is not removing a product, "remove the
hand cream" is not an order for it, and "tell me about the kiwis" is not buying kiwis.
Orders themselves (ADD) are not cue words but the order parser's finding; a part with no
cue and no order is social (greeting, thanks, small talk) or unknown.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.nlu import lexicon_en, lexicon_zh


class Intent(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    SMALL_TALK = "small_talk"
    ADD = "add"
    REMOVE = "remove"
    SET_QUANTITY = "set_quantity"
    REPLACE = "replace"
    EMPTY_CART = "empty_cart"
    SHOW_CART = "show_cart"
    CHECKOUT = "checkout"
    PRICE = "price"
    STOCK = "stock"
    PRODUCT_INFO = "product_info"
    SHIPPING = "shipping"
    PAYMENT = "payment"
    RETURNS = "returns"
    MY_ORDERS = "my_orders"
    PAID = "paid"
    CANCEL_ORDER = "cancel_order"
    REORDER = "reorder"
    COMPLAINT = "complaint"
    HUMAN = "human"
    OPT_OUT = "opt_out"
    UNKNOWN = "unknown"


# The only intents that may change a cart (and only when the reading is unambiguous).
CART_CHANGES = frozenset(
    {Intent.ADD, Intent.REMOVE, Intent.SET_QUANTITY, Intent.REPLACE, Intent.EMPTY_CART,
     Intent.REORDER}
)  # fmt: skip
# Questions the shop's own data answers, the same for everyone: fine in a group.
PUBLIC = frozenset(
    {Intent.PRICE, Intent.STOCK, Intent.PRODUCT_INFO, Intent.SHIPPING, Intent.PAYMENT,
     Intent.RETURNS}
)  # fmt: skip
SOCIAL = frozenset({Intent.GREETING, Intent.THANKS, Intent.SMALL_TALK})

# Firmest first: see the module docstring. ADD comes between the cart edits and the
# questions in the reading itself (bot/nlu/reading.py), not here.
CUE_ORDER = (
    Intent.OPT_OUT,
    Intent.HUMAN,
    Intent.COMPLAINT,
    Intent.PAID,
    Intent.CANCEL_ORDER,
    Intent.MY_ORDERS,
    Intent.REORDER,
    Intent.EMPTY_CART,
    Intent.SHOW_CART,
    Intent.REPLACE,
    Intent.SET_QUANTITY,
    Intent.REMOVE,
    Intent.RETURNS,
    Intent.CHECKOUT,
    Intent.SHIPPING,
    Intent.PAYMENT,
    Intent.PRICE,
    Intent.STOCK,
    Intent.PRODUCT_INFO,
    Intent.THANKS,
    Intent.GREETING,
    Intent.SMALL_TALK,
)


def _compile(intent: Intent) -> re.Pattern[str]:
    patterns = (*lexicon_en.CUES.get(intent.value, ()), *lexicon_zh.CUES.get(intent.value, ()))
    return re.compile("|".join(f"(?:{p})" for p in patterns))


CUES = {intent: _compile(intent) for intent in CUE_ORDER}
THIS_ONE = re.compile(f"(?:{lexicon_en.THIS_ONE})|(?:{lexicon_zh.THIS_ONE})")
# Where a message divides into parts that may want different things.
PART_BREAK = re.compile(
    r"[,;!?\n。！？；，~～]+|\.(?:\s|$)+|\s+(?:and then|then|also)\s+|然后|另外"
)


def cues_in(part: str) -> list[Intent]:
    """Every intent whose cue the part holds, in ``CUE_ORDER``."""
    return [intent for intent in CUE_ORDER if CUES[intent].search(part)]


def parts_of(cue_text: str) -> list[str]:
    return [p.strip() for p in PART_BREAK.split(cue_text) if p and p.strip()]
