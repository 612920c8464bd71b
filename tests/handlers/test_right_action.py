"""No tap or message acts on the wrong thing: a group the bot left changes nothing; /help,
/ask and a group's Check out open what they name in private; cart buttons tell their lines
apart; a checkout note is a note; odd digits are never an internal error."""

from __future__ import annotations

import pytest

from bot.channels.base import MembershipChange
from bot.i18n import t
from bot.messages import Button, ChatKind, ChatRef
from handlers.actions import CartShow, CheckoutStart

from support import CHANNEL, OWNER, ChatHarness, texts

GROUP = "friends"


async def membership(harness: ChatHarness, joined: bool) -> None:
    await harness.shop.on_membership(
        MembershipChange(ChatRef(CHANNEL, GROUP, ChatKind.GROUP, GROUP), joined=joined)
    )


async def test_a_group_the_bot_left_changes_nothing_and_gets_nothing(
    harness: ChatHarness,
) -> None:
    harness.languages["ann"] = "en"
    await membership(harness, joined=True)
    await harness.say("ann", "@bot 1 walnuts", group=GROUP, mention=True)
    assert len(await harness.shop.store.carts.lines("test:ann")) == 1
    # A button from the group's earlier days (its payload, pressed there).
    old_button = Button("Cart", await harness.shop.store.buttons.key_for(CartShow().encode()))
    await membership(harness, joined=False)
    for text in ("@bot 2 rose masks", "/cart", "/start", "/help"):
        assert await harness.say("ann", text, group=GROUP, mention=True) == []
    assert await harness.press_key("ann", old_button.action, group=GROUP) == []
    lines = await harness.shop.store.carts.lines("test:ann")
    assert [(line.sku, line.qty) for line in lines] == [("WALNUTS", 1)]
    # Added back, the bot answers there again.
    await membership(harness, joined=True)
    assert await harness.say("ann", "@bot 2 rose masks", group=GROUP, mention=True)


async def test_help_typed_in_a_group_opens_help_in_private(harness: ChatHarness) -> None:
    harness.languages["bo"] = "en"
    replies = await harness.say("bo", "/help", group=GROUP)
    private = texts([m for m in replies if m.chat == harness.chat("bo")])
    assert t("help.customer", "en") in private
    assert "Welcome to" not in private


async def test_ask_typed_in_a_group_opens_the_question_prompt_in_private(
    harness: ChatHarness,
) -> None:
    harness.languages["cy"] = "en"
    replies = await harness.say("cy", "/ask", group=GROUP)
    private = texts([m for m in replies if m.chat == harness.chat("cy")])
    assert t("ask.prompt", "en") in private and "Welcome to" not in private
    # The next thing typed in private is the question, carried to the owner.
    await harness.say("cy", "Do you ship to Macau?")
    assert "Do you ship to Macau?" in harness.last_text(OWNER)


@pytest.mark.parametrize("how", ["button", "command"])
async def test_the_groups_check_out_opens_checkout_in_private(
    harness: ChatHarness, how: str
) -> None:
    harness.languages["di"] = "en"
    await harness.say("di", "@bot 1 walnuts", group=GROUP, mention=True)
    if how == "button":
        # A Check out button in the group (on platforms with links the order's reply
        # there carries one; here the cart went private, so press the same payload).
        key = await harness.shop.store.buttons.key_for(CheckoutStart().encode())
        replies = await harness.press_key("di", key, group=GROUP)
    else:
        replies = await harness.say("di", "/checkout", group=GROUP)
    private = texts([m for m in replies if m.chat == harness.chat("di")])
    assert t("checkout.ask_name", "en") in private
    assert t("cart.title", "en") not in private
    assert not any("Walnuts" in m.text for m in replies if m.chat.is_group)
    # And it goes on in private from there.
    replies = await harness.say("di", "Di")
    assert t("checkout.ask_phone", "en") in texts(replies)


async def test_cart_buttons_tell_two_orange_lines_apart(harness: ChatHarness) -> None:
    harness.languages["ed"] = "en"
    await harness.say("ed", "1 box of oranges")
    await harness.say("ed", "3 oranges by the jin")
    [cart] = await harness.say("ed", "/cart")
    minus = [b.label for row in cart.buttons for b in row if b.label.startswith("➖")]
    assert len(minus) == 2 and len(set(minus)) == 2, minus
    assert any("5 kg box" in label for label in minus)
    assert any("by the jin" in label for label in minus)
    # Each one changes its own line.
    await harness.press("ed", "by the jin")
    lines = await harness.shop.store.carts.lines("test:ed")
    assert {(line.sku, line.qty) for line in lines} == {
        ("NAVEL-ORANGE-BOX", 1),
        ("NAVEL-ORANGE-JIN", 2),
    }


async def test_short_names_stay_short_on_cart_buttons(harness: ChatHarness) -> None:
    harness.languages["fa"] = "en"
    await harness.say("fa", "1 walnuts")
    await harness.say("fa", "1 rose mask")
    await harness.say("fa", "1 beef jerky")
    [cart] = await harness.say("fa", "/cart")
    minus = [b.label for row in cart.buttons for b in row if b.label.startswith("➖")]
    # Cut at a word, not inside "(200 g)".
    assert minus == ["➖ Paper-shell walnuts", "➖ Rose hydrating mask", "➖ Spicy beef jerky"]


@pytest.mark.parametrize("note", ["不要再发", "不要再发圆通，发顺丰", "别再发短信了，谢谢"])
async def test_a_checkout_note_with_opt_out_words_is_the_note(
    harness: ChatHarness, note: str
) -> None:
    harness.languages["gu"] = "zh"
    await harness.say("gu", "/subscribe")
    await harness.say("gu", "1 walnuts")
    await harness.press("gu", "结算")
    for answer in ("顾", "13800138000", "杭州市西湖区文三路18号"):
        await harness.say("gu", answer)
    replies = texts(await harness.say("gu", note))
    assert f"备注：{note}" in replies
    assert await harness.shop.store.customers.promo_flags("test:gu") == (True, False)
    await harness.press("gu", "确认下单")
    [order] = await harness.shop.store.orders.of_customer("test:gu")
    assert order.note == note


@pytest.mark.parametrize(
    "text", ["①", "²", "⑵", "①②", "① rose mask", "rose mask x²", "² walnuts", "Ⅲ"]
)
async def test_odd_digits_never_give_an_internal_error(harness: ChatHarness, text: str) -> None:
    harness.languages["ha"] = "en"
    await harness.say("ha", "2 masks")  # a message with numbered choices before
    replies = await harness.say("ha", text)
    assert replies, "an answer"
    assert t("error.internal", "en") not in texts(replies)
