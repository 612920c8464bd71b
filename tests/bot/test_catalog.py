"""catalog.yaml validation: a bad file names the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import CatalogError, load_catalog
from bot.cli import main

from support import SAMPLE_CATALOG

SAMPLE = SAMPLE_CATALOG.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(write(tmp_path, text))
    return [str(issue) for issue in caught.value.issues]


def test_sample_catalog_is_a_realistic_shop() -> None:
    catalog = load_catalog(SAMPLE_CATALOG)
    assert len(catalog.products) >= 12
    assert {c.id for c in catalog.categories} >= {"skincare", "fruit", "tea", "snacks", "baby"}
    assert catalog.shop.timezone == "Asia/Shanghai"
    rose = catalog.product("rose-mask")
    assert rose is not None and catalog.price_minor(rose) == 3990
    assert "面膜" in "".join(rose.aliases)
    assert all(p.name.en and p.name.zh for p in catalog.products)
    assert any(p.reorder_days for p in catalog.products)


def test_typo_in_a_field_names_file_entry_field_and_guess(tmp_path: Path) -> None:
    found = problems(tmp_path, SAMPLE.replace("price: 59.00", "prcie: 59.00", 1))
    assert any(
        "catalog.yaml" in p
        and "product #2 (sku GREEN-TEA-MASK)" in p
        and "'prcie'" in p
        and "did you mean 'price'" in p
        for p in found
    ), found


def test_duplicate_sku(tmp_path: Path) -> None:
    found = problems(tmp_path, SAMPLE.replace("sku: KIWI-BOX", "sku: WALNUTS"))
    assert any(
        "product #11 (sku WALNUTS)" in p and "duplicate sku, already used by product #7" in p
        for p in found
    ), found


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("stock: 30", "stock: -3", "field 'stock': must not be negative"),
        ("price: 68.00", "price: -68", "field 'price': price must not be negative"),
        ("price: 68.00", "price: cheap", "field 'price'"),
        ("price: 68.00", "price: 68.001", "more than 2 decimals"),
        ("stock: 30", "stock: lots", "field 'stock': must be a whole number"),
        ("category: snacks", "category: sweets", "unknown category 'sweets'"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, old: str, new: str, expected: str) -> None:
    found = problems(tmp_path, SAMPLE.replace(old, new, 1))
    assert any(expected in p and "sku " in p for p in found), found


def test_missing_chinese_name(tmp_path: Path) -> None:
    text = SAMPLE.replace(
        'name: {en: "Jasmine green tea (100 g)", zh: 茉莉花茶（100克）}',
        'name: {en: "Jasmine green tea (100 g)"}',
    )
    assert text != SAMPLE
    found = problems(tmp_path, text)
    assert any(
        "sku JASMINE-TEA" in p and "'name.zh'" in p and "Chinese text is missing" in p
        for p in found
    ), found


def test_bad_time_zone(tmp_path: Path) -> None:
    found = problems(tmp_path, SAMPLE.replace("Asia/Shanghai", "Asia/Shangai"))
    assert any("shop" in p and "'timezone'" in p and "Asia/Shangai" in p for p in found), found


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    found = problems(tmp_path, "shop:\n  name: {en: x\n  owner_contact: y\n")
    assert len(found) == 1
    assert "line 3" in found[0] and "YAML syntax error" in found[0]


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="file not found"):
        load_catalog(tmp_path / "nope.yaml")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        SAMPLE.replace("price: 59.00", "prcie: 59.00", 1)
        .replace("stock: 30", "stock: -3", 1)
        .replace("Asia/Shanghai", "Mars/Base")
    )
    assert len(problems(tmp_path, text)) >= 3


def test_cli_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "check", str(SAMPLE_CATALOG)]) == 0
    assert "OK" in capsys.readouterr().out
    bad = write(tmp_path, SAMPLE.replace("stock: 30", "stock: -3", 1))
    assert main(["catalog", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "sku SILK-MASK" in err and "'stock'" in err


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert "chatshop" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        ('business_hours: "9am till late"', "must look like 09:00-21:00"),
        ('business_hours: "09:00-09:00"', "opens and closes at the same time"),
        ("flood_per_minute: 0", "flood_per_minute"),
    ],
)
def test_bad_business_hours_and_flood_limit_are_named(
    tmp_path: Path, new: str, expected: str
) -> None:
    old = 'business_hours: "09:00-21:00"' if "business" in new else "flood_per_minute: 20"
    found = problems(tmp_path, SAMPLE.replace(old, new, 1))
    assert any(expected in p and "shop" in p for p in found), found


@pytest.mark.parametrize("sku", ["CAFÉ-LATTE", "玫瑰面膜", "ROSE MASK", "ROSE①"])
def test_a_sku_that_cannot_travel_in_a_button_is_refused(tmp_path: Path, sku: str) -> None:
    found = problems(tmp_path, SAMPLE.replace("sku: KIWI-BOX", f"sku: {sku}", 1))
    assert any("must be at most 32 of A-Z, 0-9" in p for p in found), found
