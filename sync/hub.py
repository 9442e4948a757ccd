"""The site hub: the queue engine behind an HTTP API, with live server-sent events.

One process, one asyncio loop. Requests run the engine on the loop (it is pure and fast), hand the
resulting changes to the store's group-commit writer, and answer once the commit is durable. Live
subscribers are fed from the same committed events, so nobody hears of a change that could be lost.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import html
import logging
import os
import re
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response, StreamingResponse

from motcua import __version__
from motcua.clock import Clock, SystemClock, iso
from motcua.config import SiteConfig
from motcua.queue import Change, Event, QueueEngine, QueueError, Ticket
from motcua.worktime import OfficialDays
from sync.files import fsync_dir
from sync.relay import Relay, RelaySettings
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
                   "camera_offline", "keypad_offline", "display_offline", "hub_unreachable", "other"] | None
    message: str = Field("", max_length=500)
    details: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class TicketRef(_Body):
    """A ticket of today, by id or by its number (and service when numbers repeat)."""

    ticket: str | None = Field(None, max_length=64)
    display: str | None = Field(None, max_length=16)
    service: str | None = Field(None, max_length=32)


class FileRef(_Body):
    """A file of a dossier, uploaded first with PUT /files/{sha256}."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(min_length=1, max_length=255, description="the file's name as the citizen knows it")
    mime: str = Field("application/octet-stream", max_length=100)


class Applicant(_Body):
    """Người nộp hồ sơ (from the form or the CCCD's QR)."""

    name: str = Field(min_length=1, max_length=200)
    id_number: str = Field("", max_length=20, description="CCCD number")
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=200)
    address: str = Field("", max_length=500)


class DossierRequest(_Body):
    """Nộp hồ sơ: the procedure, the applicant, the files (already uploaded) and how the result is returned.

    `id` is a UUID the device makes before its first try, so that a retry after a lost answer is
    recognised (same id and body: the first answer; same id, other body: 422).
    """

    id: str | None = Field(None, pattern=r"^[0-9a-fA-F-]{32,36}$")
    procedure: str = Field(min_length=1, max_length=64)
    applicant: Applicant
    files: list[FileRef] = Field(default_factory=list, max_length=100)
    delivery: Literal["center", "post", "online"] = "center"
    delivery_address: str = Field("", max_length=500)
    ticket_id: str | None = Field(None, max_length=64)
    note: str = Field("", max_length=2000)
    due_at: float | None = None


MAX_FILE = 50 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DOSSIER_COLS = "id, provisional_code, code, day, procedure, status, body, submitted_at, status_at, linked_at"


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
        self.central_token = config.central.token
        self.relay_settings: dict[str, float] = {}
        """Overrides of RelaySettings fields (tests, the drain benchmark)."""
        self.relay: Relay | None = None
        self.blob_dir = Path(str(store.path) + ".blobs")
        self._dossier_serials: dict[str, int] = {}
        self._dossiers_in_flight: set[str] = set()
        self.official_days = OfficialDays.shipped()
        """The official days-off table: shipped, updated by the central server's calendar feed."""
        self._tick_task: asyncio.Task[None] | None = None
        self._last_purge = 0.0
        self.reload()
        self.calendar_changed()
        store.on_committed = self._committed
        store.on_failed = lambda exc: self.reload()

    def _committed(self, events: list[EncodedEvent]) -> None:
        self.events.publish(events)
        if self.relay is not None:
            self.relay.wake()

    def reload(self) -> None:
        """Rebuild the engine from the database (at start and after a failed write)."""
        day = self.engine.local_day(self.clock.time())
        tickets, counters, last_seq, calls = self.store.load_day(day)
        self.engine.next_seq = last_seq + 1
        self.engine.load(day=day, tickets=tickets, counters=counters, recent_calls=calls)
        self.engine.device_faults = dict(self.store.device_faults)
        self.events.last_seq = max(self.events.last_seq, last_seq)
        self._dossier_serials.clear()
        log.info("loaded day %s: %d tickets, last event %d", day, len(tickets), last_seq)

    async def start(self) -> None:
        """Start the writer and the periodic day check."""
        self.store.start(asyncio.get_running_loop())
        self._tick_task = asyncio.create_task(self._tick_forever())
        if self.central_url:
            settings = RelaySettings(url=self.central_url, token=self.central_token)
            for k, v in self.relay_settings.items():
                setattr(settings, k, type(getattr(settings, k))(v))
            self.relay = Relay(self, settings, blob_path=self.blob_path)
            self.relay.start(asyncio.get_running_loop())
            log.info("syncing with %s", self.central_url)

    async def stop(self) -> None:
        """Finish queued writes and stop."""
        if self.relay is not None:
            relay, self.relay = self.relay, None
            await asyncio.get_running_loop().run_in_executor(None, relay.stop)
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
        """Roll the day over if local midnight has passed; purge confirmed dossier files now and then."""
        change = self.engine.rollover_if_needed()
        if change is not None:
            await self.commit([change])
        now = self.clock.time()
        if now - self._last_purge >= 3600:
            self._last_purge = now
            await asyncio.get_running_loop().run_in_executor(None, self.purge_files, now)

    def purge_files(self, now: float) -> int:
        """Delete dossier files the central server confirmed more than `file_retention_days` ago (personal
        data does not linger on site), and uploads no dossier ever used; returns how many files went."""
        keep_after = now - self.config.central.file_retention_days * 86400
        rows = self.store.read(
            "SELECT f.sha256, MAX(CASE WHEN d.code IS NULL OR d.linked_at IS NULL OR d.linked_at >= ? THEN 1 ELSE 0 END) "
            "FROM dossier_files f JOIN dossiers d ON d.id = f.dossier_id GROUP BY f.sha256", (keep_after,))
        needed = {sha for sha, keep in rows if keep}
        referenced = {sha for sha, _ in rows}
        removed = 0
        if not self.blob_dir.exists():
            return 0
        for path in self.blob_dir.glob("*/*"):
            sha = path.name
            if len(sha) != 64 or sha in needed:
                continue
            # A file no dossier uses yet may be an upload in progress: only old ones go.
            if sha not in referenced and path.stat().st_mtime >= keep_after:
                continue
            try:
                path.unlink()
                removed += 1
            except OSError as exc:
                log.warning("cannot purge %s: %s", path, exc)
        if removed:
            log.info("purged %d dossier file(s) confirmed by the central server", removed)
        return removed

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

    # ------------------------------------------------------------------ sync
    def new_event(self, type_: str, data: dict[str, Any]) -> Event:
        """An event with the next sequence (on the loop only: the engine owns the sequence)."""
        ev = Event(seq=self.engine.next_seq, id=str(uuid.uuid4()), type=type_, at=self.clock.time(), data=data)
        self.engine.next_seq += 1
        return ev

    async def apply_sync(self, *, ops: list[tuple[str, Any]], events: list[tuple[str, dict[str, Any]]]) -> None:
        """Commit the relay's bookkeeping (and the events of what it changed) through the writer (on the loop)."""
        changes = [Change(event=self.new_event(t, d)) for t, d in events]
        await self.store.submit(changes, ops=ops)

    def calendar_changed(self) -> None:
        """Rebuild the official days-off table from the shipped file and the central server's calendar feed."""
        table = OfficialDays.shipped()
        for (body,) in self.store.read("SELECT body FROM feed_items WHERE kind = 'calendar' ORDER BY key"):
            try:
                table = table.updated(orjson.loads(body), source="central calendar feed")
            except Exception as exc:  # noqa: BLE001 - a bad year from upstream must not stop the hub
                log.warning("calendar update refused: %s", exc)
        self.official_days = table

    def sync_status(self) -> dict[str, Any]:
        """GET /sync: backlog, age of the oldest unsent event, last success and error, dead letters."""
        row = self.store.read("SELECT sent_seq FROM outbox WHERE name = 'central'")
        sent = int(row[0][0]) if row else 0
        backlog, oldest = self.store.read("SELECT COUNT(*), MIN(at) FROM events WHERE seq > ?", (sent,))[0]
        dead = self.store.read("SELECT COUNT(*) FROM dead_letters")[0][0]
        unlinked = self.store.read("SELECT COUNT(*) FROM dossiers WHERE code IS NULL")[0][0]
        feeds = {r[0]: {"epoch": r[1], "cursor": r[2], "updated_at": iso(r[3], self.config.tz)}
                 for r in self.store.read("SELECT kind, epoch, cursor, updated_at FROM feed_cursors")}
        now = self.clock.time()
        relay = self.relay
        err = relay.last_error if relay else None
        return {
            "backlog": int(backlog),
            "oldest_unsent_age_s": round(max(0.0, now - oldest), 1) if oldest is not None else 0.0,
            "last_success": iso(relay.last_success, self.config.tz) if relay and relay.last_success else None,
            "last_error": {"at": iso(err["at"], self.config.tz), "message": err["message"]} if err else None,
            "dead_letters": int(dead),
            "state": relay.state if relay else "disabled",
            "central_url": self.central_url or None,
            "sent_seq": sent,
            "last_seq": self.events.last_seq,
            "dossiers_unlinked": int(unlinked),
            "feeds": feeds,
        }

    # ------------------------------------------------------------------ dossiers
    def blob_path(self, sha256: str) -> Path:
        """Where a file (content-addressed blob) lives on the hub."""
        return self.blob_dir / sha256[:2] / sha256

    def store_blob(self, sha256: str, data: bytes) -> int:
        """Verify and durably store a file (runs in a worker thread); returns its size."""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ApiError(422, "hash_mismatch", "Tệp không khớp mã băm / the content does not match its sha256")
        path = self.blob_path(sha256)
        if path.exists() and path.stat().st_size == len(data):
            return len(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{sha256}.{uuid.uuid4().hex}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
        return len(data)

    def catalog(self) -> dict[str, dict[str, Any]]:
        """Procedures by code: the central server's catalog feed, or the shipped catalog until one arrived."""
        rows = self.store.read("SELECT body FROM feed_items WHERE kind = 'catalog'")
        if rows:
            return {p["code"]: p for p in (orjson.loads(r[0]) for r in rows)}
        return {p["code"]: p for p in shipped_catalog()}

    def due_time(self, procedure: dict[str, Any], received: float) -> float | None:
        """Thời gian trả kết quả: when a dossier received now is due, in working time (DOMAIN.md)."""
        from datetime import datetime, time

        from motcua.worktime import Duration, WorkCalendar, due

        spec = procedure.get("processing_time") or {}
        value = float(spec.get("value") or 0)
        cutoff = time.fromisoformat(procedure["cutoff"]) if procedure.get("cutoff") else None
        # The processing clock runs in official working hours (DOMAIN.md), not the center's reception hours.
        calendar = WorkCalendar(official=self.official_days, tz=self.config.tz)
        at = datetime.fromtimestamp(received, self.config.tz)
        if value <= 0:
            # "Trong ngày": by the end of the day counting starts (after the cut-off, the next working day).
            start = calendar.start_of_counting(at, cutoff=cutoff)
            last = calendar.hours.sessions_on(start.date())[-1]
            return datetime.combine(start.date(), last.end, tzinfo=self.config.tz).timestamp()
        duration = Duration(hours=value) if spec.get("unit") == "hours" else Duration(days=value)
        return due(at, duration, cutoff=cutoff, calendar=calendar).timestamp()

    def dossier_timeline(self, row: tuple[Any, ...]) -> list[dict[str, Any]]:
        """What happened to a dossier, oldest first: submitted, received upstream, then each status seen."""
        tz = self.config.tz
        steps = [{"status": "submitted", "at": iso(row[7], tz)}]
        if row[9] is not None:
            steps.append({"status": "received", "at": iso(row[9], tz)})
        for status, at in self.store.read("SELECT status, at FROM dossier_status WHERE dossier_id = ? ORDER BY at",
                                          (row[0],)):
            if not (status == "received" and any(x["status"] == "received" for x in steps)):
                steps.append({"status": status, "at": iso(at, tz)})
        return steps

    def dossier_view(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """The API shape of a dossier row (columns in _DOSSIER_COLS order)."""
        body = orjson.loads(row[6])
        tz = self.config.tz
        return {"id": row[0], "provisional_code": row[1], "code": row[2] or row[1], "official_code": row[2],
                "provisional": row[2] is None, "day": row[3], "procedure": row[4], "status": row[5],
                "applicant": body["applicant"], "files": body["files"], "delivery": body["delivery"],
                "delivery_address": body.get("delivery_address", ""),
                "submitted_at": iso(row[7], tz), "status_at": iso(row[8], tz), "linked_at": iso(row[9], tz),
                "due_at": iso(body.get("due_at"), tz), "qr": row[0],
                "lookup_url": f"{self.config.site.public_url.rstrip('/')}/d/{row[0]}"}

    def find_dossier(self, key: str) -> dict[str, Any] | None:
        """A dossier by id, provisional code or official code."""
        rows = self.store.read(f"SELECT {_DOSSIER_COLS} FROM dossiers WHERE id = ? OR provisional_code = ? OR code = ?",
                               (key, key, key))
        if not rows:
            return None
        view = self.dossier_view(rows[0])
        view["timeline"] = self.dossier_timeline(rows[0])
        # How fresh the status is: the last time the hub heard the central server's status feed.
        pulled = self.store.read("SELECT updated_at FROM feed_cursors WHERE kind = 'status'")
        view["status_as_of"] = iso(pulled[0][0], self.config.tz) if pulled and pulled[0][0] else None
        procedure = self.catalog().get(view["procedure"])
        view["procedure_name"] = procedure.get("name") if procedure else None
        return view

    def _provisional_code(self, day: str) -> str:
        last = self._dossier_serials.get(day)
        if last is None:
            rows = self.store.read("SELECT provisional_code FROM dossiers WHERE day = ?", (day,))
            last = max((int(r[0].rsplit("-", 1)[1]) for r in rows), default=0)
        self._dossier_serials[day] = last + 1
        # Visibly provisional (TẠM): the central server issues the official {agency}-{yyMMdd}-{NNNN} later.
        return f"TAM-{self.config.site.code}-{day[2:4]}{day[5:7]}{day[8:10]}-{last + 1:04d}"

    async def submit_dossier(self, req: DossierRequest, *, channel: str) -> tuple[int, dict[str, Any]]:
        """Receive a dossier: its row, its files and a dossier.submitted event in one transaction."""
        if req.id is not None:
            dossier_id = str(uuid.UUID(req.id))
            existing = self.store.read(f"SELECT {_DOSSIER_COLS} FROM dossiers WHERE id = ?", (dossier_id,))
            if existing:
                first = orjson.loads(existing[0][6])
                if _comparable(first) != _comparable(self._dossier_body(req, dossier_id, first)):
                    raise ApiError(422, "idempotency_conflict",
                                   "Mã hồ sơ đã dùng cho hồ sơ khác / this id was used for another dossier")
                return 200, self.dossier_view(existing[0])
            if dossier_id in self._dossiers_in_flight:
                raise ApiError(409, "in_progress", "Hồ sơ này đang được lưu / this dossier is being saved, retry")
        else:
            dossier_id = str(uuid.uuid4())
        procedure = self.catalog().get(req.procedure)
        if procedure is None:
            raise ApiError(422, "unknown_procedure", f"Không có thủ tục {req.procedure} / unknown procedure")
        sizes = {}
        for f in req.files:
            p = self.blob_path(f.sha256)
            if not p.exists():
                raise ApiError(422, "unknown_file", f"{f.name}: chưa tải tệp lên / upload it first (PUT /files/{f.sha256})")
            sizes[f.sha256] = p.stat().st_size
        now = self.clock.time()
        day = self.engine.local_day(now)
        body = self._dossier_body(req, dossier_id, None, now=now, sizes=sizes, channel=channel,
                                  provisional=self._provisional_code(day), due_at=self.due_time(procedure, now))
        row = (dossier_id, body["provisional_code"], None, day, req.procedure, "submitted", orjson.dumps(body).decode(),
               now, None, None)
        ops: list[tuple[str, Any]] = [(f"INSERT INTO dossiers ({_DOSSIER_COLS}) VALUES ({', '.join('?' * 10)})", row)]
        ops.extend(("INSERT INTO dossier_files (dossier_id, position, sha256, name, size, mime) VALUES (?, ?, ?, ?, ?, ?)",
                    (dossier_id, i, f["sha256"], f["name"], f["size"], f["mime"])) for i, f in enumerate(body["files"]))
        change = Change(event=self.new_event("dossier.submitted", {"dossier": body}))
        self._dossiers_in_flight.add(dossier_id)
        try:
            await self.store.submit([change], ops=ops)
        except StoreError as exc:
            raise ApiError(503, "store_unavailable",
                           "Hệ thống đang bận ghi dữ liệu, xin thử lại / the hub could not save, try again") from exc
        finally:
            self._dossiers_in_flight.discard(dossier_id)
        return 201, self.dossier_view(row)

    def _dossier_body(self, req: DossierRequest, dossier_id: str, first: dict[str, Any] | None, *,
                      now: float = 0.0, sizes: dict[str, int] | None = None, channel: str = "",
                      provisional: str = "", due_at: float | None = None) -> dict[str, Any]:
        """What goes upstream (the central server's DossierIn); `first` supplies the site-made fields of a repeat."""
        site = self.config.site
        return {
            "id": dossier_id, "site": site.code, "agency_code": site.agency_code or site.code,
            "provisional_code": first["provisional_code"] if first else provisional,
            "procedure": req.procedure, "applicant": req.applicant.model_dump(),
            "files": [{"sha256": f.sha256, "name": f.name, "mime": f.mime,
                       "size": (first and next((g["size"] for g in first["files"] if g["sha256"] == f.sha256), 0))
                       or (sizes or {}).get(f.sha256, 0)} for f in req.files],
            "delivery": req.delivery, "delivery_address": req.delivery_address,
            "channel": first["channel"] if first else channel, "ticket_id": req.ticket_id, "note": req.note,
            "submitted_at": first["submitted_at"] if first else now,
            "due_at": req.due_at if req.due_at is not None else (first.get("due_at") if first else due_at),
        }

    def authorize(self, token: str | None, allowed: frozenset[str]) -> Principal:
        """The caller of a request from its bearer token; ApiError 401 or 403 when it may not."""
        if not token:
            raise ApiError(401, "unauthorized", "Thiếu mã thiết bị / missing device token (Authorization: Bearer)")
        p = self.tokens.get(token)
        if p is None:
            raise ApiError(401, "unauthorized", "Mã thiết bị không hợp lệ / invalid device token")
        if p.role not in allowed and p.role != "admin":
            raise ApiError(403, "forbidden", f"Vai trò {ROLE_NAMES.get(p.role, p.role)} không được phép / "
                                             f"the {p.role} role may not do this")
        return p

    async def issue_ticket(self, p: Principal, body: IssueRequest) -> dict[str, Any]:
        """POST /tickets: the ticket, durably stored (a repeat of a request_id gets the first one)."""
        channel = "kiosk" if p.role == "kiosk" else (body.channel or p.role)
        if body.request_id:
            existing = self.engine.issued_for_request(body.request_id)
            if existing is not None:
                if existing.service != body.service:
                    raise ApiError(422, "request_id_reused", "request_id đã dùng cho dịch vụ khác / request_id reused")
                return self.engine.view(existing)
        changes = await self.run(lambda: self.engine.issue(body.service, priority=body.priority, channel=channel,
                                                           request_id=body.request_id))
        return changes[-1].event.data["ticket"]  # type: ignore[no-any-return]

    async def call_next(self, p: Principal, counter: int) -> dict[str, Any] | None:
        """POST /counters/{n}/next: the called ticket, or None when nobody waits."""
        if p.role == "counter" and p.counter is not None and p.counter != counter:
            raise ApiError(403, "forbidden", f"Mã này chỉ dùng cho quầy {p.counter} / this token is for counter {p.counter}")
        return called_ticket(await self.run(lambda: self.engine.call_next(counter)))

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


def called_ticket(changes: list[Change]) -> dict[str, Any] | None:
    """The ticket a call-next called (None: nobody waited)."""
    call = next((c for c in reversed(changes) if c.event.type == "ticket.called"), None)
    return None if call is None else call.event.data["ticket"]  # type: ignore[no-any-return]


def validation_error(errors: Sequence[Any]) -> tuple[int, str, str]:
    """(status, code, message) for a body that failed validation: 400 for broken JSON, else 422 naming the field."""
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return 400, "malformed_json", "Dữ liệu gửi lên không phải JSON hợp lệ / the body is not valid JSON"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    return 422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}"


ISSUERS = frozenset({"kiosk", "counter"})
CLERKS = frozenset({"counter"})
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
            status, payload = exc.status, orjson.dumps({"error": {"code": exc.code, "message": exc.message}})
        except Exception:  # the same last resort as the FastAPI app's
            log.exception("unexpected error on POST %s", scope["path"])
            status, payload = 500, orjson.dumps({"error": {"code": "internal_error", "message": "Lỗi hệ thống / internal error"}})
        # A 204 has neither body nor Content-Length (RFC 9110); everything else is JSON.
        headers = [] if status == 204 else [(b"content-length", str(len(payload)).encode()),
                                            (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


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

    app = HubApp(hub, title="motcua-edge site hub", version=__version__, lifespan=lifespan,
                 description="Máy chủ trạm của Trung tâm hành chính công / the site hub of a one-stop center.")
    app.state.hub = hub
    app.state.close_streams = hub.events.close_all
    bearer = HTTPBearer(auto_error=False, description="Mã thiết bị / device token")

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return error_response(*validation_error(exc.errors()))

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
            return hub.authorize(creds.credentials if creds else None, allowed)

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

    @app.get("/d/{key}", response_class=HTMLResponse, tags=["public"])
    async def dossier_page(key: str) -> Response:
        """Trang tra cứu hồ sơ (the page behind the slip's QR code): code, procedure, due time, status."""
        d = hub.find_dossier(key) if 8 <= len(key) <= 64 else None
        return HTMLResponse(_dossier_html(hub, d), status_code=200 if d else 404)

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
        return json_response(await hub.issue_ticket(p, body), 201)

    # ---------------------------------------------------------------- counters
    def _called(changes: list[Change]) -> Response:
        ticket = called_ticket(changes)
        return Response(status_code=204) if ticket is None else json_response(ticket)

    @app.post(f"{API}/counters/{{n}}/next", tags=["counters"], responses={204: {"description": "Không còn ai chờ"}})
    async def call_next(n: int, p: Principal = Depends(clerk)) -> Response:
        """Gọi số tiếp theo / call next: 200 with the called ticket, 204 when nobody waits."""
        ticket = await hub.call_next(p, n)
        return Response(status_code=204) if ticket is None else json_response(ticket)

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

    # ---------------------------------------------------------------- dossiers and files
    @app.put(f"{API}/files/{{sha256}}", status_code=201, tags=["dossiers"],
             openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": {
                 "schema": {"type": "string", "format": "binary"}}}}})
    async def put_file(sha256: str, request: Request, p: Principal = Depends(issuer)) -> Response:
        """Tải tệp hồ sơ lên / upload a dossier's file as the raw body, named by its sha256 (lowercase hex).

        201 once it is verified and durably stored; uploading the same file again is harmless.
        Then reference it in POST /dossiers.
        """
        if not _SHA256.match(sha256):
            raise ApiError(422, "invalid_sha256", "sha256: 64 chữ số hex thường / expected 64 lowercase hex digits")
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_FILE):
            raise ApiError(413, "file_too_large", f"Tệp quá lớn (tối đa {MAX_FILE // 2**20} MB) / file too large")
        data = await request.body()
        if len(data) > MAX_FILE:
            raise ApiError(413, "file_too_large", f"Tệp quá lớn (tối đa {MAX_FILE // 2**20} MB) / file too large")
        size = await asyncio.get_running_loop().run_in_executor(None, hub.store_blob, sha256, data)
        return json_response({"sha256": sha256, "size": size}, 201)

    @app.post(f"{API}/dossiers", status_code=201, tags=["dossiers"])
    async def post_dossier(body: DossierRequest, p: Principal = Depends(issuer)) -> Response:
        """Nộp hồ sơ / receive a dossier whose files were uploaded with PUT /files/{sha256}.

        201 with the dossier once durable: `code` is provisional (`TAM-{site}-{yyMMdd}-{NNNN}`, `provisional`:
        true) until the central server's official code is linked; `qr` (the dossier's UUID) finds it by
        either code. A repeat with the same `id` and body answers 200 with the dossier.
        """
        status, view = await hub.submit_dossier(body, channel="kiosk" if p.role == "kiosk" else "counter")
        return json_response(view, status)

    @app.get(f"{API}/dossiers/{{key}}", tags=["dossiers"])
    async def get_dossier(key: str, p: Principal = Depends(any_role)) -> Response:
        """Tra cứu hồ sơ / a dossier by its UUID (the slip's QR), provisional code or official code."""
        view = hub.find_dossier(key) if len(key) <= 64 else None
        if view is None:
            raise ApiError(404, "unknown_dossier", "Không tìm thấy hồ sơ / no such dossier")
        return json_response(view)

    # ---------------------------------------------------------------- sync and feeds
    @app.get(f"{API}/sync", tags=["sync"])
    async def sync_health(p: Principal = Depends(any_role)) -> Response:
        """Tình trạng đồng bộ / sync health: backlog, oldest unsent age, last success and error, dead letters."""
        return json_response(hub.sync_status())

    @app.get(f"{API}/sync/dead-letters", tags=["sync"])
    async def dead_letters(p: Principal = Depends(auth())) -> Response:
        """Sự kiện bị máy chủ trung tâm từ chối / events the central server rejected, with the reason (admin)."""
        rows = hub.store.read("SELECT seq, event_id, type, status, code, reason, at FROM dead_letters ORDER BY seq")
        return json_response({"dead_letters": [
            {"seq": r[0], "event_id": r[1], "type": r[2], "status": r[3], "code": r[4], "reason": r[5],
             "at": iso(r[6], hub.config.tz)} for r in rows]})

    def _feed(kind: str) -> dict[str, Any]:
        cur = hub.store.read("SELECT epoch, cursor FROM feed_cursors WHERE kind = ?", (kind,))
        items = [orjson.loads(r[0]) for r in hub.store.read(
            "SELECT body FROM feed_items WHERE kind = ? ORDER BY key", (kind,))]
        return {"epoch": cur[0][0] if cur else None, "cursor": cur[0][1] if cur else 0, "items": items}

    @app.get(f"{API}/catalog", tags=["sync"])
    async def catalog(service: str | None = None, p: Principal = Depends(any_role)) -> Response:
        """Danh mục thủ tục hành chính / the procedure catalog (from the central server), optionally by service."""
        feed = _feed("catalog")
        items = feed.pop("items")
        source = "central"
        if not items:
            items, source = shipped_catalog(), "shipped"  # until the central server's catalog arrives
        procs = [x for x in items if service is None or x.get("service") == service]
        return json_response({**feed, "source": source, "procedures": procs})

    @app.get(f"{API}/guides", tags=["sync"])
    async def guides(p: Principal = Depends(any_role)) -> Response:
        """Hướng dẫn và thông báo / guides and notices (from the central server)."""
        feed = _feed("guides")
        return json_response({**feed, "guides": feed.pop("items")})

    @app.get(f"{API}/calendar", tags=["sync"])
    async def calendar(p: Principal = Depends(any_role)) -> Response:
        """Lịch nghỉ chính thức / the official days off and make-up days the hub counts with."""
        years = {}
        for y in hub.official_days.years:
            yd = hub.official_days.year(y)
            if yd is not None:
                years[str(y)] = yd.model_dump(mode="json")
        return json_response({"years": years, "feed": {k: v for k, v in _feed("calendar").items() if k != "items"}})

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


def _comparable(body: dict[str, Any]) -> bytes:
    """A dossier body without the fields the site fills in, for idempotency comparison."""
    return orjson.dumps({k: v for k, v in body.items() if k not in ("submitted_at", "channel")},
                        option=orjson.OPT_SORT_KEYS)


STATUS_NAMES = {
    "submitted": "Đã nộp tại trung tâm", "received": "Đã tiếp nhận", "processing": "Đang giải quyết",
    "supplement": "Cần bổ sung hồ sơ", "done": "Đã có kết quả", "returned": "Đã trả kết quả",
}


@functools.cache
def _shipped_catalog() -> tuple[dict[str, Any], ...]:
    path = Path(__file__).resolve().parent.parent / "assets" / "catalog" / "procedures.json"
    try:
        return tuple(orjson.loads(path.read_bytes())["procedures"])
    except (OSError, ValueError, KeyError) as exc:
        log.warning("no shipped catalog at %s: %s", path, exc)
        return ()


def shipped_catalog() -> list[dict[str, Any]]:
    """The procedure catalog shipped in assets/ (used until the central server's feed arrives)."""
    return list(_shipped_catalog())


def _dossier_html(hub: Hub, d: dict[str, Any] | None) -> str:
    site = html.escape(hub.config.site.name)
    if d is None:
        body = "<p class='big'>Không tìm thấy hồ sơ.</p><p>Dossier not found.</p>"
    else:
        rows = [f"<p class='code'>{html.escape(d['code'])}</p>"]
        if d["provisional"]:
            rows.append("<p class='small'>Mã tạm — mã chính thức sẽ được cấp khi đồng bộ với hệ thống của tỉnh</p>")
        rows.append(f"<p>{html.escape(d.get('procedure_name') or d['procedure'])}</p>")
        if d.get("due_at"):
            rows.append(f"<p>Hẹn trả kết quả: <b>{html.escape(d['due_at'][11:16])} ngày "
                        f"{html.escape(d['due_at'][8:10])}/{html.escape(d['due_at'][5:7])}/{html.escape(d['due_at'][:4])}</b></p>")
        steps = "".join(f"<li>{html.escape(STATUS_NAMES.get(x['status'], x['status']))} — "
                        f"{html.escape((x['at'] or '')[11:16])} {html.escape((x['at'] or '')[8:10])}/"
                        f"{html.escape((x['at'] or '')[5:7])}/{html.escape((x['at'] or '')[:4])}</li>"
                        for x in d.get("timeline", []))
        rows.append(f"<ol class='steps'>{steps}</ol>")
        body = "".join(rows)
    return ("<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>Tra cứu hồ sơ</title><style>"
            "body{font-family:sans-serif;margin:2em;color:#111}.code{font-size:1.6em;font-weight:bold}"
            ".small{color:#666}.steps{text-align:left}</style></head><body>"
            f"<h3>{site}</h3>{body}</body></html>")


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
