"""Fitting a neutral message to what one platform can show.

Handlers write buttons with actions and never ask which platform they speak to. Here:
- every button's action is swapped for a short key kept in the store (payload limits,
  and a key from an old message can be answered "expired");
- on a platform without inline buttons (WeChat), the buttons become numbered choices in
  the text, kept as a list for the person the message is for, so that their reply "2" is
  read as pressing the second one (bot/choices.py reads it);
- words written for buttons ("tap No note") become words for numbers ("reply "No note"");
- in a group, a reply to one person names them first ("@Amy ...") where the platform
  shows no thread of replies;
- images are dropped where they cannot be shown or the text does not fit a caption;
- long texts are split at line breaks.

Which list a bare number means (the person's own latest, delivered list) is decided by
who a message answers: ``Audience``. A reply to what the person just wrote is their
conversation's list; a message arriving on its own (an owner's order notice, a
promotion) gets a tag, the order code it names or a letter, and is answered "B6AT7Y 1",
so it never takes over the numbers of a conversation in progress.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from bot.channels.base import Capabilities
from bot.i18n import MESSAGES, t
from bot.messages import Button, Incoming, Outgoing
from bot.store import Store
from bot.text_units import TextUnits

# Numbers a person can type to choose; more buttons than this are not numbered.
MAX_CHOICES = 30
# Tags for lists that name no code; I and O are left out (they read as 1 and 0).
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
# A field of a button's payload that is a code a person can type: an order number.
_CODE = re.compile(r"[A-Z0-9]{5,12}")


@dataclass(frozen=True, slots=True)
class Audience:
    """What a message is in answer to, which decides whose list its choices are.

    ``answering``: the message the shop is answering (None for a scheduled post).
    ``tagged``: this turn sends that chat more than one message with choices, so each
    list needs a tag to be told apart.
    """

    answering: Incoming | None = None
    tagged: bool = False

    def answers_in(self, message: Outgoing) -> bool:
        """Whether ``message`` goes to the person who wrote: the chat they wrote in, or
        their private chat (a conversation moved out of a group)."""
        incoming = self.answering
        if incoming is None:
            return False
        if message.chat == incoming.chat:
            return True
        sender = incoming.sender
        return (
            not message.chat.is_group
            and message.chat.channel == sender.channel
            and message.chat.chat_id == sender.user_id
        )

    def person_key(self, message: Outgoing) -> str:
        """Whose list: the private chat's person, the person answered in a group, or ''
        (everyone) for a post to a group."""
        if not message.chat.is_group:
            return message.chat.key
        if self.answering is not None and self.answers_in(message):
            return self.answering.sender.key
        return ""


@dataclass(frozen=True, slots=True)
class Presented:
    """The parts to send, and the choice list to make answerable once they arrived."""

    parts: list[Outgoing]
    choice_list: int | None = None


async def present(
    message: Outgoing,
    capabilities: Capabilities,
    store: Store,
    audience: Audience | None = None,
) -> Presented:
    audience = audience or Audience()
    text = message.text
    choice_list = None
    if not capabilities.buttons:
        text = numbers_wording(text, message.language or "zh")
    if capabilities.names_addressee:
        text = _addressed(text, message, audience)
    rows = list(message.buttons)
    if rows and not capabilities.buttons:
        text, choice_list = await _as_numbered_choices(
            dataclasses.replace(message, text=text), store, audience
        )
        rows = []
    else:
        rows = await _keyed(rows, store)
    image = message.image if capabilities.images else None
    units = capabilities.text_units
    if image and units.length(text) > capabilities.max_caption:
        image = None  # a card whose text does not fit a caption goes out as text
    parts = split_text(text, capabilities.max_text, units)
    return Presented(
        [
            dataclasses.replace(
                message,
                text=part,
                buttons=tuple(rows) if index == len(parts) - 1 else (),
                image=image if index == 0 else None,
                edit_message_id=message.edit_message_id if len(parts) == 1 else None,
            )
            for index, part in enumerate(parts)
        ],
        choice_list,
    )


async def _keyed(rows: list[tuple[Button, ...]], store: Store) -> list[tuple[Button, ...]]:
    """The rows with each action replaced by its short key, the new keys recorded in one
    write for the whole message."""
    keys = iter(await store.buttons.keys_for([b.action for row in rows for b in row if not b.url]))
    return [
        tuple(b if b.url else dataclasses.replace(b, action=next(keys)) for b in row)
        for row in rows
    ]


def _addressed(text: str, message: Outgoing, audience: Audience) -> str:
    """In a group, a reply to one person starts with their name (WeChat shows no reply
    threads: two "Added to your cart" for two people would look the same)."""
    incoming = audience.answering
    if incoming is None or not message.chat.is_group or not audience.answers_in(message):
        return text
    name = incoming.sender.name or incoming.sender.user_id
    if text.startswith(f"@{name}"):
        return text
    if text.startswith(name):  # "Alice，我私信你了": named already, make it the mention
        return "@" + text
    return t("choices.for_person", message.language or "zh", name=name) + text


async def _as_numbered_choices(
    message: Outgoing, store: Store, audience: Audience
) -> tuple[str, int | None]:
    language = message.language or "zh"
    labels: list[str] = []
    actions: list[str] = []
    extra: list[str] = []
    for row in message.buttons:
        for button in row:
            if button.url:
                extra.append(f"{button.label}: {button.url}")
            elif len(actions) < MAX_CHOICES:
                labels.append(_label_in_row(button, row))
                actions.append(button.action)
    keys = await store.buttons.keys_for(actions) if actions else []
    if not keys:
        return "\n".join([message.text, "", *extra]), None
    person = audience.person_key(message)
    conversation = audience.answers_in(message) and not audience.tagged
    prefix = "" if conversation else await _tag(message, actions, store, person)
    lines = [message.text, ""]
    lines += [f"{choice_name(prefix, n)}. {label}" for n, label in enumerate(labels, 1)]
    lines += extra
    if prefix:
        lines.append(t("choices.hint_tagged", language, example=choice_name(prefix, 1)))
    else:
        # In a group only messages addressed to the bot are read, so a bare number is not.
        lines.append(t("choices.hint_group" if message.chat.is_group else "choices.hint", language))
    list_id = await store.buttons.save_choices(message.chat.key, person, keys, labels, prefix)
    return "\n".join(lines), list_id


def choice_name(prefix: str, number: int) -> str:
    """How a choice is written and typed: "2", "A2", or "B6AT7Y 2" for an order code."""
    if not prefix:
        return str(number)
    return f"{prefix}{number}" if len(prefix) == 1 else f"{prefix} {number}"


def _label_in_row(button: Button, row: tuple[Button, ...]) -> str:
    """A label without words ("➕") takes the words of its row's first label, so a number
    names what it acts on ("5. ➕ Rose mask" rather than "5. ➕")."""
    if _words(button.label) or not row or row[0] is button:
        return button.label
    named = _words(row[0].label)
    return f"{button.label} {named}" if named else button.label


def _words(label: str) -> str:
    """A label without its leading symbols: "➖ Rose mask" -> "Rose mask"."""
    return re.sub(r"^[^\w]+", "", label).strip()


async def _tag(message: Outgoing, actions: list[str], store: Store, person: str) -> str:
    """The code every choice is about when the text names it (an order number), else
    the next letter for this person in this chat."""
    fields = [set(action.split(":")) for action in actions]
    shared = set.intersection(*fields) if fields else set()
    words = set(re.findall(r"[A-Z0-9]+", message.text))
    codes = sorted(f for f in shared if _CODE.fullmatch(f) and f in words)
    if codes:
        return codes[0]
    recent = await store.buttons.recent_lists(message.chat.key, [person], limit=len(LETTERS))
    used = [c.prefix for c in recent if len(c.prefix) == 1 and c.prefix in LETTERS]
    if not used:
        return LETTERS[0]
    return LETTERS[(LETTERS.index(used[0]) + 1) % len(LETTERS)]


# --- words for a platform without buttons ---------------------------------------------

_PHRASES = ("browse", "open", "above")


def numbers_wording(text: str, language: str) -> str:
    """Swap words written for buttons for words that fit numbered choices."""
    for name in _PHRASES:
        for lang in ("en", "zh"):
            text = text.replace(t(f"words.buttons.{name}", lang), t(f"words.numbers.{name}", lang))
    text = _ZH_TAP.sub(lambda m: t("words.tap_named", "zh", label=m[1]), text)

    def english(match: re.Match[str]) -> str:
        key = "words.tap_named_start" if match[1] == "T" else "words.tap_named"
        return t(key, "en", label=match[2])

    return _EN_TAP.sub(english, text)


def _button_words(language: str) -> list[str]:
    """Every fixed button label's words, and an English label's first word ("tap Stop")."""
    found = set()
    for key, entry in MESSAGES.items():
        if key.startswith("btn.") and "{" not in entry.get(language, "{"):
            words = _words(entry[language])
            if words:
                found.add(words)
                if language == "en":
                    found.add(words.split()[0])
    return sorted(found, key=len, reverse=True)


# "点“问问题”" and "tap Ask a question" / "Tap Help" name a button: on a platform without
# buttons the person replies with those words (bot/choices.py reads a choice's words).
_ZH_TAP = re.compile("点“(" + "|".join(re.escape(w) for w in _button_words("zh")) + ")”")
_EN_TAP = re.compile(r"\b([Tt])ap (" + "|".join(re.escape(w) for w in _button_words("en")) + r")\b")


def split_text(text: str, limit: int, units: TextUnits = TextUnits.CHARACTERS) -> list[str]:
    """Split at line breaks into parts of at most ``limit`` (counted in the platform's
    ``units``); a line alone longer than the limit is cut between graphemes, after a
    space where one is near the end (``TextUnits.cut``)."""
    length = units.length
    if length(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    current_size = 0
    for line in text.split("\n"):
        size = length(line)
        while size > limit:
            if current:
                parts.append(current)
                current, current_size = "", 0
            cut = units.cut(line, limit)
            parts.append(line[:cut])
            line = line[cut:]
            size = length(line)
        if current and current_size + 1 + size > limit:
            parts.append(current)
            current, current_size = line, size
        elif current:
            current, current_size = f"{current}\n{line}", current_size + 1 + size
        else:
            current, current_size = line, size
    if current:
        parts.append(current)
    return parts
