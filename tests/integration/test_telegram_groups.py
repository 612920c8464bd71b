"""Groups on Telegram: the bot speaks only when addressed, and knows where it sits.

With Telegram's privacy mode on (the default), a bot in a group receives commands,
mentions and replies to its own messages: exactly what the router answers. These tests
also send plain chatter, as a bot with privacy mode off would receive it.
"""

from __future__ import annotations

from conftest import ALICE, BOB, BOT_USERNAME, FRIENDS, OWNER, TelegramShop

from bot.messages import ChatKind, ChatRef

DEEP_LINK = f"https://t.me/{BOT_USERNAME}?start="


async def test_the_bot_answers_in_a_group_only_when_addressed(
    telegram_shop: TelegramShop,
) -> None:
    t, fake = telegram_shop, telegram_shop.fake

    chatter = fake.group_text(FRIENDS, BOB, "anyone tried the rose masks? 2 would be nice")
    heard = await t.handled_message(FRIENDS.id, chatter)
    assert not heard.addressed
    assert fake.calls_to("sendMessage", FRIENDS.id) == []
    assert fake.calls_to("sendPhoto", FRIENDS.id) == []

    # A mention anywhere is for the bot; the parser sees the words without it.
    mention = fake.group_text(FRIENDS, BOB, f"hi @{BOT_USERNAME}, 2 rose masks please")
    incoming = await t.handled_message(FRIENDS.id, mention)
    assert incoming.mentions_bot
    assert incoming.text == "hi 2 rose masks please"
    added, to_cart = fake.sent(FRIENDS.id)
    assert "Added 2 × Rose hydrating mask" in added.shown
    assert f"@{BOT_USERNAME}" not in added.shown
    assert to_cart.button("Continue in private chat")["url"] == f"{DEEP_LINK}cart"

    # /start@thisbot in a group: a link to continue in private, not a shop in the group.
    sent_before = len(fake.sent(FRIENDS.id))
    command = fake.group_text(FRIENDS, BOB, f"/start@{BOT_USERNAME}")
    incoming = await t.handled_message(FRIENDS.id, command)
    assert incoming.text == "/start"
    answer = fake.sent(FRIENDS.id)[sent_before:]
    assert "Let's continue in a private chat" in answer[0].shown
    assert "Bob, tap below to continue with me privately" in answer[-1].shown
    [link] = list(answer[-1].buttons())
    assert link["url"] == f"{DEEP_LINK}start"
    assert "callback_data" not in link

    # /start@otherbot is another bot's business: never reaches the shop. Bob's updates
    # are handled in order, so once his next message is handled this one is done.
    other = fake.group_text(FRIENDS, BOB, "/start@some_other_bot")
    follow_up = fake.group_text(FRIENDS, BOB, f"/help@{BOT_USERNAME}")
    await t.handled_message(FRIENDS.id, follow_up)
    assert not [i for i in t.handled if i.message_id == str(other)]

    # A reply to one of the bot's own messages is addressed to it.
    sent_before = len(fake.sent(FRIENDS.id))
    reply = fake.group_text(FRIENDS, ALICE, "thanks!", reply_to=added.message_id)
    incoming = await t.handled_message(FRIENDS.id, reply)
    assert incoming.reply_to_bot
    assert len(fake.sent(FRIENDS.id)) > sent_before
    # ...but a reply to a person's message is chatter like any other.
    sent_before = len(fake.sent(FRIENDS.id))
    aside = fake.group_text(FRIENDS, BOB, "me too", reply_to=reply)
    incoming = await t.handled_message(FRIENDS.id, aside)
    assert not incoming.reply_to_bot
    assert len(fake.sent(FRIENDS.id)) == sent_before


async def test_a_deep_link_opens_the_product_card_in_private(telegram_shop: TelegramShop) -> None:
    """t.me/<bot>?start=p-ROSE-MASK arrives as "/start p-ROSE-MASK"; the card's picture
    URL is a placeholder Telegram cannot fetch, so the card goes out as text."""
    fake = telegram_shop.fake
    fake.private_text(BOB, "/start p-ROSE-MASK")

    card = await fake.wait_for_message(BOB, "Rose hydrating mask (box of 10)")
    [photo] = fake.calls_to("sendPhoto", BOB.id)
    assert photo.params["photo"] == "https://example.com/images/rose-mask.jpg"
    assert not photo.ok and photo.error_code == 400
    assert photo.real <= card.real
    assert "Sheet masks soaked in rose water" in card.shown
    assert [b["text"] for b in card.keyboard[0]] == ["Add 1", "Add 2", "Add 3"]


async def test_a_picture_telegram_can_fetch_is_sent_as_a_photo_card(
    telegram_shop: TelegramShop,
) -> None:
    fake = telegram_shop.fake
    fake.reachable_photo_urls.add("https://example.com/images/rose-mask.jpg")
    fake.private_text(BOB, "/start p-ROSE-MASK")

    [card] = await fake.wait_for("sendPhoto", predicate=lambda c: c.ok and c.chat_id == BOB.id)
    assert "Rose hydrating mask (box of 10)" in card.shown
    assert card.params["parse_mode"] == "HTML"
    assert card.button("Add 2")
    assert fake.calls_to("sendMessage", BOB.id) == []


async def test_added_to_a_group_registers_it_and_tells_the_owner(
    telegram_shop: TelegramShop,
) -> None:
    t, fake, store = telegram_shop, telegram_shop.fake, telegram_shop.shop.store
    key = f"telegram:{FRIENDS.id}"

    fake.my_chat_member(FRIENDS, BOB, "left", "member")
    await t.until(lambda: t.memberships or None)
    record = await store.chats.get(key)
    assert record is not None
    assert (record.kind, record.title, record.active) == ("group", FRIENDS.title, True)
    assert not record.promotions_enabled
    added = await fake.wait_for_message(OWNER, f"我被拉进了群“{FRIENDS.title}”")
    assert "&lt;3 &amp; co" in added.text  # the group's own name, escaped for HTML

    # Made an admin: still in the group, so nobody is told anything again.
    fake.my_chat_member(FRIENDS, BOB, "member", "administrator")
    fake.my_chat_member(FRIENDS, BOB, "administrator", "kicked")
    await t.until(lambda: len(t.memberships) == 2 or None)
    assert [change.joined for change in t.memberships] == [True, False]
    record = await store.chats.get(key)
    assert record is not None and not record.active and record.unreachable_reason
    assert await store.chats.is_unreachable(key)
    await fake.wait_for_message(OWNER, f"我被移出了群“{FRIENDS.title}”")
    assert len(fake.sent(OWNER.id)) == 2
    assert fake.calls_to("sendMessage", FRIENDS.id) == []


async def test_someone_blocking_the_bot_in_private_is_not_a_group_event(
    telegram_shop: TelegramShop,
) -> None:
    """my_chat_member also reports a person blocking the bot; that is no group to register
    (delivery learns of the block from the refused send)."""
    t, fake = telegram_shop, telegram_shop.fake
    fake.inject(
        {
            "my_chat_member": {
                "chat": ALICE.chat_json(),
                "from": ALICE.json(),
                "date": 1,
                "old_chat_member": fake._member("member"),
                "new_chat_member": fake._member("kicked"),
            }
        }
    )
    follow_up = fake.private_text(ALICE, "/help")
    await t.handled_message(ALICE.id, follow_up)
    assert t.memberships == []
    assert await t.shop.store.chats.get(f"telegram:{ALICE.id}") is None


async def test_only_a_group_admin_turns_promotions_off(telegram_shop: TelegramShop) -> None:
    t, fake = telegram_shop, telegram_shop.fake
    key = f"telegram:{FRIENDS.id}"
    await t.shop.store.chats.register(ChatRef("telegram", str(FRIENDS.id), ChatKind.GROUP))
    await t.shop.store.chats.set_promotions(key, True)

    refused = fake.group_text(FRIENDS, BOB, f"/nopromo@{BOT_USERNAME}")
    incoming = await t.handled_message(FRIENDS.id, refused)
    assert not incoming.sender_is_admin
    assert (await t.shop.store.chats.get(key)).promotions_enabled

    fake.admins[FRIENDS.id] = {ALICE.id}
    allowed = fake.group_text(FRIENDS, ALICE, "/nopromo")
    incoming = await t.handled_message(FRIENDS.id, allowed)
    assert incoming.sender_is_admin
    assert not (await t.shop.store.chats.get(key)).promotions_enabled
    assert [c for c in fake.calls if c.method == "getChatMember"]
