"""Money as integer minor units with a currency; never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Minor-unit exponents of the currencies a social seller is likely to use.
CURRENCY_EXPONENTS: dict[str, int] = {
    "CNY": 2,
    "HKD": 2,
    "TWD": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "SGD": 2,
    "MYR": 2,
    "JPY": 0,
    "KRW": 0,
}
CURRENCY_SYMBOLS: dict[str, str] = {
    "CNY": "¥",
    "HKD": "HK$",
    "TWD": "NT$",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "SGD": "S$",
    "MYR": "RM",
    "JPY": "¥",
    "KRW": "₩",
}


def to_minor(amount: object, currency: str) -> int:
    """Turn a price as written in the catalog (``39.9``, ``"39.90"``) into minor units.

    Raises ValueError with a plain message when the amount is not a number or has more
    decimals than the currency allows.
    """
    exponent = CURRENCY_EXPONENTS[currency]
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{amount!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not a number")
    scaled = value * (Decimal(10) ** exponent)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {exponent} decimals for {currency}")
    return int(scaled.to_integral_value(rounding=ROUND_HALF_UP))


def format_money(minor: int, currency: str) -> str:
    """``3990, "CNY"`` -> ``¥39.90``."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if minor < 0 else ""
    value = Decimal(abs(minor)) / (Decimal(10) ** exponent)
    return f"{sign}{symbol}{value:.{exponent}f}"
