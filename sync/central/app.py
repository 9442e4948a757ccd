"""The reference central case server's HTTP API (FastAPI), under /api/v1, site token as Bearer.

- `POST /events` {"site", "events": [...]}: a batch of site events, one result per event (201 stored,
  200 repeat, 422 rejected) so that one bad event never blocks the others;
- `HEAD|GET /blobs/{sha256}`, `PUT /blobs/{sha256}?offset=N&size=TOTAL`: content-addressed files,
  resumable (send the rest from the offset the server reports) and verified against the sha256;
- `POST /dossiers`: a dossier whose files are already uploaded; 201 with its official code
  (`{agency code}-{yyMMdd}-{NNNN}`); a repeat gets the first answer; the same id with another body is 422;
- `GET /feeds/{catalog|calendar|guides|status}?after=CURSOR&epoch=E&limit=N`: pages after a cursor;
- `GET /dossiers/{id or code}`: lookup.

Every request of a hub carries its database's identity (`X-Motcua-Hub-Identity`): the first database to
sync for a site is registered, another one is refused with 409 `site_identity_mismatch` until the site is
released (`motcua central site release --site CODE`). Test tickets (commissioning) are kept as events only.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import time as dt_time
from pathlib import Path
from typing import Any, Literal

import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from motcua import __version__
from sync.central import IDENTITY_HEADER
from sync.central.booking_pages import add_booking_routes
from sync.central.door import CentralDoor
from sync.central.notices import NoticeConflict, Notifier
from sync.central.store import CentralError, CentralStore
from sync.files import fsync_dir, open_private, private_dir
from sync.privacy import AddressLimiter

log = logging.getLogger(__name__)

API = "/api/v1"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
IDENTITY = re.compile(r"^[0-9A-Fa-f-]{32,36}$")
MAX_BLOB = 200 * 1024 * 1024
MAX_EVENTS = 2000


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json", headers=headers)


def _error(status: int, code: str, message: str, extra: dict[str, Any] | None = None) -> Response:
    return _json({"error": {"code": code, "message": message, **(extra or {})}}, status)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FileRef(_Body):
    """A file of a dossier, by content."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=0, le=MAX_BLOB)
    mime: str = Field("application/octet-stream", max_length=100)


class Applicant(_Body):
    """Người nộp hồ sơ."""

    name: str = Field(min_length=1, max_length=200)
    id_number: str = Field("", max_length=20)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=200)
    address: str = Field("", max_length=500)


class DossierIn(_Body):
    """A dossier as the site submits it (the site made its id)."""

    id: str = Field(min_length=8, max_length=64)
    site: str = Field(min_length=1, max_length=32)
    agency_code: str = Field("", max_length=64)
    provisional_code: str | None = Field(None, max_length=64)
    procedure: str = Field(min_length=1, max_length=64)
    applicant: Applicant
    files: list[FileRef] = Field(default_factory=list, max_length=100)
    delivery: Literal["center", "post", "online"] = "center"
    delivery_address: str = Field("", max_length=500)
    channel: str = Field("counter", max_length=16)
    ticket_id: str | None = Field(None, max_length=64)
    note: str = Field("", max_length=2000)
    submitted_at: float
    due_at: float | None = None
    declaration: dict[str, Any] | None = None
    """The filled declaration form (tờ khai), personal data; absent from dossiers without one."""

    def stored(self) -> dict[str, Any]:
        """The body as stored and hashed: without `declaration` when there is none, so a dossier's hash
        is the same as before forms existed (a hub re-sending an old dossier gets its first answer)."""
        return self.model_dump(exclude={"declaration"} if self.declaration is None else None)


class NoticeIn(_Body):
    """A notice a site hands to the outbox: to the phone its citizen left there, or to a booking's citizen."""

    id: str = Field(min_length=8, max_length=64)
    site: str = Field(min_length=1, max_length=32)
    kind: Literal["turn_near", "called", "result_ready", "booking_reminder"]
    text: str = Field(min_length=1, max_length=500)
    at: float
    phone: str | None = Field(None, min_length=9, max_length=20, pattern=r"^\d+$")
    booking_id: str | None = Field(None, min_length=8, max_length=64)


@dataclass
class CentralSettings:
    """How the reference central server guards its storage."""

    site_quota_bytes: int | None = 50 * 10**9
    """Bytes of files each site may store (None: no limit); a site's uploads past it get 413 quota_exceeded."""
    site_quotas: dict[str, int | None] = field(default_factory=dict)
    """Per-site overrides of site_quota_bytes."""
    upload_max_age_s: float = 24 * 3600
    """An upload left unfinished (no data) this long is abandoned: its partial file and reservation go."""
    clean_interval_s: float = 3600
    """How often abandoned uploads are looked for."""
    docs: bool = False
    """Serve /docs, /redoc and /openapi.json."""
    clock: Callable[[], float] = time.time
    """The time, for the age of uploads and of returned dossiers (tests inject one)."""
    notifier: Notifier | None = None
    """Where notices go (sync.central.notices): None keeps them pending in the outbox."""
    notice_interval_s: float = 1.0
    """How often the outbox is looked at for due notices."""
    reminder_at: dt_time | None = dt_time(16, 0)
    """Remind citizens who booked with a phone and consent of their appointment at this local time the day
    before (nhắc lịch hẹn, through the outbox); None: no reminders."""
    reminder_interval_s: float = 60.0
    """How often due reminders are looked for."""
    public_burst: int = 30
    """Requests an address may make at once to the citizens' booking routes (`/book…`, `/api/v1/public/…`)..."""
    public_per_minute: float = 30.0
    """...and then per minute; past that, 429 with Retry-After (sync.central.door). 0 burst: no limit."""
    retention_days: float | None = None
    """Erase a dossier's personal fields and files this many days after its result was returned (Decree
    13/2023/NĐ-CP), checked hourly; None: never (`motcua central` passes --retention-days, 90 by default)."""

    def quota(self, site: str) -> int | None:
        """The quota of one site."""
        return self.site_quotas.get(site, self.site_quota_bytes)


def create_central_app(store: CentralStore, settings: CentralSettings | None = None) -> FastAPI:
    """The central server's ASGI app over a store."""
    cfg = settings or CentralSettings()
    uploading: set[str] = set()

    async def clean_forever() -> None:
        while True:
            try:
                await in_thread(lambda: store.clean_uploads(max_age_s=cfg.upload_max_age_s, now=cfg.clock(),
                                                            busy=set(uploading)))
                await in_thread(lambda: store.sweep_no_shows(now=cfg.clock()))
            except Exception:  # a failed round must not end the cleaning for good
                log.exception("cleaning abandoned uploads failed")
            await asyncio.sleep(cfg.clean_interval_s)

    async def erase_forever(days: float) -> None:
        while True:
            try:
                await in_thread(lambda: store.erase_returned(now=cfg.clock(), days=days))
                await in_thread(lambda: store.erase_bookings(now=cfg.clock(), days=days))
                await in_thread(lambda: store.erase_notices(now=cfg.clock(), days=days))
            except Exception:  # a failed sweep is retried in an hour; the server keeps serving
                log.exception("erasing returned dossiers failed")
            await asyncio.sleep(3600)

    async def notify_forever(notifier: Notifier) -> None:
        await in_thread(store.recover_notices)
        while True:
            try:
                await in_thread(lambda: store.dispatch_notices(notifier, now=cfg.clock()))
            except Exception:  # a failed round is retried; the notices stay in the outbox
                log.exception("sending notices failed")
            await asyncio.sleep(cfg.notice_interval_s)

    async def remind_forever(at: dt_time) -> None:
        while True:
            try:
                await in_thread(lambda: store.queue_reminders(now=cfg.clock(), at=at))
            except Exception:  # a failed round is retried; a reminder is queued late rather than never
                log.exception("queueing booking reminders failed")
            await asyncio.sleep(cfg.reminder_interval_s)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(clean_forever())]
        if cfg.reminder_at is not None:
            tasks.append(asyncio.create_task(remind_forever(cfg.reminder_at)))
        if cfg.notifier is not None:
            tasks.append(asyncio.create_task(notify_forever(cfg.notifier)))
        if cfg.retention_days is not None:
            tasks.append(asyncio.create_task(erase_forever(cfg.retention_days)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            store.close()

    docs: dict[str, Any] = {} if cfg.docs else {"docs_url": None, "redoc_url": None, "openapi_url": None}
    app = FastAPI(title="motcua-edge reference central case server", version=__version__, lifespan=lifespan,
                  description="Máy chủ hồ sơ trung tâm (tham chiếu) / reference central case server.", **docs)
    app.state.store = store
    app.state.settings = cfg
    # The token and the body's size are checked before any route reads a body (sync.central.door).
    limiter = (AddressLimiter(burst=cfg.public_burst, per_minute=cfg.public_per_minute)
               if cfg.public_burst > 0 else None)
    app.add_middleware(CentralDoor, store=store, public_limiter=limiter, clock=cfg.clock)
    bearer = HTTPBearer(auto_error=False, description="Mã trạm / site token")

    @app.exception_handler(CentralError)
    async def _central_error(request: Request, exc: CentralError) -> Response:
        return _error(exc.status, exc.code, exc.message, exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errs = exc.errors()
        first = errs[0] if errs else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        if first.get("type") == "json_invalid":
            return _error(400, "malformed_json", "Dữ liệu gửi lên không phải JSON hợp lệ / the body is not valid JSON")
        return _error(422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}
        answer = _error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))
        answer.headers.update(exc.headers or {})
        return answer

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:  # pragma: no cover - last resort
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, "internal_error", "Lỗi hệ thống / internal error")

    async def site_auth(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
        if creds is None or not creds.credentials:
            raise CentralError(401, "unauthorized", "Thiếu mã trạm / missing site token (Authorization: Bearer)")
        site = store.site_of(creds.credentials)
        if site is None:
            raise CentralError(401, "unauthorized", "Mã trạm không hợp lệ / invalid site token")
        identity = request.headers.get(IDENTITY_HEADER, "").strip() or None
        if identity is not None and not IDENTITY.match(identity):
            raise CentralError(422, "invalid_identity", f"{IDENTITY_HEADER}: expected a UUID")
        # One hub database per site: the first to sync is registered, another one gets a 409 (sync.central).
        await in_thread(lambda: store.check_identity(site, identity))
        return site

    def same_site(site: str, claimed: str) -> None:
        if claimed != site:
            raise CentralError(403, "wrong_site", f"Mã trạm của {site} không gửi thay {claimed} / token is for {site}")

    async def in_thread(fn: Callable[[], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, fn)

    add_booking_routes(app, store, cfg.clock)

    @app.get(f"{API}/health", tags=["public"])
    async def health() -> Response:
        """Sống / liveness, version and feed epoch."""
        return _json({"status": "ok", "version": __version__, "epoch": store.epoch})

    @app.post(f"{API}/events", tags=["ingest"])
    async def post_events(request: Request, site: str = Depends(site_auth)) -> Response:
        """Nhận sự kiện của trạm / a batch of site events; one result per event, in order."""
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            raise CentralError(400, "malformed_json", "Dữ liệu gửi lên không phải JSON hợp lệ / not valid JSON") from None
        if not isinstance(body, dict) or not isinstance(body.get("events"), list) or not isinstance(body.get("site"), str):
            raise CentralError(422, "invalid_request", "expected {\"site\": CODE, \"events\": [...]}")
        same_site(site, body["site"])
        if len(body["events"]) > MAX_EVENTS:
            raise CentralError(413, "batch_too_large", f"at most {MAX_EVENTS} events per request")
        results = await in_thread(lambda: store.ingest_events(site=site, events=body["events"]))
        return _json({"results": results})

    @app.get(f"{API}/blobs/{{sha256}}", tags=["files"])
    @app.head(f"{API}/blobs/{{sha256}}", tags=["files"], operation_id="blob_status_head")
    async def blob_status(sha256: str, site: str = Depends(site_auth)) -> Response:
        """Tệp đã nhận tới đâu / how much of a file the server holds (`offset`) and whether it is complete."""
        if not SHA256.match(sha256):
            raise CentralError(422, "invalid_sha256", "expected 64 lowercase hex digits")
        st = store.blob_status(sha256)
        return _json(st, headers={"Upload-Offset": str(st["offset"])})

    @app.put(f"{API}/blobs/{{sha256}}", tags=["files"])
    async def put_blob(sha256: str, request: Request, offset: int = 0, size: int | None = None,
                       site: str = Depends(site_auth)) -> Response:
        """Gửi tệp / upload a file (or its rest from `offset`); verified against the sha256 when complete."""
        if not SHA256.match(sha256):
            raise CentralError(422, "invalid_sha256", "expected 64 lowercase hex digits")
        if size is None or not 0 <= size <= MAX_BLOB or not 0 <= offset <= size:
            raise CentralError(422, "invalid_range", f"give size (0..{MAX_BLOB}) and 0 <= offset <= size")
        final = store.blob_path(sha256)
        if final.exists():
            return _json({"sha256": sha256, "complete": True, "size": final.stat().st_size, "offset": final.stat().st_size})
        if sha256 in uploading:
            raise CentralError(409, "upload_in_progress", "another upload of this file is running; retry",
                               extra={"offset": store.blob_status(sha256)["offset"]})
        uploading.add(sha256)
        try:
            await in_thread(lambda: store.begin_upload(site=site, sha256=sha256, size=size, quota=cfg.quota(site),
                                                       now=cfg.clock()))
            return await _receive(sha256, request, offset, size, site)
        finally:
            uploading.discard(sha256)

    async def _receive(sha256: str, request: Request, offset: int, size: int, site: str) -> Response:
        final = store.blob_path(sha256)
        part = store.partial_path(sha256)
        private_dir(part.parent)
        have = part.stat().st_size if part.exists() else 0
        if have != offset:
            raise CentralError(409, "wrong_offset", f"the server holds {have} bytes; resume from there",
                               extra={"offset": have})
        written = offset
        # Append as the body arrives: a cut connection leaves a partial file to resume from.
        with os.fdopen(open_private(part, os.O_WRONLY | os.O_CREAT | os.O_APPEND), "ab") as f:
            async for chunk in request.stream():
                written += len(chunk)
                if written > size:
                    f.truncate(offset)
                    raise CentralError(422, "too_long", "the body goes past the declared size")
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        if written < size:
            await in_thread(lambda: store.upload_progress(sha256, now=cfg.clock()))
            return _json({"sha256": sha256, "complete": False, "offset": written}, 202)
        digest = await in_thread(lambda: _sha256_file(part))
        if digest != sha256:
            part.unlink(missing_ok=True)
            await in_thread(lambda: store.drop_upload(sha256))
            raise CentralError(422, "hash_mismatch", "Tệp không khớp mã băm / the content does not match its sha256")
        private_dir(final.parent)
        os.replace(part, final)
        fsync_dir(final.parent)
        await in_thread(lambda: store.record_blob(sha256, size, site=site))
        return _json({"sha256": sha256, "complete": True, "size": size, "offset": size}, 201)

    @app.post(f"{API}/dossiers", tags=["ingest"], status_code=201)
    async def post_dossier(body: DossierIn, site: str = Depends(site_auth)) -> Response:
        """Nhận hồ sơ / a dossier (files first); 201 with its official code; a repeat gets the first answer."""
        same_site(site, body.site)
        status, answer = await in_thread(lambda: store.ingest_dossier(site=site, body=body.stored()))
        return _json(answer, status)

    @app.post(f"{API}/notices", tags=["ingest"], status_code=201)
    async def post_notice(body: NoticeIn, site: str = Depends(site_auth)) -> Response:
        """Nhận thông báo vào hộp thư / a site's notice for the outbox (201; a repeat of its id: 200 and its status)."""
        same_site(site, body.site)
        try:
            status, answer = await in_thread(lambda: store.ingest_notice(
                site=site, body=body.model_dump(exclude_none=True), now=cfg.clock()))
        except NoticeConflict as exc:
            raise CentralError(422, "idempotency_conflict", str(exc)) from exc
        return _json(answer, status)

    @app.get(f"{API}/notices/{{notice_id}}", tags=["dossiers"])
    async def get_notice(notice_id: str, site: str = Depends(site_auth)) -> Response:
        """Trạng thái gửi / a notice's delivery status (pending, sent, failed, no_consent)."""
        n = store.notice_status(notice_id) if len(notice_id) <= 64 else None
        if n is None or n["site"] != site:
            raise CentralError(404, "unknown_notice", "Không có thông báo này / no such notice")
        return _json(n)

    @app.get(f"{API}/dossiers/{{key}}", tags=["dossiers"])
    async def get_dossier(key: str, site: str = Depends(site_auth)) -> Response:
        """Tra cứu hồ sơ / a dossier by id, official code or provisional code."""
        d = store.dossier(key) if len(key) <= 64 else None
        if d is None or d["site"] != site:
            raise CentralError(404, "unknown_dossier", "Không tìm thấy hồ sơ / no such dossier")
        return _json(d)

    @app.get(f"{API}/feeds/{{kind}}", tags=["feeds"])
    async def feed(kind: str, after: int = 0, epoch: int | None = None, limit: int = 200,
                   site: str = Depends(site_auth)) -> Response:
        """Một trang tin sau con trỏ / a feed page after a cursor; another epoch gets a reset page."""
        if after < 0 or not 1 <= limit <= 1000:
            raise CentralError(422, "invalid_request", "after >= 0 and 1 <= limit <= 1000")
        page = await in_thread(lambda: store.feed_page(kind, site=site, after=after, limit=limit, epoch=epoch))
        return _json(page)

    return app


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()

