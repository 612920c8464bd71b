"""A seller's shop rehearsed through the LIVE promotions engine on a virtual clock.

Shared by the property tests (tests/promotions/test_realtime.py), the two-week seller
simulation in CI and bench/promo_realtime_bench.py. Nothing here decides anything: the
real Shop (store on SQLite, delivery with its pacing, the engine, the promotions' jobs
built by ``PromoScheduler``) does, while this module plays APScheduler and the people:

- at every moment a job would run, it runs every job due then *concurrently* (the
  campaigns' slot jobs and the 30-second due job, which meets every whole-minute slot),
  in an order drawn by the caller, a little late by a drawn jitter;
- the channel takes ``latency`` seconds of virtual time per send, so posts of one
  broadcast land at different moments and later decisions run while sends are in flight;
- people opt out, buy, and talk to the bot at given moments.

``violations`` then checks every cap on what the channel actually received, and
``agreement`` compares the live log with the preview built at the start.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Shop
from bot.catalog import Campaign
from bot.channels.base import Capabilities, IncomingHandler, MembershipHandler, RateLimits
from bot.clock import FakeClock
from bot.messages import ChatKind, ChatRef, Incoming, Outgoing, Sender
from bot.settings import Settings
from bot.store import CampaignStatus, OrderLine, OrderRequest, OutboxRow, PostState
from promotions.audiences import caps_from_catalog
from promotions.caps import TOLERANCE, CapsConfig, in_quiet_hours
from promotions.jobs import PromoScheduler
from promotions.preview import build_preview
from promotions.schedule import fire_times

REPO = Path(__file__).resolve().parents[2]
CHANNEL = "test"
OWNER = "owner"
OWNER_KEY = f"{CHANNEL}:{OWNER}"
# A send lands at most this long after the moment it was decided (the caps' windows
# allow TOLERANCE; the rehearsal's sends are far quicker than that).
MAX_LAG = timedelta(seconds=20)


@dataclass(frozen=True)
class Sent:
    at: datetime  # virtual time when the platform took it
    message: Outgoing
    message_id: str


class SlowChannel:
    """Records every message with the virtual moment it arrived; each send takes
    ``latency`` seconds on the FakeClock (other sends and decisions run meanwhile)."""

    name = CHANNEL
    rate_limits = RateLimits()

    def __init__(self, clock: FakeClock, latency: float) -> None:
        self.capabilities = Capabilities()
        self.clock = clock
        self.latency = latency
        self.sent: list[Sent] = []
        self._ids = itertools.count(1)

    async def start(self, on_incoming: IncomingHandler, on_membership: MembershipHandler) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, message: Outgoing) -> str:
        await self.clock.sleep(self.latency)
        message_id = str(next(self._ids))
        self.sent.append(Sent(self.clock.now(), message, message_id))
        return message_id

    def deep_link(self, payload: str) -> str | None:
        return None


@dataclass(frozen=True)
class Act:
    """Something a person does at a moment: ``stop`` (opts out in private), ``buy``
    (an order of ``qty`` of ``sku``), ``mention`` (talks to the bot in ``group``)."""

    at: datetime
    person: str
    kind: str
    sku: str = ""
    qty: int = 1
    group: str = ""


@dataclass
class Plan:
    start: datetime
    days: int
    groups: dict[str, list[str]]  # group id -> people seen there
    subscribers: list[str]
    campaigns: list[Campaign]
    latency: float = 0.05
    jitter: float = 0.0  # seconds a job runs after its moment
    seed: int = 0  # the order concurrent jobs start in
    acts: list[Act] = field(default_factory=list)
    owner_greets: bool = True  # the seller says hello in every group

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)


@dataclass
class Rehearsal:
    shop: Shop
    clock: FakeClock
    channel: SlowChannel
    plan: Plan
    stopped_at: dict[str, datetime] = field(default_factory=dict)  # person key -> moment

    @property
    def caps(self) -> CapsConfig:
        assert self.shop.catalog_holder is not None
        return caps_from_catalog(self.shop.catalog_holder.catalog)


def group_chat(group_id: str) -> ChatRef:
    return ChatRef(CHANNEL, group_id, ChatKind.GROUP, group_id.title())


async def open_rehearsal(folder: Path, plan: Plan) -> Rehearsal:
    """The real Shop on a SQLite file in ``folder``, with the plan's groups, people and
    campaigns (the sample catalog's own campaigns paused)."""
    clock = FakeClock(plan.start)
    settings = Settings(
        catalog_path=REPO / "catalog.yaml",
        db_path=folder / "rehearsal.db",
        owners=frozenset({OWNER_KEY}),
    )
    shop = Shop(settings, clock)
    await shop.open()
    channel = SlowChannel(clock, plan.latency)
    await shop.start_channels([channel])
    store = shop.store
    for stored in await store.campaigns.all():
        await store.campaigns.set_status(stored.id, CampaignStatus.PAUSED)
    for campaign in plan.campaigns:
        await store.campaigns.save(campaign, source="chat")
    for group_id, people in plan.groups.items():
        chat = group_chat(group_id)
        await store.chats.register(chat)
        await store.chats.set_promotions(chat.key, True)
        for person in people:  # chatting among themselves, not to the bot
            await store.chats.note_activity(chat, f"{CHANNEL}:{person}", reaction=False)
        if plan.owner_greets:
            await store.chats.note_activity(chat, OWNER_KEY, reaction=False)
    for person in plan.subscribers:
        await say(shop, person, "/subscribe")
    channel.sent.clear()
    return Rehearsal(shop, clock, channel, plan)


async def say(shop: Shop, person: str, text: str, group: str = "") -> None:
    chat = group_chat(group) if group else ChatRef(CHANNEL, person, ChatKind.PRIVATE, person)
    await shop.on_incoming(
        Incoming(chat, Sender(CHANNEL, person, person.title()), text=text, mentions_bot=bool(group))
    )


async def run(rehearsal: Rehearsal) -> None:
    """Drive the plan from its start to its end: every job at its moment, concurrently."""
    shop, clock, plan = rehearsal.shop, rehearsal.clock, rehearsal.plan
    promotions = shop.promotions
    assert promotions is not None
    jobs = PromoScheduler(promotions, AsyncIOScheduler(timezone="UTC"))
    await jobs.start()  # the real start: recover, build the jobs, catch up, watch slots
    order = random.Random(plan.seed)
    timezone = promotions.timezone
    slots: dict[datetime, list[str]] = defaultdict(list)
    for campaign in plan.campaigns:
        for slot in fire_times(campaign, timezone, plan.start, plan.end):
            slots[slot].append(campaign.id)
    acts = sorted(plan.acts, key=lambda act: act.at)
    while True:
        upcoming = [moment for moment in slots if moment > clock.now() - timedelta(seconds=1)]
        delayed = [
            row.not_before
            for row in await shop.store.outbox.rows(states=[PostState.PENDING])
            if row.posted_at is None and row.not_before is not None
        ]
        candidates = [*upcoming, *(m for m in delayed if m >= clock.now())]
        if acts:
            candidates.append(acts[0].at)
        if not candidates:
            break
        moment = min(candidates)
        if moment >= plan.end:
            break
        if acts and acts[0].at == moment and moment not in slots and moment not in delayed:
            clock.advance(max(0.0, (moment - clock.now()).total_seconds()))
            await act(rehearsal, acts.pop(0))
            continue
        clock.advance(max(0.0, (moment - clock.now()).total_seconds() + plan.jitter))
        # APScheduler runs coroutine jobs concurrently: the slot jobs of this minute and
        # the due job (every 30 s, so at every whole minute).
        runs: list[Callable[[], Awaitable[object]]] = [
            *(_fire(jobs, campaign_id) for campaign_id in slots.pop(moment, [])),
            promotions.deliver_due,
        ]
        order.shuffle(runs)
        await asyncio.gather(*(job() for job in runs))
        while acts and acts[0].at <= clock.now():
            await act(rehearsal, acts.pop(0))


def _fire(jobs: PromoScheduler, campaign_id: str) -> Callable[[], Awaitable[None]]:
    return lambda: jobs.fire(campaign_id)


async def act(rehearsal: Rehearsal, what: Act) -> None:
    shop = rehearsal.shop
    if what.kind == "stop":
        await say(shop, what.person, "别发了")
        rehearsal.stopped_at[f"{CHANNEL}:{what.person}"] = rehearsal.clock.now()
    elif what.kind == "mention":
        await say(shop, what.person, "@bot 有核桃吗", group=what.group)
    elif what.kind == "buy":
        assert shop.catalog_holder is not None
        catalog = shop.catalog_holder.catalog
        product = catalog.product(what.sku)
        assert product is not None
        line = OrderLine(
            what.sku, product.name.en, product.name.zh, catalog.price_minor(product), what.qty
        )
        await shop.store.orders.place(
            OrderRequest(
                customer_key=f"{CHANNEL}:{what.person}",
                chat=ChatRef(CHANNEL, what.person),
                lines=(line,),
                currency="CNY",
                contact_name=what.person,
                phone="13800138000",
                address="1 Road, Hangzhou",
                note="",
                language="zh",
            )
        )
    else:
        raise ValueError(what.kind)


# --- what was sent, and every cap on it -------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    """One promotional post the channel took, with the row that decided it."""

    at: datetime  # when the platform took it
    row: OutboxRow


async def delivered(rehearsal: Rehearsal) -> list[Delivered]:
    """Every promotional post the channel received, joined to its outbox row; a message
    to a group or subscriber with no sent row behind it is itself a violation."""
    rows_by_message: dict[tuple[str, str], OutboxRow] = {}
    for row in await rehearsal.shop.store.outbox.rows(states=[PostState.SENT]):
        assert row.message_id is not None
        rows_by_message[(row.chat.key, row.message_id)] = row
    result: list[Delivered] = []
    for sent in rehearsal.channel.sent:
        if sent.message.chat.key == OWNER_KEY:
            continue
        row = rows_by_message.get((sent.message.chat.key, sent.message_id))
        if row is None:
            continue  # a reply to a person (e.g. "done, no more promotions"), not a post
        result.append(Delivered(sent.at, row))
    return sorted(result, key=lambda d: d.at)


async def violations(rehearsal: Rehearsal) -> list[str]:
    """Every cap checked on what the channel actually received. Windows allow TOLERANCE
    (caps.py states it); fatigue only ever slows a group, so the plain caps must hold."""
    caps = rehearsal.caps
    posts = await delivered(rehearsal)
    zone = ZoneInfo(rehearsal.shop.promotions.timezone)  # type: ignore[union-attr]
    problems: list[str] = []
    per_chat: dict[str, list[Delivered]] = defaultdict(list)
    shop_days: dict[date, int] = defaultdict(int)
    for post in posts:
        row = post.row
        per_chat[row.chat.key].append(post)
        shop_days[post.at.astimezone(zone).date()] += 1
        if row.posted_at is None or not row.posted_at <= post.at <= row.posted_at + MAX_LAG:
            problems.append(f"{row.chat.key}: sent at {post.at}, decided at {row.posted_at}")
        if in_quiet_hours(post.at.astimezone(zone).time(), caps):
            problems.append(f"{row.chat.key}: posted in quiet hours at {post.at}")
        stopped = rehearsal.stopped_at.get(row.chat.key)
        if row.kind == "subscriber" and stopped is not None and post.at > stopped:
            problems.append(f"{row.chat.key}: posted after opting out at {stopped}")
    budget = caps.shop_daily_budget
    problems += [f"shop day {d}: {n} posts" for d, n in shop_days.items() if n > budget]
    for chat, got in per_chat.items():
        per_day: dict[date, int] = defaultdict(int)
        for post in got:
            per_day[post.at.astimezone(zone).date()] += 1
        group = got[0].row.kind == "group"
        daily = caps.group_daily if group else caps.subscriber_daily
        problems += [f"{chat} {day}: {n} posts" for day, n in per_day.items() if n > daily]
        for earlier, later in itertools.combinations(got, 2):
            apart = later.at - earlier.at
            same = set(earlier.row.skus) & set(later.row.skus)
            if same and apart < caps.product_cooldown - TOLERANCE:
                problems.append(f"{chat}: {sorted(same)} again after {apart}")
            if group and apart < caps.group_min_gap - TOLERANCE:
                problems.append(f"{chat}: two posts {apart} apart")
        if not group:
            for i, first in enumerate(got):
                week = [p for p in got[i:] if p.at - first.at < timedelta(days=7) - TOLERANCE]
                if len(week) > caps.subscriber_weekly:
                    problems.append(f"{chat}: {len(week)} posts within a week from {first.at}")
    reached: dict[str, list[Delivered]] = defaultdict(list)
    for post in posts:
        for person in post.row.recipients:
            reached[person].append(post)
    for person, got in reached.items():
        for earlier, later in itertools.combinations(got, 2):
            if earlier.row.chat.key == later.row.chat.key:
                continue
            same = set(earlier.row.skus) & set(later.row.skus)
            if same and later.at - earlier.at < caps.product_cooldown - TOLERANCE:
                problems.append(
                    f"{person}: {sorted(same)} in {earlier.row.chat.key} and "
                    f"{later.row.chat.key} {later.at - earlier.at} apart"
                )
    return problems


# --- the preview against the live log ---------------------------------------------------

Post = tuple[str, str, datetime, datetime, frozenset[str]]  # campaign, chat, slot, at, skus


async def preview_posts(rehearsal: Rehearsal) -> set[Post]:
    """What the seller's preview, built at the start from the same store, says will go
    out over the plan's days."""
    shop, plan = rehearsal.shop, rehearsal.plan
    assert shop.catalog_holder is not None
    preview, _ = await build_preview(
        shop.store, shop.catalog_holder.catalog, plan.start, plan.days, staff=shop.router.owners
    )
    return {
        (p.campaign_id, p.chat_key, p.slot, p.at, p.decision.skus)
        for p in preview.posts
        if p.decision.posts
    }


async def live_posts(rehearsal: Rehearsal) -> set[Post]:
    return {
        (d.row.campaign_id, d.row.chat.key, d.row.slot, d.row.posted_at, frozenset(d.row.skus))
        for d in await delivered(rehearsal)
        if d.row.posted_at is not None
    }


@dataclass(frozen=True)
class Agreement:
    previewed: int
    live: int
    same: int

    @property
    def exact(self) -> bool:
        return self.previewed == self.live == self.same


def agreement(previewed: set[Post], live: set[Post], until: datetime | None = None) -> Agreement:
    """How many posts the preview and the live log share (before ``until``, when the
    first person acted in a way the preview could not know)."""
    if until is not None:
        previewed = {p for p in previewed if p[3] < until}
        live = {p for p in live if p[3] < until}
    return Agreement(len(previewed), len(live), len(previewed & live))


def first_act(plan: Plan) -> datetime | None:
    return min((a.at for a in plan.acts), default=None)


def local_midnight(day: date, timezone: str = "Asia/Shanghai") -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def sku_names(campaigns: Sequence[Campaign]) -> set[str]:
    return {sku for c in campaigns for sku in c.products}
