"""The shop's scheduler: APScheduler's asyncio scheduler, shared by every feature.

Features register their jobs here under stable string ids (``campaign:winter-masks``);
adding a job under an id that already exists replaces it, so a feature can rebuild its
jobs from the store as often as it likes. A job's arguments are ids of rows in the store,
not state of its own, so every job can be rebuilt from the database at start.

The core knows no feature: the composition root (bot/app.py) builds each feature's jobs
over this scheduler and hands them to ``start``, which lets each settle what the last
stop left behind and register its jobs, in order, before any job runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any, Protocol

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

JobFunc = Callable[..., Awaitable[Any]]


class Feature(Protocol):
    """A feature's jobs: ``start`` runs once before the scheduler does; it settles what
    a stop left behind, catches up on what fell due meanwhile and registers the jobs."""

    async def start(self) -> None: ...


class Scheduler:
    def __init__(self, scheduler: AsyncIOScheduler | None = None) -> None:
        self.scheduler = scheduler or AsyncIOScheduler(timezone="UTC")

    def add(
        self,
        job_id: str,
        func: JobFunc,
        trigger: BaseTrigger,
        *,
        args: Sequence[object] = (),
        misfire_grace_time: int | None = None,
    ) -> None:
        """Run ``func(*args)`` at every fire time of ``trigger``, replacing any job with
        the same id. Runs that fell behind are coalesced into one; a run later than
        ``misfire_grace_time`` seconds (APScheduler's default: 1) is skipped."""
        # APScheduler applies replace_existing only once it runs; before that, a second
        # add would sit beside the first. Remove it ourselves so an id is always one job.
        self.remove(job_id)
        options: dict[str, Any] = {}
        if misfire_grace_time is not None:
            options["misfire_grace_time"] = misfire_grace_time
        self.scheduler.add_job(
            func,
            trigger,
            args=list(args),
            id=job_id,
            replace_existing=True,
            coalesce=True,
            **options,
        )

    def every(self, job_id: str, func: JobFunc, interval: timedelta) -> None:
        """Run ``func()`` every ``interval``, replacing any job with the same id."""
        self.add(job_id, func, IntervalTrigger(seconds=interval.total_seconds()))

    def remove(self, job_id: str) -> bool:
        """Remove the job with this id; False when there was none."""
        job = self.scheduler.get_job(job_id)
        if job is None:
            return False
        job.remove()
        return True

    def get_job(self, job_id: str) -> Job | None:
        return self.scheduler.get_job(job_id)

    def job_ids(self, prefix: str = "") -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs() if job.id.startswith(prefix))

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    async def start(self, features: Iterable[Feature] = ()) -> None:
        """Start each feature's jobs, in order, then run them."""
        for feature in features:
            await feature.start()
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop; no job starts after this returns."""
        if self.scheduler.running:
            # AsyncIOScheduler shuts down on the loop's next turn (call_soon_threadsafe);
            # yield once so it has, before the caller closes the store under it.
            self.scheduler.shutdown(wait=False)
            await asyncio.sleep(0)
