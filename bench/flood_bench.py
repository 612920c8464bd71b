"""One customer floods the bot; how long do the others wait for their answers?

The real python-telegram-bot channel long-polls the fake Bot API server (tests/) on
127.0.0.1 and the real shop answers. One person's ``--flood`` messages are queued at
once; meanwhile ``--others`` customers each send ``--each`` messages one after another
(the next once the last is answered). Prints the others' answer times (real seconds,
from the message queued to the answer reaching the server) and how long the flood took.
Delivery's per-chat pacing runs on a virtual clock, or the flood alone would take 1,000
seconds at Telegram's one message a second per chat. ``--old-admission`` puts back PTB's
own admission (the global slot taken before the per-person turn) to compare.

    .venv/bin/python bench/flood_bench.py --flood 1000 --others 50 --each 5
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO))

from fake_bot_api import FakeBotApi, FakeUser  # noqa: E402  (the test double lives in tests/)

import bot.channels.telegram as telegram  # noqa: E402
from bot.app import Shop  # noqa: E402
from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.settings import Settings  # noqa: E402

FLOODER = FakeUser(1000, "Flo", "flo", "en")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(flood: int, others: int, each: int) -> None:
    clock = FakeClock()
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
                await shop.start_channels([TelegramChannel.from_settings(settings, clock)])
                latencies: list[float] = []

                async def customer(user: FakeUser) -> None:
                    for n in range(each):
                        queued = time.monotonic()
                        fake.private_text(user, "/help")
                        [*_, answer] = await fake.wait_for(
                            "sendMessage",
                            count=n + 1,
                            predicate=lambda c: c.chat_id == user.id,
                            timeout=600,
                        )
                        latencies.append(answer.real - queued)

                started = time.monotonic()
                for _ in range(flood):
                    fake.private_text(FLOODER, "/help")
                people = [FakeUser(2000 + i, f"C{i}", None, "en") for i in range(others)]
                await asyncio.gather(*(customer(p) for p in people))
                others_done = time.monotonic() - started
                await fake.wait_for(
                    "sendMessage",
                    count=flood,
                    predicate=lambda c: c.chat_id == FLOODER.id,
                    timeout=1200,
                )
                flood_done = time.monotonic() - started
            finally:
                await shop.close()
    print(
        f"flood {flood} from one person, {others} others x {each} messages:\n"
        f"  others' answers: p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms ({len(latencies)} answers)\n"
        f"  all others answered after {others_done:.1f} s; "
        f"the flood answered in full after {flood_done:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flood", type=int, default=1000)
    parser.add_argument("--others", type=int, default=50)
    parser.add_argument("--each", type=int, default=5)
    parser.add_argument("--old-admission", action="store_true")
    args = parser.parse_args()
    if args.old_admission:
        telegram.OnePersonAtATime = lambda slots: slots  # type: ignore[assignment, misc]
    asyncio.run(run(args.flood, args.others, args.each))


if __name__ == "__main__":
    main()
