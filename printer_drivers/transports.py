"""How bytes reach a printer: one transport per address scheme, each wrapping a python-escpos printer class
(or plain os calls for files and device nodes), and `translate`, which turns library and OS exceptions
into a `PrinterError` with a Vietnamese message. Used by `printer_drivers.connection.Printer` only.
"""
from __future__ import annotations

import errno
import os
import select
import shutil
import socket
import stat
import time
from pathlib import Path
from typing import Any

from printer_drivers import texts
from printer_drivers._escpos import exceptions as escpos_errors
from printer_drivers._escpos import printer as escpos_printers
from printer_drivers.address import PrinterAddress
from printer_drivers.errors import (
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
    PrinterStatus,
)

#: Bytes per write: small enough that a slow serial printer's flow control and a write timeout see
#: progress, large enough not to cost time on USB and TCP.
CHUNK = 1024


# -- transports: one per scheme, each wrapping a python-escpos printer class ----------------------------


class Transport:
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


class _TcpTransport(Transport):
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


class _SerialTransport(Transport):
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


class _FileTransport(Transport):
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


class DummyTransport(Transport):
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


class _UsbTransport(Transport):
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


class _CupsTransport(Transport):
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


class _Win32Transport(Transport):
    def __init__(self, address: PrinterAddress, *, timeout_s: float) -> None:
        super().__init__(address, timeout_s=timeout_s)
        if not escpos_printers.Win32Raw.is_usable():
            raise PrinterUnavailable(texts.ERR_MISSING_LIBRARY.format(library="pywin32", scheme="win32"))
        self.dev = escpos_printers.Win32Raw(address.target)

    def open(self) -> None:
        self.dev.open(raise_not_found=True)
        self.is_open = True


TRANSPORTS: dict[str, type[Transport]] = {
    "tcp": _TcpTransport, "serial": _SerialTransport, "file": _FileTransport, "dummy": DummyTransport,
    "usb": _UsbTransport, "cups": _CupsTransport, "win32": _Win32Transport,
}


def translate(fn: Any, address: PrinterAddress, *, writing: bool = False) -> Any:
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
