"""What one message costs the database: the figure bench/core_bench.py measures, held here
so a change that adds a query to every message is seen at once (issue 14: at most six
round trips to SQLite for an ordinary message, and no write for a message that changes
nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Incoming, Sender

from support import CHANNEL, ChatHarness

WRITES = ("INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT", "REPLACE")


@dataclass
class Costs:
    """Hops to aiosqlite's thread (every call goes through ``Connection._execute``) and
    the statements SQLite ran, seen through its trace callback."""

    trips: int = 0
    statements: list[str] = field(default_factory=list)

    @property
    def writes(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith(WRITES)]

    def reset(self) -> None:
        self.trips = 0
        self.statements.clear()


async def counting(harness: ChatHarness) -> Costs:
    connection: Any = harness.shop.store._db
    costs = Costs()
    await connection.set_trace_callback(costs.statements.append)
    original: Callable[..., Any] = connection._execute

    async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
        costs.trips += 1
        return await original(fn, *args, **kwargs)

    connection._execute = counted
    return costs


async def test_an_ordinary_message_costs_at_most_six_round_trips_and_writes_nothing(
    harness: ChatHarness,
) -> None:
    harness.languages["ann"] = "en"
    await harness.say("ann", "/start")
    costs = await counting(harness)

    for text in ("hi", "how much is shipping?", "thanks!"):
        costs.reset()
        replies = await harness.say("ann", text)

        assert replies, text
        assert costs.trips <= 6, (text, costs.statements)
        assert costs.writes == [], (text, costs.writes)


async def test_a_new_name_is_still_recorded(harness: ChatHarness) -> None:
    # The read that spares the write must not also spare a real change.
    await harness.say("ann", "hi")
    sender = Sender(CHANNEL, "ann", "Ann Lee", "zh")
    await harness.shop.on_incoming(Incoming(harness.chat("ann"), sender, text="hello again"))
    customer = await harness.shop.store.customers.get("test:ann")
    assert customer is not None
    assert (customer.display_name, customer.platform_language) == ("Ann Lee", "zh")
