"""WeChat events turned into neutral ``Incoming`` and ``MembershipChange`` values.

Pure functions over plain values the channel has read from the wechaty client, so the
channel stays a thin shell around them and every rule here is tested without a network.
What the router's group etiquette relies on is decided here: whether the bot was
mentioned (the mention is removed from the text the parser sees), and which messages are
not for the shop at all (the bot's own, official accounts', system notices).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.channels.base import MembershipChange
from bot.messages import ChatKind, ChatRef, Incoming, Sender

CHANNEL = "wechat"

# WeChat writes a mention as "@" + the name shown in the room, then U+2005 (a
# four-per-em space); people typing by hand use an ordinary space or punctuation. Not
# after a Latin letter or digit (an e-mail address), but after Chinese text, as WeChat
# writes it.
_MENTION_START = r"(?<![A-Za-z0-9_.@/])"
_MENTION_END = r"(?:\u2005|\s|$|(?=[,:;!?，。：；！？]))[,:;，：]?"


class Kind(StrEnum):
    """What a message carries, as far as the shop cares."""

    TEXT = "text"
    MEDIA = "media"  # a picture, voice, sticker, file, link...: no words to read
    SYSTEM = "system"  # recalls, notices and anything unknown: never for the shop


@dataclass(frozen=True, slots=True)
class BotAccount:
    """The WeChat account the bot runs as, known once logged in."""

    id: str
    name: str

    def mention_pattern(self, aliases: Iterable[str] = ()) -> re.Pattern[str]:
        """Matches a mention of the account by its name or its alias in a room, longest
        first, so that "@Lily's Shop" is not read as "@Lily" followed by "'s Shop"."""
        names = sorted({self.name, *aliases} - {""}, key=len, reverse=True)
        if not names:
            return re.compile(r"(?!)")  # matches nothing
        alternatives = "|".join(re.escape(name) for name in names)
        return re.compile(rf"{_MENTION_START}@(?:{alternatives}){_MENTION_END}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str = ""
    official: bool = False  # an official (public) account: it broadcasts, it never orders


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    topic: str = ""
    # The room's owner and admins: they may, e.g., turn promotions off for the room.
    admin_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class WechatMessage:
    """One message as read from the client: ids, names and text, nothing to fetch."""

    id: str
    talker: Person
    kind: Kind
    text: str = ""
    room: Group | None = None
    mention_ids: tuple[str, ...] = ()
    # The bot's alias in this room, when it has one: mentions use it instead of its name.
    bot_aliases: tuple[str, ...] = field(default=())


def room_ref(room: Group) -> ChatRef:
    return ChatRef(CHANNEL, room.id, ChatKind.GROUP, room.topic)


def sender_of(person: Person) -> Sender:
    # WeChat tells no language; the router detects it from the text.
    return Sender(CHANNEL, person.id, person.name)


def incoming_from_message(message: WechatMessage, me: BotAccount) -> Incoming | None:
    """A person's message as the router sees it, or None when it is not for the shop.

    Dropped: the bot's own messages (the puppet reports those too, and answering them
    would loop), official accounts, system messages, and in a room anything without
    words (a sticker there is chatter). In a private chat a picture or a voice message
    still gets an answer, with empty text ("I didn't get any text").
    """
    if message.talker.id == me.id or message.talker.official or message.kind is Kind.SYSTEM:
        return None
    if message.room is not None:
        if message.kind is not Kind.TEXT:
            return None
        chat = room_ref(message.room)
    else:
        chat = ChatRef(CHANNEL, message.talker.id, ChatKind.PRIVATE, message.talker.name)
    text = message.text if message.kind is Kind.TEXT else ""
    mentions_bot = False
    if message.room is not None:
        pattern = me.mention_pattern(message.bot_aliases)
        # The puppet's mention list is the authority; a hand-typed "@ShopBot" that the
        # app did not turn into a mention still addresses the bot.
        mentions_bot = me.id in message.mention_ids or bool(pattern.search(text))
        if mentions_bot:
            text = _tidy(pattern.sub(" ", text))
    return Incoming(
        chat=chat,
        sender=sender_of(message.talker),
        text=text,
        mentions_bot=mentions_bot,
        sender_is_admin=message.room is not None and message.talker.id in message.room.admin_ids,
        message_id=message.id,
        raw=message,
    )


def membership_from_join(
    room: Group, invited_ids: Iterable[str], inviter: Person | None, me: BotAccount
) -> MembershipChange | None:
    """The bot was invited into a room; None when someone else joined."""
    if me.id not in set(invited_ids):
        return None
    return MembershipChange(
        chat=room_ref(room), joined=True, by=sender_of(inviter) if inviter else None
    )


def membership_from_leave(
    room: Group, removed_ids: Iterable[str], remover: Person | None, me: BotAccount
) -> MembershipChange | None:
    """The bot was removed from a room; None when someone else left."""
    if me.id not in set(removed_ids):
        return None
    return MembershipChange(
        chat=room_ref(room), joined=False, by=sender_of(remover) if remover else None
    )


def membership_present(room: Group) -> MembershipChange:
    """The bot is in this room (found at login, or the room was renamed): register it."""
    return MembershipChange(chat=room_ref(room), joined=True, already=True)


def _tidy(text: str) -> str:
    """Collapse the gap a removed mention leaves, keeping line breaks (an order may be a list)."""
    lines = [re.sub(r"[ \t\u2005]{2,}", " ", line).strip(" \t\u2005") for line in text.split("\n")]
    return "\n".join(lines).strip()
