"""What the Telegram channel puts on the wire, and how it reports Telegram's answers.

Most tests drive the channel alone (``bare_channel``) against the fake Bot API; the first
goes through the shop's delivery, which splits long texts before the channel sees them.
"""

from __future__ import annotations

import itertools

import httpx
import pytest
from conftest import ALICE, BOT_USERNAME, FRIENDS, BareChannel, TelegramShop
from fake_bot_api import FakeBotApi, FakeUser

from bot.channels import telegram as telegram_channel
from bot.channels.base import (
    ChatMoved,
    ChatUnreachable,
    ImageRefused,
    RetryAfter,
    SendError,
    TransientSendError,
    UnknownOutcome,
)
from bot.channels.telegram import MENU_COMMANDS, MessageRejected, TelegramChannel, WebhookConfig
from bot.clock import FakeClock
from bot.i18n import t
from bot.messages import Button, ChatKind, ChatRef, Outgoing
from bot.text_units import utf16_length

TO_ALICE = ChatRef("telegram", str(ALICE.id), ChatKind.PRIVATE, "Alice")


async def test_a_long_text_is_split_at_line_breaks_and_escaped(
    telegram_shop: TelegramShop,
) -> None:
    fake, delivery = telegram_shop.fake, telegram_shop.shop.delivery
    text = "\n".join(f"{n:03} <Rose & Co> {'x' * 70}" for n in range(200))  # ~18,000 chars
    assert len(text) > 4 * 4096

    result = await delivery.send(Outgoing(TO_ALICE, text, buttons=((Button("Browse", "browse"),),)))

    assert result.ok
    parts = fake.sent(ALICE.id)
    assert len(parts) == len(result.message_ids) == 5
    assert [str(call.message_id) for call in parts] == list(result.message_ids)
    # Every part within Telegram's limit, split between lines, nothing lost or reordered.
    assert all(len(call.shown) <= 4096 for call in parts)
    assert all(call.shown.startswith(("0", "1")) for call in parts)
    assert "\n".join(call.shown for call in parts) == text
    # Sent as HTML with the text escaped: "<Rose & Co>" shows as written.
    assert all(call.params["parse_mode"] == "HTML" for call in parts)
    assert "000 &lt;Rose &amp; Co&gt; xxx" in parts[0].text
    assert "<Rose" not in parts[0].text
    # The buttons belong under the last part only.
    assert [bool(call.keyboard) for call in parts] == [False] * 4 + [True]


async def test_menu_commands_are_published_in_english_and_chinese(
    bare_channel: BareChannel,
) -> None:
    commands = bare_channel.fake.commands
    assert set(commands) == {None, "zh"}  # None: the default menu, English
    for code, language in ((None, "en"), ("zh", "zh")):
        assert commands[code] == [
            {"command": name, "description": t(f"menu.{name}", language)} for name in MENU_COMMANDS
        ]


async def test_deep_links_follow_telegrams_rules(bare_channel: BareChannel) -> None:
    channel = bare_channel.channel
    assert channel.deep_link("p-ROSE-MASK") == f"https://t.me/{BOT_USERNAME}?start=p-ROSE-MASK"
    assert channel.deep_link("orders") == f"https://t.me/{BOT_USERNAME}?start=orders"
    for payload in ("", "p ROSE", "p:ROSE", "ü", "cart\n", "x" * 65):
        with pytest.raises(ValueError, match="deep-link payload"):
            channel.deep_link(payload)
    assert TelegramChannel("1:unstarted", "http://127.0.0.1:9").deep_link("cart") is None


@pytest.mark.parametrize(
    ("code", "description", "expected"),
    [
        (403, "Forbidden: bot was blocked by the user", ChatUnreachable),
        (403, "Forbidden: bot was kicked from the group chat", ChatUnreachable),
        (400, "Bad Request: chat not found", ChatUnreachable),
        (400, "Bad Request: can't parse entities: unsupported start tag", MessageRejected),
        (500, "Internal Server Error", TransientSendError),
        (502, "Bad Gateway", TransientSendError),
    ],
)
async def test_telegram_errors_become_neutral_send_errors(
    bare_channel: BareChannel, code: int, description: str, expected: type[SendError]
) -> None:
    bare_channel.fake.fail("sendMessage", code, description, chat_id=ALICE.id)
    with pytest.raises(expected):
        await bare_channel.channel.send(Outgoing(TO_ALICE, "hello"))


async def test_flood_control_reports_telegrams_wait(bare_channel: BareChannel) -> None:
    bare_channel.fake.flood("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bare_channel.channel.send(Outgoing(TO_ALICE, "hello"))
    assert raised.value.seconds == 7


async def test_no_answer_after_sending_is_an_unknown_outcome(bare_channel: BareChannel) -> None:
    """The request reached Telegram, which may have posted it: retrying could post twice."""
    fake = bare_channel.fake
    fake.fail("sendMessage", 500, "never seen: the client gives up first", hang=2.0)
    with pytest.raises(UnknownOutcome):
        await bare_channel.channel.send(Outgoing(TO_ALICE, "hello"))
    assert len(fake.calls_to("sendMessage")) == 1  # it reached the server, once


async def test_a_telegram_that_cannot_be_reached_is_a_transient_failure(
    clock: FakeClock,
) -> None:
    """Refused connections mean nothing was sent: safe for delivery to retry."""
    # In webhook mode, so that no polling loop is left retrying against the dead server.
    webhook = WebhookConfig("https://shop.example.com/hook", "127.0.0.1", 0)
    async with FakeBotApi(clock=clock) as fake:
        channel = TelegramChannel(fake.token, fake.url, clock, webhook)
        await channel.start(_ignore, _ignore)
    try:  # the server is gone now; the channel still runs
        with pytest.raises(TransientSendError) as raised:
            await channel.send(Outgoing(TO_ALICE, "hello"))
        assert not isinstance(raised.value, UnknownOutcome)
    finally:
        await channel.stop()


async def test_a_group_that_became_a_supergroup_reports_its_new_id(
    bare_channel: BareChannel,
) -> None:
    """Delivery follows it (test_telegram_platform.py); the channel only names it."""
    bare_channel.fake.fail(
        "sendMessage",
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": -1009999},
    )
    to_group = ChatRef("telegram", "-4242", ChatKind.GROUP)
    with pytest.raises(ChatMoved) as moved:
        await bare_channel.channel.send(Outgoing(to_group, "hello"))
    assert moved.value.new_chat_id == "-1009999"


async def test_a_connection_dropped_after_the_request_is_an_unknown_outcome(
    bare_channel: BareChannel,
) -> None:
    fake = bare_channel.fake
    fake.fail("sendMessage", 500, "never seen: the connection drops", drop=True)
    with pytest.raises(UnknownOutcome):
        await bare_channel.channel.send(Outgoing(TO_ALICE, "hello"))
    assert len(fake.calls_to("sendMessage")) == 1


async def test_a_revoked_token_is_not_retried(bare_channel: BareChannel) -> None:
    bare_channel.fake.fail("sendMessage", 401, "Unauthorized")
    with pytest.raises(MessageRejected, match="InvalidToken"):
        await bare_channel.channel.send(Outgoing(TO_ALICE, "hello"))


# Failures no loopback server can stage on demand (a connect or pool timeout, a write
# that stalls), built as PTB builds them: its error, with the httpx one as the cause.
# The PTB classes come through the channel module: only bot/channels imports telegram.
def _ptb_error(name: str, cause: BaseException | None = None) -> Exception:
    error: Exception = getattr(telegram_channel.tg_error, name)("failed")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_ptb_error("TimedOut", httpx.ConnectTimeout("c")), TransientSendError),
        (_ptb_error("TimedOut", httpx.PoolTimeout("p")), TransientSendError),
        (_ptb_error("TimedOut", httpx.WriteTimeout("w")), TransientSendError),
        (_ptb_error("NetworkError", httpx.ConnectError("c")), TransientSendError),
        (_ptb_error("NetworkError", httpx.WriteError("w")), TransientSendError),
        (_ptb_error("NetworkError"), TransientSendError),  # a 5xx answer
        (_ptb_error("TimedOut", httpx.ReadTimeout("r")), UnknownOutcome),
        (_ptb_error("NetworkError", httpx.ReadError("r")), UnknownOutcome),
        (_ptb_error("NetworkError", httpx.RemoteProtocolError("r")), UnknownOutcome),
        (_ptb_error("TimedOut"), UnknownOutcome),  # no cause: cannot be placed
    ],
)
def test_network_failures_are_placed_by_when_they_happened(
    error: Exception, expected: type[SendError]
) -> None:
    assert type(telegram_channel.neutral_error(error)) is expected  # type: ignore[arg-type]


async def test_a_picture_telegram_cannot_fetch_falls_back_to_text(
    bare_channel: BareChannel,
) -> None:
    fake = bare_channel.fake
    card = Outgoing(
        TO_ALICE, "Rose mask", ((Button("Add 1", "k1"),),), image="https://x.test/a.jpg"
    )

    # The channel says the picture was refused; delivery then sends the words, paced.
    with pytest.raises(ImageRefused):
        await bare_channel.channel.send(card)
    # The refusal is remembered: the same card goes straight out as text.
    message_id = await bare_channel.channel.send(card)

    [photo] = fake.calls_to("sendPhoto")
    [text] = fake.calls_to("sendMessage")
    assert not photo.ok and text.ok
    assert message_id == str(text.message_id)
    assert text.shown == "Rose mask" and text.button("Add 1")["callback_data"] == "k1"


async def test_a_picture_for_a_vanished_chat_is_not_retried_as_text(
    bare_channel: BareChannel,
) -> None:
    fake = bare_channel.fake
    fake.chat_not_found("sendPhoto", ALICE.id)
    with pytest.raises(ChatUnreachable):
        await bare_channel.channel.send(Outgoing(TO_ALICE, "Rose", image="https://x.test/a.jpg"))
    assert fake.calls_to("sendMessage") == []


async def test_edits(bare_channel: BareChannel) -> None:
    fake, channel = bare_channel.fake, bare_channel.channel
    first = await channel.send(Outgoing(TO_ALICE, "Cart: 1 item", ((Button("+", "k1"),),)))
    assert first is not None

    def edit(text: str, message_id: str, *rows: tuple[Button, ...]) -> Outgoing:
        return Outgoing(TO_ALICE, text, tuple(rows), edit_message_id=message_id)

    # Changed: edited in place, with the new keyboard.
    assert await channel.send(edit("Cart: 2 items", first, (Button("+", "k2"),))) == first
    [edited] = fake.calls_to("editMessageText", ok=True)
    assert edited.shown == "Cart: 2 items" and edited.button("+")["callback_data"] == "k2"
    # The same again: Telegram's "message is not modified" is success.
    assert await channel.send(edit("Cart: 2 items", first, (Button("+", "k2"),))) == first
    [not_modified] = fake.calls_to("editMessageText", ok=False)
    assert (not_modified.description or "").startswith("Bad Request: message is not modified")
    # A photo card's words are its caption.
    fake.reachable_photo_urls.add("https://x.test/a.jpg")
    card = await channel.send(Outgoing(TO_ALICE, "Rose: 3 left", image="https://x.test/a.jpg"))
    assert card is not None
    assert await channel.send(edit("Rose: 2 left", card)) == card
    [caption] = fake.calls_to("editMessageCaption")
    assert caption.ok and caption.shown == "Rose: 2 left"
    # A message that is gone: the update is sent as a new message.
    again = await channel.send(edit("Cart: 3 items", "999"))
    assert again is not None and again not in (first, card)
    assert fake.sent(ALICE.id)[-1].shown == "Cart: 3 items"


async def test_callback_data_over_64_bytes_is_refused_before_sending(
    bare_channel: BareChannel,
) -> None:
    too_long = Outgoing(TO_ALICE, "hello", ((Button("Add", "cart:add:" + "X" * 60),),))
    with pytest.raises(MessageRejected, match="callback data must be 1-64 bytes"):
        await bare_channel.channel.send(too_long)
    link = Outgoing(TO_ALICE, "hello", ((Button("Open", url="https://t.me/x?start=" + "a" * 64),),))
    assert await bare_channel.channel.send(link)  # links have no such limit
    assert len(bare_channel.fake.calls_to("sendMessage")) == 1


async def test_a_failing_handler_never_stops_the_updates(bare_channel: BareChannel) -> None:
    fake = bare_channel.fake
    bare_channel.failures = 2
    fake.private_text(ALICE, "first")
    query_id = fake.callback(ALICE, ALICE, 1, "key")  # routing it fails too...
    fake.private_text(ALICE, "second")

    await bare_channel.changes.until(lambda: len(bare_channel.incoming) == 3 or None)
    assert [i.text or i.button for i in bare_channel.incoming] == ["first", "key", "second"]
    # ...and its button was answered anyway, so it does not spin in the person's app.
    [answer] = await fake.wait_for("answerCallbackQuery")
    assert answer.params["callback_query_id"] == query_id


async def test_only_what_the_shop_acts_on_reaches_it(bare_channel: BareChannel) -> None:
    fake = bare_channel.fake
    other_bot = FakeUser(777, "Other", "other_bot", is_bot=True)
    message = {"from": ALICE.json(), "chat": ALICE.chat_json(), "date": 1}
    fake.inject({"edited_message": message | {"message_id": 50, "text": "2 masks", "edit_date": 2}})
    fake.inject(
        {"channel_post": {"message_id": 51, "chat": {"id": -1007, "type": "channel"}, "date": 1}}
    )
    fake.group_text(FRIENDS, other_bot, "I am a bot too")
    fake.inject({"message": message | {"message_id": 52, "new_chat_title": "renamed"}})
    fake.private_text(ALICE, "last")

    await bare_channel.changes.until(lambda: bare_channel.incoming or None)
    assert [i.text for i in bare_channel.incoming] == ["last"]
    # Edits are not even asked for: only the update types the shop handles are polled.
    polls = bare_channel.fake.calls_to("getUpdates")
    assert polls[0].params["allowed_updates"] == ["message", "callback_query", "my_chat_member"]


async def _ignore(*_: object) -> None:
    return None


# --- Telegram counts UTF-16 code units ------------------------------------------------

# Emoji outside the BMP are two UTF-16 units each; a family is eight, a flag four.
ROSE, FAMILY, FLAG, THUMB = "🌹", "👩\u200d👩\u200d👧", "🇨🇳", "👍🏽"


async def test_an_emoji_heavy_text_is_split_by_telegrams_count(
    telegram_shop: TelegramShop,
) -> None:
    """3,100 characters are 4,500 UTF-16 units here: one message to Python, too long for
    Telegram. It goes in parts that each fit, nothing lost, no emoji broken."""
    fake, delivery = telegram_shop.fake, telegram_shop.shop.delivery
    lines = [f"{n:03} 玫瑰面膜 {ROSE * 8} {FAMILY}" for n in range(130)]
    text = "\n".join(lines)
    assert len(text) < 4096 < utf16_length(text)

    result = await delivery.send(Outgoing(TO_ALICE, text))

    assert result.ok, result.error
    parts = fake.sent(ALICE.id)
    assert len(parts) == 2
    assert all(utf16_length(call.shown) <= 4096 for call in parts)
    assert "\n".join(call.shown for call in parts) == text


async def test_one_long_line_of_emoji_is_cut_between_graphemes(
    telegram_shop: TelegramShop,
) -> None:
    fake, delivery = telegram_shop.fake, telegram_shop.shop.delivery
    graphemes = [FAMILY, FLAG, THUMB, "好"] * 300  # no line break, no space: 5,100 units
    text = "".join(graphemes)
    assert utf16_length(text) > 4096

    result = await delivery.send(Outgoing(TO_ALICE, text))

    assert result.ok, result.error
    parts = [call.shown for call in fake.sent(ALICE.id)]
    assert len(parts) == 2 and "".join(parts) == text
    assert all(utf16_length(part) <= 4096 for part in parts)
    # The cut falls between two of the graphemes the text was made of, never inside one.
    assert len(parts[0]) in set(itertools.accumulate(len(g) for g in graphemes))


async def test_a_card_whose_caption_is_too_long_for_telegram_goes_as_text(
    telegram_shop: TelegramShop,
) -> None:
    """A caption of 700 characters but 1,300 units cannot travel under a photo: the card
    goes as words (the picture is not blamed, so the next card still shows it)."""
    fake, delivery = telegram_shop.fake, telegram_shop.shop.delivery
    picture = "https://x.test/rose.jpg"
    fake.reachable_photo_urls.add(picture)
    long_card = "Rose mask 玫瑰面膜\n" + ROSE * 650
    assert len(long_card) < 1024 < utf16_length(long_card)

    assert (await delivery.send(Outgoing(TO_ALICE, long_card, image=picture))).ok
    assert (await delivery.send(Outgoing(TO_ALICE, f"Rose mask {ROSE * 500}", image=picture))).ok

    assert fake.calls_to("sendPhoto", ok=False) == []
    [words, card] = fake.sent(ALICE.id)
    assert words.method == "sendMessage" and words.shown == long_card
    assert card.method == "sendPhoto" and card.params["photo"] == picture


async def test_the_fake_refuses_what_telegram_refuses(bare_channel: BareChannel) -> None:
    """The fake Bot API counts as Telegram does, so the tests above can fail."""
    channel = bare_channel.channel
    with pytest.raises(MessageRejected, match="Message is too long"):
        await channel.send(Outgoing(TO_ALICE, ROSE * 2049))
    await channel.send(Outgoing(TO_ALICE, ROSE * 2048))
    bare_channel.fake.reachable_photo_urls.add("https://x.test/a.jpg")
    with pytest.raises(ImageRefused, match="caption is too long"):
        await channel.send(Outgoing(TO_ALICE, ROSE * 513, image="https://x.test/a.jpg"))
