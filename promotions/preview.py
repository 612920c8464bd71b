"""The seller's preview, from the live data: the same audiences, history and caps the
sender will use, run over a virtual clock by promotions/simulate.py and rendered by
promotions/render.py."""

from __future__ import annotations

from datetime import datetime

from bot.catalog import Campaign, Catalog
from bot.channels.base import RateLimits
from bot.store import CampaignStatus, Store
from promotions.audiences import (
    campaign_audiences,
    caps_from_catalog,
    group_caps_from_catalog,
    look_back,
    recent_past_posts,
)
from promotions.render import render
from promotions.simulate import Preview, simulate


async def build_preview(
    store: Store,
    catalog: Catalog,
    start: datetime,
    days: int,
    limits: RateLimits | None = None,
) -> tuple[Preview, dict[str, str]]:
    """The preview of every active campaign over ``days`` from ``start``, and chat titles."""
    timezone = catalog.shop.timezone
    group_caps = group_caps_from_catalog(catalog)
    campaigns: list[Campaign] = [
        stored.campaign
        for stored in await store.campaigns.all()
        if stored.status is CampaignStatus.ACTIVE
    ]
    audiences = {}
    titles: dict[str, str] = {}
    for campaign in campaigns:
        found, _ = await campaign_audiences(store, campaign, timezone, start, group_caps)
        audiences[campaign.id] = found
        titles.update({a.chat_key: a.title for a in found if a.title})
    caps = caps_from_catalog(catalog)
    preview = simulate(
        campaigns,
        lambda campaign: audiences[campaign.id],
        await recent_past_posts(store, start, look_back(caps)),
        caps,
        timezone,
        start,
        days,
        limits or RateLimits(),
    )
    return preview, titles


async def preview_text(
    store: Store, catalog: Catalog, start: datetime, days: int, language: str
) -> str:
    preview, titles = await build_preview(store, catalog, start, days)
    return render(preview, language, titles)
