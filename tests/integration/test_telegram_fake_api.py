"""The fake Bot API keeps the protocol promises the other tests rely on."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
from conftest import ALICE
from fake_bot_api import FakeBotApi


async def test_the_fake_speaks_the_bot_api(fake_api: FakeBotApi) -> None:
    base = f"{fake_api.url}/bot{fake_api.token}"
    async with aiohttp.ClientSession() as http:

        async def call(method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
            verb = "GET" if "params" in kwargs else "POST"
            async with http.request(verb, f"{base}/{method}", **kwargs) as reply:
                return reply.status, await reply.json()

        # Unknown methods: a 404 answer, and the call is recorded all the same.
        assert await call("sendDice", json={"chat_id": 1}) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found: method sendDice"},
        )
        assert fake_api.calls_to("sendDice")[0].params == {"chat_id": 1}

        # GET with query parameters, POST with JSON: both understood.
        status, me = await call("getMe", params={})
        assert status == 200 and me["result"]["username"] == fake_api.username
        status, sent = await call("sendMessage", json={"chat_id": ALICE.id, "text": "hi"})
        assert status == 200 and sent["result"]["chat"]["id"] == ALICE.id

        # getUpdates: a long poll answers as soon as an update arrives...
        poll = asyncio.create_task(call("getUpdates", data={"timeout": "10"}))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        first = fake_api.private_text(ALICE, "hello")
        _, answer = await poll
        assert time.monotonic() - started < 1
        assert [u["message"]["message_id"] for u in answer["result"]] == [first]
        # ...and keeps an update until an offset past it confirms it.
        _, again = await call("getUpdates", data={"timeout": "0"})
        assert len(again["result"]) == 1
        update_id = again["result"][0]["update_id"]
        _, after = await call("getUpdates", data={"offset": str(update_id + 1), "timeout": "0"})
        assert after["result"] == []
