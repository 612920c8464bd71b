"""When a campaign posts: its schedule as an APScheduler trigger, and its fire times.

The live scheduler and the preview both take their times from ``campaign_trigger``, so a
preview shows exactly the slots the scheduler will fire.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.catalog import Campaign


def campaign_trigger(campaign: Campaign, timezone: str) -> BaseTrigger:
    zone = ZoneInfo(timezone)
    schedule = campaign.schedule
    start = datetime.combine(schedule.start, time(0), tzinfo=zone) if schedule.start else None
    end = datetime.combine(schedule.end, time(23, 59, 59), tzinfo=zone) if schedule.end else None
    if schedule.cron:
        trigger = CronTrigger.from_crontab(schedule.cron, timezone=zone)
        return CronTrigger(
            **{f.name: str(f) for f in trigger.fields if not f.is_default},
            timezone=zone,
            start_date=start,
            end_date=end,
        )
    days = ",".join(schedule.weekdays)
    triggers = []
    for moment in schedule.times:
        hour, minute = moment.split(":")
        triggers.append(
            CronTrigger(
                day_of_week=days,
                hour=int(hour),
                minute=int(minute),
                timezone=zone,
                start_date=start,
                end_date=end,
            )
        )
    return triggers[0] if len(triggers) == 1 else OrTrigger(triggers)


def fire_times(
    campaign: Campaign, timezone: str, start: datetime, end: datetime
) -> Iterator[datetime]:
    """Every slot of the campaign in [start, end), in UTC."""
    trigger = campaign_trigger(campaign, timezone)
    previous: datetime | None = None
    now = start - timedelta(microseconds=1)
    last: datetime | None = None
    while True:
        moment = trigger.get_next_fire_time(previous, now)
        if moment is None or moment >= end:
            return
        utc = moment.astimezone(ZoneInfo("UTC"))
        # When the clocks go forward, two times of day (01:00 and 02:00 in London on the
        # last Sunday of March) can be one moment: that is one slot, not two.
        if utc != last:
            yield utc
        last = utc
        previous, now = moment, moment
