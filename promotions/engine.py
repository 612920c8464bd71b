"""The promotion engine: decide campaign slots with the caps, record them, deliver them.

Every post is first an outbox row (unique per campaign, chat and slot), then claimed,
then sent, then marked. A crash anywhere leaves rows that say what happened:
- ``pending``: decided to post (``posted_at`` set) or delayed (``not_before`` set), not
  sent yet; sent after a restart if still within the grace period, otherwise ``missed``;
- ``sending``: the send may or may not have reached the platform; after a restart it is
  marked ``failed`` with ``maybe_sent`` and never sent again — a missing post is better
  than a double one;
- ``suppressed``: a cap said no, with the reason, shown to the seller.

Decisions are serialised per shop. Whatever wakes the engine (a campaign's job, the due
job, a catch-up after a restart, several of them at the same moment) runs ``settle``,
which, one at a time, takes every decision due by now in the order the preview takes
them (``promotions.simulate``): by moment, then the older slot (a delayed post before a
new slot), then the campaign listed first; within one batch, larger groups first. A post
counts against every later decision from the moment it was decided (``posted_at``: its
slot), whether its send has completed or not, so sends that take time, batches released
together and jobs that meet at the same minute all keep every cap; and the live log is
what the preview showed when nobody reacts.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.catalog import Campaign
from bot.clock import Clock
from bot.context import CatalogHolder
from bot.delivery import Delivery
from bot.i18n import pick_language, t
from bot.messages import ChatRef, Outgoing
from bot.owners import owner_private_chats
from bot.store import CampaignStatus, NewPost, OutboxRow, PostKind, PostState, Store
from promotions.audiences import (
    campaign_audiences,
    caps_from_catalog,
    group_caps_from_catalog,
    look_back,
    recent_posts,
)
from promotions.caps import (
    COMPLAINT,
    Audience,
    CapsConfig,
    Decision,
    History,
    Verdict,
    decide_broadcast,
)
from promotions.schedule import fire_times
from promotions.texts import promo_post, reason_text

log = logging.getLogger(__name__)

# How often the progress message to the owner is edited during a broadcast.
PROGRESS_EVERY = 25
# Sends in flight at once during a broadcast.
SENDERS = 16


@dataclass
class BroadcastReport:
    campaign_id: str
    slot: datetime
    total: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    fatigued: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, order=True)
class _Batch:
    """Decisions taken together: at one moment, for one slot of one campaign (its place
    in the shop's list of active campaigns). ``delayed``: the rows decided again; empty
    for a new slot. Ordered exactly as ``promotions.simulate`` orders its moments."""

    at: datetime
    slot: datetime
    index: int
    delayed: tuple[OutboxRow, ...] = field(default=(), compare=False)


class Promotions:
    def __init__(
        self,
        store: Store,
        catalog_holder: CatalogHolder,
        delivery: Delivery,
        clock: Clock,
        owners: Callable[[], frozenset[str]],
        deep_link: Callable[[str, str], str | None],
        caps: CapsConfig | None = None,
        group_caps: dict[str, CapsConfig] | None = None,
        grace: timedelta | None = None,
    ) -> None:
        self.store = store
        self.catalog_holder = catalog_holder
        self.delivery = delivery
        self.clock = clock
        self._owners = owners
        self.deep_link = deep_link
        # Explicit caps (tests, benches) win; otherwise they follow the catalog in force,
        # so an owner's /reload of edited caps takes effect at the next slot.
        self._caps = caps
        self._group_caps = group_caps
        minutes = catalog_holder.catalog.shop.promotion_caps.grace_minutes
        self.grace = grace if grace is not None else timedelta(minutes=minutes)
        # One decision at a time per shop: see the module's docstring.
        self._deciding = asyncio.Lock()
        # Slots after this moment are decided by every settle (None: only slots asked
        # for by name); set when the scheduler starts.
        self._watching_from: datetime | None = None
        # Rows a settle is sending, so a settle running meanwhile leaves them (and their
        # report) to it.
        self._in_delivery: set[int] = set()

    @property
    def owners(self) -> frozenset[str]:
        """The owners in force: read each time, so one removed from the catalog and
        reloaded is no longer told of broadcasts or counted as staff."""
        return self._owners()

    @property
    def caps(self) -> CapsConfig:
        return self._caps or caps_from_catalog(self.catalog_holder.catalog)

    @caps.setter
    def caps(self, caps: CapsConfig) -> None:
        self._caps = caps

    @property
    def group_caps(self) -> dict[str, CapsConfig]:
        if self._group_caps is not None:
            return self._group_caps
        return group_caps_from_catalog(self.catalog_holder.catalog)

    @property
    def timezone(self) -> str:
        return self.catalog_holder.catalog.shop.timezone

    # --- audiences ------------------------------------------------------------------

    async def audiences(
        self, campaign: Campaign, now: datetime
    ) -> tuple[list[Audience], dict[str, ChatRef]]:
        return await campaign_audiences(
            self.store, campaign, self.timezone, now, self.group_caps, self.owners
        )

    async def history(self, now: datetime) -> History:
        return await recent_posts(self.store, now, look_back(self.caps))

    async def in_stock(self, campaign: Campaign) -> list[str]:
        """The campaign's products that can still be bought: sold-out ones are not shown."""
        levels = await self.store.stock.levels()
        return [sku for sku in campaign.products if levels.get(sku, 0) > 0]

    # --- what wakes the engine -------------------------------------------------------

    def watch_slots(self, since: datetime) -> None:
        """From now on every settle also decides the campaigns' slots after ``since``."""
        self._watching_from = since

    async def run_slot(self, campaign_id: str, slot: datetime) -> BroadcastReport | None:
        """Decide and deliver one campaign slot (and whatever else is due before it).
        Safe to call twice for the same slot; None when the campaign is not active."""
        stored = await self.store.campaigns.get(campaign_id)
        if stored is None or stored.status is not CampaignStatus.ACTIVE:
            return None
        await self.settle(max(self.clock.now(), slot), [(stored.id, slot)])
        return await self.report(stored.id, slot)

    async def deliver_due(self, now: datetime | None = None) -> int:
        """Decide what fell due (delayed posts, slots being watched) and send it; returns
        how many posts were sent."""
        return await self.settle(now or self.clock.now())

    async def catch_up(self, campaigns: Sequence[Campaign], now: datetime) -> None:
        """Run slots that fell due while the bot was down, within the grace period."""
        missed = [
            (campaign.id, slot)
            for campaign in campaigns
            for slot in fire_times(campaign, self.timezone, now - self.grace, now)
        ]
        await self.settle(now, missed)

    async def settle(self, now: datetime, slots: Iterable[tuple[str, datetime]] = ()) -> int:
        """Take every decision due by ``now`` (one settle decides at a time), then send
        what was decided and is not being sent already. Returns how many were sent."""
        async with self._deciding:
            await self._decide_due(now, list(slots))
            due = [
                row
                for row in await self.store.outbox.rows(states=[PostState.PENDING])
                if row.posted_at is not None
                and row.posted_at <= now
                and row.id not in self._in_delivery
            ]
            self._in_delivery.update(row.id for row in due)
        try:
            return await self._deliver(due, now)
        finally:
            self._in_delivery.difference_update(row.id for row in due)

    # --- deciding -------------------------------------------------------------------

    async def _decide_due(self, now: datetime, asked: list[tuple[str, datetime]]) -> None:
        active = [
            stored.campaign
            for stored in await self.store.campaigns.all()
            if stored.status is CampaignStatus.ACTIVE
        ]
        place = {campaign.id: i for i, campaign in enumerate(active)}
        batches: dict[tuple[datetime, datetime, int], list[OutboxRow]] = {}
        for row in await self.store.outbox.rows(states=[PostState.PENDING]):
            if row.posted_at is not None:
                continue  # decided: waiting for its send
            due = row.not_before or row.slot
            if due > now:
                continue
            if row.campaign_id not in place:
                await self.store.outbox.finish(
                    row.id, PostState.SUPPRESSED, reason="campaign_inactive"
                )
            elif now - due > self.grace:
                await self.store.outbox.finish(row.id, PostState.MISSED, error="past grace")
            else:
                batches.setdefault((due, row.slot, place[row.campaign_id]), []).append(row)
        wanted = set(asked)
        since = self._watching_from
        if since is not None:
            start, end = max(since, now - self.grace), now + timedelta(microseconds=1)
            for campaign in active:
                slots = fire_times(campaign, self.timezone, start, end)
                wanted.update((campaign.id, slot) for slot in slots)
            self._watching_from = max(since, now)
        queue = [_Batch(*key, delayed=tuple(rows)) for key, rows in batches.items()]
        for campaign_id, slot in wanted:
            if campaign_id in place and not await self.store.outbox.rows(
                campaign_id=campaign_id, slot=slot
            ):
                queue.append(_Batch(slot, slot, place[campaign_id]))
        heapq.heapify(queue)
        while queue:
            batch = heapq.heappop(queue)
            for later in await self._decide(active[batch.index], batch):
                if later.at <= now:
                    heapq.heappush(queue, later)

    async def _decide(self, campaign: Campaign, batch: _Batch) -> list[_Batch]:
        """Decide one batch and record it; returns the batches its delays make."""
        at, slot = batch.at, batch.slot
        audiences, chats = await self.audiences(campaign, at)
        rows_by_chat = {row.chat.key: row for row in batch.delayed}
        if batch.delayed:
            gone = set(rows_by_chat) - {a.chat_key for a in audiences}
            for chat_key in gone:  # left the campaign's targets meanwhile
                await self.store.outbox.finish(
                    rows_by_chat[chat_key].id, PostState.SUPPRESSED, reason="not_enabled"
                )
            audiences = [a for a in audiences if a.chat_key in rows_by_chat]
        if not audiences:
            return []
        history = await self.history(at)
        decisions = decide_broadcast(
            await self.in_stock(campaign), at, audiences, history, self.caps, self.timezone
        )
        if not batch.delayed:
            await self.store.outbox.add(
                [
                    _new_post(campaign.id, chats[a.chat_key], a, d, slot, at)
                    for a, d in zip(audiences, decisions, strict=True)
                ]
            )
            rows_by_chat = {
                row.chat.key: row
                for row in await self.store.outbox.rows(campaign_id=campaign.id, slot=slot)
            }
        later: dict[datetime, list[OutboxRow]] = {}
        for decision in decisions:
            row = rows_by_chat[decision.chat_key]
            if decision.verdict is Verdict.DELAY:
                assert decision.not_before is not None
                if batch.delayed:
                    await self.store.outbox.finish(
                        row.id,
                        PostState.PENDING,
                        reason=decision.reason.value,
                        not_before=decision.not_before,
                    )
                later.setdefault(decision.not_before, []).append(
                    replace(row, not_before=decision.not_before)
                )
            elif not batch.delayed:
                continue  # recorded as decided by ``add``
            elif decision.verdict is Verdict.SUPPRESS:
                await self.store.outbox.finish(
                    row.id,
                    PostState.SUPPRESSED,
                    reason=decision.reason.value,
                    detail=decision.detail,
                )
            else:
                await self.store.outbox.release(row.id, decision.skus, at)
        return [_Batch(moment, slot, batch.index, tuple(rows)) for moment, rows in later.items()]

    # --- sending --------------------------------------------------------------------

    async def _deliver(self, rows: list[OutboxRow], now: datetime) -> int:
        """Send decided rows, one report per broadcast (campaign slot) to the owners."""
        by_slot: dict[tuple[str, datetime], list[OutboxRow]] = {}
        for row in rows:
            by_slot.setdefault((row.campaign_id, row.slot), []).append(row)
        sent = 0
        for (campaign_id, slot), batch in sorted(by_slot.items(), key=lambda kv: kv[0][1]):
            stored = await self.store.campaigns.get(campaign_id)
            if stored is None or stored.status is not CampaignStatus.ACTIVE:
                for row in batch:
                    await self.store.outbox.finish(
                        row.id, PostState.SUPPRESSED, reason="campaign_inactive"
                    )
                continue
            sent += await self._deliver_slot(stored.campaign, slot, batch, now)
        return sent

    async def _deliver_slot(
        self, campaign: Campaign, slot: datetime, rows: list[OutboxRow], now: datetime
    ) -> int:
        queue: asyncio.Queue[OutboxRow] = asyncio.Queue()
        for row in rows:
            queue.put_nowait(row)
        progress = _Progress(self, await self.report(campaign.id, slot))
        await progress.start()
        outcomes: Counter[PostState] = Counter()

        async def worker() -> None:
            # Several sends in flight keep the platform's allowance used while one waits
            # on the network; the rate limiter in delivery still decides when each goes.
            while not queue.empty():
                row = queue.get_nowait()
                assert row.posted_at is not None
                if now - row.posted_at > self.grace:
                    await self.store.outbox.finish(row.id, PostState.MISSED, error="past grace")
                    outcomes[PostState.MISSED] += 1
                else:
                    outcomes[await self._send(campaign, row)] += 1
                if sum(outcomes.values()) % PROGRESS_EVERY == 0:
                    progress.report = await self.report(campaign.id, slot)
                    await progress.update()

        await asyncio.gather(*(worker() for _ in range(min(SENDERS, len(rows)))))
        progress.report = await self.report(campaign.id, slot)
        await progress.finish()
        return outcomes[PostState.SENT]

    async def _send(self, campaign: Campaign, row: OutboxRow) -> PostState:
        if not await self.store.outbox.claim(row.id):
            return PostState.SENDING  # another sender has it
        try:
            language = await self._language_for(row)
            message = promo_post(
                self.catalog_holder.catalog,
                campaign,
                row.chat,
                row.skus,
                language,
                self.deep_link,
                private=row.kind != "group",
                post=row.id,
                group_daily=self._group_caps_of(row.chat).group_daily,
            )
            result = await self.delivery.send(message)
        except Exception as error:
            # A local error on one post (a payload a button cannot carry, a bug) is that
            # post's failure, recorded; the broadcast goes on (issue 13).
            log.exception("promotional post %s to %s failed", row.id, row.chat.key)
            await self.store.outbox.finish(
                row.id, PostState.FAILED, error=f"{type(error).__name__}: {error}"
            )
            return PostState.FAILED
        if result.ok:
            await self.store.outbox.finish(
                row.id,
                PostState.SENT,
                message_id=result.message_ids[0] if result.message_ids else None,
            )
            return PostState.SENT
        if result.retryable:
            # The platform was unreachable and nothing arrived: the post waits for the
            # next due run (every minute), sent then if still within the grace period
            # of its slot, otherwise recorded as missed, like a post due while the bot
            # was down.
            await self.store.outbox.finish(row.id, PostState.PENDING, error=result.error)
            return PostState.PENDING
        await self.store.outbox.finish(
            row.id, PostState.FAILED, error=result.error, maybe_sent=result.outcome_unknown
        )
        return PostState.FAILED

    def _group_caps_of(self, chat: ChatRef) -> CapsConfig:
        """A group's own caps (by chat key or title), else the shop's."""
        own = self.group_caps
        return own.get(chat.key) or own.get(chat.title) or self.caps

    async def _language_for(self, row: OutboxRow) -> str:
        if row.kind == "group":
            return self.catalog_holder.catalog.shop.default_language
        customer = await self.store.customers.get(row.chat.key)
        return pick_language(
            customer.language if customer else None,
            customer.platform_language if customer else None,
            self.catalog_holder.catalog.shop.default_language,
        )

    async def report(self, campaign_id: str, slot: datetime) -> BroadcastReport:
        """What became of every chat of one campaign slot so far."""
        report = BroadcastReport(campaign_id, slot)
        for row in await self.store.outbox.rows(campaign_id=campaign_id, slot=slot):
            report.total += 1
            waiting = row.state is PostState.PENDING and row.posted_at is None
            report.counts["delayed" if waiting else row.state.value] += 1
            if row.state is PostState.SUPPRESSED:
                report.reasons[row.reason] += 1
            if row.kind == "group" and row.detail.startswith(("no_reaction", COMPLAINT)):
                report.fatigued[row.chat.key] = row.detail
        return report

    # --- recovery after a restart -----------------------------------------------------

    async def recover(self) -> int:
        """After a restart: rows caught mid-send are never sent again; returns how many."""
        stuck = await self.store.outbox.rows(states=[PostState.SENDING])
        for row in stuck:
            await self.store.outbox.finish(
                row.id,
                PostState.FAILED,
                error="outcome unknown: the bot stopped while sending; not sent again",
                maybe_sent=True,
            )
        return len(stuck)


def _new_post(
    campaign_id: str,
    chat: ChatRef,
    audience: Audience,
    decision: Decision,
    slot: datetime,
    at: datetime,
) -> NewPost:
    state = {
        Verdict.POST: PostState.PENDING,
        Verdict.DELAY: PostState.PENDING,
        Verdict.SUPPRESS: PostState.SUPPRESSED,
    }[decision.verdict]
    return NewPost(
        campaign_id=campaign_id,
        chat=chat,
        kind=PostKind(audience.kind.value),
        slot=slot,
        skus=tuple(sorted(decision.skus)) if decision.posts else (),
        recipients=audience.members,
        state=state,
        reason="" if decision.posts else decision.reason.value,
        detail=decision.detail,
        not_before=decision.not_before,
        posted_at=at if decision.posts else None,
    )


def progress_text(report: BroadcastReport, language: str, done: bool) -> str:
    counts = report.counts
    text = t(
        "promo.progress_done" if done else "promo.progress",
        language,
        campaign=report.campaign_id,
        sent=counts.get(PostState.SENT.value, 0),
        suppressed=counts.get(PostState.SUPPRESSED.value, 0),
        failed=counts.get(PostState.FAILED.value, 0) + counts.get(PostState.MISSED.value, 0),
        delayed=counts.get("delayed", 0),
        total=report.total,
    )
    if done and report.reasons:
        reasons = ", ".join(
            f"{reason_text(reason, language)} × {n}" for reason, n in report.reasons.most_common()
        )
        text += "\n" + t("promo.suppressed_why", language, reasons=reasons)
    if done and report.fatigued:
        text += "\n" + t("promo.fatigued", language, groups=len(report.fatigued))
    return text


class _Progress:
    """One status message per broadcast, edited as it goes, to every owner."""

    def __init__(self, promotions: Promotions, report: BroadcastReport) -> None:
        self._promotions = promotions
        self.report = report  # the latest tallies, replaced as the broadcast goes
        self._message_ids: dict[ChatRef, str] = {}

    def _messages(self, done: bool) -> list[Outgoing]:
        catalog = self._promotions.catalog_holder.catalog
        language = catalog.shop.default_language
        text = progress_text(self.report, language, done)
        return [
            Outgoing(chat=chat, text=text, edit_message_id=self._message_ids.get(chat))
            for chat in owner_private_chats(self._promotions.owners)
        ]

    async def start(self) -> None:
        for message in self._messages(done=False):
            # Where messages cannot be edited (WeChat) the owner gets the final report
            # only: one message per broadcast, never a start and an end.
            if not self._promotions.delivery.can_edit(message.chat.channel):
                continue
            result = await self._promotions.delivery.send(message)
            if result.ok and result.message_ids:
                self._message_ids[message.chat] = result.message_ids[-1]

    async def update(self) -> None:
        for message in self._messages(done=False):
            if message.edit_message_id:
                await self._promotions.delivery.send(message)

    async def finish(self) -> None:
        for message in self._messages(done=True):
            await self._promotions.delivery.send(message)
