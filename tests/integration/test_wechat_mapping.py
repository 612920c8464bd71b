"""The WeChat channel's rules as plain functions: what is a message for the shop, what a
mention looks like, which failure is which, which settings turn the channel on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import channels_from_settings
from bot.channels.base import ChatUnreachable, TransientSendError, UnknownOutcome
from bot.channels.wechat import (
    DEFAULT_RATE_LIMITS,
    MessageRejected,
    WechatChannel,
    check_endpoint,
    neutral_error,
    start_error,
)
from bot.channels.wechat_compat import GRPCError, Status, StreamTerminatedError
from bot.channels.wechat_events import (
    BotAccount,
    Group,
    Kind,
    Person,
    WechatMessage,
    incoming_from_message,
    membership_from_join,
    membership_from_leave,
)
from bot.clock import FakeClock
from bot.messages import ChatKind, ChatRef
from bot.settings import Settings, SettingsError

ME = BotAccount("shop-bot", "ShopBot")
ALICE = Person("alice", "Alice")
ROOM = Group("friends@chatroom", "Lily's friends")


def room_message(text: str, mention_ids: tuple[str, ...] = (), **changes: object) -> WechatMessage:
    fields: dict[str, object] = {
        "id": "m1",
        "talker": ALICE,
        "kind": Kind.TEXT,
        "text": text,
        "room": ROOM,
        "mention_ids": mention_ids,
    }
    fields.update(changes)
    return WechatMessage(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "mention_ids", "aliases", "expected"),
    [
        ("@ShopBot\u20052 rose masks", ("shop-bot",), (), "2 rose masks"),
        ("@ShopBot 2 rose masks", (), (), "2 rose masks"),  # typed by hand
        ("@shopbot: 2 rose masks", (), (), "2 rose masks"),
        ("2 rose masks @ShopBot", ("shop-bot",), (), "2 rose masks"),
        ("@小店\u2005要两盒面膜", ("shop-bot",), ("小店",), "要两盒面膜"),  # its room alias
        ("@ShopBot\u2005two lines:\n2 rose masks", ("shop-bot",), (), "two lines:\n2 rose masks"),
    ],
)
def test_a_mention_addresses_the_bot_and_leaves_the_text(
    text: str, mention_ids: tuple[str, ...], aliases: tuple[str, ...], expected: str
) -> None:
    incoming = incoming_from_message(room_message(text, mention_ids, bot_aliases=aliases), ME)
    assert incoming is not None and incoming.mentions_bot and incoming.addressed
    assert incoming.text == expected


@pytest.mark.parametrize(
    "text", ["@ShopBotFan is great", "hello everyone", "mail me at x@shopbot.example"]
)
def test_other_room_chatter_does_not_address_the_bot(text: str) -> None:
    incoming = incoming_from_message(room_message(text), ME)
    assert incoming is not None and not incoming.mentions_bot and not incoming.addressed
    assert incoming.chat == ChatRef("wechat", ROOM.id, ChatKind.GROUP)
    assert incoming.chat.title == "Lily's friends"


def test_the_rooms_owner_and_admins_are_admins_there() -> None:
    run_by_alice = Group(ROOM.id, ROOM.topic, frozenset({"alice"}))
    incoming = incoming_from_message(room_message("/nopromo", room=run_by_alice), ME)
    assert incoming is not None and incoming.sender_is_admin
    incoming = incoming_from_message(room_message("/nopromo"), ME)
    assert incoming is not None and not incoming.sender_is_admin
    private = incoming_from_message(room_message("hi", room=None), ME)
    assert private is not None and not private.sender_is_admin


def test_the_longest_name_wins() -> None:
    me = BotAccount("b", "Lily")
    incoming = incoming_from_message(
        room_message("@Lily's Shop\u2005hi", ("b",), bot_aliases=("Lily's Shop",)), me
    )
    assert incoming is not None and incoming.text == "hi"


def test_a_private_message_is_a_private_chat_with_the_contact() -> None:
    incoming = incoming_from_message(room_message("2 rose masks", room=None), ME)
    assert incoming is not None
    assert incoming.chat == ChatRef("wechat", "alice", ChatKind.PRIVATE)
    assert incoming.sender.key == "wechat:alice" and incoming.sender.name == "Alice"
    assert incoming.text == "2 rose masks" and incoming.addressed


@pytest.mark.parametrize(
    "message",
    [
        room_message("echo", room=None, talker=Person("shop-bot", "ShopBot")),  # our own
        room_message("news!", room=None, talker=Person("gh_1", "Daily", official=True)),
        room_message("", room=None, kind=Kind.SYSTEM),  # a recall, a notice
        room_message("", kind=Kind.MEDIA),  # a sticker in a room is chatter
    ],
)
def test_messages_not_for_the_shop_are_dropped(message: WechatMessage) -> None:
    assert incoming_from_message(message, ME) is None


def test_a_picture_in_private_gets_an_answer_without_text() -> None:
    incoming = incoming_from_message(room_message("", room=None, kind=Kind.MEDIA), ME)
    assert incoming is not None and incoming.text == ""


def test_membership_counts_only_the_bot_itself() -> None:
    lily = Person("lily", "Lily")
    joined = membership_from_join(ROOM, ["bob", "shop-bot"], lily, ME)
    assert joined is not None and joined.joined and joined.chat.key == "wechat:friends@chatroom"
    assert joined.by is not None and joined.by.key == "wechat:lily"
    assert membership_from_join(ROOM, ["bob"], lily, ME) is None
    left = membership_from_leave(ROOM, ["shop-bot"], None, ME)
    assert left is not None and not left.joined and left.by is None
    assert membership_from_leave(ROOM, ["bob"], lily, ME) is None


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ConnectionRefusedError("refused"), TransientSendError),
        (StreamTerminatedError("Connection lost"), UnknownOutcome),
        (GRPCError(Status.UNAVAILABLE, "restarting"), TransientSendError),
        (GRPCError(Status.DEADLINE_EXCEEDED, "slow"), UnknownOutcome),
        (GRPCError(Status.NOT_FOUND, "no such room"), ChatUnreachable),
        (
            GRPCError(Status.UNKNOWN, "Error: MockRoom.load(): x@chatroom not exist.\n    at"),
            ChatUnreachable,
        ),
        (GRPCError(Status.UNKNOWN, "Error: shop-bot is not a member of room x"), ChatUnreachable),
        (GRPCError(Status.UNKNOWN, "Error: not logged in"), TransientSendError),
        (GRPCError(Status.UNAUTHENTICATED, 'Invalid Wechaty TOKEN "t"'), MessageRejected),
        (GRPCError(Status.UNKNOWN, "Error: text too long"), MessageRejected),
    ],
)
def test_send_failures_become_neutral_errors(error: BaseException, kind: type) -> None:
    neutral = neutral_error(error)
    assert type(neutral) is kind
    assert '"t"' not in str(neutral)  # the service echoes a refused token; we do not


def test_start_failures_say_what_to_check() -> None:
    refused = start_error(GRPCError(Status.UNAUTHENTICATED, 'Invalid TOKEN "s3cret"'), "h:1")
    assert "WECHATY_PUPPET_SERVICE_TOKEN" in str(refused) and "s3cret" not in str(refused)


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [("127.0.0.1:8788", "127.0.0.1:8788"), ("http://puppet.local:80/", "puppet.local:80")],
)
def test_endpoints_are_host_and_port(endpoint: str, expected: str) -> None:
    assert check_endpoint(endpoint) == expected


@pytest.mark.parametrize(
    ("endpoint", "complaint"),
    [
        ("", "never looks an endpoint up"),
        ("https://puppet.example:443", "no TLS"),
        ("puppet.example", "host:port"),
        ("puppet.example:http", "host:port"),
    ],
)
def test_unusable_endpoints_are_refused(endpoint: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        check_endpoint(endpoint)


def test_the_channel_turns_on_with_an_endpoint_and_its_token(tmp_path: Path) -> None:
    env = {
        "CHATSHOP_DB": str(tmp_path / "shop.db"),
        "WECHATY_PUPPET_SERVICE_ENDPOINT": "127.0.0.1:8788",
        "WECHATY_PUPPET_SERVICE_TOKEN": "insecure_x",
        "WECHAT_ROOM_PER_MINUTE": "6",
    }
    settings = Settings.from_env(env)
    [channel] = channels_from_settings(settings, FakeClock())
    assert isinstance(channel, WechatChannel)
    assert channel.endpoint == "127.0.0.1:8788"
    assert channel.work_dir == tmp_path / "wechaty"  # beside the SQLite file
    assert channel.rate_limits.per_group_per_minute == 6
    assert channel.rate_limits.per_chat_interval == DEFAULT_RATE_LIMITS.per_chat_interval
    assert not channel.capabilities.buttons and not channel.capabilities.edits
    assert channel.deep_link("cart") is None


def test_without_an_endpoint_there_is_no_wechat_channel() -> None:
    [channel] = channels_from_settings(Settings.from_env({"TOKEN": "x"}), FakeClock())
    assert channel.name == "console"


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"WECHATY_PUPPET_SERVICE_TOKEN": "t"}, "WECHATY_PUPPET_SERVICE_ENDPOINT is not"),
        ({"WECHATY_PUPPET_SERVICE_ENDPOINT": "h:1"}, "WECHATY_PUPPET_SERVICE_TOKEN is not"),
        ({"WECHAT_CHAT_BURST": "two"}, "WECHAT_CHAT_BURST must be a whole number"),
        ({"WECHAT_LOGIN_TIMEOUT": "nan"}, "WECHAT_LOGIN_TIMEOUT must be a number"),
        ({"WECHAT_PER_SECOND": "0"}, "WECHAT_PER_SECOND must be at least 1"),
    ],
)
def test_wechat_settings_are_checked_at_start(env: dict[str, str], complaint: str) -> None:
    with pytest.raises(SettingsError, match=complaint):
        Settings.from_env(env)
