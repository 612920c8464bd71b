"""The turn's cart (bot/turn_cart.py) reads the cart at most once per message and then
follows the message's own changes: whatever a handler does, what it sees next is what the
store holds, or the customer would be shown a cart they do not have."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.store import Store
from bot.turn_cart import TurnCart

SKUS = ("WALNUTS", "PUER-CAKE", "ROSE-MASK")
KEY = "test:ann"

op = st.one_of(
    st.tuples(
        st.just("set"),
        st.sampled_from(SKUS),
        st.integers(-1, 3),
        st.none() | st.integers(100, 200),
    ),
    st.tuples(st.just("replace"), st.sampled_from(SKUS), st.integers(0, 3), st.integers(1, 3)),
    st.tuples(st.just("seen"), st.sampled_from(SKUS), st.integers(100, 200), st.none()),
    st.tuples(st.just("clear"), st.none(), st.none(), st.none()),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=st.lists(op, max_size=4), during=st.lists(op, min_size=1, max_size=8))
async def test_the_turns_cart_always_shows_what_the_store_holds(
    tmp_path: Path, before: list[tuple], during: list[tuple]
) -> None:
    store = await Store.open(":memory:", FakeClock())
    try:
        await store.carts.clear(KEY)
        untracked = TurnCart(store, KEY, None)
        for step in before:  # the cart as earlier messages left it
            await apply(untracked, step)
        cart = TurnCart(store, KEY, await store.carts.lines(KEY))  # as begin() reads it
        for step in during:
            await apply(cart, step)
            assert await cart.lines() == await store.carts.lines(KEY), step
    finally:
        await store.close()


async def apply(cart: TurnCart, step: tuple) -> None:
    kind, sku, a, b = step
    if kind == "set":
        await cart.set_qty(sku, a, b)
    elif kind == "replace":
        await cart.replace_qty(sku, a, b, 150)
    elif kind == "seen":
        await cart.mark_seen({sku: a})
    else:
        await cart.clear()


async def test_a_lost_compare_and_set_reads_the_cart_again(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "shop.db", FakeClock())
    try:
        cart = TurnCart(store, KEY, [])
        # Another worker adds to the same cart after this message read it.
        await store.carts.set_qty(KEY, "WALNUTS", 2)
        assert not await cart.replace_qty("WALNUTS", 0, 1, 150)
        assert await cart.quantities() == {"WALNUTS": 2}
        assert await cart.replace_qty("WALNUTS", 2, 3, 150)
        assert await cart.quantities() == {"WALNUTS": 3}
    finally:
        await store.close()
