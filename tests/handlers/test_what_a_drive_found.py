"""What a drive through the sandbox found after the understanding, money and WeChat work
met: each a message a customer really types."""

from __future__ import annotations

from bot.i18n import t

from support import ChatHarness, texts


async def test_removing_by_a_name_that_fits_the_line_in_the_cart(harness: ChatHarness) -> None:
    harness.languages["lin"] = "zh"
    await harness.say("lin", "来一斤脐橙")  # the oranges by the jin
    await harness.say("lin", "两盒玫瑰面膜")
    replies = await harness.say("lin", "橙子不要了")  # "橙子" names the box, which is not in it
    assert "购物车里没有" not in texts(replies)
    lines = await harness.shop.store.carts.lines("test:lin")
    assert [(line.sku, line.qty) for line in lines] == [("ROSE-MASK", 2)]


async def test_the_shipping_fee_is_answered_once_from_the_rule(harness: ChatHarness) -> None:
    harness.languages["lin"] = "zh"
    answer = texts(await harness.say("lin", "运费怎么算"))
    rule = harness.shop.catalog_holder.catalog.shipping_text("zh")
    assert rule in answer
    policy = harness.shop.catalog_holder.catalog.shop.shipping_policy.zh
    assert answer.count(policy) == 1  # the policy is part of the rule's words, said once


async def test_no_note_typed_is_no_note(harness: ChatHarness) -> None:
    harness.languages["tom"] = "en"
    await harness.say("tom", "2 walnuts")
    await harness.press("tom", "check out")
    for answer in ("Tom Baker", "+44 7700 900123", "221B Baker Street, London NW1"):
        await harness.say("tom", answer)
    summary = texts(await harness.say("tom", "no note thanks"))
    assert t("checkout.summary_title", "en") in summary
    assert "Note:" not in summary
