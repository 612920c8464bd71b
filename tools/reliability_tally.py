"""The reliability tally (issue 13): faults injected and survived, messages lost,
duplicates, fuzz cases run, authorization probes refused, secrets found in logs. Figures
for bench/RESULTS.md; the fault suite (tests/reliability/) asserts the same things at a
smaller size. The fuzz and probe counts are what the real tests ran (they count as they
go, tests/tally_counts.py), not figures of this script's own.

    .venv/bin/python tools/reliability_tally.py --customers 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[0:0] = [str(REPO), str(REPO / "tests" / "reliability")]
sys.path += [str(REPO / "tests"), str(REPO / "tests" / "integration")]

from chaos import run  # noqa: E402  (the fault suite's scenario lives in tests/)
from fake_bot_api import FakeBotApi, FakeUser  # noqa: E402

from bot import redaction  # noqa: E402
from bot.app import Shop  # noqa: E402
from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.settings import Settings  # noqa: E402

WEBHOOK_SECRET = "tally-webhook-secret-0123456789"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def secrets_in_logs(folder: Path) -> tuple[int, int]:
    """The real Telegram channel at DEBUG against the fake Bot API, failing sends
    included: (lines logged, lines holding a secret)."""
    clock = FakeClock()
    async with FakeBotApi(clock=clock) as fake:
        settings = Settings(
            catalog_path=REPO / "catalog.yaml",
            db_path=folder / "secrets.db",
            owners=frozenset({"telegram:9001"}),
            telegram_token=fake.token,
            telegram_api_url=fake.url,
            telegram_webhook_secret=WEBHOOK_SECRET,
        )
        redaction.install(redaction.secrets_of(settings))
        lines = Lines()
        root = logging.getLogger()
        root.addHandler(lines)
        root.setLevel(logging.DEBUG)
        shop = Shop(settings, clock)
        await shop.open()
        try:
            await shop.start_channels([TelegramChannel.from_settings(settings, clock)])
            for n in range(20):
                user = FakeUser(3000 + n, f"P{n}")
                if n % 3 == 0:
                    fake.server_error("sendMessage", user.id, times=2)
                fake.private_text(user, "1 walnuts")
                await fake.wait_for_message(user, "Added", timeout=30)
        finally:
            await shop.close()
            root.removeHandler(lines)
        secret_half = fake.token.split(":", 1)[1]
        leaks = [x for x in lines.lines if secret_half in x or WEBHOOK_SECRET in x]
        return len(lines.lines), len(leaks)


# The fault suite (a locked database, start-up faults, crashes, the platform gone,
# fuzzing, payload probes) and the router's owner-only probes, run as CI runs them.
FAULT_SUITE = (
    "tests/reliability",
    "tests/integration/test_telegram_outage.py",
    "tests/bot/test_router.py",
)


def fuzz_and_probes(folder: Path) -> tuple[dict[str, int], str]:
    """Run the fault suite; what its fuzz and probe tests counted, and pytest's summary."""
    counts = folder / "counts.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *FAULT_SUITE],
        cwd=REPO,
        env={**os.environ, "CHATSHOP_TALLY_COUNTS": str(counts)},
        capture_output=True,
        text=True,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    if done.returncode != 0:
        raise SystemExit(f"the fault suite failed, no tally:\n{done.stdout[-3000:]}")
    return json.loads(counts.read_text()), summary


async def main(customers: int, rate: float, seed: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        counts, summary = fuzz_and_probes(Path(folder))
        tally = await run(Path(folder), customers, rate, seed)
        logged, leaked = await secrets_in_logs(Path(folder))
    faults = sum(tally.faults.values())
    print(f"customers ordering: {tally.customers}; sends attempted: {tally.sends}")
    print(f"faults injected: {faults} ({dict(tally.faults)}), process survived: yes")
    print(f"orders: {tally.orders}; receipts seen: {tally.confirmed}")
    print(f"duplicate orders: {tally.duplicate_orders} (must be 0)")
    print(
        f"owner notices delivered: {tally.owner_notices}; missing: "
        f"{tally.missing_owner_notices}; duplicated: {tally.duplicate_owner_notices} (must be 0)"
    )
    print(f"messages lost without a record: {tally.lost_silently} (must be 0)")
    print(f"log lines scanned at DEBUG: {logged}; secrets found: {leaked} (must be 0)")
    print(f"fuzz cases run: {counts.get('fuzz cases run', 0)}")
    print(f"authorization probes refused: {counts.get('authorization probes refused', 0)}")
    print(f"fault suite ({', '.join(FAULT_SUITE)}): {summary}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="the reliability tally (issue 13)")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    asyncio.run(main(args.customers, args.rate, args.seed))
