"""Live delivery of one promotion slot to many groups, against the fake Bot API server.

The real python-telegram-bot channel sends over HTTP on 127.0.0.1 to the fake server in
tests/integration/fake_bot_api.py; delivery paces on the real clock. Prints the achieved
rate against Telegram's overall limit (30 messages a second), the worst 1-second and
per-group windows seen by the server, and peak memory (tracemalloc is left off: it would
slow the very thing measured). Figures, not assertions.

    .venv/bin/python bench/delivery_bench.py --groups 2000
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO))

from fake_bot_api import FakeBotApi  # noqa: E402  (the test double lives in tests/)

from bot.app import Shop  # noqa: E402
from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.messages import ChatKind, ChatRef  # noqa: E402
from bot.settings import Settings  # noqa: E402

# Tuesday 10:30 in Shanghai: a winter-masks slot, outside quiet hours.
SLOT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


class DaytimeClock(SystemClock):
    """Real seconds for pacing, but the calendar of the campaign slot for the caps."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


def worst_window(times: list[float], window: float) -> int:
    worst, left = 0, 0
    for right, moment in enumerate(times):
        while times[left] <= moment - window:
            left += 1
        worst = max(worst, right - left + 1)
    return worst


async def run(groups: int) -> None:
    clock = DaytimeClock(SLOT)
    with tempfile.TemporaryDirectory() as folder:
        async with FakeBotApi(username="bench_shop_bot", clock=clock) as fake:
            settings = Settings(
                catalog_path=REPO / "catalog.yaml",
                db_path=Path(folder) / "bench.db",
                owners=frozenset({"telegram:9001"}),
                telegram_token=fake.token,
                telegram_api_url=fake.url,
            )
            shop = Shop(settings, clock)
            await shop.open()
            try:
                for n in range(groups):
                    chat = ChatRef("telegram", str(-1000000000000 - n), ChatKind.GROUP, f"G{n}")
                    await shop.store.chats.register(chat)
                    await shop.store.chats.set_promotions(chat.key, True)
                # The shop-wide daily budget (200 by default) would hold back the rest:
                # the bench measures sending, so it lifts that one cap.
                shop.promotions.caps = replace(shop.promotions.caps, shop_daily_budget=10**6)
                channel = TelegramChannel.from_settings(settings, clock)
                await shop.start_channels([channel])
                started = time.monotonic()
                report = await shop.promotions.run_slot("winter-masks", clock.now())
                elapsed = time.monotonic() - started
            finally:
                await shop.close()
            sends = [c for c in fake.calls if c.method in ("sendMessage", "sendPhoto") and c.ok]
            group_sends = [c for c in sends if int(c.params["chat_id"]) < 0]
            all_times = sorted(c.real for c in fake.calls if c.method.startswith("send"))
    per_group: dict[int, list[float]] = {}
    for call in group_sends:
        per_group.setdefault(int(call.params["chat_id"]), []).append(call.real)
    span = group_sends[-1].real - group_sends[0].real if len(group_sends) > 1 else 0.0
    rate = (len(group_sends) - 1) / span if span else 0.0
    print(f"groups: {groups}")
    print(f"posts sent: {len(group_sends)} (report: {dict(report.counts) if report else None})")
    print(f"broadcast time: {elapsed:.1f} s (sending span {span:.1f} s)")
    print(f"achieved rate: {rate:.2f} msg/s = {rate / 30 * 100:.1f}% of Telegram's 30/s")
    print(f"worst 1-second window, all send requests: {worst_window(all_times, 1.0)} (limit 30)")
    print(f"most posts to one group: {max(len(v) for v in per_group.values())} (limit 20/min)")
    print(f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(run(args.groups))


if __name__ == "__main__":
    main()
