"""The buttons promotions put under posts and under the owner's lists (typed payloads,
bot/actions.py). Their verbs are the wire form buttons already sent carry."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions import Action


@dataclass(frozen=True)
class FewerLikeThis(Action):
    """A customer mutes one campaign in their private chat."""

    verb = "promo:fewer"
    campaign: str


@dataclass(frozen=True)
class BuyFromPost(Action):
    """Buy under a group's post where the platform has no links to a private chat: the
    tap counts as the group's reaction to the post and the buying goes on in private."""

    verb = "promo:buy"
    sku: str
    post: int  # the outbox row the post was sent from


@dataclass(frozen=True)
class StopPromotions(Action):
    verb = "promo:stop"


@dataclass(frozen=True)
class SwitchGroup(Action):
    """The owner turns promotions in a group on or off (the chat key may hold colons)."""

    verb = "group:promo"
    switch: str  # "on" or "off"
    chat_key: str


@dataclass(frozen=True)
class CampaignControl(Action):
    """The owner pauses or resumes a campaign from the list."""

    verb = "campaign"
    change: str  # a /promo verb: "pause" or "resume"
    campaign: str
