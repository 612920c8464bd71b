"""Hostile input through the real router (issue 13's fault suite): random unicode,
control characters, right-to-left marks, look-alike digits and very long texts always get
a reply and never the apology for a bug; forged or stale button keys are refused.

One shop per test (opening one per example would cost the CI budget); examples share it,
as a real shop's customers share one database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tally_counts import FUZZ_CASES, PROBES_REFUSED, count

from bot.i18n import t

from support import ChatHarness

APOLOGIES = {t("error.internal", "en"), t("error.internal", "zh")}
TRICKY = [
    "①",
    "²",
    "٣",
    "۴",
    "５",
    "\u202e",
    "\u200f",
    "\x00",
    "\x1b[31m",
    "walnuts",
    "核桃",
    "cart",
    "/checkout",
    "/cancel",
    "1",
    "-3",
    "999999999999999999999",
    "I have paid",
    "ORDER ABC123",
]
words = st.lists(st.sampled_from(TRICKY) | st.text(max_size=12), min_size=1, max_size=6).map(
    " ".join
)
texts = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80),
    words,
    st.text(min_size=3000, max_size=5000),
).filter(lambda text: text.strip())


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[asyncio.Runner, ChatHarness]]:
    runner = asyncio.Runner()
    path = Path(tmp_path_factory.mktemp("fuzz")) / "shop.db"
    harness = runner.run(ChatHarness.open(path))
    try:
        yield runner, harness
    finally:
        runner.run(harness.close())
        runner.close()


# People write at a human pace: far enough apart that the flood guard (20 a minute)
# never takes a fuzzed message for a flood.
PACE = 5.0


def answer_to(shop: tuple[asyncio.Runner, ChatHarness], user: str, text: str) -> list[str]:
    runner, harness = shop
    harness.clock.advance(PACE)
    return [m.text for m in runner.run(harness.say(user, text))]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts, user=st.sampled_from(["fuzz_en", "fuzz_zh", "fuzz_any"]))
def test_any_text_gets_a_reply_and_never_the_apology_for_a_bug(
    shop: tuple[asyncio.Runner, ChatHarness], text: str, user: str
) -> None:
    shop[1].languages.setdefault("fuzz_en", "en")
    shop[1].languages.setdefault("fuzz_zh", "zh")
    count(FUZZ_CASES)
    replies = answer_to(shop, user, text)
    assert replies, f"no reply to {text[:60]!r}"
    assert not APOLOGIES & set(replies), text[:200]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.text(min_size=1, max_size=80))
def test_a_forged_button_key_is_refused_plainly(
    shop: tuple[asyncio.Runner, ChatHarness], key: str
) -> None:
    count(FUZZ_CASES)
    runner, harness = shop
    harness.languages.setdefault("forger", "en")
    harness.clock.advance(PACE)
    replies = [m.text for m in runner.run(harness.press_key("forger", key))]
    assert replies and not APOLOGIES & set(replies)
    count(PROBES_REFUSED)


async def test_a_genuine_key_naming_another_customers_order_is_refused(
    harness: ChatHarness,
) -> None:
    from bot.store import OrderStatus
    from handlers.actions import OrderCancel, OrderSetStatus

    harness.languages.update(bob="en", mallory="en")
    await harness.say("bob", "1 walnuts")
    await harness.press("bob", "check out")
    for answer in ("Bob", "13800138000", "1 Lake Road"):
        await harness.say("bob", answer)
    await harness.press("bob", "no note")
    await harness.press("bob", "confirm order")
    [order] = await harness.shop.store.orders.of_customer("test:bob")
    store = harness.shop.store
    for action in (OrderCancel(order.number), OrderSetStatus(order.number, OrderStatus.PAID)):
        key = await store.buttons.key_for(action.encode())
        replies = await harness.press_key("mallory", key)
        if any("Yes, cancel" in b.label for m in replies for row in m.buttons for b in row):
            replies += await harness.press("mallory", "Yes, cancel")  # and says yes
        assert replies and order.address not in " ".join(m.text for m in replies)
        count(PROBES_REFUSED)
    after = await store.orders.get(order.number)
    assert after is not None and after.status is OrderStatus.PENDING_PAYMENT


async def test_every_button_another_customer_was_shown_touches_nothing_of_theirs(
    harness: ChatHarness,
) -> None:
    """Mallory presses every key Bob's chat ever carried (his cart's, his checkout's, his
    orders', a product's): whatever it does, it is done to Mallory's own things, and
    nothing of Bob's is shown or changed."""
    harness.languages.update(bob="en", mallory="en")
    await harness.say("bob", "1 walnuts")
    await harness.press("bob", "check out")
    for answer in ("Bob Lee", "13911112222", "9 Secret Lane, Suzhou"):
        await harness.say("bob", answer)
    await harness.press("bob", "no note")
    await harness.press("bob", "confirm order")
    await harness.say("bob", "2 rose masks")
    await harness.say("bob", "/orders")
    await harness.say("bob", "/forgetme")
    store = harness.shop.store
    keys = list(
        dict.fromkeys(
            b.action for m in harness.messages_to("bob") for row in m.buttons for b in row
        )
    )
    assert len(keys) >= 10, keys  # the probe reaches many kinds of button

    async def bobs() -> tuple[object, ...]:
        return (
            await store.orders.of_customer("test:bob"),
            await store.carts.lines("test:bob"),
            await store.customers.get("test:bob"),
            (await store.conversations.load("test:bob"))[0],
        )

    before = await bobs()
    for key in keys:
        harness.clock.advance(PACE)
        replies = await harness.press_key("mallory", key)
        shown = " ".join(m.text for m in replies)
        assert not [x for x in ("Bob Lee", "13911112222", "Secret Lane") if x in shown], key
        assert all(m.chat == harness.chat("mallory") for m in replies), key
        assert await bobs() == before, key
        count(PROBES_REFUSED)
