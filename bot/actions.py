"""Typed button payloads: what a pressed button asks the shop to do.

A handler never writes a ``verb:arg`` string: it builds an ``Action`` (a small frozen
dataclass declared by the feature that handles it) and ``encode()`` turns it into the
text a ``Button`` carries. When the button comes back, ``decode()`` finds the class by
its ``verb`` and rebuilds the action with typed fields. A payload that does not decode
(an old button, a forged one, a product that was renamed away) is the one and only
"this button has expired" path: a bug inside a handler is never mistaken for it.

The wire form stays the one buttons had before actions were typed (``cart:add:SKU:2``),
so buttons already sent to customers keep working after an upgrade. The last field takes
the rest of the payload, colons included, which is how a chat key (``telegram:-100``)
travels in one field.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from typing import Any, ClassVar, Self

from bot.messages import Button

SEPARATOR = ":"

# Verbs buttons carried before owner-only became a property of the route rather than of
# the payload's spelling; buttons already in owners' chats still decode.
LEGACY_VERBS = {
    "owner:status": "order:status",
    "owner:group": "group:promo",
    "owner:promo": "campaign",
}


class ActionError(ValueError):
    """A payload that names no known action or whose fields do not fit it."""


@dataclasses.dataclass(frozen=True)
class Action:
    """Base of every button payload. Subclasses set ``verb`` and declare their fields.

    Fields may be ``str``, ``int`` or a ``StrEnum``; a ``str`` field must not contain the
    separator unless it is the last one.
    """

    verb: ClassVar[str] = ""
    _registry: ClassVar[dict[str, type[Action]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.verb:
            return
        known = Action._registry.get(cls.verb)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"action verb {cls.verb!r} is taken by {known.__qualname__}")
        Action._registry[cls.verb] = cls

    def confirmation(self) -> tuple[str, str] | None:
        """For an action that cannot be undone: what it does (``confirm.<what>`` in the
        i18n table) and what it acts on (an order number), so the router asks first and
        names it. None for everything else."""
        return None

    def encode(self) -> str:
        values = [str(getattr(self, f.name)) for f in dataclasses.fields(self)]
        for value in values[:-1]:
            if SEPARATOR in value:
                raise ValueError(f"{type(self).__name__}: {value!r} contains {SEPARATOR!r}")
        return SEPARATOR.join([self.verb, *values])

    @classmethod
    def from_fields(cls, parts: list[str]) -> Self:
        fields = dataclasses.fields(cls)
        required = [f for f in fields if f.default is dataclasses.MISSING]
        if not len(required) <= len(parts) <= len(fields):
            raise ActionError(f"{cls.verb}: {len(parts)} field(s) for {len(fields)}")
        hints = typing.get_type_hints(cls)
        values = {
            f.name: _convert(hints[f.name], part) for f, part in zip(fields, parts, strict=False)
        }
        return cls(**values)


def _convert(kind: Any, text: str) -> Any:
    if kind is int:
        try:
            return int(text)
        except ValueError as error:
            raise ActionError(f"not a number: {text!r}") from error
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(text)
        except ValueError as error:
            raise ActionError(f"not a {kind.__name__}: {text!r}") from error
    if not text:
        raise ActionError("empty field")
    return text


def decode(payload: str) -> Action:
    """The action a payload encodes. Raises ``ActionError`` for anything else.

    The verb is the longest registered prefix (``cart:add`` before ``cart``), so verbs may
    themselves hold the separator.
    """
    for old, new in LEGACY_VERBS.items():
        if payload.startswith(old + SEPARATOR):
            payload = new + payload[len(old) :]
            break
    pieces = payload.split(SEPARATOR)
    for size in range(len(pieces), 0, -1):
        cls = Action._registry.get(SEPARATOR.join(pieces[:size]))
        if cls is None:
            continue
        rest = pieces[size:]
        count = len(dataclasses.fields(cls))
        if len(rest) > count and count:
            rest = [*rest[: count - 1], SEPARATOR.join(rest[count - 1 :])]
        return cls.from_fields(rest)
    raise ActionError(f"no action for {payload[:80]!r}")


@dataclasses.dataclass(frozen=True)
class Browse(Action):
    """Open the shop's categories: the way out of any dead end, so the core knows it."""

    verb = "browse"


@dataclasses.dataclass(frozen=True)
class Help(Action):
    """Show what the bot can do."""

    verb = "help"


@dataclasses.dataclass(frozen=True)
class ShowProduct(Action):
    """A product's card: what every post, list and suggestion links to."""

    verb = "prod"
    sku: str


@dataclasses.dataclass(frozen=True)
class Confirmed(Action):
    """Yes to the router's "are you sure?": the action asked about, as its payload."""

    verb = "confirmed"
    payload: str


@dataclasses.dataclass(frozen=True)
class KeepAsIs(Action):
    """No to the router's "are you sure?": nothing changes."""

    verb = "keep"
    subject: str


def action_button(label: str, action: Action) -> Button:
    """A button with a label written by the caller (a product name, a price)."""
    return Button(label=label, action=action.encode())
