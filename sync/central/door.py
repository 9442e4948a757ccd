"""What the reference central server checks before a route reads a body: the site token (an unknown caller's
body is never read, so a LAN or internet scanner cannot make the server buffer megabytes) and the body's size
by route, declared or chunked. Files (`PUT /blobs/...`) are streamed to disk by their route, which checks the
declared size and the site's quota, so only the token is checked here for them.

The token check here only says whether the token is known; the routes' dependency does it again with the
site identity header (cheap: a dict or one indexed row), so no route depends on this middleware to be safe.
"""
from __future__ import annotations

from typing import Any

import orjson

from sync.central.store import CentralStore
from sync.hub.limits import Receive, Send, bearer_token, body_pending, declared_length, limited, too_large

API = "/api/v1"
EVENTS_LIMIT = 8 * 1024 * 1024
"""A batch of events (at most 2,000 PII-free events; the relay sends 500, well under 1 MB)."""
JSON_LIMIT = 2 * 1024 * 1024
"""A dossier (its form data and file references; the files travel as blobs) or any other JSON body."""
BLOBS = f"{API}/blobs/"
PUBLIC_LIMIT = 16 * 1024
"""The citizens' booking page and API (`/book…`, `/api/v1/public/…`, sync.central.booking_pages): no token, a
few fields, so a small body."""


def is_public(path: str) -> bool:
    """Whether a route is one of the citizens' (no site token)."""
    return path.startswith(f"{API}/public/") or path == "/book" or path.startswith("/book/")


def body_limit(method: str, path: str) -> int | None:
    """The largest body this route takes in bytes; None for files, which their route streams and limits."""
    if method == "PUT" and path.startswith(BLOBS):
        return None
    return EVENTS_LIMIT if path == f"{API}/events" else JSON_LIMIT


class CentralDoor:
    """ASGI middleware: 401 before any body of a request without a known site token; 413 past the limit."""

    def __init__(self, app: Any, store: CentralStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        method, path = scope["method"], scope["path"]
        length = declared_length(scope)
        if is_public(path):
            if length is not None and length > PUBLIC_LIMIT:
                return await _answer(send, 413, "body_too_large", _too_large(PUBLIC_LIMIT), close=True)
            return await self.app(scope, limited(receive, PUBLIC_LIMIT), send)
        token = bearer_token(scope)
        if not token or self.store.site_of(token) is None:
            message = ("Thiếu mã trạm / missing site token (Authorization: Bearer)" if not token
                       else "Mã trạm không hợp lệ / invalid site token")
            return await _answer(send, 401, "unauthorized", message, close=body_pending(scope, length))
        limit = body_limit(method, path)
        if limit is None:
            return await self.app(scope, receive, send)
        if length is not None and length > limit:
            return await _answer(send, 413, "body_too_large", _too_large(limit), close=True)
        # A chunked body raises BodyTooLarge from receive() once past the limit; the app's HTTP error handler
        # answers it as the JSON 413 and closes the connection.
        await self.app(scope, limited(receive, limit), send)


def _too_large(limit: int) -> str:
    return too_large(limit).message


async def _answer(send: Send, status: int, code: str, message: str, *, close: bool) -> None:
    body = orjson.dumps({"error": {"code": code, "message": message}})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
