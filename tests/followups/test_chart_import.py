"""The chart's plotting library is loaded when a chart is drawn, not with the shop: it is
about 40 MB of every running shop's memory for a chart an owner asks for now and then."""

from __future__ import annotations

import subprocess
import sys

from support import REPO


def test_starting_the_shop_does_not_load_matplotlib() -> None:
    probe = "import sys, bot.app, bot.cli; print('matplotlib' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
