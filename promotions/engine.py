"""The promotion engine: decide a campaign slot with the caps, record it, deliver it.

Every post is first an outbox row (unique per campaign, chat and slot), then claimed,
then sent, then marked. A crash anywhere leaves rows that say what happened:
- ``pending``: not sent yet; sent after a restart if still within the grace period,
  otherwise marked ``missed``;
- ``sending``: the send may or may not have reached the platform; after a restart it is
  marked ``failed`` with ``maybe_sent`` and never sent again — a missing post is better
  than a double one;
- ``suppressed``: a cap said no, with the reason, shown to the seller.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.catalog import Campaign
from bot.clock import Clock
from bot.context import CatalogHolder
from bot.delivery import Delivery
from bot.i18n import pick_language, t
from bot.messages import ChatRef, Outgoing
from bot.owners import owner_private_chats
from bot.store import NewPost, OutboxRow, PostKind, PostState, Store
from promotions.audiences import (
    campaign_audiences,
    caps_from_catalog,
    group_caps_from_catalog,
    look_back,
    recent_posts,
)
from promotions.caps import (
    Audience,
    CapsConfig,
    Decision,
    History,
    Reason,
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


class Promotions:
    def __init__(
        self,
        store: Store,
        catalog_holder: CatalogHolder,
        delivery: Delivery,
        clock: Clock,
        owners: frozenset[str],
        deep_link: Callable[[str, str], str | None],
        caps: CapsConfig | None = None,
        group_caps: dict[str, CapsConfig] | None = None,
        grace: timedelta | None = None,
    ) -> None:
        self.store = store
        self.catalog_holder = catalog_holder
        self.delivery = delivery
        self.clock = clock
        self.owners = owners
        self.deep_link = deep_link
        # Explicit caps (tests, benches) win; otherwise they follow the catalog in force,
        # so an owner's /reload of edited caps takes effect at the next slot.
        self._caps = caps
        self._group_caps = group_caps
        minutes = catalog_holder.catalog.shop.promotion_caps.grace_minutes
        self.grace = grace if grace is not None else timedelta(minutes=minutes)

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
        return await campaign_audiences(self.store, campaign, self.timezone, now, self.group_caps)

    async def history(self, now: datetime) -> History:
        return await recent_posts(self.store, now, look_back(self.caps))

    # --- one slot -------------------------------------------------------------------

    async def run_slot(self, campaign_id: str, slot: datetime) -> BroadcastReport | None:
        """Decide and deliver one campaign slot. Safe to call twice for the same slot."""
        stored = await self.store.campaigns.get(campaign_id)
        if stored is None or stored.status.value != "active":
            return None
        campaign = stored.campaign
        audiences, chats = await self.audiences(campaign, slot)
        decisions = decide_broadcast(
            campaign.products,
            slot,
            audiences,
            await self.history(slot),
            self.caps,
            self.timezone,
        )
        await self.store.outbox.add(
            [
                _new_post(campaign.id, chats[a.chat_key], a, d, slot)
                for a, d in zip(audiences, decisions, strict=True)
            ]
        )
        report = BroadcastReport(campaign.id, slot)
        report.fatigued = {a.chat_key: a.fatigue_reason for a in audiences if a.fatigue > 1}
        await self._deliver_slot(campaign, slot, report)
        return report

    async def _deliver_slot(
        self, campaign: Campaign, slot: datetime, report: BroadcastReport
    ) -> None:
        rows = await self.store.outbox.rows(campaign_id=campaign.id, slot=slot)
        report.total = len(rows)
        progress = _Progress(self, report)
        await progress.start()
        now = self.clock.now()
        queue: asyncio.Queue[OutboxRow] = asyncio.Queue()
        for row in rows:
            queue.put_nowait(row)
        done = 0

        async def worker() -> None:
            # Several sends in flight keep the platform's allowance used while one waits
            # on the network; the rate limiter in delivery still decides when each goes.
            nonlocal done
            while not queue.empty():
                row = queue.get_nowait()
                if row.state is PostState.PENDING and row.not_before is None:
                    if now - slot > self.grace:
                        await self.store.outbox.finish(row.id, PostState.MISSED, error="past grace")
                        row = _with_state(row, PostState.MISSED)
                    else:
                        row = _with_state(row, await self._send(campaign, row))
                report.counts[row.state.value if row.not_before is None else "delayed"] += 1
                if row.state is PostState.SUPPRESSED:
                    report.reasons[row.reason] += 1
                done += 1
                if done % PROGRESS_EVERY == 0:
                    await progress.update()

        await asyncio.gather(*(worker() for _ in range(SENDERS)))
        await progress.finish()

    async def _send(self, campaign: Campaign, row: OutboxRow) -> PostState:
        if not await self.store.outbox.claim(row.id):
            return PostState.SENDING  # another sender has it
        language = await self._language_for(row)
        message = promo_post(
            self.catalog_holder.catalog,
            campaign,
            row.chat,
            row.skus,
            language,
            self.deep_link,
            private=row.kind != "group",
        )
        result = await self.delivery.send(message)
        if result.ok:
            await self.store.outbox.finish(
                row.id,
                PostState.SENT,
                message_id=result.message_ids[0] if result.message_ids else None,
            )
            return PostState.SENT
        await self.store.outbox.finish(
            row.id, PostState.FAILED, error=result.error, maybe_sent=result.outcome_unknown
        )
        return PostState.FAILED

    async def _language_for(self, row: OutboxRow) -> str:
        if row.kind == "group":
            return self.catalog_holder.catalog.shop.default_language
        customer = await self.store.customers.get(row.chat.key)
        return pick_language(
            customer.language if customer else None,
            customer.platform_language if customer else None,
            self.catalog_holder.catalog.shop.default_language,
        )

    # --- rows that are due later (delays) and recovery after a restart ---------------------

    async def deliver_due(self, now: datetime | None = None) -> int:
        """Send delayed rows whose time has come, deciding each again under the caps."""
        now = now or self.clock.now()
        sent = 0
        for row in await self.store.outbox.rows(states=[PostState.PENDING]):
            due = row.not_before or row.slot
            if due > now:
                continue
            if now - due > self.grace:
                await self.store.outbox.finish(row.id, PostState.MISSED, error="past grace")
                continue
            stored = await self.store.campaigns.get(row.campaign_id)
            if stored is None or stored.status.value != "active":
                await self.store.outbox.finish(
                    row.id, PostState.SUPPRESSED, reason="campaign_inactive"
                )
                continue
            decision = await self._decide_again(stored.campaign, row, now)
            if decision.verdict is Verdict.DELAY:
                await self.store.outbox.finish(
                    row.id,
                    PostState.PENDING,
                    reason=decision.reason.value,
                    not_before=decision.not_before,
                )
            elif decision.verdict is Verdict.SUPPRESS:
                await self.store.outbox.finish(
                    row.id,
                    PostState.SUPPRESSED,
                    reason=decision.reason.value,
                    detail=decision.detail,
                )
            else:
                await self.store.outbox.set_skus(row.id, decision.skus)
                refreshed = _with_skus(row, decision.skus)
                if await self._send(stored.campaign, refreshed) is PostState.SENT:
                    sent += 1
        return sent

    async def _decide_again(self, campaign: Campaign, row: OutboxRow, now: datetime) -> Decision:
        audiences, _ = await self.audiences(campaign, now)
        mine = [a for a in audiences if a.chat_key == row.chat.key]
        if not mine:
            return Decision(row.chat.key, Verdict.SUPPRESS, Reason.NOT_ENABLED)
        [decision] = decide_broadcast(
            campaign.products, now, mine, await self.history(now), self.caps, self.timezone
        )
        return decision

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

    async def catch_up(self, campaigns: Sequence[Campaign], now: datetime) -> None:
        """Run slots that fell due while the bot was down, within the grace period."""
        for campaign in campaigns:
            for slot in fire_times(campaign, self.timezone, now - self.grace, now):
                await self.run_slot(campaign.id, slot)


def _new_post(
    campaign_id: str, chat: ChatRef, audience: Audience, decision: Decision, slot: datetime
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
    )


def _with_state(row: OutboxRow, state: PostState) -> OutboxRow:
    return replace(row, state=state)


def _with_skus(row: OutboxRow, skus: frozenset[str]) -> OutboxRow:
    return replace(row, skus=tuple(sorted(skus)))


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
        self._report = report
        self._message_ids: dict[ChatRef, str] = {}

    def _messages(self, done: bool) -> list[Outgoing]:
        catalog = self._promotions.catalog_holder.catalog
        language = catalog.shop.default_language
        text = progress_text(self._report, language, done)
        return [
            Outgoing(chat=chat, text=text, edit_message_id=self._message_ids.get(chat))
            for chat in owner_private_chats(self._promotions.owners)
        ]

    async def start(self) -> None:
        for message in self._messages(done=False):
            result = await self._promotions.delivery.send(message)
            # Where messages cannot be edited (WeChat) the owner gets the start and the
            # summary only, never a message per update.
            editable = self._promotions.delivery.can_edit(message.chat.channel)
            if result.ok and result.message_ids and editable:
                self._message_ids[message.chat] = result.message_ids[-1]

    async def update(self) -> None:
        for message in self._messages(done=False):
            if message.edit_message_id:
                await self._promotions.delivery.send(message)

    async def finish(self) -> None:
        for message in self._messages(done=True):
            await self._promotions.delivery.send(message)
