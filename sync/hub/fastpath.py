"""The hub's ASGI entry: the door every request passes (sync.hub.limits), and a fast path for the two hot
requests, POST /tickets and POST /counters/{n}/next.

They carry a center's morning rush. The fast path skips FastAPI's per-request machinery (middleware
layers, dependency solving, response wrapping) and calls the same Hub methods as the documented routes,
with the same JSON errors. Hazard: middleware added to the FastAPI app does not run for these two
requests; put cross-cutting checks in the door (HubApp.__call__) or the Hub methods they share. Request
latency for /metrics is measured in `HubApp.__call__`, for both paths alike.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import Any

import orjson
from fastapi import FastAPI
from pydantic import ValidationError

from sync.hub.auth import CLERKS, ISSUERS, Principal, check_role
from sync.hub.errors import API, ApiError, error_body, validation_error
from sync.hub.limits import (
    JSON_LIMIT,
    PRINCIPAL,
    bearer_token,
    body_limit,
    body_pending,
    client_address,
    declared_length,
    limited,
    send_error,
    token_and_length,
    too_large,
)
from sync.hub.models import IssueRequest
from sync.hub.service import Hub

log = logging.getLogger(__name__)

_NEXT_PREFIX, _NEXT_SUFFIX = f"{API}/counters/", "/next"
_TICKETS, _NEXT_ROUTE = f"{API}/tickets", f"{API}/counters/{{n}}/next"
"""The two routes' templates, as the latency metric names them."""
MAX_FAST_BODY = JSON_LIMIT


def _path_regex(template: str) -> re.Pattern[str]:
    """A regular expression for an OpenAPI path template such as /api/v1/counters/{n}."""
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile("^" + "[^/]+".join(re.escape(p) for p in parts) + "$")


class HubApp(FastAPI):
    """The hub's FastAPI app behind its door, with a fast path for its two hot requests.

    The door: under /api/, every route that asks for a token gets the caller authenticated before its
    body is read (an unauthenticated upload is refused at its first bytes), and every body is held to
    its route's limit whether or not it declares a length. Everything else, and the OpenAPI description
    of the two hot requests, is plain FastAPI.
    """

    def __init__(self, hub: Hub, *, fast_path: bool = True, **kw: Any) -> None:
        super().__init__(**kw)
        self.hub = hub
        self.fast_path = fast_path
        """False: the two hot requests go through their FastAPI routes like every other (tests compare both)."""
        self._open_routes: list[tuple[str, re.Pattern[str]]] | None = None

    def open_routes(self) -> list[tuple[str, re.Pattern[str]]]:
        """(method, path pattern) of the /api/ operations that need no token: those whose OpenAPI
        description asks for no bearer token (GET /health), so a public route added later stays public."""
        if self._open_routes is None:
            self._open_routes = [(method.upper(), _path_regex(path))
                                 for path, ops in self.openapi().get("paths", {}).items() if path.startswith("/api/")
                                 for method, op in ops.items() if isinstance(op, dict) and not op.get("security")]
        return self._open_routes

    def needs_token(self, method: str, path: str) -> bool:
        """Whether the door authenticates this request before the route reads anything."""
        if not path.startswith("/api/"):
            return False
        method = "GET" if method == "HEAD" else method  # Starlette answers HEAD with the GET route
        return not any(m == method and rx.match(path) for m, rx in self.open_routes())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        start = perf_counter()
        path, method = scope["path"], scope["method"]
        if method == "POST" and self.fast_path:
            if path == _TICKETS:
                await self._fast(scope, receive, send, ISSUERS, self._issue)
                return self.hub.metrics.observe("POST", _TICKETS, perf_counter() - start)
            if path.startswith(_NEXT_PREFIX) and path.endswith(_NEXT_SUFFIX):
                number = path[len(_NEXT_PREFIX):-len(_NEXT_SUFFIX)]
                # isdigit() alone lets "²" through, which int() refuses: ASCII digits only.
                if number.isascii() and number.isdigit() and len(number) <= 6:
                    counter = int(number)
                    await self._fast(scope, receive, send, CLERKS, lambda p, body: self._next(p, counter))
                    return self.hub.metrics.observe("POST", _NEXT_ROUTE, perf_counter() - start)
        # Every other request is timed to the start of its answer (so a live event stream counts once, when
        # it opens), by its route template: Starlette's router puts the matched route into the scope.
        observe = self.hub.metrics.observe

        async def timed_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                route = scope.get("route")
                observe(method, getattr(route, "path", "unmatched"), perf_counter() - start)
            await send(message)

        limit = body_limit(method, path)
        length = declared_length(scope)
        if self.needs_token(method, path):
            try:
                scope[PRINCIPAL] = self.hub.authenticate(bearer_token(scope), client=client_address(scope), route=path)
            except ApiError as exc:
                return await send_error(timed_send, exc, close=body_pending(scope, length))
        if length is not None and length > limit:
            return await send_error(timed_send, too_large(limit), close=True)
        await super().__call__(scope, limited(receive, limit), timed_send)

    async def _issue(self, p: Principal, body: bytes) -> tuple[int, bytes]:
        try:
            req = IssueRequest.model_validate_json(body)
        except ValidationError as exc:
            raise ApiError(*_as_the_route_says(body, exc)) from None
        return 201, orjson.dumps(await self.hub.issue_ticket(p, req))

    async def _next(self, p: Principal, counter: int) -> tuple[int, bytes]:
        ticket = await self.hub.call_next(p, counter)
        return (204, b"") if ticket is None else (200, orjson.dumps(ticket))

    async def _fast(self, scope: Any, receive: Any, send: Any, roles: frozenset[str],
                    handler: Callable[[Principal, bytes], Awaitable[tuple[int, bytes]]]) -> None:
        token, length = token_and_length(scope)
        read_all = False
        headers: dict[str, str] = {}
        try:
            # Who and what first, the body after: a refused caller's body is never read.
            p = self.hub.authenticate(token, client=client_address(scope), route=scope["path"])
            check_role(p, roles)
            if length is not None and length > MAX_FAST_BODY:
                raise too_large(MAX_FAST_BODY)
            chunks: list[bytes] = []
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > MAX_FAST_BODY:
                    raise too_large(MAX_FAST_BODY)
                chunks.append(chunk)
                if not message.get("more_body"):
                    break
            read_all = True
            status, payload = await handler(p, b"".join(chunks))
        except ApiError as exc:
            status, payload, headers = exc.status, error_body(exc.code, exc.message), exc.headers or {}
        except Exception:  # the same last resort as the FastAPI app's
            log.exception("unexpected error on POST %s", scope["path"])
            status, payload = 500, error_body("internal_error", "Lỗi hệ thống / internal error")
        # A 204 has neither body nor Content-Length (RFC 9110); everything else is JSON.
        raw = [] if status == 204 else [(b"content-length", str(len(payload)).encode()),
                                        (b"content-type", b"application/json")]
        raw.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())
        if not read_all and (status == 413 or body_pending(scope, length)):
            raw.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": payload})


def _as_the_route_says(body: bytes, exc: ValidationError) -> tuple[int, str, str]:
    """The error FastAPI's route gives for this body. The route takes no body as a missing one, and validates
    the parsed object (from_attributes, as FastAPI does), whose messages differ from JSON validation's for some
    inputs ("Input should be an object" for a list). Only refusals pay for this."""
    if not body:
        return validation_error([{"type": "missing", "loc": ("body",), "msg": "Field required"}])
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return validation_error(exc.errors())
    try:
        IssueRequest.model_validate(parsed, from_attributes=True)
    except ValidationError as again:
        return validation_error([{**e, "loc": ("body", *e["loc"])} for e in again.errors()])
    return validation_error(exc.errors())
