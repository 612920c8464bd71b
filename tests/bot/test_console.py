"""The console sandbox driven by a script on piped stdin, as the README shows it."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from pathlib import Path

from bot.app import Shop
from bot.channels.console import ConsoleChannel
from bot.clock import FakeClock
from bot.settings import Settings

from support import SAMPLE_CATALOG

SCRIPT = """\
:lang en
alice> 2 rose masks
:press 1
Alice Chen
138 0013 8000
18 Wensan Road, Hangzhou
:press 1
:press 1
bob@friends> nice weather today
bob@friends> @bot 1 longjing
owner> /open
owner> :press 1
:join tea-lovers
"""


async def run_script(tmp_path: Path, script: str) -> str:
    output = io.StringIO()
    console = ConsoleChannel(input=io.StringIO(script), output=output, echo=True)
    shop = Shop(Settings(catalog_path=SAMPLE_CATALOG, db_path=tmp_path / "c.db"), FakeClock())
    await shop.open()
    try:
        await shop.start_channels([console])
        await asyncio.wait_for(console.finished.wait(), timeout=30)
    finally:
        await shop.close()
    return output.getvalue()


async def test_a_scripted_session_orders_and_the_owner_confirms(tmp_path: Path) -> None:
    transcript = await run_script(tmp_path, SCRIPT)
    assert "bot → alice: Added 2 × Rose hydrating mask (box of 10) to your cart." in transcript
    assert "Your order number is" in transcript
    assert "bot → owner: 🆕 新订单" in transcript
    # Unaddressed group chatter: nothing from the bot between bob's two lines.
    between = transcript.split("bob@friends> nice weather today\n", 1)[1]
    assert between.startswith("bob@friends> @bot 1 longjing")
    # Bob wrote in English in the group: the group is answered in English, and hears
    # only that his cart went to him; the cart and its total are his, in private.
    assert "bot → #friends: bob, I've sent you a private message." in transcript
    assert "bot → bob: Added 1 × West Lake Longjing green tea (250 g)" in transcript
    assert "#friends: Added" not in transcript
    assert "bot → alice: Your payment for order" in transcript
    assert "bot → owner: 我被拉进了群“tea-lovers”" in transcript
    assert "Traceback" not in transcript


async def test_unknown_directive_and_missing_button_are_explained(tmp_path: Path) -> None:
    transcript = await run_script(tmp_path, ":frob\n:press 9\n")
    assert "unknown sandbox command" in transcript
    assert "no button 9" in transcript


def test_cli_refuses_to_start_on_a_bad_catalog(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text(SAMPLE_CATALOG.read_text(encoding="utf-8").replace("stock: 30", "stock: -1", 1))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--catalog", str(bad), "--db", str(tmp_path / "x.db")],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "will not start" in result.stderr and "sku SILK-MASK" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_cli_runs_the_sandbox_on_piped_stdin(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--db", str(tmp_path / "s.db")],
        input="/start\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=SAMPLE_CATALOG.parent,
    )
    assert result.returncode == 0, result.stderr
    # A bare /start says nothing about language: the sample shop's default, Chinese.
    assert "bot → alice: alice你好！欢迎来到莉莉的小店。" in result.stdout


async def test_a_mention_counts_however_it_is_capitalised(tmp_path: Path) -> None:
    output = await run_script(tmp_path, ":lang en\nbob@friends> @Bot 1 longjing\n")
    assert "Added 1 × West Lake Longjing" in output
