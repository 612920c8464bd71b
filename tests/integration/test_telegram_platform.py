"""Telegram's own ways, through the real channel against the fake Bot API: a group that
becomes a supergroup, forum topics, mentions as Telegram marks them."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import BOB, BOT_USERNAME, CAROL, OWNER, TelegramShop
from fake_bot_api import Call, FakeGroup

from bot.messages import Incoming
from bot.store import PostState

TEA_FRIENDS = FakeGroup(-4242, "茶友群 Tea friends", "group")
UPGRADE_REFUSAL = "Bad Request: group chat was upgraded to a supergroup chat"


def _key(group: FakeGroup) -> str:
    return f"telegram:{group.id}"


# --- a group upgraded to a supergroup ------------------------------------------------


async def test_an_answer_to_a_group_that_just_became_a_supergroup_follows_it(
    telegram_shop: TelegramShop,
) -> None:
    """Bob wrote in the group a moment before it was upgraded: Telegram refuses the answer
    under the old id and names the new one. The answer goes there, and the group keeps
    its promotions switch and its members under the new id."""
    t, fake, store = telegram_shop, telegram_shop.fake, telegram_shop.shop.store
    hello = fake.group_text(TEA_FRIENDS, BOB, f"@{BOT_USERNAME} hello")
    await t.handled_message(TEA_FRIENDS.id, hello)
    assert await store.chats.set_promotions(_key(TEA_FRIENDS), True)

    supergroup = fake.upgrade_to_supergroup(TEA_FRIENDS, announce=False)
    asked = fake.group_text(TEA_FRIENDS, CAROL, f"@{BOT_USERNAME} 玫瑰面膜多少钱？")
    await t.handled_message(TEA_FRIENDS.id, asked)

    [refused] = fake.calls_to("sendMessage", TEA_FRIENDS.id, ok=False)
    assert refused.description == UPGRADE_REFUSAL
    answer = fake.sent(supergroup.id)
    assert answer and "玫瑰" in answer[0].shown
    moved = await store.chats.get(_key(supergroup))
    assert moved is not None and moved.promotions_enabled and moved.active
    assert moved.moved_from == _key(TEA_FRIENDS) and moved.title == TEA_FRIENDS.title
    members = await store.chats.group_members()
    assert members == {_key(supergroup): frozenset({f"telegram:{BOB.id}", f"telegram:{CAROL.id}"})}
    old = await store.chats.get(_key(TEA_FRIENDS))
    assert old is not None and old.unreachable_reason == f"moved to {_key(supergroup)}"


async def test_telegrams_notice_of_the_upgrade_moves_the_group_before_any_send(
    telegram_shop: TelegramShop,
) -> None:
    t, fake, store = telegram_shop, telegram_shop.fake, telegram_shop.shop.store
    hello = fake.group_text(TEA_FRIENDS, BOB, f"@{BOT_USERNAME} hi")
    await t.handled_message(TEA_FRIENDS.id, hello)
    assert await store.chats.set_promotions(_key(TEA_FRIENDS), True)
    sent_before = len(fake.sent())

    supergroup = fake.upgrade_to_supergroup(TEA_FRIENDS)
    await t.until(lambda: len(t.memberships) >= 3 or None)

    moved = await store.chats.get(_key(supergroup))
    assert moved is not None and moved.promotions_enabled and moved.moved_from == _key(TEA_FRIENDS)
    assert await store.chats.is_unreachable(_key(TEA_FRIENDS))
    assert len(fake.sent()) == sent_before  # nobody was told anything


async def test_a_promotion_due_in_a_group_that_moved_is_posted_there_once(
    telegram_shop: TelegramShop,
) -> None:
    """The upgrade went unannounced (the bot was down): the slot's post, decided for the
    old id, is refused there, goes to the new id, and is recorded sent under it."""
    t, fake, store = telegram_shop, telegram_shop.fake, telegram_shop.shop.store
    hello = fake.group_text(TEA_FRIENDS, BOB, f"@{BOT_USERNAME} hello")
    await t.handled_message(TEA_FRIENDS.id, hello)
    assert await store.chats.set_promotions(_key(TEA_FRIENDS), True)
    supergroup = fake.upgrade_to_supergroup(TEA_FRIENDS, announce=False)
    slot = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # Tuesday 10:30 in Shanghai
    t.clock.advance((slot - t.clock.now()).total_seconds())

    await t.shop.promotions.run_slot("winter-masks", slot)
    await t.shop.promotions.run_slot("winter-masks", slot)  # decided again: no second post

    refused = [c for c in fake.calls if c.chat_id == TEA_FRIENDS.id and not c.ok]
    assert [c.description for c in refused] == [UPGRADE_REFUSAL]
    [post] = fake.sent(supergroup.id)
    assert "玫瑰补水面膜到货啦" in post.shown or "rose masks are back" in post.shown
    [row] = await store.outbox.rows(campaign_id="winter-masks")
    assert (row.chat.key, row.state) == (_key(supergroup), PostState.SENT)


# --- forum groups: a reply goes to the topic it answers -------------------------------

SHOP_FORUM = FakeGroup(-1005550001, "莉莉小店 Lily's shop", "supergroup", is_forum=True)


def _topic(call: Call) -> int | None:
    value = call.params.get("message_thread_id")
    return int(value) if value is not None else None


async def test_a_customer_in_a_topic_is_answered_in_that_topic(
    telegram_shop: TelegramShop,
) -> None:
    t, fake = telegram_shop, telegram_shop.fake
    orders = fake.open_topic(SHOP_FORUM, OWNER, "下单 Orders")

    asked = fake.group_text(SHOP_FORUM, BOB, f"@{BOT_USERNAME} 2 rose masks please", topic=orders)
    incoming = await t.handled_message(SHOP_FORUM.id, asked)
    assert incoming.mentions_bot and not incoming.reply_to_bot  # the topic is not the bot's
    answer = fake.sent(SHOP_FORUM.id)
    assert answer and "Added 2 × Rose hydrating mask" in answer[0].shown
    assert [_topic(call) for call in answer] == [orders] * len(answer)

    # General (no topic) is answered in General.
    before = len(fake.sent(SHOP_FORUM.id))
    general = fake.group_text(SHOP_FORUM, CAROL, f"@{BOT_USERNAME} 你好")
    await t.handled_message(SHOP_FORUM.id, general)
    in_general = fake.sent(SHOP_FORUM.id)[before:]
    assert in_general and [_topic(call) for call in in_general] == [None] * len(in_general)

    # A reply to the bot's own message in the topic is answered there too.
    before = len(fake.sent(SHOP_FORUM.id))
    thanks = fake.group_text(
        SHOP_FORUM, BOB, "谢谢！还有丝绸面膜吗？", reply_to=answer[0].message_id, topic=orders
    )
    incoming = await t.handled_message(SHOP_FORUM.id, thanks)
    assert incoming.reply_to_bot
    again = fake.sent(SHOP_FORUM.id)[before:]
    assert again and [_topic(call) for call in again] == [orders] * len(again)

    # A button on the bot's message in the topic: its answer goes to the topic as well.
    before = len(fake.sent(SHOP_FORUM.id))
    carded = next(call for call in answer if any("callback_data" in b for b in call.buttons()))
    fake.press(BOB, carded, "Keep shopping")
    pressed = await t.until(lambda: fake.sent(SHOP_FORUM.id)[before:] or None)
    assert [_topic(call) for call in pressed] == [orders] * len(pressed)


# --- mentions, as Telegram marks them -------------------------------------------------

TEA_SHOP = FakeGroup(-1005550002, "Tea lovers 茶友", "supergroup")


async def _heard(t: TelegramShop, message_id: int) -> Incoming:
    return await t.handled_message(TEA_SHOP.id, message_id)


async def test_the_bot_knows_its_mentions_from_telegrams_entities(
    telegram_shop: TelegramShop,
) -> None:
    t, fake = telegram_shop, telegram_shop.fake
    bot = fake.bot.json()

    # In a photo's caption, in capitals: for the bot, and the parser sees the rest.
    photo = fake.group_text(
        TEA_SHOP, CAROL, f"@{BOT_USERNAME.upper()}：这个玫瑰面膜还有货吗？", caption=True
    )
    heard = await _heard(t, photo)
    assert heard.mentions_bot and heard.text == "这个玫瑰面膜还有货吗？"

    # A mention by name (no @username) links to the bot's account.
    by_name = fake.group_text(
        TEA_SHOP,
        BOB,
        "Chatshop 2 rose masks please",
        entities=[{"type": "text_mention", "offset": 0, "length": 8, "user": bot}],
    )
    heard = await _heard(t, by_name)
    assert heard.mentions_bot and heard.text == "2 rose masks please"

    # Offsets count UTF-16 units: emoji before the mention do not shift what is removed.
    emoji = fake.group_text(TEA_SHOP, BOB, f"🌹🌹 @{BOT_USERNAME} 两盒玫瑰面膜 👍🏽")
    heard = await _heard(t, emoji)
    assert heard.mentions_bot and heard.text == "🌹🌹 两盒玫瑰面膜 👍🏽"

    # Not the bot: a longer username, and the bot's name quoted in a code block.
    before = len(fake.sent(TEA_SHOP.id))
    fan = fake.group_text(TEA_SHOP, BOB, f"@{BOT_USERNAME}fan 2 rose masks")
    quoted = fake.group_text(
        TEA_SHOP,
        BOB,
        f"type @{BOT_USERNAME} to order",
        entities=[{"type": "code", "offset": 5, "length": len(BOT_USERNAME) + 1}],
    )
    assert not (await _heard(t, fan)).mentions_bot
    assert not (await _heard(t, quoted)).mentions_bot
    assert len(fake.sent(TEA_SHOP.id)) == before  # chatter: nothing said


async def test_an_answer_for_a_topic_closed_meanwhile_goes_to_general(
    telegram_shop: TelegramShop,
) -> None:
    """Bob wrote just before an admin closed the topic (the bot, not an admin, may not
    post there): the answer goes to General rather than being lost."""
    t, fake = telegram_shop, telegram_shop.fake
    orders = fake.open_topic(SHOP_FORUM, OWNER, "下单 Orders")
    fake.closed_topics.add((SHOP_FORUM.id, orders))

    asked = fake.group_text(SHOP_FORUM, BOB, f"@{BOT_USERNAME} 2 rose masks", topic=orders)
    await t.handled_message(SHOP_FORUM.id, asked)

    refused = fake.calls_to("sendMessage", SHOP_FORUM.id, ok=False)
    assert refused and all(c.description == "Bad Request: TOPIC_CLOSED" for c in refused)
    answer = fake.sent(SHOP_FORUM.id)
    assert answer and "Added 2 × Rose hydrating mask" in answer[0].shown
    assert [_topic(call) for call in answer] == [None] * len(answer)
