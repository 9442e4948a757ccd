"""The kiosk's check-in of a booked appointment (Tôi đã đặt lịch), without Qt: read the scanner, ask the hub,
print the ticket. Blocking: the window calls these on its worker thread; the demo calls them directly.

What the camera sees is a booking's QR (its page's address, or its id), a typed code, or a citizen-ID card:
the card's number goes to the hub once, to be matched against the booking's salted digest, and is not kept
here nor logged.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from kiosk.backend import KioskBackend, TakeResult
from motcua import booking as B
from motcua.contract import TicketView
from sync.client import HubAuthError, HubError, HubUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BookedSlot:
    """What the kiosk shows of a booking it checked in."""

    code: str
    slot: str
    """"09:00"."""
    honoured_from: str
    """"08:45": the window's start (local time)."""
    honoured_until: str

    @classmethod
    def from_hub(cls, b: Any) -> BookedSlot:
        """From the hub's booking view."""
        return cls(code=str(b.get("code") or ""), slot=str(b.get("slot") or ""),
                   honoured_from=str(b.get("honoured_from") or "")[11:16],
                   honoured_until=str(b.get("honoured_until") or "")[11:16])


@dataclass
class CheckinResult:
    """The outcome of a check-in: the ticket and its printing (`take`), or why not (`error_code`)."""

    take: TakeResult = field(default_factory=TakeResult)
    verdict: str | None = None
    """on_time, early or late."""
    booking: BookedSlot | None = None
    repeat: bool = False
    error_code: str | None = None
    by_card: bool = False


class AppointmentBackend:
    """Check-ins of booked appointments at the kiosk."""

    def __init__(self, kiosk: KioskBackend, *, camera: Any = None) -> None:
        self.kiosk = kiosk
        self.camera = camera
        self._scanner: Any = None

    def read_scan(self, *, frames: int = 3) -> Any:
        """The next booking QR or ID card the camera sees (a scanners Scan), or None."""
        from scanners.camera import CameraScanner
        from scanners.errors import ScannerError

        if self.camera is None:
            return None
        if self._scanner is None:
            try:
                self.camera.open()
            except ScannerError as exc:  # no camera now: the citizen can still type the code
                log.debug("booking scan: camera unavailable: %s", exc)
                return None
            self._scanner = CameraScanner(self.camera)
        for _ in range(frames):
            for scan in self._scanner.poll():
                if scan.kind in ("cccd", "text"):
                    return scan
        return None

    def forget(self) -> None:
        """The citizen left: the scanner forgets what it saw, and the camera is opened afresh for the next one."""
        if self._scanner is not None:
            self._scanner.forget()
            self._scanner = None
            self.camera.close()

    def checkin(self, *, qr: str | None = None, code: str | None = None, id_number: str | None = None,
                request_id: str | None = None) -> CheckinResult:
        """Check in at the hub, then print the ticket (retried with the same request id on a lost answer)."""
        client = self.kiosk.client
        assert client is not None
        result = CheckinResult(take=TakeResult(request_id=request_id or uuid.uuid4().hex), by_card=bool(id_number))
        try:
            answer = client.checkin_booking(qr=qr, code=code, id_number=id_number and B.normalise_id_number(id_number),
                                            request_id=result.take.request_id)
        except HubAuthError as exc:
            self.kiosk.note_refused(exc)
            result.take.refused = True
            result.error_code = exc.code
            return result
        except HubError as exc:
            result.error_code = exc.code
            return result
        except HubUnavailable as exc:
            self.kiosk.last_hub_error = str(exc)
            result.take.hub_down = True
            result.error_code = "hub_down"
            return result
        result.verdict, result.repeat = answer["verdict"], bool(answer["repeat"])
        result.booking = BookedSlot.from_hub(answer["booking"])
        result.take.ticket = TicketView.model_validate(answer["ticket"])
        log.info("booking checked in (%s) as ticket %s", result.verdict, result.take.ticket.display)
        if not result.repeat:
            self.kiosk._print(result.take)  # noqa: SLF001 - the kiosk's own printing path, faults reported the same way
        return result
