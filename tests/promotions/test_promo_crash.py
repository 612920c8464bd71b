"""SIGKILL in the middle of a broadcast to 200 groups, then a restart: every group has
exactly one post for the slot, or a recorded reason why not."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.catalog import load_catalog
from bot.clock import FakeClock
from bot.messages import ChatKind, ChatRef
from bot.store import OutboxRow, PostState, Store
from promotions.engine import SENDERS

from support import REPO, SAMPLE_CATALOG

GROUPS = 200
SLOT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # Tuesday 10:30 in Shanghai
CHILD = Path(__file__).parent / "crash" / "child.py"


async def prepare(db: Path) -> None:
    store = await Store.open(db, FakeClock(SLOT))
    try:
        await store.stock.apply_catalog(load_catalog(SAMPLE_CATALOG))
        for n in range(GROUPS):
            chat = ChatRef("test", f"g{n:03d}", ChatKind.GROUP, f"Group {n}")
            await store.chats.register(chat)
            await store.chats.set_promotions(chat.key, n % 10 != 9)  # every tenth stays off
    finally:
        await store.close()


async def outbox_rows(db: Path) -> list[OutboxRow]:
    store = await Store.open(db, FakeClock(SLOT))
    try:
        return await store.outbox.rows(campaign_id="winter-masks")
    finally:
        await store.close()


def child(db: Path, posts: Path, now: datetime, hang_after: int | None = None) -> list[str]:
    command = [
        sys.executable,
        str(CHILD),
        "--db",
        str(db),
        "--catalog",
        str(SAMPLE_CATALOG),
        "--posts",
        str(posts),
        "--slot",
        SLOT.isoformat(),
        "--now",
        now.isoformat(),
    ]
    return command + (["--hang-after", str(hang_after)] if hang_after else [])


def wait_for_lines(path: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().splitlines()) >= count:
            return
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        time.sleep(0.02)  # polling a file another process writes; bounded above
    raise AssertionError("the child never got that far")


def test_sigkill_mid_broadcast_then_restart(tmp_path: Path) -> None:
    db, posts = tmp_path / "shop.db", tmp_path / "posts.txt"
    asyncio.run(prepare(db))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.Popen(
        child(db, posts, SLOT, hang_after=80), cwd=tmp_path, env=env, stderr=subprocess.PIPE
    )
    try:
        wait_for_lines(posts, 80, first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert first.stderr is not None
        first.stderr.close()
    assert first.returncode == -signal.SIGKILL

    # Restarted ten minutes later: within the hour of grace, so the rest still goes out.
    second = subprocess.run(
        child(db, posts, SLOT + timedelta(minutes=10)),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert second.returncode == 0, second.stderr.decode()

    delivered = Counter(posts.read_text().split())
    assert max(delivered.values()) == 1, "no group ever got the slot twice"
    rows = {row.chat.key: row for row in asyncio.run(outbox_rows(db))}
    assert len(rows) == GROUPS, "every group has a row for the slot"
    in_flight = {k for k, r in rows.items() if r.state is PostState.FAILED}
    for key, row in rows.items():
        if key in delivered:
            # Posted: marked sent, or caught mid-send by the kill and never resent.
            assert row.state is PostState.SENT or key in in_flight
        elif key not in in_flight:
            assert row.state is PostState.SUPPRESSED and row.reason == "not_enabled", row
    for key in in_flight:
        # Claimed when the process died: the outcome is unknown, so it is recorded as
        # such and not sent again (a missing post beats a double one).
        assert rows[key].maybe_sent and "outcome unknown" in (rows[key].last_error or "")
    states = Counter(row.state for row in rows.values())
    assert states[PostState.SUPPRESSED] == GROUPS // 10
    assert 1 <= len(in_flight) <= SENDERS
    assert states[PostState.SENT] + len(in_flight) == GROUPS - GROUPS // 10
    assert states[PostState.SENT] >= GROUPS - GROUPS // 10 - SENDERS
