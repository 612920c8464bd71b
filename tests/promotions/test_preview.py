"""The promotions preview: the live loop over a small shop, and what the seller reads.

The shop below is small enough to follow by hand; the comments give the story the
assertions check. The checks look for key lines rather than a full snapshot, so wording
elsewhere can change without breaking them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import Campaign, Schedule
from bot.channels.base import RateLimits
from bot.i18n import MESSAGES
from promotions.caps import Audience, AudienceKind, CapsConfig, PastPost, Reason, Verdict
from promotions.render import render
from promotions.simulate import PlannedPost, Preview, simulate

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, tzinfo=SHANGHAI)  # Monday 00:00 in the shop's zone

BIG = Audience(
    "tg:big",
    AudienceKind.GROUP,
    "Asia/Shanghai",
    frozenset({"ann", "bob", "cat", "dan"}),
    title="Rose lovers",
)
SMALL = Audience(
    "tg:small", AudienceKind.GROUP, "Asia/Shanghai", frozenset({"ann", "eve"}), title="Neighbours"
)
LONDON = Audience(
    "tg:london", AudienceKind.GROUP, "Europe/London", frozenset({"fay"}), title="London friends"
)
OFF = Audience(
    "tg:off",
    AudienceKind.GROUP,
    "Asia/Shanghai",
    frozenset({"gus"}),
    enabled=False,
    title="Family",
)
GROUPS = [OFF, LONDON, SMALL, BIG]

WINTER = Campaign(
    id="winter-masks",
    products=["ROSE-MASK", "SILK-MASK"],
    schedule=Schedule(times=["10:30"], weekdays=["mon"]),
)
ORANGE = Campaign(
    id="orange-season",
    products=["NAVEL-ORANGE-BOX"],
    schedule=Schedule(times=["11:00", "22:00"], weekdays=["mon"]),
)


def shop_preview(days: int = 2) -> Preview:
    return simulate(
        [WINTER, ORANGE],
        lambda c: GROUPS,
        [],
        CapsConfig(),
        "Asia/Shanghai",
        START,
        days,
        RateLimits(),
    )


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def entry(preview: Preview, campaign: str, chat: str, slot: datetime) -> PlannedPost:
    [found] = [
        p for p in preview.posts if (p.campaign_id, p.chat_key, p.slot) == (campaign, chat, slot)
    ]
    return found


def test_the_live_loop_over_a_small_shop() -> None:
    preview = shop_preview()
    # 3 slots (Mon 10:30, 11:00, 22:00) x 4 groups, each with one final word.
    assert len(preview.posts) == 12
    # 10:30 winter masks: the big group first; the small one shares Ann with it.
    assert entry(preview, "winter-masks", "tg:big", at(23, 10, 30)).decision.posts
    small = entry(preview, "winter-masks", "tg:small", at(23, 10, 30)).decision
    assert (small.reason, small.detail) == (Reason.OVERLAP, "tg:big")
    assert entry(preview, "winter-masks", "tg:off", at(23, 10, 30)).decision.reason is (
        Reason.NOT_ENABLED
    )
    # 10:30 in Shanghai is 02:30 in London: the post waits for 09:00 there (17:00 here).
    london = entry(preview, "winter-masks", "tg:london", at(23, 10, 30))
    assert london.decision.posts and london.at == at(23, 17, 0) and london.delayed
    # 11:00 oranges: the big group posted at 10:30, so it must wait until 13:30; the
    # small group posts at once, and at 13:30 the big group shares Ann with it.
    assert entry(preview, "orange-season", "tg:small", at(23, 11)).decision.posts
    big = entry(preview, "orange-season", "tg:big", at(23, 11))
    assert big.at == at(23, 13, 30)
    assert (big.decision.reason, big.decision.detail) == (Reason.OVERLAP, "tg:small")
    # London: quiet until 17:00, then three hours after the masks: 20:00 (12:00 there).
    assert entry(preview, "orange-season", "tg:london", at(23, 11)).at == at(23, 20)
    # 22:00 oranges: quiet hours here, so decided at 09:00 on Tuesday, when the small
    # group has had oranges within 72 h; London had them two hours ago.
    late = entry(preview, "orange-season", "tg:small", at(23, 22))
    assert late.at == at(24, 9) and late.decision.reason is Reason.PRODUCT_COOLDOWN
    assert entry(preview, "orange-season", "tg:london", at(23, 22)).decision.reason is (
        Reason.PRODUCT_COOLDOWN
    )
    assert preview.posted == 4 and preview.delayed == 2 and preview.suppressed == 8
    assert preview.by_reason == {
        Reason.OVERLAP: 3,
        Reason.NOT_ENABLED: 3,
        Reason.PRODUCT_COOLDOWN: 2,
    }
    assert [(b.at, b.slot, b.campaign_id, b.posts) for b in preview.broadcasts] == [
        (at(23, 10, 30), at(23, 10, 30), "winter-masks", 1),
        (at(23, 11), at(23, 11), "orange-season", 1),
        (at(23, 17), at(23, 10, 30), "winter-masks", 1),
        (at(23, 20), at(23, 11), "orange-season", 1),
    ]


def test_render_in_english_reads_at_a_glance() -> None:
    text = render(shop_preview(), "en")
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == ("Promotion preview: Mon 23 Nov – Tue 24 Nov, times in Asia/Shanghai")
    assert "Campaigns (2): winter-masks, orange-season" in lines
    # Largest group first; days in the shop's time; reasons in words.
    assert text.index("Rose lovers") < text.index("Neighbours") < text.index("London friends")
    assert "10:30 winter-masks: ROSE-MASK, SILK-MASK" in lines
    # The person who links the two groups is named, so the seller knows why.
    assert (
        "10:30 winter-masks: not posted, shown in Rose lovers within 72 h"
        " (ann is in both groups)" in lines
    )
    assert "London friends · Europe/London" in lines
    assert (
        "17:00 (09:00 local) winter-masks: ROSE-MASK, SILK-MASK"
        " (planned for 10:30, moved: quiet hours (21:00–09:00))"
    ) in lines
    assert "22:00 (14:00 local) orange-season: not posted, already posted here within 72 h" in (
        lines
    )
    assert (
        "09:00 orange-season: not posted, already posted here within 72 h"
        " (planned for Mon 23 Nov 22:00)"
    ) in lines
    assert "10:30 winter-masks: not posted, promotions not enabled in this group" in lines
    assert "Mon 23 Nov 10:30 winter-masks: 1 post, about 1 s" in lines
    assert "Mon 23 Nov 17:00 winter-masks: 1 post, about 1 s (delayed from 10:30)" in lines
    assert "Totals: 4 posts (2 after a delay), 8 not posted" in lines
    assert "the same people already saw it in another group: 3" in lines
    assert "promotions not enabled: 3" in lines


def test_render_in_chinese_uses_the_same_facts() -> None:
    text = render(shop_preview(), "zh")
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "推广预览：11月23日 周一 – 11月24日 周二，时间按Asia/Shanghai"
    assert "10:30 winter-masks：ROSE-MASK, SILK-MASK" in lines
    assert "10:30 winter-masks：不发，72小时内已在“Rose lovers”发过（ann 在两个群里）" in lines
    assert any(line.startswith("17:00（当地09:00） winter-masks：") for line in lines)
    assert "11月23日 周一 10:30 winter-masks：1条，约1秒" in lines
    assert "合计：4条（其中2条顺延后发出），8次不发" in lines
    assert "同一批人已在别的群看到过：3" in lines
    assert not any(word in text for word in ("not posted", "Totals", "about"))


def test_render_is_deterministic_and_titles_override() -> None:
    first, second = render(shop_preview(), "en"), render(shop_preview(), "en")
    assert first == second
    renamed = render(shop_preview(), "en", titles={"tg:big": "VIP"})
    assert "shown in VIP within 72 h" in renamed and "Rose lovers" not in renamed


def test_a_big_broadcast_shows_how_long_it_takes() -> None:
    groups = [Audience(f"tg:{n}", AudienceKind.GROUP, "Asia/Shanghai") for n in range(1240)]
    sat = Campaign(
        id="orange-season",
        products=["NAVEL-ORANGE-BOX"],
        schedule=Schedule(times=["19:00"], weekdays=["sat"]),
    )
    tea = Campaign(
        id="tea-time", products=["TEA"], schedule=Schedule(times=["19:00"], weekdays=["sat"])
    )
    preview = simulate(
        [sat, tea],
        lambda c: groups if c is sat else groups[:60],
        [],
        CapsConfig(shop_daily_budget=10_000, group_min_gap=timedelta(0)),
        "Asia/Shanghai",
        START,
        7,
        RateLimits(),
    )
    first, second = preview.broadcasts
    assert (first.posts, round(first.seconds, 1)) == (1240, 41.3)
    # Sent after the first, through the same 30-a-second pipe: 1,300 messages in all.
    assert (second.posts, round(second.seconds, 1)) == (60, 43.3)
    text = render(preview, "en", max_groups=5)
    assert "Sat 28 Nov 19:00 orange-season: 1,240 posts, about 41 s" in text
    assert "... and 1,235 more groups" in text
    assert "Totals: 1,300 posts (0 after a delay), 0 not posted" in text


def test_many_suppressions_in_a_day_are_summed_up() -> None:
    hourly = Campaign(
        id="hourly",
        products=["A", "B", "C", "D", "E", "F", "G", "H"],
        schedule=Schedule(times=[f"{h:02d}:00" for h in range(9, 21)], weekdays=["mon"]),
    )
    preview = simulate(
        [hourly], lambda c: [BIG], [], CapsConfig(), "Asia/Shanghai", START, 1, RateLimits()
    )
    lines = [line.strip() for line in render(preview, "en").splitlines()]
    assert "09:00 hourly: A, B, C, D, E, F, G, H" in lines
    assert "11 slots not posted: already posted here within 72 h ×11" in lines
    # The second post of the day would be allowed, but every product is cooling down.
    assert preview.by_reason == {Reason.PRODUCT_COOLDOWN: 11}


def test_a_busy_day_names_the_groups_that_got_it_first() -> None:
    small = Audience("tg:s", AudienceKind.GROUP, "Asia/Shanghai", frozenset({"ann", "zed"}))
    bigger = [
        Audience(
            f"tg:{n}",
            AudienceKind.GROUP,
            "Asia/Shanghai",
            frozenset({"ann", "b", "c"}),
            title=f"Big {n}",
        )
        for n in "ABCD"
    ]
    plan = [
        Campaign(id=f"c{n}", products=[f"P{n}"], schedule=Schedule(times=[f"10:{n * 15:02d}"]))
        for n in range(4)
    ]
    preview = simulate(
        plan,
        lambda c: [bigger[int(c.id[1])], small],
        [],
        CapsConfig(),
        "Asia/Shanghai",
        START,
        1,
        RateLimits(),
    )
    lines = [line.strip() for line in render(preview, "en").splitlines()]
    assert "4 slots not posted: shown in Big A, Big B and 2 more within 72 h ×4" in lines


def test_history_counts_and_late_delays_stay_delayed() -> None:
    # Two posts already went out in the big group on Monday morning: no more that day.
    history = [
        PastPost("tg:big", frozenset({"TEA"}), at(23, 0, 30), AudienceKind.GROUP),
        PastPost("tg:big", frozenset({"PEAR"}), at(23, 1, 0), AudienceKind.GROUP),
    ]
    preview = simulate(
        [WINTER], lambda c: [BIG], history, CapsConfig(), "Asia/Shanghai", START, 1, RateLimits()
    )
    [only] = preview.posts
    assert only.decision.reason is Reason.GROUP_DAILY
    assert "already 2 posts today" in render(preview, "en")
    # A 22:00 slot on the last day is decided again at 09:00 the next day: beyond the end.
    late = Campaign(id="late", products=["X"], schedule=Schedule(times=["22:00"]))
    preview = simulate(
        [late], lambda c: [BIG], [], CapsConfig(), "Asia/Shanghai", START, 1, RateLimits()
    )
    [waiting] = preview.posts
    assert waiting.decision.verdict is Verdict.DELAY and waiting.at == at(23, 22)
    assert waiting.decision.not_before == at(24, 9)
    assert preview.waiting == 1
    text = render(preview, "en")
    assert "22:00 late: waiting until Tue 24 Nov 09:00 (quiet hours (21:00–09:00))" in text
    assert "1 still waiting when the preview ends" in text
    assert "No posts would go out in this period." in text


def test_subscribers_are_listed_after_groups() -> None:
    ann = Audience("tg:ann", AudienceKind.SUBSCRIBER, "Asia/Shanghai", frozenset({"ann"}))
    tea = Campaign(
        id="tea", products=["TEA"], schedule=Schedule(times=["12:00"]), target="subscribers"
    )
    pears = Campaign(
        id="pears", products=["PEAR"], schedule=Schedule(times=["18:00"]), target="subscribers"
    )
    preview = simulate(
        [tea, pears, WINTER],
        lambda c: [SMALL] if c is WINTER else [ann],
        [],
        CapsConfig(),
        "Asia/Shanghai",
        START,
        2,
        RateLimits(),
    )
    text = render(preview, "en", titles={"tg:ann": "Ann"})
    assert text.index("Neighbours") < text.index("Ann (subscriber)")
    assert "12:00 tea: TEA" in text
    assert "18:00 pears: not posted, already got a promotion today" in text  # one a day


def test_the_planned_posts_read_like_a_sequence() -> None:
    posts = shop_preview().posts
    everything = list(posts)
    assert len(everything) == len(posts) == 12
    assert posts[0] == everything[0] and posts[-1] == everything[-1]
    assert posts[2:4] == everything[2:4]
    with pytest.raises(IndexError, match=r"^12$"):
        posts[12]
    assert [p.chat_key for p in posts.of_chat("tg:small")] == ["tg:small"] * 3
    assert posts.of_chat("nobody") == []
    assert set(posts.chat_keys()) == {"tg:big", "tg:small", "tg:london", "tg:off"}


def test_every_reason_has_words_in_both_languages() -> None:
    for reason in Reason:
        if reason is Reason.OK:
            continue
        assert f"reason.total.{reason.value}" in MESSAGES
        assert f"reason.{reason.value}" in MESSAGES


def test_start_must_be_aware() -> None:
    with pytest.raises(ValueError, match="start must be an aware datetime"):
        simulate(
            [WINTER],
            lambda c: [BIG],
            [],
            CapsConfig(),
            "Asia/Shanghai",
            datetime(2026, 11, 23),
            1,
            RateLimits(),
        )
