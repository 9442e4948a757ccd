"""Printer connections: an address (URL) -> python-escpos's printer class behind our own wrapper.

The wrapper owns the connection's lifecycle: nothing opens implicitly (python-escpos opens a device the
first time its `device` property is read; we only read it after our own `open()`), every wait has a
timeout, a dropped network connection is reopened before a job, and every library exception is turned
into a `PrinterError` with a Vietnamese message here, at the boundary.

Addresses (ARCHITECTURE.md, "Public contracts"): `usb://VID:PID`, `serial:///dev/ttyUSB0?baud=19200`, `tcp://HOST:9100`,
`file:///path/out.bin`, `cups://QUEUE`, `win32://NAME`, `dummy:`. Any of them may add
`?profile=TM-T20II&paper=58` (python-escpos profile, paper width in mm).
"""
from __future__ import annotations

import enum
import errno
import logging
import os
import select
import shutil
import socket
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from printer_drivers import texts
from printer_drivers._escpos import exceptions as escpos_errors
from printer_drivers._escpos import printer as escpos_printers
from printer_drivers.document import DEFAULT_PROFILE, Job, Paper
from printer_drivers.errors import (
    AddressError,
    PrinterError,
    PrinterTimeout,
    PrinterUnavailable,
    PrinterWriteError,
)
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

log = logging.getLogger(__name__)
#: Bytes to and from printers (sizes and status bytes, never content): attach a rotating handler to
#: keep device traffic out of the application log.
traffic = logging.getLogger("printer_drivers.traffic")

SCHEMES = ("usb", "serial", "tcp", "file", "cups", "win32", "dummy")
#: Bytes per write: small enough that a slow serial printer's flow control and a write timeout see
#: progress, large enough not to cost time on USB and TCP.
CHUNK = 1024


@dataclass(frozen=True)
class PrinterAddress:
    """A parsed printer address."""

    scheme: str
    target: str
    """host:port, device path, file path, VID:PID or queue name."""
    options: dict[str, str] = field(default_factory=dict)
    url: str = ""

    @classmethod
    def parse(cls, url: str) -> PrinterAddress:
        """Parse an address; raises AddressError with a Vietnamese message."""
        url = url.strip()
        if url in ("dummy", "dummy:", "dummy://"):
            return cls("dummy", "", {}, "dummy:")
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise AddressError(texts.ERR_UNSUPPORTED_SCHEME.format(scheme=scheme or url))
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if scheme in ("file", "serial"):
            target = unquote(parts.netloc + parts.path)
        elif scheme == "dummy":
            target = ""
        else:
            target = unquote(parts.netloc or parts.path.lstrip("/"))
        if scheme != "dummy" and not target:
            raise AddressError(texts.ERR_ADDRESS.format(detail=url))
        address = cls(scheme, target, options, url)
        address._check()
        return address

    def _check(self) -> None:
        bad = texts.ERR_ADDRESS
        if self.scheme == "tcp":
            host, _, port = self.target.rpartition(":")
            if not host:
                host, port = self.target, "9100"
            if not port.isdigit() or not 0 < int(port) < 65536:
                raise AddressError(bad.format(detail=f"{self.url} (port)"))
        elif self.scheme == "usb":
            vid, _, pid = self.target.partition(":")
            try:
                int(vid, 16), int(pid, 16)
            except ValueError:
                raise AddressError(bad.format(detail=f"{self.url} (usb://VID:PID in hex)")) from None
        elif self.scheme == "serial":
            baud = self.options.get("baud", "19200")
            if not baud.isdigit():
                raise AddressError(bad.format(detail=f"{self.url} (baud)"))

    @property
    def host_port(self) -> tuple[str, int]:
        """TCP host and port (default 9100)."""
        host, _, port = self.target.rpartition(":")
        if not host:
            return self.target, 9100
        return host.strip("[]"), int(port)

    def paper(self, *, width_mm: int | None = None, profile: str | None = None) -> Paper:
        """The paper from the arguments, else from `?paper=&profile=`, else 80 mm and the default
        profile."""
        try:
            mm = width_mm or int(self.options.get("paper", "80"))
        except ValueError:
            mm = -1
        return Paper(width_mm=mm, profile=profile or self.options.get("profile", DEFAULT_PROFILE))

    def redacted(self) -> str:
        """The address for logs and diagnostics (no user:password of a network address)."""
        parts = urlsplit(self.url)
        if parts.password:
            return self.url.replace(parts.password, "***")
        return self.url


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


# -- transports: one per scheme, each wrapping a python-escpos printer class ----------------------------


class _Transport:
    """Moves bytes to one device; `readable` when it can read DLE EOT answers back."""

    readable = False
    #: Whether a finished write means the page exists (a virtual printer): then a job with no status
    #: is PRINTED rather than UNKNOWN.
    virtual = False
    #: Bytes per write call; None: the whole job in one call (the transport waits for progress itself).
    chunk: int | None = CHUNK
    #: Bytes of the last write call that went out before it failed (a job cut short is then UNKNOWN).
    partial = 0

    @classmethod
    def probe(cls, address: PrinterAddress) -> PrinterStatus | None:
        """A status found without opening the device (None: it must be opened and asked)."""
        return None

    def __init__(self, address: PrinterAddress, *, timeout_s: float) -> None:
        self.address = address
        self.timeout_s = timeout_s
        self.dev: Any = None
        self.is_open = False

    def open(self) -> None:
        """Open the device (explicitly: python-escpos would otherwise open it on first use)."""
        self.dev.open()
        self.is_open = True

    def close(self) -> None:
        """Close the device; safe to call twice."""
        if self.dev is not None and self.is_open:
            try:
                self.dev.close()
            finally:
                self.is_open = False

    def write(self, data: bytes) -> None:
        """Write all bytes or raise."""
        self.dev._raw(data)

    def read_byte(self, timeout_s: float) -> int | None:
        """One byte from the printer, or None when nothing came within the timeout."""
        return None

    def drain(self) -> None:
        """Drop bytes the printer sent unasked (automatic status back, stale answers)."""

    def end_job(self) -> None:
        """Every byte of the job has been written: make it durable where that means something."""


class _TcpTransport(_Transport):
    readable = True

    def __init__(self, address: PrinterAddress, *, timeout_s: float) -> None:
        super().__init__(address, timeout_s=timeout_s)
        host, port = address.host_port
        self.dev = escpos_printers.Network(host=host, port=port, timeout=timeout_s)

    @property
    def sock(self) -> socket.socket:
        return self.dev._device  # type: ignore[no-any-return]

    def open(self) -> None:
        self.dev.open(raise_not_found=True)
        self.is_open = True

    def write(self, data: bytes) -> None:
        self.sock.settimeout(self.timeout_s)
        self.sock.sendall(data)

    def read_byte(self, timeout_s: float) -> int | None:
        self.sock.settimeout(timeout_s)
        try:
            data = self.sock.recv(1)
        except TimeoutError:
            return None
        if not data:
            raise ConnectionResetError(errno.ECONNRESET, "the printer closed the connection")
        return data[0]

    def drain(self) -> None:
        while select.select([self.sock], [], [], 0)[0]:
            if not self.sock.recv(256):
                raise ConnectionResetError(errno.ECONNRESET, "the printer closed the connection")


class _SerialTransport(_Transport):
    readable = True

    def __init__(self, address: PrinterAddress, *, timeout_s: float) -> None:
        super().__init__(address, timeout_s=timeout_s)
        flow = address.options.get("flow", "none").lower()
        self.dev = escpos_printers.Serial(
            devfile=address.target, baudrate=int(address.options.get("baud", "19200")),
            timeout=timeout_s, xonxoff=flow == "xonxoff", dsrdtr=flow == "dsrdtr")
        self.rtscts = flow == "rtscts"

    def open(self) -> None:
        self.dev.open(raise_not_found=True)
        port = self.dev._device
        port.write_timeout = self.timeout_s
        port.rtscts = self.rtscts
        self.is_open = True

    def write(self, data: bytes) -> None:
        port = self.dev._device
        port.write(data)
        port.flush()

    def read_byte(self, timeout_s: float) -> int | None:
        port = self.dev._device
        port.timeout = timeout_s
        data = port.read(1)
        return data[0] if data else None

    def drain(self) -> None:
        self.dev._device.reset_input_buffer()


class _FileTransport(_Transport):
    """A file (the virtual printer) or a device node such as /dev/usb/lp0, written with plain os calls.

    Not python-escpos's `File`: it opens with "wb", which truncates — a status check or a second program
    emptied the file, or cut a ticket short on a printer device — and it buffers, so a job stopped at
    4,096 bytes until the next one pushed it out (the cut command never arrived). Here the file is opened
    for appending without truncation and without blocking (a FIFO with nobody reading, a printer that
    stopped taking bytes), each job goes out in one piece under the write timeout, and a regular file is
    fsynced before the job counts as printed.
    """

    chunk = None

    def __init__(self, address: PrinterAddress, *, timeout_s: float) -> None:
        super().__init__(address, timeout_s=timeout_s)
        self.path = Path(address.target)
        kind = _node_kind(self.path)
        # A regular file (or one to be made) is the virtual printer; a device node or a FIFO is a real
        # printer whose status this connection cannot read.
        self.virtual = kind in ("missing", "regular")
        self.fd: int | None = None

    @classmethod
    def probe(cls, address: PrinterAddress) -> PrinterStatus:
        """Whether the file or device is there and writable, without opening it.

        Opening is itself a side effect here: a FIFO's reader sees end-of-file when the last writer
        closes, and the kernel's USB printer driver lets one program at a time open /dev/usb/lp0, so a
        check while the kiosk prints would take the printer from it.
        """
        path = Path(address.target)
        kind = _node_kind(path)
        if kind == "missing":
            if _is_device_path(path):
                raise FileNotFoundError(errno.ENOENT, "no such device", str(path))
            parent = next((p for p in path.parents if p.exists()), None)
            if parent is None or not os.access(parent, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, "the folder is not writable", str(parent or path))
        elif kind == "directory":
            raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
        elif not os.access(path, os.W_OK):
            raise PermissionError(errno.EACCES, "not writable by this user", str(path))
        return PrinterStatus.unreadable()

    def open(self) -> None:
        if _node_kind(self.path) == "missing" and _is_device_path(self.path):
            # An unplugged /dev/usb/lp0 must not come back as a regular file that swallows every ticket.
            raise FileNotFoundError(errno.ENOENT, "no such device", str(self.path))
        flags = os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        if self.virtual:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags |= os.O_CREAT
        # Never O_TRUNC: what is in the file (an earlier ticket, a job another process is writing) stays.
        self.fd = os.open(self.path, flags, 0o644)
        self.is_open = True

    def close(self) -> None:
        fd, self.fd = self.fd, None
        self.is_open = False
        if fd is not None:
            os.close(fd)

    def write(self, data: bytes) -> None:
        """All of `data`, waiting for a slow reader or device; TimeoutError after timeout_s without progress."""
        assert self.fd is not None
        view = memoryview(data)
        self.partial = 0
        deadline = time.monotonic() + self.timeout_s
        while view:
            try:
                n = os.write(self.fd, view)
            except BlockingIOError:
                n = 0
            if n:
                view = view[n:]
                self.partial += n
                deadline = time.monotonic() + self.timeout_s  # a slow printer that takes bytes is fine
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(errno.ETIMEDOUT, f"{len(view)} of {len(data)} bytes not taken")
            select.select([], [self.fd], [], left)

    def end_job(self) -> None:
        assert self.fd is not None
        try:
            os.fsync(self.fd)
        except OSError as exc:
            # Pipes and most character devices cannot be synced: their bytes are already out.
            if exc.errno not in (errno.EINVAL, errno.EROFS, errno.ENOTSUP, errno.ENOTTY):
                raise


def _node_kind(path: Path) -> str:
    """missing, regular, char (a device), fifo, directory or other."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISREG(mode):
        return "regular"
    if stat.S_ISCHR(mode):
        return "char"
    if stat.S_ISFIFO(mode):
        return "fifo"
    return "directory" if stat.S_ISDIR(mode) else "other"


def _is_device_path(path: Path) -> bool:
    return path.is_absolute() and path.parts[1:2] == ("dev",)


class _DummyTransport(_Transport):
    """The in-memory virtual printer; `?state=paper_out` (etc.) makes it answer like a faulty one."""

    readable = True
    virtual = True
    _ANSWERS = {
        # state: (DLE EOT 1, 2, 3, 4) answers
        "ready": (0x16, 0x12, 0x12, 0x12),
        "paper_low": (0x16, 0x12, 0x12, 0x1E),
        "paper_out": (0x1E, 0x32, 0x12, 0x72),
        "cover_open": (0x1E, 0x16, 0x12, 0x12),
        "offline": (0x1E, 0x12, 0x12, 0x12),
    }

    def __init__(self, address: PrinterAddress, *, timeout_s: float) -> None:
        super().__init__(address, timeout_s=timeout_s)
        self.dev = escpos_printers.Dummy()
        self.state = address.options.get("state", "ready")
        self._pending: list[int] = []

    def open(self) -> None:
        self.is_open = True

    def close(self) -> None:
        self.is_open = False

    def write(self, data: bytes) -> None:
        queries = {DLE_EOT_PRINTER: 0, DLE_EOT_OFFLINE: 1, DLE_EOT_ERROR: 2, DLE_EOT_PAPER: 3}
        if data in queries:
            answers = self._ANSWERS.get(self.state)
            if answers:
                self._pending.append(answers[queries[data]])
            return
        self.dev._raw(data)

    def read_byte(self, timeout_s: float) -> int | None:
        return self._pending.pop(0) if self._pending else None

    @property
    def output(self) -> bytes:
        return self.dev.output  # type: ignore[no-any-return]


class _UsbTransport(_Transport):
    readable = True

    def __init__(self, address: PrinterAddress, *, timeout_s: float) -> None:
        super().__init__(address, timeout_s=timeout_s)
        if not escpos_printers.Usb.is_usable():
            raise PrinterUnavailable(texts.ERR_MISSING_LIBRARY.format(library="pyusb", scheme="usb"))
        vid, _, pid = address.target.partition(":")
        kwargs: dict[str, Any] = {"timeout": int(timeout_s * 1000)}
        for key in ("in_ep", "out_ep"):
            if key in address.options:
                kwargs[key] = int(address.options[key], 0)
        self.dev = escpos_printers.Usb(int(vid, 16), int(pid, 16), **kwargs)

    def write(self, data: bytes) -> None:
        self.dev._device.write(self.dev.out_ep, data, int(self.timeout_s * 1000))

    def read_byte(self, timeout_s: float) -> int | None:
        try:
            data = self.dev._device.read(self.dev.in_ep, 16, max(1, int(timeout_s * 1000)))
        except Exception as exc:  # pyusb raises USBTimeoutError (a USBError) when nothing comes
            if "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower():
                return None
            raise
        return data[-1] if len(data) else None


class _CupsTransport(_Transport):
    """A CUPS queue in raw mode: through pycups when installed, else the `lp` command."""

    def __init__(self, address: PrinterAddress, *, timeout_s: float) -> None:
        super().__init__(address, timeout_s=timeout_s)
        if escpos_printers.CupsPrinter.is_usable():
            self.dev = escpos_printers.CupsPrinter(address.target)
        elif shutil.which("lp"):
            self.dev = escpos_printers.LP(address.target)
        else:
            raise PrinterUnavailable(texts.ERR_MISSING_LIBRARY.format(library="pycups / lp", scheme="cups"))

    def open(self) -> None:
        self.dev.open(raise_not_found=True)
        self.is_open = True

    def write(self, data: bytes) -> None:
        self.dev._raw(data)


class _Win32Transport(_Transport):
    def __init__(self, address: PrinterAddress, *, timeout_s: float) -> None:
        super().__init__(address, timeout_s=timeout_s)
        if not escpos_printers.Win32Raw.is_usable():
            raise PrinterUnavailable(texts.ERR_MISSING_LIBRARY.format(library="pywin32", scheme="win32"))
        self.dev = escpos_printers.Win32Raw(address.target)

    def open(self) -> None:
        self.dev.open(raise_not_found=True)
        self.is_open = True


_TRANSPORTS: dict[str, type[_Transport]] = {
    "tcp": _TcpTransport, "serial": _SerialTransport, "file": _FileTransport, "dummy": _DummyTransport,
    "usb": _UsbTransport, "cups": _CupsTransport, "win32": _Win32Transport,
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
        self._transport: _Transport | None = None
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
            transport = _translate(lambda: _TRANSPORTS[self.address.scheme](
                self.address, timeout_s=self.timeout_s), self.address)
            _translate(transport.open, self.address)
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
                probed = _translate(lambda: _TRANSPORTS[self.address.scheme].probe(self.address), self.address)
                if probed is not None:
                    self._last_status = probed
                    return probed
            self.open()
            try:
                status = _translate(self._query_status, self.address)
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
                _translate(lambda c=chunk: t.write(c), self.address, writing=True)
                sent = min(len(data), i + size)
            _translate(t.end_job, self.address, writing=True)
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
        if isinstance(self._transport, _DummyTransport):
            return self._transport.output
        return b""


def _translate(fn: Any, address: PrinterAddress, *, writing: bool = False) -> Any:
    """Run a device operation, turning library and OS exceptions into PrinterError."""
    where = address.redacted()
    try:
        return fn()
    except PrinterError:
        raise
    except TimeoutError as exc:
        raise PrinterTimeout(texts.ERR_TIMEOUT.format(address=where), detail=str(exc)) from None
    except PermissionError as exc:
        raise PrinterUnavailable(texts.ERR_PERMISSION.format(address=where), detail=str(exc)) from None
    except escpos_errors.DeviceNotFoundError as exc:
        cause = exc.__context__
        if isinstance(cause, OSError) and cause.strerror:
            detail = cause.strerror
        else:
            lines = str(getattr(exc, "msg", "") or exc).strip().splitlines()
            detail = lines[-1] if lines else ""
        if "ermission" in detail or "Access denied" in detail or "Errno 13" in detail:
            raise PrinterUnavailable(texts.ERR_PERMISSION.format(address=where), detail=detail) from None
        if "timed out" in detail:
            raise PrinterTimeout(texts.ERR_TIMEOUT.format(address=where), detail=detail) from None
        if address.scheme in ("tcp",):
            raise PrinterUnavailable(texts.ERR_CONNECT.format(address=where, detail=detail),
                                     detail=detail) from None
        raise PrinterUnavailable(texts.ERR_NOT_FOUND.format(address=where), detail=detail) from None
    except (OSError, escpos_errors.Error) as exc:
        detail = f"{type(exc).__name__}: {exc}"
        if not writing and isinstance(exc, OSError) and exc.errno in (errno.ENOENT, errno.ENXIO, errno.ENODEV):
            # No such file or device; for a FIFO, nobody reading it (ENXIO on a non-blocking open).
            raise PrinterUnavailable(texts.ERR_NOT_FOUND.format(address=where), detail=detail) from None
        if _is_serial_timeout(exc):
            raise PrinterTimeout(texts.ERR_TIMEOUT.format(address=where), detail=detail) from None
        if writing:
            code = getattr(exc, "errno", None)
            why = os.strerror(code) if isinstance(code, int) else type(exc).__name__
            raise PrinterWriteError(texts.ERR_WRITE.format(address=where, detail=why), detail=detail) from None
        raise PrinterUnavailable(texts.ERR_CONNECT.format(address=where, detail=exc.strerror
                                 if isinstance(exc, OSError) and exc.strerror else type(exc).__name__),
                                 detail=detail) from None
    except Exception as exc:  # pyserial's SerialException is an IOError; pyusb's USBError is not
        detail = f"{type(exc).__name__}: {exc}"
        if _is_serial_timeout(exc):
            raise PrinterTimeout(texts.ERR_TIMEOUT.format(address=where), detail=detail) from None
        raise PrinterWriteError(texts.ERR_WRITE.format(address=where, detail=type(exc).__name__),
                                detail=detail) from None


def _is_serial_timeout(exc: BaseException) -> bool:
    return type(exc).__name__ in ("SerialTimeoutException", "USBTimeoutError")


def open_printer(address: str, *, profile: str | None = None, paper_mm: int | None = None,
                 timeout_s: float = 5.0, status_timeout_s: float = 0.5) -> Printer:
    """A `Printer` for an address, connected; raises PrinterError (Vietnamese message) if it cannot."""
    return Printer(address, profile=profile, paper_mm=paper_mm, timeout_s=timeout_s,
                   status_timeout_s=status_timeout_s).open()
