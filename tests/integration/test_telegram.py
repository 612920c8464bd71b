"""A customer and the owner on Telegram: greeting, ordering by chat, checkout, payment.

The real shop on the real python-telegram-bot, over HTTP to the fake Bot API; every
button press replays the callback_data the bot actually sent.
"""

from __future__ import annotations

import re

from conftest import ALICE, OWNER, TelegramShop
from fake_bot_api import Call, FakeBotApi, FakeUser

from bot.store import OrderStatus

ROSE = "ROSE-MASK"


async def checkout_to_summary(fake: FakeBotApi, user: FakeUser, order_text: str) -> Call:
    """Order by chat and go through checkout up to the summary; the summary message."""
    fake.private_text(user, order_text)
    cart = await fake.wait_for_message(user, "Added 2 × Rose hydrating mask")
    fake.press(user, cart, "Check out")
    await fake.wait_for_message(user, "Who should the parcel go to?")
    fake.private_text(user, f"{user.first_name} Wong")
    await fake.wait_for_message(user, "A phone number for the courier?")
    fake.private_text(user, "138 0013 8000")
    await fake.wait_for_message(user, "The delivery address?")
    fake.private_text(user, "12 Garden Road, Xuhui, Shanghai")
    note = await fake.wait_for_message(user, "Any note for the shop?")
    fake.press(user, note, "No note")
    return await fake.wait_for_message(user, "Please check your order:")


async def test_start_in_private_greets_with_inline_buttons(telegram_shop: TelegramShop) -> None:
    fake = telegram_shop.fake
    fake.private_text(ALICE, "/start")

    greeting = await fake.wait_for_message(ALICE, "Hi Alice! Welcome to Lily's Little Shop.")
    assert greeting.params["parse_mode"] == "HTML"
    labels = [[button["text"] for button in row] for row in greeting.keyboard]
    assert labels == [["🛍 Browse", "🛒 Cart"], ["📦 My orders", "❓ Ask a question"]]
    for button in greeting.buttons():
        # Delivery's short store keys, never the raw actions: well within Telegram's 64 bytes.
        assert 1 <= len(button["callback_data"].encode()) <= 64
        assert ":" not in button["callback_data"]


async def test_order_by_chat_checkout_and_the_owner_marks_it_paid(
    telegram_shop: TelegramShop,
) -> None:
    fake, store = telegram_shop.fake, telegram_shop.shop.store
    stock_before = await store.stock.level(ROSE)

    summary = await checkout_to_summary(fake, ALICE, "2 rose masks")
    assert "Deliver to: Alice Wong, 138 0013 8000, 12 Garden Road, Xuhui, Shanghai" in summary.shown
    fake.press(ALICE, summary, "Confirm order")

    receipt = await fake.wait_for_message(ALICE, "Your order number is")
    match = re.search(r"Your order number is (\w+)\.", receipt.shown)
    assert match, receipt.shown
    number = match[1]
    assert await store.stock.level(ROSE) == stock_before - 2
    order = await store.orders.get(number)
    assert order is not None and order.status is OrderStatus.PENDING_PAYMENT
    assert [(line.sku, line.qty) for line in order.lines] == [(ROSE, 2)]

    # The owner, a different Telegram user named in CHATSHOP_OWNERS, hears of it in the
    # shop's language (zh) with buttons to move the order along.
    notice = await fake.wait_for_message(OWNER, f"新订单 {number}")
    assert [b["text"] for b in notice.buttons()] == ["💰 已付款", "✖ 取消订单"]

    # A customer replaying the owner's button payload is refused, and nothing changes.
    paid_key = notice.button("已付款")["callback_data"]
    fake.callback(ALICE, ALICE, receipt.message_id, paid_key)
    await fake.wait_for_message(ALICE, "only the shop owner can do that")
    refreshed = await store.orders.get(number)
    assert refreshed is not None and refreshed.status is OrderStatus.PENDING_PAYMENT

    fake.press(OWNER, notice, "已付款")
    await fake.wait_for_message(ALICE, f"Your payment for order {number} is confirmed.")
    await fake.wait_for_message(OWNER, f"Order {number} is now paid.")
    paid = await store.orders.get(number)
    assert paid is not None and paid.status is OrderStatus.PAID

    # Every press was answered, so no button was left spinning in anyone's app:
    # Check out, No note, Confirm, the refused replay and the owner's Paid.
    answered = await fake.wait_for("answerCallbackQuery", count=5)
    assert len(answered) == 5


async def test_a_sticker_in_private_gets_a_hint_not_silence(telegram_shop: TelegramShop) -> None:
    fake = telegram_shop.fake
    sticker = {
        "message_id": 4242,
        "from": ALICE.json(),
        "chat": ALICE.chat_json(),
        "date": 1,
        "sticker": {
            "file_id": "sticker-1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    }
    fake.inject({"message": sticker})
    await fake.wait_for_message(ALICE, "I didn't get any text")
