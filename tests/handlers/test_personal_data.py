"""/mydata shows a customer what the shop stores about them; /forgetme erases it after
a confirmation, keeping their orders in the owner's books without personal fields."""

from __future__ import annotations

from bot.i18n import t

from support import ChatHarness, texts

ADDRESS = "7 Plum Lane, Ningbo"


async def order(harness: ChatHarness, user: str) -> str:
    await harness.say(user, "1 walnuts")
    await harness.press(user, "check out" if harness.languages.get(user) == "en" else "去结算")
    for answer in (f"{user.title()} Chen", "13700001111", ADDRESS):
        await harness.say(user, answer)
    await harness.press(user, "no note" if harness.languages.get(user) == "en" else "不用备注")
    await harness.press(user, "confirm" if harness.languages.get(user) == "en" else "确认下单")
    [placed] = await harness.shop.store.orders.of_customer(f"test:{user}")
    return placed.number


async def test_mydata_shows_and_forgetme_erases_keeping_the_order(harness: ChatHarness) -> None:
    harness.languages["ada"] = "en"
    number = await order(harness, "ada")
    shown = texts(await harness.say("ada", "/mydata"))
    assert "What this shop stores about you" in shown
    assert ADDRESS in shown and "13700001111" in shown and number in shown

    asked = texts(await harness.say("ada", "/forgetme"))
    assert "cannot be undone" in asked
    assert (await harness.shop.store.customers.get("test:ada")) is not None, "asked first"
    kept = texts(await harness.press("ada", "No, keep it"))
    assert kept == t("privacy.kept", "en")
    await harness.say("ada", "/forgetme")
    done = texts(await harness.press("ada", "Yes, erase my data"))
    assert "1 order(s) stay" in done

    store = harness.shop.store
    assert await store.customers.get("test:ada") is None
    [kept_order] = await store.orders.of_customer("test:ada")
    assert kept_order.number == number and kept_order.total_minor > 0
    assert (kept_order.contact_name, kept_order.phone, kept_order.address) == ("", "", "")
    card = texts(await harness.say("owner", "/open"))
    assert number in card and "顾客已要求删除个人资料" in card and ADDRESS not in card
    again = texts(await harness.say("ada", "/mydata"))
    assert ADDRESS not in again and "13700001111" not in again and number in again


async def test_a_pressed_forget_button_only_ever_erases_the_presser(
    harness: ChatHarness,
) -> None:
    harness.languages["bo"] = "zh"
    harness.languages["cy"] = "zh"
    await order(harness, "bo")
    await harness.say("bo", "/forgetme")
    bos_button = harness.find_button("bo", "确定删除")
    # Cy presses Bo's button (forwarded, or its key guessed): Cy's own data goes, not Bo's.
    await harness.say("cy", "你好")
    await harness.press_key("cy", bos_button.action)
    bo = await harness.shop.store.customers.get("test:bo")
    assert bo is not None and bo.address == ADDRESS
    assert await harness.shop.store.customers.get("test:cy") is None


async def test_personal_data_is_never_shown_in_a_group(harness: ChatHarness) -> None:
    harness.languages["di"] = "en"
    await order(harness, "di")
    replies = await harness.say("di", "/mydata", group="friends")
    assert ADDRESS not in texts(replies)
    assert texts(replies) == t("privacy.private_only", "en")
