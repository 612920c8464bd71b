"""Every benchmark on this machine, one table, and a dated section in bench/RESULTS.md.

``make bench`` runs this. Each benchmark runs as a fresh process several times (so each
run's peak memory is its own); every figure is the median of those runs with the min and
max beside it. Nothing passes or fails on a time: the figures are printed and recorded.
The defaults keep a whole run under ten minutes on a 2-core machine (the preview runs at
the issue's 10,000 groups, and the footprint at 100,000 customers and 1,000,000 orders,
once each); ``--full`` runs the sizes the issue names (2,000 groups
in live delivery, ...).

    .venv/bin/python bench/run_all.py                 # the default sizes, 3 runs each
    .venv/bin/python bench/run_all.py --full          # the full sizes (much longer)
    .venv/bin/python bench/run_all.py --only core,nlu --runs 1 --no-record
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, Figure, machine, table

BENCH = REPO / "bench"
RESULTS = BENCH / "RESULTS.md"

Parsed = list[tuple[str, str, float, str]]  # (bench, figure, value, unit) of one run
# What each benchmark's figures were measured on, as the scripts print it.
NOTES: dict[str, str] = {}


def figures_line(out: str) -> Parsed:
    """The FIGURES line a script written for this runner prints last."""
    for line in reversed(out.splitlines()):
        if line.startswith("FIGURES "):
            found = json.loads(line.removeprefix("FIGURES "))
            NOTES.update({f["bench"]: f["note"] for f in found if f["note"]})
            return [(f["bench"], f["name"], f["samples"][0], f["unit"]) for f in found]
    raise ValueError("no FIGURES line")


def preview(out: str) -> Parsed:
    data = json.loads(out.strip().splitlines()[-1])
    scale = f"preview {data['groups']:,} groups x {data['campaigns']} x {data['days']} d"
    return [
        (scale, "simulate", data["simulate_s"], "s"),
        (scale, "decisions/s", data["decisions"] / data["simulate_s"], ""),
        (scale, "render (one language)", data["render_s"], "s"),
        (scale, "max RSS", data["maxrss_mb"], "MB"),
    ]


def delivery(out: str) -> Parsed:
    groups = re.search(r"groups: (\d+)", out)
    rate = re.search(r"achieved rate: ([\d.]+) msg/s = ([\d.]+)%", out)
    worst = re.search(r"worst 1-second window, all send requests: (\d+)", out)
    rss = re.search(r"max RSS: ([\d.]+) MB", out)
    assert groups and rate and worst and rss, out
    name = f"live delivery to {int(groups[1]):,} groups"
    return [
        (name, "achieved rate", float(rate[1]), "msg/s"),
        (name, "% of the allowed 30/s", float(rate[2]), "%"),
        (name, "worst 1-s window (limit 30)", float(worst[1]), ""),
        (name, "max RSS", float(rss[1]), "MB"),
    ]


def nlu(out: str) -> Parsed:
    accuracy = re.search(r"accuracy \(main intent and its cart entities\): ([\d.]+)%", out)
    wrong = re.search(r"wrong cart changes: (\d+)", out)
    speed = re.search(
        r"read: ([\d,]+) messages/s; per message median ([\d.]+) ms, p99 ([\d.]+)", out
    )
    assert accuracy and wrong and speed, out
    return [
        ("understanding messages", "accuracy", float(accuracy[1]), "%"),
        ("understanding messages", "wrong cart changes", float(wrong[1]), ""),
        ("understanding messages", "reads/s", float(speed[1].replace(",", "")), ""),
        ("understanding messages", "median read", float(speed[2]), "ms"),
        ("understanding messages", "p99 read", float(speed[3]), "ms"),
    ]


def realtime(out: str) -> Parsed:
    rows = [line.split("|")[1:-1] for line in out.splitlines() if re.match(r"\| \d+ \|", line)]
    assert rows, out
    violations = sum(int(row[1]) for row in rows)
    seconds = max(float(row[5]) for row in rows)
    name = "promotions in real time (two weeks)"
    return [(name, "cap violations", violations, ""), (name, "slowest seed", seconds, "s")]


@dataclass(frozen=True)
class Bench:
    key: str
    argv: list[str]
    full: list[str]
    parse: Callable[[str], Parsed]
    most: int = 0  # at most this many runs (0: as many as asked), to keep to the budget


BENCHES = [
    Bench("core", ["core_bench.py", "--runs", "1", "--json"],
          ["core_bench.py", "--runs", "1", "--json", "--customers", "200", "--at-once", "1000"],
          figures_line),
    Bench("telegram", ["telegram_bench.py", "--json"], ["telegram_bench.py", "--json", "--full"],
          figures_line),
    # Memory at the size (100,000 customers, 1,000,000 orders, 100,000 messages),
    # once: about two minutes on 2 cores.
    Bench("footprint", ["footprint_bench.py", "--json", "--full"],
          ["footprint_bench.py", "--json", "--full"], figures_line, most=1),
    Bench("nlu", ["nlu_bench.py", "--repeat", "5"], ["nlu_bench.py"], nlu),
    # The size by default, run once: about a minute and a half on 2 cores.
    Bench("preview",
          ["preview_bench.py", "--single", "plain", "--groups", "10000"],
          ["preview_bench.py", "--single", "plain", "--groups", "10000"], preview, most=1),
    Bench("delivery", ["delivery_bench.py", "--groups", "300"],
          ["delivery_bench.py", "--groups", "2000"], delivery),
    Bench("realtime", ["promo_realtime_bench.py", "--seeds", "1", "--quiet"],
          ["promo_realtime_bench.py", "--seeds", "5", "--quiet"], realtime),
]  # fmt: skip


def run(bench: Bench, full: bool, runs: int) -> tuple[list[Figure], float]:
    merged: dict[tuple[str, str], Figure] = {}
    began = time.monotonic()
    runs = min(runs, bench.most) if bench.most else runs
    for number in range(runs):
        argv = [sys.executable, str(BENCH / (bench.full if full else bench.argv)[0])]
        argv += (bench.full if full else bench.argv)[1:]
        done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-4000:], file=sys.stderr)
            raise SystemExit(f"{bench.key} failed (run {number + 1}): {' '.join(argv)}")
        for name, figure, value, unit in bench.parse(done.stdout):
            found = Figure(name, figure, unit, [], NOTES.pop(name, ""))
            merged.setdefault((name, figure), found).samples.append(float(value))
        print(f"  {bench.key}: run {number + 1} of {runs} done", file=sys.stderr)
    return list(merged.values()), time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each benchmark")
    parser.add_argument("--full", action="store_true", help="the full sizes (much longer)")
    parser.add_argument("--only", help="comma-separated: " + ",".join(b.key for b in BENCHES))
    parser.add_argument("--no-record", action="store_true", help="do not append RESULTS.md")
    args = parser.parse_args()
    chosen = [b for b in BENCHES if not args.only or b.key in args.only.split(",")]
    began = time.monotonic()
    figures: list[Figure] = []
    spent: list[str] = []
    for bench in chosen:
        print(f"{bench.key}...", file=sys.stderr)
        found, seconds = run(bench, args.full, args.runs)
        figures += found
        spent.append(f"{bench.key} {seconds:.0f} s")
    total = time.monotonic() - began
    size = "full sizes" if args.full else "default sizes"
    header = (
        f"Machine: {machine()}. {args.runs} runs of each benchmark ({size}); median, min and"
        f" max of the runs. Whole run {total / 60:.1f} min ({', '.join(spent)})."
    )
    print(header)
    print(table(figures))
    if not args.no_record:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with RESULTS.open("a", encoding="utf-8") as results:
            results.write(f"\n## `make bench`, {stamp}\n\n{header}\n\n{table(figures)}\n")
        print(f"appended to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
