"""Scheduling promotions with APScheduler's asyncio scheduler.

Jobs carry campaign ids, not callables holding state: at start (and every minute, so
campaigns created or paused in chat take effect) the jobs are rebuilt from the campaigns
in the store. Before that, posts caught mid-send by a crash are settled and slots missed
while the bot was down are run if they are still within the grace period.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.catalog import Campaign
from bot.store import CampaignStatus
from promotions.engine import Promotions
from promotions.schedule import campaign_trigger, fire_times

log = logging.getLogger(__name__)

SYNC_EVERY = timedelta(seconds=60)
DUE_EVERY = timedelta(seconds=30)
JOB_PREFIX = "campaign:"


class PromoScheduler:
    def __init__(self, promotions: Promotions, scheduler: AsyncIOScheduler | None = None) -> None:
        self.promotions = promotions
        self.scheduler = scheduler or AsyncIOScheduler(timezone="UTC")
        # The definition each job was built from, so an unchanged campaign keeps its job.
        self._built: dict[str, str] = {}

    async def start(self) -> None:
        settled = await self.promotions.recover()
        if settled:
            log.warning(
                "%d promotional post(s) were mid-send at the last stop; not resent", settled
            )
        await self.sync()
        active = [
            stored.campaign
            for stored in await self.promotions.store.campaigns()
            if stored.status is CampaignStatus.ACTIVE
        ]
        await self.promotions.catch_up(active, self.promotions.clock.now())
        self.scheduler.add_job(
            self.sync,
            IntervalTrigger(seconds=SYNC_EVERY.total_seconds()),
            id="campaigns:sync",
            replace_existing=True,
        )
        self.scheduler.add_job(
            self.promotions.deliver_due,
            IntervalTrigger(seconds=DUE_EVERY.total_seconds()),
            id="outbox:due",
            replace_existing=True,
        )
        self.scheduler.start()

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def sync(self) -> None:
        """Make the jobs match the active campaigns in the store."""
        timezone = self.promotions.timezone
        wanted: dict[str, str] = {}
        for stored in await self.promotions.store.campaigns():
            if stored.status is CampaignStatus.ACTIVE:
                wanted[stored.id] = stored.campaign.model_dump_json() + timezone
        for campaign_id in set(self._built) - set(wanted):
            job = self.scheduler.get_job(JOB_PREFIX + campaign_id)
            if job is not None:
                job.remove()
            del self._built[campaign_id]
        for stored in await self.promotions.store.campaigns():
            if stored.id not in wanted or self._built.get(stored.id) == wanted[stored.id]:
                continue
            self.scheduler.add_job(
                self.fire,
                campaign_trigger(stored.campaign, timezone),
                args=[stored.id],
                id=JOB_PREFIX + stored.id,
                replace_existing=True,
                coalesce=True,
                misfire_grace_time=int(self.promotions.grace.total_seconds()),
            )
            self._built[stored.id] = wanted[stored.id]

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs())

    async def fire(self, campaign_id: str) -> None:
        """A campaign's trigger fired: run the slot it fired for (not "now", which may be
        a little later)."""
        stored = await self.promotions.store.campaign(campaign_id)
        if stored is None or stored.status is not CampaignStatus.ACTIVE:
            return
        now = self.promotions.clock.now()
        slot = _latest_slot(stored.campaign, self.promotions.timezone, now, self.promotions.grace)
        if slot is None:
            return
        report = await self.promotions.run_slot(campaign_id, slot)
        if report is not None:
            log.info("campaign %s slot %s: %s", campaign_id, slot, dict(report.counts))


def _latest_slot(
    campaign: Campaign, timezone: str, now: datetime, grace: timedelta
) -> datetime | None:
    slots = list(fire_times(campaign, timezone, now - grace, now + timedelta(seconds=1)))
    return slots[-1] if slots else None
