"""What follow-ups earned: the monthly numbers, conversions within 7 days, the owner's
/stats, ``chatshop followups`` and ``chatshop stats`` with its chart."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from shop_history import buy, days, meet, open_shop

from bot.cli import main
from bot.store import FollowUp, FollowUpOutcome, Purchase
from followups.stats import compute, month_keys

from support import texts

T0 = datetime(2026, 9, 10, 4, 0, tzinfo=UTC)


def bought(number: str, who: str, at: datetime, amount: int, sku: str = "ROSE-MASK") -> Purchase:
    return Purchase(number, who, sku, at, 1, amount)


def sent(who: str, at: datetime, outcome: FollowUpOutcome = FollowUpOutcome.SENT) -> FollowUp:
    return FollowUp(1, who, ("ROSE-MASK",), outcome, at)


def test_months_repeat_buyers_and_conversions() -> None:
    purchases = [
        bought("A1", "ann", T0, 3990),
        bought("B1", "bo", T0 + timedelta(days=1), 16800, "LONGJING-TEA"),
        bought("A2", "ann", T0 + timedelta(days=25), 3990),  # October 5th: a repeat
        bought("C1", "cy", T0 + timedelta(days=26), 3990),
        bought("A3", "ann", T0 + timedelta(days=40), 3990),  # converts the 1st follow-up
    ]
    followups = [
        sent("ann", T0 + timedelta(days=34)),  # ann orders 6 days later: converted
        sent("bo", T0 + timedelta(days=34)),  # bo never orders again
        sent("cy", T0 + timedelta(days=20)),  # cy orders 6 days later: converted
        sent("bo", T0 + timedelta(days=35), FollowUpOutcome.DONE),  # by hand: not counted
    ]
    stats = compute(purchases, followups, "Asia/Shanghai", date(2026, 10, 31), months=2)
    september, october = stats.months
    assert (september.month, september.orders, september.revenue_minor) == ("2026-09", 2, 20790)
    assert september.repeat_buyers == 0 and september.followups_sent == 1
    assert september.followups_converted == 1
    assert (october.orders, october.revenue_minor, october.buyers) == (3, 11970, 2)
    assert october.repeat_buyers == 1 and october.repeat_revenue_minor == 7980
    assert october.repeat_rate == 0.5
    assert (october.followups_sent, october.followups_converted) == (2, 1)
    assert stats.top_products[0] == ("LONGJING-TEA", 1, 16800)


def test_an_order_eight_days_later_does_not_convert() -> None:
    purchases = [bought("A1", "ann", T0 + timedelta(days=8, seconds=1), 3990)]
    stats = compute(purchases, [sent("ann", T0)], "Asia/Shanghai", date(2026, 9, 30), 1)
    assert stats.months[0].followups_converted == 0


def test_month_keys_cross_a_year() -> None:
    assert month_keys(date(2026, 2, 3), 3) == ["2025-12", "2026-01", "2026-02"]


async def test_owner_stats_in_chat_with_a_chart(tmp_path: Path) -> None:
    shop = await open_shop(tmp_path)
    try:
        await meet(shop, "owner", "zh")
        await meet(shop, "ann")
        await buy(shop, "ann", "ROSE-MASK", 2)
        days(shop, 30)
        await buy(shop, "ann", "ROSE-MASK", 1)
        [answer] = await shop.say("owner", "/stats 3")
        assert "最近3个月" in answer.text
        assert "2026-09：1单 · ¥79.80 · 回头客0%" in answer.text
        assert "2026-10：1单 · ¥39.90 · 回头客100% · ¥39.90 · 0 → 0" in answer.text
        assert answer.image is not None
        png = await asyncio.to_thread(Path(answer.image).read_bytes)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert "（1到36）" in texts(await shop.say("owner", "/stats 99"))
        assert "/stats 12" in texts(await shop.say("owner", "/stats lots"))
    finally:
        await shop.close()


async def _ann_buys_every_28_days(tmp_path: Path) -> None:
    shop = await open_shop(tmp_path)
    try:
        await meet(shop, "ann")
        await buy(shop, "ann", "ROSE-MASK", 2)
        days(shop, 28)
        await buy(shop, "ann", "ROSE-MASK", 2)
    finally:
        await shop.close()


def test_cli_followups_and_stats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_ann_buys_every_28_days(tmp_path))
    db = str(tmp_path / "shop.db")
    monkeypatch.delenv("CHATSHOP_OWNERS", raising=False)
    assert main(["followups", "--db", db, "--as-of", "2026-10-25", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "2026-10-25: nobody is due" in out
    assert main(["followups", "--db", db, "--as-of", "2026-10-26", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    [ann] = report["due"]
    assert ann["customer"] == "test:ann" and ann["products"][0]["interval_days"] == 28
    assert ann["products"][0]["due_on"] == "2026-10-26"
    png = tmp_path / "chart.png"
    assert main(["stats", "--db", db, "--months", "2", "--png", str(png), "--lang", "en"]) == 0
    assert "Last 2 months" in capsys.readouterr().out
    assert png.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(SystemExit):
        main(["followups", "--db", db, "--as-of", "28/10"])
    assert "is not a day like 2026-11-23" in capsys.readouterr().err
