"""What the bot must not answer itself, and when the owner is there to answer: pure
policies over a reading, the text and a clock (the live route, the bench and the tests
call these same functions).

The rule, firmest first:

1. Health, allergies, pregnancy, children, medicine: always the owner, even when the
   catalog seems to answer ("is the baby cream ok for my newborn's eczema?"). A wrong
   confident answer here can hurt someone.
2. A request for a person, a complaint: the owner.
3. A question the shop's data cannot answer with confidence (the reading is a guess, or
   asks about something that is neither a product nor a policy): the owner.
4. Anything else is answered by the bot (an order, a price, stock, a policy, the FAQ).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.hours import parse_window, within
from bot.nlu import match_faq
from bot.nlu.intents import CART_CHANGES, SOCIAL, Intent
from bot.nlu.reading import CLEAR, Reading, fold
from bot.store import TicketReason

# Health, allergies, pregnancy, children and medicine, in both languages (typos of the
# common words too). Bare "baby" is left out: the shop sells baby wipes, and "how much
# are the baby wipes" is a price question; "my baby", "宝宝", "newborn" are about a child.
RISKY = re.compile(
    r"pregnan|preg?nent|breast ?feed|nursing|allerg|alergic|lactose|gluten|"
    r"\bmy (?:baby|babies|son|daughter|kids?|child|toddler|newborn)\b|newborn|infant|toddler|"
    r"\bkids?\b|\bchild(?:ren)?\b|months? old|years? old|"
    r"medicine|medication|\bmeds\b|\bdrugs?\b|\bpills?\b|prescri|doctor|diabet|"
    r"blood pressure|eczema|asthma|cancer|\bsick\b|\bill\b|side effects?|\bsafe\b|"
    r"\bhealth|\bheal(?:thy)?\b|\bcure\b|\btreat|"
    r"怀孕|孕妇|孕期|备孕|哺乳|喂奶|过敏|宝宝|小孩|孩子|儿童|婴儿能|幼儿|新生儿|"
    r"个月大|岁的|吃药|药物|\S?药|医生|糖尿病|高血压|湿疹|哮喘|生病|副作用|安全吗|能治|治疗|健康"
)
# A deal only the owner can make: discounts, bargaining, wholesale.
DEAL = re.compile(r"discount|cheaper|wholesale|bargain|\bdeal\b|便宜|优惠|打折|折扣|批发|砍价")
# Details the catalog does not hold (it has a description and an origin): the owner
# knows a product's shelf life and ingredients; the bot could only guess.
UNHELD_DETAIL = re.compile(
    r"shelf life|expir|best before|ingredient|how long (?:does|do|will) (?:it|they) "
    r"(?:keep|last)|保质期|能放多久|放多久|过期|成分|配料"
)
# A message that asks something, in either language ("?", wh-words, 吗, 能不能).
ASKS = re.compile(
    r"[?？]|\b(?:what|whats|how|why|where|when|who|whos|which|can|could|is|are|do|does|"
    r"did|will|would|should|may|wat|hw|wut)\b|吗|嘛|么|呢|什么|怎么|为什么|哪|谁|几|多少|能不能|"
    r"可不可以|可以|是否|有没有|是不是"
)


def handoff_reason(reading: Reading, catalog: Catalog) -> TicketReason | None:
    """Why this message goes to the owner, or None when the bot answers it itself."""
    text = fold(reading.text)
    asks = bool(ASKS.search(text))
    if RISKY.search(text) and (asks or reading.main not in CART_CHANGES):
        return TicketReason.RISKY
    if reading.main is Intent.HUMAN:
        return TicketReason.HUMAN
    if reading.has(Intent.COMPLAINT):  # "I want to return it, it tastes stale" too
        return TicketReason.COMPLAINT
    if DEAL.search(text) and asks:
        return TicketReason.QUESTION
    if reading.main is Intent.PRODUCT_INFO and UNHELD_DETAIL.search(text):
        return TicketReason.QUESTION
    if reading.main in SOCIAL or not asks:
        return None  # an order, a greeting, or words nobody understood: not a question
    if reading.main is Intent.UNKNOWN or reading.confidence < CLEAR:
        # The FAQ may still know ("是正品吗"): the FAQ route answers those.
        return None if match_faq(reading.text, catalog) is not None else TicketReason.QUESTION
    if reading.main is Intent.PRODUCT_INFO and not reading.products:
        # "what is the meaning of life", "whats ur wifi password": no product of ours.
        return None if match_faq(reading.text, catalog) is not None else TicketReason.QUESTION
    # "wut is bitcoin price today", "能便宜点吗": the price of nothing we sell, or a deal
    # only the owner can make. "do you sell durian?" names one thing: we don't; a bare
    # "多少钱" is asked which product it means.
    if (
        reading.main in (Intent.PRICE, Intent.STOCK)
        and not reading.products
        and reading.unknown
        and (reading.main is Intent.PRICE or not _one_thing(reading.unknown))
    ):
        return TicketReason.QUESTION
    # "can you give me your bank password", "can you send me a birthday gift?": asked for
    # something that is not one of our products.
    if (
        reading.main is Intent.ADD
        and not any(len(item.candidates) == 1 for item in reading.items)
        and (not reading.items or any(not item.candidates for item in reading.items))
    ):
        return TicketReason.QUESTION
    return None


def _one_thing(words: str | None) -> bool:
    """A product name we could say we don't sell: one or two words, a few characters."""
    if not words:
        return False
    if any("\u4e00" <= ch <= "\u9fff" for ch in words):
        return len(words.replace(" ", "")) <= 4
    return len(words.split()) <= 2


# --- business hours -------------------------------------------------------------------


def is_open(now: datetime, spec: str, timezone: str) -> bool:
    """Whether ``now`` (UTC) falls within the business hours (shop time zone)."""
    return within(now.astimezone(ZoneInfo(timezone)).time(), *parse_window(spec))


def next_opening(now: datetime, spec: str, timezone: str) -> datetime:
    """The next moment the business hours begin after ``now`` (in the shop's zone)."""
    start, _ = parse_window(spec)
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    opening = datetime.combine(local.date(), start, tzinfo=zone)
    return opening if opening > local else opening + timedelta(days=1)


def open_time_between(start: datetime, end: datetime, spec: str, timezone: str) -> timedelta:
    """How much of [start, end) fell within business hours, to the minute."""
    total = timedelta()
    step = timedelta(minutes=1)
    moment = start.replace(second=0, microsecond=0)
    # A waiting ticket is at most days old: minutes are cheap enough and exact at DST.
    limit = min(end, start + timedelta(days=14))
    while moment < limit:
        if is_open(moment, spec, timezone):
            total += step
        moment += step
    return total
