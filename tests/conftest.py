from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import ChatHarness

# In CI (.ci/run sets CI=1) every run tries the same examples, so a red build is the
# code's doing and reproduces; locally each run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[ChatHarness]:
    chat = await ChatHarness.open(tmp_path / "shop.db")
    try:
        yield chat
    finally:
        await chat.close()
