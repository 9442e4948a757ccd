"""A fast path for the hub's two hot requests, POST /tickets and POST /counters/{n}/next.

They carry a center's morning rush. The fast path skips FastAPI's per-request machinery (middleware
layers, dependency solving, response wrapping) and calls the same Hub methods as the documented routes,
with the same JSON errors. Hazard: middleware added to the FastAPI app does not run for these two
requests; put cross-cutting checks in the Hub methods they share.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from fastapi import FastAPI
from pydantic import ValidationError

from sync.hub.auth import CLERKS, ISSUERS
from sync.hub.errors import API, ApiError, error_body, validation_error
from sync.hub.models import IssueRequest
from sync.hub.service import Hub

log = logging.getLogger(__name__)

_NEXT_PREFIX, _NEXT_SUFFIX = f"{API}/counters/", "/next"
MAX_FAST_BODY = 64 * 1024


class HubApp(FastAPI):
    """The hub's FastAPI app with a fast path for its two hot requests.

    POST /tickets and POST /counters/{n}/next carry a center's morning rush. They skip FastAPI's
    per-request machinery (middleware layers, dependency solving, response wrapping) and go straight to
    the same Hub methods the documented routes call, with the same JSON errors. Everything else, and
    the OpenAPI description of these two, is plain FastAPI.
    """

    def __init__(self, hub: Hub, **kw: Any) -> None:
        super().__init__(**kw)
        self.hub = hub

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            path = scope["path"]
            if path == f"{API}/tickets":
                return await self._fast(scope, receive, send, self._issue)
            if path.startswith(_NEXT_PREFIX) and path.endswith(_NEXT_SUFFIX):
                number = path[len(_NEXT_PREFIX):-len(_NEXT_SUFFIX)]
                if number.isdigit() and len(number) <= 6:
                    counter = int(number)
                    return await self._fast(scope, receive, send, lambda token, body: self._next(token, counter))
        await super().__call__(scope, receive, send)

    async def _issue(self, token: str | None, body: bytes) -> tuple[int, bytes]:
        p = self.hub.authorize(token, ISSUERS)
        try:
            req = IssueRequest.model_validate_json(body)
        except ValidationError as exc:
            status, code, message = validation_error(exc.errors())
            raise ApiError(status, code, message) from None
        return 201, orjson.dumps(await self.hub.issue_ticket(p, req))

    async def _next(self, token: str | None, counter: int) -> tuple[int, bytes]:
        ticket = await self.hub.call_next(self.hub.authorize(token, CLERKS), counter)
        return (204, b"") if ticket is None else (200, orjson.dumps(ticket))

    async def _fast(self, scope: Any, receive: Any, send: Any,
                    handler: Callable[[str | None, bytes], Awaitable[tuple[int, bytes]]]) -> None:
        token = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, cred = value.decode("latin-1").partition(" ")
                token = cred.strip() if scheme.lower() == "bearer" else None
                break
        try:
            body = b""
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
                if len(body) > MAX_FAST_BODY:
                    raise ApiError(413, "body_too_large", "Dữ liệu quá lớn / the body is too large")
                if not message.get("more_body"):
                    break
            status, payload = await handler(token, body)
        except ApiError as exc:
            status, payload = exc.status, error_body(exc.code, exc.message)
        except Exception:  # the same last resort as the FastAPI app's
            log.exception("unexpected error on POST %s", scope["path"])
            status, payload = 500, error_body("internal_error", "Lỗi hệ thống / internal error")
        # A 204 has neither body nor Content-Length (RFC 9110); everything else is JSON.
        headers = [] if status == 204 else [(b"content-length", str(len(payload)).encode()),
                                            (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

