"""Secrets never reach a log line or a printed traceback.

The bot token sits in every Telegram request URL (``/bot<token>/getUpdates``), PTB and
httpx put URLs in their messages and exceptions, and the webhook secret and the puppet
service token travel in headers and settings. Rather than trust every library's logging,
every log record is redacted when it is made (message, arguments and traceback alike,
so every handler sees the redacted record, whoever added it), and so is a traceback that
escapes to ``sys.excepthook``.

Libraries that log whole requests or updates at DEBUG (httpx's request URLs, PTB's
update dumps with customers' names and texts) are kept at INFO or above: the shop's own
lines say what happened, with ids.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from bot.settings import Settings

REDACTED = "[redacted]"
# Shorter strings are not secrets worth hunting for and would garble ordinary words.
_SHORTEST_SECRET = 8

# Loggers that print request URLs (with the token), whole updates or SQL parameters (with
# personal data).
QUIET_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "aiohttp.access": logging.WARNING,
    "aiosqlite": logging.INFO,  # every statement with its parameters at DEBUG
}

_installed: Redactor | None = None


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold (the token's secret half too: it is what a URL
    encoder leaves intact when it escapes the colon)."""
    found = [settings.telegram_token, settings.telegram_webhook_secret, settings.wechat_token]
    if settings.telegram_token and ":" in settings.telegram_token:
        found.append(settings.telegram_token.split(":", 1)[1])
    return [s for s in found if s]


class Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        new = {s for s in secrets if s and len(s) >= _SHORTEST_SECRET}
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted(set(self.secrets) | new, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def record(self, record: logging.LogRecord) -> logging.LogRecord:
        """The record with its message and traceback rendered, then redacted."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep logging's own error path
            return record
        record.msg, record.args = self(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self(record.exc_text)
        if record.stack_info:
            record.stack_info = self(record.stack_info)
        return record


def install(secrets: Iterable[str]) -> Redactor:
    """Redact these secrets from every log record and uncaught traceback from now on,
    and quiet the loggers that dump requests. Calling again adds secrets."""
    global _installed
    if _installed is not None:
        _installed.add(secrets)
        return _installed
    redactor = Redactor(secrets)
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redactor.record(make_record(*args, **kwargs))

    logging.setLogRecordFactory(redacted_record)
    previous_hook = sys.excepthook
    sys.excepthook = _redacting_hook(redactor)
    for name, level in QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.level < level:
            logger.setLevel(level)
    _installed = redactor
    redactor._restore = (make_record, previous_hook)  # type: ignore[attr-defined]
    return redactor


def uninstall() -> None:
    """Undo ``install`` (for tests)."""
    global _installed
    if _installed is None:
        return
    make_record, previous_hook = _installed._restore  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
    sys.excepthook = previous_hook
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    _installed = None


def redact(text: str) -> str:
    """``text`` with the installed secrets removed (unchanged when none are)."""
    return _installed(text) if _installed is not None else text


def _redacting_hook(
    redactor: Redactor,
) -> Callable[[type[BaseException], BaseException, TracebackType | None], None]:
    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(redactor("".join(traceback.format_exception(kind, error, tb))))

    return hook
