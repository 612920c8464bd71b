"""The platform fails one send in five (5xx, 429 with retry_after, connections dropped
after the message went out) while 50 customers order: every order is there once, every
owner notice is delivered once, and no customer is left without an answer unrecorded."""

from __future__ import annotations

from pathlib import Path

from chaos import run


async def test_fifty_customers_order_through_a_platform_failing_one_send_in_five(
    tmp_path: Path,
) -> None:
    tally = await run(tmp_path, customers=50, rate=0.2, seed=13)
    assert sum(tally.faults.values()) > 50, tally.faults  # the faults did happen
    assert set(tally.faults) == {"5xx", "429", "dropped"}
    assert tally.duplicate_orders == 0
    assert tally.orders >= tally.confirmed >= 45
    assert tally.missing_owner_notices == 0 and tally.duplicate_owner_notices == 0
    assert tally.lost_silently == 0
