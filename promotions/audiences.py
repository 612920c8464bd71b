"""What the caps decide on, read from the shop: whom each campaign may reach (its
audiences, with each group's members and fatigue), the posts already out, and the caps
the catalog sets for the shop and for each group.

The live sender and the preview both read here, so they decide on the same inputs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.catalog import Campaign, Catalog
from bot.messages import ChatKind, ChatRef
from bot.store import Store
from promotions.caps import FATIGUE_WINDOW, Audience, AudienceKind, CapsConfig, History, PastPost


def caps_from_catalog(catalog: Catalog) -> CapsConfig:
    settings = catalog.shop.promotion_caps
    quiet_start, quiet_end = _quiet_times(settings.quiet_hours)
    return CapsConfig(
        group_daily=settings.group_daily,
        group_min_gap=timedelta(hours=settings.group_min_gap_hours),
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        product_cooldown=timedelta(hours=settings.product_cooldown_hours),
        subscriber_daily=settings.subscriber_daily,
        subscriber_weekly=settings.subscriber_weekly,
        shop_daily_budget=settings.shop_daily_budget,
    )


def group_caps_from_catalog(catalog: Catalog) -> dict[str, CapsConfig]:
    """Per-group caps, keyed by chat key or title, each on top of the shop's."""
    shop = caps_from_catalog(catalog)
    result = {}
    for name, override in catalog.shop.promotion_caps.groups.items():
        caps = shop
        if override.group_daily is not None:
            caps = replace(caps, group_daily=override.group_daily)
        if override.group_min_gap_hours is not None:
            caps = replace(caps, group_min_gap=timedelta(hours=override.group_min_gap_hours))
        if override.quiet_hours:
            start, end = _quiet_times(override.quiet_hours)
            caps = replace(caps, quiet_start=start, quiet_end=end)
        if override.product_cooldown_hours is not None:
            caps = replace(caps, product_cooldown=timedelta(hours=override.product_cooldown_hours))
        if override.overlap is not None:
            caps = replace(caps, overlap=override.overlap)
        if override.timezone:
            caps = replace(caps, timezone=override.timezone)
        result[name] = caps
    return result


def _quiet_times(value: str) -> tuple[time, time]:
    start, _, end = value.partition("-")
    return time.fromisoformat(start.strip().zfill(5)), time.fromisoformat(end.strip().zfill(5))


async def campaign_audiences(
    store: Store,
    campaign: Campaign,
    timezone: str,
    now: datetime,
    group_caps: dict[str, CapsConfig] | None = None,
    staff: frozenset[str] = frozenset(),
) -> tuple[list[Audience], dict[str, ChatRef]]:
    """Everyone a campaign targets, with what the caps need to know about them.

    The live sender and the preview both ask here, so they see the same audiences.
    ``staff`` (the shop's owners) are never counted as a group's members: the seller
    greeting each of her groups does not make them overlap.
    """
    group_caps = group_caps or {}
    audiences: list[Audience] = []
    chats: dict[str, ChatRef] = {}
    if campaign.target == "subscribers":
        for chat in await store.customers.subscribers():
            muted = campaign.id in await store.customers.muted_campaigns(chat.key)
            audiences.append(
                Audience(
                    chat_key=chat.key,
                    kind=AudienceKind.SUBSCRIBER,
                    timezone=timezone,
                    members=frozenset({chat.key}),
                    enabled=not muted,
                    title=chat.title,
                )
            )
            chats[chat.key] = chat
        return audiences, chats
    named = set(campaign.groups)
    members = await store.chats.group_members()
    for group in await store.chats.groups():
        # A group that moved (a Telegram upgrade to a supergroup) is still the group the
        # catalog named by its old key.
        names = {group.key, group.title} | ({group.moved_from} if group.moved_from else set())
        if campaign.target == "groups" and not (names & named):
            continue
        chat = ChatRef(group.channel, group.chat_id, ChatKind.GROUP, group.title)
        own = (
            group_caps.get(group.key)
            or (group_caps.get(group.moved_from) if group.moved_from else None)
            or group_caps.get(group.title)
        )
        audiences.append(
            Audience(
                chat_key=group.key,
                kind=AudienceKind.GROUP,
                timezone=(own.timezone if own else None) or timezone,
                members=members.get(group.key, frozenset()) - staff,
                enabled=group.promotions_enabled,
                reachable=group.active and not group.unreachable_reason,
                learns_fatigue=True,
                last_reaction=group.last_reaction,
                last_complaint=group.last_complaint,
                title=group.title,
                caps=own,
            )
        )
        chats[group.key] = chat
    return audiences, chats


def look_back(caps: CapsConfig) -> timedelta:
    """How far back any cap looks: fatigue's window, or a longer cool-down."""
    return max(FATIGUE_WINDOW + timedelta(days=1), caps.product_cooldown + timedelta(days=1))


async def recent_posts(store: Store, now: datetime, since: timedelta) -> History:
    return History(await recent_past_posts(store, now, since))


async def recent_past_posts(store: Store, now: datetime, since: timedelta) -> list[PastPost]:
    """Posts decided to go out (sent, being sent, or may have been) within ``since``, at
    the moment they were decided: all the caps look back on."""
    rows = await store.outbox.history(now - since)
    return [
        PastPost(
            row.chat.key,
            frozenset(row.skus),
            row.posted_at or row.sent_at or row.slot,
            AudienceKind.GROUP if row.kind == "group" else AudienceKind.SUBSCRIBER,
            row.recipients,
        )
        for row in rows
    ]
