"""Ordering by chat, end to end: real router, handlers, delivery and SQLite store."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.i18n import t
from bot.store import OrderStatus

from support import OWNER, ChatHarness, texts


async def checkout(chat: ChatHarness, user: str, *, note: str | None = None) -> str:
    """Walk a customer from a full cart to a placed order; return the receipt text."""
    await chat.press(user, "check out")
    await chat.say(user, "Ann Lee")
    await chat.say(user, "138 0013 8000")
    await chat.say(user, "12 West Lake Road, Hangzhou")
    if note is None:
        await chat.press(user, "no note")
    else:
        await chat.say(user, note)
    replies = await chat.press(user, "confirm order")
    return texts(replies)


async def test_start_greets_with_shop_name_and_buttons(harness: ChatHarness) -> None:
    harness.languages["ann"] = "en"
    replies = await harness.say("ann", "/start")
    assert "Lily's Little Shop" in replies[0].text
    labels = [b.label for row in replies[0].buttons for b in row]
    assert labels == [t(k, "en") for k in ("btn.browse", "btn.cart", "btn.my_orders", "btn.ask")]


async def test_free_text_order_in_english_through_to_owner_and_back(harness: ChatHarness) -> None:
    harness.languages["ann"] = "en"
    replies = await harness.say("ann", "2 rose masks")
    assert "Added 2 × Rose hydrating mask" in texts(replies)
    assert "¥79.80" in texts(replies)
    receipt = await checkout(harness, "ann")
    assert "Your order number is" in receipt
    assert "¥79.80" in receipt and "WeChat Pay" in receipt
    assert await harness.shop.store.stock.level("ROSE-MASK") == 118
    [order] = await harness.shop.store.orders.of_customer("test:ann")
    assert order.status is OrderStatus.PENDING_PAYMENT and order.number in receipt

    owner_notice = harness.last_text(OWNER)
    assert order.number in owner_notice and "12 West Lake Road" in owner_notice

    # A customer replaying the owner's "paid" button is refused and changes nothing.
    # Owner notices speak the shop's default language (zh in the sample shop).
    paid_key = harness.find_button(OWNER, "已付款").action
    refused = await harness.press_key("ann", paid_key)
    assert "only the shop owner" in texts(refused)
    assert (await harness.shop.store.orders.get(order.number)).status is OrderStatus.PENDING_PAYMENT

    await harness.press(OWNER, "已付款")
    assert (await harness.shop.store.orders.get(order.number)).status is OrderStatus.PAID
    assert f"Your payment for order {order.number} is confirmed" in harness.last_text("ann")
    await harness.press(OWNER, "已发货")
    assert f"Order {order.number} is on its way" in harness.last_text("ann")


async def test_chinese_order_and_remembered_address(harness: ChatHarness) -> None:
    replies = await harness.say("bo", "要两盒玫瑰面膜")
    assert "已加入购物车" in texts(replies) and "× 2" in texts(replies)
    await harness.press("bo", "去结算")
    await harness.say("bo", "王小波")
    await harness.say("bo", "13900139000")
    await harness.say("bo", "浙江省杭州市西湖区文三路1号")
    await harness.say("bo", "请周末送")
    receipt = texts(await harness.press("bo", "确认下单"))
    assert "订单号" in receipt and "微信支付" in receipt
    await harness.say("bo", "来三斤脐橙")
    replies = await harness.press("bo", "去结算")
    assert "还寄到上次的地址吗" in texts(replies) and "文三路1号" in texts(replies)
    await harness.press("bo", "用这个地址")
    await harness.press("bo", "不用备注")
    receipt = texts(await harness.press("bo", "确认下单"))
    assert "赣南脐橙（按斤称） × 3" in receipt


async def test_one_more_adds_to_the_last_product(harness: ChatHarness) -> None:
    harness.languages["cy"] = "zh"
    await harness.say("cy", "要两盒玫瑰面膜")
    await harness.say("cy", "再加一个")
    [line] = await harness.shop.store.carts.lines("test:cy")
    assert (line.sku, line.qty) == ("ROSE-MASK", 3)


async def test_ambiguous_and_unknown_products(harness: ChatHarness) -> None:
    harness.languages["di"] = "en"
    replies = await harness.say("di", "2 masks")
    assert "Which one did you mean" in texts(replies)
    choices = [b.label for row in replies[-1].buttons for b in row]
    assert any("Rose" in c for c in choices) and any("Silk" in c for c in choices)
    await harness.press("di", "Silk")
    [line] = await harness.shop.store.carts.lines("test:di")
    assert (line.sku, line.qty) == ("SILK-MASK", 2)
    replies = await harness.say("di", "3 durians")
    assert "couldn't find" in texts(replies)


async def test_cart_change_remove_clear(harness: ChatHarness) -> None:
    harness.languages["ed"] = "en"
    await harness.say("ed", "2 rose masks")
    await harness.say("ed", "1 hand cream")
    replies = await harness.say("ed", "/cart")
    assert "Total: ¥104.80" in texts(replies)
    await harness.press("ed", "➕")
    cart = {line.sku: line.qty for line in await harness.shop.store.carts.lines("test:ed")}
    assert cart == {"ROSE-MASK": 3, "HAND-CREAM": 1}
    await harness.press("ed", "🗑")
    assert [line.sku for line in await harness.shop.store.carts.lines("test:ed")] == ["HAND-CREAM"]
    replies = await harness.press("ed", "Empty cart")
    assert "empty" in texts(replies)
    assert await harness.shop.store.carts.lines("test:ed") == []


async def test_browse_pages_and_product_card(harness: ChatHarness) -> None:
    harness.languages["fa"] = "en"
    replies = await harness.say("fa", "/browse")
    await harness.press("fa", "Face masks")
    card = texts(await harness.press("fa", "Rose hydrating"))
    assert "¥39.90 per box" in card and "In stock" in card and "hyaluronic" in card
    assert replies  # categories were shown
    await harness.press("fa", "Add 2")
    [line] = await harness.shop.store.carts.lines("test:fa")
    assert line.qty == 2


async def test_checkout_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    chat = await ChatHarness.open(db)
    chat.languages["gu"] = "en"
    await chat.say("gu", "1 longjing")
    await chat.press("gu", "check out")
    await chat.say("gu", "Gu Mei")
    await chat.close()  # the bot stops between two answers

    chat = await ChatHarness.open(db)
    chat.languages["gu"] = "en"
    try:
        replies = await chat.say("gu", "139 1234 5678")
        assert "delivery address" in texts(replies)
        await chat.say("gu", "8 Lake Street, Suzhou")
        await chat.press("gu", "no note")
        replies = await chat.press("gu", "confirm")
        assert "Your order number is" in texts(replies)
    finally:
        await chat.close()


async def test_customer_cancels_unpaid_order_and_stock_returns(harness: ChatHarness) -> None:
    harness.languages["hu"] = "en"
    await harness.say("hu", "3 walnuts")
    await checkout(harness, "hu")
    assert await harness.shop.store.stock.level("WALNUTS") == 67
    replies = await harness.say("hu", "/orders")
    assert "awaiting payment" in texts(replies)
    replies = await harness.press("hu", "Cancel order")
    assert await harness.shop.store.stock.level("WALNUTS") == 67  # not before a yes
    assert "This cannot be undone" in texts(replies)
    await harness.press("hu", "Yes, cancel")
    assert await harness.shop.store.stock.level("WALNUTS") == 70
    [order] = await harness.shop.store.orders.of_customer("test:hu")
    assert t("owner.customer_cancelled", "zh", number=order.number) in harness.last_text(OWNER)
    # Another customer replaying the cancel button cannot touch someone else's order.
    harness.languages["iv"] = "en"
    key = await harness.shop.store.buttons.key_for(f"confirmed:order:cancel:{order.number}")
    replies = await harness.press_key("iv", key)
    assert texts(replies) == t("orders.not_yours", "en", number=order.number)


async def test_fifty_customers_confirm_at_once_for_ten_units(harness: ChatHarness) -> None:
    store = harness.shop.store
    async with store._transaction() as db:
        await db.execute("UPDATE products SET stock = 10 WHERE sku = 'PUER-CAKE'")
    users = [f"u{n}" for n in range(50)]
    for user in users:
        harness.languages[user] = "en"
        await harness.say(user, "1 puer")
        await harness.press(user, "check out")
        await harness.say(user, "Name")
        await harness.say(user, "13800138000")
        await harness.say(user, "Some Road 1, Xiamen")
        await harness.press(user, "no note")
    keys = [harness.find_button(user, "confirm order").action for user in users]
    await asyncio.gather(*(harness.press_key(u, k) for u, k in zip(users, keys, strict=True)))
    orders = [o for u in users for o in await store.orders.of_customer(f"test:{u}")]
    assert len(orders) == 10
    assert await store.stock.level("PUER-CAKE") == 0
    told_short = [u for u in users if "ran short" in texts(harness.messages_to(u))]
    assert len(told_short) == 40


async def test_owner_lists_open_orders_and_reloads(harness: ChatHarness) -> None:
    harness.languages["jo"] = "en"
    await harness.say("jo", "1 kiwi")
    await checkout(harness, "jo")
    replies = await harness.say(OWNER, "/open")
    assert texts(replies).startswith(t("owner.open_orders", "zh", count=1))
    replies = await harness.say("jo", "/open")
    assert "only the shop owner" in texts(replies)
    replies = await harness.say(OWNER, "/reload")
    assert texts(replies) == t("owner.reloaded", "zh", products=15)
