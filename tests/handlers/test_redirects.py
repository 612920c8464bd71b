"""Personal things pressed or typed in a group continue in private: a customer's checkout,
orders and questions are never posted into the group, on platforms with links to a
private chat (Telegram) and without (the console, WeChat: the bot writes to the person)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import t
from handlers.actions import CheckoutStart, OrderCancel, OrdersList

from support import ChatHarness, LinkingChannel, RecordingChannel, texts

GROUP = "friends"
ADDRESS = "12 West Lake Road, Hangzhou"


@pytest.fixture(params=["links", "no links"])
async def shop(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ChatHarness]:
    channel = LinkingChannel() if request.param == "links" else RecordingChannel()
    chat = await ChatHarness.open(tmp_path / "shop.db", channel=channel)
    chat.languages["ann"] = "en"
    try:
        yield chat
    finally:
        await chat.close()


async def placed_order(chat: ChatHarness) -> str:
    """Ann orders privately; the order number."""
    await chat.say("ann", "1 walnuts")
    await chat.press("ann", "check out")
    for answer in ("Ann Lee", "138 0013 8000", ADDRESS):
        await chat.say("ann", answer)
    await chat.press("ann", "no note")
    await chat.press("ann", "confirm order")
    [order] = await chat.shop.store.orders.of_customer("test:ann")
    return order.number


def in_the_group(chat: ChatHarness) -> str:
    return texts(chat.messages_to("ann", GROUP))


def moved_to_private(chat: ChatHarness, replies_in_group: str) -> None:
    """What the group is told: only that the conversation moved, with a link if any."""
    if isinstance(chat.channel, LinkingChannel):
        assert t("group.open_private", "en", name="Ann") in replies_in_group
        messages = chat.messages_to("ann", GROUP)
        links = [b.url for m in messages for row in m.buttons for b in row if b.url]
        assert links and all(url.startswith("https://chat.example/") for url in links)
    else:
        assert t("group.sent_private", "en", name="Ann") in replies_in_group


async def test_order_history_asked_for_in_a_group_goes_to_the_private_chat(
    shop: ChatHarness,
) -> None:
    number = await placed_order(shop)
    private_before = len(shop.messages_to("ann"))
    await shop.say("ann", "/orders", group=GROUP)
    key = await shop.shop.store.buttons.key_for(OrdersList().encode())
    await shop.press_key("ann", key, group=GROUP)
    group_text = in_the_group(shop)
    assert number not in group_text and ADDRESS not in group_text
    assert t("orders.title", "en") not in group_text
    moved_to_private(shop, group_text)
    if not isinstance(shop.channel, LinkingChannel):  # the bot wrote to Ann directly
        private = texts(shop.messages_to("ann")[private_before:])
        assert t("orders.title", "en") in private and number in private


async def test_a_cancel_button_pressed_in_a_group_changes_nothing_there(
    shop: ChatHarness,
) -> None:
    number = await placed_order(shop)
    key = await shop.shop.store.buttons.key_for(OrderCancel(number).encode())
    await shop.press_key("ann", key, group=GROUP)
    group_text = in_the_group(shop)
    assert number not in group_text
    assert t("orders.cancelled", "en", number=number) not in group_text
    order = await shop.shop.store.orders.get(number)
    assert order is not None and order.status.value == "pending_payment"
    moved_to_private(shop, group_text)


async def test_checkout_pressed_in_a_group_continues_in_private(shop: ChatHarness) -> None:
    replies = await shop.say("ann", "2 rose masks", group=GROUP, mention=True)
    assert t("btn.checkout", "en") in [b.label for m in replies for row in m.buttons for b in row]
    # The same Check out button, pressed in the group (with links the order's reply in
    # the group carries it; without, the cart went private, so press its payload).
    key = await shop.shop.store.buttons.key_for(CheckoutStart().encode())
    await shop.press_key("ann", key, group=GROUP)
    group_text = in_the_group(shop)
    assert t("checkout.ask_name", "en") not in group_text
    moved_to_private(shop, group_text)
    # Nobody is half-way through a checkout that only the group could see: if it began,
    # its question was asked in the private chat.
    state, _ = await shop.shop.store.conversations.load("test:ann")
    if state.get("checkout"):
        assert t("checkout.ask_name", "en") in texts(shop.messages_to("ann"))


async def test_a_question_button_pressed_in_a_group_continues_in_private(
    shop: ChatHarness,
) -> None:
    replies = await shop.say("ann", "is it genuine?", group=GROUP, mention=True)
    assert "genuine" in texts(replies).lower()  # a public question is answered in public
    await shop.press("ann", "ask", group=GROUP)
    group_text = in_the_group(shop)
    assert t("ask.prompt", "en") not in group_text
    moved_to_private(shop, group_text)
