from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import ChatHarness


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[ChatHarness]:
    chat = await ChatHarness.open(tmp_path / "shop.db")
    try:
        yield chat
    finally:
        await chat.close()
