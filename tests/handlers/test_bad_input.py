"""Bad input gets a helpful reply, never a traceback, and damages nothing stored."""

from __future__ import annotations

import pytest

from bot.catalog import load_catalog

from support import ChatHarness, texts


async def stocks_and_orders(chat: ChatHarness) -> tuple[dict[str, int], int]:
    store = chat.shop.store
    async with store._db.execute("SELECT COUNT(*) FROM orders") as cursor:
        (orders,) = await cursor.fetchone()
    return await store.stock.levels(), orders


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "didn't get any text"),
        ("   ", "didn't get any text"),
        ("🌹🌹🌹", "didn't understand"),
        ("x" * 10_000, "didn't understand"),
        ("'; DROP TABLE orders; --", "didn't understand"),
        ("/frobnicate", "don't know the command /frobnicate"),
        ("0 rose masks", "at least 1"),
        ("-1 rose mask", "at least 1"),
        ("1000000000 rose masks", "At most 99"),
    ],
)
async def test_helpful_reply_and_nothing_damaged(
    harness: ChatHarness, text: str, expected: str
) -> None:
    harness.languages["ann"] = "en"
    before = await stocks_and_orders(harness)
    replies = await harness.say("ann", text)
    assert replies, "every bad input gets an answer"
    assert expected in texts(replies)
    assert "Traceback" not in texts(replies)
    assert await stocks_and_orders(harness) == before
    assert await harness.shop.store.carts.lines("test:ann") == []


async def test_unknown_button_key_has_expired(harness: ChatHarness) -> None:
    harness.languages["ann"] = "en"
    replies = await harness.press_key("ann", "not-a-real-key")
    assert "This button has expired" in texts(replies)


async def test_button_for_a_product_gone_from_the_catalog(harness: ChatHarness, tmp_path) -> None:
    harness.languages["ann"] = "en"
    await harness.say("ann", "/browse")
    await harness.press("ann", "Baby")
    old_key = harness.find_button("ann", "Baby wipes").action
    # The owner removes the wipes from the catalog and reloads.
    before = harness.shop.catalog_holder.catalog
    source = tmp_path / "edited.yaml"
    original = harness.shop.settings.catalog_path.read_text(encoding="utf-8")
    start = original.index("  - sku: BABY-WIPES")
    end = original.index("  - sku: BABY-CREAM")
    source.write_text(original[:start] + original[end:], encoding="utf-8")
    harness.shop.catalog_holder.path = str(source)
    await harness.say("owner", "/reload")
    assert harness.shop.catalog_holder.catalog is not before
    assert load_catalog(source).product("BABY-WIPES") is None
    replies = await harness.press_key("ann", old_key)
    assert "This button has expired" in texts(replies)


async def test_reload_of_a_broken_catalog_keeps_the_old_one(harness: ChatHarness, tmp_path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("shop: [\n", encoding="utf-8")
    before = harness.shop.catalog_holder.catalog
    harness.shop.catalog_holder.path = str(broken)
    replies = await harness.say("owner", "/reload")
    assert "YAML syntax error" in texts(replies)
    assert harness.shop.catalog_holder.catalog is before


async def test_group_chatter_gets_no_reply_but_a_mention_does(harness: ChatHarness) -> None:
    assert await harness.say("ann", "lovely weather today", group="friends") == []
    assert await harness.say("ann", "2 rose masks", group="friends") == []
    replies = await harness.say("ann", "2 rose masks", group="friends", mention=True)
    assert replies and all(m.chat.is_group for m in replies[:1])
    [line] = await harness.shop.store.carts.lines("test:ann")
    assert line.qty == 2


async def test_group_start_moves_the_conversation_to_private(harness: ChatHarness) -> None:
    harness.languages["ann"] = "en"
    replies = await harness.say("ann", "/start", group="friends")
    group_messages = [m for m in replies if m.chat.is_group]
    private_messages = [m for m in replies if not m.chat.is_group]
    assert len(group_messages) == 1 and "private message" in group_messages[0].text
    assert private_messages and "Welcome to" in private_messages[0].text
