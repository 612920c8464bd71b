"""Several workers, one customer (issue 13): two processes on one database file handle
the same person's messages at the same moment. The store protects the cart and the
order by itself, not by a per-process lock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support import OWNER, ChatHarness


@pytest.fixture
async def workers(tmp_path: Path) -> AsyncIterator[tuple[ChatHarness, ChatHarness]]:
    first = await ChatHarness.open(tmp_path / "shop.db")
    second = await ChatHarness.open(tmp_path / "shop.db", clock=first.clock)
    try:
        yield first, second
    finally:
        await second.close()
        await first.close()


async def test_cart_additions_on_two_workers_at_once_are_all_kept(
    workers: tuple[ChatHarness, ChatHarness],
) -> None:
    first = workers[0]
    for worker in workers:
        worker.languages["ivy"] = "en"
    await first.say("ivy", "/start")
    # Five messages "one more walnut", spread over both workers, all at once.
    await asyncio.gather(*(workers[i % 2].say("ivy", "1 walnuts") for i in range(5)))
    [line] = await first.shop.store.carts.lines("test:ivy")
    assert line.qty == 5


async def test_a_confirm_tapped_twice_on_two_workers_places_one_order(
    workers: tuple[ChatHarness, ChatHarness],
) -> None:
    first, second = workers
    store = first.shop.store
    for worker in workers:
        worker.languages["jo"] = "en"
    stock_before = await store.stock.level("WALNUTS")
    await first.say("jo", "2 walnuts")
    await first.press("jo", "check out")
    for answer in ("Jo", "13800138000", "1 Lake Road, Hangzhou"):
        await first.say("jo", answer)
    await first.press("jo", "no note")
    confirm = first.find_button("jo", "confirm order").action
    await asyncio.gather(first.press_key("jo", confirm), second.press_key("jo", confirm))

    orders = await store.orders.of_customer("test:jo")
    assert len(orders) == 1
    assert await store.stock.level("WALNUTS") == stock_before - 2
    owner_notices = [
        m
        for w in workers
        for m in w.messages_to(OWNER)
        if orders[0].number in m.text and "新订单" in m.text
    ]
    assert len(owner_notices) == 1
