"""Daily windows (quiet hours, business hours): one meaning of "inside" for every feature."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.hours import parse_window, within


def test_a_window_past_midnight_and_one_within_a_day() -> None:
    night = parse_window("21:00-09:00")
    assert within(time(23, 30), *night) and within(time(8, 59), *night)
    assert not within(time(9, 0), *night) and not within(time(20, 59), *night)
    day = parse_window(" 09:00 - 21:00 ")
    assert within(time(9, 0), *day) and not within(time(21, 0), *day)


@given(st.times(), st.times())
def test_a_day_is_a_window_and_its_complement(start: time, moment: time) -> None:
    # What is inside 21:00-09:00 is outside 09:00-21:00, for any pair of distinct ends.
    end = time((start.hour + 12) % 24, start.minute)
    assert within(moment, start, end) != within(moment, end, start)
    assert not within(moment, start, start)


@pytest.mark.parametrize("spec", ["21:00", "9pm-9am", "25:00-09:00", ""])
def test_anything_else_is_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="must look like 21:00-09:00"):
        parse_window(spec)
