from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "reliability"))

import tally_counts

from support import ChatHarness

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (README "Testing"):
# - "ci" (the default when CI is set, as .ci/run does): every run tries the same examples,
#   so a red build is the code's doing and reproduces;
# - "explore": a long random search, for a local run before a release or after changing
#   a policy: every property test tries EXPLORE_FACTOR times its usual number of examples;
# - none: each local run tries new random examples, at the usual count.
EXPLORE_FACTOR = 10
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=100 * EXPLORE_FACTOR, deadline=None)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else None)
if PROFILE:
    settings.load_profile(PROFILE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under "explore", scale the tests that set their own max_examples too (a test's
    own settings otherwise win over the profile)."""
    if PROFILE != "explore":
        return
    for item in items:
        test = getattr(item, "obj", None)
        if not getattr(test, "is_hypothesis_test", False):
            continue
        # Where @given keeps the test's settings; read when the test runs.
        own = test._hypothesis_internal_use_settings
        test._hypothesis_internal_use_settings = settings(
            own, max_examples=max(own.max_examples * EXPLORE_FACTOR, 100 * EXPLORE_FACTOR)
        )


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[ChatHarness]:
    chat = await ChatHarness.open(tmp_path / "shop.db")
    try:
        yield chat
    finally:
        await chat.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    tally_counts.write_if_asked()  # the reliability tally's fuzz and probe counts
