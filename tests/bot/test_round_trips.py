"""What one message costs the database: the figure bench/core_bench.py measures, held here
so a change that adds a query to every message is seen at once (issue 14: at most six
round trips to SQLite for an ordinary message; reached: one, the read of everything the
message needs (``TurnRepository.begin``), and no write for a message that changes
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


async def test_an_ordinary_message_costs_one_round_trip_and_writes_nothing(
    harness: ChatHarness,
) -> None:
    harness.languages["ann"] = "en"
    await harness.say("ann", "/start")
    await harness.say("ann", "2 walnuts")  # a cart and a conversation to read
    costs = await counting(harness)

    for text in ("hi", "how much is shipping?", "thanks!", "你好", "do you ship to Beijing?"):
        costs.reset()
        replies = await harness.say("ann", text)

        assert replies, text
        assert costs.trips == 1, (text, costs.statements)
        assert costs.writes == [], (text, costs.writes)


async def test_adding_to_the_cart_reads_the_cart_once(harness: ChatHarness) -> None:
    harness.languages["ann"] = "en"
    await harness.say("ann", "/start")
    await harness.say("ann", "1 walnuts")
    costs = await counting(harness)

    replies = await harness.say("ann", "2 pu'er cakes")

    assert any("Pu" in reply.text for reply in replies), [r.text for r in replies]
    cart_reads = [s for s in costs.statements if "FROM cart_items" in s]
    assert len(cart_reads) == 1, cart_reads  # the turn's first read, nothing after
    # The turn's read, the stock, the compare-and-set of the line, the conversation.
    assert costs.trips <= 4, costs.statements


async def test_pressing_a_button_costs_one_round_trip_before_its_handler(
    harness: ChatHarness,
) -> None:
    harness.languages["ann"] = "en"
    await harness.say("ann", "/start")
    await harness.say("ann", "2 walnuts")
    costs = await counting(harness)

    first = await harness.press("ann", "cart")
    # The cart's buttons are new to this process: their keys are recorded in one write.
    assert first and costs.trips == 2, costs.statements
    await harness.say("ann", "1 walnuts")
    costs.reset()
    again = await harness.press("ann", "cart")

    assert "3 × " in again[0].text and "2 × " in first[0].text
    assert costs.trips == 1, costs.statements
    assert costs.writes == []


async def test_a_new_name_is_still_recorded(harness: ChatHarness) -> None:
    # The read that spares the write must not also spare a real change.
    await harness.say("ann", "hi")
    sender = Sender(CHANNEL, "ann", "Ann Lee", "zh")
    await harness.shop.on_incoming(Incoming(harness.chat("ann"), sender, text="hello again"))
    customer = await harness.shop.store.customers.get("test:ann")
    assert customer is not None
    assert (customer.display_name, customer.platform_language) == ("Ann Lee", "zh")
