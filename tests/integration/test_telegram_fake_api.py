"""The fake Bot API keeps the protocol promises the other tests rely on."""

from __future__ import annotations

import asyncio
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
        poll = asyncio.create_task(call("getUpdates", data={"timeout": "30"}))
        await asyncio.sleep(0.05)
        first = fake_api.private_text(ALICE, "hello")
        # Held for up to 30 s when nothing comes; an update ends the hold (were it held
        # to the end, this would time out first).
        _, answer = await asyncio.wait_for(poll, timeout=10)
        assert [u["message"]["message_id"] for u in answer["result"]] == [first]
        # ...and keeps an update until an offset past it confirms it.
        _, again = await call("getUpdates", data={"timeout": "0"})
        assert len(again["result"]) == 1
        update_id = again["result"][0]["update_id"]
        _, after = await call("getUpdates", data={"offset": str(update_id + 1), "timeout": "0"})
        assert after["result"] == []


async def test_the_fake_parses_html_as_telegram_does(fake_api: FakeBotApi) -> None:
    """Text the bot forgot to escape is refused, as Telegram refuses it, so every test
    that sends text through the channel checks the escaping."""
    base = f"{fake_api.url}/bot{fake_api.token}"
    async with aiohttp.ClientSession() as http:

        async def send(text: str, method: str = "sendMessage") -> tuple[int, dict[str, Any]]:
            field = "caption" if method == "sendPhoto" else "text"
            params = {"chat_id": ALICE.id, field: text, "parse_mode": "HTML"}
            if method == "sendPhoto":
                params["photo"] = "AgAD-file-id"
            async with http.post(f"{base}/{method}", json=params) as reply:
                return reply.status, await reply.json()

        for good in (
            "Lily's friends &lt;3 &amp; co",
            "<b>bold</b> <strong>s</strong> <i>i</i><em>e</em><u>u</u><ins>n</ins>",
            "<s>s</s><strike>k</strike><del>d</del> <tg-spoiler>x</tg-spoiler>",
            '<span class="tg-spoiler">x</span> <a href="https://t.me/x?start=a&amp;b">a</a>',
            "<pre><code>x &lt; y</code></pre> <blockquote>q</blockquote> &quot;&#39;&#x4e2d;",
            "a > b",
        ):
            status, answer = await send(good)
            assert (status, answer["ok"]) == (200, True), (good, answer)
        assert fake_api.sent(ALICE.id)[-1].shown == "a > b"
        assert fake_api.sent(ALICE.id)[-2].shown == "x < y q \"'中"

        for bad, complaint in (
            ("Lily's friends <3 & co", "Unclosed start tag at byte offset 15"),
            ("Tom & Jerry", "Character '&' is not an entity at byte offset 4"),
            ("¥39.90 &nbsp;each", 'Unsupported HTML entity "&nbsp;" at byte offset 8'),
            ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
            ("<span>x</span>", 'Unsupported start tag "span" at byte offset 0'),
            ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
            ("<b><i>x</b></i>", 'Can\'t find end tag corresponding to start tag "i"'),
            ("x</b>", 'Unexpected end tag "b" at byte offset 1'),
        ):
            for method in ("sendMessage", "sendPhoto"):
                status, answer = await send(bad, method)
                assert status == 400, (bad, method)
                assert answer["description"] == f"Bad Request: can't parse entities: {complaint}"
