"""What the kiosk does, without Qt: take a number at the hub, print it, report printer trouble.

Every method here blocks on the network or the printer: the window calls them on its worker thread
(DESIGN rule 8), never on the GUI thread. The demo calls the same methods directly.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig
from sync.client import HubClient, HubError, HubUnavailable

log = logging.getLogger(__name__)

#: The printer's error codes (printer_drivers) -> the hub's device-fault kinds.
FAULT_KINDS = {
    "paper_out": "paper_out", "cover_open": "cover_open", "offline": "printer_offline",
    "disconnected": "printer_offline", "error": "printer_offline", "unavailable": "printer_offline",
    "timeout": "printer_unknown", "no_status": "printer_unknown", "unknown": "printer_unknown",
    "write_failed": "printer_offline", "printer_error": "printer_offline",
}


@dataclass
class SiteState:
    """The site as the kiosk last saw it."""

    doc: dict[str, Any]
    online: bool
    fetched_at: float

    def service(self, code: str) -> dict[str, Any] | None:
        """One service's entry."""
        return next((s for s in self.doc.get("services", []) if s["code"] == code), None)

    def priority_name(self, code: str | None, lang: str = "vi") -> str | None:
        """A priority category's name."""
        for p in self.doc.get("priority_categories", []):
            if p["code"] == code:
                return str(p.get("name_en") or p["name"]) if lang == "en" else str(p["name"])
        return code


@dataclass
class TakeResult:
    """The outcome of one touch: a ticket (or why not) and what the printer did."""

    ticket: dict[str, Any] | None = None
    printed: bool = False
    print_outcome: str = "none"
    fault: str | None = None
    fault_vi: str = ""
    fault_en: str = ""
    hub_down: bool = False
    error_code: str | None = None
    error_message: str = ""
    preview_png: bytes | None = None
    request_id: str = ""


@dataclass
class KioskBackend:
    """The kiosk's hub client, printer and cache."""

    config: KioskConfig
    client: HubClient | None = None
    printer: Any = None
    on_printed: Callable[[Any, dict[str, Any], TakeResult], None] | None = None
    """Called after each print attempt with (job, ticket, result): the demo keeps the bytes and PNG."""
    monotonic: Callable[[], float] = time.monotonic
    site: SiteState | None = None
    _active_fault: str | None = None
    _pending_report: tuple[str | None, str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.client is None:
            self.client = HubClient(self.config.hub.url, self.config.hub.token, timeout=self.config.hub.timeout_s)
        if self.printer is None:
            from printer_drivers.connection import Printer

            self.printer = Printer(self.config.printer.address, profile=self.config.printer.profile,
                                   paper_mm=self.config.printer.paper_mm)

    # ------------------------------------------------------------------ site data
    def load_site(self) -> SiteState:
        """The hub's /site, or the cached copy (marked offline) when the hub cannot be reached."""
        assert self.client is not None
        try:
            doc = self.client.site()
        except (HubUnavailable, HubError) as exc:
            log.info("site from cache: %s", exc)
            cached = self._cache_read()
            self.site = SiteState(cached, False, 0.0) if cached else None
            if self.site is None:
                raise HubUnavailable(str(exc)) from exc
            return self.site
        self._cache_write(doc)
        self.site = SiteState(doc, True, time.time())
        self._flush_report()
        return self.site

    def hub_alive(self) -> bool:
        """Whether the hub answers now."""
        assert self.client is not None
        try:
            self.client.health()
            return True
        except (HubUnavailable, HubError):
            return False

    def _cache_read(self) -> dict[str, Any] | None:
        try:
            con = sqlite3.connect(self.config.cache_path)
            try:
                row = con.execute("SELECT value FROM cache WHERE key = 'site'").fetchone()
            finally:
                con.close()
        except sqlite3.Error:
            return None
        return json.loads(row[0]) if row else None

    def _cache_write(self, doc: dict[str, Any]) -> None:
        try:
            self.config.cache_path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.config.cache_path)
            with con:
                con.execute("CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT, at REAL)")
                con.execute("INSERT OR REPLACE INTO cache VALUES ('site', ?, ?)",
                            (json.dumps(doc, ensure_ascii=False), time.time()))
            con.close()
        except (OSError, sqlite3.Error) as exc:
            log.warning("cannot write the kiosk cache %s: %s", self.config.cache_path, exc)

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
            except HubError as exc:
                result.error_code, result.error_message = exc.code, exc.message
                return result
            except HubUnavailable as exc:
                if self.monotonic() >= deadline:
                    log.warning("hub unreachable while issuing: %s", exc)
                    result.hub_down = True
                    return result
                time.sleep(0.5)
        result.ticket = ticket.model_dump()
        self._print(result)
        return result

    def _printed_ticket(self, ticket: dict[str, Any]) -> Any:
        from printer_drivers.layouts import PrintedTicket

        site = self.site.doc if self.site else {}
        svc = self.site.service(ticket["service"]) if self.site else None
        issued = datetime.fromisoformat(ticket["issued_at"])
        return PrintedTicket(
            display=ticket["display"],
            service_name=svc["name"] if svc else ticket["service"],
            service_name_en=(svc or {}).get("name_en", ""),
            issued_at=issued,
            center_name=site.get("site", {}).get("name", ""),
            priority_name=self.site.priority_name(ticket.get("priority")) if self.site and ticket.get("priority") else None,
            ahead=ticket.get("ahead") if ticket.get("ahead") is not None else (
                None if ticket.get("position") is None else max(0, int(ticket["position"]) - 1)),
            estimated_wait_s=ticket.get("estimated_wait_s"),
            tracking_url=ticket.get("tracking_url") or "",
            footer=site.get("display", {}).get("ticket_footer", ""),
            ticket_id=ticket["id"],
        )

    def ticket_job(self, ticket: dict[str, Any]) -> Any:
        """The print job for a ticket (also its on-screen preview)."""
        from printer_drivers.layouts import ticket_job

        return ticket_job(self._printed_ticket(ticket), paper=self.printer.paper)

    def _print(self, result: TakeResult) -> None:
        assert result.ticket is not None
        try:
            job = self.ticket_job(result.ticket)
        except Exception as exc:  # noqa: BLE001 - a layout bug must not lose the citizen's number
            log.exception("cannot lay out ticket %s", result.ticket.get("display"))
            result.print_outcome, result.fault = "failed", "printer_unknown"
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
                self._report("paper_low", res.warning.vi)
            elif self._active_fault is not None:
                self._report(None, "")
            return
        code = res.error_code or res.outcome.value
        result.fault = FAULT_KINDS.get(code, "printer_unknown" if res.outcome.value == "unknown" else "printer_offline")
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

    # ------------------------------------------------------------------ faults
    def check_printer(self) -> str | None:
        """Ask the printer's status; report a new fault or a recovery; returns the fault kind or None."""
        from printer_drivers.errors import PrinterError
        from printer_drivers.status import reason_for

        try:
            status = self.printer.status()
        except PrinterError:
            fault: str | None = "printer_offline"
            message = "Không kết nối được máy in"
        else:
            reason = reason_for(status.state)
            fault = FAULT_KINDS.get(status.state.value, "printer_unknown") if reason else None
            message = reason.vi if reason else ""
        if fault != self._active_fault:
            self._report(fault, message)
        return fault

    def _report(self, fault: str | None, message: str) -> None:
        with self._lock:
            self._pending_report = (fault, message)
            self._active_fault = fault if fault != "paper_low" else None
        self._flush_report()

    def _flush_report(self) -> None:
        assert self.client is not None
        with self._lock:
            pending = self._pending_report
        if pending is None:
            return
        try:
            self.client.report_device(pending[0], message=pending[1], device=self.config.kiosk.name)
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


def write_printed(out_dir: Path) -> Callable[[Any, dict[str, Any], TakeResult], None]:
    """An on_printed callback that writes each job as DIR/NNNN-DISPLAY.bin and .png."""
    from printer_drivers.output import write_job_files

    counter = {"n": 0}
    lock = threading.Lock()

    def callback(job: Any, ticket: dict[str, Any], result: TakeResult) -> None:
        with lock:
            counter["n"] += 1
            n = counter["n"]
        write_job_files(job, out_dir / f"{n:04d}-ticket-{ticket['display']}")

    return callback
