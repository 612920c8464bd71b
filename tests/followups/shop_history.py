"""A shop with a purchase history, built on a FakeClock that starts months ago: customers
say hello through the real router, then orders are placed day by day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.messages import ChatRef
from bot.store import OrderLine, OrderRequest

from support import ChatHarness

# 10:00 in Shanghai (the sample shop's time zone), 82 days before "today".
START = datetime(2026, 9, 2, 2, 0, tzinfo=UTC)
DAY = 86400.0


async def open_shop(tmp_path: Path, start: datetime = START) -> ChatHarness:
    return await ChatHarness.open(tmp_path / "shop.db", clock=FakeClock(start))


async def meet(harness: ChatHarness, user: str, language: str = "en") -> None:
    harness.languages[user] = language
    await harness.say(user, "hello" if language == "en" else "你好")


async def buy(harness: ChatHarness, user: str, sku: str, qty: int = 1) -> str:
    """Place an order for ``user`` now (on the harness's clock); its number."""
    catalog = harness.shop.catalog_holder.catalog  # type: ignore[union-attr]
    product = catalog.product(sku)
    assert product is not None
    line = OrderLine(sku, product.name.en, product.name.zh, catalog.price_minor(product), qty)
    placed = await harness.shop.store.orders.place(
        OrderRequest(
            customer_key=f"test:{user}",
            chat=ChatRef("test", user),
            lines=(line,),
            currency="CNY",
            contact_name=user.title(),
            phone="13800138000",
            address="1 West Lake Road, Hangzhou",
            note="",
            language=harness.languages.get(user, "en"),
        )
    )
    assert not isinstance(placed, list), placed
    return placed.number


def days(harness: ChatHarness, count: float) -> None:
    harness.clock.advance(count * DAY)


def today(harness: ChatHarness) -> datetime:
    return harness.clock.now() + timedelta(0)
