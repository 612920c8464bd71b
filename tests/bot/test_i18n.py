"""Every user-facing string exists in English and Chinese, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.i18n import MESSAGES, pick_language, t

REPO = Path(__file__).resolve().parents[2]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_with_same_placeholders(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == {"en", "zh"}, key
    assert entry["en"].strip() and entry["zh"].strip()
    assert placeholders(entry["en"]) == placeholders(entry["zh"]), key


def test_every_key_used_in_code_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(r"""(?:\bt|ctx\.t|ctx\.button|self\.t)\(\s*"([a-z_]+\.[a-z_.]+)\"""")
    for folder in ("bot", "handlers", "promotions", "followups"):
        for path in (REPO / folder).rglob("*.py"):
            used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if key not in MESSAGES)
    assert not missing, missing
    # Keys built at run time from an order status.
    for status in ("pending_payment", "paid", "shipped", "cancelled"):
        assert f"status.{status}" in MESSAGES
        assert f"order.now_{status}" in MESSAGES
    for status in ("paid", "shipped", "cancelled"):
        assert f"btn.mark_{status}" in MESSAGES


def test_language_choice() -> None:
    assert pick_language(None, "zh-hans", None, "en") == "zh"
    assert pick_language(None, "en-US", None, "zh") == "en"
    assert pick_language("en", "zh-hans", None, "zh") == "en"  # the customer's own choice wins
    assert pick_language(None, "de", None, "zh") == "zh"  # fallback: shop default
    assert t("cart.total", "zh", total="¥1.00") == "合计：¥1.00"
