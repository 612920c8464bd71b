"""The owner's /promo commands as a seller types them: what she types is read, what is
wrong is said in words, and what the caps will do to her times is said up front."""

from __future__ import annotations

import pytest

from bot.catalog import load_catalog
from bot.channels.base import MembershipChange, RateLimits
from bot.i18n import t
from bot.messages import ChatKind, ChatRef
from bot.store import CampaignStatus
from promotions.spec import Complaint, clock_time, read_create

from support import CHANNEL, OWNER, SAMPLE_CATALOG, ChatHarness, texts


@pytest.mark.parametrize("value", ["1000", "-1", "abc", "0", "7天"])
async def test_preview_days_out_of_range_say_the_range(harness: ChatHarness, value: str) -> None:
    replies = texts(await harness.say(OWNER, f"/promo preview {value}"))
    assert "1 到 31" in replies and "预览" in replies
    assert "推广预览" not in replies and "Promotion preview" not in replies


async def test_preview_days_in_range_and_default(harness: ChatHarness) -> None:
    harness.languages[OWNER] = "en"
    await harness.say(OWNER, "/lang en")
    assert "Promotion preview" in texts(await harness.say(OWNER, "/promo preview 3"))
    assert "Promotion preview" in texts(await harness.say(OWNER, "/promo preview"))


async def test_create_in_quiet_hours_says_so_and_when_it_posts(harness: ChatHarness) -> None:
    # The harness clock: Monday 23 November 2026, 10:00 in Shanghai.
    reply = texts(await harness.say(OWNER, "/promo create night WALNUTS 21:30"))
    assert "21:30 在免打扰时段（21:00–09:00）内" in reply
    assert "周二 11-24 09:00" in reply  # tonight's 21:30 goes out tomorrow at 09:00
    daytime = texts(await harness.say(OWNER, "/promo create noon WALNUTS 12:00"))
    assert "免打扰" not in daytime


async def test_weekday_names_follow_the_language(harness: ChatHarness) -> None:
    listing = texts(await harness.say(OWNER, "/promo list"))
    assert "下次 周" in listing
    assert not any(day in listing for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    await harness.say(OWNER, "/lang en")
    assert "next Tue 11-24 10:30" in texts(await harness.say(OWNER, "/promo list"))


@pytest.mark.parametrize(
    ("typed", "times"),
    [
        ("10点", ["10:00"]),
        ("10点半", ["10:30"]),
        ("下午3点", ["15:00"]),
        ("10:30am", ["10:30"]),
        ("3pm", ["15:00"]),
        ("10：30", ["10:30"]),  # the Chinese keyboard's colon
        ("10:00，15:00", ["10:00", "15:00"]),
        ("10:00, 15:00", ["10:00", "15:00"]),
    ],
)
async def test_create_reads_times_as_sellers_type_them(
    harness: ChatHarness, typed: str, times: list[str]
) -> None:
    reply = texts(await harness.say(OWNER, f"/promo create nuts WALNUTS {typed}"))
    assert "已创建" in reply, reply
    stored = await harness.shop.store.campaigns.get("nuts")
    assert stored is not None and stored.campaign.schedule.times == times


async def test_create_reads_products_by_name_and_with_spaces(harness: ChatHarness) -> None:
    await harness.say(OWNER, "/promo create masks ROSE-MASK, SILK-MASK 10:00")
    stored = await harness.shop.store.campaigns.get("masks")
    assert stored is not None and stored.campaign.products == ["ROSE-MASK", "SILK-MASK"]
    await harness.say(OWNER, "/promo create rose 玫瑰面膜 10:00")
    stored = await harness.shop.store.campaigns.get("rose")
    assert stored is not None and stored.campaign.products == ["ROSE-MASK"]
    await harness.say(OWNER, "/promo create cakes 桂花糕 10:00")  # an alias
    stored = await harness.shop.store.campaigns.get("cakes")
    assert stored is not None and stored.campaign.products == ["RICE-CAKE"]
    several = texts(await harness.say(OWNER, "/promo create m 面膜 10:00"))
    assert "“面膜”可能是好几个商品" in several and "ROSE-MASK" in several


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("nuts WALNUTS 25:00", "“25:00”不是一天里的时间"),
        ("nuts WALNUTS 10:75", "“10:75”不是一天里的时间"),
        ("nuts WALNUTS tomorrow", "“tomorrow”不是一天里的时间"),
        ("a" * 40 + " WALNUTS 10:00", "不能做活动名"),
        ("nuts 榴莲 10:00", "不知道“榴莲”是哪个商品"),
        ("WALNUTS 10:00", "请先给活动起个名字，例如 /promo create walnuts"),
    ],
)
async def test_create_says_what_is_wrong_in_words(
    harness: ChatHarness, typed: str, said: str
) -> None:
    reply = texts(await harness.say(OWNER, f"/promo create {typed}"))
    assert said in reply, reply
    assert "pydantic" not in reply and "Unknown sku" not in reply


async def test_a_deleted_campaign_comes_back_and_its_id_can_be_reused(
    harness: ChatHarness,
) -> None:
    store = harness.shop.store
    await harness.say(OWNER, "/promo delete winter-masks")
    await harness.say(OWNER, "/promo resume winter-masks")
    stored = await store.campaigns.get("winter-masks")
    assert stored is not None and stored.status is CampaignStatus.ACTIVE
    await harness.say(OWNER, "/promo create nuts WALNUTS 10:00")
    await harness.say(OWNER, "/promo delete nuts")
    reply = texts(await harness.say(OWNER, "/promo create nuts RICE-CAKE 12:00"))
    assert "已创建" in reply
    stored = await store.campaigns.get("nuts")
    assert stored is not None and stored.status is CampaignStatus.ACTIVE
    assert stored.campaign.products == ["RICE-CAKE"]


def test_clock_times() -> None:
    assert clock_time("9:05") == "09:05" and clock_time("12am") == "00:00"
    assert clock_time("12pm") == "12:00" and clock_time("晚上9点") == "21:00"
    assert clock_time("13pm") is None and clock_time("24:00") is None
    assert clock_time("") is None and clock_time("10:5") is None


def test_an_ambiguous_name_is_not_guessed() -> None:
    catalog = load_catalog(SAMPLE_CATALOG)
    found = read_create("t tea 10:00", catalog)
    assert isinstance(found, Complaint) and found.key == "promo.several_products"


async def test_the_preview_states_the_pacing_of_the_platform_asked_on(
    harness: ChatHarness,
) -> None:
    # A WeChat-like pacing: 5 a second, 10 a minute per room.
    harness.channel.rate_limits = RateLimits(per_group_per_minute=10, overall_per_second=5)
    await harness.shop.on_membership(
        MembershipChange(ChatRef(CHANNEL, "friends", ChatKind.GROUP, "Friends"), joined=True)
    )
    await harness.shop.store.chats.set_promotions("test:friends", True)
    text = texts(await harness.say(OWNER, "/promo preview 7"))
    assert t("preview.broadcasts", "zh", rate=5, per_group=10) in text
