"""Follow-ups at scale (issue 12): the due list, ``chatshop stats`` and importing 100,000
CSV rows, over a generated shop (fixed seed, in a temporary folder, never committed).

Default: 10,000 customers and 100,000 orders; ``--full``: 100,000 and 1,000,000. Targets
(issue 12, this 2-core machine): due list < 2 s, stats < 5 s, import of 100k rows < 30 s.
The due list's peak memory is taken in a fresh process over the same file (the generated
rows would otherwise be this process's peak).

    .venv/bin/python bench/followups_bench.py [--full] [--json]
"""

from __future__ import annotations

import asyncio
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SAMPLE_CATALOG, Figure, emit, json_flag, machine
from bot.catalog import load_catalog
from bot.clock import FakeClock
from bot.store import ImportedOrder, Store
from followups.cli import import_report
from followups.history import due_customers
from followups.report import load_stats

SEED = 12
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
IMPORT_ROWS = 100_000
CHUNK = 50_000


def generated(customers: int, orders: int, rng: random.Random) -> list[ImportedOrder]:
    """Repeat buyers: each customer keeps to a few products at their own rhythm."""
    catalog = load_catalog(SAMPLE_CATALOG)
    products = catalog.products
    rows = []
    for n in range(orders):
        who = rng.randrange(customers)
        product = products[(who + rng.randrange(3)) % len(products)]
        at = NOW - timedelta(days=rng.randrange(1, 540), hours=rng.randrange(24))
        rows.append(
            ImportedOrder(
                f"gen-{n}",
                f"import:1380000{who:07d}",
                f"Customer {who}",
                f"1380000{who:07d}",
                at,
                product.sku,
                product.name.en,
                product.name.zh,
                1 + rng.randrange(3),
                catalog.price_minor(product),
                "CNY",
                "zh",
            )
        )
    return rows


def csv_file(path: Path, rows: int, customers: int, rng: random.Random) -> None:
    names = ["ROSE-MASK", "玫瑰补水面膜（10片装）", "longjing", "桂花护手霜", "SILK-MASK"]
    lines = ["date,customer,contact,product,quantity,unit_price"]
    for _ in range(rows):
        who = rng.randrange(customers)
        day = TODAY - timedelta(days=rng.randrange(1, 720))
        price = rng.choice(["", "35.00"])
        lines.append(
            f"{day.isoformat()},客户{who},139{who:08d},{rng.choice(names)},"
            f"{1 + rng.randrange(3)},{price}"
        )
    path.write_bytes("\n".join(lines).encode("gb18030"))


async def bench(customers: int, orders: int) -> list[Figure]:
    rng = random.Random(SEED)
    catalog = load_catalog(SAMPLE_CATALOG)
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "shop.db"
        clock = FakeClock(NOW)
        store = await Store.open(db, clock)
        started = time.perf_counter()
        rows = generated(customers, orders, rng)
        for start in range(0, len(rows), CHUNK):
            await store.records.import_orders(rows[start : start + CHUNK])
        generate_s = time.perf_counter() - started
        del rows
        size = f"{customers:,} customers, {orders:,} orders"
        due_s, stats_s = [], []
        for _ in range(3):
            started = time.perf_counter()
            found = await due_customers(store, catalog, TODAY)
            due_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            await load_stats(store, catalog, NOW, 6)
            stats_s.append(time.perf_counter() - started)
        await store.close()
        figures.append(Figure("followups", "due list", "s", due_s, f"{size}; {len(found)} due"))
        figures.append(Figure("followups", "stats (6 months)", "s", stats_s, size))
        peak, before = await asyncio.to_thread(due_rss_in_a_fresh_process, db)
        figures.append(
            Figure(
                "followups",
                "due list peak RSS",
                "MiB",
                [peak],
                f"fresh process; {before:.0f} MiB before the call",
            )
        )
        sheet = Path(folder) / "history.csv"
        csv_file(sheet, IMPORT_ROWS, customers, rng)
        started = time.perf_counter()
        report, status = await import_report(catalog, db, clock, sheet, skip_bad=False)
        import_s = time.perf_counter() - started
        assert status == 0, report
        figures.append(
            Figure(
                "followups",
                f"import {IMPORT_ROWS:,} CSV rows (GB18030)",
                "s",
                [import_s],
                f"into {size}; generating them took {generate_s:.1f} s",
            )
        )
    return figures


def due_rss_in_a_fresh_process(db: Path) -> tuple[float, float]:
    measured = subprocess.run(
        [sys.executable, __file__, "--due-rss", str(db)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(measured[0]), float(measured[1])


def rss_now() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()


def peak_rss() -> int:
    """This address space's peak (VmHWM). Not getrusage's ru_maxrss: that survives exec,
    so a child started from the bench would report the bench's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


async def due_rss(db: Path) -> tuple[float, float]:
    """(peak RSS, RSS just before the call) in MiB of this process running the due list."""
    catalog = load_catalog(SAMPLE_CATALOG)
    store = await Store.open(db, FakeClock(NOW))
    before = rss_now()
    await due_customers(store, catalog, TODAY)
    await store.close()
    return peak_rss() / 2**20, before / 2**20


def main() -> None:
    if "--due-rss" in sys.argv:
        peak, before = asyncio.run(due_rss(Path(sys.argv[sys.argv.index("--due-rss") + 1])))
        print(f"{peak:.1f} {before:.1f}")
        return
    full = "--full" in sys.argv
    customers, orders = (100_000, 1_000_000) if full else (10_000, 100_000)
    figures = asyncio.run(bench(customers, orders))
    if not json_flag():
        print(machine())
    emit(figures, json_flag())


if __name__ == "__main__":
    main()
