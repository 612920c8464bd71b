"""Issue 11 on Telegram: a question the bot must not answer reaches the owner, who answers
by replying to the ticket message; the answer reaches the customer under the shop's name.
The real shop on the real python-telegram-bot, over HTTP to the fake Bot API."""

from __future__ import annotations

from conftest import ALICE, OWNER, TelegramShop

from bot.store import TicketStatus


async def test_the_owner_answers_a_risky_question_by_replying_to_the_notice(
    telegram_shop: TelegramShop,
) -> None:
    fake, store = telegram_shop.fake, telegram_shop.shop.store
    fake.private_text(ALICE, "is the rose mask safe while pregnant?")
    await fake.wait_for_message(ALICE, "I've passed this to the shop owner")
    notice = await fake.wait_for_message(OWNER, "#1")
    assert "pregnant" in notice.shown
    assert any("#1" in button["text"] for button in notice.buttons())

    fake.private_text(OWNER, "Yes, it has no retinol.", reply_to=notice.message_id)
    answer = await fake.wait_for_message(ALICE, "Yes, it has no retinol.")
    assert "Lily's Little Shop" in answer.shown
    await fake.wait_for_message(OWNER, "ticket #1 is closed")
    ticket = await store.tickets.get(1)
    assert ticket is not None and ticket.status is TicketStatus.ANSWERED


async def test_a_flood_on_telegram_is_asked_to_slow_down_once(
    telegram_shop: TelegramShop,
) -> None:
    fake = telegram_shop.fake
    for n in range(25):
        fake.private_text(ALICE, f"hello {n}")
    await fake.wait_for_message(ALICE, "Please slow down")
    slow = [c for c in fake.sent(ALICE.id) if "slow down" in c.shown]
    assert len(slow) == 1
