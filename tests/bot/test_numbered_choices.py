"""On a platform without buttons (WeChat) every button becomes a numbered choice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.base import Capabilities
from bot.i18n import t
from bot.store import OrderStatus

from support import OWNER, ChatHarness, texts


@pytest.fixture
async def plain(tmp_path: Path) -> AsyncIterator[ChatHarness]:
    chat = await ChatHarness.open(tmp_path / "p.db", capabilities=Capabilities(buttons=False))
    chat.languages["ann"] = "en"
    try:
        yield chat
    finally:
        await chat.close()


async def test_buttons_become_numbered_choices_and_a_number_presses_one(plain: ChatHarness) -> None:
    replies = await plain.say("ann", "2 masks")
    text = texts(replies)
    assert not replies[-1].buttons
    assert "1. Rose hydrating mask" in text and "3. Silk protein" in text
    assert "Reply with a number to choose." in text
    await plain.say("ann", "3")
    [line] = await plain.shop.store.carts.lines("test:ann")
    assert (line.sku, line.qty) == ("SILK-MASK", 2)


async def test_whole_order_by_numbers_and_owner_authorisation(plain: ChatHarness) -> None:
    await plain.say("ann", "1 longjing")
    await plain.say("ann", "1")  # 1. Check out
    await plain.say("ann", "Ann Lee")
    await plain.say("ann", "13800138000")  # a phone number is no choice number
    await plain.say("ann", "5 Garden Road, Ningbo")
    await plain.say("ann", "1")  # 1. No note
    replies = await plain.say("ann", "1")  # 1. Confirm order
    assert "Your order number is" in texts(replies)
    [order] = await plain.shop.store.orders.of_customer("test:ann")
    assert "1. 💰 已付款" in plain.last_text(OWNER)
    # The customer cannot use the owner's numbers: their own chat has its own choices.
    await plain.say("ann", "1")
    assert (await plain.shop.store.orders.get(order.number)).status is OrderStatus.PENDING_PAYMENT
    await plain.say(OWNER, "1")
    assert (await plain.shop.store.orders.get(order.number)).status is OrderStatus.PAID
    assert "is confirmed" in plain.last_text("ann")


async def test_a_number_with_no_choices_is_just_text(plain: ChatHarness) -> None:
    replies = await plain.say("bob", "7")
    # A bare number says nothing about language: the shop's default (zh) answers.
    assert t("text.not_understood", "zh") in texts(replies)


async def test_a_bare_number_keeps_the_language_the_person_writes_in(plain: ChatHarness) -> None:
    # No platform language (as on WeChat): the words decide, and a bare "1" keeps it.
    replies = await plain.say("eve", "2 rose masks")
    assert "Added 2 × Rose hydrating mask" in texts(replies)
    replies = await plain.say("eve", "1")  # 1. Check out
    assert "Who should the parcel go to?" in texts(replies)
    replies = await plain.say("fan", "要两盒玫瑰面膜")
    replies = await plain.say("fan", "1")
    assert "收件人姓名" in texts(replies)


async def test_in_a_group_the_hint_asks_for_a_mention(plain: ChatHarness) -> None:
    replies = await plain.say("gil", "2 masks", group="friends", mention=True)
    text = texts([m for m in replies if m.chat.is_group])
    # "2 masks" is English: so is the hint, and it asks for a mention, not a bare number.
    assert "1. " in text and t("choices.hint_group", "en") in text
    assert t("choices.hint", "en") not in text
    await plain.say("gil", "3", group="friends")  # unaddressed: ignored
    assert await plain.shop.store.carts.lines("test:gil") == []
    await plain.say("gil", "3", group="friends", mention=True)
    [line] = await plain.shop.store.carts.lines("test:gil")
    assert line.sku == "SILK-MASK"
