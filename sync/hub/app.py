"""The hub's FastAPI app: error handlers, the lifespan that starts and stops the Hub, and every route."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from motcua import __version__
from sync.hub import console as manager_console
from sync.hub.errors import ApiError, error_response, validation_error
from sync.hub.fastpath import HubApp
from sync.hub.routes import (
    admin,
    bookings,
    console,
    console_ops,
    devices,
    dossiers,
    events,
    helpdesk,
    identity,
    metrics,
    notices,
    payments,
    public,
    queue,
    staff,
    sync,
)
from sync.hub.service import Hub

log = logging.getLogger(__name__)


def create_app(hub: Hub, *, docs: bool = False, public_pages: bool = True, fast_path: bool = True) -> FastAPI:
    """The hub's HTTP API (the README's API; ARCHITECTURE.md, "Public contracts").

    `docs` serves /docs, /redoc and /openapi.json (off by default: they map the whole API for anyone on
    the LAN; `app.openapi()` gives the description in-process). `public_pages` serves /t/… and /d/… here
    too (turn it off when they have a listener of their own, create_public_app). `fast_path` off serves POST
    /tickets and /counters/{n}/next by their FastAPI routes too (sync.hub.fastpath).
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()
            manager_console.close(hub)  # its report worker, if the console started one

    app = HubApp(hub, fast_path=fast_path, title="motcua-edge site hub", version=__version__, lifespan=lifespan,
                 description="Máy chủ trạm của Trung tâm hành chính công / the site hub of a one-stop center.",
                 **_docs(docs))
    app.state.hub = hub
    app.state.close_streams = hub.events.close_all
    _handlers(app)
    for area in (public, queue, devices, dossiers, payments, bookings, notices, sync, events, identity, admin, metrics,
                 staff, helpdesk):
        app.include_router(area.router)
    if public_pages:
        app.include_router(public.pages)
    app.include_router(console.router)  # the manager's console: staff only, never on the public listener
    app.include_router(console_ops.router)
    return app


def create_public_app(hub: Hub) -> FastAPI:
    """Only the public pages (/t/…, /d/…) of a hub, for a listener that citizens' phones reach: no API, no
    docs, no description. It has no lifespan: the hub's main app starts and stops the Hub."""
    app = FastAPI(title="motcua-edge public pages", version=__version__, **_docs(False))
    app.state.hub = hub
    _handlers(app)
    app.include_router(public.pages)
    return app


def _docs(on: bool) -> dict[str, Any]:
    return {} if on else {"docs_url": None, "redoc_url": None, "openapi_url": None}


def _handlers(app: FastAPI) -> None:
    """The one error shape (ARCHITECTURE rule 10) for every app of the hub."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return error_response(*validation_error(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden",
                 413: "body_too_large"}
        msg = {404: "Không có địa chỉ này / no such endpoint", 405: "Phương thức không được hỗ trợ / method not allowed"}
        return error_response(exc.status_code, codes.get(exc.status_code, "http_error"),
                              msg.get(exc.status_code, str(exc.detail)), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:  # pragma: no cover - last resort
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "Lỗi hệ thống / internal error")
