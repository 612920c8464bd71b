"""The real shop on the real Python wechaty client, against a real puppet service.

The stand-in (wechat_stand_in/server.mjs) is wechaty-puppet-service serving
wechaty-puppet-mock on 127.0.0.1: mock people say things through it, and what the bot
says comes back from it. WeChat has no buttons, so every choice is a number the person
replies with.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from wechat_harness import (
    BOT_ID,
    FRIENDS,
    GONE,
    MENTION,
    OWNER,
    ROSES,
    StandIn,
    WechatShop,
    choice,
    running_shop,
    until,
    wechat_settings,
)

from bot.app import Shop, run
from bot.channels.base import ChatUnreachable, MembershipChange, SendError
from bot.channels.wechat import WechatChannel, WechatStartError
from bot.clock import FakeClock
from bot.messages import ChatKind, ChatRef, Outgoing
from bot.store import OrderStatus, PostState
from promotions.jobs import PromoScheduler

ROSE = "ROSE-MASK"
ROSE_PICTURE = "https://example.com/images/rose-mask.jpg"


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandIn]:
    server = StandIn(tmp_path_factory.mktemp("wechat") / "stand-in.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def wechat_shop(tmp_path: Path, stand_in: StandIn) -> AsyncIterator[WechatShop]:
    async with running_shop(tmp_path, stand_in) as harness:
        yield harness


def joined(ws: WechatShop) -> list[MembershipChange]:
    """Changes that told the owner something (not rooms found at login)."""
    return [change for change in ws.memberships if not change.already]


async def reply(stand_in: StandIn, who: str, text: str, expect: str) -> str:
    """``who`` writes ``text`` privately; the bot's answer that contains ``expect``."""
    start = stand_in.mark()
    await stand_in.say(who, text)
    return await stand_in.said(who, expect, start)


async def place_order(ws: WechatShop, customer: str) -> str:
    """Order by chat and check out by numbers; the order number.

    WeChat tells no language, and a bare "1" or a phone number says nothing about one, so
    without a choice the shop answers those in its default language (zh). This customer
    reads English and says so once.
    """
    await reply(ws.stand_in, customer, "/lang en", "OK, I'll speak English.")
    cart = await reply(ws.stand_in, customer, "2 rose masks", "Added 2 × Rose hydrating mask")
    assert choice(cart, "Check out") == "1"
    await reply(ws.stand_in, customer, "1", "Who should the parcel go to?")
    await reply(ws.stand_in, customer, "Alice Wong", "A phone number for the courier?")
    await reply(ws.stand_in, customer, "138 0013 8000", "The delivery address?")
    note = await reply(ws.stand_in, customer, "12 Garden Road, Shanghai", "Any note for the shop?")
    assert choice(note, "No note") == "1"
    summary = await reply(ws.stand_in, customer, "1", "Please check your order:")
    assert "Alice Wong, 138 0013 8000, 12 Garden Road, Shanghai" in summary
    assert choice(summary, "Confirm") == "1"
    receipt = await reply(ws.stand_in, customer, "1", "Your order number is")
    match = re.search(r"Your order number is (\w+)\.", receipt)
    assert match, receipt
    return match[1]


async def test_a_private_order_by_chat_and_numbers_is_confirmed(wechat_shop: WechatShop) -> None:
    store = wechat_shop.shop.store
    stock_before = await store.stock.level(ROSE)

    number = await place_order(wechat_shop, "alice")

    order = await store.orders.get(number)
    assert order is not None and order.status is OrderStatus.PENDING_PAYMENT
    assert order.customer_key == "wechat:alice"
    assert [(line.sku, line.qty) for line in order.lines] == [(ROSE, 2)]
    assert await store.stock.level(ROSE) == stock_before - 2
    # The puppet reports the bot's own messages too; none of them reached the shop.
    assert wechat_shop.handled and all(i.sender.user_id == "alice" for i in wechat_shop.handled)
    assert all(i.chat == ChatRef("wechat", "alice") for i in wechat_shop.handled)


async def test_the_owner_marks_an_order_paid_by_number_and_the_customer_is_told(
    wechat_shop: WechatShop,
) -> None:
    stand_in, store = wechat_shop.stand_in, wechat_shop.shop.store
    start = stand_in.mark()
    number = await place_order(wechat_shop, "alice")

    # The owner (wechat:lily in the settings) hears of it in the shop's language, with
    # numbered choices instead of buttons.
    notice = await stand_in.said(OWNER, f"新订单 {number}", start)
    paid = choice(notice, "已付款")

    # The customer's own "1" is read against the customer's own choices: nothing changes.
    order = await store.orders.get(number)
    assert order is not None and order.status is OrderStatus.PENDING_PAYMENT

    await reply(stand_in, OWNER, paid, f"订单 {number} 已改为")
    await stand_in.said("alice", f"Your payment for order {number} is confirmed.", start)
    order = await store.orders.get(number)
    assert order is not None and order.status is OrderStatus.PAID


async def test_in_a_room_only_a_mention_gets_an_answer(wechat_shop: WechatShop) -> None:
    stand_in = wechat_shop.stand_in
    start = stand_in.mark()

    chatter = await stand_in.say("bob", "anyone tried the rose masks?", to=FRIENDS)
    handled = await wechat_shop.handled_message(chatter)
    assert handled.chat == ChatRef("wechat", FRIENDS, ChatKind.GROUP)
    assert handled.chat.title == "Lily's friends"
    assert not handled.mentions_bot and not handled.sender_is_admin
    assert stand_in.sent(FRIENDS, start) == []  # handled, and nothing said

    asked = await stand_in.say(
        "alice", f"{MENTION}what is the return policy?", to=FRIENDS, mentions=(BOT_ID,)
    )
    handled = await wechat_shop.handled_message(asked)
    assert handled.mentions_bot
    assert handled.text == "what is the return policy?"  # the mention is not in the text
    assert handled.sender.user_id == "alice" and handled.sender.name == "Alice"
    assert handled.sender_is_admin  # the room's admin list names her; bob's does not
    answer = await stand_in.said(FRIENDS, "Unopened skin care within 7 days", start)
    assert [m["text"] for m in stand_in.sent(FRIENDS, start)] == [answer]


async def test_a_hand_typed_mention_without_the_mention_list_still_counts(
    wechat_shop: WechatShop,
) -> None:
    # Typed by hand, in another case, without the app turning it into a mention.
    asked = await wechat_shop.stand_in.say("bob", "@shopbot 2 rose masks", to=FRIENDS)
    handled = await wechat_shop.handled_message(asked)
    assert handled.mentions_bot and handled.text == "2 rose masks"


async def test_a_new_room_topic_is_seen_on_the_next_message(wechat_shop: WechatShop) -> None:
    stand_in = wechat_shop.stand_in
    before = await wechat_shop.handled_message(await stand_in.say("bob", "hi", to=FRIENDS))
    assert before.chat.title == "Lily's friends"
    await stand_in.command("topic", room=FRIENDS, topic="Lily's friends 🌹", by=OWNER)
    try:
        after = await wechat_shop.handled_message(await stand_in.say("bob", "hi", to=FRIENDS))
        assert after.chat.title == "Lily's friends 🌹"
    finally:  # the room is shared by this module's tests
        await stand_in.command("topic", room=FRIENDS, topic="Lily's friends", by=OWNER)


async def test_the_bot_invited_into_a_room_registers_it_and_tells_the_owner(
    wechat_shop: WechatShop,
) -> None:
    stand_in, store = wechat_shop.stand_in, wechat_shop.shop.store
    start = stand_in.mark()

    await stand_in.command("add", room=ROSES, members=[BOT_ID], by=OWNER)

    notice = await stand_in.said(OWNER, "我被拉进了群“Rose lovers”", start)
    assert f"wechat:{ROSES}" in notice
    # Recorded once the shop has finished with it, just after the notice went out.
    [change] = await until(lambda: joined(wechat_shop) or None)
    assert change.joined and change.by is not None and change.by.user_id == OWNER
    record = await store.chats.get(f"wechat:{ROSES}")
    assert record is not None and record.active and record.title == "Rose lovers"
    # Someone else joining later is none of the shop's business. (Events are read in
    # order: once bob's message is handled, his joining has been read too.)
    await stand_in.command("add", room=ROSES, members=["bob"], by=OWNER)
    await wechat_shop.handled_message(await stand_in.say("bob", "hi all", to=ROSES))
    assert len(joined(wechat_shop)) == 1


async def test_the_bot_removed_from_a_room_stops_posting_there(wechat_shop: WechatShop) -> None:
    stand_in, store, channel = wechat_shop.stand_in, wechat_shop.shop.store, wechat_shop.channel
    start = stand_in.mark()

    await stand_in.command("remove", room=GONE, members=[BOT_ID], by=OWNER)

    await stand_in.said(OWNER, "我被移出了群“Old group”", start)
    assert await store.chats.is_unreachable(f"wechat:{GONE}")
    # The service refuses a message to a room the account is not in: unreachable.
    with pytest.raises(ChatUnreachable, match="not a member"):
        await channel.send(Outgoing(ChatRef("wechat", GONE, ChatKind.GROUP), "still there?"))


async def test_a_product_picture_goes_first_then_the_text(wechat_shop: WechatShop) -> None:
    stand_in, channel = wechat_shop.stand_in, wechat_shop.channel
    start = stand_in.mark()

    message_id = await channel.send(
        Outgoing(ChatRef("wechat", "carol"), "Rose hydrating mask — ¥89", image=ROSE_PICTURE)
    )

    await stand_in.said("carol", "Rose hydrating mask", start)
    picture, text = stand_in.sent("carol", start)
    assert picture["file"]["url"] == ROSE_PICTURE and picture["file"]["name"] == "rose-mask.jpg"
    assert text["messageId"] == message_id  # the id of the text, as the mocker made it


async def test_a_picture_the_service_cannot_fetch_still_sends_the_text(
    wechat_shop: WechatShop,
) -> None:
    stand_in, channel = wechat_shop.stand_in, wechat_shop.channel
    start = stand_in.mark()

    await channel.send(
        Outgoing(ChatRef("wechat", "carol"), "Silk mask", image="https://pictures.invalid/silk.jpg")
    )

    await stand_in.said("carol", "Silk mask", start)
    assert [m["file"] for m in stand_in.sent("carol", start)] == [None]


async def test_a_contact_that_does_not_exist_is_unreachable(wechat_shop: WechatShop) -> None:
    with pytest.raises(ChatUnreachable, match="not exist"):
        await wechat_shop.channel.send(Outgoing(ChatRef("wechat", "nobody"), "hello?"))


async def test_the_clients_files_go_under_the_shops_data_directory(
    wechat_shop: WechatShop, tmp_path: Path
) -> None:
    channel = wechat_shop.channel
    assert channel.work_dir == tmp_path / "wechaty"  # beside shop.db
    assert channel.job_store_url == f"sqlite:///{tmp_path / 'wechaty' / 'job.db'}"
    # What wechaty's own plugin scheduler was given (it offers no public accessor).
    manager = channel.client._plugin_manager
    store = manager.scheduler._jobstores["wechaty-scheduler"]
    assert str(store.engine.url) == channel.job_store_url


async def test_a_wrong_token_is_refused_with_a_clear_message(
    stand_in: StandIn, tmp_path: Path
) -> None:
    # Told at once, not after waiting out the login: were the refusal missed, the start
    # would end in a login timeout instead, with another message.
    channel = WechatChannel(
        stand_in.endpoint, "insecure_wrong-token", tmp_path / "wechaty", login_timeout=20
    )

    async def ignore(_: object) -> None:
        raise AssertionError("nothing should arrive")

    with pytest.raises(WechatStartError, match="refused the token") as refused:
        await channel.start(ignore, ignore)
    assert "UNAUTHENTICATED" in str(refused.value)
    assert "WECHATY_PUPPET_SERVICE_TOKEN" in str(refused.value)
    assert "insecure_wrong-token" not in str(refused.value)  # tokens stay out of logs
    await channel.stop()  # safe after a failed start


async def test_the_app_does_not_hang_on_a_wrong_token(stand_in: StandIn, tmp_path: Path) -> None:
    settings = wechat_settings(tmp_path, stand_in, wechat_token="insecure_wrong-token")
    async with asyncio.timeout(10):
        with pytest.raises(WechatStartError, match="refused the token"):
            await run(settings)


async def test_an_endpoint_where_nothing_listens_is_refused_with_a_clear_message(
    tmp_path: Path,
) -> None:
    channel = WechatChannel("127.0.0.1:9", "insecure_x", tmp_path / "wechaty", login_timeout=5)

    async def ignore(_: object) -> None:
        raise AssertionError("nothing should arrive")

    with pytest.raises(WechatStartError, match="nothing answers"):
        await channel.start(ignore, ignore)


async def test_the_channel_reconnects_when_the_service_comes_back(tmp_path: Path) -> None:
    first = StandIn(tmp_path / "first.log")
    second: StandIn | None = None
    shop = Shop(wechat_settings(tmp_path, first), FakeClock())
    await shop.open()
    channel = WechatChannel.from_settings(shop.settings, shop.clock)
    try:
        await shop.start_channels([channel])
        first.kill()  # the service goes away without a goodbye
        with pytest.raises(SendError):
            await channel.send(Outgoing(ChatRef("wechat", "bob"), "are you there?"))

        # The same service back on the same port with the same token.
        second = StandIn(tmp_path / "second.log", port=first.port, token=first.token)
        await until(second.logged_in, within=10, what="the channel to reconnect")
        await until(lambda: channel.me, what="the channel to read its login")
        start = second.mark()
        await second.say("bob", "2 rose masks")
        await second.said("bob", "Added 2 × Rose hydrating mask", start)
    finally:
        await shop.close()
        first.stop()
        if second is not None:
            second.stop()


async def test_a_scheduled_promotion_reaches_an_enabled_room_and_not_a_disabled_one(
    wechat_shop: WechatShop,
) -> None:
    stand_in, shop = wechat_shop.stand_in, wechat_shop.shop
    await stand_in.command("add", room=ROSES, members=[BOT_ID], by=OWNER)
    for room, title in ((FRIENDS, "Friends"), (ROSES, "Rose lovers")):
        await shop.store.chats.register(ChatRef("wechat", room, ChatKind.GROUP, title))
    await shop.store.chats.set_promotions(f"wechat:{FRIENDS}", True)  # ROSES stays off
    slot = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # Tuesday 10:30 in Shanghai
    wechat_shop.clock.advance((slot - wechat_shop.clock.now()).total_seconds())
    start = stand_in.mark()

    # What APScheduler calls when the winter-masks trigger fires.
    await PromoScheduler(shop.promotions).fire("winter-masks")

    post = await stand_in.said(FRIENDS, "玫瑰补水面膜", start)
    assert "¥39.90" in post
    assert stand_in.sent(ROSES, start) == []
    rows = {r.chat.key: r for r in await shop.store.outbox.rows(campaign_id="winter-masks")}
    assert rows[f"wechat:{FRIENDS}"].state is PostState.SENT
    assert rows[f"wechat:{ROSES}"].reason == "not_enabled"
