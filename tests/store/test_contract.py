"""One contract for every store backend, exercised through the Protocols of ``bot.store.api``.

Each backend is one entry of ``BACKENDS``: a name and an async factory that opens an
empty, migrated store on a clock. A PostgreSQL backend joins by adding one entry (skipped
when no server is configured); every test below then runs against it too.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.catalog import Campaign, Catalog, load_catalog
from bot.clock import FakeClock
from bot.messages import Button, ChatKind, ChatRef, Outgoing
from bot.store import (
    IMPORT_CHANNEL,
    CampaignSource,
    CampaignStatus,
    FollowUpHold,
    FollowUpOutcome,
    ImportedOrder,
    MonthSales,
    NewNotice,
    NewPost,
    NewTicket,
    NoticeState,
    Order,
    OrderLine,
    OrderRequest,
    OrderStatus,
    PostKind,
    PostState,
    ProductSales,
    PurchaseHistory,
    SalesSummary,
    Shortage,
    Store,
    StoreApi,
    TicketReason,
    TicketStatus,
    outbox_key,
)

from support import SAMPLE_CATALOG

Factory = Callable[[Path, FakeClock], Awaitable[StoreApi]]


async def _sqlite_file(tmp_path: Path, clock: FakeClock) -> StoreApi:
    return await Store.open(tmp_path / "contract.db", clock)


async def _sqlite_memory(tmp_path: Path, clock: FakeClock) -> StoreApi:
    return await Store.open(":memory:", clock)


BACKENDS: dict[str, Factory] = {
    "sqlite-file": _sqlite_file,
    "sqlite-memory": _sqlite_memory,
    # "postgresql": _postgresql,  (one more entry when that backend exists)
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog(SAMPLE_CATALOG)


@pytest.fixture(params=sorted(BACKENDS))
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock, catalog: Catalog
) -> AsyncIterator[StoreApi]:
    opened = await BACKENDS[request.param](tmp_path, clock)
    try:
        await opened.stock.apply_catalog(catalog)
        yield opened
    finally:
        await opened.close()


def order_request(customer: str, *lines: tuple[str, int]) -> OrderRequest:
    return OrderRequest(
        customer_key=f"test:{customer}",
        chat=ChatRef("test", customer),
        lines=tuple(OrderLine(sku, sku.title(), sku, 1000, qty) for sku, qty in lines),
        currency="CNY",
        contact_name=customer,
        phone="13800138000",
        address="1 Road, Hangzhou",
        note="ring twice",
        language="en",
    )


GROUP = ChatRef("test", "g1", ChatKind.GROUP, "Friends")
PRIVATE = ChatRef("test", "ann", ChatKind.PRIVATE, "Ann")
SLOT = datetime(2026, 1, 6, 10, 30, tzinfo=UTC)


def post(chat: ChatRef, *, campaign_id: str = "winter-masks", slot: datetime = SLOT) -> NewPost:
    kind = PostKind.GROUP if chat.kind is ChatKind.GROUP else PostKind.SUBSCRIBER
    return NewPost(
        campaign_id=campaign_id,
        chat=chat,
        kind=kind,
        slot=slot,
        skus=("SILK-MASK", "ROSE-MASK"),
        recipients=frozenset({"test:ann"}),
        state=PostState.PENDING,
    )


def move_to(clock: FakeClock, moment: datetime) -> None:
    clock.advance((moment - clock.now()).total_seconds())


class TestStoreContract:
    # --- lifecycle --------------------------------------------------------------------

    async def test_is_migrated(self, store: StoreApi) -> None:
        from bot.store.migrations import SCHEMA_VERSION

        assert await store.schema_version() == SCHEMA_VERSION
        await store.migrate()  # nothing left to do
        assert await store.schema_version() == SCHEMA_VERSION

    # --- stock ------------------------------------------------------------------------

    async def test_stock_levels_follow_the_catalog(self, store: StoreApi, catalog: Catalog) -> None:
        assert await store.stock.level("PUER-CAKE") == 15
        assert await store.stock.level("NOPE") == 0
        levels = await store.stock.levels()
        assert levels == {p.sku: p.stock for p in catalog.products}
        # Re-applying an unchanged catalog keeps sold units sold.
        await store.orders.place(order_request("ann", ("PUER-CAKE", 5)))
        await store.stock.apply_catalog(catalog)
        assert await store.stock.level("PUER-CAKE") == 10
        # A product gone from the catalog is inactive: no stock to sell.
        smaller = catalog.model_copy(
            update={"products": [p for p in catalog.products if p.sku != "WALNUTS"]}
        )
        await store.stock.apply_catalog(smaller)
        assert await store.stock.level("WALNUTS") == 0
        assert "WALNUTS" not in await store.stock.levels()

    # --- orders -----------------------------------------------------------------------

    async def test_place_takes_stock_records_and_empties_the_cart(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        await store.carts.set_qty("test:ann", "PUER-CAKE", 2)
        order = await store.orders.place(order_request("ann", ("PUER-CAKE", 2), ("WALNUTS", 1)))
        assert not isinstance(order, list)
        assert order.status is OrderStatus.PENDING_PAYMENT
        assert order.total_minor == 3000
        assert order.created_at == clock.now().isoformat()
        assert [(line.sku, line.qty) for line in order.lines] == [("PUER-CAKE", 2), ("WALNUTS", 1)]
        assert await store.stock.level("PUER-CAKE") == 13
        assert await store.stock.level("WALNUTS") == 69
        assert await store.carts.lines("test:ann") == []
        # What place returned is what get reads back, by any case of the number.
        assert await store.orders.get(order.number) == order
        assert await store.orders.get(order.number.lower()) == order
        assert await store.orders.get("NOSUCH") is None

    async def test_a_shortage_changes_nothing(self, store: StoreApi) -> None:
        await store.carts.set_qty("test:ann", "PUER-CAKE", 1)
        result = await store.orders.place(
            order_request("ann", ("PUER-CAKE", 16), ("WALNUTS", 1), ("NOPE", 1))
        )
        assert result == [Shortage("PUER-CAKE", 16, 15), Shortage("NOPE", 1, 0)]
        assert await store.stock.level("PUER-CAKE") == 15
        assert await store.stock.level("WALNUTS") == 70
        assert await store.orders.of_customer("test:ann") == []
        assert len(await store.carts.lines("test:ann")) == 1

    async def test_concurrent_orders_never_oversell(self, store: StoreApi) -> None:
        results = await asyncio.gather(
            *(store.orders.place(order_request(f"c{n}", ("PUER-CAKE", 2))) for n in range(12))
        )
        placed = [r for r in results if not isinstance(r, list)]
        assert len(placed) == 7
        assert len({o.number for o in placed}) == 7
        assert await store.stock.level("PUER-CAKE") == 1

    async def test_orders_of_a_customer_newest_first_and_in_progress(self, store: StoreApi) -> None:
        first = await store.orders.place(order_request("ann", ("WALNUTS", 1)))
        second = await store.orders.place(order_request("ann", ("RICE-CAKE", 2)))
        other = await store.orders.place(order_request("bo", ("WALNUTS", 1)))
        assert not isinstance(first, list) and not isinstance(second, list)
        assert not isinstance(other, list)
        assert await store.orders.of_customer("test:ann") == [second, first]
        assert await store.orders.of_customer("test:ann", limit=1) == [second]
        assert await store.orders.of_customer("test:nobody") == []
        await store.orders.change_status(other.number, OrderStatus.CANCELLED, "owner")
        assert [o.number for o in await store.orders.in_progress()] == [
            first.number,
            second.number,
        ]
        assert len(await store.orders.in_progress(limit=1)) == 1

    async def test_status_moves_along_the_transitions(self, store: StoreApi) -> None:
        order = await store.orders.place(order_request("ann", ("PUER-CAKE", 3)))
        assert not isinstance(order, list)
        paid = await store.orders.change_status(order.number, OrderStatus.PAID, "owner")
        assert paid is not None and paid.status is OrderStatus.PAID
        assert paid.lines == order.lines
        # Not allowed from paid: back to pending.
        assert (
            await store.orders.change_status(order.number, OrderStatus.PENDING_PAYMENT, "owner")
            is None
        )
        shipped = await store.orders.change_status(order.number, OrderStatus.SHIPPED, "owner")
        assert shipped is not None and shipped.status is OrderStatus.SHIPPED
        assert await store.orders.change_status(order.number, OrderStatus.CANCELLED, "x") is None
        assert await store.orders.change_status("NOSUCH", OrderStatus.PAID, "owner") is None
        assert await store.stock.level("PUER-CAKE") == 12

    async def test_a_transition_from_a_state_that_changed_is_refused(self, store: StoreApi) -> None:
        order = await store.orders.place(order_request("ann", ("PUER-CAKE", 3)))
        assert not isinstance(order, list)
        # Two owners look at the pending order; one cancels, the other then marks it paid.
        seen = await store.orders.get(order.number)
        assert seen is not None and seen.status is OrderStatus.PENDING_PAYMENT
        cancelled = await store.orders.change_status(order.number, OrderStatus.CANCELLED, "a")
        assert cancelled is not None and cancelled.status is OrderStatus.CANCELLED
        assert await store.stock.level("PUER-CAKE") == 15  # stock back, once
        assert await store.orders.change_status(order.number, OrderStatus.PAID, "b") is None
        assert await store.orders.change_status(order.number, OrderStatus.CANCELLED, "b") is None
        assert await store.stock.level("PUER-CAKE") == 15
        # Two at once: exactly one wins.
        again = await store.orders.place(order_request("ann", ("PUER-CAKE", 1)))
        assert not isinstance(again, list)
        results = await asyncio.gather(
            store.orders.change_status(again.number, OrderStatus.CANCELLED, "a"),
            store.orders.change_status(again.number, OrderStatus.CANCELLED, "b"),
        )
        assert sum(r is not None for r in results) == 1
        assert await store.stock.level("PUER-CAKE") == 15

    async def test_an_order_keeps_its_shipping_in_the_total(self, store: StoreApi) -> None:
        request = dataclasses.replace(order_request("ann", ("WALNUTS", 2)), shipping_minor=1000)
        order = await store.orders.place(request)
        assert not isinstance(order, list)
        assert (order.shipping_minor, order.items_minor, order.total_minor) == (1000, 2000, 3000)
        assert await store.orders.get(order.number) == order
        assert await store.orders.of_customer("test:ann") == [order]
        paid = await store.orders.change_status(order.number, OrderStatus.PAID, "owner")
        assert paid is not None and paid.shipping_minor == 1000

    async def test_a_change_from_a_status_the_order_left_is_refused(self, store: StoreApi) -> None:
        order = await store.orders.place(order_request("ann", ("PUER-CAKE", 1)))
        assert not isinstance(order, list)
        assert await store.orders.change_status(order.number, OrderStatus.PAID, "owner")
        # The customer's cancel, decided while the order was unpaid, arrives after "paid".
        late = await store.orders.change_status(
            order.number, OrderStatus.CANCELLED, "test:ann", expected=OrderStatus.PENDING_PAYMENT
        )
        assert late is None
        current = await store.orders.get(order.number)
        assert current is not None and current.status is OrderStatus.PAID
        assert await store.stock.level("PUER-CAKE") == 14  # the stock was not put back
        # With the status it expects, the same change goes through.
        cancelled = await store.orders.change_status(
            order.number, OrderStatus.CANCELLED, "owner", expected=OrderStatus.PAID
        )
        assert cancelled is not None and cancelled.status is OrderStatus.CANCELLED

    # --- carts ------------------------------------------------------------------------

    async def test_cart_lines_quantities_and_clearing(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        assert await store.carts.lines("test:ann") == []
        await store.carts.set_qty("test:ann", "ROSE-MASK", 2)
        clock.advance(1)
        await store.carts.set_qty("test:ann", "WALNUTS", 1)
        await store.carts.set_qty("test:ann", "ROSE-MASK", 5)  # keeps its place
        await store.carts.set_qty("test:bo", "WALNUTS", 9)
        lines = await store.carts.lines("test:ann")
        assert [(line.sku, line.qty) for line in lines] == [("ROSE-MASK", 5), ("WALNUTS", 1)]
        await store.carts.set_qty("test:ann", "ROSE-MASK", 0)
        assert [line.sku for line in await store.carts.lines("test:ann")] == ["WALNUTS"]
        await store.carts.set_qty("test:ann", "WALNUTS", -1)
        assert await store.carts.lines("test:ann") == []
        await store.carts.set_qty("test:ann", "WALNUTS", 1)
        await store.carts.clear("test:ann")
        assert await store.carts.lines("test:ann") == []
        assert len(await store.carts.lines("test:bo")) == 1

    async def test_cart_lines_remember_the_price_last_seen(self, store: StoreApi) -> None:
        await store.carts.set_qty("test:ann", "ROSE-MASK", 1, seen_price_minor=3990)
        await store.carts.set_qty("test:ann", "WALNUTS", 1)
        await store.carts.set_qty("test:ann", "ROSE-MASK", 2)  # no price given: kept
        lines = await store.carts.lines("test:ann")
        assert [(line.sku, line.seen_price_minor) for line in lines] == [
            ("ROSE-MASK", 3990),
            ("WALNUTS", None),
        ]
        await store.carts.mark_seen("test:ann", {"ROSE-MASK": 4990, "WALNUTS": 3200})
        await store.carts.mark_seen("test:bo", {"ROSE-MASK": 1})  # no such line: nothing
        lines = await store.carts.lines("test:ann")
        assert [(line.sku, line.qty, line.seen_price_minor) for line in lines] == [
            ("ROSE-MASK", 2, 4990),
            ("WALNUTS", 1, 3200),
        ]
        assert await store.carts.lines("test:bo") == []

    # --- customers --------------------------------------------------------------------

    async def test_customers_touch_get_language_and_delivery(self, store: StoreApi) -> None:
        assert await store.customers.get("test:ann") is None
        ann = await store.customers.touch("test:ann", "test", "ann", "Ann", "zh-hans")
        assert (ann.key, ann.channel, ann.user_id, ann.display_name) == (
            "test:ann",
            "test",
            "ann",
            "Ann",
        )
        assert ann.platform_language == "zh-hans" and ann.language is None
        # The latest name wins; a missing platform language keeps the last one known.
        renamed = await store.customers.touch("test:ann", "test", "ann", "Annie")
        assert renamed.display_name == "Annie" and renamed.platform_language == "zh-hans"
        assert await store.customers.touch("test:ann", "test", "ann", "Annie") == renamed
        await store.customers.set_language("test:ann", "en")
        await store.customers.remember_delivery("test:ann", "Ann Li", "13800138000", "1 Road")
        got = await store.customers.get("test:ann")
        assert got is not None
        assert (got.language, got.contact_name, got.phone, got.address) == (
            "en",
            "Ann Li",
            "13800138000",
            "1 Road",
        )
        # touch keeps what was chosen and remembered.
        assert await store.customers.touch("test:ann", "test", "ann", "Annie") == got

    async def test_customers_promotion_preferences(self, store: StoreApi) -> None:
        assert await store.customers.promo_flags("test:nobody") == (False, False)
        assert await store.customers.muted_campaigns("test:nobody") == frozenset()
        await store.customers.touch("test:ann", "test", "ann", "Ann")
        await store.customers.touch("test:bo", "test", "bo", "Bo")
        assert await store.customers.promo_flags("test:ann") == (False, False)
        await store.customers.set_promo_flags("test:ann", subscribed=True)
        await store.customers.set_promo_flags("test:bo", subscribed=True)
        assert await store.customers.promo_flags("test:ann") == (True, False)
        assert await store.customers.subscribers() == [
            ChatRef("test", "ann", ChatKind.PRIVATE, "Ann"),
            ChatRef("test", "bo", ChatKind.PRIVATE, "Bo"),
        ]
        await store.customers.set_promo_flags("test:bo", stopped=True)
        assert await store.customers.promo_flags("test:bo") == (True, True)
        assert [c.chat_id for c in await store.customers.subscribers()] == ["ann"]
        await store.customers.set_promo_flags("test:bo", subscribed=False, stopped=False)
        assert await store.customers.promo_flags("test:bo") == (False, False)
        await store.customers.set_promo_flags("test:ann")  # nothing given: nothing changes
        assert await store.customers.promo_flags("test:ann") == (True, False)
        await store.customers.mute_campaign("test:ann", "winter-masks")
        await store.customers.mute_campaign("test:ann", "orange-season")
        await store.customers.mute_campaign("test:ann", "winter-masks")
        assert await store.customers.muted_campaigns("test:ann") == {
            "winter-masks",
            "orange-season",
        }
        assert await store.customers.muted_campaigns("test:bo") == frozenset()

    # --- conversations ----------------------------------------------------------------

    async def test_conversation_load_save_and_versions(self, store: StoreApi) -> None:
        assert await store.conversations.load("test:ann") == ({}, 0)
        state = {"checkout": {"step": "phone", "name": "安"}}
        assert await store.conversations.save("test:ann", state, 0)
        assert await store.conversations.load("test:ann") == (state, 1)
        assert await store.conversations.save("test:ann", {"step": 2}, 1)
        assert await store.conversations.load("test:ann") == ({"step": 2}, 2)
        # An empty state deletes the row: back to nothing, version 0.
        assert await store.conversations.save("test:ann", {}, 2)
        assert await store.conversations.load("test:ann") == ({}, 0)
        # Saving nothing over nothing succeeds and writes nothing.
        assert await store.conversations.save("test:ann", {}, 0)
        assert await store.conversations.load("test:ann") == ({}, 0)
        assert await store.conversations.load("test:bo") == ({}, 0)

    async def test_conversation_first_save_wins(self, store: StoreApi) -> None:
        # Two workers load the same (absent) conversation; the second save loses.
        _, first_version = await store.conversations.load("test:ann")
        _, second_version = await store.conversations.load("test:ann")
        assert await store.conversations.save("test:ann", {"by": "first"}, first_version)
        assert not await store.conversations.save("test:ann", {"by": "second"}, second_version)
        assert await store.conversations.load("test:ann") == ({"by": "first"}, 1)
        # Again with a stored state, and with the loser trying to delete it.
        state, version = await store.conversations.load("test:ann")
        _, stale = await store.conversations.load("test:ann")
        assert await store.conversations.save("test:ann", {**state, "step": 2}, version)
        assert not await store.conversations.save("test:ann", {"by": "second"}, stale)
        assert not await store.conversations.save("test:ann", {}, stale)
        assert await store.conversations.load("test:ann") == ({"by": "first", "step": 2}, 2)
        # Someone deleted it: a save expecting the old version loses too.
        assert await store.conversations.save("test:ann", {}, 2)
        assert not await store.conversations.save("test:ann", {"by": "late"}, 2)
        # Expecting nothing while something is stored loses as well.
        assert await store.conversations.save("test:ann", {"x": 1}, 0)
        assert not await store.conversations.save("test:ann", {"y": 1}, 0)
        assert not await store.conversations.save("test:ann", {}, 0)
        assert await store.conversations.load("test:ann") == ({"x": 1}, 1)

    async def test_conversation_concurrent_saves_exactly_one_wins(self, store: StoreApi) -> None:
        await store.conversations.save("test:ann", {"n": 0}, 0)
        results = await asyncio.gather(
            *(store.conversations.save("test:ann", {"n": n}, 1) for n in range(1, 6))
        )
        assert sum(results) == 1
        state, version = await store.conversations.load("test:ann")
        assert version == 2 and state == {"n": results.index(True) + 1}

    async def test_conversation_deprecated_wrappers(self, store: StoreApi) -> None:
        assert await store.conversations.state("test:ann") == {}
        await store.conversations.overwrite("test:ann", {"a": 1})
        await store.conversations.overwrite("test:ann", {"a": 2})
        assert await store.conversations.state("test:ann") == {"a": 2}
        # Overwriting still bumps the version, so a versioned save that loaded earlier loses.
        assert await store.conversations.load("test:ann") == ({"a": 2}, 2)
        assert not await store.conversations.save("test:ann", {"a": 3}, 1)
        await store.conversations.overwrite("test:ann", {})
        assert await store.conversations.load("test:ann") == ({}, 0)

    # --- what a message reads first (issue 14) ------------------------------------------

    async def test_a_turn_begins_empty_for_someone_new(self, store: StoreApi) -> None:
        start = await store.turns.begin("test:ann", "test:ann", ["test:ann"], "no-such-key")
        assert start.customer is None and not start.chat_unreachable
        assert (start.conversation, start.conversation_version) == ({}, 0)
        assert start.cart == () and start.choice_lists == () and start.button_action is None

    async def test_a_turn_begins_with_what_each_repository_reads(self, store: StoreApi) -> None:
        await store.customers.touch("test:ann", "test", "ann", "Ann", "zh")
        await store.carts.set_qty("test:ann", "WALNUTS", 2)
        await store.carts.set_qty("test:ann", "PUER-CAKE", 1, seen_price_minor=16800)
        await store.carts.set_qty("test:ann", "WALNUTS", 3)  # keeps its place
        await store.carts.set_qty("test:bo", "WALNUTS", 9)  # someone else's
        assert await store.conversations.save("test:ann", {"last_sku": "WALNUTS", "n": [1]}, 0)
        key = await store.buttons.key_for("cart:view")
        for n in range(25):  # more than are kept
            await store.buttons.save_choices("test:g1", "test:ann", [key], [f"View {n}"])
        await store.buttons.save_choices("test:g1", "", [key], ["For everyone"], prefix="A")
        await store.buttons.save_choices("test:g1", "test:bo", [key], ["Bo's"])
        delivered = await store.buttons.save_choices("test:g1", "test:ann", [key], ["Mine 🌹"])
        await store.buttons.mark_delivered(delivered)
        await store.chats.mark_unreachable(PRIVATE, "blocked")

        start = await store.turns.begin("test:ann", "test:g1", ["test:ann", ""], key)

        assert start.customer == await store.customers.get("test:ann")
        assert not start.chat_unreachable, "the group is not the unreachable chat"
        assert (start.conversation, start.conversation_version) == await store.conversations.load(
            "test:ann"
        )
        assert list(start.cart) == await store.carts.lines("test:ann")
        assert [line.sku for line in start.cart] == ["WALNUTS", "PUER-CAKE"]
        assert list(start.choice_lists) == await store.buttons.recent_lists(
            "test:g1", ["test:ann", ""]
        )
        assert start.choice_lists[0].labels == ("Mine 🌹",) and start.choice_lists[0].delivered
        assert start.choice_lists[1].prefix == "A"
        assert start.button_action == "cart:view"
        private = await store.turns.begin("test:ann", PRIVATE.key)
        assert private.chat_unreachable and private.choice_lists == ()
        assert private.button_action is None

    # --- chats ------------------------------------------------------------------------

    async def test_chats_registration_and_groups(self, store: StoreApi, clock: FakeClock) -> None:
        assert await store.chats.get(GROUP.key) is None
        record = await store.chats.register(GROUP)
        assert (record.key, record.kind, record.title, record.active) == (
            GROUP.key,
            ChatKind.GROUP,
            "Friends",
            True,
        )
        assert record.kind == "group"  # still compares with the stored value
        assert not record.promotions_enabled and record.unreachable_reason is None
        assert await store.chats.get(GROUP.key) == record
        clock.advance(1)
        second = ChatRef("test", "g2", ChatKind.GROUP, "Family")
        await store.chats.register(second)
        await store.chats.register(PRIVATE)
        renamed = await store.chats.register(ChatRef("test", "g1", ChatKind.GROUP, "Friends!"))
        assert renamed.title == "Friends!"
        left = await store.chats.register(second, active=False)
        assert not left.active
        assert [g.key for g in await store.chats.groups()] == [GROUP.key, second.key]

    async def test_chats_reachability_and_send_failures(self, store: StoreApi) -> None:
        assert not await store.chats.is_unreachable(PRIVATE.key)
        await store.chats.mark_unreachable(PRIVATE, "blocked")  # never registered before
        assert await store.chats.is_unreachable(PRIVATE.key)
        record = await store.chats.get(PRIVATE.key)
        assert record is not None and not record.active and record.unreachable_reason == "blocked"
        # Registering again (the person came back) clears the reason.
        back = await store.chats.register(PRIVATE)
        assert back.active and back.unreachable_reason is None
        assert not await store.chats.is_unreachable(PRIVATE.key)
        await store.chats.record_send_failure(PRIVATE.key, "hello" * 1000, "Forbidden")
        await store.chats.record_send_failure(GROUP.key, "hi", "x" * 1000)
        failures = await store.chats.send_failures()
        assert failures == [(PRIVATE.key, "Forbidden"), (GROUP.key, "x" * 500)]
        assert await store.chats.send_failures(GROUP.key) == [(GROUP.key, "x" * 500)]

    async def test_group_promotions_activity_and_members(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        assert not await store.chats.set_promotions(GROUP.key, True)  # unknown chat
        await store.chats.register(GROUP)
        await store.chats.register(PRIVATE)
        assert not await store.chats.set_promotions(PRIVATE.key, True)  # not a group
        assert await store.chats.set_promotions(GROUP.key, True)
        record = await store.chats.get(GROUP.key)
        assert record is not None and record.promotions_enabled
        assert await store.chats.set_promotions(GROUP.key, False)
        record = await store.chats.get(GROUP.key)
        assert record is not None and not record.promotions_enabled

        assert await store.chats.last_reaction(GROUP.key) is None
        assert await store.chats.last_reaction("test:nowhere") is None
        await store.chats.note_activity(GROUP, "test:ann", reaction=False)
        assert await store.chats.last_reaction(GROUP.key) is None
        clock.advance(60)
        await store.chats.note_activity(GROUP, "test:bo", reaction=True)
        assert await store.chats.last_reaction(GROUP.key) == clock.now()
        [record] = [g for g in await store.chats.groups() if g.key == GROUP.key]
        assert record.last_reaction == clock.now()  # read with every group, in one query
        other = ChatRef("test", "g2", ChatKind.GROUP)
        await store.chats.note_activity(other, "test:ann", reaction=False)
        await store.chats.note_activity(GROUP, "test:ann", reaction=False)
        assert await store.chats.group_members() == {
            GROUP.key: frozenset({"test:ann", "test:bo"}),
            other.key: frozenset({"test:ann"}),
        }

    async def test_reactions_complaints_and_a_rejoined_group(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        await store.chats.register(GROUP)
        await store.chats.note_reaction(GROUP.key)  # a product opened from a post
        assert await store.chats.last_reaction(GROUP.key) == clock.now()
        clock.advance(60)
        await store.chats.note_complaint(GROUP.key)
        record = await store.chats.get(GROUP.key)
        assert record is not None and record.last_complaint == clock.now()
        assert record.last_reaction == clock.now() - timedelta(seconds=60)
        # Removed and added back: promotions start off again, whatever they were.
        assert await store.chats.set_promotions(GROUP.key, True)
        await store.chats.mark_unreachable(GROUP, "removed")
        back = await store.chats.register(GROUP)
        assert back.active and not back.promotions_enabled
        # Registering a group the bot is still in keeps its setting.
        assert await store.chats.set_promotions(GROUP.key, True)
        again = await store.chats.register(GROUP)
        assert again.promotions_enabled

    async def test_a_group_that_moved_takes_its_settings_posts_and_notices(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        """A Telegram group upgraded to a supergroup: same people, new id."""
        await store.chats.register(GROUP)
        assert await store.chats.set_promotions(GROUP.key, True)
        await store.chats.note_activity(GROUP, "test:ann", reaction=True)
        await store.chats.note_activity(GROUP, "test:bo", reaction=False)
        await store.chats.note_complaint(GROUP.key)
        reacted = clock.now()
        await store.outbox.add([post(GROUP), post(GROUP, slot=SLOT + timedelta(days=1))])
        [sent, _] = await store.outbox.rows()
        await store.outbox.finish(sent.id, PostState.SENT, message_id="7")
        message = Outgoing(GROUP, "Order A1 is paid")
        await store.notices.add([NewNotice("order:A1:paid|0|test:g1", message)])
        await store.notices.add([NewNotice("order:A0:paid|0|test:g1", message)])
        [done, _] = await store.notices.rows()
        await store.notices.finish(done.id, NoticeState.SENT)
        # A message from the new chat registered it before the move was known.
        clock.advance(60)
        moved_to = ChatRef("test", "g1-super", ChatKind.GROUP, "")
        await store.chats.register(moved_to)
        await store.chats.note_activity(moved_to, "test:cy", reaction=False)

        record = await store.chats.move(GROUP, moved_to)

        assert (record.key, record.title, record.moved_from) == (moved_to.key, "Friends", GROUP.key)
        assert record.active and record.promotions_enabled and record.unreachable_reason is None
        assert (record.last_reaction, record.last_complaint) == (reacted, reacted)
        old = await store.chats.get(GROUP.key)
        assert (
            old is not None
            and not old.active
            and old.unreachable_reason == (f"moved to {moved_to.key}")
        )
        assert await store.chats.group_members() == {
            moved_to.key: frozenset({"test:ann", "test:bo", "test:cy"})
        }
        rows = await store.outbox.rows()
        assert [(r.chat, r.key, r.state) for r in rows] == [
            (moved_to, outbox_key("winter-masks", moved_to.key, SLOT), PostState.SENT),
            (
                moved_to,
                outbox_key("winter-masks", moved_to.key, SLOT + timedelta(days=1)),
                PostState.PENDING,
            ),
        ]
        # A slot decided again for the new chat finds its row: not a second post.
        await store.outbox.add([post(moved_to)])
        assert len(await store.outbox.rows()) == 2
        # The notice still owed goes to the new chat; the one sent stays as it was.
        sent_notice, owed = await store.notices.rows()
        assert sent_notice.message.chat.chat_id == "g1"
        assert owed.message.chat == moved_to and owed.message.text == "Order A1 is paid"
        # Told twice (the service message, then a refused send): nothing changes.
        again = await store.chats.move(GROUP, moved_to)
        assert again == record
        assert await store.chats.move(GROUP, moved_to) == record

    async def test_opt_outs_wait_for_the_summary(self, store: StoreApi, clock: FakeClock) -> None:
        assert await store.chats.unreported_opt_outs() == []
        await store.chats.note_opt_out(GROUP, "test:ann", "Ann")
        clock.advance(60)
        await store.chats.note_opt_out(PRIVATE, "test:bo", "Bo")
        first, second = await store.chats.unreported_opt_outs()
        assert (first.customer_key, first.name, first.chat_key) == ("test:ann", "Ann", GROUP.key)
        assert second.chat_key == PRIVATE.key and second.at == clock.now()
        await store.chats.mark_opt_outs_reported([first.id])
        assert [o.customer_key for o in await store.chats.unreported_opt_outs()] == ["test:bo"]
        await store.chats.mark_opt_outs_reported([])
        await store.chats.mark_opt_outs_reported([second.id])
        assert await store.chats.unreported_opt_outs() == []

    # --- buttons and numbered choices ---------------------------------------------------

    async def test_button_keys_and_choices(self, store: StoreApi) -> None:
        key = await store.buttons.key_for("cart:add:ROSE-MASK:1")
        assert len(key) <= 32
        assert await store.buttons.key_for("cart:add:ROSE-MASK:1") == key
        other = await store.buttons.key_for("cart:add:WALNUTS:1")
        assert other != key
        assert await store.buttons.action(key) == "cart:add:ROSE-MASK:1"
        assert await store.buttons.action(other) == "cart:add:WALNUTS:1"
        assert await store.buttons.action("nope") is None

    async def test_a_messages_button_keys_in_one_call(self, store: StoreApi) -> None:
        known = await store.buttons.key_for("cart:show")
        actions = ["cart:add:ROSE-MASK:1", "cart:show", "订单:取消", "cart:add:ROSE-MASK:1"]
        keys = await store.buttons.keys_for(actions)
        assert keys[1] == known and keys[0] == keys[3] and len(set(keys)) == 3
        assert keys == [await store.buttons.key_for(action) for action in actions]
        assert [await store.buttons.action(key) for key in keys] == actions
        assert await store.buttons.keys_for([]) == []

    async def test_choice_lists_are_per_person_answerable_once_delivered(
        self, store: StoreApi
    ) -> None:
        ann, bo = "test:ann", "test:bo"
        assert await store.buttons.recent_lists(GROUP.key, [ann]) == []
        first = await store.buttons.save_choices(GROUP.key, ann, ["k1", "k2"], ["Rose", "Silk"])
        [shown] = await store.buttons.recent_lists(GROUP.key, [ann])
        assert (shown.id, shown.keys, shown.labels) == (first, ("k1", "k2"), ("Rose", "Silk"))
        assert (shown.person_key, shown.prefix, shown.delivered) == (ann, "", False)
        await store.buttons.mark_delivered(first)
        [shown] = await store.buttons.recent_lists(GROUP.key, [ann])
        assert shown.delivered
        # Another person's list in the same room, and a notice's list with its tag.
        await store.buttons.save_choices(GROUP.key, bo, ["k3"], ["Tea"])
        notice = await store.buttons.save_choices(GROUP.key, "", ["k4"], ["Paid"], "B6AT7Y")
        assert [c.id for c in await store.buttons.recent_lists(GROUP.key, [ann])] == [first]
        both = await store.buttons.recent_lists(GROUP.key, [ann, ""])
        assert [(c.id, c.prefix) for c in both] == [(notice, "B6AT7Y"), (first, "")]
        assert await store.buttons.recent_lists(PRIVATE.key, [ann, ""]) == []
        assert await store.buttons.recent_lists(GROUP.key, []) == []

    async def test_old_choice_lists_are_dropped_in_the_end(self, store: StoreApi) -> None:
        ids = [
            await store.buttons.save_choices(PRIVATE.key, PRIVATE.key, [f"k{n}"], [f"{n}"])
            for n in range(25)
        ]
        kept = await store.buttons.recent_lists(PRIVATE.key, [PRIVATE.key], limit=100)
        assert [c.id for c in kept] == ids[::-1][:20]

    # --- campaigns --------------------------------------------------------------------

    async def test_campaigns_save_status_and_delete(
        self, store: StoreApi, catalog: Catalog
    ) -> None:
        found = await store.campaigns.all()
        assert [c.id for c in found] == sorted(c.id for c in catalog.campaigns)  # same time: by id
        assert all(c.source is CampaignSource.CATALOG for c in found)
        assert all(c.status is CampaignStatus.ACTIVE for c in found)

        flash = catalog.campaigns[0].model_copy(update={"id": "flash"})
        await store.campaigns.save(flash, CampaignSource.CHAT)
        stored = await store.campaigns.get("FLASH")  # ids are case-insensitive
        assert stored is not None and stored.campaign == flash and stored.source == "chat"
        assert await store.campaigns.get("nope") is None

        assert await store.campaigns.set_status("flash", CampaignStatus.PAUSED)
        # Saving again (an edit, the catalog re-applied) keeps it paused.
        edited: Campaign = flash.model_copy(update={"products": ["WALNUTS"]})
        await store.campaigns.save(edited, CampaignSource.CHAT)
        stored = await store.campaigns.get("flash")
        assert stored is not None
        assert stored.status is CampaignStatus.PAUSED and stored.campaign.products == ["WALNUTS"]

        assert await store.campaigns.set_status("flash", CampaignStatus.DELETED)
        assert not await store.campaigns.set_status("flash", CampaignStatus.ACTIVE)
        assert not await store.campaigns.set_status("nope", CampaignStatus.PAUSED)
        await store.campaigns.save(flash, CampaignSource.CHAT)  # a deleted one stays deleted
        assert "flash" not in [c.id for c in await store.campaigns.all()]
        everything = await store.campaigns.all(include_deleted=True)
        assert [c.status for c in everything if c.id == "flash"] == [CampaignStatus.DELETED]
        # Restoring brings a deleted one back, active, with the definition given.
        await store.campaigns.restore(edited, CampaignSource.CHAT)
        stored = await store.campaigns.get("flash")
        assert stored is not None and stored.status is CampaignStatus.ACTIVE
        assert stored.campaign.products == ["WALNUTS"]
        fresh = flash.model_copy(update={"id": "fresh"})
        await store.campaigns.restore(fresh, CampaignSource.CHAT)  # or creates it
        assert (await store.campaigns.get("fresh")) is not None

    # --- the outbox -------------------------------------------------------------------

    async def test_outbox_add_is_idempotent_and_rows_filter(self, store: StoreApi) -> None:
        await store.outbox.add([post(GROUP), post(PRIVATE)])
        await store.outbox.add([post(GROUP)])  # the same slot decided twice
        await store.outbox.add([])
        later = SLOT + timedelta(days=3)
        await store.outbox.add([post(GROUP, slot=later), post(GROUP, campaign_id="other")])
        rows = await store.outbox.rows()
        assert len(rows) == 4
        first = rows[0]
        assert first.key == outbox_key("winter-masks", GROUP.key, SLOT)
        assert (first.campaign_id, first.chat, first.kind, first.slot) == (
            "winter-masks",
            GROUP,
            PostKind.GROUP,
            SLOT,
        )
        assert first.skus == ("ROSE-MASK", "SILK-MASK")
        assert first.recipients == {"test:ann"}
        assert first.state is PostState.PENDING and first.attempts == 0
        assert not first.maybe_sent and first.sent_at is None and first.last_error is None
        assert rows[1].chat == PRIVATE and rows[1].kind == "subscriber"
        assert len(await store.outbox.rows(campaign_id="winter-masks")) == 3
        assert len(await store.outbox.rows(campaign_id="winter-masks", slot=SLOT)) == 2
        assert await store.outbox.rows(states=[PostState.SENT]) == []
        assert len(await store.outbox.rows(states=[PostState.PENDING, PostState.SENT])) == 4
        assert await store.outbox.get(first.id) == first
        assert len(await store.outbox.rows(slots_after=SLOT - timedelta(seconds=1))) == 4
        [after] = await store.outbox.rows(slots_after=SLOT)
        assert after.slot == later
        assert await store.outbox.rows(slots_after=SLOT + timedelta(days=30)) == []
        assert await store.outbox.get(rows[-1].id + 1000) is None

    async def test_outbox_claim_finish_and_history(self, store: StoreApi, clock: FakeClock) -> None:
        await store.outbox.add([post(GROUP), post(PRIVATE)])
        sent, failed = await store.outbox.rows()
        # One sender per row, ever: two claims at once, one wins.
        claims = await asyncio.gather(store.outbox.claim(sent.id), store.outbox.claim(sent.id))
        assert sorted(claims) == [False, True]
        assert not await store.outbox.claim(sent.id)
        [row] = await store.outbox.rows(states=[PostState.SENDING])
        assert row.id == sent.id and row.attempts == 1
        await store.outbox.set_skus(sent.id, ["WALNUTS", "ROSE-MASK"])
        await store.outbox.finish(sent.id, PostState.SENT, message_id="m1")
        assert await store.outbox.claim(failed.id)
        retry_at = clock.now() + timedelta(minutes=5)
        await store.outbox.finish(
            failed.id,
            PostState.PENDING,
            error="timeout",
            maybe_sent=True,
            reason="retry",
            detail="attempt 1",
            not_before=retry_at,
        )
        sent_row, failed_row = await store.outbox.rows()
        assert sent_row.state is PostState.SENT and sent_row.sent_at == clock.now()
        assert sent_row.skus == ("ROSE-MASK", "WALNUTS")
        assert failed_row.state is PostState.PENDING and failed_row.last_error == "timeout"
        assert failed_row.maybe_sent and failed_row.not_before == retry_at
        assert (failed_row.reason, failed_row.detail) == ("retry", "attempt 1")
        # A later finish keeps what it does not say (error, reason, maybe_sent).
        await store.outbox.finish(failed.id, PostState.FAILED)
        [failed_row] = await store.outbox.rows(states=[PostState.FAILED])
        assert failed_row.last_error == "timeout" and failed_row.maybe_sent
        assert failed_row.reason == "retry" and failed_row.not_before is None
        # History: what went out, or may have, since a time.
        history = await store.outbox.history(SLOT - timedelta(days=1))
        assert [r.id for r in history] == [sent.id, failed.id]
        assert await store.outbox.history(clock.now() + timedelta(days=1)) == []
        assert sent_row.message_id == "m1" and failed_row.message_id is None

    async def test_outbox_a_post_counts_from_the_moment_it_was_decided(
        self, store: StoreApi
    ) -> None:
        """A row decided to post counts in the history from ``posted_at`` before it is
        sent; a delayed row counts once released, and only from then."""
        decided = replace(post(GROUP), posted_at=SLOT)
        later = SLOT + timedelta(hours=3)
        delayed = replace(post(PRIVATE), not_before=later)
        await store.outbox.add([decided, delayed])
        first, second = await store.outbox.rows()
        assert first.posted_at == SLOT and second.posted_at is None
        assert [r.id for r in await store.outbox.history(SLOT)] == [first.id]
        await store.outbox.release(second.id, ["ROSE-MASK"], later)
        [_, released] = await store.outbox.rows()
        assert released.posted_at == later and released.skus == ("ROSE-MASK",)
        assert released.state is PostState.PENDING
        # The history's window is on the decided moment, not the slot.
        assert [r.id for r in await store.outbox.history(SLOT + timedelta(hours=1))] == [second.id]
        # A row no longer pending is not released again.
        await store.outbox.finish(first.id, PostState.SUPPRESSED, reason="x")
        await store.outbox.release(first.id, ["WALNUTS"], later)
        [gone, _] = await store.outbox.rows()
        assert gone.skus == ("ROSE-MASK", "SILK-MASK") and gone.state is PostState.SUPPRESSED

    # --- customer records (follow-ups) ------------------------------------------------

    async def test_records_find_customers_by_id_name_or_phone(self, store: StoreApi) -> None:
        await store.customers.touch("test:ann", "test", "ann", "Ann Lee")
        await store.customers.touch("test:anna", "test", "anna", "Anna")
        await store.customers.touch("test:bo", "test", "bo", "Bo")
        await store.customers.remember_delivery("test:bo", "Bo Wang", "138 0013 8000", "Hangzhou")
        assert [c.key for c in await store.records.find("test:ann")] == ["test:ann"]
        assert [c.key for c in await store.records.find("anna")] == ["test:anna"]
        assert [c.key for c in await store.records.find("ANN")] == ["test:ann", "test:anna"]
        assert [c.key for c in await store.records.find("wang")] == ["test:bo"]
        assert [c.key for c in await store.records.find("38000")] == ["test:bo"]
        assert await store.records.find("zoe") == []
        assert await store.records.find("  ") == []

    async def test_records_notes_and_tags(self, store: StoreApi, clock: FakeClock) -> None:
        await store.records.add_note("test:ann", "prefers the aloe mask", "test:owner")
        clock.advance(60)
        await store.records.add_note("test:ann", "birthday in May", "test:owner")
        notes = await store.records.notes("test:ann")
        assert [n.text for n in notes] == ["prefers the aloe mask", "birthday in May"]
        assert notes[0].author == "test:owner" and notes[1].at == clock.now()
        assert await store.records.notes("test:bo") == []
        assert await store.records.add_tag("test:ann", "vip")
        clock.advance(1)
        assert await store.records.add_tag("test:ann", "fruit")
        assert not await store.records.add_tag("test:ann", "vip")
        assert await store.records.tags("test:ann") == ["vip", "fruit"]

    async def test_records_follow_up_log_and_holds(self, store: StoreApi, clock: FakeClock) -> None:
        await store.customers.touch("test:ann", "test", "ann", "Ann")
        await store.customers.touch("test:bo", "test", "bo", "Bo")
        await store.customers.touch("test:cy", "test", "cy", "Cy")
        await store.customers.touch("test:dee", "test", "dee", "Dee")
        assert await store.records.holds() == {}
        start = clock.now()
        sent = await store.records.log_followup("test:ann", ["ROSE-MASK"], FollowUpOutcome.SENT)
        assert sent.skus == ("ROSE-MASK",) and sent.at == start
        clock.advance(3600)
        until = clock.now() + timedelta(days=7)
        await store.records.log_followup("test:bo", [], FollowUpOutcome.SNOOZED, until)
        await store.customers.set_promo_flags("test:cy", stopped=True)
        await store.records.set_followups_off("test:dee", True)
        holds = await store.records.holds()
        assert holds["test:ann"] == FollowUpHold(False, start, None)
        assert holds["test:bo"] == FollowUpHold(False, None, until)
        assert holds["test:cy"].opted_out and holds["test:dee"].opted_out
        await store.records.set_followups_off("test:dee", False)
        assert "test:dee" not in await store.records.holds()
        assert [f.customer_key for f in await store.records.followups()] == ["test:ann", "test:bo"]
        later = await store.records.followups(since=start + timedelta(seconds=1))
        assert [f.outcome for f in later] == [FollowUpOutcome.SNOOZED]
        assert [f.id for f in await store.records.followups(key="test:ann")] == [sent.id]

    async def test_records_purchases_leave_out_cancelled_orders(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        first = await store.orders.place(order_request("ann", ("ROSE-MASK", 2), ("SILK-MASK", 1)))
        assert not isinstance(first, list)
        clock.advance(86400)
        cancelled = await store.orders.place(order_request("ann", ("ROSE-MASK", 1)))
        assert not isinstance(cancelled, list)
        await store.orders.change_status(cancelled.number, OrderStatus.CANCELLED, "test:ann")
        other = await store.orders.place(order_request("bo", ("SILK-MASK", 3)))
        assert not isinstance(other, list)
        bought = await store.records.purchases()
        assert [(p.customer_key, p.sku, p.qty, p.amount_minor) for p in bought] == [
            ("test:ann", "ROSE-MASK", 2, 2000),
            ("test:ann", "SILK-MASK", 1, 1000),
            ("test:bo", "SILK-MASK", 3, 3000),
        ]
        assert bought[0].order_number == first.number
        assert [p.sku for p in await store.records.purchases(key="test:bo")] == ["SILK-MASK"]
        assert [p.customer_key for p in await store.records.purchases(since=clock.now())] == [
            "test:bo"
        ]

    async def test_records_import_orders_once_as_shipped_history(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        await store.customers.touch("telegram:42", "telegram", "42", "Ann")
        stock_before = await store.stock.level("ROSE-MASK")
        day = clock.now() - timedelta(days=30)

        def row(key: str, who: str, qty: int) -> ImportedOrder:
            return ImportedOrder(
                key,
                who,
                '=HYPERLINK("x")',
                "13800138000" if "import" in who else "",
                day,
                "ROSE-MASK",
                "Rose mask",
                "玫瑰面膜",
                qty,
                1000,
                "CNY",
                "zh",
            )

        rows = [row("k1", "telegram:42", 2), row("k2", "import:13800138000", 1)]
        assert await store.records.import_orders(rows) == 2
        assert await store.records.import_orders([*rows, row("k3", "telegram:42", 5)]) == 1
        assert await store.records.import_orders([]) == 0
        bought = await store.records.purchases()
        assert [(p.customer_key, p.qty, p.amount_minor, p.at) for p in bought] == [
            ("telegram:42", 2, 2000, day),
            ("import:13800138000", 1, 1000, day),
            ("telegram:42", 5, 5000, day),
        ]
        order = await store.orders.get(bought[0].order_number)
        assert order is not None and order.status is OrderStatus.SHIPPED
        assert order.channel == IMPORT_CHANNEL
        # A known customer keeps their name; a new one is recorded as written, as text.
        ann = await store.customers.get("telegram:42")
        assert ann is not None and ann.display_name == "Ann"
        new = await store.customers.get("import:13800138000")
        assert new is not None and new.display_name == '=HYPERLINK("x")'
        assert new.phone == "13800138000" and new.channel == IMPORT_CHANNEL
        assert await store.stock.level("ROSE-MASK") == stock_before  # history takes none

    async def test_records_purchase_histories_group_lines_by_shop_day(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        # 23:00 and 01:00 in Shanghai: one UTC day, two shop days.
        move_to(clock, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
        first = await store.orders.place(order_request("ann", ("ROSE-MASK", 2), ("SILK-MASK", 1)))
        clock.advance(2 * 3600)
        again = await store.orders.place(order_request("ann", ("ROSE-MASK", 3)))
        clock.advance(3600)
        same_day = await store.orders.place(order_request("ann", ("ROSE-MASK", 1)))
        cancelled = await store.orders.place(order_request("bo", ("ROSE-MASK", 4)))
        clock.advance(3 * 86400)
        later = await store.orders.place(order_request("bo", ("ROSE-MASK", 5)))
        for placed in (first, again, same_day, cancelled, later):
            assert not isinstance(placed, list)
        assert not isinstance(cancelled, list)
        await store.orders.change_status(cancelled.number, OrderStatus.CANCELLED, "test:bo")
        histories = await store.records.purchase_histories(
            "Asia/Shanghai", date(2026, 12, 2), ["ROSE-MASK", "SILK-MASK"]
        )
        assert sorted(histories, key=lambda h: (h.customer_key, h.sku)) == [
            PurchaseHistory(
                "test:ann", "ROSE-MASK", (date(2026, 12, 1), date(2026, 12, 2)), (2, 3, 1), 6000
            ),
            PurchaseHistory("test:ann", "SILK-MASK", (date(2026, 12, 1),), (1,), 1000),
        ]  # bo's only order by then was cancelled; his later one is after the day asked
        [bo] = await store.records.purchase_histories(
            "Asia/Shanghai", date(2026, 12, 5), ["ROSE-MASK"], key="test:bo"
        )
        assert (bo.days, bo.quantities) == ((date(2026, 12, 5),), (5,))
        # In UTC all of ann's orders fall on one day.
        [rose] = await store.records.purchase_histories("UTC", date(2026, 12, 2), ["ROSE-MASK"])
        assert (rose.customer_key, rose.days) == ("test:ann", (date(2026, 12, 1),))
        assert await store.records.purchase_histories("UTC", date(2026, 12, 2), []) == []

    async def test_records_sales_sum_shop_months_and_first_orders(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        assert await store.records.sales("Asia/Shanghai", "2027-01", "2027-03") == SalesSummary(
            (), ()
        )
        # ann's first order was cancelled, so her first kept one is in January.
        move_to(clock, datetime(2026, 12, 20, 2, 0, tzinfo=UTC))
        dropped = await store.orders.place(order_request("ann", ("ROSE-MASK", 1)))
        assert not isinstance(dropped, list)
        await store.orders.change_status(dropped.number, OrderStatus.CANCELLED, "test:ann")
        # 20:00 UTC on 31 January is 1 February in Shanghai.
        move_to(clock, datetime(2027, 1, 31, 20, 0, tzinfo=UTC))
        for placed in (
            await store.orders.place(order_request("ann", ("ROSE-MASK", 2), ("SILK-MASK", 1))),
            await store.orders.place(order_request("ann", ("ROSE-MASK", 1))),
            await store.orders.place(order_request("bo", ("SILK-MASK", 3))),
        ):
            assert not isinstance(placed, list)
        move_to(clock, datetime(2027, 3, 3, 2, 0, tzinfo=UTC))
        placed = await store.orders.place(order_request("bo", ("ROSE-MASK", 1)))
        assert not isinstance(placed, list)
        summary = await store.records.sales("Asia/Shanghai", "2027-01", "2027-03")
        assert summary.months == (
            MonthSales("2027-02", 3, 7000, 2, 1, 1000),
            MonthSales("2027-03", 1, 1000, 1, 1, 1000),
        )
        assert summary.products == (
            ProductSales("ROSE-MASK", 4, 4000),
            ProductSales("SILK-MASK", 4, 4000),
        )
        in_utc = await store.records.sales("UTC", "2027-01", "2027-01")
        assert in_utc.months == (MonthSales("2027-01", 3, 7000, 2, 1, 1000),)

    async def test_records_order_times_of_the_customers_asked(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        start = clock.now()
        first = await store.orders.place(order_request("ann", ("ROSE-MASK", 1)))
        clock.advance(60)
        second = await store.orders.place(order_request("ann", ("ROSE-MASK", 1)))
        cancelled = await store.orders.place(order_request("ann", ("SILK-MASK", 1)))
        other = await store.orders.place(order_request("bo", ("ROSE-MASK", 1)))
        for placed in (first, second, cancelled, other):
            assert not isinstance(placed, list)
        assert not isinstance(cancelled, list)
        await store.orders.change_status(cancelled.number, OrderStatus.CANCELLED, "test:ann")
        times = await store.records.order_times(["test:ann", "test:cy"], start)
        assert times == {"test:ann": [start, start + timedelta(seconds=60)]}
        later = await store.records.order_times(["test:ann"], start + timedelta(seconds=1))
        assert later == {"test:ann": [start + timedelta(seconds=60)]}
        assert await store.records.order_times([], start) == {}

    async def test_records_one_digest_a_day(self, store: StoreApi) -> None:
        assert await store.records.claim_digest("2026-11-23")
        assert not await store.records.claim_digest("2026-11-23")
        assert await store.records.claim_digest("2026-11-24")

    # --- tickets ---------------------------------------------------------------------

    async def test_tickets_one_open_per_customer_follow_ups_append(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        asked = NewTicket("t:amy", PRIVATE, "Amy", "en", TicketReason.RISKY, "safe in pregnancy?")
        first, opened = await store.tickets.open_or_append(replace(asked, context="cart: -"))
        assert opened and first.is_open and first.reason is TicketReason.RISKY
        clock.advance(300)
        again, opened_again = await store.tickets.open_or_append(
            replace(asked, text="also for my baby?", reason=TicketReason.QUESTION)
        )
        assert not opened_again and again.number == first.number
        assert [m.text for m in again.messages] == ["safe in pregnancy?", "also for my baby?"]
        assert again.reason is TicketReason.RISKY and again.context == "cart: -"
        other, _ = await store.tickets.open_or_append(replace(asked, customer_key="t:bob"))
        assert other.number != first.number
        assert [t.number for t in await store.tickets.open_tickets()] == [
            first.number,
            other.number,
        ]
        found = await store.tickets.open_of("t:amy")
        assert found is not None and found.number == first.number
        assert await store.tickets.open_of("t:nobody") is None

    async def test_tickets_answer_and_close_once(self, store: StoreApi) -> None:
        new = NewTicket("t:amy", GROUP, "Amy", "zh", TicketReason.HUMAN, "找老板")
        ticket, _ = await store.tickets.open_or_append(new)
        assert ticket.chat == GROUP and ticket.private_chat.chat_id == "amy"
        answered = await store.tickets.answer(ticket.number, "我是老板", actor="t:owner")
        assert answered is not None and answered.status is TicketStatus.ANSWERED
        assert answered.answer == "我是老板" and answered.closed_by == "t:owner"
        assert [m.author for m in answered.messages] == ["customer", "owner"]
        # A second answer (another owner, a double tap) changes nothing.
        assert await store.tickets.answer(ticket.number, "again", actor="t:owner") is None
        assert await store.tickets.close(ticket.number, "dup", actor="t:owner") is None
        assert await store.tickets.open_tickets() == []
        # Once answered, the next message opens a new ticket.
        fresh, opened = await store.tickets.open_or_append(new)
        assert opened and fresh.number != ticket.number
        closed = await store.tickets.close(fresh.number, "spam", actor="t:owner")
        assert closed is not None and closed.status is TicketStatus.CLOSED
        assert closed.close_reason == "spam" and closed.answer == ""
        assert await store.tickets.get(9999) is None

    async def test_tickets_reminded_once(self, store: StoreApi) -> None:
        new = NewTicket("t:amy", PRIVATE, "Amy", "en", TicketReason.QUESTION, "hello?")
        ticket, _ = await store.tickets.open_or_append(new)
        assert ticket.reminded_at is None
        assert await store.tickets.mark_reminded(ticket.number)
        assert not await store.tickets.mark_reminded(ticket.number)
        again = await store.tickets.get(ticket.number)
        assert again is not None and again.reminded_at is not None

    # --- the notices outbox (issue 13) ---------------------------------------------

    async def test_notices_add_is_idempotent_and_keeps_the_message(self, store: StoreApi) -> None:
        message = Outgoing(
            PRIVATE,
            "订单 A1 已付款 <b>",
            buttons=((Button("✅ paid", "order:status:A1:paid"), Button("site", url="https://x")),),
            language="zh",
        )
        first = await store.notices.add([NewNotice("order:A1:paid|0|test:ann", message)])
        again = await store.notices.add(
            [
                NewNotice("order:A1:paid|0|test:ann", replace(message, text="other")),
                NewNotice("order:A1:placed|0|test:g1", replace(message, chat=GROUP)),
            ]
        )
        assert len(first) == 1 and again[0] == first[0] and len(again) == 2
        rows = await store.notices.rows()
        assert [r.message for r in rows] == [message, replace(message, chat=GROUP)]
        assert {r.state for r in rows} == {NoticeState.PENDING} and rows[0].attempts == 0

    async def test_an_order_and_what_it_owes_commit_together(self, store: StoreApi) -> None:
        def owed(order: Order) -> list[NewNotice]:
            message = Outgoing(PRIVATE, f"🆕 {order.number}")
            return [NewNotice(f"order:{order.number}:placed|0|test:ann", message)]

        order = await store.orders.place(order_request("ann", ("WALNUTS", 1)), owed)
        assert isinstance(order, Order)
        [row] = await store.notices.rows()
        assert row.key == f"order:{order.number}:placed|0|test:ann"
        assert row.message.text == f"🆕 {order.number}"
        # A shortage places nothing and owes nothing.
        short = await store.orders.place(order_request("bo", ("PUER-CAKE", 99)), owed)
        assert isinstance(short, list) and len(await store.notices.rows()) == 1

    async def test_notices_recorded_counts_what_this_store_added_and_orders_owed(
        self, store: StoreApi
    ) -> None:
        # The router drains the outbox after a turn only when this moved (issue 14).
        def owed(order: Order) -> list[NewNotice]:
            message = Outgoing(PRIVATE, f"🆕 {order.number}")
            return [
                NewNotice(f"order:{order.number}:placed|{n}|test:ann", message) for n in range(2)
            ]

        assert store.notices.recorded() == 0
        await store.notices.add([NewNotice("order:A1:paid|0|test:ann", Outgoing(PRIVATE, "x"))])
        assert store.notices.recorded() == 1
        await store.notices.add([])
        await store.carts.set_qty("test:ann", "WALNUTS", 2)
        assert store.notices.recorded() == 1, "only notices count"
        assert isinstance(
            await store.orders.place(order_request("ann", ("WALNUTS", 1)), owed), Order
        )
        assert store.notices.recorded() == 3

    async def test_notices_claim_once_retry_later_and_settle(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        [a, b] = await store.notices.add(
            [NewNotice(f"e|{i}", Outgoing(PRIVATE, f"n{i}")) for i in range(2)]
        )
        assert [r.id for r in await store.notices.due(clock.now())] == [a, b]
        assert await store.notices.claim(a)
        assert not await store.notices.claim(a), "a claimed notice is nobody else's"
        later = clock.now() + timedelta(minutes=2)
        await store.notices.finish(a, NoticeState.PENDING, error="down", retry_at=later)
        assert [r.id for r in await store.notices.due(clock.now())] == [b]
        [retry] = [r for r in await store.notices.due(later) if r.id == a]
        assert retry.attempts == 1 and retry.last_error == "down"
        assert await store.notices.claim(a)
        await store.notices.finish(a, NoticeState.SENT)
        assert await store.notices.claim(b)  # ... and the process stops mid-send
        assert await store.notices.settle_interrupted() == 1
        states = {r.id: r.state for r in await store.notices.rows()}
        assert states == {a: NoticeState.SENT, b: NoticeState.UNKNOWN}
        assert [r.id for r in await store.notices.rows([NoticeState.UNKNOWN])] == [b]
        assert await store.notices.due(later) == []

    async def test_placing_a_checkout_again_returns_its_order_and_takes_no_stock(
        self, store: StoreApi
    ) -> None:
        request = replace(order_request("ann", ("PUER-CAKE", 2)), checkout_id="c0ffee")
        first = await store.orders.place(request)
        again = await store.orders.place(request)
        assert not isinstance(first, list) and again == first
        assert await store.stock.level("PUER-CAKE") == 13
        other = await store.orders.place(replace(request, checkout_id="other"))
        assert not isinstance(other, list) and other.number != first.number
        unnamed = [await store.orders.place(replace(request, checkout_id=None)) for _ in "ab"]
        assert len({o.number for o in unnamed if not isinstance(o, list)}) == 2

    async def test_cart_replace_qty_only_over_what_was_read(self, store: StoreApi) -> None:
        assert await store.carts.replace_qty("test:ann", "WALNUTS", 0, 2, 3200)
        assert not await store.carts.replace_qty("test:ann", "WALNUTS", 0, 1, 3200)
        assert not await store.carts.replace_qty("test:ann", "WALNUTS", 1, 3, 3200)
        assert await store.carts.replace_qty("test:ann", "WALNUTS", 2, 3, 3300)
        [line] = await store.carts.lines("test:ann")
        assert (line.qty, line.seen_price_minor) == (3, 3300)

    async def test_forget_erases_the_person_and_keeps_their_orders_anonymous(
        self, store: StoreApi
    ) -> None:
        await store.customers.touch("test:ann", "test", "ann", "Ann")
        await store.customers.remember_delivery("test:ann", "Ann Li", "139", "1 Road")
        placed = await store.orders.place(order_request("ann", ("WALNUTS", 1)))
        assert not isinstance(placed, list)
        await store.carts.set_qty("test:ann", "PUER-CAKE", 1)
        await store.conversations.overwrite("test:ann", {"last_sku": "WALNUTS"})
        await store.chats.record_send_failure("test:ann", "to Ann Li at 1 Road", "blocked")
        await store.customers.touch("test:bob", "test", "bob", "Bob")
        assert await store.customers.forget("test:ann") == 1
        assert await store.customers.get("test:ann") is None
        assert await store.carts.lines("test:ann") == []
        assert await store.conversations.state("test:ann") == {}
        assert await store.chats.send_failures("test:ann") == []
        kept = await store.orders.get(placed.number)
        assert kept is not None and kept.total_minor == placed.total_minor
        assert (kept.contact_name, kept.phone, kept.address, kept.note) == ("", "", "", "")
        assert await store.customers.get("test:bob") is not None

    async def test_notices_due_on_the_channels_running_and_counted_by_channel(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        elsewhere = ChatRef("wechat", "wxid_owner")
        [here, there] = await store.notices.add(
            [
                NewNotice("e|0|test:ann", Outgoing(PRIVATE, "here")),
                NewNotice("e|1|wechat:wxid_owner", Outgoing(elsewhere, "there")),
            ]
        )
        now = clock.now()
        assert [r.id for r in await store.notices.due(now)] == [here, there]
        assert [r.id for r in await store.notices.due(now, channels=["test"])] == [here]
        assert [r.id for r in await store.notices.due(now, channels={"wechat"})] == [there]
        assert await store.notices.due(now, channels=[]) == []
        assert await store.notices.waiting_by_channel() == {"test": 1, "wechat": 1}
        assert await store.notices.claim(here)
        await store.notices.finish(here, NoticeState.SENT)
        assert await store.notices.waiting_by_channel() == {"wechat": 1}

    async def test_notices_wait_for_not_before_and_mark_delivered(
        self, store: StoreApi, clock: FakeClock
    ) -> None:
        later = clock.now() + timedelta(minutes=2)
        message = Outgoing(PRIVATE, "receipt", notice_key="order:A1:placed|receipt")
        [row_id] = await store.notices.add([NewNotice("order:A1:placed|receipt", message, later)])
        assert await store.notices.due(clock.now()) == []
        [due] = await store.notices.due(later)
        assert due.id == row_id and due.message == message
        assert await store.notices.mark_delivered("order:A1:placed|receipt")
        assert not await store.notices.mark_delivered("order:A1:placed|receipt")
        assert not await store.notices.mark_delivered("no such key")
        assert await store.notices.due(later) == []
