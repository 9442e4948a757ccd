"""Printer connections: an address (URL) -> python-escpos's printer class behind our own wrapper.

The wrapper owns the connection's lifecycle: nothing opens implicitly (python-escpos opens a device the
first time its `device` property is read; we only read it after our own `open()`), every wait has a
timeout, a dropped network connection is reopened before a job, and every library exception is turned
into a `PrinterError` with a Vietnamese message at the boundary (transports.py moves the bytes and
translates the errors; address.py parses the address).

Addresses (ARCHITECTURE.md, "Public contracts"): `usb://VID:PID`, `serial:///dev/ttyUSB0?baud=19200`, `tcp://HOST:9100`,
`file:///path/out.bin`, `cups://QUEUE`, `win32://NAME`, `dummy:`. Any of them may add
`?profile=TM-T20II&paper=58` (python-escpos profile, paper width in mm).
"""
from __future__ import annotations

import enum
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from printer_drivers import texts
from printer_drivers.address import PrinterAddress
from printer_drivers.document import Job
from printer_drivers.errors import PrinterError, PrinterTimeout
from printer_drivers.status import (
    DLE_EOT_ERROR,
    DLE_EOT_OFFLINE,
    DLE_EOT_PAPER,
    DLE_EOT_PRINTER,
    PRINTABLE_STATES,
    PrinterState,
    PrinterStatus,
    reason_for,
)
from printer_drivers.texts import Text
from printer_drivers.transports import TRANSPORTS, DummyTransport, Transport, translate

__all__ = ["JobOutcome", "JobResult", "Printer", "PrinterAddress", "open_printer"]

log = logging.getLogger(__name__)
#: Bytes to and from printers (sizes and status bytes, never content): attach a rotating handler to
#: keep device traffic out of the application log.
traffic = logging.getLogger("printer_drivers.traffic")



class JobOutcome(enum.Enum):
    """What became of a job."""

    PRINTED = "printed"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def text(self) -> Text:
        """For people."""
        return {JobOutcome.PRINTED: texts.OUTCOME_PRINTED, JobOutcome.FAILED: texts.OUTCOME_FAILED,
                JobOutcome.UNKNOWN: texts.OUTCOME_UNKNOWN}[self]


@dataclass(frozen=True)
class JobResult:
    """The result of one job: never an exception, always a reason when it is not plainly printed."""

    outcome: JobOutcome
    reason: Text | None = None
    warning: Text | None = None
    before: PrinterStatus | None = None
    after: PrinterStatus | None = None
    bytes_sent: int = 0
    seconds: float = 0.0
    error_code: str = ""

    @property
    def printed(self) -> bool:
        """True only when the printer confirmed it could print (or the virtual printer wrote it)."""
        return self.outcome is JobOutcome.PRINTED

    def as_dict(self) -> dict[str, Any]:
        """For JSON and diagnostics."""
        return {
            "outcome": self.outcome.value,
            "reason": None if self.reason is None else {"vi": self.reason.vi, "en": self.reason.en},
            "warning": None if self.warning is None else {"vi": self.warning.vi, "en": self.warning.en},
            "before": None if self.before is None else self.before.as_dict(),
            "after": None if self.after is None else self.after.as_dict(),
            "bytes_sent": self.bytes_sent,
            "seconds": round(self.seconds, 3),
            "error_code": self.error_code,
        }


# -- the printer ---------------------------------------------------------------------------------------------


class Printer:
    """One ESC/POS printer: owns its connection; status, jobs and diagnostics go through here.

    Thread-safe (one lock per printer): the kiosk's print worker and the technician's diagnostics can
    share it. Never call it from the GUI thread: a job can wait for the printer up to its timeouts.
    """

    def __init__(self, address: str | PrinterAddress, *, profile: str | None = None,
                 paper_mm: int | None = None, timeout_s: float = 5.0, status_timeout_s: float = 0.5) -> None:
        self.address = address if isinstance(address, PrinterAddress) else PrinterAddress.parse(address)
        self.paper = self.address.paper(width_mm=paper_mm, profile=profile)
        self.timeout_s = timeout_s
        self.status_timeout_s = status_timeout_s
        self._lock = threading.RLock()
        self._transport: Transport | None = None
        self._last_status: PrinterStatus | None = None
        self._last_result: JobResult | None = None
        self._last_error: PrinterError | None = None
        self._jobs = {"printed": 0, "failed": 0, "unknown": 0}
        self._opened_at: float | None = None

    # lifecycle

    def open(self) -> Printer:
        """Connect to the printer; raises PrinterError."""
        with self._lock:
            if self._transport is not None and self._transport.is_open:
                return self
            transport = translate(lambda: TRANSPORTS[self.address.scheme](
                self.address, timeout_s=self.timeout_s), self.address)
            translate(transport.open, self.address)
            self._transport = transport
            self._opened_at = time.monotonic()
            log.info("printer %s open", self.address.redacted())
            return self

    def close(self) -> None:
        """Disconnect; safe to call when closed."""
        with self._lock:
            transport, self._transport = self._transport, None
            if transport is not None:
                try:
                    transport.close()
                except Exception as exc:  # closing a dead connection must not raise into the UI
                    log.debug("closing %s: %s", self.address.redacted(), exc)

    def __enter__(self) -> Printer:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        """Whether the connection is open."""
        return self._transport is not None and self._transport.is_open

    @property
    def state(self) -> PrinterState:
        """The state from the last status reading (DISCONNECTED when closed)."""
        if not self.is_open:
            return PrinterState.DISCONNECTED
        return PrinterState.UNKNOWN if self._last_status is None else self._last_status.state

    # status

    def status(self) -> PrinterStatus:
        """Ask the printer (DLE EOT 1, 2, 4 and 3); UNKNOWN when it does not answer. Opens if closed,
        except a connection that cannot read a status at all (file:), which is only looked at."""
        with self._lock:
            if not self.is_open:
                probed = translate(lambda: TRANSPORTS[self.address.scheme].probe(self.address), self.address)
                if probed is not None:
                    self._last_status = probed
                    return probed
            self.open()
            try:
                status = translate(self._query_status, self.address)
            except PrinterError:
                self.close()
                raise
            self._last_status = status
            return status

    def _query_status(self) -> PrinterStatus:
        t = self._transport
        assert t is not None
        if not t.readable:
            return PrinterStatus.unreadable()
        t.drain()
        answers: dict[str, int | None] = {}
        for name, query in (("printer", DLE_EOT_PRINTER), ("offline", DLE_EOT_OFFLINE),
                            ("paper_sensor", DLE_EOT_PAPER), ("error", DLE_EOT_ERROR)):
            t.write(query)
            answers[name] = t.read_byte(self.status_timeout_s)
            traffic.debug("%s DLE EOT %s -> %s", self.address.redacted(), query[-1],
                          "none" if answers[name] is None else f"0x{answers[name]:02x}")
            if answers[name] is None:
                break  # a printer that ignores one query ignores the rest: don't wait four times
        return PrinterStatus.from_bytes(**answers)

    # jobs

    def print_job(self, job: Job | bytes) -> JobResult:
        """Check the status, send the job, check again. Never raises: the result says what happened."""
        started = time.monotonic()
        data = job.to_bytes() if isinstance(job, Job) else bytes(job)
        name = job.name if isinstance(job, Job) else "raw"
        with self._lock:
            result = self._print(data, started)
            self._last_result = result
            self._jobs[result.outcome.value] += 1
        log.info("job %s on %s: %s%s", name, self.address.redacted(), result.outcome.value,
                 f" ({result.reason.en})" if result.reason else "")
        return result

    def _print(self, data: bytes, started: float) -> JobResult:
        def failed(exc: PrinterError, before: PrinterStatus | None = None, sent: int = 0) -> JobResult:
            self._last_error = exc
            self.close()
            outcome = JobOutcome.UNKNOWN if sent and isinstance(exc, PrinterTimeout) else JobOutcome.FAILED
            return JobResult(outcome, exc.text, before=before, bytes_sent=sent,
                             seconds=time.monotonic() - started, error_code=exc.code)

        try:
            before = self._status_with_reconnect()
        except PrinterError as exc:
            return failed(exc)
        reason = reason_for(before.state)
        if reason is not None:
            return JobResult(JobOutcome.FAILED, reason, before=before, seconds=time.monotonic() - started,
                             error_code=before.state.value)
        sent = 0
        t = self._transport
        assert t is not None
        size = t.chunk or max(1, len(data))
        try:
            for i in range(0, len(data), size):
                chunk = data[i:i + size]
                translate(lambda c=chunk: t.write(c), self.address, writing=True)
                sent = min(len(data), i + size)
            translate(t.end_job, self.address, writing=True)
            traffic.debug("%s sent %d bytes", self.address.redacted(), sent)
        except PrinterError as exc:
            return failed(exc, before, sent + t.partial if sent < len(data) else sent)
        try:
            after = self.status()
        except PrinterError as exc:
            # Every byte went out, then the connection broke: the page may well have printed.
            self._last_error = exc
            self.close()
            return JobResult(JobOutcome.UNKNOWN, texts.REASON_NO_ANSWER, before=before, bytes_sent=sent,
                             seconds=time.monotonic() - started, error_code=exc.code)
        seconds = time.monotonic() - started
        warning = texts.REASON_PAPER_LOW if PrinterState.PAPER_LOW in (before.state, after.state) else None
        if after.state is PrinterState.PAPER_OUT:
            return JobResult(JobOutcome.FAILED, texts.REASON_PAPER_OUT_DURING, before=before, after=after,
                             bytes_sent=sent, seconds=seconds, error_code=after.state.value)
        if reason_for(after.state) is not None:
            return JobResult(JobOutcome.FAILED, reason_for(after.state), before=before, after=after,
                             bytes_sent=sent, seconds=seconds, error_code=after.state.value)
        if after.state in PRINTABLE_STATES:
            return JobResult(JobOutcome.PRINTED, None, warning, before, after, sent, seconds)
        if not after.readable and t.virtual:
            return JobResult(JobOutcome.PRINTED, None, warning, before, after, sent, seconds)
        why = texts.REASON_NOT_READABLE if not after.readable else texts.REASON_NO_ANSWER
        return JobResult(JobOutcome.UNKNOWN, why, warning, before, after, sent, seconds,
                         error_code="no_status")

    def _status_with_reconnect(self) -> PrinterStatus:
        # A network printer drops idle connections; the first sign is a reset on the next read or
        # write. Reopen once, before any byte of the job is sent, so a job is never sent twice.
        try:
            self.open()
            return self.status()
        except PrinterError:
            self.close()
            self.open()
            return self.status()

    # diagnostics

    def diagnostics(self) -> dict[str, Any]:
        """A snapshot for the technician tool (no secrets, no page content)."""
        with self._lock:
            status = self._last_status
            return {
                "address": self.address.redacted(),
                "scheme": self.address.scheme,
                "profile": self.paper.profile,
                "paper_mm": self.paper.width_mm,
                "dots": self.paper.dots,
                "native_qr": self.paper.native_qr,
                "native_code128": self.paper.native_code128,
                "raster_command": self.paper.raster_command,
                "open": self.is_open,
                "state": self.state.value,
                "state_text": {"vi": self.state.text.vi, "en": self.state.text.en},
                "status_readable": None if self._transport is None else self._transport.readable,
                "last_status": None if status is None else status.as_dict(),
                "last_job": None if self._last_result is None else self._last_result.as_dict(),
                "last_error": None if self._last_error is None else {
                    "code": self._last_error.code, "vi": self._last_error.message_vi,
                    "en": self._last_error.message_en, "detail": self._last_error.detail},
                "jobs": dict(self._jobs),
                "timeouts_s": {"io": self.timeout_s, "status": self.status_timeout_s},
            }

    @property
    def dummy_output(self) -> bytes:
        """What a `dummy:` printer has received (tests, demo)."""
        if isinstance(self._transport, DummyTransport):
            return self._transport.output
        return b""


def open_printer(address: str, *, profile: str | None = None, paper_mm: int | None = None,
                 timeout_s: float = 5.0, status_timeout_s: float = 0.5) -> Printer:
    """A `Printer` for an address, connected; raises PrinterError (Vietnamese message) if it cannot."""
    return Printer(address, profile=profile, paper_mm=paper_mm, timeout_s=timeout_s,
                   status_timeout_s=status_timeout_s).open()
