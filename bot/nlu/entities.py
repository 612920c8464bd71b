"""What a message is about, as the readers report it: products with quantities."""

from __future__ import annotations

from dataclasses import dataclass

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
    said or the product is not settled. ``whole`` is False when a fraction was said
    ("半斤", "一斤半", "2.5 jin") and ``quantity`` is it rounded up.
    """

    text: str
    quantity: int
    candidates: tuple[str, ...]
    suggestions: tuple[str, ...]
    unit: str | None = None
    unit_matches: bool | None = None
    whole: bool = True


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """What an order message asks for: items, or more of the customer's last product."""

    items: tuple[ParsedItem, ...]
    more_of_last: bool = False
    more_quantity: int = 1
