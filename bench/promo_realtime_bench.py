"""A seller's two weeks through the live promotions engine: cap violations and preview agreement.

Prints figures, never asserts them (the CI test tests/promotions/test_realtime.py asserts
the same plan). Runs the real Shop on a virtual clock (tests/promotions/realtime_shop.py):
concurrent campaigns, night posts released together at 09:00, the due job meeting every
slot, sends that take ``--latency`` seconds, overlapping members with the seller in every
group, opt-outs, purchases and a group that talks back. Each run uses another order for
the jobs of one moment (``--seeds``). Run from the repository root:

    .venv/bin/python bench/promo_realtime_bench.py
    .venv/bin/python bench/promo_realtime_bench.py --latency 0.2 --seeds 10
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "promotions"))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from realtime_shop import (  # noqa: E402  (the rehearsal lives beside the tests)
    Agreement,
    agreement,
    first_act,
    live_posts,
    open_rehearsal,
    preview_posts,
    run,
    violations,
)
from test_realtime import two_weeks  # noqa: E402


@dataclasses.dataclass(frozen=True)
class Figures:
    violations: int
    rows: int  # outbox rows: every decision's final word
    before: Agreement  # preview vs live, up to the first person acting
    whole: Agreement  # preview vs live, the whole fortnight
    seconds: float


async def one(seed: int, latency: float, quiet: bool) -> Figures:
    plan = dataclasses.replace(two_weeks(), seed=seed, latency=latency)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        rehearsal = await open_rehearsal(Path(folder), plan)
        try:
            previewed = await preview_posts(rehearsal)
            await run(rehearsal)
            problems = await violations(rehearsal)
            live = await live_posts(rehearsal)
            rows = len(await rehearsal.shop.store.outbox.rows())
        finally:
            await rehearsal.shop.close()
    if not quiet:
        for problem in problems:
            print("   ", problem)
    return Figures(
        len(problems),
        rows,
        agreement(previewed, live, first_act(plan)),
        agreement(previewed, live),
        time.perf_counter() - started,
    )


HEADER = "| seed | violations | outbox rows | preview = live before the first act | whole | s |"


def share(agreed: Agreement) -> str:
    verdict = "exact" if agreed.exact else "differs"
    return f"{agreed.same} of {max(agreed.previewed, agreed.live)} ({verdict})"


async def main(seeds: int, latency: float, quiet: bool) -> None:
    print(f"two weeks, 4 groups, 3 subscribers, 6 campaigns, {latency * 1000:.0f} ms per send")
    print(HEADER)
    print("| --- | --- | --- | --- | --- | --- |")
    for seed in range(seeds):
        f = await one(seed, latency, quiet)
        print(
            f"| {seed} | {f.violations} | {f.rows} | {share(f.before)} | {share(f.whole)}"
            f" | {f.seconds:.1f} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="orders of concurrent jobs to try")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per send")
    parser.add_argument("--quiet", action="store_true", help="do not list each violation")
    args = parser.parse_args()
    asyncio.run(main(args.seeds, args.latency, args.quiet))
