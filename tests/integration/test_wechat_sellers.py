"""WeChat as its sellers use it (issue 17), on the real client against the stand-in: rooms
the account was already in, numbers that mean what the person saw, replies that name the
person in a room, and a slow chat that never holds up another."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from wechat_harness import (
    BOT_ID,
    FRIENDS,
    GONE,
    MENTION,
    OWNER,
    StandIn,
    WechatShop,
    choice,
    running_shop,
    until,
)

from bot.actions import ShowProduct, action_button
from bot.messages import ChatRef, Incoming, Outgoing, buttons
from bot.store import OrderStatus


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandIn]:
    server = StandIn(tmp_path_factory.mktemp("wechat-sellers") / "stand-in.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def wechat_shop(tmp_path: Path, stand_in: StandIn) -> AsyncIterator[WechatShop]:
    async with running_shop(tmp_path, stand_in) as harness:
        yield harness


async def reply(stand_in: StandIn, who: str, text: str, expect: str) -> str:
    start = stand_in.mark()
    await stand_in.say(who, text)
    return await stand_in.said(who, expect, start)


class Gate:
    """Holds the channel's sends to one chat until opened: a chat whose messages are
    still waiting for their turn (pacing, a slow network)."""

    def __init__(self, ws: WechatShop, chat_id: str) -> None:
        self.opened = asyncio.Event()
        self.waiting = 0
        send = ws.channel.send

        async def gated(message: Outgoing) -> str | None:
            if message.chat.chat_id == chat_id and not self.opened.is_set():
                self.waiting += 1
                await self.opened.wait()
            return await send(message)

        ws.channel.send = gated  # type: ignore[method-assign]
        ws.shop.delivery.add_channel(ws.channel)  # delivery holds the channel itself


async def test_rooms_the_account_was_in_at_start_are_registered_and_renames_kept(
    wechat_shop: WechatShop,
) -> None:
    stand_in, store = wechat_shop.stand_in, wechat_shop.shop.store

    async def registered() -> dict[str, str]:
        return {c.chat_id: c.title for c in await store.chats.groups()}

    found: dict[str, str] = {}
    for _ in range(200):
        found = await registered()
        if FRIENDS in found and GONE in found:
            break
        await asyncio.sleep(0.01)
    assert found == {FRIENDS: "Lily's friends", GONE: "Old group"}  # not the room it isn't in
    groups = await reply(stand_in, OWNER, "/groups", "Lily's friends")
    assert "Old group" in groups and "我还没有进任何群" not in groups
    # The owner was not told "I was added" for rooms it was already in.
    assert [m for m in stand_in.sent(OWNER) if "我被拉进了群" in m["text"]] == []

    await stand_in.command("topic", room=FRIENDS, topic="莉莉的朋友们", by=OWNER)
    try:
        for _ in range(200):
            if (await registered()).get(FRIENDS) == "莉莉的朋友们":
                break
            await asyncio.sleep(0.01)
        assert (await registered())[FRIENDS] == "莉莉的朋友们"
    finally:  # the room is shared by this module's tests
        await stand_in.command("topic", room=FRIENDS, topic="Lily's friends", by=OWNER)


async def test_a_number_typed_before_the_new_list_arrived_means_the_list_on_screen(
    wechat_shop: WechatShop,
) -> None:
    stand_in = wechat_shop.stand_in
    welcome = await reply(stand_in, "carol", "/start", "1. ")
    browse = choice(welcome, "逛逛")
    gate = Gate(wechat_shop, "carol")
    start = stand_in.mark()
    await stand_in.say("carol", "要两盒玫瑰面膜")  # its list (1. 去结算) is still on its way
    await until(lambda: gate.waiting or None, what="the cart reply to be held")
    routed: list[str] = []
    route = wechat_shop.shop.router.handle

    async def recording(incoming: Incoming) -> list[Outgoing]:
        replies = await route(incoming)
        routed.append(incoming.text)
        return replies

    wechat_shop.shop.router.handle = recording  # type: ignore[method-assign]
    await stand_in.say("carol", browse)  # meant: 逛逛, on carol's screen
    await until(lambda: browse in routed or None, what="carol's number to be handled")
    gate.opened.set()
    answer = await stand_in.said("carol", f"（你选的是：{browse}. 🛍 逛逛）", start)
    assert "想看看哪一类" in answer
    assert [m for m in stand_in.sent("carol", start) if "收件人" in m["text"]] == []


async def test_a_promotion_during_checkout_does_not_take_over_the_numbers(
    wechat_shop: WechatShop,
) -> None:
    stand_in, shop = wechat_shop.stand_in, wechat_shop.shop
    await reply(stand_in, "bob", "/lang en", "English")
    await reply(stand_in, "bob", "2 rose masks", "Added 2")
    await reply(stand_in, "bob", "1", "Who should the parcel go to?")
    await reply(stand_in, "bob", "Bob Li", "phone")
    await reply(stand_in, "bob", "139 0000 0000", "address")
    await reply(stand_in, "bob", "8 Hill Road, Hangzhou", "note")
    summary = await reply(stand_in, "bob", "1", "Please check your order:")
    assert choice(summary, "Confirm") == "1"
    # A subscriber's promotion arrives between the summary and the customer's "1".
    start = stand_in.mark()
    offer = Outgoing(
        ChatRef("wechat", "bob"),
        "Tea cake, this week only",
        buttons=buttons([action_button("🛒 Buy tea cake", ShowProduct("WALNUTS"))]),
        language="en",
    )
    assert (await shop.delivery.send(offer)).ok
    promo = await stand_in.said("bob", "Tea cake", start)
    assert "A1. 🛒 Buy tea cake" in promo and '"A1"' in promo

    receipt = await reply(stand_in, "bob", "1", "Your order number is")
    assert "(You chose 1. ✅ Confirm order.)" in receipt
    [order] = await shop.store.orders.of_customer("wechat:bob")
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert await shop.store.carts.lines("wechat:bob") == []  # no tea cake slipped in


def tagged_choice(messages: list[dict[str, Any]], product: str) -> str:
    """The choice code ("3", "C1") that adds ``product`` among the bot's messages."""
    for message in messages:
        for line in message["text"].splitlines():
            code, dot, label = line.partition(". ")
            if dot and code[-1:].isdigit() and product in label:
                return code
    raise AssertionError(f"no choice for {product!r}")


async def test_two_people_choosing_in_one_room_each_use_their_own_list(
    wechat_shop: WechatShop,
) -> None:
    stand_in, store = wechat_shop.stand_in, wechat_shop.shop.store
    start = stand_in.mark()
    # A price question is public: the masks' list, a choice to add each, in the room.
    await stand_in.say("alice", f"{MENTION}面膜多少钱", to=FRIENDS, mentions=(BOT_ID,))
    await stand_in.said(FRIENDS, "蚕丝蛋白", start)
    silk = tagged_choice(stand_in.sent(FRIENDS, start), "蚕丝蛋白")
    mark = stand_in.mark()
    await stand_in.say("bob", f"{MENTION}核桃多少钱", to=FRIENDS, mentions=(BOT_ID,))
    await stand_in.said(FRIENDS, "@Bob ", mark)  # bob now has a newer list in the room
    mark = stand_in.mark()
    await stand_in.say("alice", f"{MENTION}{silk}", to=FRIENDS, mentions=(BOT_ID,))
    added = await stand_in.said(FRIENDS, "@Alice ", mark)
    assert "蚕丝蛋白" in added
    [line] = await store.carts.lines("wechat:alice")
    assert line.sku == "SILK-MASK"
    assert await store.carts.lines("wechat:bob") == []
    # Every reply in the room names the person it answers.
    assert all(m["text"].startswith(("@Alice ", "@Bob ")) for m in stand_in.sent(FRIENDS, start))


async def test_a_slow_owner_chat_never_holds_up_a_customers_message(
    wechat_shop: WechatShop,
) -> None:
    stand_in, store = wechat_shop.stand_in, wechat_shop.shop.store
    start = stand_in.mark()
    await reply(stand_in, "alice", "/lang en", "English")
    await reply(stand_in, "alice", "1 longjing", "Added 1")
    await reply(stand_in, "alice", "1", "Who should the parcel go to?")
    await reply(stand_in, "alice", "Alice Wong", "phone")
    await reply(stand_in, "alice", "138 0013 8000", "address")
    await reply(stand_in, "alice", "12 Garden Road", "note")
    await reply(stand_in, "alice", "1", "Please check your order:")
    await reply(stand_in, "alice", "1", "Your order number is")
    notice = await stand_in.said(OWNER, "新订单", start)
    paid = choice(notice, "已付款")
    [order] = await store.orders.of_customer("wechat:alice")
    assert paid == f"{order.number} 1"  # the owner's choice names the order

    owner = Gate(wechat_shop, OWNER)  # the owner's chat is busy (e.g. a long /open)
    held_from = stand_in.mark()
    await stand_in.say(OWNER, paid)
    # The owner's own answer waits its turn; the customer's notice does not wait for it.
    await stand_in.said("alice", f"Your payment for order {order.number} is confirmed.", held_from)
    await until(lambda: owner.waiting or None, what="the owner's answer to be held")
    assert stand_in.sent(OWNER, held_from) == []
    owner.opened.set()
    await stand_in.said(OWNER, f"订单 {order.number} 已改为", held_from)
