"""SIGKILL during a burst of checkouts, then a restart (issue 13's fault suite): every
order a customer saw confirmed exists once, with its stock taken and its owner notice
delivered; no half-written order; a checkout and a cart in progress go on."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from support import OWNER, REPO

CHILD = Path(__file__).parent / "crash" / "child.py"
RECEIPT = re.compile(r"Your order number is (\w+)\.")
NOTICE = re.compile(r"新订单 (\w+)")
WALNUTS_ON_THE_SHELF = 70  # the sample catalog's stock; every order takes one or more


def child(phase: str, db: Path, log: Path) -> list[str]:
    return [sys.executable, str(CHILD), phase, "--db", str(db), "--log", str(log)]


def sent(log: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def receipts(lines: list[dict[str, str]]) -> list[str]:
    return [m[1] for line in lines if (m := RECEIPT.search(line["text"]))]


def wait_for_receipts(log: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if log.exists() and len(receipts(sent(log))) >= count:
            return
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        time.sleep(0.01)  # polling a file another process writes; bounded above
    raise AssertionError("the burst never got that far")


def test_sigkill_mid_checkouts_then_restart(tmp_path: Path) -> None:
    db, log = tmp_path / "shop.db", tmp_path / "sent.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])}
    first = subprocess.Popen(child("burst", db, log), env=env, stderr=subprocess.PIPE)
    try:
        wait_for_receipts(log, 12, first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert first.stderr is not None
        first.stderr.close()
    assert first.returncode == -signal.SIGKILL
    before = sent(log)
    seen = receipts(before)
    assert len(seen) < 60, "killed in the middle of the burst, not after it"

    second = subprocess.run(
        child("resume", db, log), env=env, capture_output=True, timeout=60, check=False
    )
    assert second.returncode == 0, second.stderr.decode()
    after = sent(log)[len(before) :]

    with sqlite3.connect(db) as database:
        orders = dict(database.execute("SELECT number, id FROM orders").fetchall())
        lines = Counter(
            dict(database.execute("SELECT order_id, SUM(qty) FROM order_items GROUP BY order_id"))
        )
        [stock] = database.execute("SELECT stock FROM products WHERE sku = 'WALNUTS'").fetchone()
        owed = {
            key.split(":")[1]: state
            for key, state in database.execute(
                "SELECT key, state FROM notices WHERE chat_key = ?", (f"test:{OWNER}",)
            )
        }

    assert Counter(seen) == Counter(set(seen)), "no receipt twice"
    assert set(seen) <= set(orders), "every order a customer saw confirmed exists"
    assert all(lines[order_id] >= 1 for order_id in orders.values()), "no half-written order"
    assert stock == WALNUTS_ON_THE_SHELF - sum(lines.values()), "stock taken once per order"

    notices = Counter(m[1] for line in before + after if (m := NOTICE.search(line["text"])))
    assert max(notices.values()) == 1, "no owner notice twice"
    # A notice the kill caught mid-send is recorded as such and not sent again (a missing
    # notice beats a double one); every other is delivered, after the restart if need be.
    unrecorded = set(orders) - set(owed)
    missing = set(orders) - set(notices) - unrecorded
    assert all(owed[number] == "unknown" for number in missing), missing
    assert len(missing) <= 8
    # (Whatever the kill left pending is among what ``after`` delivered: ``missing`` above
    # holds only notices cut off mid-send.)

    [pam] = [line["text"] for line in after if line["chat"] == "pam"]
    assert pam == "The delivery address?", "mid-checkout: the next question, not a restart"
    [cat] = [line["text"] for line in after if line["chat"] == "cat"]
    assert "3 × Paper-shell walnuts" in cat
    # Every order committed its notices with it: none is left that nobody is told of.
    assert not unrecorded, f"orders committed with no notice recorded: {sorted(unrecorded)}"
