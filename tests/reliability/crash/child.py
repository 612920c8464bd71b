"""A shop process for the checkout crash test: customers check out, every message the
shop sends is appended to a file (as the platform would show it) before it answers.

``burst``: two customers stop part-way (one mid-checkout, one with a cart), then a burst
of checkouts, eight at a time, and the process waits to be killed. ``resume``: the same
file after the restart; the scheduler's start sends what is owed, the two customers go on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from bot.clock import FakeClock
from bot.messages import Outgoing

from support import ChatHarness, RecordingChannel

CONTACT = ("13800138000", "1 Lake Road, Hangzhou")


class FileChannel(RecordingChannel):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    async def send(self, message: Outgoing) -> str:
        line = {"chat": message.chat.chat_id, "text": message.text}
        with self.path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")  # in the kernel: kill-safe
        return await super().send(message)


async def checkout(harness: ChatHarness, user: str, slots: asyncio.Semaphore) -> None:
    async with slots:
        harness.languages[user] = "en"
        await harness.say(user, "1 walnuts")
        await harness.press(user, "check out")
        for answer in (user.title(), *CONTACT):
            await harness.say(user, answer)
        await harness.press(user, "no note")
        await harness.press(user, "confirm order")


async def burst(harness: ChatHarness, customers: int) -> None:
    for user in ("pam", "cat"):
        harness.languages[user] = "en"
    await harness.say("pam", "2 walnuts")
    await harness.press("pam", "check out")
    await harness.say("pam", "Pam")  # now asked for her phone
    await harness.say("cat", "3 walnuts")
    slots = asyncio.Semaphore(8)
    await asyncio.gather(*(checkout(harness, f"c{n:02d}", slots) for n in range(customers)))
    await asyncio.Event().wait()  # done: wait for the kill like a running shop


async def resume(harness: ChatHarness) -> None:
    await harness.shop.start_scheduler()  # sends the notices the dead process owed
    await harness.say("pam", CONTACT[0])  # answers the question she was asked before
    await harness.say("cat", "cart")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["burst", "resume"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--customers", type=int, default=60)
    args = parser.parse_args()
    clock = FakeClock()
    if args.phase == "resume":
        clock.advance(10 * 60)  # restarted ten minutes later: every retry is due
    harness = await ChatHarness.open(args.db, clock=clock, channel=FileChannel(args.log))
    try:
        if args.phase == "burst":
            await burst(harness, args.customers)
        else:
            await resume(harness)
    finally:
        await harness.close()


if __name__ == "__main__":
    asyncio.run(main())
