"""What the fault suite's probes actually ran, counted as they run, for the reliability
tally (tools/reliability_tally.py): fuzz cases (every Hypothesis example executed) and
authorization probes refused (every attempt on what is not the person's, counted once
its refusal was asserted). Written to $CHATSHOP_TALLY_COUNTS at the end of a session
(tests/conftest.py); nothing is written otherwise.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

FUZZ_CASES = "fuzz cases run"
PROBES_REFUSED = "authorization probes refused"

COUNTS: Counter[str] = Counter()


def count(kind: str, n: int = 1) -> None:
    COUNTS[kind] += n


def write_if_asked() -> None:
    path = os.environ.get("CHATSHOP_TALLY_COUNTS")
    if path:
        Path(path).write_text(json.dumps(dict(COUNTS), indent=2, sort_keys=True))
