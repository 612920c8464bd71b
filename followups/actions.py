"""The buttons follow-ups put under the owner's digest and customer card, and the
customer's one-tap reorder (typed payloads, bot/actions.py). A customer key may hold
colons, so it is always the last field."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions import Action


@dataclass(frozen=True)
class SendFollowUp(Action):
    """The owner sends the suggested message. ``origin`` "digest": only while the customer
    is still due (not if they reordered since); "card": about what they bought last."""

    verb = "fu:send"
    origin: str
    customer: str


@dataclass(frozen=True)
class SnoozeFollowUp(Action):
    verb = "fu:snooze"
    customer: str


@dataclass(frozen=True)
class FollowUpDone(Action):
    """The owner followed up by hand: counts as a contact (nothing is sent)."""

    verb = "fu:done"
    customer: str


@dataclass(frozen=True)
class DigestPage(Action):
    verb = "fu:page"
    page: int


@dataclass(frozen=True)
class ShowCustomer(Action):
    """A customer's card (from a choice of several matches)."""

    verb = "fu:card"
    customer: str


@dataclass(frozen=True)
class HowToRecord(Action):
    """The card's note and tag buttons: show the command to write, ready to complete."""

    verb = "fu:how"
    what: str  # "note" or "tag"
    customer: str


@dataclass(frozen=True)
class Reorder(Action):
    """The customer's one tap under a follow-up: the usual quantity into the cart."""

    verb = "fu:reorder"
    qty: int
    sku: str
