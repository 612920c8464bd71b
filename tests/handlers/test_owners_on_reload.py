"""Owners named in the catalog are owners as long as the file says so: removing one and
reloading revokes them, adding one grants it, without a restart."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import t
from bot.messages import ChatRef, Incoming, Sender

from support import OWNER, SAMPLE_CATALOG, ChatHarness, texts

SAMPLE = SAMPLE_CATALOG.read_text(encoding="utf-8")
WITH_LILY = SAMPLE.replace("    - console:owner\n", "    - console:owner\n    - console:lily\n", 1)


async def lily_says(harness: ChatHarness, text: str) -> str:
    """Lily writes from the console (a channel the catalog can name); the router's answer."""
    incoming = Incoming(ChatRef("console", "lily"), Sender("console", "lily", "Lily", "en"), text)
    return texts(await harness.shop.router.handle(incoming))


async def test_an_owner_removed_from_the_catalog_is_revoked_on_reload(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(WITH_LILY, encoding="utf-8")
    harness = await ChatHarness.open(tmp_path / "shop.db", catalog_path=catalog)
    try:
        assert t("owner.no_open_orders", "en") in await lily_says(harness, "/open")
        catalog.write_text(SAMPLE, encoding="utf-8")
        assert "Catalog reloaded" in await lily_says(harness, "/reload")
        for command in ("/open", "/reload", "/groups"):
            assert await lily_says(harness, command) == t("owner.only", "en")
        # The owner from the settings (CHATSHOP_OWNERS) stays one whatever the file says.
        assert "没有未完成的订单" in texts(await harness.say(OWNER, "/open"))
        # Named again, owner again.
        catalog.write_text(WITH_LILY, encoding="utf-8")
        await harness.say(OWNER, "/reload")
        assert t("owner.no_open_orders", "en") in await lily_says(harness, "/open")
    finally:
        await harness.close()
