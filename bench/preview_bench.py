"""How the promotions preview scales: simulate + render for a large shop network.

Prints figures, never asserts them (timings belong in bench/RESULTS.md, not in tests).
Builds a network of groups drawn from one population of people (neighbouring groups share
members, as real group chats of one seller do), campaigns with varied schedules, runs
``promotions.simulate.simulate`` over the period and renders the result in both languages.

Each scale runs in a fresh process, so its ``ru_maxrss`` is its own; the parent prints
one table. Run from the repository root:

    .venv/bin/python bench/preview_bench.py                      # 10,000 groups, 100 x 30
    .venv/bin/python bench/preview_bench.py --groups 1000 --campaigns 10 --days 7

Memory: ``ru_maxrss`` of each plain run (the real footprint, the network included), and
with ``--tracemalloc`` a second run of each scale for tracemalloc's peak over simulate +
render (what Python allocated beyond the network it was given). tracemalloc makes this
allocation-heavy loop about six times slower, so it is off by default and the timings
always come from the plain runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.catalog import WEEKDAYS, Campaign, Schedule
from bot.channels.base import RateLimits
from promotions.caps import Audience, AudienceKind, CapsConfig
from promotions.render import render
from promotions.simulate import simulate

SHOP_ZONE = "Asia/Shanghai"
# Most groups live where the shop does; some are abroad, where quiet hours fall elsewhere.
ZONES = [SHOP_ZONE] * 14 + ["Asia/Singapore"] * 3 + ["Europe/London", "America/Los_Angeles"]
START = datetime(2026, 11, 23, tzinfo=UTC)  # a Monday


@dataclass
class Network:
    campaigns: list[Campaign]
    groups: list[Audience]
    subscribers: list[Audience]

    def audiences(self, campaign: Campaign) -> list[Audience]:
        if campaign.target == "subscribers":
            return self.subscribers
        if campaign.target == "groups":
            named = set(campaign.groups)
            return [g for g in self.groups if g.chat_key in named]
        return self.groups


def build(groups: int, campaigns: int, people: int, subscribers: int, seed: int) -> Network:
    """A network of ``groups`` groups of 20-300 members out of ``people`` people.

    Each group draws its members around a random centre of the population, so nearby
    groups overlap heavily and a person sits in about eight groups on average.
    """
    rng = random.Random(seed)
    names = [f"u{i}" for i in range(people)]
    spread = max(people // 60, 50)
    built: list[Audience] = []
    for index in range(groups):
        size = int(rng.triangular(20, 300, 60))
        centre = rng.randrange(people)
        members = frozenset(names[int(centre + rng.gauss(0, spread)) % people] for _ in range(size))
        roll = rng.random()
        built.append(
            Audience(
                chat_key=f"tg:-100{index:07d}",
                kind=AudienceKind.GROUP,
                timezone=rng.choice(ZONES),
                members=members,
                enabled=roll > 0.05,
                reachable=not 0.05 < roll < 0.06,
                fatigue=2.0 if 0.1 < roll < 0.2 else 1.0,
                fatigue_reason="no_reaction:4" if 0.1 < roll < 0.2 else "",
                caps=CapsConfig(group_daily=1) if 0.2 < roll < 0.22 else None,
                title=f"Group {index}",
            )
        )
    subs = [
        Audience(
            chat_key=f"tg:{person}",
            kind=AudienceKind.SUBSCRIBER,
            timezone=SHOP_ZONE,
            members=frozenset({person}),
            enabled=rng.random() > 0.1,
        )
        for person in rng.sample(names, min(subscribers, people))
    ]
    skus = [f"SKU-{n:02d}" for n in range(40)]
    plans: list[Campaign] = []
    for index in range(campaigns):
        # Like the sample catalog: most campaigns post once or twice on a few weekdays,
        # some weekly by cron, a few every day; one slot in ten falls in quiet hours.
        roll = rng.random()
        if roll < 0.2:
            day = rng.choice(WEEKDAYS)
            schedule = Schedule(cron=f"{rng.choice([0, 30])} {rng.randint(9, 20)} * * {day}")
        else:
            count = 2 if rng.random() < 0.2 else 1
            quarters = [rng.randint(8 * 4, 20 * 4) for _ in range(count)]
            quarters = [q if rng.random() > 0.1 else rng.randint(21 * 4, 23 * 4) for q in quarters]
            times = sorted({f"{q // 4:02d}:{q % 4 * 15:02d}" for q in quarters})
            days = list(WEEKDAYS) if roll > 0.9 else rng.sample(WEEKDAYS, rng.randint(1, 3))
            schedule = Schedule(times=times, weekdays=days)
        aim = rng.random()
        target = "all_groups" if aim < 0.6 else "groups" if aim < 0.9 else "subscribers"
        named = (
            [g.chat_key for g in rng.sample(built, max(1, groups // 10))]
            if target == "groups"
            else []
        )
        plans.append(
            Campaign(
                id=f"promo-{index:03d}",
                products=rng.sample(skus, rng.choice([1, 1, 2, 3])),
                schedule=schedule,
                target=target,
                groups=named,
            )
        )
    return Network(plans, built, subs)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run_one(args: argparse.Namespace, traced: bool) -> dict[str, Any]:
    """One scale, in this process: build, simulate, render; return the figures."""
    began = time.perf_counter()
    network = build(args.groups, args.campaigns, args.people, args.subscribers, args.seed)
    built = time.perf_counter() - began
    caps = CapsConfig(shop_daily_budget=args.budget)
    gc.collect()
    rss_before = maxrss_mb()
    if traced:
        tracemalloc.start()
    began = time.perf_counter()
    preview = simulate(
        network.campaigns,
        network.audiences,
        [],
        caps,
        SHOP_ZONE,
        START,
        args.days,
        RateLimits(),
    )
    simulated = time.perf_counter() - began
    began = time.perf_counter()
    english = render(preview, "en")
    chinese = render(preview, "zh")
    rendered = (time.perf_counter() - began) / 2
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
    if traced:
        tracemalloc.stop()
    figures: dict[str, Any] = {
        "groups": args.groups,
        "campaigns": args.campaigns,
        "days": args.days,
        "memberships": sum(len(g.members) for g in network.groups),
        "build_s": built,
        "simulate_s": simulated,
        "render_s": rendered,
        "decisions": preview.decisions,
        "entries": len(preview.posts),
        "posted": preview.posted,
        "delayed": preview.delayed,
        "suppressed": preview.suppressed,
        "waiting": preview.waiting,
        "broadcasts": len(preview.broadcasts),
        "render_lines": english.count("\n") + 1,
        "render_chars": len(english) + len(chinese),
        "rss_before_mb": rss_before,
        "maxrss_mb": maxrss_mb(),
        "tracemalloc_peak_mb": peak,
        "by_reason": {r.value: n for r, n in preview.by_reason.items()},
    }
    if args.show:
        print(english[: args.show])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--subscribers", type=int, default=2_000)
    parser.add_argument(
        "--budget",
        type=int,
        default=50_000,
        help="shop posts a day; high by default so the per-group caps do the work",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--scales",
        default="",
        help="group counts to run, comma separated (default: 1000,5000,--groups)",
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also run each scale traced (slow)"
    )
    parser.add_argument("--show", type=int, default=0, help="print this many chars of render")
    parser.add_argument("--single", choices=["plain", "traced"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.single:
        print(json.dumps(run_one(args, traced=args.single == "traced")))
        return

    scales = (
        [int(s) for s in args.scales.split(",") if s]
        if args.scales
        else sorted({n for n in (1_000, 5_000, args.groups) if n <= args.groups})
    )
    print(
        f"preview bench: {args.campaigns} campaigns x {args.days} days, {args.people:,} people,"
        f" {args.subscribers:,} subscribers, shop budget {args.budget:,}/day, seed {args.seed}"
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {_cpu_model()}")
    header = (
        f"{'groups':>7} {'members':>9} {'decisions':>11} {'entries':>11} {'posted':>8}"
        f" {'simulate':>9} {'dec/s':>9} {'render':>7} {'maxrss':>8} {'KB/group':>8}"
        f" {'traced':>8} {'B/entry':>8}"
    )
    print(header)
    results = []
    for groups in scales:
        figures = _child(args, groups, "plain")
        if args.tracemalloc:
            figures["tracemalloc_peak_mb"] = _child(args, groups, "traced")["tracemalloc_peak_mb"]
        results.append(figures)
        traced = figures["tracemalloc_peak_mb"]
        grown = figures["maxrss_mb"] - figures["rss_before_mb"]  # simulate + render
        per_entry = traced * 2**20 / figures["entries"] if traced and figures["entries"] else 0
        print(
            f"{groups:>7,} {figures['memberships']:>9,} {figures['decisions']:>11,}"
            f" {figures['entries']:>11,} {figures['posted']:>8,}"
            f" {figures['simulate_s']:>8.1f}s"
            f" {figures['decisions'] / figures['simulate_s']:>9,.0f}"
            f" {figures['render_s']:>6.2f}s {figures['maxrss_mb']:>6,.0f}MB"
            f" {grown * 1024 / groups:>8.1f}"
            + (f" {traced:>6,.0f}MB {per_entry:>8.1f}" if traced else f" {'-':>8} {'-':>8}"),
            flush=True,
        )
    last = results[-1]
    print(
        f"\nat {last['groups']:,} groups: build {last['build_s']:.1f}s,"
        f" {last['posted']:,} posted ({last['delayed']:,} after a delay),"
        f" {last['suppressed']:,} suppressed, {last['waiting']:,} still waiting,"
        f" {last['broadcasts']:,} broadcasts, render {last['render_lines']:,} lines"
    )
    reasons = sorted(last["by_reason"].items(), key=lambda rc: -rc[1])
    print("final reasons: " + ", ".join(f"{r} {n:,}" for r, n in reasons))


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _child(args: argparse.Namespace, groups: int, mode: str) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--single",
        mode,
        "--groups",
        str(groups),
        "--campaigns",
        str(args.campaigns),
        "--days",
        str(args.days),
        "--people",
        str(args.people),
        "--subscribers",
        str(args.subscribers),
        "--budget",
        str(args.budget),
        "--seed",
        str(args.seed),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


if __name__ == "__main__":
    main()
