"""The A4 printer beside the thermal one: PDFs (filled declarations, blank forms, guidance sheets) printed
through CUPS, the system's print service, with the printer's state checked before and the job followed after.

Addresses: `cups://QUEUE` (the machine's CUPS server), `cups://HOST:PORT/QUEUE` (another CUPS server, e.g. the
site's print server), `file:///folder` (the virtual printer: each job is a PDF in the folder; the demo and the
tests use it, ARCHITECTURE rule 7). CUPS is driven through pycups, OpenPrinting's binding of libcups (IPP); its
errors are translated here into an `A4Fault` with a Vietnamese and an English message for the person in front
of the device, never the library's words.
"""
from __future__ import annotations

import enum
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator

log = logging.getLogger(__name__)


class A4Fault(enum.Enum):
    """Why a page was not printed (or not yet), with what the citizen reads."""

    MISSING = ("missing", "Không tìm thấy máy in A4.", "The A4 printer cannot be found.")
    UNREACHABLE = ("unreachable", "Không kết nối được dịch vụ in.", "The print service cannot be reached.")
    PAUSED = ("paused", "Máy in A4 đang tạm dừng.", "The A4 printer is paused.")
    REJECTING = ("rejecting", "Máy in A4 đang không nhận lệnh in.", "The A4 printer is not accepting jobs.")
    JOB_FAILED = ("job_failed", "Lệnh in bị hủy hoặc lỗi.", "The print job was cancelled or failed.")
    JOB_WAITING = ("job_waiting", "Lệnh in đang chờ máy in.", "The print job is waiting for the printer.")
    WRITE_FAILED = ("write_failed", "Không ghi được tệp in.", "The print file could not be written.")

    def __init__(self, code: str, vi: str, en: str) -> None:
        self.code, self.vi, self.en = code, vi, en

    def both(self) -> str:
        """Vietnamese with English below, as device screens show a fault."""
        return f"{self.vi}\n{self.en}"


class PrinterState(enum.Enum):
    """The A4 printer as CUPS reports it (IPP printer-state and printer-is-accepting-jobs)."""

    IDLE = "idle"
    PRINTING = "printing"
    PAUSED = "paused"
    REJECTING = "rejecting"
    MISSING = "missing"
    UNREACHABLE = "unreachable"


READY_STATES = frozenset({PrinterState.IDLE, PrinterState.PRINTING})
FAULT_OF_STATE = {PrinterState.PAUSED: A4Fault.PAUSED, PrinterState.REJECTING: A4Fault.REJECTING,
                  PrinterState.MISSING: A4Fault.MISSING, PrinterState.UNREACHABLE: A4Fault.UNREACHABLE}


class JobState(enum.Enum):
    """IPP job-state (RFC 8011 §5.3.7)."""

    PENDING = 3
    HELD = 4
    PROCESSING = 5
    STOPPED = 6
    CANCELED = 7
    ABORTED = 8
    COMPLETED = 9


FINAL_JOB_STATES = frozenset({JobState.CANCELED, JobState.ABORTED, JobState.COMPLETED})
FAILED_JOB_STATES = frozenset({JobState.CANCELED, JobState.ABORTED})


@dataclass(frozen=True, slots=True)
class A4Status:
    """The printer's state and CUPS's reasons for it ("media-empty", "paused"…, for the technician)."""

    state: PrinterState
    reasons: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        """Whether a job sent now would print."""
        return self.state in READY_STATES

    @property
    def fault(self) -> A4Fault | None:
        """What the citizen is told when the printer is not ready."""
        return FAULT_OF_STATE.get(self.state)


@dataclass(frozen=True, slots=True)
class A4Result:
    """What became of a print: the job's id and last state, or the fault that stopped it."""

    printed: bool
    job_id: int | None = None
    job_state: JobState | None = None
    fault: A4Fault | None = None


class A4Printer(Protocol):
    """An A4 printer: its state, and printing a PDF with the job followed until done (or a time limit)."""

    address: str

    def status(self) -> A4Status:
        """The printer's state now."""
        ...

    def print_pdf(self, pdf: bytes, *, title: str, follow_s: float = 20.0) -> A4Result:
        """Check the printer, send the PDF, follow the job for up to `follow_s` seconds."""
        ...

    def diagnostics(self) -> dict[str, Any]:
        """A redacted snapshot for the technician tool."""
        ...


class A4PrinterConfig(BaseModel):
    """The A4 printer of a kiosk or a public computer (the device file's [a4_printer])."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    address: str = Field(description="cups://QUEUE, cups://HOST:PORT/QUEUE or file:///folder")
    """Where the A4 pages go."""
    follow_s: float = Field(20.0, ge=0, le=300)
    """How long a print's job is followed before the screen says it is still waiting."""

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        u = urlparse(value)
        if u.scheme not in ("cups", "file") or (u.scheme == "cups" and not (u.netloc or u.path.strip("/"))) \
                or (u.scheme == "file" and not u.path):
            raise ValueError("expected cups://QUEUE, cups://HOST:PORT/QUEUE or file:///folder")
        return value

    def printer(self) -> A4Printer:
        """The printer for this address."""
        return open_a4_printer(self.address)


def open_a4_printer(address: str, **kw: Any) -> A4Printer:
    """A4 printer by address (see the module docstring)."""
    u = urlparse(address)
    if u.scheme == "file":
        return FileA4Printer(Path(u.path), address=address)
    if u.scheme == "cups":
        if u.path.strip("/"):
            return CupsA4Printer(u.path.strip("/"), host=u.hostname, port=u.port, address=address, **kw)
        return CupsA4Printer(u.netloc, address=address, **kw)
    raise ValueError(f"{address}: expected cups:// or file://")


def _safe_name(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-")[:60] or "job"


class FileA4Printer:
    """The virtual A4 printer: each job is a PDF file in a folder (job ids count the files)."""

    def __init__(self, folder: Path, *, address: str = "") -> None:
        self.folder = folder
        self.address = address or f"file://{folder}"

    def status(self) -> A4Status:
        """Ready while the folder can be written."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return A4Status(PrinterState.MISSING)
        return A4Status(PrinterState.IDLE if os.access(self.folder, os.W_OK) else PrinterState.MISSING)

    def print_pdf(self, pdf: bytes, *, title: str, follow_s: float = 20.0) -> A4Result:
        """Write the PDF as NNNN-title.pdf, atomically (a reader never sees half a page)."""
        status = self.status()
        if not status.ready:
            return A4Result(False, fault=status.fault)
        job = len(list(self.folder.glob("*.pdf"))) + 1
        path = self.folder / f"{job:04d}-{_safe_name(title)}.pdf"
        try:
            with tempfile.NamedTemporaryFile(dir=self.folder, suffix=".part", delete=False) as f:
                f.write(pdf)
            os.replace(f.name, path)
        except OSError as exc:
            log.warning("A4 file printer %s: %s", self.folder, exc)
            return A4Result(False, fault=A4Fault.WRITE_FAILED)
        return A4Result(True, job_id=job, job_state=JobState.COMPLETED)

    def diagnostics(self) -> dict[str, Any]:
        """The folder and its state."""
        return {"kind": "file", "address": self.address, "state": self.status().state.value}


class CupsA4Printer:
    """A CUPS queue through pycups: printer-state before, job-state after.

    Hazard: pycups connections are not thread-safe, so each call opens its own. And libcups resolves a
    queue's name against its *default* server (cupsPrintFile2 builds the printer URI from it, whatever the
    connection), which libcups keeps per thread: the calling thread's default is set to this printer's server
    before each call (`cups.setServer`/`setPort` change that thread only).
    """

    def __init__(self, queue: str, *, host: str | None = None, port: int | None = None, address: str = "",
                 poll_s: float = 0.2, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.queue, self.host, self.port = queue, host, port
        self.address = address or f"cups://{queue}"
        self.poll_s, self.monotonic, self.sleep = poll_s, monotonic, sleep
        self.last_error = ""
        """The library's last words (technician page, logs; never shown to citizens)."""

    def _connect(self) -> Any:
        import cups  # pycups: imported here so that machines without an A4 printer need no libcups

        cups.setServer(self.host or "")  # "": back to the machine's default (CUPS_SERVER, client.conf)
        if self.host:
            cups.setPort(self.port or 631)
        return cups.Connection()

    def status(self) -> A4Status:
        """printer-state and printer-is-accepting-jobs of the queue; MISSING or UNREACHABLE when CUPS says so."""
        import cups

        try:
            conn = self._connect()
            attrs = conn.getPrinterAttributes(self.queue, requested_attributes=[
                "printer-state", "printer-state-reasons", "printer-is-accepting-jobs"])
        except cups.IPPError as exc:
            self.last_error = str(exc)
            code = exc.args[0] if exc.args else None
            missing = code in (cups.IPP_NOT_FOUND, getattr(cups, "IPP_STATUS_ERROR_NOT_FOUND", -1))
            return A4Status(PrinterState.MISSING if missing else PrinterState.UNREACHABLE)
        except RuntimeError as exc:  # pycups: "failed to connect to server"
            self.last_error = str(exc)
            return A4Status(PrinterState.UNREACHABLE)
        reasons = tuple(r for r in _as_list(attrs.get("printer-state-reasons")) if r != "none")
        state = attrs.get("printer-state")
        if state == cups.IPP_PRINTER_STOPPED:
            return A4Status(PrinterState.PAUSED, reasons)
        if not attrs.get("printer-is-accepting-jobs", True):
            return A4Status(PrinterState.REJECTING, reasons)
        return A4Status(PrinterState.PRINTING if state == cups.IPP_PRINTER_PROCESSING else PrinterState.IDLE, reasons)

    def print_pdf(self, pdf: bytes, *, title: str, follow_s: float = 20.0) -> A4Result:
        """Refuse at once when the queue is missing, paused or rejecting; else send and follow the job."""
        import cups

        status = self.status()
        if not status.ready:
            log.info("A4 printer %s not ready: %s %s", self.address, status.state.value, ",".join(status.reasons))
            return A4Result(False, fault=status.fault)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            try:
                conn = self._connect()
                job = int(conn.printFile(self.queue, f.name, title[:100], {"media": "A4", "sides": "one-sided"}))
            except (cups.IPPError, RuntimeError) as exc:
                self.last_error = str(exc)
                log.warning("A4 printer %s refused a job: %s", self.address, exc)
                after = self.status()
                return A4Result(False, fault=after.fault or A4Fault.JOB_FAILED)
        return self.follow(job, follow_s=follow_s)

    def job_state(self, job: int) -> JobState | None:
        """A job's state now (None when CUPS cannot say)."""
        import cups

        try:
            attrs = self._connect().getJobAttributes(job, requested_attributes=["job-state"])
        except (cups.IPPError, RuntimeError) as exc:
            self.last_error = str(exc)
            return None
        try:
            return JobState(int(attrs.get("job-state", 0)))
        except ValueError:
            return None

    def follow(self, job: int, *, follow_s: float) -> A4Result:
        """Poll the job until it is final or `follow_s` passed: printed, failed, or still waiting."""
        deadline = self.monotonic() + follow_s
        state = self.job_state(job)
        while state not in FINAL_JOB_STATES and self.monotonic() < deadline:
            self.sleep(self.poll_s)
            state = self.job_state(job)
        if state is JobState.COMPLETED:
            return A4Result(True, job_id=job, job_state=state)
        if state in FAILED_JOB_STATES:
            return A4Result(False, job_id=job, job_state=state, fault=A4Fault.JOB_FAILED)
        printer = self.status()  # still waiting: say why when the printer knows (paused since, missing…)
        return A4Result(False, job_id=job, job_state=state, fault=printer.fault or A4Fault.JOB_WAITING)

    def diagnostics(self) -> dict[str, Any]:
        """The queue, its state and reasons, and the library's last error."""
        s = self.status()
        return {"kind": "cups", "address": self.address, "state": s.state.value, "reasons": list(s.reasons),
                "last_error": self.last_error}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]
