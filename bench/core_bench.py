"""The core without a network: router, handlers, SQLite and delivery in one process.

The real Shop on a real SQLite file (WAL, every order committed) with a channel that only
records what it is handed and the platform limits lifted, on the system clock. Customers
walk through ``common.SESSION`` (greeting, a question, two free-text orders, the cart, the
whole checkout, thanks): first one customer at a time, then many at once. Reports
messages a second, p50/p99 latency of one message (from the update to the last reply
handed to the channel), and SQL statements and database round trips per message, the
latter also per step of the session in the one-at-a-time run. Figures, not assertions.

    .venv/bin/python bench/core_bench.py                     # 60 + 200 customers, 3 runs
    .venv/bin/python bench/core_bench.py --full              # 200 + 1,000 customers, 5 runs
    .venv/bin/python bench/core_bench.py --profile out.html  # pyinstrument, one run
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import SESSION, Figure, RoundTrips, emit, percentile, roomy_catalog

from bot.app import Shop
from bot.channels.base import Capabilities, RateLimits
from bot.clock import SystemClock
from bot.messages import ChatKind, ChatRef, Incoming, Outgoing, Sender
from bot.settings import Settings

CHANNEL = "bench"
# Lifted: the core is measured, not the platform's pacing.
NO_LIMITS = RateLimits(
    per_chat_interval=0.0, per_chat_burst=10**6, per_group_per_minute=10**6,
    overall_per_second=10**6,
)  # fmt: skip


class RecordingChannel:
    """Keeps the last few messages to each chat (enough to find a button)."""

    name = CHANNEL
    capabilities = Capabilities()
    rate_limits = NO_LIMITS

    def __init__(self) -> None:
        self.recent: dict[str, list[Outgoing]] = defaultdict(list)
        self.count = 0

    async def start(self, on_incoming: object, on_membership: object) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, message: Outgoing) -> str:
        self.count += 1
        recent = self.recent[message.chat.key]
        recent.append(message)
        del recent[:-8]
        return str(self.count)

    def deep_link(self, payload: str) -> str | None:
        return None

    def button(self, chat: ChatRef, label: str) -> str:
        for message in reversed(self.recent[chat.key]):
            for row in message.buttons:
                for button in row:
                    if label.lower() in button.label.lower() and button.action:
                        return button.action
        raise RuntimeError(f"no button {label!r} for {chat.key}: the session went off script")


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    messages: int = 0
    seconds: float = 0.0
    # The process's CPU (both threads: the loop and aiosqlite's): steadier than the
    # wall-clock rate on a machine others share, for comparing changes back to back.
    cpu: float = 0.0
    trips: int = 0
    statements: int = 0
    per_step_trips: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    per_step_statements: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    per_step_seconds: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))


async def visit(
    shop: Shop, channel: RecordingChannel, user: str, run: Run, counter: RoundTrips
) -> None:
    chat = ChatRef(CHANNEL, user, ChatKind.PRIVATE, user)
    sender = Sender(CHANNEL, user, user.title(), "en")
    for step, (kind, text) in enumerate(SESSION):
        if kind == "say":
            incoming = Incoming(chat=chat, sender=sender, text=text)
        else:
            incoming = Incoming(chat=chat, sender=sender, button=channel.button(chat, text))
        trips, statements = counter.trips, counter.statements
        started = time.perf_counter()
        await shop.on_incoming(incoming)
        elapsed = time.perf_counter() - started
        run.latencies.append(elapsed)
        run.per_step_seconds[step].append(elapsed)
        run.per_step_trips[step].append(counter.trips - trips)
        run.per_step_statements[step].append(counter.statements - statements)
        run.messages += 1
    # What the channel kept to find buttons is the bench's, not the shop's memory.
    channel.recent.pop(chat.key, None)


async def one_run(customers: int, at_once: int, tag: str) -> Run:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            catalog_path=roomy_catalog(Path(folder)),
            db_path=Path(folder) / "core.db",
            owners=frozenset({f"{CHANNEL}:owner"}),
        )
        shop = Shop(settings, SystemClock())
        await shop.open()
        channel = RecordingChannel()
        await shop.start_channels([channel])
        counter = RoundTrips()
        await counter.attach(shop.store._db)
        run = Run()
        users = [f"{tag}{n}" for n in range(customers)]
        started, cpu = time.perf_counter(), time.process_time()
        if at_once <= 1:
            for user in users:
                await visit(shop, channel, user, run, counter)
        else:
            for first in range(0, customers, at_once):
                batch = users[first : first + at_once]
                await asyncio.gather(*(visit(shop, channel, u, run, counter) for u in batch))
        run.seconds = time.perf_counter() - started
        run.cpu = time.process_time() - cpu
        run.trips, run.statements = counter.trips, counter.statements
        orders = await shop.store._db.execute_fetchall("SELECT count(*) FROM orders")
        placed = int(next(iter(orders))[0])
        await shop.close()
    if placed != customers:
        raise RuntimeError(f"{placed} orders placed for {customers} customers: off script")
    return run


def figures(kind: str, runs: list[Run], customers: int) -> list[Figure]:
    bench = f"core, {kind}"
    note = f"{customers} customers x {len(SESSION)} messages"
    return [
        Figure(bench, "messages/s", "", [r.messages / r.seconds for r in runs], note),
        Figure(bench, "p50 latency", "ms", [percentile(r.latencies, 0.5) * 1e3 for r in runs]),
        Figure(bench, "p99 latency", "ms", [percentile(r.latencies, 0.99) * 1e3 for r in runs]),
        Figure(bench, "CPU per message", "ms", [r.cpu / r.messages * 1e3 for r in runs]),
        Figure(bench, "DB round trips/message", "", [r.trips / r.messages for r in runs]),
        Figure(bench, "SQL statements/message", "", [r.statements / r.messages for r in runs]),
    ]


def per_step(runs: list[Run]) -> str:
    lines = [
        "| step | message | round trips | SQL statements | p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    run = runs[0]
    for step, (kind, text) in enumerate(SESSION):
        trips = statistics.median(run.per_step_trips[step])
        statements = statistics.median(run.per_step_statements[step])
        shown = text if kind == "say" else f"[{text}]"
        seconds = run.per_step_seconds[step]
        lines.append(
            f"| {step + 1} | {shown} | {trips:g} | {statements:g} |"
            f" {percentile(seconds, 0.5) * 1e3:.2f} | {percentile(seconds, 0.99) * 1e3:.2f} |"
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    sequential = [await one_run(args.customers, 1, f"s{i}-") for i in range(args.runs)]
    concurrent = [await one_run(args.at_once, args.at_once, f"c{i}-") for i in range(args.runs)]
    print("Per step of the session (one customer at a time, median over customers):")
    print(per_step(sequential))
    print()
    emit(
        figures("one at a time", sequential, args.customers)
        + figures(f"{args.at_once} at once", concurrent, args.at_once),
        args.json,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=60, help="one at a time")
    parser.add_argument("--at-once", type=int, default=200, help="customers side by side")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="200 + 1,000 customers, 5 runs")
    parser.add_argument("--profile", metavar="HTML", help="pyinstrument one run to this file")
    parser.add_argument("--json", action="store_true", help="a FIGURES line for run_all")
    args = parser.parse_args()
    if args.full:
        args.customers, args.at_once, args.runs = 200, 1000, 5
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="enabled")
        with profiler:
            asyncio.run(one_run(args.customers, 1, "p-"))
            asyncio.run(one_run(args.at_once, args.at_once, "q-"))
        Path(args.profile).write_text(profiler.output_html(), encoding="utf-8")
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
