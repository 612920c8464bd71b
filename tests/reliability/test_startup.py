"""Start-up: a bad setting, a database that cannot be used, end in one clear line naming
what to fix, never a traceback (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError

from support import SAMPLE_CATALOG


def chatshop_run(tmp_path: Path, db: Path, **env: str) -> subprocess.CompletedProcess[str]:
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
    )


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
