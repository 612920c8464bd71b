"""What the second sandbox drive found (2026-11-27 afternoon): messages real customers and
owners type, each with what a person tripped over before the fix."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import counted_unit, t
from bot.store import TicketReason

from support import OWNER, ChatHarness, texts

# What a customer answers at each checkout step, up to the order's summary.
CHECKOUT = {
    "zh": ("去结算", ("王美丽", "13812345678", "上海市浦东新区张江路88号"), "不用备注"),
    "en": ("check out", ("Sam Wong", "13912345678", "88 Huaihai Road, Shanghai"), "no note"),
}


async def fill_in_checkout(harness: ChatHarness, user: str) -> None:
    start, answers, no_note = CHECKOUT[harness.languages[user]]
    await harness.press(user, start)
    for answer in answers:
        await harness.say(user, answer)
    await harness.press(user, no_note)


async def test_asking_what_snacks_there_are_is_one_list_not_a_ticket(
    harness: ChatHarness,
) -> None:
    harness.languages["mei"] = "zh"
    replies = await harness.say("mei", "有什么好吃的零食推荐吗")
    assert len(replies) == 1  # one list, not a message per product, and no owner notice
    text = texts(replies)
    assert t("words.products_list", "zh") in text
    for name in ("纸皮核桃", "麻辣牛肉干", "桂花糕"):
        assert name in text
    assert await harness.shop.store.tickets.open_tickets() == []


async def test_any_snacks_in_english_lists_them_with_a_button_each(harness: ChatHarness) -> None:
    harness.languages["tom"] = "en"
    replies = await harness.say("tom", "any snacks?")
    assert len(replies) == 1
    labels = [b.label for row in replies[0].buttons for b in row]
    assert "➕ Spicy beef jerky (200 g)" in labels
    assert "45 bags left" in replies[0].text
    await harness.press("tom", "Spicy beef jerky")  # one tap buys
    lines = await harness.shop.store.carts.lines("test:tom")
    assert [(line.sku, line.qty) for line in lines] == [("BEEF-JERKY", 1)]


async def test_a_vague_word_the_named_product_already_covers_asks_nothing(
    harness: ChatHarness,
) -> None:
    harness.languages["tom"] = "en"
    replies = await harness.say("tom", "also throw in some wipes for my baby")
    assert t("order.which_one", "en", text="baby") not in texts(replies)
    lines = await harness.shop.store.carts.lines("test:tom")
    assert [(line.sku, line.qty) for line in lines] == [("BABY-WIPES", 1)]


async def test_stale_tea_is_a_complaint_for_the_owner_said_once(harness: ChatHarness) -> None:
    harness.languages["tom"] = "en"
    replies = await harness.say("tom", "I want to return the tea, it tastes stale")
    tickets = await harness.shop.store.tickets.open_tickets()
    assert [ticket.reason for ticket in tickets] == [TicketReason.COMPLAINT]
    to_tom = texts([m for m in replies if m.chat.chat_id == "tom"])
    assert to_tom.count("passed") == 1  # "passed to the owner" once, not twice
    assert "with your order" not in to_tom  # Tom has no order


async def test_chinese_stale_tea_is_a_complaint_not_an_order(harness: ChatHarness) -> None:
    harness.languages["lin"] = "zh"
    await harness.say("lin", "茶叶不新鲜")
    assert await harness.shop.store.carts.lines("test:lin") == []
    tickets = await harness.shop.store.tickets.open_tickets()
    assert [ticket.reason for ticket in tickets] == [TicketReason.COMPLAINT]


async def test_i_paid_before_confirming_says_the_order_is_not_placed(
    harness: ChatHarness,
) -> None:
    harness.languages["mei"] = "zh"
    await harness.say("mei", "两袋核桃")
    await fill_in_checkout(harness, "mei")
    replies = texts(await harness.say("mei", "我已经付款了"))
    assert t("orders.not_confirmed_yet", "zh") in replies
    assert t("orders.none", "zh") not in replies
    assert t("checkout.summary_title", "zh") in replies  # the summary, asked again


async def test_an_owner_asking_orders_is_pointed_to_the_shops(harness: ChatHarness) -> None:
    harness.languages[OWNER] = "en"
    replies = texts(await harness.say(OWNER, "/orders"))
    assert "/open" in replies


def test_english_units_read_as_plurals() -> None:
    assert counted_unit("tin", 25, "en") == "tins"
    assert counted_unit("box", 3, "en") == "boxes"
    assert counted_unit("box", 1, "en") == "box"
    assert counted_unit("jin", 5, "en") == "jin"
    assert counted_unit("盒", 5, "zh") == "盒"


async def test_a_price_question_says_tins_not_tin(harness: ChatHarness) -> None:
    harness.languages["tom"] = "en"
    replies = texts(await harness.say("tom", "how much for the longjing"))
    assert "In stock: 25 tins" in replies


async def test_a_greeting_with_a_question_is_the_question(harness: ChatHarness) -> None:
    harness.languages["jack"] = "en"
    await harness.say("jack", "Hi! Do you do gift wrapping?")
    [ticket] = await harness.shop.store.tickets.open_tickets()
    assert ticket.reason is TicketReason.QUESTION
    harness.languages["ann"] = "zh"
    await harness.say("ann", "你好，可以开发票吗")
    assert len(await harness.shop.store.tickets.open_tickets()) == 2
    await harness.say("bea", "hi, 在吗")  # a greeting alone is still a greeting
    assert len(await harness.shop.store.tickets.open_tickets()) == 2


async def test_how_about_three_is_an_order(harness: ChatHarness) -> None:
    harness.languages["jack"] = "en"
    await harness.say("jack", "ok. how about 3 packs of the rose mask then")
    lines = await harness.shop.store.carts.lines("test:jack")
    assert [(line.sku, line.qty) for line in lines] == [("ROSE-MASK", 3)]


async def test_stop_sending_me_ads_in_chinese_is_an_opt_out(harness: ChatHarness) -> None:
    harness.languages["lin"] = "zh"
    replies = texts(await harness.say("lin", "别再给我发广告了"))
    assert "没有找到" not in replies
    assert await harness.shop.store.customers.promo_flags("test:lin") == (False, True)


async def test_an_owner_who_is_not_understood_is_shown_the_owner_commands(
    harness: ChatHarness,
) -> None:
    harness.languages[OWNER] = "zh"
    replies = texts(await harness.say(OWNER, "今天有几个新订单"))
    assert "/open" in replies and "/tickets" in replies


async def test_after_a_list_one_more_names_no_line_of_it(harness: ChatHarness) -> None:
    """The list's first line is not "this one": 来一饼 is the Pu'er just named, only."""
    harness.languages["carol"] = "zh"
    await harness.say("carol", "有适合送长辈的茶叶吗")
    await harness.say("carol", "那就普洱吧，来一饼")
    lines = await harness.shop.store.carts.lines("test:carol")
    assert [(line.sku, line.qty) for line in lines] == [("PUER-CAKE", 1)]


async def test_what_is_good_today_shows_the_shops_aisles(harness: ChatHarness) -> None:
    harness.languages["sam"] = "en"
    replies = await harness.say("sam", "hello! what's good today?")
    assert t("words.what_we_sell", "en") in texts(replies)
    labels = [b.label for row in replies[-1].buttons for b in row]
    assert "Tea" in labels and "Snacks" in labels
    assert await harness.shop.store.tickets.open_tickets() == []


async def test_actually_no_jasmine_takes_it_out(harness: ChatHarness) -> None:
    harness.languages["sam"] = "en"
    await harness.say("sam", "2 bags of jasmine tea and 1 walnuts")
    await harness.say("sam", "actually no jasmine")
    lines = await harness.shop.store.carts.lines("test:sam")
    assert [(line.sku, line.qty) for line in lines] == [("WALNUTS", 1)]
    replies = texts(await harness.say("sam", "no thanks"))
    assert await harness.shop.store.carts.lines("test:sam") == lines  # still the walnuts
    assert "which" not in replies.lower()


async def test_whats_my_total_shows_the_cart(harness: ChatHarness) -> None:
    harness.languages["sam"] = "en"
    await harness.say("sam", "2 walnuts")
    replies = texts(await harness.say("sam", "whats my total"))
    assert "Total: ¥" in replies
    assert await harness.shop.store.tickets.open_tickets() == []


def test_a_unit_of_several_words_is_left_as_it_is() -> None:
    assert counted_unit("jin (500 g)", 200, "en") == "jin (500 g)"


async def test_a_promotion_written_in_the_wrong_shape_is_shown_the_right_one(
    harness: ChatHarness,
) -> None:
    harness.languages[OWNER] = "zh"
    replies = texts(await harness.say(OWNER, "/promo create 明天上午10点 发 龙井 到 姐妹团"))
    assert "/promo create 早茶 龙井 10:00" in replies
    replies = texts(await harness.say(OWNER, "/promo create 早茶 龙井 10:00 新茶到了！"))
    assert await harness.shop.store.campaigns.get("早茶") is not None


async def test_five_jin_after_the_oranges_list_is_the_oranges_by_the_jin(
    harness: ChatHarness,
) -> None:
    harness.languages["sam"] = "en"
    await harness.say("sam", "do u have any oranges")
    await harness.say("sam", "5 jin please")
    lines = await harness.shop.store.carts.lines("test:sam")
    assert [(line.sku, line.qty) for line in lines] == [("NAVEL-ORANGE-JIN", 5)]


async def test_a_bare_quantity_after_a_product_is_that_product(harness: ChatHarness) -> None:
    harness.languages["lin"] = "zh"
    await harness.say("lin", "核桃多少钱")
    await harness.say("lin", "3袋吧")
    lines = await harness.shop.store.carts.lines("test:lin")
    assert [(line.sku, line.qty) for line in lines] == [("WALNUTS", 3)]


async def test_a_unit_several_listed_products_fit_asks_which(harness: ChatHarness) -> None:
    harness.languages["sam"] = "en"
    await harness.say("sam", "any snacks?")  # walnuts, jerky: bags; rice cakes: box
    replies = await harness.say("sam", "2 bags")  # two of the list are sold by the bag
    assert await harness.shop.store.carts.lines("test:sam") == []
    labels = [b.label for m in replies for row in m.buttons for b in row]
    assert any("walnuts" in label for label in labels)
    assert any("jerky" in label for label in labels)
    assert not any("rice cakes" in label for label in labels)
    await harness.press("sam", "jerky")
    lines = await harness.shop.store.carts.lines("test:sam")
    assert [(line.sku, line.qty) for line in lines] == [("BEEF-JERKY", 2)]


async def test_the_list_shown_survives_a_restart(tmp_path: Path) -> None:
    first = await ChatHarness.open(tmp_path / "shop.db")
    first.languages["sam"] = "en"
    await first.say("sam", "do u have any oranges")
    await first.close()
    again = await ChatHarness.open(tmp_path / "shop.db")
    again.languages["sam"] = "en"
    try:
        await again.say("sam", "5 jin please")
        lines = await again.shop.store.carts.lines("test:sam")
        assert [(line.sku, line.qty) for line in lines] == [("NAVEL-ORANGE-JIN", 5)]
    finally:
        await again.close()


async def test_make_the_walnuts_two_sets_the_line(harness: ChatHarness) -> None:
    harness.languages["sam"] = "en"
    await harness.say("sam", "5 walnuts")
    await harness.say("sam", "actually make the walnuts 2")
    lines = await harness.shop.store.carts.lines("test:sam")
    assert [(line.sku, line.qty) for line in lines] == [("WALNUTS", 2)]


async def test_a_phone_number_pasted_alone_is_no_quantity(harness: ChatHarness) -> None:
    harness.languages["sam"] = "en"
    await harness.say("sam", "how much are walnuts")
    replies = texts(await harness.say("sam", "13812345678"))
    assert "At most" not in replies
    assert await harness.shop.store.carts.lines("test:sam") == []


async def test_an_order_number_alone_shows_the_orders(harness: ChatHarness) -> None:
    harness.languages["sam"] = "en"
    await harness.say("sam", "1 walnuts")
    await fill_in_checkout(harness, "sam")
    await harness.press("sam", "confirm order")
    [order] = await harness.shop.store.orders.of_customer("test:sam")
    replies = texts(await harness.say("sam", f"#{order.number}"))
    assert order.number in replies and "awaiting payment" in replies


async def test_owner_notices_are_in_the_language_the_owner_chose(harness: ChatHarness) -> None:
    """The shop speaks Chinese by default; an owner who chose English reads English."""
    await harness.say(OWNER, "/lang en")
    harness.languages["mei"] = "zh"
    await harness.say("mei", "宝宝湿疹能用婴儿霜吗")  # a ticket for the owner
    assert "Ticket #1" in harness.last_text(OWNER)
    assert "工单" not in harness.last_text(OWNER)
    await harness.say("mei", "一袋核桃")
    await fill_in_checkout(harness, "mei")
    await harness.press("mei", "确认下单")
    notice = harness.last_text(OWNER)
    assert "New order" in notice and "新订单" not in notice


async def test_an_owner_who_chose_nothing_reads_the_shops_language(harness: ChatHarness) -> None:
    harness.languages["tom"] = "en"
    await harness.say("tom", "is the baby cream ok for eczema?")
    assert "工单" in harness.last_text(OWNER)


async def test_which_is_better_compares_the_two_side_by_side(harness: ChatHarness) -> None:
    harness.languages["hua"] = "zh"
    replies = await harness.say("hua", "老板，蚕丝面膜和玫瑰面膜哪个好")
    assert len(replies) == 1
    text = texts(replies)
    for description in ("蚕丝蛋白贴片面膜", "玫瑰水加玻尿酸"):
        assert description in text
    assert "欢迎" not in text  # the question, not the greeting, is answered


async def test_take_it_out_and_switch_to_silk_is_one_swap(harness: ChatHarness) -> None:
    harness.languages["hua"] = "zh"
    await harness.say("hua", "玫瑰面膜来3盒")
    await harness.say("hua", "不要了，换成蚕丝的")
    lines = await harness.shop.store.carts.lines("test:hua")
    assert [(line.sku, line.qty) for line in lines] == [("SILK-MASK", 3)]


def test_order_numbers_alone_are_read_as_the_receipt_writes_them() -> None:
    from bot.catalog import load_catalog
    from bot.nlu.intents import Intent
    from bot.nlu.reading import read

    from support import SAMPLE_CATALOG

    catalog = load_catalog(SAMPLE_CATALOG)
    for said, number in (("#EZBDKK", "EZBDKK"), ("EZBDKK", "EZBDKK"), ("k7m2qp", "K7M2QP")):
        reading = read(said, catalog)
        assert (reading.main, reading.order_number) == (Intent.MY_ORDERS, number), said
    for word in ("walnut", "thanks", "masks!"):
        assert read(word, catalog).main is not Intent.MY_ORDERS, word
