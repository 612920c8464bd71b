"""Reading a reply against the numbered choices the person saw (platforms without buttons).

A number can only mean what the person saw (bot/presentation.py writes the lists):
- a bare "2", "选2", "第二个", "2️⃣" or "②" means the person's own latest list that has
  been delivered: one still on its way, or one that came on its own (a notice, a
  promotion), never takes the number over;
- a tagged list (an order notice: "B6AT7Y 1", a promotion: "A1") is answered with its tag;
- a number the list does not have says so ("choose 1-5"), and one that only an older list
  had says that list has expired;
- the words of a choice ("不用备注", "paid B6AT7Y") press it too.

``resolve`` reads the lists and chooses; ``choose`` is the pure part, for lists the
router already read with the rest of the message's state.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.presentation import choice_name
from bot.store import ChoiceList, Store

_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CHINESE_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUMBER = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
# "2", "选2", "选择 2", "我选2", "第二个", "第2项", "no. 2", "#2", "option 2", "2号".
_BARE = re.compile(
    rf"^(?:我?选(?:择)?|第|no\.?|number|option|choice|#)?\s*{_NUMBER}\s*(?:个|项|号|条)?$",
    re.IGNORECASE,
)
# "B6AT7Y 1", "A1", "a 1", "B6AT7Y-1".
_TAGGED = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,11}|[0-9][A-Za-z0-9]{4,11})\s*[-.]?\s*(\d{1,2})$")
_KEYCAP = "\ufe0f\u20e3"


@dataclass(frozen=True, slots=True)
class Press:
    """Press the button ``key``; ``shown`` is how the choice read ("2. Silk mask")."""

    key: str
    shown: str


@dataclass(frozen=True, slots=True)
class Explain:
    """Not a choice that exists: answer with the i18n ``message`` and ``values``."""

    message: str
    values: dict[str, str | int]


Resolution = Press | Explain


def normalise(text: str) -> str:
    """Full-width digits, circled numbers and keycaps as plain digits; trimmed."""
    text = text.replace(_KEYCAP, "").replace("\ufe0f", "").replace("🔟", "10")
    text = unicodedata.normalize("NFKC", text).strip()
    return text.rstrip("。.!！?？ ")


def read_number(text: str) -> int | None:
    """The choice number a reply names on its own, or None."""
    match = _BARE.match(normalise(text))
    return _to_int(match[1]) if match else None


def read_tagged(text: str) -> tuple[str, int] | None:
    """A tag and a number ("B6AT7Y 1" -> ("B6AT7Y", 1)), or None."""
    match = _TAGGED.match(normalise(text))
    return (match[1].upper(), int(match[2])) if match else None


def _to_int(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):  # 十二
        return 10 + _CHINESE_DIGITS.get(token[1:], 0)
    if token.endswith("十"):  # 二十
        return _CHINESE_DIGITS.get(token[0], 0) * 10
    if len(token) == 3 and token[1] == "十":  # 二十一
        return _CHINESE_DIGITS.get(token[0], 0) * 10 + _CHINESE_DIGITS.get(token[2], 0)
    if len(token) == 1:
        return _CHINESE_DIGITS.get(token)
    return None


def _words(label: str) -> str:
    """What a person would type for a label: no symbols, no case."""
    return " ".join(re.findall(r"\w+", label.casefold()))


def may_choose(text: str) -> bool:
    """Whether ``text`` could be a choice at all (short, not a command): the lists are
    read only for a reply that could be one."""
    text = text.strip()
    return bool(text) and not text.startswith("/") and len(text) <= 40


def people(chat_key: str, person_key: str) -> list[str]:
    """Whose lists a reply in the chat may answer: the person's own, and in a room also
    the lists posted to everyone there ('')."""
    return [person_key] if chat_key == person_key else [person_key, ""]


async def resolve(store: Store, chat_key: str, person_key: str, text: str) -> Resolution | None:
    """What ``text`` chooses among the lists ``person_key`` saw in the chat, an
    explanation when it names a choice that is not there, or None when it is no choice."""
    if not may_choose(text):
        return None
    return choose(await store.buttons.recent_lists(chat_key, people(chat_key, person_key)), text)


def choose(seen: Sequence[ChoiceList], text: str) -> Resolution | None:
    """``resolve`` over lists already read (newest first; the undelivered are skipped)."""
    text = text.strip()
    if not may_choose(text):
        return None
    lists = [c for c in seen if c.delivered]
    if not lists:
        return None
    conversation = [c for c in lists if not c.prefix]
    tagged: dict[str, ChoiceList] = {}
    for shown in lists:
        if shown.prefix:
            tagged.setdefault(shown.prefix, shown)  # newest first: the live one per tag
    number = read_number(text)
    if number is not None:
        return _bare_number(number, conversation, tagged)
    tag_and_number = read_tagged(text)
    if tag_and_number is not None and tag_and_number[0] in tagged:
        tag, number = tag_and_number
        return _pick(tagged[tag], number)
    return _by_words(text, conversation[:1], tagged)


def _bare_number(
    number: int, conversation: list[ChoiceList], tagged: dict[str, ChoiceList]
) -> Resolution | None:
    if conversation:
        live = conversation[0]
        if 1 <= number <= len(live.keys):
            return _pick(live, number)
        if any(number <= len(older.keys) for older in conversation[1:]):
            return Explain("choices.expired", {"last": len(live.keys)})
        return Explain("choices.out_of_range", {"last": len(live.keys)})
    if tagged:
        newest = next(iter(tagged.values()))
        example = number if 1 <= number <= len(newest.keys) else 1
        return Explain("choices.say_which", {"example": choice_name(newest.prefix, example)})
    return None


def _pick(shown: ChoiceList, number: int) -> Resolution:
    if not 1 <= number <= len(shown.keys):
        return Explain("choices.out_of_range", {"last": len(shown.keys)})
    label = shown.labels[number - 1] if number <= len(shown.labels) else ""
    return Press(shown.keys[number - 1], f"{choice_name(shown.prefix, number)}. {label}")


def _by_words(
    text: str, conversation: list[ChoiceList], tagged: dict[str, ChoiceList]
) -> Resolution | None:
    """A choice named by its words: exactly, or by the first words of one choice of the
    person's own list ("Stop" for "Stop promotions"); "paid B6AT7Y" / "B6AT7Y 已付款" for
    a tagged list."""
    said = _words(text)
    if not said:
        return None
    for shown in conversation:
        exact = [n for n, label in enumerate(shown.labels, 1) if _words(label) == said]
        starts = [n for n, label in enumerate(shown.labels, 1) if _words(label).startswith(said)]
        if len(exact) == 1:
            return _pick(shown, exact[0])
        if len(starts) == 1 and len(said) >= 2:
            return _pick(shown, starts[0])
    tokens = said.split()
    for tag, shown in tagged.items():
        if tag.casefold() not in tokens or len(tokens) < 2:
            continue
        rest = " ".join(token for token in tokens if token != tag.casefold())
        found = [n for n, label in enumerate(shown.labels, 1) if rest and rest in _words(label)]
        if len(found) == 1:
            return _pick(shown, found[0])
    return None
