"""Routes of dossiers and their files, and of what the central server's feeds brought (catalog, guides, calendar)."""
from __future__ import annotations

import re
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from motcua.clock import iso
from motcua.contract import Catalog, DossierStaffView, DossierStatusView
from sync.audit import KINDS, parse_since, read_audit
from sync.hub.deps import Admin, AnyRole, HubDep, Issuer
from sync.hub.dossiers import STAFF, shipped_catalog
from sync.hub.errors import API, ApiError, json_response
from sync.hub.models import DossierRequest
from sync.hub.service import Hub

router = APIRouter()
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def client_address(request: Request) -> str:
    """The caller's address, for the audit log and the per-address look-up limit."""
    return request.client.host if request.client else "unknown"


def too_many_lookups() -> ApiError:
    """429: this address looked up too many dossiers just now."""
    return ApiError(429, "too_many_lookups", "Tra cứu quá nhiều lần, xin thử lại sau ít phút / too many look-ups from "
                                             "this address, try again in a few minutes")


@router.put(f"{API}/files/{{sha256}}", status_code=201, tags=["dossiers"],
            openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}}})
async def put_file(sha256: str, request: Request, hub: HubDep, p: Issuer) -> Response:
    """Tải tệp hồ sơ lên / upload a dossier's file as the raw body, named by its sha256 (lowercase hex).

    At most 50 MB, with or without Content-Length (413 beyond). 201 once it is verified and durably
    stored; uploading the same file again is harmless. Then reference it in POST /dossiers.
    """
    if not _SHA256.match(sha256):
        raise ApiError(422, "invalid_sha256", "sha256: 64 chữ số hex thường / expected 64 lowercase hex digits")
    try:
        size = await hub.dossiers.receive_blob(sha256, request.stream())
    except ClientDisconnect:
        # The device went away mid-upload (it retries); nobody reads this answer.
        raise ApiError(400, "upload_cut", "Tải tệp bị ngắt / the upload was cut off") from None
    return json_response({"sha256": sha256, "size": size}, 201)


@router.post(f"{API}/dossiers", status_code=201, tags=["dossiers"], response_model=DossierStaffView)
async def post_dossier(body: DossierRequest, hub: HubDep, p: Issuer) -> Response:
    """Nộp hồ sơ / receive a dossier whose files were uploaded with PUT /files/{sha256}.

    201 with the dossier once durable: `code` is provisional (`TAM-{site}-{yyMMdd}-{NNNN}`, `provisional`:
    true) until the central server's official code is linked; `qr` (the dossier's UUID) finds it by
    either code. A repeat with the same `id` and body answers 200 with the dossier.
    """
    status, view = await hub.dossiers.submit(body, channel="kiosk" if p.role == "kiosk" else "counter")
    view["fee"] = hub.payments.fee(view)  # what the citizen pays, with its VietQR (sync.hub.payments)
    return json_response(view, status)


@router.get(f"{API}/dossiers/{{key}}", tags=["dossiers"],
            response_model=DossierStaffView | DossierStatusView)
async def get_dossier(key: str, request: Request, hub: HubDep, p: AnyRole, lookup_code: str | None = None) -> Response:
    """Tra cứu hồ sơ / a dossier by its UUID (the slip's QR), provisional code or official code.

    Staff (counter, admin) get the whole dossier with the applicant, files and `lookup_code`; each such
    read is recorded in the audit log (GET /admin/audit) before it is answered. Kiosks and boards get its
    status only (codes, procedure, dates, `timeline`, `applicant_masked`), by the UUID or by a code **and**
    the `lookup_code` printed on the slip; their look-ups by code, and those that find nothing, are limited
    per client address (429).
    """
    client = client_address(request)
    if p.role in STAFF:
        row = hub.dossiers.row(key) if len(key) <= 64 else None
        if row is None:
            raise ApiError(404, "unknown_dossier", "Không tìm thấy hồ sơ / no such dossier")
        await hub.dossiers.record_read(p, client=client, dossier_id=row.id)
        staff = hub.dossiers.find(row.id)
        if staff is None:
            raise ApiError(404, "unknown_dossier", "Không tìm thấy hồ sơ / no such dossier")
        staff["fee"] = hub.payments.fee(staff)
        return json_response(staff)
    if not hub.dossiers.lookups_left(client):
        raise too_many_lookups()
    view = hub.dossiers.look_up(key, lookup=lookup_code, client=client) if len(key) <= 64 else None
    if view is None:
        raise ApiError(404, "unknown_dossier", "Không tìm thấy hồ sơ (tra cứu bằng mã hồ sơ cần kèm mã tra cứu in trên "
                                               "giấy hẹn) / no such dossier (a look-up by code needs the look-up code "
                                               "printed on the slip)")
    view["fee"] = hub.payments.fee(view)
    return json_response(view)


@router.get(f"{API}/admin/audit", tags=["admin"])
async def audit_log(hub: HubDep, p: Admin, since: str | None = None, until: str | None = None,
                    limit: int = 1000, kind: str | None = None) -> Response:
    """Nhật ký truy cập và điều hành / who read which dossier's personal data, and who used which control of the
    console, when and from where (admin). `kind`: `dossier` or `operations` only.

    `since` and `until`: a day (YYYY-MM-DD, the site's local time) or an ISO time; by default the last 24
    hours. At most `limit` entries (1..10000), oldest first. The entries name the dossier, never its data.
    """
    now = hub.clock.time()
    try:
        start = parse_since(since, hub.config.tz) if since else now - 86400
        end = parse_since(until, hub.config.tz) if until else None
    except ValueError as exc:
        raise ApiError(422, "invalid_time", f"since/until: {exc}") from None
    if not 1 <= limit <= 10000:
        raise ApiError(422, "invalid_limit", "limit: 1..10000")
    if kind is not None and kind not in KINDS:
        raise ApiError(422, "invalid_kind", f"kind: one of {', '.join(sorted(KINDS))}")
    entries = read_audit(hub.store.read, since=start, until=end, limit=limit, tz=hub.config.tz, kind=kind)
    return json_response({"since": iso(start, hub.config.tz), "entries": entries})


def _feed(hub: Hub, kind: str) -> dict[str, Any]:
    epoch, cursor = hub.store.tables.feed_cursor(kind)
    return {"epoch": epoch, "cursor": cursor, "items": [orjson.loads(b) for b in hub.store.tables.feed_bodies(kind)]}


@router.get(f"{API}/catalog", tags=["sync"], response_model=Catalog)
async def catalog(hub: HubDep, p: AnyRole, service: str | None = None) -> Response:
    """Danh mục thủ tục hành chính / the procedures this site handles (of the central server's catalog: those
    of the site's services), optionally of one service."""
    feed = _feed(hub, "catalog")
    items = feed.pop("items")
    source = "central"
    if not items:
        items, source = shipped_catalog(), "shipped"  # until the central server's catalog arrives
    procs = [x for x in hub.dossiers.offered(items) if service is None or x.get("service") == service]
    return json_response({**feed, "source": source, "procedures": procs})


@router.get(f"{API}/guides", tags=["sync"])
async def guides(hub: HubDep, p: AnyRole) -> Response:
    """Hướng dẫn và thông báo / guides and notices (from the central server)."""
    feed = _feed(hub, "guides")
    return json_response({**feed, "guides": feed.pop("items")})


@router.get(f"{API}/calendar", tags=["sync"])
async def calendar(hub: HubDep, p: AnyRole) -> Response:
    """Lịch nghỉ chính thức / the official days off and make-up days the hub counts with."""
    days = hub.dossiers.official_days
    years = {}
    for y in days.years:
        yd = days.year(y)
        if yd is not None:
            years[str(y)] = yd.model_dump(mode="json")
    return json_response({"years": years, "feed": {k: v for k, v in _feed(hub, "calendar").items() if k != "items"}})
