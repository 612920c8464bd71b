"""bot/channels/wechat_compat.py: each fix to wechaty 0.10.7 is still needed, and works.

When one of these fails after an upgrade (of wechaty, pyee, urllib3, Python...), the
message says which fix upstream no longer needs: remove it from wechat_compat.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from bot.channels import wechat_compat
from bot.channels.wechat_compat import (
    PuppetOptions,
    UrlFileBox,
    Wechaty,
    WechatyOptions,
    isolate_caches,
    puppet_options,
)

REPO = Path(__file__).resolve().parents[2]
IMPORT_FIXES = (
    "puppet_options_hash",
    "pyee_asyncio",
    "urllib3_get_host",
    "telnetlib_warning",
    "logging",
    "cwd_cache_dir",
)


def python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter (nothing imported or patched yet), warnings as
    errors, in ``cwd``, with the repository importable."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for name in ("ENDPOINT", "TOKEN", "WECHATY_PUPPET_SERVICE_TOKEN", "WECHATY_LOG"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_wechaty_as_shipped_still_does_not_import(tmp_path: Path) -> None:
    plain = python("import wechaty", tmp_path)
    assert plain.returncode != 0, (
        "wechaty imports without wechat_compat now: see which of its fixes are still needed"
    )


def test_every_import_fix_is_still_needed_and_the_import_is_clean(tmp_path: Path) -> None:
    probe = python(
        "import json\n"
        "from bot.channels import wechat_compat\n"
        "print(json.dumps(wechat_compat.NEEDED))\n",
        tmp_path,
    )
    # -W error: importing through wechat_compat raises no warning at all.
    assert probe.returncode == 0, probe.stderr
    needed = json.loads(probe.stdout)
    for fix in IMPORT_FIXES:
        assert needed.get(fix) is True, (
            f"upstream no longer needs the {fix!r} fix: remove it from "
            "bot/channels/wechat_compat.py (and from this list)"
        )
    assert probe.stderr == ""  # nothing printed by wechaty's own loggers
    # The import made ./.wechaty; wechat_compat took it away again.
    assert list(tmp_path.iterdir()) == []


def test_a_cache_dir_someone_made_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / ".wechaty").mkdir()
    (tmp_path / ".wechaty" / "keep.txt").write_text("mine")
    assert python("import bot.channels.wechat_compat", tmp_path).returncode == 0
    assert (tmp_path / ".wechaty" / "keep.txt").read_text() == "mine"


async def test_each_client_gets_its_own_object_pools() -> None:
    first = Wechaty(WechatyOptions(puppet_options=puppet_options("127.0.0.1:9", "insecure_a")))
    second = Wechaty(WechatyOptions(puppet_options=puppet_options("127.0.0.1:9", "insecure_b")))
    await first.init_puppet()  # binds classes to a puppet; connects nothing
    await second.init_puppet()
    isolate_caches(first)
    assert wechat_compat.NEEDED.get("shared_pools") is True, (
        "wechaty's Contact/Room pools are per client now: remove isolate_caches"
    )
    isolate_caches(second)
    assert first.Contact.load("alice") is not second.Contact.load("alice")
    assert first.Room.load("r@chatroom").puppet is first.puppet
    assert second.Room.load("r@chatroom").puppet is second.puppet


def test_puppet_options_is_a_usable_default() -> None:
    options = WechatyOptions()  # raised ValueError (mutable default) before the fix
    assert isinstance(options.puppet_options, PuppetOptions)
    assert hash(PuppetOptions()) != hash(PuppetOptions())  # identity, as documented


async def test_wechaty_emitters_are_pyee_asyncio_emitters() -> None:
    import pyee.asyncio  # after wechat_compat, like every import of the wechaty stack
    import wechaty.wechaty

    assert issubclass(wechaty.wechaty.Wechaty, pyee.asyncio.AsyncIOEventEmitter)
    bot = Wechaty(WechatyOptions(puppet_options=puppet_options("127.0.0.1:9", "insecure_a")))
    heard: list[str] = []

    async def listener(value: str) -> None:
        heard.append(value)

    bot.on("ding", listener)
    bot.emit("ding", "dong")  # a coroutine listener runs as a task on the running loop
    await asyncio.sleep(0)
    assert heard == ["dong"]


def test_get_host_behaves_like_urllib3_1() -> None:
    from wechaty.user import url_link

    assert url_link.get_host("https://github.com:8443/wechaty") == ("https", "github.com", 8443)
    assert url_link.get_host("github.com/wechaty") == ("http", "github.com", None)


def test_wechaty_logs_through_the_applications_logging_with_tokens_masked(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wechaty_puppet_service import PuppetService

    # The bare variables wechaty also reads must not win over explicit options.
    monkeypatch.setenv("ENDPOINT", "10.0.0.1:1")
    monkeypatch.setenv("TOKEN", "leaked-token")
    with caplog.at_level(logging.INFO, logger="wechaty"):
        puppet = PuppetService(puppet_options("127.0.0.1:9", "secret-token"), "probe")
        logging.getLogger("wechaty.PuppetService").warning("the token<secret-token> is odd")
    assert puppet.options.end_point == "127.0.0.1:9"
    assert puppet.options.token == "secret-token"
    assert "secret-token" not in caplog.text and "leaked-token" not in caplog.text
    assert "the token<***> is odd" in caplog.text
    wechaty_loggers = [
        logger
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and name.startswith("wechaty")
    ]
    assert wechaty_loggers
    assert all(logger.propagate and not logger.handlers for logger in wechaty_loggers)


def test_a_picture_by_url_is_sent_in_the_json_todays_services_read() -> None:
    from wechaty_puppet import FileBox

    with warnings.catch_warnings():
        # FileBox calls the deprecated Logger.warn; it is only looked at here.
        warnings.simplefilter("ignore", DeprecationWarning)
        upstream = json.loads(
            FileBox.from_url("https://a.example/p.jpg", name="p.jpg").to_json_str()
        )
    assert "url" not in upstream, "wechaty's FileBox writes 'url' now: UrlFileBox can go"
    ours = json.loads(UrlFileBox("https://a.example/p.jpg", "p.jpg").to_json_str())
    assert ours["url"] == ours["remoteUrl"] == "https://a.example/p.jpg"
    assert ours["type"] == ours["boxType"] == 2
    assert ours["name"] == "p.jpg"
