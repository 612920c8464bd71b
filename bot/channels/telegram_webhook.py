"""Hardening PTB's webhook server (tornado): the secret is checked on the headers, before
any body is read, and bodies are capped.

PTB's handler compares the secret only once tornado has read the whole body, and
tornado's default cap is 100 MB: anyone who can reach the port could make the shop hold
a 100 MB body in memory. Telegram's updates are a few kilobytes, so a request with the
right secret may send ``MAX_BODY`` bytes, and one without it only ``REFUSED_BODY``
(enough for PTB to read it and answer 403 as before); a longer one is answered 400 and
its connection closed unread.
"""

from __future__ import annotations

import hmac
from typing import Any

from tornado import httputil

MAX_BODY = 1024 * 1024
REFUSED_BODY = 4 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _SecretFirst(httputil.HTTPMessageDelegate):
    def __init__(self, inner: httputil.HTTPMessageDelegate, connection: Any, secret: str) -> None:
        self._inner = inner
        self._connection = connection
        self._secret = secret.encode()

    def headers_received(
        self,
        start_line: httputil.RequestStartLine | httputil.ResponseStartLine,
        headers: httputil.HTTPHeaders,
    ) -> Any:
        given = headers.get(SECRET_HEADER, "").encode()
        genuine = hmac.compare_digest(given, self._secret)
        self._connection.set_max_body_size(MAX_BODY if genuine else REFUSED_BODY)
        return self._inner.headers_received(start_line, headers)

    def data_received(self, chunk: bytes) -> Any:
        return self._inner.data_received(chunk)

    def finish(self) -> None:
        self._inner.finish()

    def on_connection_close(self) -> None:
        self._inner.on_connection_close()


def harden(updater: Any, secret: str) -> None:
    """Wrap the running webhook server of PTB's ``updater`` (PTB 22 keeps it in
    ``_httpd``, a tornado HTTPServer in ``_http_server``; checked by the tests)."""
    server = updater._httpd._http_server
    start_request = server.start_request

    def checked(server_conn: object, request_conn: Any) -> httputil.HTTPMessageDelegate:
        return _SecretFirst(start_request(server_conn, request_conn), request_conn, secret)

    server.start_request = checked
