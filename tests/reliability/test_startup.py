"""Start-up: a bad setting, a database that cannot be used, end in one clear line naming
what to fix, never a traceback (issue 13)."""

from __future__ import annotations

import asyncio
import ctypes
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.app import Shop
from bot.clock import FakeClock
from bot.settings import Settings, SettingsError
from bot.store import Store
from bot.store.sqlite.stock import SqliteStock

from support import SAMPLE_CATALOG


def chatshop_run(
    tmp_path: Path, db: Path, unprivileged: bool = False, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHATSHOP_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--db", str(db)],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=SAMPLE_CATALOG.parent,
        env={**clean, **env},
        preexec_fn=_without_permission_overrides if unprivileged else None,
    )


# Linux capabilities that let root read and write whatever the file modes say.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
PR_CAPBSET_DROP = 24


def _without_permission_overrides() -> None:
    """In the child before it runs chatshop: as root, give up the capabilities that
    ignore file modes, so a read-only file is read-only as it is for a shop's own user.
    (Switching to an unprivileged user instead needs an interpreter that user can reach,
    which a root-only Python install is not.) Nothing to do when not root."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture(scope="module")
def permissions_bite(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The premise of the tests below: a chatshop started unprivileged cannot write a
    read-only file. Skipped (never under CI) where this machine cannot arrange that."""
    probe = tmp_path_factory.mktemp("probe") / "read-only"
    probe.write_text("x")
    probe.chmod(0o400)
    try:
        tried = subprocess.run(
            [sys.executable, "-c", f"open({str(probe)!r}, 'a')"],
            capture_output=True,
            check=False,
            preexec_fn=_without_permission_overrides,
        )
    except subprocess.SubprocessError as error:
        tried = None
        reason = f"cannot start a process without root's file permissions: {error}"
    else:
        reason = "file permissions do not bind a process started here (root in a container?)"
    if tried is None or tried.returncode == 0:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def _snapshot(folder: Path) -> dict[str, tuple[int, float, bytes]]:
    return {
        p.name: (p.stat().st_mode, p.stat().st_mtime, p.read_bytes() if p.is_file() else b"")
        for p in folder.iterdir()
    }


def _existing_shop(db: Path) -> None:
    async def make() -> None:
        store = await Store.open(db, FakeClock())
        await store.close()

    asyncio.run(make())
    for side in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        side.unlink(missing_ok=True)  # as after a clean stop


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    return line


def test_a_read_only_database_file_is_named_and_left_untouched(
    tmp_path: Path, permissions_bite: None
) -> None:
    db = tmp_path / "shop.db"
    _existing_shop(db)
    db.chmod(0o400)
    before = _snapshot(tmp_path)
    line = _one_line(chatshop_run(tmp_path, db, unprivileged=True))
    assert line.startswith(f"chatshop will not start: cannot use the database {db} ")
    assert "is read-only for this user" in line
    assert _snapshot(tmp_path) == before, "no -wal or -shm left beside it, nothing changed"


def test_a_read_only_folder_is_named_and_nothing_is_created(
    tmp_path: Path, permissions_bite: None
) -> None:
    folder = tmp_path / "shop"
    folder.mkdir(mode=0o555)
    line = _one_line(chatshop_run(tmp_path, folder / "shop.db", unprivileged=True))
    assert f"the folder {folder} is read-only for this user" in line
    assert list(folder.iterdir()) == []


def test_a_missing_folder_is_named_and_not_created(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "shop.db"
    line = _one_line(chatshop_run(tmp_path, db))
    assert line == (
        f"chatshop will not start: cannot use the database {db} (CHATSHOP_DB or --db): "
        f"the folder {db.parent} does not exist: create it first"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("CHATSHOP_WEBHOOK_PORT", "70000", "CHATSHOP_WEBHOOK_PORT must be a port number"),
        ("CHATSHOP_LOG_LEVEL", "LOUD", "CHATSHOP_LOG_LEVEL must be one of DEBUG, INFO"),
        ("CHATSHOP_WEBHOOK_URL", "http://shop.example.com/hook", "must be an https:// URL"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError, match=expected):
        Settings.from_env({name: value})


def test_a_database_in_a_place_that_cannot_hold_one_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    result = chatshop_run(tmp_path, blocker / "shop.db")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert (
        line.startswith("chatshop will not start: cannot use the database")
        and str(blocker / "shop.db") in line
    )


def test_a_corrupted_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    garbage = b"this is not an SQLite file at all\x00" * 200
    db.write_bytes(garbage)
    result = chatshop_run(tmp_path, db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert str(db) in result.stderr and "not a database" in result.stderr
    assert db.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]


async def test_a_failure_after_the_database_opened_closes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Or its connection's thread keeps the process alive after the one-line error: a
    shop that neither starts nor exits."""

    async def disk_full(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(SqliteStock, "apply_catalog", disk_full)
    before = set(threading.enumerate())
    shop = Shop(Settings(catalog_path=SAMPLE_CATALOG, db_path=tmp_path / "shop.db"), FakeClock())
    with pytest.raises(sqlite3.OperationalError):
        await shop.open()
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=5)
        assert not thread.is_alive(), thread


# chatshop started with a store that gives up on a lock after half a second, not 15.
IMPATIENT = (
    "import sys\n"
    "from bot.store.sqlite import db\n"
    "db.LockWait.__init__.__defaults__ = (0, (0.05,), 0.5)\n"
    "from bot.cli import main\n"
    "sys.exit(main(['run', '--db', sys.argv[1]]))\n"
)


def test_a_database_another_writer_holds_at_start_is_named(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    _existing_shop(db)
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE customers SET key = key")
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CHATSHOP_")}
        result = subprocess.run(
            [sys.executable, "-c", IMPATIENT, str(db)],
            input="",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=SAMPLE_CATALOG.parent,
            env=clean,
        )
    finally:
        other.close()
    line = _one_line(result)
    assert line.startswith(f"chatshop will not start: cannot use the database {db} ")
    assert "locked by another writer" in line
