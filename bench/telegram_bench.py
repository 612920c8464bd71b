"""End to end over Telegram, beside the floor: chatshop and a bare echo bot under one load.

Both bots run as their own process (chatshop as ``python -m bot run``, the floor as
bench/echo_floor.py) against the fake Bot API server of tests/integration/fake_bot_api.py
on 127.0.0.1, which this process runs together with the simulated customers. Every
customer walks through ``common.SESSION`` (greeting, a question, free-text orders, the
cart, the whole checkout with buttons, thanks); the floor gets the same updates (its
"buttons" are presses on its last message) and echoes each.

- start-up: from starting the process to the first reply to a /start queued before it;
- paced: messages released at 25 a second overall (Telegram allows about 30), each
  customer waiting for the answer to its last one; p50/p99 from the update's arrival at
  the server to the first reply to it, and whether the release kept the pace;
- capacity: the same mix as fast as replies come, Telegram's limits lifted
  (TELEGRAM_MAX_PER_SECOND etc. set high): replies a second and CPU seconds of the bot's
  process per 1,000 messages, and chatshop's as a ratio to the floor's;
- peak RSS of each bot's process.

Every order goes through SQLite with its normal durability. Figures, not assertions.

    .venv/bin/python bench/telegram_bench.py          # 40 paced + 40 flat-out customers
    .venv/bin/python bench/telegram_bench.py --full   # 100 + 200
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "tests" / "integration"))
sys.path.insert(0, str(BENCH.parent))

from common import REPO, SESSION, Figure, emit, percentile, roomy_catalog  # noqa: E402
from fake_bot_api import Call, FakeBotApi, FakeUser  # noqa: E402

SENDS = frozenset({"sendMessage", "sendPhoto", "editMessageText", "editMessageCaption"})
OWNER_ID = 9001
TICK = os.sysconf("SC_CLK_TCK")


class Watch:
    """Every send the bot makes, by chat, with an event per chat that fires on each."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.by_chat: dict[int, list[Call]] = {}
        self.events: dict[int, asyncio.Event] = {}
        self.replies = 0
        record = fake._record

        def recording(call: Call, status: int, body: dict[str, object]) -> object:
            answer = record(call, status, body)
            if call.method in SENDS and call.ok and call.chat_id is not None:
                self.by_chat.setdefault(call.chat_id, []).append(call)
                self.replies += 1
                event = self.events.pop(call.chat_id, None)
                if event is not None:
                    event.set()
            return answer

        fake._record = recording  # type: ignore[method-assign]

    async def next_send(self, chat_id: int, after: int, within: float = 30.0) -> Call:
        """The first send to ``chat_id`` beyond the first ``after`` ones."""
        async with asyncio.timeout(within):
            while len(self.by_chat.get(chat_id, ())) <= after:
                await self.events.setdefault(chat_id, asyncio.Event()).wait()
        return self.by_chat[chat_id][after]

    async def button(self, chat_id: int, label: str, within: float = 30.0) -> tuple[Call, str]:
        """The latest message to the chat with a button labelled ``label``; its data."""
        async with asyncio.timeout(within):
            while True:
                for call in reversed(self.by_chat.get(chat_id, ())):
                    for button in call.buttons():
                        if label.lower() in str(button.get("text", "")).lower():
                            return call, str(button["callback_data"])
                await self.events.setdefault(chat_id, asyncio.Event()).wait()


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    messages: int = 0
    lag: float = 0.0  # the most the pacer's release fell behind its schedule


class Customer:
    def __init__(self, n: int, fake: FakeBotApi, watch: Watch, floor: bool) -> None:
        self.user = FakeUser(200000 + n, f"C{n}", None, "en")
        self.fake, self.watch, self.floor = fake, watch, floor
        self.step = 0

    @property
    def done(self) -> bool:
        return self.step >= len(SESSION)

    async def next(self, load: Load) -> None:
        """Send the next message of the session; return once its first answer came."""
        kind, text = SESSION[self.step]
        self.step += 1
        chat = self.user.id
        if kind == "press":
            if self.floor:
                last = self.watch.by_chat[chat][-1]
                data = "x"
            else:
                last, data = await self.watch.button(chat, text)
            seen = len(self.watch.by_chat.get(chat, ()))
            sent_at = time.monotonic()
            self.fake.callback(self.user, self.user, last.message_id, data)
        else:
            seen = len(self.watch.by_chat.get(chat, ()))
            sent_at = time.monotonic()
            self.fake.private_text(self.user, text)
        reply = await self.watch.next_send(chat, seen)
        load.latencies.append(reply.real - sent_at)
        load.messages += 1


async def paced(customers: list[Customer], rate: float, think: float) -> Load:
    """Release one message every 1/rate s from a customer whose last one was answered
    ``think`` seconds ago (a person reads the answer before writing again, and Telegram
    lets a bot write about once a second in one chat)."""
    load = Load()
    ready: asyncio.Queue[Customer | BaseException] = asyncio.Queue()
    for customer in customers:
        ready.put_nowait(customer)
    total = len(customers) * len(SESSION)
    running: set[asyncio.Task[None]] = set()

    async def answer(customer: Customer) -> None:
        try:
            await customer.next(load)
        except BaseException as error:
            ready.put_nowait(error)  # the pacer stops with it rather than waiting forever
            raise
        if not customer.done:
            await asyncio.sleep(think)
            ready.put_nowait(customer)

    began = time.monotonic()
    for k in range(total):
        due = began + k / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        customer = await ready.get()
        if isinstance(customer, BaseException):
            raise customer
        load.lag = max(load.lag, time.monotonic() - due)
        task = asyncio.create_task(answer(customer))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)
    return load


async def flat_out(customers: list[Customer]) -> tuple[Load, float]:
    load = Load()

    async def visit(customer: Customer) -> None:
        while not customer.done:
            await customer.next(load)

    began = time.monotonic()
    await asyncio.gather(*(visit(c) for c in customers))
    return load, time.monotonic() - began


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Bot:
    """One bot process against the fake server."""

    def __init__(self, floor: bool, fake: FakeBotApi, folder: Path, lifted: bool) -> None:
        self.floor = floor
        env = dict(os.environ)
        if floor:
            argv = [sys.executable, str(BENCH / "echo_floor.py"), fake.url, fake.token]
        else:
            argv = [sys.executable, "-m", "bot", "run"]
            env |= {
                "TELEGRAM_BOT_TOKEN": fake.token,
                "TELEGRAM_API_URL": fake.url,
                "CHATSHOP_CATALOG": str(roomy_catalog(folder)),
                "CHATSHOP_DB": str(folder / f"shop-{time.monotonic_ns()}.db"),
                "CHATSHOP_OWNERS": f"telegram:{OWNER_ID}",
                "CHATSHOP_LOG_LEVEL": "WARNING",
            }
            if lifted:
                env |= {
                    "TELEGRAM_MAX_PER_SECOND": "1000000",
                    "TELEGRAM_CHAT_INTERVAL": "0",
                    "TELEGRAM_GROUP_PER_MINUTE": "1000000",
                }
        self.argv, self.env = argv, env
        # A file, not a pipe: a pipe nobody reads fills up and stalls the bot.
        self.log = folder / f"{'floor' if floor else 'shop'}-{time.monotonic_ns()}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=REPO, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self.log.open("wb"),
        )  # fmt: skip

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def stop(self, fake: FakeBotApi) -> str:
        assert self.process is not None
        # Answer the bot's held long poll at once, or stopping waits out its timeout.
        fake._stopping.set()
        fake._notify()
        self.process.terminate()
        try:
            # chatshop finishes the updates in hand first, and those wait on the owner's
            # order notices, paced at one a second in that chat: not what is measured.
            await asyncio.to_thread(self.process.wait, 3)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return self.log.read_text(errors="replace")


async def one_bot(floor: bool, args: argparse.Namespace) -> dict[str, float]:
    """Start-up and the paced load on one process; capacity on another with limits lifted."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with FakeBotApi(username="bench_shop_bot") as fake:
            watch = Watch(fake)
            bot = Bot(floor, fake, folder, lifted=False)
            first = Customer(0, fake, watch, floor)
            fake.private_text(first.user, "/start")  # queued before the bot exists
            began = time.monotonic()
            bot.start()
            try:
                reply = await watch.next_send(first.user.id, 0, within=60)
                figures["start-up to first reply"] = reply.real - began
                customers = [Customer(n, fake, watch, floor) for n in range(1, args.paced + 1)]
                load = await paced(customers, args.rate, args.think)
                figures["paced p50"] = percentile(load.latencies, 0.5) * 1e3
                figures["paced p99"] = percentile(load.latencies, 0.99) * 1e3
                figures["paced: worst lag behind the pace"] = load.lag * 1e3
            finally:
                errors = await bot.stop(fake)
            if "Traceback" in errors or "WARNING" in errors:
                print(errors[-3000:], file=sys.stderr)
        async with FakeBotApi(username="bench_shop_bot") as fake:
            watch = Watch(fake)
            bot = Bot(floor, fake, folder, lifted=True)
            first = Customer(0, fake, watch, floor)
            fake.private_text(first.user, "/start")
            bot.start()
            try:
                await watch.next_send(first.user.id, 0, within=60)
                customers = [Customer(n, fake, watch, floor) for n in range(1, args.flat + 1)]
                cpu_before, replies_before = cpu_seconds(bot.pid), watch.replies
                load, seconds = await flat_out(customers)
                cpu = cpu_seconds(bot.pid) - cpu_before
                figures["capacity: replies/s"] = (watch.replies - replies_before) / seconds
                figures["capacity: messages/s"] = load.messages / seconds
                figures["capacity: CPU s per 1,000 messages"] = cpu / load.messages * 1000
                figures["peak RSS"] = peak_rss_mb(bot.pid)
            finally:
                await bot.stop(fake)
    return figures


UNITS = {
    "start-up to first reply": "s",
    "paced p50": "ms",
    "paced p99": "ms",
    "paced: worst lag behind the pace": "ms",
    "capacity: replies/s": "",
    "capacity: messages/s": "",
    "capacity: CPU s per 1,000 messages": "s",
    "peak RSS": "MB",
}


async def main_async(args: argparse.Namespace) -> None:
    async with asyncio.timeout(600):  # a bot that stopped answering ends the run
        shop = await one_bot(False, args)
        floor = await one_bot(True, args)
    result: list[Figure] = []
    for name, unit in UNITS.items():
        result.append(Figure("telegram: chatshop", name, unit, [shop[name]]))
        result.append(Figure("telegram: floor (echo bot)", name, unit, [floor[name]]))
    ratios = [
        ("p99 / floor's (target <= 3)", shop["paced p99"] / floor["paced p99"]),
        ("replies/s / floor's (target >= 0.8)",
         shop["capacity: replies/s"] / floor["capacity: replies/s"]),
        ("messages/s / floor's", shop["capacity: messages/s"] / floor["capacity: messages/s"]),
        ("CPU per message / floor's",
         shop["capacity: CPU s per 1,000 messages"] / floor["capacity: CPU s per 1,000 messages"]),
    ]  # fmt: skip
    for name, value in ratios:
        result.append(Figure("telegram: chatshop vs floor", name, "x", [value]))
    note = (
        f"{args.paced} customers paced at {args.rate:g}/s (each pausing {args.think:g} s),"
        f" {args.flat} flat out"
    )
    result[0].note = note
    emit(result, args.json)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paced", type=int, default=40, help="customers in the paced load")
    parser.add_argument("--think", type=float, default=1.2, help="a customer's pause, s")
    parser.add_argument("--flat", type=int, default=40, help="customers in the capacity load")
    parser.add_argument("--rate", type=float, default=25.0, help="paced messages a second")
    parser.add_argument("--full", action="store_true", help="100 paced, 200 flat out")
    parser.add_argument("--json", action="store_true", help="a FIGURES line for run_all")
    args = parser.parse_args()
    if args.full:
        args.paced, args.flat = 100, 200
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
