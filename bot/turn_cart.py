"""The customer's cart as one message sees it: read at most once per message.

The router reads the cart to read the message (what "this one" or "another" can mean)
and the handler it picks reads it again to act; each read was a round trip to the
database (issue 14). The turn's cart starts from what the message read first
(``TurnRepository.begin``) and follows the turn's own writes, so a handler sees what it
just did. Another worker changing the same cart meanwhile is what the compare-and-set
``replace_qty`` is for: a lost race forgets the copy, and the next look reads again.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.store import CartLine, Store


class TurnCart:
    def __init__(self, store: Store, customer_key: str, lines: Iterable[CartLine] | None) -> None:
        self._store = store
        self._key = customer_key
        self._lines: list[CartLine] | None = None if lines is None else list(lines)

    async def lines(self) -> list[CartLine]:
        """The cart's lines, oldest first (a copy: changing it changes nothing)."""
        if self._lines is None:
            self._lines = await self._store.carts.lines(self._key)
        return list(self._lines)

    async def quantities(self) -> dict[str, int]:
        return {line.sku: line.qty for line in await self.lines()}

    async def set_qty(self, sku: str, qty: int, seen_price_minor: int | None = None) -> None:
        """Set a line's quantity; zero or less removes it (``CartRepository.set_qty``)."""
        await self._store.carts.set_qty(self._key, sku, qty, seen_price_minor)
        self._follow(sku, qty, seen_price_minor)

    async def replace_qty(self, sku: str, expected: int, qty: int, seen_price_minor: int) -> bool:
        """Compare-and-set (``CartRepository.replace_qty``); False when the line was not
        ``expected`` any more, and the copy is forgotten."""
        if await self._store.carts.replace_qty(self._key, sku, expected, qty, seen_price_minor):
            self._follow(sku, qty, seen_price_minor)
            return True
        self.forget()
        return False

    async def mark_seen(self, prices: dict[str, int]) -> None:
        await self._store.carts.mark_seen(self._key, prices)
        if self._lines is not None:
            self._lines = [
                CartLine(line.sku, line.qty, prices.get(line.sku, line.seen_price_minor))
                for line in self._lines
            ]

    async def clear(self) -> None:
        await self._store.carts.clear(self._key)
        self._lines = []

    def forget(self) -> None:
        """The cart changed another way (an order placed takes it): read it again."""
        self._lines = None

    def _follow(self, sku: str, qty: int, seen_price_minor: int | None) -> None:
        # As the store does it: a new line goes last, a changed one keeps its place and
        # its seen price unless a new one is given, zero or less removes it.
        if self._lines is None:
            return
        at = next((i for i, line in enumerate(self._lines) if line.sku == sku), None)
        if qty <= 0:
            if at is not None:
                del self._lines[at]
        elif at is None:
            self._lines.append(CartLine(sku, qty, seen_price_minor))
        else:
            seen = (
                self._lines[at].seen_price_minor if seen_price_minor is None else seen_price_minor
            )
            self._lines[at] = CartLine(sku, qty, seen)
