"""What the kiosk does, without Qt: take a number at the hub, print it, report printer trouble.

Every method here blocks on the network or the printer: the window calls them on its worker thread
(ARCHITECTURE rule 8), never on the GUI thread. The demo calls the same methods directly.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig
from motcua.cccd import CitizenId
from motcua.contract import (
    Applicant,
    Catalog,
    DossierRequest,
    DossierStaffView,
    DossierStatusView,
    FaultKind,
    FileRef,
    FilledDeclaration,
    Procedure,
    ServiceInfo,
    SiteDocument,
    TicketView,
    print_fault,
)
from motcua.forms import Declaration
from motcua.text import Text
from sync.client import HubAuthError, HubClient, HubError, HubUnavailable, hub_error

log = logging.getLogger(__name__)



@dataclass
class SiteState:
    """The site as the kiosk last saw it."""

    doc: SiteDocument
    online: bool
    fetched_at: float

    def service(self, code: str) -> ServiceInfo | None:
        """One service's entry."""
        return self.doc.service(code)

    def priority_name(self, code: str | None, lang: str = "vi") -> str | None:
        """A priority category's name."""
        for p in self.doc.priority_categories:
            if p.code == code:
                return (p.name_en or p.name) if lang == "en" else p.name
        return code


@dataclass
class TakeResult:
    """The outcome of one touch: a ticket (or why not) and what the printer did."""

    ticket: TicketView | None = None
    printed: bool = False
    print_outcome: str = "none"
    fault: FaultKind | None = None
    fault_vi: str = ""
    fault_en: str = ""
    hub_down: bool = False
    refused: bool = False
    """The hub refused the kiosk's token: out of service until a technician fixes it."""
    error_code: str | None = None
    error_message: str = ""
    """The hub's own message (logs, the demo); the window shows the citizen a text of its own."""
    preview_png: bytes | None = None
    request_id: str = ""


@dataclass
class KioskBackend:
    """The kiosk's hub client, printer and cache."""

    config: KioskConfig
    client: HubClient | None = None
    printer: Any = None
    on_printed: Callable[[Any, TicketView, TakeResult], None] | None = None
    """Called after each print attempt with (job, ticket, result): the demo keeps the bytes and PNG."""
    monotonic: Callable[[], float] = time.monotonic
    site: SiteState | None = None
    refused: HubAuthError | None = None
    """Set while the hub refuses the kiosk's token (401/403); the window shows "out of service"."""
    last_hub_error: str = ""
    """Why the hub was last unreachable or refused (the technician page; never for citizens)."""
    token_checked: bool = False
    _active_fault: FaultKind | None = None
    _pending_report: tuple[FaultKind | None, str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.client is None:
            self.client = self.config.hub.client()
        if self.printer is None:
            from printer_drivers.connection import Printer

            self.printer = Printer(self.config.printer.address, profile=self.config.printer.profile,
                                   paper_mm=self.config.printer.paper_mm)

    # ------------------------------------------------------------------ site data
    def load_site(self) -> SiteState:
        """The hub's /site, or the cached copy (marked offline) when the hub cannot be reached.

        Raises HubAuthError when the hub refuses the kiosk's token: that is no outage, the cache won't do.
        """
        assert self.client is not None
        try:
            doc = self.client.site()
            if not self.token_checked:
                self.check_token()
        except HubAuthError as exc:
            self.note_refused(exc)
            raise
        except (HubUnavailable, HubError) as exc:
            self.last_hub_error = str(exc)
            log.info("site from cache: %s", exc)
            cached = self._cache_read()
            self.site = SiteState(cached, False, 0.0) if cached is not None else None
            if self.site is None:
                raise HubUnavailable(str(exc)) from exc
            return self.site
        self._cache_write(doc)
        self.site = SiteState(doc, True, time.time())
        self.note_accepted()
        self._flush_report()
        return self.site

    def check_token(self) -> None:
        """Whether the kiosk's token may issue numbers, without issuing one; HubAuthError if not.

        Every role may read /site, so a board's or a revoked token shows only here. The hub checks the
        token before it reads the body (the routes and the fast path alike): POST /tickets with an empty
        body answers 401/403 for a token that may not issue and 422 (no service given) for one that may.
        """
        import requests

        assert self.client is not None
        try:
            r = self.client.session.post(self.client.api + "/tickets", json={}, timeout=self.client.timeout)
        except requests.RequestException as exc:
            raise HubUnavailable(str(exc)) from exc
        if r.status_code in (401, 403):
            try:
                body = r.json()
            except ValueError:
                body = None
            raise hub_error(r.status_code, body, r.reason or "")
        if r.status_code >= 500:
            return  # the hub could not say: ask again next time
        if r.status_code < 300:
            log.error("token check issued a ticket (hub answered %s to an empty request)", r.status_code)
        self.token_checked = True

    def note_refused(self, exc: HubAuthError) -> None:
        """The hub refused the token: say so once at ERROR (the technician's cue), then stay quiet."""
        if self.refused is None or (self.refused.status, self.refused.message) != (exc.status, exc.message):
            log.error("the hub refused this kiosk's device token (%s %s: %s); the kiosk is out of service until "
                      "[hub] token in its device file is fixed", exc.status, exc.code, exc.message)
        self.refused = exc
        self.token_checked = False  # /site alone does not vouch for the token again: check before serving
        self.last_hub_error = f"{exc.status} {exc.message}"

    def note_accepted(self) -> None:
        """A call with the token went through: the refusal, if any, is over."""
        if self.refused is not None:
            log.warning("the hub accepts this kiosk's device token again")
        self.refused = None

    def hub_alive(self) -> bool:
        """Whether the hub answers now."""
        assert self.client is not None
        try:
            self.client.health()
            return True
        except (HubUnavailable, HubError):
            return False

    def _cache_read(self) -> SiteDocument | None:
        cached = self.cache_get("site")
        return SiteDocument.model_validate(cached[0]) if cached else None

    def _cache_write(self, doc: SiteDocument) -> None:
        self.cache_put("site", doc.model_dump(mode="json"))

    def cache_put(self, key: str, value: Any) -> None:
        """Remember a document in the kiosk's own cache (ARCHITECTURE rule 6); never fails the citizen."""
        from sync.client import DeviceCache

        try:
            cache = DeviceCache(self.config.cache_path)
            try:
                cache.put(key, value)
            finally:
                cache.close()
        except Exception as exc:  # noqa: BLE001 - the cache is a courtesy
            log.warning("kiosk cache write failed (%s): %s", self.config.cache_path, exc)

    def cache_get(self, key: str) -> tuple[Any, float] | None:
        """A cached document and when it was saved (wall-clock seconds), or None."""
        from sync.client import DeviceCache

        try:
            cache = DeviceCache(self.config.cache_path)
            try:
                return cache.get(key)
            finally:
                cache.close()
        except Exception as exc:  # noqa: BLE001 - the cache is a courtesy
            log.warning("kiosk cache read failed (%s): %s", self.config.cache_path, exc)
            return None

    # ------------------------------------------------------------------ taking a number
    def take_number(self, service: str, *, priority: str | None = None, request_id: str | None = None,
                    retry_for_s: float = 6.0) -> TakeResult:
        """Issue a ticket at the hub, then print it. Retries a lost answer with the same request id."""
        assert self.client is not None
        rid = request_id or uuid.uuid4().hex
        result = TakeResult(request_id=rid)
        deadline = self.monotonic() + retry_for_s
        while True:
            try:
                ticket = self.client.issue(service, priority=priority, request_id=rid)
                break
            except HubAuthError as exc:
                self.note_refused(exc)
                result.refused = True
                result.error_code, result.error_message = exc.code, exc.message
                return result
            except HubError as exc:
                result.error_code, result.error_message = exc.code, exc.message
                return result
            except HubUnavailable as exc:
                if self.monotonic() >= deadline:
                    log.warning("hub unreachable while issuing: %s", exc)
                    self.last_hub_error = str(exc)
                    result.hub_down = True
                    return result
                time.sleep(0.5)
        result.ticket = ticket
        self._print(result)
        return result

    def _printed_ticket(self, ticket: TicketView) -> Any:
        from printer_drivers.layouts import PrintedTicket

        site = self.site.doc if self.site else None
        svc = self.site.service(ticket.service) if self.site else None
        return PrintedTicket(
            display=ticket.display,
            service_name=svc.name if svc else ticket.service,
            service_name_en=svc.name_en if svc else "",
            issued_at=datetime.fromisoformat(ticket.issued_at),
            center_name=site.site.name if site else "",
            priority_name=self.site.priority_name(ticket.priority) if self.site and ticket.priority else None,
            ahead=ticket.ahead if ticket.ahead is not None else (
                None if ticket.position is None else max(0, ticket.position - 1)),
            estimated_wait_s=ticket.estimated_wait_s,
            tracking_url=ticket.tracking_url,
            footer=site.display.ticket_footer if site else "",
            ticket_id=ticket.id,
        )

    def ticket_job(self, ticket: TicketView) -> Any:
        """The print job for a ticket (also its on-screen preview)."""
        from printer_drivers.layouts import ticket_job

        return ticket_job(self._printed_ticket(ticket), paper=self.printer.paper)

    def _print(self, result: TakeResult) -> None:
        assert result.ticket is not None
        try:
            job = self.ticket_job(result.ticket)
        except Exception as exc:  # noqa: BLE001 - a layout bug must not lose the citizen's number
            log.exception("cannot lay out ticket %s", result.ticket.display)
            result.print_outcome, result.fault = "failed", FaultKind.PRINTER_UNKNOWN
            result.fault_vi, result.fault_en = "Không tạo được phiếu in", "Could not lay out the ticket"
            self._report(result.fault, f"{result.fault_vi}: {exc}")
            return
        res = self.printer.print_job(job)
        result.print_outcome = res.outcome.value
        result.printed = res.printed
        if self.on_printed is not None:
            self.on_printed(job, result.ticket, result)
        if res.printed:
            if res.warning is not None:
                self._report(FaultKind.PAPER_LOW, res.warning.vi)
            elif self._active_fault is not None:
                self._report(None, "")
            return
        result.fault = print_fault(res.error_code or res.outcome.value, unknown=res.outcome.value == "unknown")
        result.fault_vi = res.reason.vi if res.reason else ""
        result.fault_en = res.reason.en if res.reason else ""
        try:
            import io

            buf = io.BytesIO()
            job.preview().save(buf, format="PNG")
            result.preview_png = buf.getvalue()
        except Exception:  # noqa: BLE001 - the preview is a courtesy
            log.exception("ticket preview failed")
        self._report(result.fault, result.fault_vi)

    # ------------------------------------------------------------------ the technician page
    def technician_status(self) -> TechnicianStatus:
        """The hub and the printer as the technician page shows them: exact causes, addresses included,
        never the token. Asks both afresh (blocking: the worker thread)."""
        from printer_drivers.errors import PrinterError

        try:
            self.load_site()
        except (HubUnavailable, HubError):
            pass  # load_site noted why
        hub_state = "refused" if self.refused else "ok" if self.site and self.site.online else "down"
        try:
            state, detail = self.printer.status().state.text, ""
        except PrinterError as exc:
            state, detail = exc.text, exc.detail
        return TechnicianStatus(hub_url=self.config.hub.url, hub_state=hub_state,
                                hub_detail=short_reason(self.last_hub_error),
                                refused_status=self.refused.status if self.refused else None,
                                refused_text=self.refused.text if self.refused else None,
                                printer_address=self.printer.address.redacted(), printer_state=state,
                                printer_detail=detail)

    # ------------------------------------------------------------------ faults
    def check_printer(self) -> FaultKind | None:
        """Ask the printer's status; report a new fault or a recovery; returns the fault kind or None."""
        from printer_drivers.errors import PrinterError
        from printer_drivers.status import reason_for

        try:
            status = self.printer.status()
        except PrinterError:
            fault: FaultKind | None = FaultKind.PRINTER_OFFLINE
            message = "Không kết nối được máy in"
        else:
            reason = reason_for(status.state)
            fault = print_fault(status.state.value, unknown=True) if reason else None
            message = reason.vi if reason else ""
        if fault != self._active_fault:
            self._report(fault, message)
        return fault

    def _report(self, fault: FaultKind | None, message: str) -> None:
        with self._lock:
            self._pending_report = (fault, message)
            self._active_fault = fault if fault != FaultKind.PAPER_LOW else None
        self._flush_report()

    def _flush_report(self) -> None:
        assert self.client is not None
        with self._lock:
            pending = self._pending_report
        if pending is None:
            return
        try:
            self.client.report_device(pending[0], message=pending[1], device=self.config.kiosk.name)
        except HubAuthError as exc:
            self.note_refused(exc)
            return
        except (HubUnavailable, HubError) as exc:
            log.info("device report kept for later: %s", exc)
            return
        with self._lock:
            if self._pending_report == pending:
                self._pending_report = None

    def close(self) -> None:
        """Release the printer and the connection."""
        try:
            self.printer.close()
        finally:
            if self.client is not None:
                self.client.close()


@dataclass(frozen=True)
class TechnicianStatus:
    """The hub and the printer as the technician page shows them: exact causes, addresses included, never
    the token."""

    hub_url: str
    hub_state: str
    """ok, down or refused."""
    hub_detail: str
    refused_status: int | None
    refused_text: Text | None
    printer_address: str
    printer_state: Text
    printer_detail: str


def short_reason(detail: str) -> str:
    """A network error in a few words for the technician ("connection refused"), not a urllib3 paragraph."""
    low = detail.lower()
    for needle, words in (("refused", "connection refused"), ("timed out", "timed out"),
                          ("timeout", "timed out"), ("name or service not known", "host name not found"),
                          ("nameresolution", "host name not found"), ("no route to host", "no route to host"),
                          ("network is unreachable", "network unreachable"), ("reset by peer", "connection reset")):
        if needle in low:
            return words
    return detail[:160]


def write_printed(out_dir: Path) -> Callable[[Any, TicketView, TakeResult], None]:
    """An on_printed callback that writes each job as DIR/NNNN-DISPLAY.bin and .png."""
    from printer_drivers.output import write_job_files

    counter = {"n": 0}
    lock = threading.Lock()

    def callback(job: Any, ticket: TicketView, result: TakeResult) -> None:
        with lock:
            counter["n"] += 1
            n = counter["n"]
        write_job_files(job, out_dir / f"{n:04d}-ticket-{ticket.display}")

    return callback


# ---------------------------------------------------------------------- dossiers (issue 7)
@dataclass
class CapturedDocument:
    """One photographed page of a required document."""

    document: str
    jpeg: bytes
    preview_png: bytes
    found_page: bool
    issue: str = ""


@dataclass
class DossierDraft:
    """What a citizen has entered so far (cleared at the end or on idle: personal data)."""

    procedure: Procedure
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    name: str = ""
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    pages: list[CapturedDocument] = field(default_factory=list)
    delivery: str = "center"
    delivery_address: str = ""
    from_card: bool = False
    card: CitizenId | None = None
    """The card read by the camera (pre-fills the declaration form)."""
    declaration: Declaration | None = None
    """The procedure's declaration form as the citizen fills it (kiosk.declaration)."""

    def body(self, files: list[FileRef] | None = None) -> DossierRequest:
        """The POST /dossiers body, with the uploaded files and the declaration form once it is complete."""
        declaration = None
        if self.declaration is not None and self.declaration.complete:
            declaration = FilledDeclaration.model_validate(self.declaration.request())
        return DossierRequest(
            id=self.id, procedure=self.procedure.code,
            applicant=Applicant(name=self.name, id_number=self.id_number, phone=self.phone, email=self.email,
                                address=self.address),
            files=files or [], delivery=self.delivery,  # type: ignore[arg-type]
            delivery_address=self.delivery_address if self.delivery == "post" else "",
            note="Nộp tại ki-ốt" + (" (thông tin từ thẻ CCCD)" if self.from_card else ""),
            declaration=declaration)


@dataclass
class SubmitResult:
    """The outcome of sending a dossier: the hub's view of it, and what the printer did with the slip."""

    dossier: DossierStaffView | None = None
    printed: bool = False
    fault_vi: str = ""
    slip_png: bytes | None = None
    hub_down: bool = False
    error_message: str = ""
    """Shown to the citizen when set (so never the hub's or a library's words); empty: the screen's own."""
    error_code: str = ""


CACHED_DOSSIER_FIELDS = frozenset({"id", "code", "provisional_code", "official_code", "provisional", "procedure",
                                   "procedure_name", "status", "status_at", "timeline", "due_at", "submitted_at",
                                   "status_as_of", "lookup_url"})


class DossierBackend:
    """The kiosk's dossier work (catalog, camera, submission, lookup); blocking, for the worker thread."""

    def __init__(self, kiosk: KioskBackend, *, camera: Any = None,
                 on_slip: Callable[[Any, DossierStaffView], None] | None = None) -> None:
        self.kiosk = kiosk
        self.client = kiosk.client
        self.camera = camera
        self.on_slip = on_slip
        self.procedures: list[Procedure] = []
        self._scanner: Any = None

    def load_catalog(self) -> list[Procedure]:
        """The hub's procedure catalog (cached for when the hub is down)."""
        assert self.client is not None
        try:
            catalog = self.client.catalog()
            self._cache_put("catalog", catalog.model_dump(mode="json"))
        except (HubUnavailable, HubError) as exc:
            if isinstance(exc, HubAuthError):
                self.kiosk.note_refused(exc)
            cached = self._cache_get("catalog")
            if cached is None:
                raise
            # An older kiosk cached the list of procedures itself.
            catalog = Catalog.model_validate(cached[0] if isinstance(cached[0], dict) else {"procedures": cached[0]})
        self.procedures = list(catalog.procedures)
        return self.procedures

    # camera -----------------------------------------------------------------------------------------
    def read_card(self, *, frames: int = 15) -> Any:
        """Look for a citizen-ID QR in the next frames; the Scan (cccd or invalid) or None."""
        from scanners.camera import CameraScanner

        if self.camera is None:
            return None
        if self._scanner is None:
            self.camera.open()
            self._scanner = CameraScanner(self.camera)
        for _ in range(frames):
            for scan in self._scanner.poll():
                if scan.kind in ("cccd", "invalid"):
                    return scan
        return None

    def capture_page(self, document: str) -> CapturedDocument | None:
        """Photograph one page: find the paper, straighten it, JPEG for upload and a preview."""
        from scanners.document import capture_document

        if self.camera is None:
            return None
        if self._scanner is None:
            self.camera.open()
        frame = self.camera.read()
        if frame is None:
            return None
        page = capture_document(frame)
        issue = page.quality_issue.text.vi if page.quality_issue is not None else ""
        return CapturedDocument(document, page.jpeg, page.preview_png, bool(page.found), issue)

    def forget(self) -> None:
        """End of a citizen's session: forget the last card seen."""
        if self._scanner is not None:
            self._scanner.forget()

    # submission -------------------------------------------------------------------------------------
    def submit(self, draft: DossierDraft) -> SubmitResult:
        """Upload the pages, send the dossier (retry-safe by its id), print the citizen's slip."""
        assert self.client is not None
        try:
            files = []
            for i, page in enumerate(draft.pages):
                sha = self.client.upload_file(page.jpeg)
                files.append(FileRef(sha256=sha, name=f"{i + 1:02d}-{_slug(page.document)}.jpg", mime="image/jpeg"))
            dossier = self.client.submit_dossier(draft.body(files))
        except HubUnavailable:
            return SubmitResult(hub_down=True)
        except HubAuthError as exc:
            self.kiosk.note_refused(exc)
            return SubmitResult(error_code=exc.code)
        except HubError as exc:
            # The hub's message may quote fields and values: the citizen reads the screen's own text.
            log.warning("the hub refused a dossier: %s %s: %s", exc.status, exc.code, exc.message)
            return SubmitResult(error_code=exc.code)
        result = SubmitResult(dossier=dossier)
        self._cache_put(f"dossier:{dossier.id}", dossier)
        if dossier.lookup_code:
            self._cache_put(lookup_cache_key(dossier.code, dossier.lookup_code), dossier)
        self._print_slip(draft, dossier, result)
        return result

    def slip_job(self, draft: DossierDraft, dossier: DossierStaffView) -> Any:
        """The citizen's copy of the appointment slip (Mẫu 01)."""
        from printer_drivers.layouts import SubmittedDocument, slip_for_dossier, slip_job

        docs = {p.document for p in draft.pages}
        documents = tuple(SubmittedDocument(d.name, max(1, d.originals or d.copies or 1), bool(d.originals))
                          for d in draft.procedure.documents if d.name in docs)
        # The slip's layout reads the hub's documents as JSON (printer_drivers knows no contract models).
        slip = slip_for_dossier(dossier=dossier.model_dump(mode="json"), procedure=draft.procedure.model_dump(mode="json"),
                                site=self.kiosk.site.doc.model_dump(mode="json") if self.kiosk.site else {},
                                documents=documents, receiver=self.kiosk.config.kiosk.name)
        return slip_job(slip, paper=self.kiosk.printer.paper, copies=("customer",))

    def _print_slip(self, draft: DossierDraft, dossier: DossierStaffView, result: SubmitResult) -> None:
        import io

        try:
            job = self.slip_job(draft, dossier)
        except Exception:  # a layout bug must not hide the dossier code from the citizen
            log.exception("cannot lay out the slip of %s", dossier.code)
            result.fault_vi = "Không tạo được giấy hẹn"
            return
        res = self.kiosk.printer.print_job(job)
        result.printed = res.printed
        if self.on_slip is not None:
            self.on_slip(job, dossier)
        buf = io.BytesIO()
        job.preview().save(buf, format="PNG")
        result.slip_png = buf.getvalue()
        if not res.printed:
            from kiosk.texts import PRINTER_FAULTS

            kind = print_fault(res.error_code or res.outcome.value, unknown=True)
            # The citizen's screen quotes fault_vi: the kiosk's plain words, not the driver's (address, errno).
            result.fault_vi = PRINTER_FAULTS[kind].vi if kind in PRINTER_FAULTS else PRINTER_FAULTS["printer_unknown"].vi
            self.kiosk._report(kind, res.reason.vi if res.reason else result.fault_vi)  # noqa: SLF001

    # lookup -----------------------------------------------------------------------------------------
    def lookup(self, key: str, lookup_code: str = "") -> tuple[DossierStatusView, float | None]:
        """A dossier's status by the slip's QR (URL or UUID), or by its code and the slip's look-up code:
        (view, age_s) — age_s is None when the answer is fresh from the hub, else how old the kiosk's last
        known answer is. Offline, a code finds only what was looked up (or submitted here) with the same
        look-up code: the kiosk's memory reveals no more than the hub would."""
        assert self.client is not None
        key = slip_key(key)
        by_id = is_uuid(key)
        cache_keys = [f"dossier:{key}", f"lookup:{key}"] if by_id else [lookup_cache_key(key, lookup_code)]
        try:
            view = self.client.dossier(key, lookup_code=None if by_id else lookup_code)
        except HubAuthError as exc:
            self.kiosk.note_refused(exc)
            raise
        except HubUnavailable:
            for k in cache_keys:
                cached = self._cache_get(k)
                if cached is not None:
                    return DossierStatusView.model_validate(cached[0]), time.time() - cached[1]
            raise
        self._cache_put(cache_keys[-1], view)
        return view, None

    def _cache_put(self, key: str, value: Any) -> None:
        if isinstance(value, DossierStatusView):
            # The kiosk's disk keeps what a look-up shows, never who the applicant is.
            value = value.model_dump(mode="json", include=set(CACHED_DOSSIER_FIELDS))
        self.kiosk.cache_put(key, value)

    def _cache_get(self, key: str) -> tuple[Any, float] | None:
        return self.kiosk.cache_get(key)


def slip_key(text: str) -> str:
    """What to look a dossier up by: the UUID at the end of a slip's QR URL, or a typed code (upper case)."""
    key = text.strip().rstrip("/").rsplit("/", 1)[-1]
    return key if is_uuid(key) else key.upper()


def is_uuid(text: str) -> bool:
    """Whether a key is a dossier's UUID (the slip's QR), which needs no look-up code."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def lookup_cache_key(code: str, lookup_code: str) -> str:
    """The kiosk cache's key of a look-up by code: a digest of the code *and* its look-up code, so that the
    cache answers only someone who holds the slip."""
    import hashlib

    from sync.privacy import normalize_lookup_code

    typed = f"{code.strip().upper()}|{normalize_lookup_code(lookup_code)}"
    return "lookup:" + hashlib.sha256(typed.encode()).hexdigest()


def _slug(text: str) -> str:
    import re
    import unicodedata

    flat = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    flat = "".join(c for c in flat if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", flat).strip("-")[:40] or "trang"
