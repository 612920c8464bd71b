"""A shop process for the crash test: broadcasts one campaign slot to every group.

Its channel writes each post to a file (as the platform would show it) before answering;
with ``--hang-after N`` it goes silent after the N-th post, mid-send, so the test can
SIGKILL it at a known point.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from datetime import datetime
from pathlib import Path

from bot.app import Shop
from bot.channels.base import Capabilities, RateLimits
from bot.clock import FakeClock
from bot.messages import Outgoing
from bot.settings import Settings


class FileChannel:
    name = "test"
    capabilities = Capabilities()
    rate_limits = RateLimits()

    def __init__(self, path: Path, hang_after: int | None) -> None:
        self.path = path
        self.hang_after = hang_after
        self.count = 0

    async def start(self, on_incoming: object, on_membership: object) -> None:
        return None

    async def stop(self) -> None:
        return None

    def deep_link(self, payload: str) -> str | None:
        return None

    async def send(self, message: Outgoing) -> str:
        if not message.chat.is_group:
            return "0"  # the owner's progress message
        with self.path.open("a", encoding="utf-8") as posts:
            posts.write(message.chat.key + "\n")
            posts.flush()
            os.fsync(posts.fileno())
        self.count += 1
        if self.hang_after is not None and self.count >= self.hang_after:
            await asyncio.Event().wait()  # delivered, but the answer never comes back
        return str(self.count)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--posts", type=Path, required=True)
    parser.add_argument("--slot", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--hang-after", type=int)
    args = parser.parse_args()
    clock = FakeClock(datetime.fromisoformat(args.now))
    shop = Shop(Settings(catalog_path=args.catalog, db_path=args.db), clock)
    await shop.open()
    try:
        await shop.start_channels([FileChannel(args.posts, args.hang_after)])
        await shop.promotions.recover()
        await shop.promotions.run_slot("winter-masks", datetime.fromisoformat(args.slot))
        await shop.promotions.deliver_due()
    finally:
        await shop.close()


if __name__ == "__main__":
    asyncio.run(main())
