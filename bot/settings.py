"""Settings from the environment (and CLI flags), validated once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


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
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: str | None = None
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        port = env.get("CHATSHOP_WEBHOOK_PORT", "8443")
        if not port.isdigit():
            raise SettingsError(f"CHATSHOP_WEBHOOK_PORT must be a port number, got {port!r}")
        return cls(
            catalog_path=Path(env.get("CHATSHOP_CATALOG", "catalog.yaml")),
            db_path=Path(env.get("CHATSHOP_DB", "chatshop.db")),
            owners=parse_owners(env.get("CHATSHOP_OWNERS", "")),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_url=(env.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip(
                "/"
            ),
            telegram_webhook_url=env.get("CHATSHOP_WEBHOOK_URL") or None,
            telegram_webhook_listen=env.get("CHATSHOP_WEBHOOK_LISTEN", "0.0.0.0"),
            telegram_webhook_port=int(port),
            telegram_webhook_secret=env.get("CHATSHOP_WEBHOOK_SECRET") or None,
            log_level=env.get("CHATSHOP_LOG_LEVEL", "INFO").upper(),
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
