"""Daily windows written as the catalog writes them: "21:00-09:00" (quiet hours, may span
midnight), "09:00-21:00" (business hours). Pure; promotions, follow-ups and hand-off all
read their windows through these, so "inside the window" means one thing everywhere.
"""

from __future__ import annotations

from datetime import time


def parse_window(spec: str) -> tuple[time, time]:
    """(start, end) of ``"HH:MM-HH:MM"``. Raises ValueError on anything else."""
    start, sep, end = spec.partition("-")
    try:
        if not sep:
            raise ValueError("no dash")
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise ValueError(f"{spec!r} must look like 21:00-09:00") from None


def within(moment: time, start: time, end: time) -> bool:
    """Whether ``moment`` falls in [start, end); a window whose end is earlier than its
    start runs past midnight; a window that starts where it ends is empty."""
    if start == end:
        return False
    if start > end:
        return moment >= start or moment < end
    return start <= moment < end
