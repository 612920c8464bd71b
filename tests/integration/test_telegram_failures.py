"""When Telegram says no: flood control, a blocked customer, a broken handler.

Delivery owns waiting and retrying; these tests check that the Telegram channel gives it
the facts (a 429 becomes RetryAfter with Telegram's seconds, a 403 ChatUnreachable) and
that nothing Telegram does stops the shop serving everyone else.
"""

from __future__ import annotations

from conftest import ALICE, BOB, OWNER, TelegramShop
from test_telegram import checkout_to_summary

from bot.store import OrderStatus


async def test_flood_control_is_waited_out_on_the_clock_then_sent(
    telegram_shop: TelegramShop,
) -> None:
    fake, clock = telegram_shop.fake, telegram_shop.clock
    fake.flood("sendMessage", retry_after=7, chat_id=ALICE.id)
    fake.private_text(ALICE, "/start")

    await fake.wait_for_message(ALICE, "Welcome to Lily's Little Shop")
    refused, sent = fake.calls_to("sendMessage", ALICE.id)
    assert (refused.ok, refused.error_code, sent.ok) == (False, 429, True)
    assert sent.text == refused.text
    # Seven seconds of the shop's clock passed between the attempts, none of real time.
    assert sent.at - refused.at >= 7
    assert 7 in clock.slept
    assert sent.real - refused.real < 2


async def test_a_server_error_is_retried(telegram_shop: TelegramShop) -> None:
    fake = telegram_shop.fake
    fake.server_error("sendMessage", chat_id=ALICE.id, times=2)
    fake.private_text(ALICE, "/start")

    await fake.wait_for_message(ALICE, "Welcome to Lily's Little Shop")
    attempts = fake.calls_to("sendMessage", ALICE.id)
    assert [(c.ok, c.error_code) for c in attempts] == [(False, 500), (False, 500), (True, None)]
    # Delivery's backoff (1 s, then 2 s) on the virtual clock.
    assert attempts[1].at - attempts[0].at >= 1
    assert attempts[2].at - attempts[1].at >= 2


async def test_a_customer_who_blocked_the_bot_loses_no_order_and_stops_no_one(
    telegram_shop: TelegramShop,
) -> None:
    fake, store = telegram_shop.fake, telegram_shop.shop.store
    bob_key = f"telegram:{BOB.id}"
    summary = await checkout_to_summary(fake, BOB, "2 rose masks")

    # Bob blocks the bot just as he confirms: his receipt is refused with a 403.
    fake.block(BOB.id)
    fake.press(BOB, summary, "Confirm order")
    notice = await fake.wait_for_message(OWNER, "新订单")

    [order] = await store.orders.of_customer(bob_key)
    assert notice.shown.startswith(f"🆕 新订单 {order.number}")
    assert [(line.sku, line.qty) for line in order.lines] == [("ROSE-MASK", 2)]
    assert await store.chats.is_unreachable(bob_key)
    record = await store.chats.get(bob_key)
    assert record is not None and "blocked" in (record.unreachable_reason or "")
    [refused] = fake.calls_to("sendMessage", BOB.id, ok=False)
    assert refused.error_code == 403 and "Your order number is" in refused.shown

    # The owner still runs the shop; Bob's "paid" notice is not even attempted.
    fake.press(OWNER, notice, "已付款")
    await fake.wait_for_message(OWNER, f"Order {order.number} is now paid.")
    paid = await store.orders.get(order.number)
    assert paid is not None and paid.status is OrderStatus.PAID
    assert fake.calls_to("sendMessage", BOB.id)[-1] is refused

    # ...and everyone else is served as before.
    fake.private_text(ALICE, "/start")
    await fake.wait_for_message(ALICE, "Welcome to Lily's Little Shop")
    assert fake.calls_to("sendMessage", BOB.id)[-1] is refused


async def test_a_chat_that_no_longer_exists_is_marked_unreachable(
    telegram_shop: TelegramShop,
) -> None:
    t, fake = telegram_shop, telegram_shop.fake
    fake.chat_not_found("sendMessage", chat_id=ALICE.id)
    message = fake.private_text(ALICE, "/start")
    await t.handled_message(ALICE.id, message)

    record = await t.shop.store.chats.get(f"telegram:{ALICE.id}")
    assert record is not None and record.unreachable_reason == "Chat not found"
    assert len(fake.calls_to("sendMessage", ALICE.id)) == 1  # no retry of a vanished chat

    # Writing again is coming back: the chat is reachable again and answered.
    fake.private_text(ALICE, "/start")
    await fake.wait_for_message(ALICE, "Welcome to Lily's Little Shop")


async def test_a_message_telegram_refuses_is_recorded_and_the_rest_still_go(
    telegram_shop: TelegramShop,
) -> None:
    """A permanent 400 costs that one message (kept in send_failures), not the others in
    the same answer: here the owner still hears of the order whose receipt was refused."""
    fake, store = telegram_shop.fake, telegram_shop.shop.store
    summary = await checkout_to_summary(fake, ALICE, "2 rose masks")
    fake.fail("sendMessage", 400, "Bad Request: can't parse entities", chat_id=ALICE.id)
    fake.press(ALICE, summary, "Confirm order")

    notice = await fake.wait_for_message(OWNER, "新订单")
    [order] = await store.orders.of_customer(f"telegram:{ALICE.id}")
    assert order.number in notice.shown
    [(chat, error)] = await store.chats.send_failures()
    assert chat == f"telegram:{ALICE.id}" and "Can't parse entities" in error
    assert not await store.chats.is_unreachable(chat)  # a bad message is not a bad chat
