"""Memory and opening time with a big store: many customers and orders already on file.

Generates a store with a fixed seed (never committed: it is made afresh in a temporary
folder each run), opens the Shop on it as start-up does, then serves the customers' mix
(``common.SESSION``) as the core benchmark does, to customers drawn from that population,
50 at a time. Reports the time to open the store, peak RSS, and RSS after a tenth of the
messages against RSS at the end (flat means nothing grows per message). Figures, not
assertions.

    .venv/bin/python bench/footprint_bench.py          # 10,000 customers, 100,000 orders
    .venv/bin/python bench/footprint_bench.py --full   # 100,000 / 1,000,000, 100,000 messages
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import SESSION, Figure, RoundTrips, emit, roomy_catalog
from core_bench import CHANNEL, RecordingChannel, Run, visit

from bot.app import Shop
from bot.clock import SystemClock
from bot.settings import Settings
from bot.store import OrderStatus
from bot.store.sqlite.store import Store

SEED = 14
PRODUCTS = [
    ("ROSE-MASK", "Rose hydrating mask (box of 10)", "玫瑰补水面膜（10片装）", 3990),
    ("HAND-CREAM", "Osmanthus hand cream", "桂花护手霜", 2500),
    ("KIWI-BOX", "Kiwi box", "猕猴桃", 6800),
]


async def generate(path: Path, customers: int, orders: int) -> float:
    """The store file with ``customers`` customers and ``orders`` orders; seconds taken."""
    began = time.perf_counter()
    store = await Store.open(path, SystemClock())
    await store.close()
    rng = random.Random(SEED)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            # No saved delivery details, so each visit's checkout asks for them, as the
            # session expects; English, as its messages are.
            "INSERT INTO customers (key, channel, user_id, display_name, language,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (f"{CHANNEL}:c{n}", CHANNEL, f"c{n}", f"C{n}", "en", start.isoformat(),
                 start.isoformat())
                for n in range(customers)
            ),
        )  # fmt: skip
        statuses = list(OrderStatus)

        def order_rows() -> object:
            for n in range(orders):
                who = rng.randrange(customers)
                at = (start + timedelta(minutes=n)).isoformat()
                yield (
                    n + 1, f"B{n:07d}", f"{CHANNEL}:c{who}", CHANNEL, f"c{who}",
                    rng.choice(statuses).value, 3990, "CNY", f"Customer {who}", "138",
                    "West Lake Road", rng.choice(("en", "zh")), at, at,
                )  # fmt: skip

        db.executemany(
            "INSERT INTO orders (id, number, customer_key, channel, chat_id, status,"
            " total_minor, currency, contact_name, phone, address, language, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            order_rows(),  # type: ignore[arg-type]
        )
        db.executemany(
            "INSERT INTO order_items (order_id, line, sku, name_en, name_zh, unit_price_minor,"
            " qty) VALUES (?, 1, ?, ?, ?, ?, ?)",
            ((n + 1, *rng.choice(PRODUCTS), rng.randint(1, 3)) for n in range(orders)),
        )
    db.close()
    return time.perf_counter() - began


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


async def serve(path: Path, folder: Path, customers: int, messages: int) -> list[Figure]:
    settings = Settings(
        catalog_path=roomy_catalog(folder),
        db_path=path,
        owners=frozenset({f"{CHANNEL}:owner"}),
    )
    began = time.perf_counter()
    shop = Shop(settings, SystemClock())
    await shop.open()
    channel = RecordingChannel()
    await shop.start_channels([channel])
    opened = time.perf_counter() - began
    counter = RoundTrips()
    await counter.attach(shop.store._db)
    rng = random.Random(SEED)
    run = Run()
    sessions = max(1, messages // len(SESSION))
    early: float | None = None
    started = time.perf_counter()
    # Each visitor once: a second visit's checkout offers the saved details instead.
    visitors = [f"c{n}" for n in rng.sample(range(customers), min(sessions, customers))]
    for first in range(0, len(visitors), 50):
        batch = visitors[first : first + 50]
        await asyncio.gather(*(visit(shop, channel, user, run, counter) for user in batch))
        if early is None and run.messages >= messages / 10:
            early = rss_mb()
    seconds = time.perf_counter() - started
    await shop.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    bench = "footprint"
    return [
        Figure(bench, "open the shop on the big store", "s", [opened]),
        Figure(bench, "messages/s served", "", [run.messages / seconds]),
        Figure(bench, "peak RSS", "MB", [peak]),
        Figure(bench, "RSS after a tenth of the messages", "MB", [early or 0.0]),
        Figure(bench, "RSS at the end", "MB", [rss_mb()]),
    ]


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "big.db"
        made = await generate(path, args.customers, args.orders)
        figures = await serve(path, folder, args.customers, args.messages)
    figures.insert(0, Figure("footprint", "generate the store", "s", [made]))
    figures[
        0
    ].note = f"{args.customers:,} customers, {args.orders:,} orders, {args.messages:,} messages"
    emit(figures, args.json)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=5_000)
    parser.add_argument("--full", action="store_true", help="100,000 / 1,000,000 / 100,000")
    parser.add_argument("--json", action="store_true", help="a FIGURES line for run_all")
    args = parser.parse_args()
    if args.full:
        args.customers, args.orders, args.messages = 100_000, 1_000_000, 100_000
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
