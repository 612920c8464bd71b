"""What changes an order or the shelf after the fact: a customer's cancel once the order
is no longer theirs to cancel, and the owner's /reload of the catalog (stock as the README
documents it: raising the number restocks, lowering it writes off, sold units stay sold)."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import t
from bot.store import OrderStatus

from support import OWNER, SAMPLE_CATALOG, ChatHarness, texts


async def order_walnuts(chat: ChatHarness, user: str, qty: int = 1) -> str:
    """The user orders walnuts (in English or Chinese, as their phone is set); the number."""
    english = chat.languages.get(user) == "en"
    await chat.say(user, f"{qty} walnuts" if english else f"要{qty}袋核桃")
    await chat.press(user, "check out" if english else "去结算")
    for answer in ("Ann Lee", "138 0013 8000", "12 West Lake Road, Hangzhou"):
        await chat.say(user, answer)
    await chat.press(user, "no note" if english else "不用备注")
    await chat.press(user, "confirm order" if english else "确认下单")
    orders = await chat.shop.store.orders.of_customer(f"test:{user}")
    return orders[0].number


async def test_a_paid_order_cannot_be_cancelled_by_the_customer(harness: ChatHarness) -> None:
    harness.languages["ann"] = "en"
    number = await order_walnuts(harness, "ann")
    store = harness.shop.store
    assert await store.stock.level("WALNUTS") == 69
    replies = await harness.say("ann", "/orders")
    assert t("btn.cancel_order", "en", number=number) in [
        b.label for m in replies for row in m.buttons for b in row
    ]
    await harness.press(OWNER, "已付款")  # paid meanwhile; Ann still has the cancel button
    owner_messages = len(harness.messages_to(OWNER))
    await harness.press("ann", "Cancel order")  # asks first, naming the order
    replies = await harness.press("ann", "Yes, cancel")
    assert texts(replies) == t(
        "orders.cannot_cancel", "en", number=number, status=t("status.paid", "en")
    )
    order = await store.orders.get(number)
    assert order is not None and order.status is OrderStatus.PAID
    assert await store.stock.level("WALNUTS") == 69  # nothing went back on the shelf
    assert len(harness.messages_to(OWNER)) == owner_messages  # no cancellation to report


async def test_a_shipped_order_is_refused_in_the_customers_language(harness: ChatHarness) -> None:
    harness.languages["bo"] = "zh"
    number = await order_walnuts(harness, "bo")
    await harness.say("bo", "/orders")
    await harness.press(OWNER, "已付款")
    await harness.press(OWNER, "已发货")
    await harness.press("bo", "取消")
    replies = await harness.press("bo", "确定取消")
    assert texts(replies) == t(
        "orders.cannot_cancel", "zh", number=number, status=t("status.shipped", "zh")
    )
    order = await harness.shop.store.orders.get(number)
    assert order is not None and order.status is OrderStatus.SHIPPED


def with_walnut_stock(text: str, stock: int) -> str:
    """The sample catalog with the walnuts' shelf count changed."""
    head, walnuts = text.split("- sku: WALNUTS", 1)
    before, after = walnuts.split("stock: 70", 1)
    return f"{head}- sku: WALNUTS{before}stock: {stock}{after}"


async def test_reload_restocks_and_writes_off_and_keeps_what_was_sold(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    original = SAMPLE_CATALOG.read_text(encoding="utf-8")
    catalog.write_text(original, encoding="utf-8")
    chat = await ChatHarness.open(tmp_path / "shop.db", catalog)
    chat.languages.update({"ann": "en", OWNER: "en"})
    try:
        store = chat.shop.store
        await order_walnuts(chat, "ann", qty=3)
        assert await store.stock.level("WALNUTS") == 67
        products = len(chat.shop.catalog_holder.catalog.products)

        catalog.write_text(with_walnut_stock(original, 100), encoding="utf-8")  # 30 arrived
        replies = await chat.say(OWNER, "/reload")
        assert texts(replies) == t("owner.reloaded", "en", products=products)
        assert await store.stock.level("WALNUTS") == 97

        # The same file again changes nothing: sold units are never reset.
        await chat.say(OWNER, "/reload")
        assert await store.stock.level("WALNUTS") == 97

        catalog.write_text(with_walnut_stock(original, 90), encoding="utf-8")  # 10 broke
        await chat.say(OWNER, "/reload")
        assert await store.stock.level("WALNUTS") == 87

        # A broken file is refused whole: the old catalog and the stock stand.
        catalog.write_text(with_walnut_stock(original, -5), encoding="utf-8")
        replies = await chat.say(OWNER, "/reload")
        assert "NOT reloaded" in texts(replies) and "must not be negative" in texts(replies)
        assert await store.stock.level("WALNUTS") == 87
    finally:
        await chat.close()
