"""The public tracking page of a ticket (/t/{id}), its live stream and its polling fallback.

Served on the main listener and on the public one (`pages`, included by sync.hub.routes.public): only what
a citizen's phone needs, without a token. Everything here says only what the lobby board says of a ticket.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response, StreamingResponse

from sync.hub.deps import HubDep
from sync.hub.errors import ApiError, json_response
from sync.hub.live import EventStreamResponse
from sync.hub.tracking import public_view, render_page, stream_limit, ticket_stream

pages = APIRouter(tags=["public"])

_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


@pages.get("/t/{ticket_id}", response_class=HTMLResponse)
async def tracking_page(ticket_id: str, hub: HubDep) -> Response:
    """Trang theo dõi số thứ tự (the page behind a ticket's QR code): it updates itself."""
    view = public_view(hub, ticket_id)
    return HTMLResponse(render_page(hub, view), status_code=200 if view else 404, headers=_NO_STORE)


@pages.get("/t/{ticket_id}/state", tags=["public"])
async def tracking_state(ticket_id: str, hub: HubDep) -> Response:
    """Trạng thái số thứ tự / a ticket's public view (the page polls it where EventSource is missing)."""
    view = public_view(hub, ticket_id)
    if view is None:
        raise ApiError(404, "unknown_ticket", "Không tìm thấy số này / no such ticket")
    response = json_response(view)
    response.headers.update(_NO_STORE)
    return response


@pages.get("/t/{ticket_id}/events", response_class=StreamingResponse,
           responses={200: {"content": {"text/event-stream": {}}}})
async def tracking_events(ticket_id: str, request: Request, hub: HubDep) -> Response:
    """Luồng trực tiếp của một số / server-sent `ticket` events with the ticket's public view, each time it changes."""
    view = public_view(hub, ticket_id)
    if view is None:
        raise ApiError(404, "unknown_ticket", "Không tìm thấy số này / no such ticket")
    address = request.client.host if request.client else "unknown"
    limit = stream_limit(hub)
    if not limit.enter(address):
        raise ApiError(429, "too_many_streams", "Quá nhiều kết nối, trang sẽ tự cập nhật chậm hơn / too many live "
                       "streams: the page falls back to polling", headers={"Retry-After": "10"})
    sub, _, _ = hub.events.subscribe(hub.events.last_seq)
    return _Stream(ticket_stream(hub, ticket_id, sub, view), sub, lambda: limit.leave(address),
                   media_type="text/event-stream", headers={**_NO_STORE, "X-Accel-Buffering": "no"})


class _Stream(EventStreamResponse):
    """A tracking stream that gives its place back to the limit however it ends (also before its first byte)."""

    def __init__(self, content: Any, sub: Any, release: Any, **kw: Any) -> None:
        super().__init__(content, sub, **kw)
        self._release = release

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()
