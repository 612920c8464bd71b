"""The promotions' jobs on the shop's scheduler (bot/scheduler.py).

Jobs carry campaign ids, not callables holding state: at start (and every minute, so
campaigns created or paused in chat take effect) the jobs are rebuilt from the campaigns
in the store. Before that, posts caught mid-send by a crash are settled and slots missed
while the bot was down are run if they are still within the grace period.

A daily job sends the owner one summary: who opted out, which broadcasts posted nothing.

Every job ends in the engine's ``settle``, which decides one thing at a time in the
preview's order; so two campaigns firing at the same minute, or a campaign meeting the
due job, decide exactly as the preview did, whichever job APScheduler runs first.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.catalog import Campaign
from bot.scheduler import Scheduler
from bot.store import CampaignStatus
from promotions.engine import Promotions
from promotions.schedule import campaign_trigger, fire_times
from promotions.summary import SUMMARY_AT, send_summary

log = logging.getLogger(__name__)

SYNC_EVERY = timedelta(seconds=60)
DUE_EVERY = timedelta(seconds=30)
JOB_PREFIX = "campaign:"
SYNC_JOB = "campaigns:sync"
DUE_JOB = "outbox:due"
SUMMARY_JOB = "promotions:summary"


class PromoScheduler:
    """The promotions' jobs: one per active campaign, a sync and the delayed posts.

    ``scheduler`` is the shop's scheduler (an APScheduler given here is wrapped in one;
    none: a scheduler of its own)."""

    def __init__(
        self, promotions: Promotions, scheduler: Scheduler | AsyncIOScheduler | None = None
    ) -> None:
        self.promotions = promotions
        self.scheduler = scheduler if isinstance(scheduler, Scheduler) else Scheduler(scheduler)
        # The definition each job was built from, so an unchanged campaign keeps its job.
        self._built: dict[str, str] = {}
        # The time zone the daily summary's job was built for (None: not built yet).
        self._summary_zone: str | None = None

    async def start(self) -> None:
        """Settle posts caught mid-send, build the campaigns' jobs, run the slots missed
        within the grace period, then register the sync and delayed-post jobs."""
        settled = await self.promotions.recover()
        if settled:
            log.warning(
                "%d promotional post(s) were mid-send at the last stop; not resent", settled
            )
        await self.sync()
        # Every settle from now on decides the campaigns' slots as they fall due, starting
        # with those missed while the bot was down (within the grace period).
        now = self.promotions.clock.now()
        self.promotions.watch_slots(now - self.promotions.grace)
        await self.promotions.settle(now)
        self.scheduler.every(SYNC_JOB, self.sync, SYNC_EVERY)
        self.scheduler.every(DUE_JOB, self.promotions.deliver_due, DUE_EVERY)

    async def sync(self) -> None:
        """Make the jobs match the active campaigns in the store (and the summary's job
        the shop's time zone)."""
        timezone = self.promotions.timezone
        if self._summary_zone != timezone:
            self.scheduler.add(
                SUMMARY_JOB,
                self.summary,
                CronTrigger(hour=SUMMARY_AT.hour, minute=SUMMARY_AT.minute, timezone=timezone),
                misfire_grace_time=int(self.promotions.grace.total_seconds()),
            )
            self._summary_zone = timezone
        wanted: dict[str, str] = {}
        for stored in await self.promotions.store.campaigns.all():
            if stored.status is CampaignStatus.ACTIVE:
                wanted[stored.id] = stored.campaign.model_dump_json() + timezone
        for campaign_id in set(self._built) - set(wanted):
            self.scheduler.remove(JOB_PREFIX + campaign_id)
            del self._built[campaign_id]
        for stored in await self.promotions.store.campaigns.all():
            if stored.id not in wanted or self._built.get(stored.id) == wanted[stored.id]:
                continue
            self.scheduler.add(
                JOB_PREFIX + stored.id,
                self.fire,
                campaign_trigger(stored.campaign, timezone),
                args=[stored.id],
                misfire_grace_time=int(self.promotions.grace.total_seconds()),
            )
            self._built[stored.id] = wanted[stored.id]

    async def summary(self) -> None:
        """The owner's daily promotions summary (promotions/summary.py)."""
        await send_summary(self.promotions)

    def job_ids(self) -> list[str]:
        """Every job on the scheduler."""
        return self.scheduler.job_ids()

    async def fire(self, campaign_id: str) -> None:
        """A campaign's trigger fired: run the slot it fired for (not "now", which may be
        a little later)."""
        stored = await self.promotions.store.campaigns.get(campaign_id)
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
