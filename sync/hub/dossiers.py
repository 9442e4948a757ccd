"""The hub's dossier desk (hồ sơ): files, the catalog, return times, submission, look-up and retention.

Dossiers are received here once (idempotent by the UUID the device makes), stored with their files in
one transaction with a `dossier.submitted` event, and sent upstream by the relay, which reads the dossier
from the dossiers table. Personal data (the applicant, files, delivery address, note) is seen only by staff
roles (counter, admin), each read recorded in the audit log; events, kiosks, boards and the public get the
status view (codes, procedure, dates, timeline, a masked name). A dossier's personal fields and files are
erased `[privacy] retention_days` after the central server confirmed it.
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from motcua.clock import Clock, iso
from motcua.config import SiteConfig
from motcua.contract import EventType
from motcua.forms import FormError, attach_forms, filled, form_of, validate
from motcua.queue import Change, Event
from motcua.worktime import OfficialDays
from sync.files import fsync_dir, open_private, private_dir
from sync.hub.auth import Principal
from sync.hub.errors import ApiError, store_unavailable
from sync.hub.models import DossierRequest
from sync.privacy import AddressLimiter, dossier_summary, lookup_code, lookup_code_matches, mask_name, scrub_dossier
from sync.store import SiteStore, StoreError
from sync.store.casework import CaseTables, DossierRow
from sync.store.tables import Op

log = logging.getLogger(__name__)

STAFF = frozenset({"counter", "admin"})
"""Roles that see a dossier's personal data (each read is audited); the others see its status only."""


class Dossiers:
    """Dossiers of one site: stored by the hub's writer, read straight from the database."""

    def __init__(self, config: SiteConfig, store: SiteStore, clock: Clock, *,
                 local_day: Callable[[float], str], new_event: Callable[[EventType, dict[str, Any]], Event]) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.local_day = local_day
        self.new_event = new_event
        """Makes the next event (on the loop only: the engine owns the sequence)."""
        self.blob_dir = private_dir(Path(str(store.path) + ".blobs"))
        """Dossier files (personal documents): owner-only, like the database."""
        self.serials: dict[str, int] = {}
        """Last provisional serial per day (cleared when the hub reloads from the database)."""
        self._in_flight: set[str] = set()
        self.official_days = OfficialDays.shipped()
        """The official days-off table: shipped, updated by the central server's calendar feed."""
        self.lookup_secret = store.lookup_secret
        self.limiter = AddressLimiter(burst=config.privacy.lookup_burst, per_minute=config.privacy.lookup_per_minute)
        """Public look-ups per client address (the /d/ pages, kiosks and boards)."""

    def calendar_changed(self) -> None:
        """Rebuild the official days-off table from the shipped file and the central server's calendar feed."""
        table = OfficialDays.shipped()
        for body in self.store.tables.feed_bodies("calendar"):
            try:
                table = table.updated(orjson.loads(body), source="central calendar feed")
            except Exception as exc:  # noqa: BLE001 - a bad year from upstream must not stop the hub
                log.warning("calendar update refused: %s", exc)
        self.official_days = table

    def purge_files(self, now: float, disk_now: float | None = None) -> int:
        """Delete dossier files the central server confirmed more than `file_retention_days` ago (personal
        data does not linger on site), and uploads no dossier ever used; returns how many files went.

        `now` is the hub's clock (what dossiers' times are written in); files' ages on disk are judged on
        `disk_now`, the real time the file system writes (default: now). The two differ when the hub runs
        on a simulated clock (the demo, the soak): judged on the hub's clock, an upload in progress looked
        hours old and was deleted under the kiosk's feet."""
        retention_s = self.config.central.file_retention_days * 86400
        keep_after = now - retention_s
        disk_now = time.time() if disk_now is None else disk_now
        rows = self.store.cases.files_to_keep(keep_after)
        needed = {r["sha256"] for r in rows if r["keep"]}
        referenced = {r["sha256"] for r in rows}
        removed = 0
        if not self.blob_dir.exists():
            return 0
        for path in self.blob_dir.glob("*/*"):
            sha = path.name
            if sha.endswith(".tmp") and path.stat().st_mtime < disk_now - 3600:
                sha = ""  # an upload cut off by a crash left its partial file: it goes too
            elif len(sha) != 64 or sha in needed:
                continue
            # A file no dossier uses yet may be an upload in progress: only old ones go.
            if sha and sha not in referenced and path.stat().st_mtime >= disk_now - retention_s:
                continue
            try:
                path.unlink()
                removed += 1
            except OSError as exc:
                log.warning("cannot purge %s: %s", path, exc)
        if removed:
            log.info("purged %d dossier file(s) confirmed by the central server", removed)
        return removed

    def blob_path(self, sha256: str) -> Path:
        """Where a file (content-addressed blob) lives on the hub."""
        return self.blob_dir / sha256[:2] / sha256

    async def receive_blob(self, sha256: str, chunks: AsyncIterator[bytes]) -> int:
        """Stream a file to disk with a running sha256, then verify it and keep it durably; returns its size.

        The body is never held in memory: each chunk is hashed and written as it arrives (the door caps
        its size). A file whose content does not match its name is deleted and refused (422).
        """
        path = self.blob_path(sha256)
        private_dir(path.parent)
        tmp = path.with_name(f"{sha256}.{uuid.uuid4().hex}.tmp")
        digest = hashlib.sha256()
        size = 0
        kept = False
        f = os.fdopen(open_private(tmp), "wb")  # owner-only (0600); closed below, after the fsync in a thread
        try:
            async for chunk in chunks:
                digest.update(chunk)
                f.write(chunk)  # to the page cache: fast enough on the loop; the fsync runs in a thread
                size += len(chunk)
            if digest.hexdigest() != sha256:
                raise ApiError(422, "hash_mismatch", "Tệp không khớp mã băm / the content does not match its sha256")
            await asyncio.get_running_loop().run_in_executor(None, _keep, f, tmp, path)
            kept = True
        finally:
            if not f.closed:
                f.close()
            if not kept:
                tmp.unlink(missing_ok=True)
        return size

    def catalog(self) -> dict[str, dict[str, Any]]:
        """Procedures by code: the central server's catalog feed, or the shipped catalog until one arrived."""
        bodies = self.store.tables.feed_bodies("catalog")
        if bodies:
            return {p["code"]: p for p in (orjson.loads(b) for b in bodies)}
        return {p["code"]: p for p in shipped_catalog()}

    def offers(self, procedure: dict[str, Any]) -> bool:
        """Whether this site handles a procedure: its service code is one of the site's services."""
        return self.config.service(str(procedure.get("service") or "")) is not None

    def offered(self, procedures: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The procedures of a catalog this site handles (a district center offers part of the province's)."""
        return [p for p in procedures if self.offers(p)]

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

    def timeline(self, row: DossierRow) -> list[dict[str, Any]]:
        """What happened to a dossier, oldest first: submitted, received upstream, then each status seen."""
        tz = self.config.tz
        steps = [{"status": "submitted", "at": iso(row.submitted_at, tz)}]
        if row.linked_at is not None:
            steps.append({"status": "received", "at": iso(row.linked_at, tz)})
        for status, at in self.store.cases.statuses(row.id):
            if not (status == "received" and any(x["status"] == "received" for x in steps)):
                steps.append({"status": status, "at": iso(at, tz)})
        return steps

    def view(self, row: DossierRow) -> dict[str, Any]:
        """The staff view of a dossier row: everything, with its look-up code."""
        body = orjson.loads(row.body)
        view = self._common(row, body)
        view.update({"applicant": body.get("applicant") or {}, "files": body.get("files") or [],
                     "declaration": body.get("declaration"),
                     "delivery": body.get("delivery", "center"), "delivery_address": body.get("delivery_address", ""),
                     "lookup_code": lookup_code(self.lookup_secret, row.id),
                     "erased_at": iso(row.erased_at, self.config.tz)})
        return view

    def status_view(self, row: DossierRow) -> dict[str, Any]:
        """What kiosks, boards and the public see of a dossier: codes, procedure, dates, status, a masked name."""
        body = orjson.loads(row.body)
        view = self._common(row, body)
        view["applicant_masked"] = mask_name(str((body.get("applicant") or {}).get("name") or ""))
        return view

    def _common(self, row: DossierRow, body: dict[str, Any]) -> dict[str, Any]:
        tz = self.config.tz
        return {"id": row.id, "provisional_code": row.provisional_code, "code": row.code or row.provisional_code,
                "official_code": row.code, "provisional": row.code is None, "day": row.day, "procedure": row.procedure,
                "status": row.status, "submitted_at": iso(row.submitted_at, tz), "status_at": iso(row.status_at, tz),
                "linked_at": iso(row.linked_at, tz), "due_at": iso(body.get("due_at"), tz), "qr": row.id,
                "lookup_url": f"{self.config.site.public_url.rstrip('/')}/d/{row.id}"}

    def row(self, key: str) -> DossierRow | None:
        """A dossier's row by id, provisional code or official code."""
        return self.store.cases.dossier(key)

    def find(self, key: str) -> dict[str, Any] | None:
        """The staff view of a dossier by id, provisional code or official code, with its timeline."""
        row = self.row(key)
        return None if row is None else self._with_timeline(row, self.view(row))

    def look_up(self, key: str, *, lookup: str | None, client: str) -> dict[str, Any] | None:
        """The status view for a public look-up: by the id (the slip's QR), or by either code **and** the
        look-up code printed beside it; None when they do not match a dossier (the same for both causes).

        Every look-up by a code, and every one that finds nothing, uses one of the client address's
        allowance (see `lookups_left`): that is what guessing a look-up code takes. Finding a dossier by
        its random UUID guesses nothing and costs nothing.
        """
        row = self.row(key)
        by_id = row is not None and key == row.id
        if not by_id:
            self.limiter.take(client, self.clock.time())
        if row is None or not (by_id or (lookup and lookup_code_matches(self.lookup_secret, row.id, lookup))):
            return None
        return self._with_timeline(row, self.status_view(row))

    def _with_timeline(self, row: DossierRow, view: dict[str, Any]) -> dict[str, Any]:
        view["timeline"] = self.timeline(row)
        # How fresh the status is: the last time the hub heard the central server's status feed.
        view["status_as_of"] = iso(self.store.tables.status_pulled_at(), self.config.tz)
        procedure = self.catalog().get(view["procedure"])
        view["procedure_name"] = procedure.get("name") if procedure else None
        return view

    def lookups_left(self, client: str) -> bool:
        """Whether a public look-up from this address may go ahead (False: answer 429): it has not used up
        `[privacy] lookup_burst` look-ups by code or in vain, refilled at `lookup_per_minute`."""
        p = self.config.privacy  # follows a reloaded site file
        self.limiter.burst, self.limiter.per_minute = p.lookup_burst, p.lookup_per_minute
        if self.limiter.available(client, self.clock.time()):
            return True
        log.warning("too many dossier look-ups from %s: refused for now", client)
        return False

    async def record_read(self, p: Principal, *, client: str, dossier_id: str, action: str = "dossier.read") -> None:
        """Audit a staff read of a dossier's personal data, durably, before the data is answered (ApiError 503
        when the database cannot take it: no record, no data)."""
        try:
            await self.store.submit([], ops=[CaseTables.audit(at=self.clock.time(), token_name=p.name, role=p.role,
                                                              client=client, action=action, dossier_id=dossier_id)])
        except StoreError as exc:
            raise store_unavailable() from exc

    # ------------------------------------------------------------------ retention
    async def erase_expired(self, now: float) -> int:
        """Erase the personal fields and files of dossiers the central server confirmed more than
        `[privacy] retention_days` ago (codes, procedure, dates and status stay): one transaction with a
        `dossier.erased` event per dossier, through the writer (on the loop). Returns how many."""
        cutoff = now - self.config.privacy.retention_days * 86400
        rows = self.store.cases.past_retention(cutoff)
        if not rows:
            return 0
        ops: list[Op] = []
        changes = []
        shas: set[str] = set()
        for row in rows:
            ops.extend(CaseTables.erase(row.id, orjson.dumps(scrub_dossier(orjson.loads(row.body))).decode(), now))
            shas.update(self.store.cases.files_of(row.id))
            changes.append(Change(event=self.new_event(EventType.DOSSIER_ERASED, {"dossier": {
                "id": row.id, "provisional_code": row.provisional_code, "code": row.code, "erased_at": now}})))
        try:
            await self.store.submit(changes, ops=ops)
        except StoreError:
            log.warning("erasing %d dossier(s) past retention failed; retried at the next check", len(rows))
            return 0
        still = self.store.cases.files_in_use()
        removed = await asyncio.get_running_loop().run_in_executor(None, self._unlink, shas - still)
        log.info("erased the personal data of %d dossier(s) confirmed more than %g day(s) ago (%d file(s))",
                 len(rows), self.config.privacy.retention_days, removed)
        return len(rows)

    def _unlink(self, shas: set[str]) -> int:
        removed = 0
        for sha in shas:
            try:
                self.blob_path(sha).unlink()
                removed += 1
            except FileNotFoundError:
                pass  # already purged ([central] file_retention_days)
            except OSError as exc:
                log.warning("cannot erase dossier file %s: %s", sha[:12], exc)
        return removed

    def _provisional_code(self, day: str) -> str:
        last = self.serials.get(day)
        if last is None:
            last = max((int(code.rsplit("-", 1)[1]) for code in self.store.cases.provisional_codes(day)), default=0)
        self.serials[day] = last + 1
        # Visibly provisional (TẠM): the central server issues the official {agency}-{yyMMdd}-{NNNN} later.
        return f"TAM-{self.config.site.code}-{day[2:4]}{day[5:7]}{day[8:10]}-{last + 1:04d}"

    async def submit(self, req: DossierRequest, *, channel: str) -> tuple[int, dict[str, Any]]:
        """Receive a dossier: its row, its files and a dossier.submitted event in one transaction."""
        if req.id is not None:
            dossier_id = str(uuid.UUID(req.id))
            existing = self.store.cases.dossier_by_id(dossier_id)
            if existing is not None and existing.erased_at is not None:
                raise ApiError(422, "dossier_erased", "Hồ sơ này đã được xoá thông tin cá nhân theo thời hạn lưu giữ / "
                                                      "this dossier's personal data was erased (retention)")
            if existing is not None:
                first = orjson.loads(existing.body)
                try:
                    declaration = self._declaration(req, self.catalog().get(req.procedure) or {}, self.clock.time())
                except ApiError:
                    declaration = req.declaration.model_dump() if req.declaration else None
                if _comparable(first) != _comparable(self._body(req, dossier_id, first, declaration=declaration)):
                    raise ApiError(422, "idempotency_conflict",
                                   "Mã hồ sơ đã dùng cho hồ sơ khác / this id was used for another dossier")
                return 200, self.view(existing)
            if dossier_id in self._in_flight:
                raise ApiError(409, "in_progress", "Hồ sơ này đang được lưu / this dossier is being saved, retry")
        else:
            dossier_id = str(uuid.uuid4())
        procedure = self.catalog().get(req.procedure)
        if procedure is None:
            raise ApiError(422, "unknown_procedure", f"Không có thủ tục {req.procedure} / unknown procedure")
        if not self.offers(procedure):
            raise ApiError(422, "procedure_not_offered",
                           f"Trung tâm không tiếp nhận thủ tục {req.procedure} ({procedure.get('name', '')}) / "
                           f"this center does not handle procedure {req.procedure} (service "
                           f"{procedure.get('service')} is not one of its services)")
        sizes = {}
        for f in req.files:
            p = self.blob_path(f.sha256)
            if not p.exists():
                raise ApiError(422, "unknown_file", f"{f.name}: chưa tải tệp lên / upload it first (PUT /files/{f.sha256})")
            sizes[f.sha256] = p.stat().st_size
        now = self.clock.time()
        declaration = self._declaration(req, procedure, now)
        day = self.local_day(now)
        body = self._body(req, dossier_id, None, now=now, sizes=sizes, channel=channel,
                          provisional=self._provisional_code(day), due_at=self.due_time(procedure, now),
                          declaration=declaration)
        row = DossierRow(id=dossier_id, provisional_code=body["provisional_code"], code=None, day=day,
                         procedure=req.procedure, status="submitted", body=orjson.dumps(body).decode(), submitted_at=now,
                         status_at=None, linked_at=None, erased_at=None)
        ops = CaseTables.insert_dossier(row, body["files"])
        # The event names the dossier, nobody's data: every role's stream and the log carry it, and the relay
        # reads the dossier itself from the table.
        change = Change(event=self.new_event(EventType.DOSSIER_SUBMITTED, {"dossier": dossier_summary(body)}))
        self._in_flight.add(dossier_id)
        try:
            await self.store.submit([change], ops=ops)
        except StoreError as exc:
            raise store_unavailable() from exc
        finally:
            self._in_flight.discard(dossier_id)
        return 201, self.view(row)

    def _declaration(self, req: DossierRequest, procedure: dict[str, Any], now: float) -> dict[str, Any] | None:
        """The filled declaration checked against the procedure's form and normalised (dates ISO, a unit as
        written); 422 when the procedure has no such form or a value is missing or wrong."""
        if req.declaration is None:
            return None
        try:
            form = form_of(procedure)
        except FormError as exc:
            log.warning("procedure %s: its declaration form cannot be read: %s", req.procedure, exc)
            form = None
        if form is None:
            raise ApiError(422, "no_form", f"Thủ tục {req.procedure} không có tờ khai điện tử / procedure "
                                           f"{req.procedure} has no electronic declaration form")
        if req.declaration.form != form.id:
            raise ApiError(422, "wrong_form", f"Tờ khai {req.declaration.form} không phải của thủ tục {req.procedure} "
                                              f"(mẫu {form.id}) / form {req.declaration.form} is not this procedure's "
                                              f"({form.id})")
        today = datetime.fromtimestamp(now, self.config.tz).date()
        values, errors = validate(form, req.declaration.values, today=today)
        if errors:
            listed = "; ".join(e.message_vi for e in errors[:5])
            listed_en = "; ".join(e.message_en for e in errors[:5])
            more = f" (+{len(errors) - 5})" if len(errors) > 5 else ""
            raise ApiError(422, "declaration_invalid", f"Tờ khai chưa đúng: {listed}{more} / the declaration is "
                                                       f"incomplete or wrong: {listed_en}{more}")
        return filled(form, values)

    def _body(self, req: DossierRequest, dossier_id: str, first: dict[str, Any] | None, *,
              now: float = 0.0, sizes: dict[str, int] | None = None, channel: str = "",
              provisional: str = "", due_at: float | None = None,
              declaration: dict[str, Any] | None = None) -> dict[str, Any]:
        """What goes upstream (the central server's DossierIn); `first` supplies the site-made fields of a repeat.

        `declaration` (the checked form) is left out when there is none: central servers from before forms
        refuse unknown keys, and a dossier's hash must not change for them.
        """
        site = self.config.site
        body = {
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
        if declaration is not None:
            body["declaration"] = declaration
        return body


def _keep(f: BinaryIO, tmp: Path, path: Path) -> None:
    """Make a received file durable under its final name (in a worker thread)."""
    f.flush()
    os.fsync(f.fileno())
    f.close()
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _comparable(body: dict[str, Any]) -> bytes:
    """A dossier body without the fields the site fills in, for idempotency comparison."""
    return orjson.dumps({k: v for k, v in body.items() if k not in ("submitted_at", "channel")},
                        option=orjson.OPT_SORT_KEYS)


@functools.cache
def _shipped_catalog() -> tuple[dict[str, Any], ...]:
    path = Path(__file__).resolve().parents[2] / "assets" / "catalog" / "procedures.json"
    try:
        # Declaration forms ship beside the catalog and travel inside their procedure's entry (motcua.forms).
        return tuple(attach_forms(orjson.loads(path.read_bytes())["procedures"]))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("no shipped catalog at %s: %s", path, exc)
        return ()


def shipped_catalog() -> list[dict[str, Any]]:
    """The procedure catalog shipped in assets/ (used until the central server's feed arrives)."""
    return list(_shipped_catalog())
