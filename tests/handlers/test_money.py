"""Orders charge what the shop says: shipping by the catalog's rule, shown as its own line
everywhere an amount is; never a total the customer was not shown; and a customer's
cancel never undoes an order the owner has just marked paid."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import t
from bot.store import Order, OrderStatus

from support import OWNER, SAMPLE_CATALOG, ChatHarness, texts

SAMPLE = SAMPLE_CATALOG.read_text(encoding="utf-8")


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[ChatHarness]:
    """A shop on its own copy of the sample catalog, which a test may edit and /reload."""
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(SAMPLE, encoding="utf-8")
    harness = await ChatHarness.open(tmp_path / "shop.db", catalog_path=catalog)
    try:
        yield harness
    finally:
        await harness.close()


async def edit_catalog_and_reload(harness: ChatHarness, old: str, new: str) -> None:
    path = harness.shop.settings.catalog_path
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    replies = await harness.say(OWNER, "/reload")
    assert "目录已重新加载" in texts(replies), texts(replies)


async def to_summary(
    harness: ChatHarness, user: str, order: str, address: str = "1 Lake Road, Hangzhou"
) -> str:
    harness.languages.setdefault(user, "en")
    await harness.say(user, order)
    await harness.press(user, "check out")
    for answer in (user.title(), "13800138000", address):
        await harness.say(user, answer)
    return texts(await harness.press(user, "no note"))


async def only_order(harness: ChatHarness, user: str) -> Order:
    [order] = await harness.shop.store.orders.of_customer(f"test:{user}")
    return order


@pytest.mark.parametrize(
    ("order", "items", "shipping", "total"),
    [
        ("1 hand cream", "¥25.00", "Shipping: ¥10.00", "Total: ¥35.00"),
        ("2 walnuts", "¥64.00", "Shipping: ¥10.00", "Total: ¥74.00"),
        ("3 walnuts", "¥96.00", "Shipping: ¥10.00", "Total: ¥106.00"),
        ("1 longjing", "¥168.00", "Shipping: free", "Total: ¥168.00"),
    ],
)
async def test_shipping_is_charged_by_the_rule_and_shown_everywhere(
    harness: ChatHarness, order: str, items: str, shipping: str, total: str
) -> None:
    summary = await to_summary(harness, "ann", order)
    assert f"Items: {items}" in summary and shipping in summary and total in summary
    receipt = texts(await harness.press("ann", "confirm order"))
    assert shipping in receipt and total in receipt
    placed = await only_order(harness, "ann")
    charged = int(total.split("¥")[1].replace(".", ""))
    assert placed.total_minor == charged
    assert placed.shipping_minor == (0 if "free" in shipping else 1000)
    # The owner's notice (in the shop's language, Chinese) and the customer's /orders.
    notice = harness.last_text(OWNER)
    assert ("运费：包邮" if "free" in shipping else "运费：¥10.00") in notice
    assert total.split(": ")[1] in notice
    listed = texts(await harness.say("ann", "/orders"))
    assert shipping in listed and total.split(": ")[1] in listed


async def test_the_cart_shows_shipping_and_what_is_left_to_free_shipping(
    harness: ChatHarness,
) -> None:
    harness.languages["bo"] = "zh"
    await harness.say("bo", "两袋核桃")
    cart = texts(await harness.say("bo", "/cart"))
    assert "商品：¥64.00" in cart and "运费：¥10.00" in cart and "合计：¥74.00" in cart
    assert "再买¥35.00即可包邮" in cart
    await harness.say("bo", "再来一盒玫瑰面膜")
    cart = texts(await harness.say("bo", "/cart"))
    assert "运费：包邮" in cart and "合计：¥103.90" in cart


async def test_a_region_of_the_rule_is_charged_by_the_delivery_address(
    harness: ChatHarness,
) -> None:
    summary = await to_summary(harness, "cy", "2 walnuts", address="新疆乌鲁木齐市天山区1号")
    assert "Shipping to Xinjiang, Tibet and Inner Mongolia: ¥20.00" in summary
    assert "Total: ¥84.00" in summary
    await harness.press("cy", "confirm order")
    placed = await only_order(harness, "cy")
    assert (placed.shipping_minor, placed.total_minor) == (2000, 8400)


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("how much is shipping?", "en", "Free shipping on orders of ¥99.00 or more"),
        ("运费多少？", "zh", "满¥99.00包邮，不满收¥10.00运费"),
        ("包邮吗", "zh", "寄往新疆、西藏、内蒙古：满¥199.00包邮"),
    ],
)
async def test_the_shipping_answer_comes_from_the_rule(
    shop: ChatHarness, question: str, language: str, expected: str
) -> None:
    shop.languages["di"] = language
    assert expected in texts(await shop.say("di", question))
    # Change the rule and the answer follows: it is never written twice.
    await edit_catalog_and_reload(shop, "free_over: 99.00", "free_over: 120.00")
    answer = texts(await shop.say("di", question))
    assert "¥120.00" in answer and "¥99.00" not in answer


async def test_a_reload_between_summary_and_confirm_asks_again(shop: ChatHarness) -> None:
    summary = await to_summary(shop, "ed", "2 rose masks")
    assert "Total: ¥89.80" in summary
    await edit_catalog_and_reload(shop, "price: 39.90", "price: 49.90")
    replies = texts(await shop.press("ed", "confirm order"))
    assert await shop.shop.store.orders.of_customer("test:ed") == []  # nothing charged
    assert t("checkout.changed", "en") in replies
    assert "¥39.90 to ¥49.90" in replies
    assert "Total: ¥99.80" in replies  # the new summary: free shipping over ¥99 now
    await shop.press("ed", "confirm order")
    assert (await only_order(shop, "ed")).total_minor == 9980


async def test_a_product_removed_before_confirm_is_not_silently_dropped(
    shop: ChatHarness,
) -> None:
    await shop.say("fay", "1 puer")
    summary = await to_summary(shop, "fay", "1 rose mask")
    assert "Total: ¥277.90" in summary
    start = SAMPLE.index("  - sku: PUER-CAKE")
    end = SAMPLE.index("  - sku: JASMINE-TEA")
    await edit_catalog_and_reload(shop, SAMPLE[start:end], "")
    replies = texts(await shop.press("fay", "confirm order"))
    assert await shop.shop.store.orders.of_customer("test:fay") == []
    assert t("checkout.changed", "en") in replies and "Total: ¥49.90" in replies
    await shop.press("fay", "confirm order")
    assert (await only_order(shop, "fay")).total_minor == 4990


async def test_a_price_change_is_told_the_next_time_the_cart_is_seen(shop: ChatHarness) -> None:
    shop.languages["gus"] = "en"
    await shop.say("gus", "2 rose masks")
    await shop.say("gus", "1 walnuts")
    await edit_catalog_and_reload(shop, "price: 39.90", "price: 35.00")
    cart = texts(await shop.say("gus", "/cart"))
    assert "the price of Rose hydrating mask (box of 10) has changed from ¥39.90 to ¥35.00" in cart
    assert "Walnuts" not in cart.split("Your cart:")[0]  # only the line whose price moved
    again = texts(await shop.say("gus", "/cart"))
    assert "has changed" not in again  # told once


async def test_the_customer_cannot_cancel_an_order_the_owner_just_marked_paid(
    harness: ChatHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await to_summary(harness, "hal", "1 walnuts")
    await harness.press("hal", "confirm order")
    await harness.say("hal", "/orders")
    orders = harness.shop.store.orders
    read = orders.get

    async def owner_pays_right_after_the_read(number: str) -> Order | None:
        # The race: the customer's cancel has read the order unpaid; before it writes,
        # the owner's "paid" lands.
        seen = await read(number)
        await orders.change_status(number, OrderStatus.PAID, actor="test:owner")
        return seen

    await harness.press("hal", "cancel order")  # asks first, naming the order
    monkeypatch.setattr(orders, "get", owner_pays_right_after_the_read)
    replies = texts(await harness.press("hal", "Yes, cancel"))
    monkeypatch.undo()
    placed = await only_order(harness, "hal")
    assert placed.status is OrderStatus.PAID
    assert "can no longer be cancelled" in replies


async def test_cancel_and_paid_at_once_leave_one_consistent_outcome(harness: ChatHarness) -> None:
    await to_summary(harness, "ivy", "1 walnuts")
    await harness.press("ivy", "confirm order")
    number = (await only_order(harness, "ivy")).number
    orders = harness.shop.store.orders
    paid, cancel = await asyncio.gather(
        orders.change_status(number, OrderStatus.PAID, "test:owner"),
        orders.change_status(
            number, OrderStatus.CANCELLED, "test:ivy", expected=OrderStatus.PENDING_PAYMENT
        ),
    )
    final = await only_order(harness, "ivy")
    # Exactly one of the two happened, and the order says which.
    assert (cancel is None) != (paid is None)
    assert final.status is (OrderStatus.PAID if paid else OrderStatus.CANCELLED)
