"""The database holds names, phones and addresses: only its owner may read it (issue 13)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.store import Store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_database_and_its_side_files_are_the_owners_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which leaves files readable by everyone
    try:
        store = await Store.open(tmp_path / "shop.db", FakeClock())
        await store.customers.touch(
            "test:ann", "test", "ann", "Ann"
        )  # a write: WAL and SHM exist now
        files = [tmp_path / name for name in ("shop.db", "shop.db-wal", "shop.db-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        await store.close()
    finally:
        os.umask(old)


async def test_an_existing_world_readable_database_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "shop.db"
    store = await Store.open(path, FakeClock())
    await store.close()
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        store = await Store.open(path, FakeClock())
    await store.close()
    [warning] = [r.getMessage() for r in caplog.records if "chmod 600" in r.getMessage()]
    assert str(path) in warning and "644" in warning
    assert mode(path) == 0o644, "reported, not changed behind the owner's back"
