"""Settings from the environment (and CLI flags), validated once at start."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

N = TypeVar("N", int, float)

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    catalog_path: Path = Path("catalog.yaml")
    db_path: Path = Path("chatshop.db")
    owners: frozenset[str] = field(default_factory=frozenset)
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"  # behind a TLS proxy (README)
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: str | None = None
    # Telegram's published limits (https://core.telegram.org/bots/faq): about 30 messages
    # a second overall (paid broadcasts allow up to 1,000), one a second in a chat, 20 a
    # minute in a group. Delivery never exceeds them.
    telegram_max_per_second: int = 30
    telegram_chat_interval: float = 1.0
    telegram_group_per_minute: int = 20
    # WeChat through a wechaty puppet service: both come from the provider (or your own
    # service). The channel runs only when the endpoint is set, and never looks one up.
    wechat_endpoint: str | None = None
    wechat_token: str | None = None
    # The wechaty client's own files; default: a "wechaty" folder beside the SQLite file.
    wechat_data_dir: Path | None = None
    wechat_login_timeout: float = 120.0
    # Pacing, conservative because WeChat bans accounts that behave like spam bots.
    wechat_chat_interval: float = 2.0
    wechat_chat_burst: int = 2
    wechat_room_per_minute: int = 10
    wechat_per_second: int = 5
    log_level: str = "INFO"

    @property
    def wechat_work_dir(self) -> Path:
        """Where the WeChat client keeps its files: next to the shop's SQLite file."""
        return self.wechat_data_dir or self.db_path.parent / "wechaty"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        port = env.get("CHATSHOP_WEBHOOK_PORT", "8443").strip()
        if not port.isdigit() or int(port) > 65535:
            raise SettingsError(
                f"CHATSHOP_WEBHOOK_PORT must be a port number (0-65535), got {port!r}"
            )
        log_level = env.get("CHATSHOP_LOG_LEVEL", "INFO").strip().upper()
        if log_level not in LOG_LEVELS:
            raise SettingsError(
                f"CHATSHOP_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}"
            )
        webhook_url = env.get("CHATSHOP_WEBHOOK_URL") or None
        if webhook_url and not webhook_url.startswith("https://"):
            raise SettingsError(
                f"CHATSHOP_WEBHOOK_URL must be an https:// URL (Telegram posts only to HTTPS), "
                f"got {webhook_url!r}"
            )
        return cls(
            catalog_path=Path(env.get("CHATSHOP_CATALOG", "catalog.yaml")),
            db_path=Path(env.get("CHATSHOP_DB", "chatshop.db")),
            owners=parse_owners(env.get("CHATSHOP_OWNERS", "")),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_url=(env.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip(
                "/"
            ),
            telegram_webhook_url=webhook_url,
            telegram_webhook_listen=env.get("CHATSHOP_WEBHOOK_LISTEN", "127.0.0.1"),
            telegram_webhook_port=int(port),
            telegram_webhook_secret=env.get("CHATSHOP_WEBHOOK_SECRET") or None,
            telegram_max_per_second=_number(env, "TELEGRAM_MAX_PER_SECOND", 30, int, 1),
            telegram_chat_interval=_number(env, "TELEGRAM_CHAT_INTERVAL", 1.0, float, 0),
            telegram_group_per_minute=_number(env, "TELEGRAM_GROUP_PER_MINUTE", 20, int, 1),
            **wechat_from_env(env),
            log_level=log_level,
        )


def parse_owners(value: str) -> frozenset[str]:
    """``telegram:12345,wechat:wxid_abc`` -> the owner keys; rejects malformed entries."""
    owners = set()
    for raw in value.split(","):
        entry = raw.strip()
        if not entry:
            continue
        channel, sep, user_id = entry.partition(":")
        if not sep or not channel or not user_id:
            raise SettingsError(
                f"CHATSHOP_OWNERS entry {entry!r} must be channel:user_id, e.g. telegram:12345"
            )
        owners.add(f"{channel.lower()}:{user_id}")
    return frozenset(owners)


def wechat_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The WeChat settings. Only the WECHATY_PUPPET_SERVICE_* names are read, never the
    bare ENDPOINT / TOKEN the wechaty client would also fall back to."""
    endpoint = env.get("WECHATY_PUPPET_SERVICE_ENDPOINT", "").strip() or None
    token = env.get("WECHATY_PUPPET_SERVICE_TOKEN", "").strip() or None
    if token and not endpoint:
        raise SettingsError(
            "WECHATY_PUPPET_SERVICE_TOKEN is set but WECHATY_PUPPET_SERVICE_ENDPOINT is not: "
            "set the host:port your puppet service provider gave you (chatshop never looks "
            "an endpoint up online)"
        )
    if endpoint and not token:
        raise SettingsError(
            "WECHATY_PUPPET_SERVICE_ENDPOINT is set but WECHATY_PUPPET_SERVICE_TOKEN is not: "
            "the puppet service only answers with its token"
        )
    data_dir = env.get("WECHAT_DATA_DIR", "").strip()
    return {
        "wechat_endpoint": endpoint,
        "wechat_token": token,
        "wechat_data_dir": Path(data_dir) if data_dir else None,
        "wechat_login_timeout": _number(env, "WECHAT_LOGIN_TIMEOUT", 120.0, float, 1),
        "wechat_chat_interval": _number(env, "WECHAT_CHAT_INTERVAL", 2.0, float, 0),
        "wechat_chat_burst": _number(env, "WECHAT_CHAT_BURST", 2, int, 1),
        "wechat_room_per_minute": _number(env, "WECHAT_ROOM_PER_MINUTE", 10, int, 1),
        "wechat_per_second": _number(env, "WECHAT_PER_SECOND", 5, int, 1),
    }


def _number(env: Mapping[str, str], name: str, default: N, kind: type[N], minimum: N) -> N:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name} must be {what}, got {raw!r}")
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {raw!r}")
    return value
