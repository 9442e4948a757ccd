"""Handheld QR scanners in USB serial (CDC) mode: read bytes up to CR/LF, decode UTF-8, survive an unplug.

Why serial and not keyboard mode: a scanner in USB keyboard (HID) mode types each character as a key
press in the host's keyboard layout, and Vietnamese letters (ữ, ầ, Đ…) do not exist as keys — they come
out lost or garbled. In CDC mode the scanner sends the code's bytes as they are (DOMAIN.md).

One object owns the port. `read_payload()` blocks up to a timeout and returns one code's bytes; when the
scanner is unplugged the port is closed, the state becomes DISCONNECTED, and each later call tries to
reopen the same path every `reconnect_interval_s` (use a /dev/serial/by-id/ link: it comes back under
the same name, where /dev/ttyACM0 may become ttyACM1). A partial line is dropped on unplug.

pyserial stays in the adapters: this module and the counter keypad/LED bridge (counter_display.hardware);
ARCHITECTURE.md, "Layout".
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import serial

from motcua.cccd import MAX_BYTES
from scanners import texts
from scanners.citizen import Scan, interpret
from scanners.config import SerialScannerConfig
from scanners.errors import DeviceUnavailable, ScanDataError, ScannerError
from scanners.state import ERROR_STATES, DeviceState

log = logging.getLogger(__name__)
#: Sizes and events of scanner traffic (never content): attach a rotating handler to keep device traffic
#: out of the application log.
traffic = logging.getLogger("scanners.traffic")

_LINE_ENDS = b"\r\n"
_READ_SLICE_S = 0.05
"""Longest single wait inside pyserial, so that close() and timeouts are honoured promptly."""


class SerialScanner:
    """A QR scanner on a serial port: one code per line (CR, LF or CRLF)."""

    def __init__(self, *, port: str, baudrate: int = 9600, reconnect_interval_s: float = 2.0,
                 max_line: int = MAX_BYTES, clock: Callable[[], float] = time.monotonic) -> None:
        self.port = port
        self.baudrate = baudrate
        self.reconnect_interval_s = reconnect_interval_s
        self.max_line = max_line
        self._clock = clock
        self._serial: serial.Serial | None = None
        self._state = DeviceState.CLOSED
        self._buffer = bytearray()
        self._discarding = False
        self._next_reconnect = 0.0
        self._closing = threading.Event()
        self._lock = threading.RLock()
        self.lines = 0
        self.overflows = 0
        self.disconnects = 0
        self.reconnects = 0
        self.last_error: ScannerError | None = None
        self.last_scan_at: float | None = None

    @classmethod
    def from_config(cls, config: SerialScannerConfig) -> SerialScanner:
        """A scanner for a `[scanner]` configuration table (not opened)."""
        return cls(port=config.port, baudrate=config.baudrate, reconnect_interval_s=config.reconnect_interval_s)

    @property
    def state(self) -> DeviceState:
        """The device state."""
        return self._state

    def _set_state(self, state: DeviceState) -> None:
        if state is not self._state:
            log.info("scanner %s: %s -> %s", self.port, self._state.value, state.value)
            self._state = state

    def _try_open(self) -> serial.Serial:
        try:
            # exclusive: a second process reading the same scanner would steal half of each code.
            return serial.Serial(self.port, self.baudrate, timeout=_READ_SLICE_S, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceUnavailable(texts.ERR_SERIAL_OPEN.format(port=self.port, detail=_short(exc)),
                                    detail=f"{type(exc).__name__}: {exc}") from None

    def open(self) -> None:
        """Open the port; raises DeviceUnavailable with a Vietnamese message."""
        with self._lock:
            if self._serial is not None:
                return
            self._closing.clear()
            try:
                self._serial = self._try_open()
            except DeviceUnavailable as exc:
                self.last_error = exc
                self._set_state(DeviceState.ERROR)
                raise
            self._buffer.clear()
            self._discarding = False
            self._set_state(DeviceState.READY)

    def close(self) -> None:
        """Close the port (idempotent); a blocked `read_payload` returns None soon after."""
        self._closing.set()
        with self._lock:
            self._drop_port()
            self._buffer.clear()
            self._set_state(DeviceState.CLOSED)

    def __enter__(self) -> SerialScanner:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _drop_port(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError):  # pragma: no cover - closing a vanished device
                pass
            self._serial = None

    def _lost(self, exc: BaseException) -> None:
        self.disconnects += 1
        self.last_error = DeviceUnavailable(texts.ERR_SERIAL_LOST.format(port=self.port),
                                            detail=f"{type(exc).__name__}: {exc}")
        log.warning("scanner %s lost: %s", self.port, exc)
        self._drop_port()
        if self._buffer:
            traffic.info("%s: dropped a partial line of %d bytes on disconnect", self.port, len(self._buffer))
        self._buffer.clear()
        self._discarding = False
        self._next_reconnect = self._clock() + self.reconnect_interval_s
        self._set_state(DeviceState.DISCONNECTED)

    def _reconnect(self) -> bool:
        now = self._clock()
        if now < self._next_reconnect:
            return False
        self._next_reconnect = now + self.reconnect_interval_s
        try:
            self._serial = self._try_open()
        except DeviceUnavailable:
            return False
        self.reconnects += 1
        log.info("scanner %s reconnected", self.port)
        self._set_state(DeviceState.READY)
        return True

    def _overflow(self, size: int) -> None:
        self.overflows += 1
        self.last_error = ScanDataError(texts.ERR_SERIAL_OVERFLOW.format(limit=self.max_line),
                                        detail=f"{size} bytes without CR/LF")
        log.warning("scanner %s: %d bytes without a line end, discarding", self.port, size)

    def _take_line(self) -> bytes | None:
        """A complete line from the buffer, if there is one (empty lines from CRLF are skipped)."""
        while True:
            cut = min((i for i in (self._buffer.find(b"\r"), self._buffer.find(b"\n")) if i >= 0), default=-1)
            if cut < 0:
                if len(self._buffer) > self.max_line:
                    self._overflow(len(self._buffer))
                    self._buffer.clear()
                    self._discarding = True  # and the rest of that line when it comes
                return None
            line = bytes(self._buffer[:cut])
            del self._buffer[:cut + 1]
            if self._discarding:
                self._discarding = False
                continue
            if len(line) > self.max_line:
                self._overflow(len(line))
                continue
            if line:
                return line

    def read_payload(self, *, timeout_s: float) -> bytes | None:
        """One code's bytes (without CR/LF), or None after `timeout_s` (also while unplugged or closed)."""
        deadline = self._clock() + timeout_s
        while not self._closing.is_set():
            with self._lock:
                if self._state is DeviceState.CLOSED:
                    raise DeviceUnavailable(texts.ERR_NOT_OPEN)
                line = self._take_line()
                if line is not None:
                    self.lines += 1
                    self.last_scan_at = self._clock()
                    traffic.info("%s: code of %d bytes", self.port, len(line))
                    return line
                port = self._serial
                if port is None and self._state in ERROR_STATES and self._reconnect():
                    port = self._serial
            remaining = deadline - self._clock()
            if port is None:
                if remaining <= 0:
                    return None
                # Unplugged: wait for the next reconnect attempt (or close(), or the deadline).
                wait = min(remaining, max(self._next_reconnect - self._clock(), 0.0), _READ_SLICE_S * 4)
                self._closing.wait(max(wait, 0.001))
                continue
            try:
                chunk = port.read(max(1, min(port.in_waiting, 4096)))
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                # TypeError/AttributeError: pyserial on a port closed by another thread mid-read.
                with self._lock:
                    if self._closing.is_set():
                        return None
                    self._lost(exc)
                continue
            if chunk:
                with self._lock:
                    self._buffer += chunk
                continue
            if remaining <= 0:
                return None
        return None

    def read_scan(self, *, timeout_s: float, today: date | None = None) -> Scan | None:
        """One scanned code, interpreted (a CCCD, a malformed CCCD or text), or None after the timeout."""
        raw = self.read_payload(timeout_s=timeout_s)
        if raw is None:
            return None
        scan = interpret(raw, source="serial", detail=self.port, today=today)
        if scan.error is None and scan.citizen is None:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                scan = Scan(raw=raw, source="serial", detail=self.port,
                            error=ScanDataError(texts.ERR_SERIAL_ENCODING, detail="encoding"))
        return scan

    def diagnostics(self) -> dict[str, Any]:
        """Port, state and counters (redacted: never a scanned code)."""
        now = self._clock()
        return {
            "kind": "serial",
            "port": self.port,
            "baudrate": self.baudrate,
            "state": self._state.value,
            "state_text": str(self._state.text),
            "codes_read": self.lines,
            "overflows": self.overflows,
            "disconnects": self.disconnects,
            "reconnects": self.reconnects,
            "seconds_since_last_scan": None if self.last_scan_at is None else round(now - self.last_scan_at, 1),
            "last_error": str(self.last_error.text) if self.last_error else None,
            "last_error_detail": self.last_error.detail if self.last_error else None,
            "pyserial": serial.VERSION,
        }


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 120 else text[:117] + "…"
