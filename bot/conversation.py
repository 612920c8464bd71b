"""What a customer is in the middle of: a checkout, a question for the owner, the last
product they looked at; for the owner, an answer to a ticket being typed.

One ``Conversation`` per customer, loaded before a message is handled and saved after it
(the conversation middleware), so a restart mid-checkout picks up at the same question.
It is stored as a plain dict; ``from_stored`` reads every shape earlier versions wrote
and keeps keys it does not know, so an upgrade or a newer worker loses nothing.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class CheckoutStep(StrEnum):
    """The question checkout is waiting on. The order of the flow is
    SAVED (offered last time's details) or NAME → PHONE → ADDRESS → NOTE → CONFIRM."""

    SAVED = "saved"
    NAME = "name"
    PHONE = "phone"
    ADDRESS = "address"
    NOTE = "note"
    CONFIRM = "confirm"


_DRAFT_TEXTS = ("name", "phone", "address", "note", "shown")


@dataclass
class CheckoutDraft:
    step: CheckoutStep = CheckoutStep.NAME
    name: str = ""
    phone: str = ""
    address: str = ""
    note: str = ""
    # What the summary showed (lines, prices, shipping): Confirm places the order only if
    # it is still exactly that, so nobody is charged a total they were not shown.
    shown: str = ""
    # Names this checkout: the order placed from it carries it, unique in the store, so a
    # Confirm tapped twice (two workers at once) places one order (issue 13).
    checkout_id: str = field(default_factory=lambda: secrets.token_hex(8))

    @classmethod
    def from_stored(cls, data: Any) -> CheckoutDraft | None:
        if not isinstance(data, dict):
            return None
        try:
            step = CheckoutStep(str(data.get("step")))
        except ValueError:
            # A step this version does not know: the summary is the safe place to resume,
            # it shows everything and asks before anything is placed.
            step = CheckoutStep.CONFIRM
        texts = {key: data.get(key) for key in (*_DRAFT_TEXTS, "checkout_id") if data.get(key)}
        draft = cls(step, **{k: v for k, v in texts.items() if isinstance(v, str)})
        if step is CheckoutStep.CONFIRM and not (draft.name and draft.phone and draft.address):
            draft.step = CheckoutStep.NAME  # nothing to confirm: start the questions again
        return draft

    def to_stored(self) -> dict[str, str]:
        stored = {"step": self.step.value}
        for key in _DRAFT_TEXTS:
            if getattr(self, key):
                stored[key] = getattr(self, key)
        stored["checkout_id"] = self.checkout_id
        return stored


@dataclass(frozen=True)
class TicketStep:
    """The owner pressed "answer" or "close" on ticket ``number``: the next text they type
    is the answer (or the reason for closing)."""

    number: int
    closing: bool = False

    @classmethod
    def from_stored(cls, data: Any) -> TicketStep | None:
        if not isinstance(data, dict) or not isinstance(data.get("number"), int):
            return None
        return cls(data["number"], bool(data.get("closing")))

    def to_stored(self) -> dict[str, Any]:
        return {"number": self.number, "closing": self.closing}


@dataclass
class Conversation:
    checkout: CheckoutDraft | None = None
    asking: bool = False  # the next text is a question to carry to the owner
    last_sku: str | None = None  # what "one more" refers to
    # The products of the last list answer ("any snacks?"): "5 jin please" after it means
    # the one of them sold by the jin. Only read while last_sku is None.
    listed: tuple[str, ...] = ()
    ticket: TicketStep | None = None  # the owner's answer to a ticket, being typed
    # Keys written by another version or feature, kept as they were.
    extra: dict[str, Any] = field(default_factory=dict)
    # The stored version this was read at; saving checks it has not moved on.
    version: int = 0

    @property
    def in_progress(self) -> bool:
        """In the middle of something a cancel word would end."""
        return self.checkout is not None or self.asking

    @classmethod
    def from_stored(cls, data: dict[str, Any], version: int = 0) -> Conversation:
        extra = {
            k: v
            for k, v in data.items()
            if k not in ("checkout", "asking", "last_sku", "listed", "ticket")
        }
        last_sku = data.get("last_sku")
        listed = data.get("listed")
        return cls(
            checkout=CheckoutDraft.from_stored(data.get("checkout")),
            asking=bool(data.get("asking")),
            last_sku=last_sku if isinstance(last_sku, str) and last_sku else None,
            listed=tuple(x for x in listed if isinstance(x, str))
            if isinstance(listed, list)
            else (),
            ticket=TicketStep.from_stored(data.get("ticket")),
            extra=extra,
            version=version,
        )

    def to_stored(self) -> dict[str, Any]:
        stored: dict[str, Any] = dict(self.extra)
        if self.checkout is not None:
            stored["checkout"] = self.checkout.to_stored()
        if self.asking:
            stored["asking"] = True
        if self.last_sku:
            stored["last_sku"] = self.last_sku
        if self.listed:
            stored["listed"] = list(self.listed)
        if self.ticket is not None:
            stored["ticket"] = self.ticket.to_stored()
        return stored

    def copy(self) -> Conversation:
        checkout = dataclasses.replace(self.checkout) if self.checkout else None
        return dataclasses.replace(self, checkout=checkout, extra=dict(self.extra))
