"""The one door to wechaty: version 0.10.7 (the last Python wechaty, 2022) made to import
and behave on Python 3.11 with today's dependencies and today's puppet services.

Import wechaty's names from here, never ``import wechaty`` directly: this module applies
its fixes first, then imports it. Each import-time fix is measured just before it is
applied, and ``NEEDED`` records whether upstream still needed it, so that
``tests/integration/test_wechat_compat.py`` fails when one is no longer needed (remove it
then) or no longer works.

Import-time fixes (without them ``import wechaty`` fails or misbehaves):

- ``puppet_options_hash``: ``WechatyOptions`` has ``puppet_options: PuppetOptions =
  PuppetOptions()``; since Python 3.11 dataclasses refuse an unhashable default
  (python-wechaty issue 422). ``PuppetOptions`` gets an identity ``__hash__``. The default
  is then one shared instance, which ``Wechaty()`` writes into: we always pass our own.
- ``pyee_asyncio``: wechaty does ``from pyee import AsyncIOEventEmitter``; since pyee 12
  the class lives only in ``pyee.asyncio``. Re-exported there.
- ``urllib3_get_host``: ``wechaty.user.url_link`` does ``from urllib3 import get_host``,
  removed in urllib3 2; the same three parts come from ``urllib3.util.parse_url``.
- ``telnetlib_warning``: wechaty imports ``telnetlib`` (to "ping" the endpoint), which
  warns of its removal in Python 3.13. Silenced for this import only; any other warning
  raised while importing is passed on. On Python 3.13 wechaty cannot import at all.
- ``logging``: wechaty's ``get_logger`` gives each module logger its own stderr handler at
  INFO with propagation off, so it ignores the application's logging, prints every message
  text (customers' words) and, when both are set, the puppet token. Its loggers become
  plain children of the ``wechaty`` logger (WARNING unless ``WECHATY_LOG`` says otherwise),
  and what they log about a token is masked.
- ``cwd_cache_dir``: importing ``wechaty_puppet`` and ``wechaty`` creates ``./.wechaty`` in
  the working directory. An empty one we caused is removed again. The client's working
  files go where the channel says (its scheduler's ``job.db`` under the shop's data
  directory, through ``WechatyOptions.scheduler``), never into the working directory.

Run-time helpers:

- ``isolate_caches`` (``shared_pools``): ``Contact``, ``Room`` and ``Tag`` keep loaded
  objects in a class-level dict that the per-client subclasses wechaty makes all share. A
  second client in the process (a reconnect, a test) would get the first one's objects,
  bound to a stopped puppet and holding stale payloads. Each client gets its own dicts.
- ``UrlFileBox``: a picture by URL in the JSON today's services read (see its docstring).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any

# Whether upstream still needed each fix, measured just before applying it.
NEEDED: dict[str, bool] = {}

_LOGGER_PREFIX = "wechaty"


def _fix_pyee() -> None:
    import pyee
    import pyee.asyncio

    NEEDED["pyee_asyncio"] = not hasattr(pyee, "AsyncIOEventEmitter")
    if NEEDED["pyee_asyncio"]:
        pyee.AsyncIOEventEmitter = pyee.asyncio.AsyncIOEventEmitter  # type: ignore[attr-defined]


def _get_host(url: str) -> tuple[str, str | None, int | None]:
    """urllib3 1.x's ``get_host``: (scheme, host, port), the scheme "http" when absent."""
    from urllib3.util import parse_url

    parsed = parse_url(url)
    return parsed.scheme or "http", parsed.hostname, parsed.port


def _fix_urllib3() -> None:
    import urllib3

    NEEDED["urllib3_get_host"] = not hasattr(urllib3, "get_host")
    if NEEDED["urllib3_get_host"]:
        urllib3.get_host = _get_host  # type: ignore[attr-defined]


def _fix_puppet_options() -> None:
    from wechaty_puppet.schemas.puppet import PuppetOptions

    # Python 3.11 started refusing any default whose class has __hash__ None (a dataclass
    # with eq and without frozen), where 3.10 refused only list, dict and set.
    NEEDED["puppet_options_hash"] = sys.version_info >= (3, 11) and PuppetOptions.__hash__ is None
    if NEEDED["puppet_options_hash"]:
        PuppetOptions.__hash__ = object.__hash__


# Warnings that only say where the configuration came from (the channel sets it
# explicitly), and which print the token: dropped.
_SOURCE_WARNINGS = ("there are endpoint<", "there are two tokens", "there are two endpoints")


class _MaskTokens(logging.Filter):
    """Drops wechaty's configuration-source warnings and masks what it logs inside <...>
    in any other line about a token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(_SOURCE_WARNINGS):
            return False
        if "token" in message.lower():
            record.msg = re.sub(r"<[^<>]*>", "<***>", message)
            record.args = None
        return True


_MASK_TOKENS = _MaskTokens()


def _get_logger(name: str | None = None, file: str | None = None) -> logging.Logger:
    """wechaty's ``get_logger`` as a plain logger: no handler or file of its own, level
    from the ``wechaty`` parent, so the application's logging configuration applies."""
    logger = logging.getLogger(f"{_LOGGER_PREFIX}.{name or 'root'}")
    if _MASK_TOKENS not in logger.filters:
        logger.addFilter(_MASK_TOKENS)
    return logger


def _tame(logger: logging.Logger) -> None:
    """An upstream-made logger made plain: no handler of its own, propagating, at the
    ``wechaty`` parent's level (it cannot be renamed into that namespace)."""
    logger.handlers = []
    logger.propagate = True
    logger.setLevel(logging.getLogger(_LOGGER_PREFIX).level)
    if _MASK_TOKENS not in logger.filters:
        logger.addFilter(_MASK_TOKENS)


def _fix_logging() -> set[str]:
    """Swap wechaty's get_logger for ours; returns the names of the loggers upstream's had
    already made (wechaty_puppet's own, while it imported), to be tamed afterwards."""
    before = set(logging.Logger.manager.loggerDict)
    import wechaty_puppet
    import wechaty_puppet.logger

    parent = logging.getLogger(_LOGGER_PREFIX)
    if parent.level == logging.NOTSET:
        # WECHATY_LOG is upstream's own switch (silly, verbose, info, warn, error,
        # silent); without it, warnings only: at INFO it logs every message's text.
        chosen = os.environ.get("WECHATY_LOG")
        parent.setLevel(wechaty_puppet.logger._get_logger_level() if chosen else logging.WARNING)
    probe = wechaty_puppet.logger.get_logger("chatshop-compat-probe")
    NEEDED["logging"] = not probe.propagate or bool(probe.handlers)
    _tame(probe)
    made = set(logging.Logger.manager.loggerDict) - before
    if NEEDED["logging"]:
        wechaty_puppet.logger.get_logger = _get_logger
        wechaty_puppet.get_logger = _get_logger
    return made


def _import_wechaty() -> Any:
    cache_dir = Path(".wechaty")
    existed = cache_dir.exists()
    _fix_pyee()
    _fix_urllib3()
    made = _fix_logging()
    _fix_puppet_options()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import wechaty
        import wechaty.plugin
        import wechaty.user.url_link
        import wechaty_puppet_service  # what Wechaty() loads as its puppet
    telnetlib = [
        w
        for w in caught
        if issubclass(w.category, DeprecationWarning) and "telnetlib" in str(w.message)
    ]
    NEEDED["telnetlib_warning"] = bool(telnetlib)
    for w in caught:
        if w not in telnetlib:  # not ours to hide: raised again, as it would have been
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    if NEEDED["logging"]:
        for name in made:
            logger = logging.Logger.manager.loggerDict.get(name)
            if isinstance(logger, logging.Logger):
                _tame(logger)
    NEEDED["cwd_cache_dir"] = not existed and cache_dir.is_dir()
    if NEEDED["cwd_cache_dir"]:
        with contextlib.suppress(OSError):  # rmdir removes it only if empty
            cache_dir.rmdir()
    del wechaty_puppet_service
    return wechaty


wechaty = _import_wechaty()

from grpclib.const import Status  # noqa: E402  (after the fixes: wechaty's own dependency)
from grpclib.exceptions import GRPCError, StreamTerminatedError  # noqa: E402
from wechaty import Wechaty, WechatyOptions  # noqa: E402
from wechaty.plugin import WechatySchedulerOptions  # noqa: E402
from wechaty_puppet import MessageType, PuppetOptions  # noqa: E402
from wechaty_puppet.exceptions import WechatyPuppetError  # noqa: E402


def isolate_caches(bot: Wechaty) -> None:
    """Give this client's Contact, ContactSelf, Room and Tag classes their own object
    pools (see ``shared_pools`` above). Call after ``bot.init_puppet()``, which makes them."""
    from wechaty.user import Contact as BaseContact

    NEEDED["shared_pools"] = bot.Contact._pool is BaseContact._pool
    for cls in (bot.Contact, bot.ContactSelf, bot.Room, bot.Tag):
        cls._pool = {}


def puppet_options(end_point: str, token: str) -> PuppetOptions:
    """Explicit options, so the client never falls back to the ENDPOINT / TOKEN variables
    (nor, without an endpoint, to the online discovery service)."""
    if not end_point or not token:
        raise ValueError("a puppet service endpoint and token are both required")
    return PuppetOptions(end_point=end_point, token=token)


class UrlFileBox:
    """A picture by URL, in the JSON the puppet service reads (``message_send_file``).

    wechaty's ``FileBox.from_url(...).to_json_str()`` names the URL ``remoteUrl`` and the
    kind ``boxType`` (file-box 0.x); services built on file-box 1.x (wechaty-puppet-service
    1.x, what providers run today) read ``url`` and ``type``, and refuse it with "no url".
    This writes both spellings, so old and new services read it. (FileBox itself also
    calls the deprecated ``Logger.warn`` each time it is used.)
    """

    URL_TYPE = 2  # FileBoxType.Url, in both versions

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name

    def to_json_str(self) -> str:
        return json.dumps(
            {
                "type": self.URL_TYPE,
                "boxType": self.URL_TYPE,
                "name": self.name,
                "url": self.url,
                "remoteUrl": self.url,
                "headers": None,
                "metadata": {},
            }
        )


__all__ = [
    "NEEDED",
    "GRPCError",
    "MessageType",
    "PuppetOptions",
    "Status",
    "StreamTerminatedError",
    "UrlFileBox",
    "Wechaty",
    "WechatyOptions",
    "WechatyPuppetError",
    "WechatySchedulerOptions",
    "isolate_caches",
    "puppet_options",
    "wechaty",
]
