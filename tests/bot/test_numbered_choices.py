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
    # The owner's notice came on its own: its choices carry the order's code.
    assert f"{order.number} 1. 💰 已付款" in plain.last_text(OWNER)
    # The customer cannot use the owner's numbers: their own chat has its own choices.
    await plain.say("ann", "1")
    assert (await plain.shop.store.orders.get(order.number)).status is OrderStatus.PENDING_PAYMENT
    # A bare number could mean any notice: the owner is asked to say which.
    replies = await plain.say(OWNER, "1")
    assert f"“{order.number} 1”" in texts(replies)
    assert (await plain.shop.store.orders.get(order.number)).status is OrderStatus.PENDING_PAYMENT
    await plain.say(OWNER, f"{order.number.lower()} 1")
    assert (await plain.shop.store.orders.get(order.number)).status is OrderStatus.PAID
    assert "is confirmed" in plain.last_text("ann")


async def test_a_number_with_no_choices_is_just_text(plain: ChatHarness) -> None:
    replies = await plain.say("bob", "7")
    # A bare number says nothing about language: the shop's default (zh) answers.
    # (Its words for buttons become words for numbers here: compare up to them.)
    assert t("text.not_understood", "zh").split("；")[0] in texts(replies)


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
    # A price question is public: answered in the group, with a button to add each.
    replies = await plain.say("gil", "how much is the walnuts?", group="friends", mention=True)
    text = texts([m for m in replies if m.chat.is_group])
    # English question: so is the hint, and it asks for a mention, not a bare number.
    assert "1. " in text and t("choices.hint_group", "en") in text
    assert t("choices.hint", "en") not in text
    await plain.say("gil", "1", group="friends")  # unaddressed: ignored
    assert await plain.shop.store.carts.lines("test:gil") == []
    await plain.say("gil", "1", group="friends", mention=True)
    [line] = await plain.shop.store.carts.lines("test:gil")
    assert line.sku == "WALNUTS"


async def test_an_order_in_a_group_goes_to_the_person_privately(plain: ChatHarness) -> None:
    replies = await plain.say("gil", "2 masks", group="friends", mention=True)
    in_group = texts([m for m in replies if m.chat.is_group])
    assert in_group == t("group.sent_private", "en", name="Gil")
    # The question "which mask?" is asked in private, where a bare number answers it.
    assert "1. " in texts(plain.messages_to("gil"))
    await plain.say("gil", "3")
    [line] = await plain.shop.store.carts.lines("test:gil")
    assert line.sku == "SILK-MASK"


# --- numbers that mean what the person saw (issues 10 and 17) --------------------------


async def test_a_number_the_list_does_not_have_says_which_numbers_it_has(
    plain: ChatHarness,
) -> None:
    await plain.say("ann", "2 masks")  # three masks to choose from
    replies = await plain.say("ann", "7")
    assert "Please choose a number from 1 to 3" in texts(replies)
    assert await plain.shop.store.carts.lines("test:ann") == []
    # The list is still there: a right number still works.
    await plain.say("ann", "3")
    [line] = await plain.shop.store.carts.lines("test:ann")
    assert line.sku == "SILK-MASK"


@pytest.mark.parametrize("said", ["选3", "第三个", "3️⃣", "③", "３", "no. 3"])
async def test_numbers_written_the_way_people_write_them(plain: ChatHarness, said: str) -> None:
    await plain.say("ann", "2 masks")
    replies = await plain.say("ann", said)
    [line] = await plain.shop.store.carts.lines("test:ann")
    assert (line.sku, line.qty) == ("SILK-MASK", 2)
    assert "(You chose 3. Silk protein" in texts(replies)  # the answer names the choice


async def test_a_number_from_an_older_list_says_that_list_has_expired(plain: ChatHarness) -> None:
    await plain.say("ann", "/start")
    await plain.say("ann", "2 masks")  # a list of three, then a shorter one
    await plain.say("ann", "3")  # silk mask added: a list of three again
    await plain.say("ann", "/cart")
    cart = plain.last_text("ann")
    numbers = [line.partition(". ")[0] for line in cart.splitlines()]
    size = max(int(n) for n in numbers if n.isdigit())
    await plain.say("ann", "2 rose masks")  # a shorter list than the cart's
    replies = await plain.say("ann", str(size))
    assert "older list, which has expired" in texts(replies)


async def test_the_cart_views_choices_name_the_product(plain: ChatHarness) -> None:
    await plain.say("ann", "2 rose masks")
    replies = await plain.say("ann", "/cart")
    text = texts(replies)
    assert "2. ➕ Rose hydrating mask" in text and "3. 🗑 Rose hydrating mask" in text


async def test_right_after_ordering_1_then_1_does_not_cancel_the_order(
    plain: ChatHarness,
) -> None:
    await plain.say("ann", "1 longjing")
    for answer in ("1", "Ann Lee", "13800138000", "5 Garden Road, Ningbo", "1", "1"):
        await plain.say("ann", answer)
    [order] = await plain.shop.store.orders.of_customer("test:ann")
    await plain.say("ann", "/orders")
    replies = await plain.say("ann", "1")  # 1. Cancel order ...
    assert f"Cancel order {order.number}? This cannot be undone." in texts(replies)
    replies = await plain.say("ann", "1")  # 1. Yes, cancel ...
    assert (await plain.shop.store.orders.get(order.number)).status is OrderStatus.CANCELLED
    # And "No" keeps it: shown again on another order.
    await plain.say("ann", "1 longjing")
    for answer in ("1", "1", "1", "1"):  # check out, saved details, no note, confirm
        await plain.say("ann", answer)
    orders = await plain.shop.store.orders.of_customer("test:ann")
    pending = [o for o in orders if o.status is OrderStatus.PENDING_PAYMENT]
    assert len(pending) == 1
    await plain.say("ann", "/orders")
    await plain.say("ann", "1")
    replies = await plain.say("ann", "2")  # 2. No, keep order ...
    assert f"order {pending[0].number} stays as it is" in texts(replies)
    assert (await plain.shop.store.orders.get(pending[0].number)).status is (
        OrderStatus.PENDING_PAYMENT
    )


async def test_the_owner_names_the_order_by_word_and_code(plain: ChatHarness) -> None:
    await plain.say("ann", "1 longjing")
    for answer in ("1", "Ann Lee", "13800138000", "5 Garden Road, Ningbo", "1", "1"):
        await plain.say("ann", answer)
    [order] = await plain.shop.store.orders.of_customer("test:ann")
    replies = await plain.say(OWNER, f"已付款 {order.number}")
    assert f"（你选的是：{order.number} 1. 💰 已付款）" in texts(replies)
    assert (await plain.shop.store.orders.get(order.number)).status is OrderStatus.PAID


async def test_words_written_for_buttons_become_words_for_numbers(plain: ChatHarness) -> None:
    replies = await plain.say("zoe", "啊啊啊")
    text = texts(replies)
    assert "点“" not in text and "回复“问问题”" in text
    replies = await plain.say("zoe", "问问题")  # the choice's words press it
    assert "（你选的是：" in texts(replies)
    await plain.say("ann", "2 rose masks")
    await plain.say("ann", "1")  # check out
    for answer in ("Ann Lee", "13800138000", "5 Garden Road, Ningbo"):
        replies = await plain.say("ann", answer)
    assert 'Write it, or reply "No note".' in texts(replies)
    replies = await plain.say("ann", "no note")
    assert "Please check your order" in texts(replies)


async def test_in_a_group_each_person_has_their_own_list_and_is_named(tmp_path: Path) -> None:
    chat = await ChatHarness.open(
        tmp_path / "g.db", capabilities=Capabilities(buttons=False, names_addressee=True)
    )
    chat.languages.update(amy="en", bo="en")
    try:
        # Price questions are public: answered in the room, with add buttons (the masks as
        # one list of three).
        replies = await chat.say("amy", "how much are the masks?", group="friends", mention=True)
        assert texts([m for m in replies if m.chat.is_group]).startswith("@Amy ")
        await chat.say("bo", "how much is the walnuts?", group="friends", mention=True)
        # Bo's newer list does not touch hers: her 3 is still her third mask.
        await chat.say("amy", "3", group="friends", mention=True)
        [line] = await chat.shop.store.carts.lines("test:amy")
        assert line.sku == "SILK-MASK"
        assert await chat.shop.store.carts.lines("test:bo") == []
    finally:
        await chat.close()


async def test_enabling_promotions_names_the_room_not_its_key(plain: ChatHarness) -> None:
    await plain.say("gil", "hi all", group="roses")  # a room that speaks is registered
    record = await plain.shop.store.chats.get("test:roses")
    assert record is not None and record.title == "roses"
    replies = await plain.say(OWNER, "/groups")
    number = choice_of(texts(replies), "roses")
    replies = await plain.say(OWNER, number)
    assert "已为 roses 开启推广" in texts(replies) or "enabled for roses" in texts(replies)
    assert "test:roses" not in texts(replies)


def choice_of(text: str, label: str) -> str:
    for line in text.splitlines():
        number, dot, rest = line.partition(". ")
        if dot and number.isdigit() and label in rest:
            return number
    raise AssertionError(f"no choice {label!r} in {text}")
