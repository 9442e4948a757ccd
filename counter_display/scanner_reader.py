"""The counter's serial QR scanner on its own thread, for the panel: scans and state changes come back as
Qt signals (the receive form reads a citizen's ID card from them)."""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from ui.qt import QObject, Signal

if TYPE_CHECKING:
    from scanners.config import SerialScannerConfig

log = logging.getLogger(__name__)


class ScannerReader(QObject):
    """Owns the counter's serial QR scanner on its own thread; scans and state changes come back as signals.

    Hazard: the reading thread must not touch widgets; it only emits.
    """

    scanned = Signal(object)
    """A scanners.citizen.Scan."""
    state = Signal(bool, str)
    """(ready, Vietnamese detail)."""

    def __init__(self, config: SerialScannerConfig, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.scanner: Any = None

    def start(self) -> ScannerReader:
        """Open the port and read until stop() (reopening after an unplug)."""
        self._thread = threading.Thread(target=self._run, name="counter-scanner", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        from scanners.errors import ScannerError
        from scanners.serial_scanner import SerialScanner
        from scanners.state import ERROR_STATES

        def emit(signal: Any, *args: Any) -> bool:
            # Hazard: the window (and this QObject) may be gone while the thread still reads; then stop.
            try:
                signal.emit(*args)
                return True
            except RuntimeError:
                self._stop.set()
                return False

        scanner = SerialScanner.from_config(self.config)
        self.scanner = scanner
        ready: bool | None = None
        while not self._stop.is_set():
            if ready is not True:
                try:
                    scanner.open()
                except ScannerError as exc:
                    if ready is not False:
                        emit(self.state, False, exc.message_vi)
                    ready = False
                    self._stop.wait(self.config.reconnect_interval_s)
                    continue
                ready = True
                emit(self.state, True, "")
            try:
                scan = scanner.read_scan(timeout_s=0.2)
            except ScannerError as exc:  # closed under us
                log.info("scanner: %s", exc.detail or exc)
                continue
            now_ready = scanner.state not in ERROR_STATES
            if now_ready != ready:
                ready = now_ready
                detail = scanner.last_error.message_vi if scanner.last_error else ""
                emit(self.state, now_ready, "" if now_ready else detail)
            if scan is not None:
                emit(self.scanned, scan)
        scanner.close()

    def stop(self) -> None:
        """Stop reading and close the port."""
        self._stop.set()
        if self.scanner is not None:
            self.scanner.close()
        if self._thread is not None:
            self._thread.join(timeout=2)


# ---------------------------------------------------------------------------------------- the form
