"""What the reference central server checks before a route reads a body: the site token (an unknown caller's
body is never read, so a LAN or internet scanner cannot make the server buffer megabytes) and the body's size
by route, declared or chunked. Files (`PUT /blobs/...`) are streamed to disk by their route, which checks the
declared size and the site's quota, so only the token is checked here for them.

The token check here only says whether the token is known; the routes' dependency does it again with the
site identity header (cheap: a dict or one indexed row), so no route depends on this middleware to be safe.
"""
from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

import orjson

from sync.central.store import CentralStore
from sync.hub.limits import (
    Receive,
    Send,
    bearer_token,
    body_pending,
    client_address,
    declared_length,
    limited,
    too_large,
)
from sync.privacy import AddressLimiter

log = logging.getLogger(__name__)

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


TOO_MANY = ("Quý khách thao tác quá nhanh, xin thử lại sau ít phút / too many requests from this address, "
            "please try again in a few minutes")


class CentralDoor:
    """ASGI middleware: 401 before any body of a request without a known site token; 413 past the limit;
    429 (with Retry-After) for an address past its share of the citizens' routes (`public_limiter`)."""

    def __init__(self, app: Any, store: CentralStore, public_limiter: AddressLimiter | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.store = store
        self.public_limiter = public_limiter
        self.clock = clock

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method, path = scope["method"], scope["path"]
        public = is_public(path)
        if public and self.public_limiter is not None and method != "OPTIONS":
            # Every citizens' route counts, GETs too: the listing, the look-up and the page cost the store as
            # much as a booking, and a booking id or a slot's places should not be scraped at speed.
            address, now = client_address(scope), self.clock()
            if not self.public_limiter.allow(address, now):
                wait = max(1, math.ceil(self.public_limiter.retry_after(address, now)))
                # debug only: a flood must not flood the log too (and the address is not written down)
                log.debug("public booking routes: 429 for %s %s", method, path)
                return await _answer(send, 429, "too_many_requests", TOO_MANY, close=method not in ("GET", "HEAD"),
                                     headers=[(b"retry-after", str(wait).encode())])
        if method in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        length = declared_length(scope)
        if public:
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


async def _answer(send: Send, status: int, code: str, message: str, *, close: bool,
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = orjson.dumps({"error": {"code": code, "message": message}})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               *(headers or [])]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
