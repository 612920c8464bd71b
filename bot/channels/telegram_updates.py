"""Telegram updates turned into neutral ``Incoming`` and ``MembershipChange`` values.

Pure functions over python-telegram-bot objects and the bot's own identity, so the
channel stays a thin shell around them. Everything the router's group etiquette relies
on is decided here: whether a command names this bot, whether the bot was mentioned
(the mention is removed from the text the parser sees), and whether a message replies
to one of the bot's own posts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, Chat, ChatMemberUpdated, Message, MessageEntity, User
from telegram.constants import ChatMemberStatus, ChatType, MessageEntityType

from bot.channels.base import MembershipChange
from bot.messages import ChatKind, ChatRef, Incoming, Sender

# A command as Telegram writes it: "/name", "/name@somebot", then anything (the payload
# of a deep link arrives as "/start <payload>").
_COMMAND = re.compile(
    r"^/(?P<name>[A-Za-z0-9_]{1,64})(?:@(?P<bot>[A-Za-z0-9_]+))?(?P<rest>.*)$", re.DOTALL
)
# Statuses in which the bot is in a chat and may post (restricted members carry a flag).
_PRESENT = frozenset(
    {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
)


# The punctuation people put after a mention ("@shopbot, 2 masks"), removed with it.
_AFTER_MENTION = frozenset(",:;，：；")


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the bot is, as getMe told us at start."""

    id: int
    username: str

    def is_mentioned_by(self, entity: MessageEntity, said: str) -> bool:
        """Whether ``entity`` (covering ``said``) names this bot: an @username mention, in
        any letter case, or a mention by name that links to the bot's account."""
        if entity.type == MessageEntityType.MENTION:
            return said.lower() == f"@{self.username.lower()}"
        if entity.type == MessageEntityType.TEXT_MENTION:
            return entity.user is not None and entity.user.id == self.id
        return False


def chat_ref(chat: Chat, channel: str, thread_id: str | None = None) -> ChatRef | None:
    """The neutral chat for a Telegram chat; None for channels (the bot sells in chats)."""
    if chat.type == ChatType.PRIVATE:
        return ChatRef(channel, str(chat.id), ChatKind.PRIVATE, chat.full_name or "")
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return ChatRef(channel, str(chat.id), ChatKind.GROUP, chat.title or "", thread_id)
    return None


def topic_of(message: object) -> str | None:
    """The forum topic a message is in (where a reply to it belongs), or None for General
    and for groups without topics. A reply thread in an ordinary supergroup also has a
    message_thread_id, but is not a topic: the bot answers those in the chat itself."""
    if not getattr(message, "is_topic_message", False):
        return None
    thread = getattr(message, "message_thread_id", None)
    return str(thread) if thread is not None else None


def sender_of(user: User, channel: str) -> Sender:
    return Sender(channel, str(user.id), user.full_name, user.language_code)


def incoming_from_message(message: Message, me: BotIdentity, channel: str) -> Incoming | None:
    """A person's message as the router sees it, or None when it is not for the shop.

    Dropped: channel posts, messages from other bots (two bots answering each other would
    flood a group), service messages (someone joined, a title changed), and commands
    addressed to another bot (``/start@otherbot``), which Telegram delivers to every bot
    in the group but which are none of our business.
    """
    user = message.from_user
    if user is None or user.is_bot:
        return None
    chat = chat_ref(message.chat, channel, topic_of(message))
    if chat is None:
        return None
    text = message.text if message.text is not None else message.caption
    if text is None:
        # A sticker or a photo without words, in private, still gets an answer ("I didn't
        # get any text"); in a group it is chatter; service messages are never for us.
        if chat.is_group or message.effective_attachment is None:
            return None
        text = ""
    entities = message.entities if message.text is not None else message.caption_entities
    text, mentions_bot = _without_mentions(text, entities, me)
    text = _strip_command_bot(text, me)
    if text is None:
        return None
    replies_to_bot = _replies_to_bot(message, me)
    quoted = message.reply_to_message
    return Incoming(
        chat=chat,
        sender=sender_of(user, channel),
        text=text,
        mentions_bot=mentions_bot,
        reply_to_bot=replies_to_bot,
        reply_to_text=(quoted.text or quoted.caption or "") if replies_to_bot and quoted else "",
        message_id=str(message.message_id),
        raw=message,
    )


def incoming_from_callback(query: CallbackQuery, channel: str) -> Incoming | None:
    """A button press: ``button`` is the callback data (delivery's short store key)."""
    message = query.message
    if message is None or query.data is None:
        return None  # a button on an inline-mode message, or a game: not ours
    # A button on the bot's message in a topic: the answer goes to that topic too.
    chat = chat_ref(message.chat, channel, topic_of(message))
    if chat is None:
        return None
    return Incoming(
        chat=chat,
        sender=sender_of(query.from_user, channel),
        button=query.data,
        message_id=str(message.message_id),
        raw=query,
    )


def membership_from_update(update: ChatMemberUpdated, channel: str) -> MembershipChange | None:
    """The bot was added to or removed from a group; None when its presence did not change.

    A promotion (member -> administrator) or a restriction keeps the bot in the group and
    must not tell the owner "I was added" again. Private chats are left out: a person
    blocking the bot shows up as a refused send, which delivery already handles.
    """
    chat = chat_ref(update.chat, channel)
    if chat is None or not chat.is_group:
        return None
    was_in = _present(update.old_chat_member.status, update.old_chat_member)
    is_in = _present(update.new_chat_member.status, update.new_chat_member)
    if was_in == is_in:
        return None
    return MembershipChange(chat=chat, joined=is_in, by=sender_of(update.from_user, channel))


def migration_from_message(message: Message, channel: str) -> MembershipChange | None:
    """Telegram's service message for a group upgraded to a supergroup (one arrives in
    the old group with ``migrate_to_chat_id``, one in the new with
    ``migrate_from_chat_id``): the group lives on under the new id. None otherwise."""
    chat = chat_ref(message.chat, channel)
    if chat is None or not chat.is_group:
        return None
    if message.migrate_to_chat_id is not None:
        new = ChatRef(channel, str(message.migrate_to_chat_id), ChatKind.GROUP, chat.title)
        return MembershipChange(chat=new, joined=True, already=True, moved_from=chat)
    if message.migrate_from_chat_id is not None:
        old = ChatRef(channel, str(message.migrate_from_chat_id), ChatKind.GROUP, chat.title)
        return MembershipChange(chat=chat, joined=True, already=True, moved_from=old)
    return None


def _present(status: str, member: Any) -> bool:
    if status == ChatMemberStatus.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return status in _PRESENT


def _strip_command_bot(text: str, me: BotIdentity) -> str | None:
    """``/cart@thisbot x`` -> ``/cart x``; None for ``/cart@otherbot``; other text as is."""
    match = _COMMAND.match(text)
    if match is None or match["bot"] is None:
        return text
    if match["bot"].lower() != me.username.lower():
        return None
    return f"/{match['name']}{match['rest']}"


def _replies_to_bot(message: Message, me: BotIdentity) -> bool:
    reply = message.reply_to_message
    if reply is None or reply.from_user is None or reply.from_user.id != me.id:
        return False
    # In forum groups every message of a topic "replies" to the topic's first message;
    # a topic the bot opened is not a conversation with it.
    return reply.forum_topic_created is None


def _without_mentions(
    text: str, entities: Sequence[MessageEntity], me: BotIdentity
) -> tuple[str, bool]:
    """``text`` without its mentions of the bot, and whether there was one.

    Telegram marks every mention in the message's entities, so they are read there rather
    than guessed from the text: "@ShopBot" in a photo's caption and a mention by name
    (which carries the bot's account, not its @username) count; "@shopbot_fan", an
    address "me@shopbot.com" or "@shopbot" inside a code block do not. Offsets are in
    UTF-16 units, as Telegram counts.
    """
    encoded = text.encode("utf-16-le")
    spans = []
    for entity in entities:
        start, end = entity.offset * 2, (entity.offset + entity.length) * 2
        if me.is_mentioned_by(entity, encoded[start:end].decode("utf-16-le", "replace")):
            spans.append((start, end))
    if not spans:
        return text, False
    kept: list[str] = []
    at = 0
    for start, end in sorted(spans):
        kept.append(encoded[at:start].decode("utf-16-le", "replace"))
        at = end
        if encoded[at : at + 2].decode("utf-16-le", "replace") in _AFTER_MENTION:
            at += 2
        kept.append(" ")
    kept.append(encoded[at:].decode("utf-16-le", "replace"))
    return _tidy("".join(kept)), True


def _tidy(text: str) -> str:
    """Collapse the gap a removed mention leaves, keeping line breaks (an order may be a list)."""
    lines = [re.sub(r"[ \t]{2,}", " ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()
