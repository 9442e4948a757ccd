"""The site hub: the queue engine behind an HTTP API, with live server-sent events.

One process, one asyncio loop. Requests run the engine on the loop (it is pure and fast), hand the
resulting changes to the store's group-commit writer, and answer once the commit is durable. Live
subscribers are fed from the same committed events, so nobody hears of a change that could be lost.
"""
from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response, StreamingResponse

from motcua import __version__
from motcua.clock import Clock, SystemClock, iso
from motcua.config import SiteConfig
from motcua.queue import Change, QueueEngine, QueueError, Ticket
from sync.store import EncodedEvent, SiteStore, StoreError

log = logging.getLogger(__name__)

API = "/api/v1"
JSON = "application/json"


class ApiError(Exception):
    """An error answered as {"error": {"code", "message"}} with a 4xx status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """The one JSON error shape of the API (DESIGN rule 10)."""
    return Response(orjson.dumps({"error": {"code": code, "message": message}}), status_code=status,
                    media_type=JSON, headers=headers)


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON answer serialised with orjson."""
    return Response(orjson.dumps(data), status_code=status, media_type=JSON)


# ---------------------------------------------------------------------- request bodies
class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueRequest(_Body):
    """Lấy số: which service, and a priority category if the citizen has one."""

    service: str = Field(min_length=1, max_length=32)
    priority: str | None = Field(None, max_length=32)
    channel: Literal["kiosk", "counter", "web", "admin"] | None = None
    request_id: str | None = Field(None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                   description="idempotency key: a retry with the same key returns the same ticket")


class TransferRequest(_Body):
    """Chuyển số sang dịch vụ khác."""

    service: str = Field(min_length=1, max_length=32)


class DeviceReport(_Body):
    """Sự cố thiết bị: a device says what is wrong (fault) or that it is fine again (fault = null)."""

    device: str | None = Field(None, max_length=64, description="device name; defaults to the token's name")
    fault: Literal["paper_out", "paper_low", "printer_offline", "printer_unknown", "cover_open", "scanner_offline",
                   "camera_offline", "hub_unreachable", "other"] | None
    message: str = Field("", max_length=500)
    details: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class TicketRef(_Body):
    """A ticket of today, by id or by its number (and service when numbers repeat)."""

    ticket: str | None = Field(None, max_length=64)
    display: str | None = Field(None, max_length=16)
    service: str | None = Field(None, max_length=32)


# ---------------------------------------------------------------------- auth
@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a device token's role, name and (for a counter) its counter number."""

    role: str
    name: str
    counter: int | None = None


class TokenCache:
    """Token hash lookups, cached (tokens made while the hub runs are found on first use)."""

    def __init__(self, store: SiteStore, static: dict[str, Principal] | None = None) -> None:
        self.store = store
        self.cache: dict[str, Principal | None] = dict(static or {})

    def get(self, token: str) -> Principal | None:
        """The principal of a token, or None."""
        if token in self.cache:
            p = self.cache[token]
            if p is not None:
                return p
        found = self.store.token_lookup(token)
        p = Principal(*found) if found else None
        if p is not None or len(self.cache) < 10000:
            self.cache[token] = p
        return p


ROLE_NAMES = {"kiosk": "ki-ốt", "board": "màn hình", "counter": "quầy", "admin": "quản trị"}


# ---------------------------------------------------------------------- live events
class Broadcaster:
    """Fans committed events out to SSE subscribers, and keeps recent ones for quick replay."""

    def __init__(self, store: SiteStore, *, keep: int = 20000, max_backlog: int = 50000) -> None:
        self.store = store
        self.recent: deque[EncodedEvent] = deque(maxlen=keep)
        self.subscribers: set[_Subscriber] = set()
        self.last_seq = 0
        self.max_backlog = max_backlog

    def publish(self, events: list[EncodedEvent]) -> None:
        """Committed events, in sequence order (called on the loop by the store)."""
        if not events:
            return
        self.recent.extend(events)
        self.last_seq = events[-1].seq
        for sub in list(self.subscribers):
            sub.push(events)

    def close_all(self) -> None:
        """End every live stream (shutdown); clients reconnect and replay from the log."""
        for sub in list(self.subscribers):
            sub.overflow = True
            sub.wake.set()

    def subscribe(self, after: int) -> tuple[_Subscriber, list[EncodedEvent], int]:
        """Register a subscriber; returns it, the in-memory replay, and where the replay ends."""
        sub = _Subscriber(self)
        self.subscribers.add(sub)
        until = self.last_seq
        replay: list[EncodedEvent] = []
        if after < until and self.recent and self.recent[0].seq <= after + 1:
            replay = [e for e in self.recent if e.seq > after]
        return sub, replay, until


class _Subscriber:
    __slots__ = ("hub", "overflow", "pending", "wake")

    def __init__(self, hub: Broadcaster) -> None:
        self.hub = hub
        self.pending: list[EncodedEvent] = []
        self.wake = asyncio.Event()
        self.overflow = False

    def push(self, events: list[EncodedEvent]) -> None:
        self.pending.extend(events)
        if len(self.pending) > self.hub.max_backlog:
            # A subscriber this far behind is not reading: drop it; it reconnects and replays from the log.
            self.overflow = True
            self.pending.clear()
        self.wake.set()

    def take(self) -> list[EncodedEvent]:
        out, self.pending = self.pending, []
        self.wake.clear()
        return out

    def close(self) -> None:
        self.hub.subscribers.discard(self)


def sse_frame(e: EncodedEvent) -> bytes:
    """One server-sent event: id, event type and JSON data."""
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (e.seq, e.type.encode(), e.payload)


# ---------------------------------------------------------------------- the hub
class Hub:
    """The engine, the store and the live events of one site."""

    def __init__(self, config: SiteConfig, store: SiteStore, *, clock: Clock | None = None,
                 heartbeat_s: float = 15.0, static_tokens: dict[str, Principal] | None = None,
                 config_path: str | Path | None = None) -> None:
        self.config = config
        self.config_path = config_path
        self.store = store
        self.clock = clock or SystemClock()
        self.engine = QueueEngine(config, self.clock)
        self.events = Broadcaster(store)
        self.tokens = TokenCache(store, static_tokens)
        self.heartbeat_s = heartbeat_s
        self.central_url = config.central.url
        """Where the relay sends the outbox (`motcua hub --central URL` overrides [central].url)."""
        self._tick_task: asyncio.Task[None] | None = None
        self.reload()
        store.on_committed = self.events.publish
        store.on_failed = lambda exc: self.reload()

    def reload(self) -> None:
        """Rebuild the engine from the database (at start and after a failed write)."""
        day = self.engine.local_day(self.clock.time())
        tickets, counters, last_seq, calls = self.store.load_day(day)
        self.engine.next_seq = last_seq + 1
        self.engine.load(day=day, tickets=tickets, counters=counters, recent_calls=calls)
        self.engine.device_faults = dict(self.store.device_faults)
        self.events.last_seq = max(self.events.last_seq, last_seq)
        log.info("loaded day %s: %d tickets, last event %d", day, len(tickets), last_seq)

    async def start(self) -> None:
        """Start the writer and the periodic day check."""
        self.store.start(asyncio.get_running_loop())
        self._tick_task = asyncio.create_task(self._tick_forever())

    async def stop(self) -> None:
        """Finish queued writes and stop."""
        if self._tick_task:
            self._tick_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick_task
        await asyncio.get_running_loop().run_in_executor(None, self.store.stop)

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(20)
            try:
                await self.tick()
            except Exception:
                log.exception("day check failed")

    async def tick(self) -> None:
        """Roll the day over if local midnight has passed."""
        change = self.engine.rollover_if_needed()
        if change is not None:
            await self.commit([change])

    async def commit(self, changes: Iterable[Change]) -> None:
        """Persist changes durably; raises ApiError 503 if the database refused them."""
        try:
            await self.store.submit(changes)
        except StoreError as exc:
            raise ApiError(503, "store_unavailable",
                           "Hệ thống đang bận ghi dữ liệu, xin thử lại / the hub could not save, try again") from exc

    async def run(self, op: Callable[[], list[Change] | Change]) -> list[Change]:
        """Run an engine operation (with the day check first) and commit its changes."""
        changes: list[Change] = []
        roll = self.engine.rollover_if_needed()
        if roll is not None:
            changes.append(roll)
        try:
            result = op()
        except QueueError as exc:
            if changes:
                await self.commit(changes)
            raise ApiError(exc.status, exc.code, exc.message) from exc
        new = result if isinstance(result, list) else [result]
        changes.extend(new)
        if changes:
            await self.commit(changes)
        return new

    def ticket_view(self, t: Ticket) -> dict[str, Any]:
        """The API shape of a ticket, with its live position."""
        return self.engine.view(t)

    def find_ticket(self, ticket_id: str) -> dict[str, Any] | None:
        """A ticket by id: today's from memory, older ones from the database."""
        t = self.engine.tickets.get(ticket_id)
        if t is None:
            t = self.store.ticket(ticket_id)
            if t is None:
                return None
            return self.engine.view(t, position=(None, None))
        return self.engine.view(t)

    def site_document(self) -> dict[str, Any]:
        """GET /site: the center, its services, counters, priority categories and texts."""
        c = self.config
        return {
            "site": c.site.model_dump(),
            "hours": {d: [str(s) for s in c.hours.sessions(i + 1)]
                      for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
            "issuing_open": self.engine.issuing_open(),
            "services": [{
                "code": s.code, "name": s.name, "name_en": s.name_en, "prefix": s.prefix, "digits": s.digits,
                "first_number": s.first_number, "daily_quota": s.daily_quota, "quota_left": self.engine.quota_left(s.code),
                "waiting": len(self.engine.queues[s.code]), "average_service_s": round(self.engine.stats[s.code].average_s),
            } for s in c.services],
            "counters": [{"number": k.number, "name": k.label, "services": list(k.services), "policy": k.policy}
                         for k in c.counters],
            "priority_categories": [p.model_dump() for p in c.priority_categories],
            "display": c.display.model_dump(),
            "now": iso(self.clock.time(), c.tz),
        }


# ---------------------------------------------------------------------- the FastAPI app
def create_app(hub: Hub) -> FastAPI:
    """The hub's HTTP API (DESIGN.md's public contract)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()

    app = FastAPI(title="motcua-edge site hub", version=__version__, lifespan=lifespan,
                  description="Máy chủ trạm của Trung tâm hành chính công / the site hub of a one-stop center.")
    app.state.hub = hub
    app.state.close_streams = hub.events.close_all
    bearer = HTTPBearer(auto_error=False, description="Mã thiết bị / device token")

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errs = exc.errors()
        first = errs[0] if errs else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        if first.get("type") == "json_invalid":
            return error_response(400, "malformed_json", "Dữ liệu gửi lên không phải JSON hợp lệ / the body is not valid JSON")
        return error_response(422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}
        msg = {404: "Không có địa chỉ này / no such endpoint", 405: "Phương thức không được hỗ trợ / method not allowed"}
        return error_response(exc.status_code, codes.get(exc.status_code, "http_error"),
                              msg.get(exc.status_code, str(exc.detail)), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:  # pragma: no cover - last resort
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "Lỗi hệ thống / internal error")

    def auth(*roles: str) -> Callable[..., Awaitable[Principal]]:
        allowed = frozenset(roles) | {"admin"}

        async def dependency(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
            if creds is None or not creds.credentials:
                raise ApiError(401, "unauthorized", "Thiếu mã thiết bị / missing device token (Authorization: Bearer)")
            p = hub.tokens.get(creds.credentials)
            if p is None:
                raise ApiError(401, "unauthorized", "Mã thiết bị không hợp lệ / invalid device token")
            if p.role not in allowed:
                raise ApiError(403, "forbidden", f"Vai trò {ROLE_NAMES.get(p.role, p.role)} không được phép / "
                                                 f"the {p.role} role may not do this")
            return p

        return dependency

    any_role = auth("kiosk", "board", "counter")
    issuer = auth("kiosk", "counter")
    clerk = auth("counter")

    def own_counter(p: Principal, n: int) -> None:
        if p.role == "counter" and p.counter is not None and p.counter != n:
            raise ApiError(403, "forbidden", f"Mã này chỉ dùng cho quầy {p.counter} / this token is for counter {p.counter}")

    # ---------------------------------------------------------------- public
    @app.get(f"{API}/health", tags=["public"])
    async def health() -> Response:
        """Sống / liveness and version."""
        return json_response({"status": "ok", "version": __version__, "site": hub.config.site.code,
                              "day": hub.engine.day, "last_event": hub.events.last_seq,
                              "now": iso(hub.clock.time(), hub.config.tz)})

    @app.get("/t/{ticket_id}", response_class=HTMLResponse, tags=["public"])
    async def tracking_page(ticket_id: str) -> Response:
        """Trang theo dõi số thứ tự (the page behind a ticket's QR code)."""
        t = hub.find_ticket(ticket_id) if len(ticket_id) <= 64 else None
        return HTMLResponse(_tracking_html(hub, t), status_code=200 if t else 404)

    # ---------------------------------------------------------------- reads
    @app.get(f"{API}/site", tags=["site"])
    async def site(p: Principal = Depends(any_role)) -> Response:
        """Dịch vụ, quầy, đối tượng ưu tiên / services, counters, priority categories, texts."""
        return json_response(hub.site_document())

    @app.get(f"{API}/board", tags=["site"])
    async def board(p: Principal = Depends(any_role)) -> Response:
        """Trạng thái màn hình sảnh / the board's state."""
        return json_response(hub.engine.board())

    @app.get(f"{API}/tickets/{{ticket_id}}", tags=["tickets"])
    async def get_ticket(ticket_id: str, p: Principal = Depends(any_role)) -> Response:
        """Một phiếu / one ticket."""
        view = hub.find_ticket(ticket_id) if len(ticket_id) <= 64 else None
        if view is None:
            raise ApiError(404, "unknown_ticket", "Không tìm thấy số này / no such ticket")
        return json_response(view)

    @app.get(f"{API}/tickets", tags=["tickets"])
    async def list_tickets(status: str | None = None, service: str | None = None,
                           p: Principal = Depends(any_role)) -> Response:
        """Phiếu hôm nay / today's tickets, optionally by status and service, in queue order."""
        items = [t for t in hub.engine.tickets.values()
                 if (status is None or t.status.value == status) and (service is None or t.service == service)]
        items.sort(key=lambda t: (t.priority is None, t.issued_at, t.number))
        return json_response({"day": hub.engine.day, "tickets": [hub.engine.view(t) for t in items]})

    # ---------------------------------------------------------------- issuing
    @app.post(f"{API}/tickets", status_code=201, tags=["tickets"])
    async def issue(body: IssueRequest, p: Principal = Depends(issuer)) -> Response:
        """Cấp số / take a number: 201 with the ticket once it is durably stored."""
        channel = "kiosk" if p.role == "kiosk" else (body.channel or p.role)
        if body.request_id:
            existing = hub.engine.issued_for_request(body.request_id)
            if existing is not None:
                if existing.service != body.service:
                    raise ApiError(422, "request_id_reused", "request_id đã dùng cho dịch vụ khác / request_id reused")
                return json_response(hub.engine.view(existing), 201)
        changes = await hub.run(lambda: hub.engine.issue(body.service, priority=body.priority, channel=channel,
                                                         request_id=body.request_id))
        return json_response(changes[-1].event.data["ticket"], 201)

    # ---------------------------------------------------------------- counters
    def _called(changes: list[Change]) -> Response:
        call = next((c for c in reversed(changes) if c.event.type == "ticket.called"), None)
        if call is None:
            return Response(status_code=204)
        return json_response(call.event.data["ticket"])

    @app.post(f"{API}/counters/{{n}}/next", tags=["counters"], responses={204: {"description": "Không còn ai chờ"}})
    async def call_next(n: int, p: Principal = Depends(clerk)) -> Response:
        """Gọi số tiếp theo / call next: 200 with the called ticket, 204 when nobody waits."""
        own_counter(p, n)
        return _called(await hub.run(lambda: hub.engine.call_next(n)))

    @app.post(f"{API}/counters/{{n}}/call", tags=["counters"])
    async def call_specific(n: int, body: TicketRef, p: Principal = Depends(clerk)) -> Response:
        """Gọi một số cụ thể (kể cả số đã bỏ qua) / call a given ticket out of order."""
        own_counter(p, n)
        if not body.ticket and not body.display:
            raise ApiError(422, "invalid_request", "ticket hoặc display là bắt buộc / give ticket or display")
        return _called(await hub.run(lambda: hub.engine.call_specific(
            n, ticket_id=body.ticket, display=body.display, service=body.service)))

    @app.post(f"{API}/counters/{{n}}/restore", tags=["counters"])
    async def restore(n: int, body: TicketRef, p: Principal = Depends(clerk)) -> Response:
        """Đưa số vắng mặt trở lại hàng đợi / put a skipped ticket back in its queue."""
        own_counter(p, n)
        if not body.ticket and not body.display:
            raise ApiError(422, "invalid_request", "ticket hoặc display là bắt buộc / give ticket or display")
        ch = await hub.run(lambda: hub.engine.restore(n, ticket_id=body.ticket, display=body.display,
                                                      service=body.service))
        return json_response(hub.engine.view(ch[-1].ticket) if ch[-1].ticket else {})

    def _ticket_op(name: str, op: Callable[[int], Change], doc: str) -> None:
        async def endpoint(n: int, p: Principal = Depends(clerk)) -> Response:
            own_counter(p, n)
            ch = await hub.run(lambda: op(n))
            return json_response(ch[-1].event.data.get("ticket") or ch[-1].event.data.get("counter"))

        endpoint.__doc__ = doc
        app.post(f"{API}/counters/{{n}}/{name}", tags=["counters"], name=f"counter_{name}")(endpoint)

    _ticket_op("recall", hub.engine.recall, "Gọi lại / announce the current ticket again.")
    _ticket_op("skip", hub.engine.skip, "Bỏ qua (vắng mặt) / the citizen did not come.")
    _ticket_op("complete", hub.engine.complete, "Hoàn thành / served.")
    _ticket_op("pause", hub.engine.pause, "Tạm dừng quầy / pause the counter.")
    _ticket_op("resume", hub.engine.resume, "Mở lại quầy / resume the counter.")

    @app.post(f"{API}/counters/{{n}}/transfer", tags=["counters"])
    async def transfer(n: int, body: TransferRequest, p: Principal = Depends(clerk)) -> Response:
        """Chuyển số sang dịch vụ khác (giữ thời gian lấy số) / transfer the current ticket."""
        own_counter(p, n)
        ch = await hub.run(lambda: hub.engine.transfer(n, body.service))
        return json_response(ch[-1].event.data["ticket"])

    @app.get(f"{API}/counters/{{n}}", tags=["counters"])
    async def counter_state(n: int, p: Principal = Depends(any_role)) -> Response:
        """Trạng thái một quầy / one counter's state, with how many wait for its services."""
        cfg = hub.config.counter(n)
        if cfg is None:
            raise ApiError(404, "unknown_counter", f"Không có quầy số {n} / no counter {n}")
        view = hub.engine.counter_view(hub.engine.counters[n])
        view["services"] = list(cfg.services)
        view["waiting"] = sum(len(hub.engine.queues[s]) for s in cfg.services)
        cur = hub.engine.tickets.get(hub.engine.counters[n].current or "")
        view["current"] = hub.engine.view(cur) if cur else None
        return json_response(view)

    # ---------------------------------------------------------------- devices
    @app.post(f"{API}/devices/report", tags=["devices"])
    async def device_report(body: DeviceReport, p: Principal = Depends(auth("kiosk", "board", "counter"))) -> Response:
        """Báo sự cố thiết bị / a device reports a fault or its recovery (a device.fault / device.ok event)."""
        device = body.device or p.name
        if body.fault is None and device not in hub.engine.device_faults:
            return json_response({"device": device, "fault": None})
        ch = await hub.run(lambda: hub.engine.report_device(device=device, role=p.role, fault=body.fault,
                                                            message=body.message, details=body.details))
        return json_response(ch[-1].event.data["device"])

    @app.get(f"{API}/devices/faults", tags=["devices"])
    async def device_faults(p: Principal = Depends(any_role)) -> Response:
        """Sự cố đang có / active device faults."""
        return json_response({"faults": list(hub.engine.device_faults.values())})

    # ---------------------------------------------------------------- live events
    @app.get(f"{API}/events", tags=["events"], response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}}})
    async def events(request: Request, last_event_id: int | None = None,
                     p: Principal = Depends(any_role)) -> Response:
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
        sub, replay, until = hub.events.subscribe(after)
        return StreamingResponse(_stream(hub, sub, after, replay, until), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return app


async def _stream(hub: Hub, sub: _Subscriber, after: int, replay: list[EncodedEvent],
                  until: int) -> AsyncIterator[bytes]:
    try:
        yield b"retry: 2000\n: motcua-edge hub\n\n"
        sent = after
        if not replay and after < until:
            # Older than what is kept in memory: page through the log.
            while sent < until:
                page = hub.store.events_after(sent, limit=2000, until=until)
                if not page:
                    break
                yield b"".join(sse_frame(e) for e in page)
                sent = page[-1].seq
                await asyncio.sleep(0)
        elif replay:
            yield b"".join(sse_frame(e) for e in replay if e.seq <= until)
            sent = until
        sent = max(sent, until)
        while True:
            if not sub.pending:
                try:
                    await asyncio.wait_for(sub.wake.wait(), timeout=hub.heartbeat_s)
                except TimeoutError:
                    yield b": ping\n\n"
                    continue
            if sub.overflow:
                return
            batch = [e for e in sub.take() if e.seq > sent]
            if batch:
                sent = batch[-1].seq
                yield b"".join(sse_frame(e) for e in batch)
    finally:
        sub.close()


def _tracking_html(hub: Hub, t: dict[str, Any] | None) -> str:
    site = html.escape(hub.config.site.name)
    if t is None:
        body = "<p class='big'>Không tìm thấy số thứ tự này.</p><p>Ticket not found.</p>"
    else:
        svc = hub.config.service(t["service"])
        status = {"waiting": "Đang chờ / waiting", "called": f"Mời đến quầy {t['counter']} / please go to counter {t['counter']}",
                  "skipped": "Đã gọi nhưng vắng mặt / missed", "done": "Đã phục vụ / served",
                  "expired": "Hết hiệu lực / expired"}[t["status"]]
        rows = [f"<p class='big'>{html.escape(t['display'])}</p>",
                f"<p>{html.escape(svc.name if svc else t['service'])}</p>",
                f"<p class='status'>{html.escape(status)}</p>"]
        if t["status"] == "waiting":
            rows.append(f"<p>Số người đứng trước: <b>{t['ahead']}</b> / people ahead</p>")
            if t["estimated_wait_s"] is not None:
                rows.append(f"<p>Thời gian chờ dự kiến: khoảng <b>{max(1, round(t['estimated_wait_s'] / 60))} phút</b></p>")
        rows.append(f"<p class='small'>Lấy số lúc {html.escape((t['issued_at'] or '')[11:16])}</p>")
        body = "".join(rows)
    return ("<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<meta http-equiv='refresh' content='20'><title>Số thứ tự</title><style>"
            "body{font-family:sans-serif;text-align:center;margin:2em;color:#111}"
            ".big{font-size:4em;font-weight:bold;margin:.2em}.status{font-size:1.4em;color:#0a5}"
            ".small{color:#666}</style></head><body>"
            f"<h3>{site}</h3>{body}<p class='small'>Trang tự cập nhật mỗi 20 giây.</p></body></html>")
