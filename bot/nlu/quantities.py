"""Quantities: digits, English number words, Chinese numerals, with their unit.

"x3", "3x", "×3", "1,000", "two boxes of", "a dozen", "half a dozen", "三斤", "两盒",
"十二", "一百零五". A decimal ("2.5 jin") is rounded up, as quantities are whole; halves in
Chinese ("半斤", "一斤半") are read by bot/nlu/halves.py before this.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.nlu.lexicon import (
    EN_BARE_UNITS,
    EN_COUNTS,
    EN_NUMBERS,
    EN_ONES,
    EN_TENS,
    EN_UNITS,
    ZH_DIGITS,
    ZH_NUMERALS,
    ZH_POWERS,
    ZH_UNITS,
)
from bot.nlu.text import Tok

HALF = "半"
DOZEN = "打"

# --- quantities ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    value: int | None  # None for a bare unit ("boxes of oranges")
    unit: str | None
    start: int  # token range
    end: int
    explicit: bool  # a number was written, not just "a" or a unit
    whole: bool = True  # False when written with a decimal point (rounded up)


def zh_number(chars: str) -> int:
    """一 -> 1, 十二 -> 12, 二十五 -> 25, 一百零五 -> 105, 两万 -> 20000."""
    total = section = 0
    digit: int | None = None
    for char in chars:
        if char in ZH_DIGITS:
            digit = ZH_DIGITS[char]
        elif char == "万":
            total += (section + (digit or 0)) * 10_000 or 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * ZH_POWERS[char]
            digit = None
    return total + section + (digit or 0)


def num_value(key: str) -> tuple[int, bool]:
    """(value, whole) of a numeric token; decimals are rounded up."""
    if "." not in key:
        return int(key), True
    try:
        return math.ceil(Decimal(key)), False
    except (InvalidOperation, ValueError, OverflowError):
        return 0, False


def en_number_at(toks: Sequence[Tok], i: int) -> tuple[int, int, bool] | None:
    """(value, end, explicit) of an English number starting at token i, if any."""
    key = toks[i].key
    nxt = toks[i + 1].key if i + 1 < len(toks) else ""
    if key == "half" and nxt == "a" and i + 2 < len(toks) and toks[i + 2].key == "dozen":
        return 6, i + 3, True
    if key in ("a", "an"):
        if nxt in EN_COUNTS:
            return EN_COUNTS[nxt], i + 2, True
        if nxt == "hundred":
            return 100, i + 2, True
        if nxt in EN_UNITS:
            return 1, i + 1, False
        return None
    if key in ("couple", "dozen"):
        return EN_COUNTS[key], i + 1, True
    if key not in EN_NUMBERS:
        return None
    value, end = EN_NUMBERS[key], i + 1
    if key in EN_TENS and nxt in EN_ONES and 1 <= EN_ONES[nxt] <= 9:
        value, end = value + EN_ONES[nxt], end + 1
    if end < len(toks) and toks[end].key == "hundred":
        value, end = value * 100, end + 1
    return value, end, True


def unit_at(
    toks: Sequence[Tok], free: Sequence[bool], j: int, after_number: bool
) -> tuple[str | None, int]:
    """The unit word at token j (and the index after it, skipping a following "of")."""
    if j >= len(toks) or not free[j]:
        return None, j
    tok = toks[j]
    unit: str | None = None
    end = j + 1
    if tok.kind == "word" and tok.key in EN_UNITS and (after_number or tok.key in EN_BARE_UNITS):
        unit = EN_UNITS[tok.key]
    elif tok.kind == "cjk" and after_number:
        pair = tok.key + toks[j + 1].key if j + 1 < len(toks) and free[j + 1] else ""
        if pair in ZH_UNITS:
            unit, end = pair, j + 2
        elif tok.key in ZH_UNITS:
            unit = tok.key
    if unit is None:
        return None, j
    if end < len(toks) and free[end] and toks[end].key == "of":
        end += 1
    return unit, end


def quantity_at(toks: Sequence[Tok], free: Sequence[bool], i: int) -> Quantity | None:
    """A quantity expression starting at token i: "x3", "3x", "two boxes of", "三斤"."""
    tok = toks[i]
    n = len(toks)

    def is_times(j: int) -> bool:
        return j < n and free[j] and (toks[j].kind == "mult" or toks[j].key == "x")

    if is_times(i) and i + 1 < n and free[i + 1] and toks[i + 1].kind == "num":
        value, whole = num_value(toks[i + 1].key)
        unit, end = unit_at(toks, free, i + 2, True)
        return Quantity(value, unit, i, end, True, whole)
    if tok.kind == "num":
        value, whole = num_value(tok.key)
        end = i + 1
        if end < n and free[end] and toks[end].key == DOZEN:
            return Quantity(value * 12, None, i, end + 1, True)  # "2打"
        if is_times(end) and not (end + 1 < n and toks[end + 1].kind == "num"):
            end += 1
        unit, end = unit_at(toks, free, end, True)
        return Quantity(value, unit, i, end, True, whole)
    if tok.kind == "word" and tok.key == "half" and i + 1 < n:
        after = i + 2 if toks[i + 1].key in ("a", "an") else i + 1
        unit, end = unit_at(toks, free, after, True)
        if unit and unit != "dozen":
            return Quantity(1, unit, i, end, True, whole=False)  # "half a jin"
    if tok.kind == "word":
        number = en_number_at(toks, i)
        if number is not None:
            value, end, explicit = number
            if is_times(end):
                end += 1
            unit, end = unit_at(toks, free, end, True)
            if unit is None and end < n and free[end] and toks[end].key == "of":
                end += 1  # "a couple of"
            return Quantity(value, unit, i, end, explicit)
        unit, end = unit_at(toks, free, i, False)
        return Quantity(None, unit, i, end, False) if unit else None
    if tok.kind == "cjk" and tok.key == HALF:
        unit, end = unit_at(toks, free, i + 1, True)
        # "半斤": half a unit; quantities are whole, so one, marked as rounded up.
        return Quantity(1, unit, i, end, True, whole=False) if unit else None
    if tok.kind == "cjk" and tok.key in ZH_NUMERALS:
        end = i
        while end < n and free[end] and toks[end].kind == "cjk" and toks[end].key in ZH_NUMERALS:
            end += 1
        value = zh_number("".join(t.key for t in toks[i:end]))
        if end < n and free[end] and toks[end].key == DOZEN:
            return Quantity(value * 12, None, i, end + 1, True)  # "一打": a dozen
        unit, end = unit_at(toks, free, end, True)
        if unit and end < n and free[end] and toks[end].key == HALF:
            return Quantity(value + 1, unit, i, end + 1, True, whole=False)  # "一斤半"
        return Quantity(value, unit, i, end, True)
    return None


def read_quantities(toks: Sequence[Tok], labels: list[str | None]) -> list[Quantity]:
    """Find quantity expressions among unlabelled tokens and label them "qty"."""
    found: list[Quantity] = []
    free = [label is None for label in labels]
    i = 0
    while i < len(toks):
        quantity = quantity_at(toks, free, i) if free[i] else None
        if quantity is None or not all(free[quantity.start : quantity.end]):
            i += 1
            continue
        found.append(quantity)
        for j in range(quantity.start, quantity.end):
            labels[j] = "qty"
            free[j] = False
        i = quantity.end
    return found
