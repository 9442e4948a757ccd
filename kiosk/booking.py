"""The kiosk's check-in screen for a booked appointment (Tôi đã đặt lịch / I have an appointment).

One page: the camera looks for the booking's QR or the citizen-ID card while the citizen may type the
booking code instead. The hub answers with the ticket (the appointment category inside the booking's
window, a normal number outside it) and the kiosk shows and prints it on its usual ticket page, with one
line saying why. Nothing the citizen showed stays in the window after the idle reset or "Xong".
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk import texts as T
from kiosk.appointment import AppointmentBackend, CheckinResult
from kiosk.keyboard import TextField
from motcua import booking as B
from ui.qt import QPushButton, QTimer

if TYPE_CHECKING:
    from kiosk.host import KioskHost

log = logging.getLogger(__name__)

BOOKING_PAGES = ("booking",)
ERRORS = {"unknown_booking": T.BOOKING_NOT_FOUND, "booking_cancelled": T.BOOKING_CANCELLED,
          "booking_other_day": T.BOOKING_OTHER_DAY, "not_a_booking_qr": T.BOOKING_NOT_QR,
          "already_checked_in": T.BOOKING_NOT_FOUND, "service_paused": T.BOOKING_PAUSED}
"""The hub's refusals of a check-in, as the citizen reads them (service_paused: the manager paused issuing for
the booked service; the hub kept the booking, so the same code works once issuing resumes)."""


class BookingScreens:
    """The appointment check-in page inside the kiosk window, and its button on the home page."""

    def __init__(self, host: KioskHost, backend: AppointmentBackend,
                 show_ticket: Callable[[CheckinResult, str], None]) -> None:
        self.host = host
        self.backend = backend
        self.show_ticket = show_ticket
        """The window shows (and has printed) the ticket of a check-in, with the line saying why."""
        self.polling = False
        self.scanning = False
        """A camera read is running (not the window's `busy`: a typed code must not wait for the camera)."""
        self.last: CheckinResult | None = None
        kit, t = host.kit, host.kit.theme
        lab, btn = kit.label, kit.button
        self.button = btn("", size=5.5, color=t.priority, min_h_mm=20)
        self.button.setObjectName("booking_button")
        self.button.clicked.connect(self.open)
        host.add_home_button(self.button)
        lay = host.add_page("booking")
        lay.setSpacing(kit.mm(2.5))
        self.title = lab("", size=7, bold=True, color=t.accent)
        self.hint = lab("", size=5.5)
        self.msg = lab("", size=5, bold=True, color=t.warn)
        self.field = TextField(button=btn, label=lab, mode="digits", max_len=B.CODE_DIGITS)
        self.confirm = btn("", size=6, color=t.ok, min_h_mm=20)
        self.confirm.clicked.connect(self.submit_code)
        self.back: QPushButton = btn("", size=5.5, min_h_mm=16)
        self.back.clicked.connect(lambda: host.go_home(clear=True))
        for x in (self.title, self.hint, self.msg):
            lay.addWidget(x)
        lay.addStretch(1)
        lay.addWidget(self.field)
        lay.addWidget(self.confirm)
        lay.addWidget(self.back)
        self._timer = QTimer(self.button)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self._poll)

    def retranslate(self) -> None:
        """Texts in the window's language."""
        lang = self.host.lang
        self.button.setText(T.BOOKING_BUTTON(lang))
        self.title.setText(T.BOOKING_TITLE(lang))
        self.hint.setText(T.BOOKING_HINT(lang))
        self.confirm.setText(T.BOOKING_CONFIRM(lang))
        self.back.setText(T.CANCEL(lang))

    # ------------------------------------------------------------------ the citizen's steps
    def open(self) -> None:
        """Show the page and start looking for a QR or a card."""
        if self.host.busy:
            return
        self.field.clear()
        self.msg.setText("")
        self.retranslate()
        self.host.show_page("booking")
        if self.backend.camera is not None:
            self.polling = True
            self._timer.start()

    def _poll(self) -> None:
        if not self.polling or self.host.page != "booking":
            self._timer.stop()
            return
        if not self.host.busy and not self.scanning:
            self.scanning = True
            self.host.run(self.backend.read_scan, self._scanned, lambda _exc: self._scanned(None))

    def on_scan(self, scan: Any) -> None:
        """A code the camera saw: a booking QR, a booking code in a QR, or an ID card."""
        if scan is None or self.host.page != "booking" or self.host.busy:
            return
        if scan.kind == "cccd":
            self.checkin(id_number=scan.citizen.id)
        elif B.booking_id_in(scan.text):
            self.checkin(qr=scan.text)
        elif B.is_code(scan.text):
            self.checkin(code=scan.text.strip())
        else:
            self.msg.setText(T.BOOKING_NOT_QR.both())

    def submit_code(self) -> None:
        """The typed booking code."""
        code = self.field.text().strip()
        if not B.is_code(code):
            self.msg.setText(T.BOOKING_CODE_SHORT(self.host.lang))
            return
        self.checkin(code=code)

    def checkin(self, **key: str) -> None:
        """Ask the hub (off the GUI thread); feedback at once."""
        if self.host.busy:
            return
        self.polling = False
        self._timer.stop()
        self.host.busy = True
        self.msg.setText(T.BOOKING_WORKING(self.host.lang))  # feedback at once, before the hub answers
        request_id = uuid.uuid4().hex
        self.host.run(lambda: self.backend.checkin(request_id=request_id, **key), self._checked_in, self._failed)

    # ------------------------------------------------------------------ results
    def _scanned(self, scan: Any) -> None:
        self.scanning = False
        self.on_scan(scan)

    def _checked_in(self, r: CheckinResult) -> None:
        self.host.busy = False
        self.on_checkin(r)

    def _failed(self, exc: Exception) -> None:
        log.error("booking check-in failed: %r", exc)
        self._checked_in(CheckinResult(error_code="internal"))

    def on_checkin(self, r: CheckinResult) -> None:
        """Show the ticket with its reason, or why there is none."""
        self.last = r
        lang = self.host.lang
        if r.take.refused or r.take.hub_down:
            self.show_ticket(r, "")  # the window's out-of-service and hub-down pages
            return
        if r.take.ticket is None:
            text = T.BOOKING_NOT_FOUND_CARD if r.by_card and r.error_code == "unknown_booking" else \
                ERRORS.get(r.error_code or "", T.BOOKING_OFFLINE)
            self.msg.setText(text.both())
            if self.backend.camera is not None:
                self.polling = True
                self._timer.start()
            return
        b = r.booking
        slot = b.slot if b else ""
        if r.repeat:
            line = T.BOOKING_AGAIN(lang, display=r.take.ticket.display)
        elif r.verdict == B.Verdict.EARLY.value:
            line = T.BOOKING_EARLY(lang, slot=slot, start=b.honoured_from if b else "")
        elif r.verdict == B.Verdict.LATE.value:
            line = T.BOOKING_LATE(lang, slot=slot, end=b.honoured_until if b else "")
        else:
            line = T.BOOKING_ON_TIME(lang, slot=slot)
        self.show_ticket(r, line)

    def clear(self) -> None:
        """Forget the citizen (idle reset, "Xong")."""
        self.polling = False
        self._timer.stop()
        self.last = None
        self.field.clear()
        self.msg.clear()
        self.backend.forget()
