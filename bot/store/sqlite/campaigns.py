"""Campaigns: definitions with a status that survives the catalog being applied again."""

from __future__ import annotations

from bot.catalog import Campaign
from bot.store.models import CampaignSource, CampaignStatus, StoredCampaign
from bot.store.sqlite.db import Database, Row

# Create or update a campaign's definition; a paused one stays paused, a deleted one stays
# deleted (even if the catalog still lists it).
SAVE_CAMPAIGN = (
    "INSERT INTO campaigns (id, definition, source, status, created_at, updated_at)"
    " VALUES (?, ?, ?, 'active', ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET definition = excluded.definition,"
    " source = excluded.source, updated_at = excluded.updated_at"
    " WHERE campaigns.status != 'deleted'"
)


def campaign_params(campaign: Campaign, source: CampaignSource, now: str) -> tuple[str, ...]:
    return (campaign.id, campaign.model_dump_json(), CampaignSource(source).value, now, now)


class SqliteCampaigns:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, campaign: Campaign, source: CampaignSource) -> None:
        await self._db.write(SAVE_CAMPAIGN, campaign_params(campaign, source, self._db.now()))

    async def all(self, include_deleted: bool = False) -> list[StoredCampaign]:
        rows = await self._db.all("SELECT * FROM campaigns ORDER BY created_at, id")
        found = [_campaign_from(row) for row in rows]
        return [c for c in found if include_deleted or c.status is not CampaignStatus.DELETED]

    async def get(self, campaign_id: str) -> StoredCampaign | None:
        row = await self._db.one("SELECT * FROM campaigns WHERE id = ?", (campaign_id.lower(),))
        return _campaign_from(row) if row else None

    async def set_status(self, campaign_id: str, status: CampaignStatus) -> bool:
        # One statement: the check (known, not deleted) and the change cannot be split.
        changed = await self._db.write(
            "UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ? AND status != ?",
            (
                CampaignStatus(status).value,
                self._db.now(),
                campaign_id.lower(),
                CampaignStatus.DELETED.value,
            ),
        )
        return changed == 1

    async def restore(self, campaign: Campaign, source: CampaignSource) -> None:
        now = self._db.now()
        await self._db.write(
            "INSERT INTO campaigns (id, definition, source, status, created_at, updated_at)"
            " VALUES (?, ?, ?, 'active', ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET definition = excluded.definition,"
            " source = excluded.source, status = 'active', updated_at = excluded.updated_at",
            campaign_params(campaign, source, now),
        )


def _campaign_from(row: Row) -> StoredCampaign:
    return StoredCampaign(
        campaign=Campaign.model_validate_json(row["definition"]),
        source=CampaignSource(row["source"]),
        status=CampaignStatus(row["status"]),
    )
