"""The live event stream (server-sent events) with Last-Event-ID replay."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from sync.hub.deps import AnyRole, HubDep
from sync.hub.errors import API, ApiError
from sync.hub.live import EventStreamResponse, stream

router = APIRouter(tags=["events"])


@router.get(f"{API}/events", response_class=StreamingResponse, responses={200: {"content": {"text/event-stream": {}}}})
async def events(request: Request, hub: HubDep, p: AnyRole, last_event_id: int | None = None) -> Response:
    """Sự kiện trực tiếp / server-sent events; `id:` is the event sequence, `Last-Event-ID` replays."""
    header = request.headers.get("last-event-id")
    after = last_event_id
    if header is not None:
        try:
            after = int(header.strip() or 0)
        except ValueError:
            raise ApiError(400, "invalid_last_event_id", "Last-Event-ID phải là số / must be an integer") from None
    if after is None:
        after = hub.events.last_seq  # a new subscriber starts from now
    if after < 0:
        raise ApiError(400, "invalid_last_event_id", "Last-Event-ID phải ≥ 0 / must be >= 0")
    most = hub.config.limits.streams_per_token
    if hub.events.streams_of(p) >= most:
        raise ApiError(429, "too_many_streams", f"Mã thiết bị này đã mở {most} luồng sự kiện / this device token "
                       f"already has {most} event streams open ([limits].streams_per_token)",
                       headers={"Retry-After": "5"})
    sub, replay, until = hub.events.subscribe(after, p)
    return EventStreamResponse(stream(hub.events, sub, after, replay, until, heartbeat_s=hub.heartbeat_s), sub,
                               media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
