"""``chatshop orders import``: an owner's spreadsheet history read into orders that the due
list, the customer card and the statistics count like live ones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from shop_history import open_shop

from bot.catalog import load_catalog
from bot.cli import main
from bot.clock import FakeClock
from bot.store import Store
from followups.cli import import_report
from followups.history import due_customers
from followups.sending import check

from support import SAMPLE_CATALOG, texts

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
CATALOG = load_catalog(SAMPLE_CATALOG)

GOOD = (
    "Quantity,date,customer,contact,product,unit_price\n"
    "2,2026-09-01,Ann Li,telegram:ann,ROSE-MASK,\n"
    "1,2026-09-29,Ann Li,telegram:ann,玫瑰补水面膜（10片装）,35.00\n"
    "3,2026-10-27,Ann Li,telegram:ann,rose mask,\n"
    '1,2026-10-01,"=HYPERLINK(""http://evil"",""x"")",138 0013 8000,longjing,\n'
    "\n"
)


async def run_import(tmp_path: Path, name: str, data: bytes, skip_bad: bool = False):
    path = tmp_path / name
    path.write_bytes(data)
    return await import_report(CATALOG, tmp_path / "shop.db", FakeClock(NOW), path, skip_bad)


async def test_a_good_file_counts_in_the_due_list_and_the_card(tmp_path: Path) -> None:
    shop = await open_shop(tmp_path, NOW)
    report, status = await run_import(tmp_path, "history.csv", GOOD.encode())
    assert status == 0, report
    assert report == "Imported 4 order(s) from history.csv."
    store = shop.shop.store
    bought = await store.records.purchases(key="telegram:ann")
    assert [(p.sku, p.qty, p.amount_minor) for p in bought] == [
        ("ROSE-MASK", 2, 7980),
        ("ROSE-MASK", 1, 3500),  # the price written wins over the catalog's
        ("ROSE-MASK", 3, 11970),
    ]
    # Every 28 days, last on October 27th: due on November 22nd (less the 2-day lead).
    [ann] = await due_customers(store, CATALOG, date(2026, 11, 23))
    assert ann.customer_key == "telegram:ann" and ann.main.interval_days == 28
    # The formula is a name, kept as written, and the phone finds the customer.
    found = await store.records.find("13800138000")
    assert [c.display_name for c in found] == ['=HYPERLINK("http://evil","x")']
    replies = await shop.say("owner", "/customer 0013 8000")
    assert '=HYPERLINK("http://evil","x")' in texts(replies)
    # Known only from the spreadsheet: no chat reaches them, and the card says so.
    assert "能联系上：否" in texts(replies)
    [imported] = found
    assert await check(store, CATALOG, imported, NOW) is not None
    await shop.close()


async def test_importing_the_same_file_twice_adds_nothing(tmp_path: Path) -> None:
    twice = GOOD + "1,2026-09-01,Ann Li,telegram:ann,ROSE-MASK,\n"  # a second box that day
    data = twice.encode()
    assert (await run_import(tmp_path, "h.csv", data))[0] == "Imported 5 order(s) from h.csv."
    report, status = await run_import(tmp_path, "h.csv", data)
    assert status == 0
    assert report == ("Imported 0 order(s) from h.csv; 5 were imported before and were left alone.")
    store = await Store.open(tmp_path / "shop.db", FakeClock(NOW))
    assert len(await store.records.purchases()) == 5
    await store.close()


BAD = (
    "date,customer,contact,product,quantity\n"
    "2026-09-01,Ann,telegram:ann,ROSE-MASK,1\n"
    "2026/09/01,Bo,13800138000,ROSE-MASK,1\n"
    "2026-09-01,,13800138000,ROSE-MASK,1\n"
    "2026-09-01,Cy,call me,ROSE-MASK,1\n"
    "2026-09-01,Dee,13800138000,面膜,1\n"
    "2026-09-01,Eve,13800138000,durian,1\n"
    "2026-09-01,Fay,13800138000,ROSE-MASK,=1+1\n"
    "2026-12-25,Gus,13800138000,ROSE-MASK,1\n"
    "2026-09-01,Hal,telegram:,ROSE-MASK,1\n"
)


async def test_bad_rows_are_reported_by_line_and_nothing_is_imported(tmp_path: Path) -> None:
    report, status = await run_import(tmp_path, "bad.csv", BAD.encode())
    assert status == 1
    assert report.splitlines() == [
        "line 3: date '2026/09/01' is not a day like 2026-03-15 (YYYY-MM-DD)",
        "line 4: customer is empty",
        "line 5: contact 'call me' is not a phone number, telegram:ID or wechat:ID",
        "line 6: product '面膜' could be GREEN-TEA-MASK, ROSE-MASK, SILK-MASK: write the sku",
        "line 7: product 'durian' is not in the catalog",
        "line 8: quantity '=1+1' is not a whole number",
        "line 9: date 2026-12-25 is in the future",
        "line 10: contact 'telegram:': the id after 'telegram:' is missing",
        "Nothing imported: 8 bad row(s) above. Fix them and import again, or add"
        " --skip-bad to import the good rows only.",
    ]
    assert not (tmp_path / "shop.db").exists()  # not even opened
    report, status = await run_import(tmp_path, "bad.csv", BAD.encode(), skip_bad=True)
    assert status == 0
    assert report.endswith("Imported 1 order(s) from bad.csv; 8 bad row(s) skipped.")


async def test_a_missing_column_is_named(tmp_path: Path) -> None:
    report, status = await run_import(tmp_path, "x.csv", b"date,customer,product\n")
    assert status == 1
    assert report.startswith("line 1: missing column(s): contact, quantity")
    assert (await run_import(tmp_path, "e.csv", b""))[0].startswith("line 1: the file is empty")


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("gb18030", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")]
)
async def test_chinese_excel_files_read_alike(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    sheet = "日期,客户,联系方式,商品,数量\n"  # a Chinese header is not ours: named missing
    assert "missing column(s)" in (await run_import(tmp_path, "zh.csv", sheet.encode()))[0]
    text = "date,customer,contact,product,quantity\n2026-10-01,王小红,13900139000,桂花护手霜,2\n"
    report, status = await run_import(tmp_path, "zh.csv", prefix + text.encode(encoding))
    assert status == 0, report
    store = await Store.open(tmp_path / "shop.db", FakeClock(NOW))
    [wang] = await store.records.find("王小红")
    [bought] = await store.records.purchases(key=wang.key)
    assert (bought.sku, bought.qty) == ("HAND-CREAM", 2)
    await store.close()


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "h.csv"
    path.write_text("date,customer,contact,product,quantity\n2026-10-01,Bo,13800138000,x,1\n")
    db = str(tmp_path / "shop.db")
    assert main(["orders", "import", str(path), "--db", db]) == 1
    assert "line 2: product 'x' is not in the catalog" in capsys.readouterr().err
    path.write_text("date,customer,contact,product,quantity\n2026-10-01,Bo,13800138000,rose,1\n")
    assert main(["orders", "import", str(path), "--db", db]) == 0
    assert "Imported 1 order(s)" in capsys.readouterr().out
    assert main(["orders", "import", str(tmp_path / "none.csv"), "--db", db]) == 1
    assert "cannot read" in capsys.readouterr().err
