"""Counting a text as the platform counts it, and cutting it where a person sees no cut."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.presentation import split_text
from bot.text_units import TextUnits, grapheme_boundary, utf16_length

FAMILY = "👩\u200d👩\u200d👧"
FLAGS = "🇨🇳🇬🇧"
THUMB = "👍🏽"
ACCENTED = "e\u0301"  # é as a letter and its combining accent


def test_telegram_counts_utf16_units() -> None:
    assert utf16_length("rose 玫瑰") == 7
    assert utf16_length("🌹") == 2
    assert utf16_length(FAMILY) == 8
    assert TextUnits.UTF16.length(FLAGS) == 8
    assert TextUnits.CHARACTERS.length(FLAGS) == 4


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        (FAMILY, [1, 2, 3, 4]),  # before and after each joiner
        (FLAGS, [1, 3]),  # inside each flag; between the two flags is fine
        (THUMB, [1]),  # before the skin tone
        (ACCENTED, [1]),
        ("❤\ufe0f", [1]),  # before the emoji variation selector
        ("\r\n", [1]),
    ],
)
def test_no_cut_inside_a_grapheme(text: str, inside: list[int]) -> None:
    assert [i for i in range(1, len(text)) if not grapheme_boundary(text, i)] == inside


def test_a_long_line_is_cut_after_a_space_or_between_graphemes() -> None:
    assert split_text("rose mask and silk mask", 12) == ["rose mask ", "and silk ", "mask"]
    # 3 units left after two families: not room for a third; cut before it, not inside.
    assert split_text(FAMILY * 3, 19, TextUnits.UTF16) == [FAMILY * 2, FAMILY]
    assert split_text(FLAGS * 3, 6, TextUnits.UTF16) == ["🇨🇳"] + ["🇬🇧", "🇨🇳"] * 2 + ["🇬🇧"]


def test_a_grapheme_longer_than_the_limit_is_still_cut() -> None:
    """Rather than loop forever (limits are thousands in practice)."""
    parts = split_text(FAMILY, 4, TextUnits.UTF16)
    assert "".join(parts) == FAMILY and all(utf16_length(p) <= 4 for p in parts)


_chat_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["🌹", FAMILY, "🇨🇳", THUMB, ACCENTED, "好", " ", "\n", "\u200d"]),
    ),
    max_size=200,
).map("".join)


@given(_chat_text, st.integers(8, 120))
def test_split_by_utf16_keeps_everything_within_the_limit(text: str, limit: int) -> None:
    parts = split_text(text, limit, TextUnits.UTF16)
    assert all(utf16_length(part) <= limit for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
