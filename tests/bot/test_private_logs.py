"""A failing handler logs who and which message by id, never what the customer wrote:
checkout answers are names, phones and addresses (issue 13, personal data in logs)."""

from __future__ import annotations

import logging

import pytest

from bot import redaction
from bot.context import Context
from bot.conversation import CheckoutDraft
from bot.i18n import t
from handlers import checkout

from support import ChatHarness, texts

ADDRESS = "88 Willow Lane, Flat 3B, Suzhou"


async def test_a_bug_while_reading_an_address_logs_ids_not_the_address(
    harness: ChatHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    harness.languages["mei"] = "en"
    await harness.say("mei", "1 walnuts")
    await harness.press("mei", "check out")
    await harness.say("mei", "Mei")
    await harness.say("mei", "13912345678")

    async def broken(ctx: Context, draft: CheckoutDraft, text: str) -> None:
        raise ValueError("injected bug")

    monkeypatch.setattr(checkout, "answer", broken)
    redaction.install([])  # as `chatshop run` configures logging: chatty libraries quiet
    try:
        with caplog.at_level(logging.DEBUG):
            replies = await harness.say("mei", ADDRESS)
    finally:
        redaction.uninstall()
    assert texts(replies) == t("error.internal", "en")
    [failure] = [r for r in caplog.records if r.exc_info]
    line = logging.Formatter().format(failure)
    assert "test:mei" in line, "the customer is named by id"
    for record in caplog.records:
        formatted = logging.Formatter().format(record)
        assert "Willow" not in formatted and "13912345678" not in formatted, formatted
