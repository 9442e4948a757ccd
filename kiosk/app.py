"""The kiosk window: a citizen takes a number in one touch.

Qt widgets, not QML: the kiosk runs on small PCs without a reliable GPU stack, widgets render offscreen
for tests and screenshots without a scene graph, and pytest-qt drives them directly.

Time-driven behaviour (idle reset, how long a ticket stays on screen, hub retries) runs from one `tick()`
that reads an injected clock, so tests advance a clock instead of sleeping.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk import texts as T
from kiosk.appointment import AppointmentBackend, CheckinResult
from kiosk.backend import DossierBackend, KioskBackend, SiteState, TakeResult
from kiosk.booking import BookingScreens
from kiosk.config import KioskConfig, check_pin
from kiosk.dossier import DossierScreens
from kiosk.help import HelpButton
from kiosk.idle import StillThere, idle_limit
from kiosk.lookup import LookupScreens
from kiosk.notify import NoticeScreens
from kiosk.technician import TechnicianScreens
from kiosk.ticket import TicketScreens
from kiosk.voice import VoicePrompts, prompt_text, speak_page
from motcua import formats
from sync.client import HubAuthError
from ui.qt import (
    QApplication,
    QEvent,
    QFont,
    QGridLayout,
    QHBoxLayout,
    QObject,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.theme import KIOSK
from ui.widgets import TouchKit
from ui.worker import Worker

log = logging.getLogger(__name__)

REFUSED_RETRY_S = 30.0
"""How often an out-of-service kiosk (its token refused) asks the hub again."""


class KioskWindow(QWidget):
    """The kiosk's only window; its screens (ticket, dossier, technician) see it as a `kiosk.host.KioskHost`."""

    def __init__(self, config: KioskConfig, backend: KioskBackend, *, clock: Callable[[], float] = time.time,
                 start_worker: bool = True, dossiers: DossierBackend | None = None,
                 appointments: AppointmentBackend | None = None, voice: VoicePrompts | None = None) -> None:
        super().__init__()
        self.voice = voice
        """Spoken prompts for each step (kiosk.voice; None: a silent kiosk)."""
        self.config = config
        self.backend = backend
        self.clock = clock
        self.lang = config.kiosk.language
        self.priority: str | None = None
        self.busy = False
        self.page = "home"
        self.page_since = clock()
        self.last_touch = clock()
        self.last_site_refresh = -1e9
        self.last_hub_retry = -1e9
        self.last_refused_retry = clock()
        self.last_printer_check = clock()
        self.printer_fault: str | None = None
        self.allow_close = False
        self.corner_taps: list[float] = []
        self.pin = ""
        self.result: TakeResult | None = None
        self.tickets_taken = 0
        self.site: SiteState | None = None
        self.worker = Worker(self, threads=2, name="kiosk-io")
        self.setWindowTitle("motcua-edge — ki-ốt")
        self.setObjectName("kiosk")
        w, h = config.screen.width_px, config.screen.height_px
        if config.screen.orientation == "landscape" and h > w or config.screen.orientation == "portrait" and w > h:
            w, h = h, w
        self.resize(w, h)
        self.px_per_mm = ((w * w + h * h) ** 0.5) / (config.screen.diagonal_in * 25.4)
        self.kit = TouchKit(px_per_mm=self.px_per_mm, theme=KIOSK, large=config.kiosk.large_text)
        self.dossier: DossierScreens | None = None
        self.lookup: LookupScreens | None = None
        self.booking: BookingScreens | None = None
        self.notify: NoticeScreens | None = None
        self._build()
        # Notices by phone: offered on the ticket page, for the number on screen (kiosk.notify).
        self.notify = NoticeScreens(self)
        ticket_page = self.pages["ticket"].layout()
        assert ticket_page is not None
        ticket_page.addWidget(self.notify.button)
        self.notify.button.clicked.connect(lambda: self.notify.open(  # type: ignore[union-attr]
            self.result.ticket.id if self.result and self.result.ticket else None))
        if appointments is not None:
            self.booking = BookingScreens(self, appointments, self._show_checkin)
        if dossiers is not None:
            self.dossier = DossierScreens(self, dossiers)
            self.lookup = LookupScreens(self, dossiers)
            self._retranslate()
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.tick)
        if start_worker:
            self._timer.start()
            self.refresh_site()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # ------------------------------------------------------------------ sizes, styles, the screens' host
    @property
    def large(self) -> bool:
        """Large-text mode (the kit's fonts follow it)."""
        return self.kit.large

    @large.setter
    def large(self, on: bool) -> None:
        self.kit.large = on

    def mm(self, millimetres: float) -> int:
        """Pixels for a physical length on this screen."""
        return self.kit.mm(millimetres)

    def font(self, size_mm: float, *, bold: bool = False) -> QFont:  # type: ignore[override]
        """The bundled font at a physical size (larger in large-text mode)."""
        return self.kit.font(size_mm, bold=bold)

    def add_page(self, name: str) -> QVBoxLayout:
        """A new page of the stack, by name; returns its layout to fill."""
        page = QWidget()
        page.setObjectName(f"page_{name}")
        self.pages[name] = page
        self.stack.addWidget(page)
        return QVBoxLayout(page)

    def add_home_button(self, button: QPushButton) -> None:
        """A button in the home page's row for the further services."""
        self.more_row.addWidget(button)

    def run(self, op: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None] | None = None) -> None:
        """op() off the GUI thread, then on_done(result) or on_error(exc) on it; after either, a refused
        token (any call may learn it) takes the kiosk out of service."""
        def done(value: Any) -> None:
            on_done(value)
            self._check_refused()

        def failed(exc: Exception) -> None:
            if on_error is None:
                log.error("kiosk operation failed: %r", exc)
            else:
                on_error(exc)
            self._check_refused()

        self.worker.submit(op, done, failed)

    def take_number(self, service: str) -> None:
        """Issue a number of a service, as a touch on its home-page button does."""
        self.touch_service(service)

    def exit_to_desktop(self) -> None:
        """Close the kiosk (the technician, after the PIN)."""
        self.allow_close = True
        self.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        t = self.kit.theme
        self.setStyleSheet(f"QWidget#kiosk {{ background: {t.bg}; }}")
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), Qt.GlobalColor.black)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(self.mm(6), self.mm(4), self.mm(6), self.mm(4))
        outer.setSpacing(self.mm(3))
        header = QHBoxLayout()
        self.center_label = self.kit.label("", size=7.5, bold=True, align=Qt.AlignmentFlag.AlignLeft)
        self.clock_label = self.kit.label("", size=5.5, color=self.kit.theme.muted, align=Qt.AlignmentFlag.AlignLeft)
        self.offline_badge = self.kit.label(T.OFFLINE_BADGE(self.lang), size=4, bold=True, color=self.kit.theme.bg, wrap=False)
        self.offline_badge.setStyleSheet(f"background: {t.warn}; color: white; border-radius: 6px; padding: 6px;")
        self.offline_badge.hide()
        self.printer_badge = self.kit.label("", size=4, bold=True, color=self.kit.theme.bg, wrap=False)
        self.printer_badge.setStyleSheet(f"background: {t.accent}; color: {t.bg}; border-radius: 6px; padding: 6px;")
        self.printer_badge.hide()
        self.corner = QPushButton("")
        self.corner.setObjectName("technician_corner")
        self.corner.setFixedSize(self.mm(14), self.mm(14))
        self.corner.setFlat(True)
        self.corner.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.corner.setStyleSheet("QPushButton { background: transparent; border: none; }")
        self.corner.clicked.connect(self._corner_tapped)
        titles = QVBoxLayout()
        titles.addWidget(self.center_label)
        titles.addWidget(self.clock_label)
        header.addLayout(titles, 1)
        self.help = HelpButton(self)  # "Gọi cán bộ hỗ trợ", on every screen (kiosk.help)
        header.addWidget(self.help.button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.printer_badge, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.offline_badge, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.corner, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(header)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.pages: dict[str, QWidget] = {}
        for name, build in (("home", self._build_home), ("priority", self._build_priority),
                            ("hub_down", self._build_hub_down), ("error", self._build_error), ("pin", self._build_pin)):
            page = QWidget()
            page.setObjectName(f"page_{name}")
            build(page)
            self.pages[name] = page
            self.stack.addWidget(page)
        self.ticket = TicketScreens(self)
        self.technician = TechnicianScreens(self)
        self.overlay = self.kit.label(T.TAKING(self.lang), size=10, bold=True, color=self.kit.theme.bg)
        self.overlay.setParent(self)
        self.overlay.setStyleSheet(f"background: {t.overlay}; color: {t.bg}; border-radius: 24px;")
        self.overlay.hide()
        self.still_there = StillThere(self, self, seconds=self.config.kiosk.still_there_s,  # "Bạn còn ở đó không?"
                                      limit=lambda page: idle_limit(page, self.config.kiosk), on_show=self._say_still_there)
        self._retranslate()

    def _build_home(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.setSpacing(self.mm(3))
        self.welcome = self.kit.label("", size=9, bold=True, color=self.kit.theme.accent)
        self.home_title = self.kit.label("", size=7)
        self.closed_banner = self.kit.label("", size=5, bold=True, color=self.kit.theme.warn)
        self.closed_banner.hide()
        self.priority_banner = QHBoxLayout()
        self.priority_label = self.kit.label("", size=5, bold=True, color=self.kit.theme.accent)
        self.priority_cancel = self.kit.button(T.CANCEL(self.lang), size=5, min_h_mm=14)
        self.priority_cancel.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.priority_cancel.clicked.connect(self._cancel_priority)
        self.priority_banner.addWidget(self.priority_label, 1)
        self.priority_banner.addWidget(self.priority_cancel)
        self.priority_label.hide()
        self.priority_cancel.hide()
        self.grid = QGridLayout()
        self.grid.setSpacing(self.mm(3))
        self.service_buttons: dict[str, QPushButton] = {}
        bottom = QHBoxLayout()
        bottom.setSpacing(self.mm(3))
        self.priority_button = self.kit.button("", size=6.5, color=self.kit.theme.priority, min_h_mm=24)
        self.priority_button.clicked.connect(lambda: self.show_page("priority"))
        self.lang_button = self.kit.button("", size=5, min_h_mm=20)
        self.lang_button.clicked.connect(self._toggle_language)
        self.large_button = self.kit.button("", size=5, min_h_mm=20)
        self.large_button.clicked.connect(self._toggle_large)
        bottom.addWidget(self.lang_button, 1)
        bottom.addWidget(self.large_button, 1)
        lay.addWidget(self.welcome)
        lay.addWidget(self.home_title)
        lay.addWidget(self.closed_banner)
        lay.addLayout(self.priority_banner)
        lay.addLayout(self.grid, 1)
        # Room for the later services: look up a procedure, submit a dossier, check a dossier.
        self.more_row = QHBoxLayout()
        lay.addLayout(self.more_row)
        lay.addWidget(self.priority_button)
        lay.addLayout(bottom)

    def _build_priority(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.setSpacing(self.mm(3))
        self.priority_title = self.kit.label("", size=7, bold=True, color=self.kit.theme.accent)
        lay.addWidget(self.priority_title)
        self.priority_grid = QVBoxLayout()
        self.priority_grid.setSpacing(self.mm(3))
        lay.addLayout(self.priority_grid, 1)
        self.priority_back = self.kit.button("", size=5.5, min_h_mm=18)
        self.priority_back.clicked.connect(lambda: self.go_home(clear=True))
        lay.addWidget(self.priority_back)
        self.category_buttons: dict[str, QPushButton] = {}

    def _build_hub_down(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        self.h_title = self.kit.label("", size=10, bold=True, color=self.kit.theme.warn)
        self.h_body = self.kit.label("", size=6)
        self.h_retry = self.kit.label("", size=5, color=self.kit.theme.muted)
        for w in (self.h_title, self.h_body, self.h_retry):
            lay.addWidget(w)
        lay.addStretch(2)

    def _build_error(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        self.e_title = self.kit.label("", size=9, bold=True, color=self.kit.theme.warn)
        self.e_body = self.kit.label("", size=6.5)
        self.e_back = self.kit.button("", size=7, min_h_mm=22)
        self.e_back.clicked.connect(lambda: self.go_home(clear=True))
        for w in (self.e_title, self.e_body):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.e_back)

    def _build_pin(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        self.p_title = self.kit.label("", size=7, bold=True, color=self.kit.theme.accent)
        self.p_dots = self.kit.label("", size=10, bold=True)
        self.p_msg = self.kit.label("", size=5, color=self.kit.theme.warn)
        lay.addWidget(self.p_title)
        lay.addWidget(self.p_dots)
        lay.addWidget(self.p_msg)
        grid = QGridLayout()
        grid.setSpacing(self.mm(3))
        self.pin_buttons: dict[str, QPushButton] = {}
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"]
        for i, k in enumerate(keys):
            b = self.kit.button(k if k.isdigit() else "", size=9, min_h_mm=22)
            b.clicked.connect(lambda _=False, k=k: self._pin_key(k))
            self.pin_buttons[k] = b
            grid.addWidget(b, i // 3, i % 3)
        lay.addLayout(grid, 1)
        self.p_back = self.kit.button("", size=5.5, min_h_mm=18)
        self.p_back.clicked.connect(lambda: self.go_home(clear=True))
        lay.addWidget(self.p_back)

    # ------------------------------------------------------------------ texts
    def _retranslate(self) -> None:
        lang = self.lang
        self.help.retranslate()
        site = self.site.doc if self.site else None
        name = (site.site.name_en or site.site.name) if site and lang == "en" else site.site.name if site else ""
        self.center_label.setText(name)
        self.welcome.setText((site.display.welcome_en if lang == "en" else site.display.welcome) if site else "")
        self.home_title.setText(T.TAKE_NUMBER(lang))
        self.priority_button.setText(T.PRIORITY_BUTTON(lang))
        self.lang_button.setText(T.LANGUAGE(lang))
        self.large_button.setText(T.NORMAL_TEXT(lang) if self.large else T.LARGE_TEXT(lang))
        self.priority_cancel.setText(T.CANCEL(lang))
        self.priority_title.setText(T.PRIORITY_TITLE(lang))
        self.priority_back.setText(T.CANCEL(lang))
        self.overlay.setText(T.TAKING(lang))
        # What went wrong is said in Vietnamese with English below, whatever the language chosen.
        self.offline_badge.setText(T.OFFLINE_BADGE.both())
        self.printer_badge.setText(T.PRINTER_BADGE.both() if self.printer_fault else "")
        self.h_title.setText(T.HUB_DOWN_TITLE.both())
        self.h_body.setText(T.HUB_DOWN_BODY.both())
        self.h_retry.setText(T.HUB_RETRYING.both())
        self.ticket.retranslate()
        self.e_title.setText(T.ERROR_TITLE.both())
        self.technician.retranslate()
        self.e_back.setText(T.CANCEL(lang))
        self.p_title.setText(T.PIN_TITLE(lang))
        self.pin_buttons["clear"].setText(T.PIN_CLEAR(lang))
        self.pin_buttons["ok"].setText(T.PIN_EXIT(lang))
        self.p_back.setText(T.CANCEL(lang))
        self._update_clock()
        self._update_services()
        self._update_categories()
        for screens in (self.dossier, self.lookup, self.booking, self.notify):
            if screens is not None:
                screens.retranslate()

    def _update_clock(self) -> None:
        line = formats.clock_line(datetime.fromtimestamp(self.clock(), self._tz()))
        self.clock_label.setText(line.en if self.lang == "en" else line.vi)

    def _tz(self) -> Any:
        from zoneinfo import ZoneInfo

        tzname = (self.site.doc.site.timezone if self.site else None) or "Asia/Ho_Chi_Minh"
        return ZoneInfo(tzname)

    def _update_services(self) -> None:
        services = self.site.doc.services if self.site else []
        if [s.code for s in services] != list(self.service_buttons):
            for b in self.service_buttons.values():
                self.grid.removeWidget(b)
                b.deleteLater()
            self.service_buttons = {}
            cols = 2 if self.height() >= self.width() else 3
            for i, s in enumerate(services):
                b = self.kit.button("", size=7.5, min_h_mm=26)
                b.setObjectName(f"service_{s.code}")
                b.clicked.connect(lambda _=False, code=s.code: self.touch_service(code))
                self.grid.addWidget(b, i // cols, i % cols)
                self.service_buttons[s.code] = b
        open_now = bool(self.site and self.site.doc.issuing_open)
        for s in services:
            b = self.service_buttons[s.code]
            name = s.name_en or s.name if self.lang == "en" else s.name
            if not open_now:
                state = T.CLOSED_NOW(self.lang)
            elif s.paused or s.quota_left == 0:  # paused from the manager's console, or no numbers left
                state = (T.SERVICE_PAUSED if s.paused else T.QUOTA_REACHED)(self.lang)
            else:
                state = T.WAITING(self.lang, n=s.waiting)
            b.setText(f"{name}\n{state}")
            b.setProperty("unavailable", not open_now or s.quota_left == 0 or s.paused)
            b.setEnabled(not self.busy)
            theme = self.kit.theme
            b.setStyleSheet(self.kit.button_style(theme.unavailable if b.property("unavailable") else theme.panel))
        if self.site and not open_now:
            hours = self.site.doc.hours
            today = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[datetime.fromtimestamp(self.clock(), self._tz()).weekday()]
            self.closed_banner.setText(T.CENTER_CLOSED(self.lang, hours=", ".join(hours.get(today, [])) or "—"))
            self.closed_banner.show()
        else:
            self.closed_banner.hide()
        # A refused token is no outage: the out-of-service page says all a citizen needs.
        refused = self.backend.refused is not None
        self.offline_badge.setVisible(bool(self.site and not self.site.online) and not refused)
        self.printer_badge.setVisible(bool(self.printer_fault) and not refused)

    def _update_categories(self) -> None:
        cats = self.site.doc.priority_categories if self.site else []
        if [c.code for c in cats] != list(self.category_buttons):
            for b in self.category_buttons.values():
                self.priority_grid.removeWidget(b)
                b.deleteLater()
            self.category_buttons = {}
            for c in cats:
                b = self.kit.button("", size=6, color=self.kit.theme.priority, min_h_mm=18)
                b.setObjectName(f"priority_{c.code}")
                b.clicked.connect(lambda _=False, code=c.code: self.choose_priority(code))
                self.priority_grid.addWidget(b)
                self.category_buttons[c.code] = b
        for c in cats:
            self.category_buttons[c.code].setText(c.name_en or c.name if self.lang == "en" else c.name)
        if self.priority:
            name = self.site.priority_name(self.priority, self.lang) if self.site else self.priority
            self.priority_label.setText(T.PRIORITY_CHOSEN(self.lang, category=name))
        self.priority_label.setVisible(bool(self.priority))
        self.priority_cancel.setVisible(bool(self.priority))
        self.priority_button.setVisible(not self.priority)

    # ------------------------------------------------------------------ navigation
    def show_page(self, name: str) -> None:
        """Switch to a page."""
        self.page = name
        self.page_since = self.clock()
        self.stack.setCurrentWidget(self.pages[name])
        if self.voice is not None:
            speak_page(self.voice, name, dossier=self.dossier,
                       ticket=self.result.ticket.display if name == "ticket" and self.result and self.result.ticket else None)

    def _say_still_there(self) -> None:
        if self.voice is not None:
            self.voice.say("still_there", prompt_text("still_there"), step=False)

    def go_home(self, *, clear: bool) -> None:
        """Back to the home page; with clear, forget everything about the last citizen."""
        if clear:
            self.priority = None
            self.result = None
            self.pin = ""
            self.lang = self.config.kiosk.language
            if self.large != self.config.kiosk.large_text:
                self.large = self.config.kiosk.large_text
                self.kit.restyle_fonts(self)
            self.ticket.clear()
            for screens in (self.dossier, self.lookup, self.booking, self.notify):
                if screens is not None:
                    screens.clear()
        self.show_page("out_of_service" if self.backend.refused is not None else "home")
        self._retranslate()

    def _toggle_language(self) -> None:
        self.lang = "en" if self.lang == "vi" else "vi"
        self._retranslate()

    def _toggle_large(self) -> None:
        self.large = not self.large
        self.kit.restyle_fonts(self)
        self._retranslate()

    def choose_priority(self, code: str) -> None:
        """A priority category was picked: the next service touch issues a priority number."""
        self.priority = code
        self.show_page("home")
        self._retranslate()

    def _cancel_priority(self) -> None:
        self.priority = None
        self._retranslate()

    # ------------------------------------------------------------------ taking a number
    def touch_service(self, code: str) -> None:
        """One touch on a service: feedback at once, the ticket from the worker."""
        if self.busy or self.page != "home":
            return  # a double touch never makes two tickets
        svc = self.site.service(code) if self.site else None
        if svc is None:
            return
        if not self.site or not self.site.doc.issuing_open or svc.quota_left == 0 or svc.paused:
            self.e_body.setText(T.refusal("closed" if not (self.site and self.site.doc.issuing_open) else
                                          "service_paused" if svc.paused else "quota_reached").both())
            self.show_page("error")
            return
        self.busy = True
        for b in self.service_buttons.values():
            b.setEnabled(False)
        self._show_overlay()
        backend, priority, request_id = self.backend, self.priority, uuid.uuid4().hex
        retry_for_s = self.config.kiosk.issue_retry_s
        self.run(lambda: backend.take_number(code, priority=priority, request_id=request_id, retry_for_s=retry_for_s),
                 self._on_taken, self._take_failed)

    def _show_overlay(self) -> None:
        w, h = self.width(), self.height()
        self.overlay.setGeometry(int(w * 0.1), int(h * 0.4), int(w * 0.8), int(h * 0.18))
        self.overlay.raise_()
        self.overlay.show()

    def _on_taken(self, value: TakeResult) -> None:
        self.busy = False
        self.overlay.hide()
        self.show_result(value)

    def _take_failed(self, exc: Exception) -> None:
        log.error("taking a number failed: %r", exc)
        self._on_taken(TakeResult(error_code="internal", error_message=str(exc)))

    def show_site(self, value: SiteState) -> None:
        """The hub's site document (names, services, opening state) on screen."""
        self.site = value
        if self.page in ("hub_down", "out_of_service") and value.online:
            self.go_home(clear=True)
        else:
            self._retranslate()

    def _site_failed(self, exc: Exception) -> None:
        if isinstance(exc, HubAuthError):
            return  # _check_refused shows the out-of-service page
        if self.site is None or self.page == "hub_down":
            self.show_page("hub_down")
        else:
            self.site.online = False
            self._update_services()

    def _on_alive(self, alive: bool) -> None:
        if alive:
            self.refresh_site()

    def _check_refused(self) -> None:
        """The hub refused the token (any call may learn it): the citizen sees "out of service" and
        whatever they had entered is forgotten; the technician page says why."""
        if self.backend.refused is not None and self.page not in ("out_of_service", "pin", "tech") \
                and not self.busy:
            self.go_home(clear=True)

    def _set_printer_fault(self, fault: str | None) -> None:
        self.printer_fault = fault
        self.printer_badge.setText(T.PRINTER_BADGE.both() if fault else "")
        self.printer_badge.setVisible(bool(fault) and self.backend.refused is None)

    def show_result(self, r: TakeResult) -> None:
        """A number taken, or why not: the ticket (and the printer's fault), the hub down, out of service."""
        self.result = r
        if r.ticket is not None:
            self._set_printer_fault(r.fault)
        if r.refused:
            self.go_home(clear=True)
            return
        if r.hub_down:
            self.show_page("hub_down")
            self.refresh_site()
            return
        if r.ticket is None:
            # The hub's message is for the log; the citizen reads the kiosk's own words.
            self.e_body.setText(T.refusal(r.error_code).both())
            self.show_page("error")
            self.refresh_site()
            return
        self.tickets_taken += 1
        self.ticket.show(r, self.site)
        self.refresh_site()

    def _show_checkin(self, r: CheckinResult, line: str) -> None:
        """A booking's check-in (kiosk.booking): its ticket as any number's, with the line saying why."""
        self.show_result(r.take)
        if line and self.page == "ticket":
            self.ticket.t_priority.setText(line)
            self.ticket.t_priority.setVisible(True)
        elif line and self.page == "fault":
            self.ticket.f_ahead.setText(line)

    def refresh_site(self) -> None:
        """Fetch /site (waiting counts, opening, quotas) in the background."""
        self.last_site_refresh = self.clock()
        self.run(self.backend.load_site, self.show_site, self._site_failed)

    # ------------------------------------------------------------------ time
    def tick(self) -> None:
        """Everything driven by time: the clock line, idle reset, page timeouts, hub retries."""
        now = self.clock()
        self._update_clock()
        idle = now - self.last_touch
        kcfg = self.config.kiosk
        if self.page == "ticket" and now - self.page_since >= kcfg.ticket_display_s:
            self.go_home(clear=True)
        elif self.page == "fault" and now - self.page_since >= kcfg.fault_display_s:
            self.go_home(clear=True)
        elif self.page == "error" and now - self.page_since >= 8:
            self.go_home(clear=True)
        elif self.page == "home" and idle >= kcfg.idle_timeout_s and (
                self.priority or self.lang != kcfg.language or self.large != kcfg.large_text):
            self.go_home(clear=True)
        # Any other page left alone: "are you still there?", then the reset (a citizen who walked away: their
        # data leaves the screen).
        self.still_there.tick(now)
        if self.page == "out_of_service":
            if now - self.last_refused_retry >= REFUSED_RETRY_S and not self.busy:
                self.last_refused_retry = now
                self.refresh_site()
        elif self.page == "hub_down":
            if now - self.last_hub_retry >= kcfg.hub_retry_s:
                self.last_hub_retry = now
                self.run(self.backend.hub_alive, self._on_alive, lambda _exc: None)
        elif now - self.last_site_refresh >= kcfg.site_refresh_s and not self.busy:
            self.refresh_site()
        if self.page == "home" and not self.busy and now - self.last_printer_check >= 60:
            # A printer unplugged and plugged back, or a roll replaced: noticed without waiting for a citizen.
            self.last_printer_check = now
            self.run(self.backend.check_printer, self._set_printer_fault,
                     lambda _exc: self._set_printer_fault("printer_offline"))

    # ------------------------------------------------------------------ technician exit
    def _corner_tapped(self) -> None:
        now = self.clock()
        self.corner_taps = [t for t in self.corner_taps if now - t < 4] + [now]
        if len(self.corner_taps) >= 5 and self.page in ("home", "hub_down", "out_of_service"):
            self.corner_taps = []
            self.pin = ""
            self.p_dots.setText("")
            self.p_msg.setText("")
            self.show_page("pin")

    def _pin_key(self, key: str) -> None:
        if key == "clear":
            self.pin = ""
        elif key == "ok":
            if self.pin and check_pin(self.pin, self.config.kiosk.technician_pin_hash):
                self.pin = ""
                self.p_dots.setText("")
                self.technician.open()
                return
            self.pin = ""
            self.p_msg.setText(T.PIN_WRONG(self.lang))
        elif len(self.pin) < 12:
            self.pin += key
        self.p_dots.setText("●" * len(self.pin))

    # ------------------------------------------------------------------ Qt events
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Every touch, click or key restarts the idle timer."""
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress):
            self.last_touch = self.clock()
        return False

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """No way to the desktop without the technician PIN."""
        if self.allow_close:
            self._timer.stop()  # a closed window's tick would hand work to a worker that is shut down
            self.worker.shutdown()
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """Swallow keys (a keyboard left on a kiosk must not reach anything)."""
        event.accept()

    def screenshot(self, path: str | Path) -> Path:
        """Render the window to a PNG."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        self.grab().save(str(p), "PNG")
        return p
