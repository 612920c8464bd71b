"""`chatshop catalog check` names every problem in one pass (duplicate ids with the rest,
keys written twice), and the shipping rule is validated like every other field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import CatalogError, load_catalog, parse_catalog
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


def edit(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = text.index(fragment, index + 1)
    return text.count("\n", 0, index) + 1


def test_a_duplicate_sku_is_reported_together_with_every_other_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edit(
        SAMPLE,
        ("sku: KIWI-BOX", "sku: WALNUTS"),  # duplicate sku
        ("price: 59.00", "price: cheap"),  # a bad value
        ("stock: 30", "stok: 30"),  # a typo
        ("category: snacks", "category: sweets"),  # an unknown category
        ("  - id: tea\n", "  - id: fruit\n"),  # a duplicate category id
        ("products: [LONGJING-TEA]", "products: [LONGJING]"),  # a campaign's unknown sku
        ("  - id: tea-subscribers", "  - id: winter-masks"),  # a duplicate campaign id
    )
    found = problems(tmp_path, text)
    expected = [
        "product #11 (sku WALNUTS): field 'sku': duplicate sku, already used by product #7",
        "product #2 (sku GREEN-TEA-MASK): field 'price'",
        "product #3 (sku SILK-MASK): field 'stok': unknown field",
        "field 'category': unknown category 'sweets'",
        "category #3 (id fruit): field 'id': duplicate category id 'fruit'",
        "field 'products': unknown sku 'LONGJING'",
        "campaign #3 (id winter-masks): field 'id': duplicate campaign id 'winter-masks'",
    ]
    for message in expected:
        assert any(message in p for p in found), (message, found)
    assert all(p.startswith(str(tmp_path / "catalog.yaml")) for p in found)
    # The command says the same, every one of them, and fails.
    assert main(["catalog", "check", str(tmp_path / "catalog.yaml")]) == 1
    printed = capsys.readouterr().err
    assert all(message in printed for message in expected), printed


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("    price: 59.00\n", "    price: 59.00\n    price: 5.90\n", "price"),
        ("  currency: CNY\n", "  currency: CNY\n  currency: USD\n", "currency"),
        ("categories:\n", "products: []\ncategories:\n", "products"),
    ],
)
def test_a_key_written_twice_is_refused_with_its_line(
    tmp_path: Path, old: str, new: str, key: str
) -> None:
    text = edit(SAMPLE, (old, new))
    found = problems(tmp_path, text)
    first = line_of(text, f"{key}:") if key != "price" else line_of(text, "price: 59.00")
    second = line_of(text, f"{key}:", 2) if key != "price" else first + 1
    wanted = f"catalog.yaml, line {second}, column"
    assert any(
        wanted in p and f"duplicate key {key!r} (already given on line {first})" in p for p in found
    ), found


def test_a_merge_key_may_be_overridden(tmp_path: Path) -> None:
    text = edit(
        SAMPLE,
        (
            '  - id: snacks\n    name: {en: "Snacks", zh: 零食}\n',
            '  - id: snacks\n    name: &names {en: "Snacks", zh: 零食}\n',
        ),
        (
            '  - id: baby\n    name: {en: "Baby", zh: 母婴}\n',
            "  - id: baby\n    name:\n      <<: *names\n      en: Baby\n      zh: 母婴\n",
        ),
    )
    catalog = parse_catalog(text, Path("catalog.yaml"))
    assert catalog.category("baby") is not None
    assert catalog.category("baby").name.en == "Baby"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    fee: 10.00\n",
            "    fee: -10\n",
            "shop: field 'shipping.fee': amount must not be negative",
        ),
        (
            "    fee: 10.00\n",
            "    fee: ten\n",
            "shop: field 'shipping.fee': amount 'ten' is not a number",
        ),
        (
            "    free_over: 99.00\n",
            "    fre_over: 99.00\n",
            "shop: field 'shipping.fre_over': unknown field (did you mean 'free_over'?)",
        ),
        (
            "    fee: 10.00\n",
            "    fee: 10.005\n",
            "shop: field 'shipping.fee': amount 10.005 has more than 2",
        ),
        (
            "        fee: 20.00\n",
            "        fee: 20.00\n        fees: 1\n",
            "shop: field 'shipping.regions[0].fees': unknown field (did you mean 'fee'?)",
        ),
        (
            "        match: [新疆, 西藏, 内蒙古, Xinjiang, Tibet, Xizang, Inner Mongolia]\n",
            "        match: []\n",
            "shop: field 'shipping.regions[0].match'",
        ),
    ],
)
def test_the_shipping_rule_is_validated_naming_file_entry_and_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    found = problems(tmp_path, edit(SAMPLE, (old, new)))
    assert any(f"catalog.yaml: {expected}" in p for p in found), found


def test_shipping_amounts_must_be_money_in_the_shop_currency(tmp_path: Path) -> None:
    text = edit(
        SAMPLE,
        ("  currency: CNY\n", "  currency: JPY\n"),
        ("    fee: 10.00\n", "    fee: 10.50\n"),
    )
    found = problems(tmp_path, text)
    assert any(
        "shop: field 'shipping.fee': 10.5 has more than 0 decimals for JPY" in p for p in found
    ), found


def test_without_a_rule_shipping_is_free_and_said_so(tmp_path: Path) -> None:
    start = SAMPLE.index("  shipping:\n")
    end = SAMPLE.index("  # The rest of the shipping policy")
    catalog = load_catalog(write(tmp_path, SAMPLE[:start] + SAMPLE[end:]))
    assert catalog.shipping_for(100).charged_minor == 0
    faq = next(e for e in catalog.shop.faq if e.question.en == "How much is shipping?")
    assert faq.answer.en.startswith("Shipping is free.")
    assert faq.answer.zh.startswith("全场包邮。")
