"""Hostile catalog files (issue 13's fault suite): refused quickly with a message naming
the file, never a traceback or a stall."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.catalog import CatalogError, load_catalog

from support import SAMPLE_CATALOG

BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def refusal(path: Path) -> str:
    started = time.monotonic()
    with pytest.raises(CatalogError) as error:
        load_catalog(path)
    assert time.monotonic() - started < 2, "refused at once, not after a stall"
    assert str(path) in str(error.value)
    return str(error.value)


def test_a_billion_laughs_in_a_price_is_refused_at_once(tmp_path: Path) -> None:
    sample = SAMPLE_CATALOG.read_text(encoding="utf-8")
    bomb = "x-lol:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    bomb += "".join(f"  {line}\n" for line in BILLION_LAUGHS.splitlines())
    path = tmp_path / "catalog.yaml"
    path.write_text(bomb + sample.replace("price: 32.00", "price: *i", 1), encoding="utf-8")
    message = refusal(path)
    assert "price must be a number" in message and "'x-lol': unknown field" in message


def test_brackets_nested_past_reason_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("shop: " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    assert "nested too deeply" in refusal(path)


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    with path.open("w", encoding="utf-8") as file:
        file.write(SAMPLE_CATALOG.read_text(encoding="utf-8"))
        file.write(("# " + "x" * 98 + "\n") * 300_000)  # 30 MB: the wrong file
    assert "larger than 2 MB" in refusal(path)


def test_gb18030_bytes_name_the_line_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_bytes(SAMPLE_CATALOG.read_text(encoding="utf-8").encode("gb18030"))
    message = refusal(path)
    assert "is not UTF-8 text; save the file as UTF-8" in message
    first_chinese = next(
        n for n, line in enumerate(SAMPLE_CATALOG.read_text().splitlines(), 1) if not line.isascii()
    )
    assert f"line {first_chinese} " in message


def test_a_byte_order_mark_as_notepad_writes_is_read_as_the_same_catalog(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE_CATALOG.read_bytes())
    assert load_catalog(path) == load_catalog(SAMPLE_CATALOG)
