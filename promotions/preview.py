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
    staff: frozenset[str] = frozenset(),
) -> tuple[Preview, dict[str, str]]:
    """The preview of every active campaign over ``days`` from ``start``, and chat titles.

    It reads what the live sender reads (audiences, the posts already decided, the stock)
    and decides in the same order, so when nobody reacts the live log is this preview.
    ``staff``: the shop's owners, never counted as members (the catalog's are added).
    """
    timezone = catalog.shop.timezone
    group_caps = group_caps_from_catalog(catalog)
    staff = staff | frozenset(catalog.shop.owners)
    levels = await store.stock.levels()
    campaigns: list[Campaign] = [
        # Sold-out products are not promoted: the preview shows what will really go out.
        stored.campaign.model_copy(
            update={"products": [p for p in stored.campaign.products if levels.get(p, 0) > 0]}
        )
        for stored in await store.campaigns.all()
        if stored.status is CampaignStatus.ACTIVE
    ]
    audiences = {}
    titles: dict[str, str] = {}
    for campaign in campaigns:
        found, _ = await campaign_audiences(store, campaign, timezone, start, group_caps, staff)
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
    # The people through whom two groups overlap, by the name they go by.
    for decision, _ in preview.posts.counts():  # distinct decisions, not every entry
        person = decision.via
        if person and person not in titles:
            customer = await store.customers.get(person)
            titles[person] = customer.display_name if customer and customer.display_name else ""
    return preview, {key: title for key, title in titles.items() if title}


async def preview_text(
    store: Store,
    catalog: Catalog,
    start: datetime,
    days: int,
    language: str,
    staff: frozenset[str] = frozenset(),
    limits: RateLimits | None = None,
) -> str:
    preview, titles = await build_preview(store, catalog, start, days, limits, staff)
    return render(preview, language, titles)
