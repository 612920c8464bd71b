"""What the benchmarks share: figures with median, min and max; the machine; the
customer session they all drive; a catalog with stock enough for any run; and a count of
database round trips.

Benchmarks print figures and never pass or fail on a time. A script run by
``bench/run_all.py`` with ``--json`` prints one JSON line of figures last, which the
runner gathers into one table.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CATALOG = REPO / "catalog.yaml"


@dataclass
class Figure:
    """One measured quantity over several runs: the table shows median, min and max."""

    bench: str
    name: str
    unit: str
    samples: list[float]
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def emit(figures: Sequence[Figure], as_json: bool) -> None:
    """Print the figures (and, for the runner, one JSON line of them last)."""
    print(table(figures))
    if as_json:
        print("FIGURES " + json.dumps([asdict(f) for f in figures]))


def fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(figures: Sequence[Figure]) -> str:
    lines = [
        "| benchmark | figure | median | min | max | runs | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        unit = f" {f.unit}" if f.unit else ""
        lines.append(
            f"| {f.bench} | {f.name} | {fmt(f.median)}{unit} | {fmt(min(f.samples))} |"
            f" {fmt(max(f.samples))} | {len(f.samples)} | {f.note} |"
        )
    return "\n".join(lines)


def machine() -> str:
    """Cores, memory, CPU and Python: the line every dated section starts with."""
    cores = os.cpu_count() or 0
    memory = "?"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    python = platform.python_version()
    return f"{cores} cores ({cpu}), {memory}, Python {python}, {platform.system()}"


def roomy_catalog(folder: Path) -> Path:
    """The sample catalog with stock no run can sell out (a sold-out product would turn
    later orders into a different, shorter conversation)."""
    data: dict[str, Any] = yaml.safe_load(SAMPLE_CATALOG.read_text(encoding="utf-8"))
    for product in data["products"]:
        if "stock" in product:
            product["stock"] = 10**9
    path = folder / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# A customer's visit, the realistic mix every end-to-end and core figure uses: greeting,
# a question, free-text orders, the cart, the whole checkout, thanks. ("say", text) is a
# message; ("press", label) presses the latest button whose label contains it.
SESSION: tuple[tuple[str, str], ...] = (
    ("say", "/start"),
    ("say", "hi"),
    ("say", "how much is shipping?"),
    ("say", "2 rose masks"),
    ("say", "1 hand cream"),
    ("say", "/cart"),
    ("press", "Check out"),
    ("say", "Ann Lee"),
    ("say", "138 0013 8000"),
    ("say", "12 West Lake Road, Hangzhou"),
    ("press", "No note"),
    ("press", "Confirm order"),
    ("say", "thanks!"),
)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class RoundTrips:
    """Counts hops to the aiosqlite connection's thread and the SQL statements SQLite ran.

    Every aiosqlite call (execute, execute_fetchall, executemany, a cursor's fetch...)
    goes through ``Connection._execute``, one hop to the database thread and back: that
    is a round trip. Statements are counted by SQLite's own trace callback.
    """

    def __init__(self) -> None:
        self.trips = 0
        self.statements = 0

    async def attach(self, connection: Any) -> None:
        original = connection._execute

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.trips += 1
            return await original(fn, *args, **kwargs)

        await connection.set_trace_callback(self._trace)
        self.trips = 0  # the hop that set the callback is not the shop's
        connection._execute = counted

    def _trace(self, _sql: str) -> None:
        self.statements += 1


def json_flag() -> bool:
    return "--json" in sys.argv
