"""The router's promises: owner-only holds for every declared route, a handler's bug is
an apology with a traceback (never an "expired button"), precedence of free text is the
declared one, and one person's messages are handled one at a time."""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import logging
import typing

import pytest
from tally_counts import PROBES_REFUSED, count

from bot.actions import Action
from bot.app import ROUTES
from bot.context import Context
from bot.conversation import CheckoutDraft
from bot.i18n import t
from bot.messages import ChatRef, Incoming, Sender
from bot.middleware import OneAtATime, Turn
from bot.routing import RouteTable
from bot.store import OrderStatus
from handlers import checkout, owner

from support import OWNER, ChatHarness, texts

OWNER_ONLY_EN = t("owner.only", "en")


def sample(action_type: type[Action]) -> Action:
    """An instance of any action, with plausible field values."""
    hints = typing.get_type_hints(action_type)
    values: dict[str, object] = {}
    for field in dataclasses.fields(action_type):  # type: ignore[arg-type]
        kind = hints[field.name]
        if kind is int:
            values[field.name] = 1
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            values[field.name] = next(iter(kind))
        else:
            values[field.name] = "x"
    return action_type(**values)


TABLE = RouteTable.build(list(ROUTES))
OWNER_BUTTONS = [route.action for route in TABLE.buttons.values() if route.owner]
OWNER_COMMANDS = sorted({name for name, route in TABLE.commands.items() if route.owner})


def test_owner_routes_are_declared() -> None:
    # The lists below would pass vacuously if nothing were owner-only.
    assert {"open", "reload", "groups", "promo"} <= set(OWNER_COMMANDS)
    assert len(OWNER_BUTTONS) >= 3


@pytest.mark.parametrize("action_type", OWNER_BUTTONS, ids=lambda a: a.__name__)
async def test_every_owner_button_is_refused_to_a_customer(
    harness: ChatHarness, action_type: type[Action]
) -> None:
    harness.languages["mallory"] = "en"
    key = await harness.shop.store.buttons.key_for(sample(action_type).encode())
    replies = await harness.press_key("mallory", key)
    assert texts(replies) == OWNER_ONLY_EN
    count(PROBES_REFUSED)


@pytest.mark.parametrize("command", OWNER_COMMANDS)
async def test_every_owner_command_is_refused_to_a_customer(
    harness: ChatHarness, command: str
) -> None:
    harness.languages["mallory"] = "en"
    replies = await harness.say("mallory", f"/{command} x")
    assert texts(replies) == OWNER_ONLY_EN
    count(PROBES_REFUSED)


async def test_a_bug_after_the_commit_is_an_apology_with_a_traceback(
    harness: ChatHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    harness.languages["amy"] = "en"
    await harness.say("amy", "1 walnuts")
    await harness.press("amy", "check out")
    for answer in ("Amy", "13800138000", "1 Lake Road, Hangzhou"):
        await harness.say("amy", answer)
    await harness.press("amy", "no note")
    await harness.press("amy", "confirm order")
    [order] = await harness.shop.store.orders.of_customer("test:amy")

    def broken_notice(order: object) -> object:
        raise TypeError("injected bug")

    monkeypatch.setattr(owner, "customer_status_notice", broken_notice)
    sent_before = len(harness.messages_to("amy"))
    with caplog.at_level(logging.ERROR):
        replies = await harness.press(OWNER, "已付款")
    assert [m.text for m in replies] == [t("error.internal", "zh")]
    assert t("button.expired", "zh") not in texts(replies)
    failures = [r for r in caplog.records if r.exc_info and "injected bug" in str(r.exc_info[1])]
    assert failures, "the traceback is logged"
    # The order is what the database says, whole: paid, and nothing half-sent about it.
    after = await harness.shop.store.orders.get(order.number)
    assert after is not None and after.status is OrderStatus.PAID
    assert len(harness.messages_to("amy")) == sent_before


async def test_stop_during_checkout_stops_the_checkout_not_the_promotions(
    harness: ChatHarness,
) -> None:
    harness.languages["bo"] = "en"
    await harness.say("bo", "/subscribe")
    await harness.say("bo", "1 walnuts")
    await harness.press("bo", "check out")
    replies = await harness.say("bo", "stop")
    assert t("checkout.cancelled", "en") in texts(replies)
    assert await harness.shop.store.customers.promo_flags("test:bo") == (True, False)
    # Outside a checkout the same word is the opt-out it always was.
    replies = await harness.say("bo", "stop")
    assert t("promo.stopped", "en") in texts(replies)


async def test_a_checkout_answer_is_an_answer_even_with_opt_out_words(
    harness: ChatHarness,
) -> None:
    harness.languages["cy"] = "zh"
    await harness.say("cy", "/subscribe")
    await harness.say("cy", "1 walnuts")
    await harness.press("cy", "结算")
    for answer in ("陈", "13800138000", "杭州市西湖区文三路18号"):
        await harness.say("cy", answer)
    replies = await harness.say("cy", "不要再发票了，谢谢")
    assert "备注：不要再发票了，谢谢" in texts(replies)  # the note, in the summary
    assert await harness.shop.store.customers.promo_flags("test:cy") == (True, False)


async def test_a_checkout_saved_by_the_previous_version_carries_on(harness: ChatHarness) -> None:
    harness.languages["di"] = "en"
    await harness.say("di", "1 walnuts")
    # What the previous version stored mid-checkout: a plain dict with string steps.
    await harness.shop.store.conversations.overwrite(
        "test:di", {"checkout": {"step": "phone", "name": "Di"}, "last_sku": "WALNUTS"}
    )
    replies = await harness.say("di", "13800138000")
    assert t("checkout.ask_address", "en") in texts(replies)
    # Mid-checkout, an order is an order (issue 9): added, and the question asked again;
    # an address is an address even when it names a product's words.
    replies = await harness.say("di", "one more walnut")
    assert "Added 1 × Paper-shell walnuts" in texts(replies)
    assert texts(replies).endswith(t("checkout.ask_address", "en"))
    replies = await harness.say("di", "12 West Lake Road, Hangzhou")
    assert t("checkout.ask_note", "en") in texts(replies)
    assert [(line.sku, line.qty) for line in await harness.shop.store.carts.lines("test:di")] == [
        ("WALNUTS", 2)
    ]


async def test_one_person_at_a_time_and_nobody_waits_for_another() -> None:
    one_at_a_time = OneAtATime()
    log: list[str] = []
    release = asyncio.Event()

    def turn(user: str) -> Turn:
        return Turn.of(Incoming(ChatRef("test", user), Sender("test", user), text="hi"))

    async def slow() -> None:
        log.append("ann-1 start")
        await release.wait()
        log.append("ann-1 end")

    async def record(name: str) -> None:
        log.append(name)

    first = asyncio.create_task(one_at_a_time(turn("ann"), slow))
    second = asyncio.create_task(one_at_a_time(turn("ann"), lambda: record("ann-2")))
    other = asyncio.create_task(one_at_a_time(turn("bob"), lambda: record("bob-1")))
    await asyncio.wait({other}, timeout=1)
    assert log == ["ann-1 start", "bob-1"]  # bob did not wait for ann
    release.set()
    await asyncio.gather(first, second)
    assert log == ["ann-1 start", "bob-1", "ann-1 end", "ann-2"]
    assert one_at_a_time.busy() == 0  # no lock kept for people who went quiet


async def test_two_workers_never_silently_overwrite_a_conversation(
    harness: ChatHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    harness.languages["ed"] = "en"
    await harness.say("ed", "1 walnuts")
    await harness.press("ed", "check out")
    store = harness.shop.store
    answer = checkout.answer

    async def another_worker_saves_first(ctx: Context, draft: CheckoutDraft, text: str) -> None:
        state, version = await store.conversations.load("test:ed")
        other = {**state, "checkout": {"step": "phone", "name": "Edward"}}
        assert await store.conversations.save("test:ed", other, version)
        await answer(ctx, draft, text)

    monkeypatch.setattr(checkout, "answer", another_worker_saves_first)
    with caplog.at_level(logging.WARNING):
        await harness.say("ed", "Ed")
    state, _ = await store.conversations.load("test:ed")
    assert state["checkout"]["name"] == "Edward"  # the first save stands
    assert any("changed meanwhile" in r.getMessage() for r in caplog.records)
