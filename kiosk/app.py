"""The kiosk window: a citizen takes a number in one touch.

Qt widgets, not QML: the kiosk runs on small PCs without a reliable GPU stack, widgets render offscreen
for tests and screenshots without a scene graph, and pytest-qt drives them directly.

Time-driven behaviour (idle reset, how long a ticket stays on screen, hub retries) runs from one `tick()`
that reads an injected clock, so tests advance a clock instead of sleeping.
"""
from __future__ import annotations

import argparse
import io
import logging
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk import texts as T
from kiosk.backend import DossierBackend, KioskBackend, SiteState, TakeResult
from kiosk.config import KioskConfig, check_pin
from kiosk.dossier import DOSSIER_PAGES, DossierScreens
from kiosk.qt import (
    QApplication,
    QEvent,
    QFont,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QObject,
    QPixmap,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    load_fonts,
)
from kiosk.technician import TechnicianScreens
from motcua.logs import LEVELS
from motcua.logs import setup as setup_logging
from sync.client import HubAuthError

log = logging.getLogger(__name__)

BG = "#0b2a4a"
PANEL = "#12406e"
ACCENT = "#ffd23f"
OK = "#2fbf71"
WARN = "#ff5a4e"
TEXT = "#ffffff"
MUTED = "#b8c7d9"

REFUSED_RETRY_S = 30.0
"""How often an out-of-service kiosk (its token refused) asks the hub again."""


class Worker(QObject):
    """Runs blocking calls off the GUI thread; results come back on the GUI thread as a signal."""

    finished = Signal(str, bool, object)  # tag, ok, result or exception

    def __init__(self) -> None:
        super().__init__()
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kiosk-io")
        self.closed = False

    def submit(self, tag: str, fn: Callable[..., Any], *args: Any, **kw: Any) -> Future[Any]:
        """Run fn(*args, **kw) on a worker thread; emit finished(tag, ok, value) when done."""
        if self.closed:  # a late result may ask for more work after the window closed: nothing runs
            fut: Future[Any] = Future()
            fut.cancel()
            return fut
        fut = self.pool.submit(fn, *args, **kw)

        def done(f: Future[Any]) -> None:
            exc = f.exception()
            self.finished.emit(tag, exc is None, exc if exc is not None else f.result())

        fut.add_done_callback(done)
        return fut

    def shutdown(self) -> None:
        """Stop taking work (running calls finish in the background)."""
        self.closed = True
        self.pool.shutdown(wait=False, cancel_futures=True)


def qr_pixmap(text: str, size_px: int) -> QPixmap:
    """A QR code as a pixmap, black on white with its quiet zone."""
    import qrcode

    qr = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pm = QPixmap()
    pm.loadFromData(buf.getvalue(), "PNG")
    return pm.scaled(size_px, size_px, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)


class KioskWindow(QWidget):
    """The kiosk's only window."""

    def __init__(self, config: KioskConfig, backend: KioskBackend, *, clock: Callable[[], float] = time.time,
                 start_worker: bool = True, dossiers: DossierBackend | None = None) -> None:
        super().__init__()
        self.config = config
        self.backend = backend
        self.clock = clock
        self.family = load_fonts()
        self.lang = config.kiosk.language
        self.large = config.kiosk.large_text
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
        self.worker = Worker()
        self.worker.finished.connect(self._on_done)
        self.setWindowTitle("motcua-edge — ki-ốt")
        self.setObjectName("kiosk")
        w, h = config.screen.width_px, config.screen.height_px
        if config.screen.orientation == "landscape" and h > w or config.screen.orientation == "portrait" and w > h:
            w, h = h, w
        self.resize(w, h)
        self.px_per_mm = ((w * w + h * h) ** 0.5) / (config.screen.diagonal_in * 25.4)
        self.dossier: DossierScreens | None = None
        self._build()
        if dossiers is not None:
            self.dossier = DossierScreens(self, dossiers)
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

    # ------------------------------------------------------------------ sizes and styles
    def mm(self, millimetres: float) -> int:
        """Pixels for a physical length on this screen."""
        return int(round(millimetres * self.px_per_mm))

    def font(self, size_mm: float, *, bold: bool = False) -> QFont:  # type: ignore[override]
        """The bundled font at a physical size (larger in large-text mode)."""
        f = QFont(self.family)
        f.setPixelSize(max(8, self.mm(size_mm * (1.3 if self.large else 1.0))))
        f.setBold(bold)
        return f

    def _label(self, text: str = "", *, size: float = 6, bold: bool = False, color: str = TEXT,
               wrap: bool = True, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> QLabel:
        lab = QLabel(text)
        lab.setWordWrap(wrap)
        lab.setAlignment(align)
        lab.setStyleSheet(f"color: {color}; background: transparent;")
        lab.setProperty("size_mm", size)
        lab.setProperty("bold", bold)
        lab.setFont(self.font(size, bold=bold))
        return lab

    def _button(self, text: str, *, size: float = 7, color: str = PANEL, fg: str = TEXT,
                min_h_mm: float = 24) -> QPushButton:
        b = QPushButton(text)
        b.setProperty("size_mm", size)
        b.setFont(self.font(size, bold=True))
        b.setMinimumHeight(self.mm(min_h_mm))
        b.setMinimumWidth(self.mm(max(12.0, min_h_mm)))
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setStyleSheet(self._button_style(color, fg))
        return b

    def _button_style(self, color: str, fg: str = TEXT) -> str:
        r = self.mm(3)
        return (f"QPushButton {{ background: {color}; color: {fg}; border: {max(2, self.mm(0.8))}px solid {ACCENT};"
                f" border-radius: {r}px; padding: {self.mm(2)}px; }}"
                f"QPushButton:pressed {{ background: {ACCENT}; color: {BG}; }}"
                f"QPushButton:disabled {{ background: #33475e; color: {MUTED}; border-color: #556; }}")

    def _restyle_fonts(self) -> None:
        for w in self.findChildren(QWidget):
            size = w.property("size_mm")
            if size is not None:
                w.setFont(self.font(float(size), bold=bool(w.property("bold")) or isinstance(w, QPushButton)))

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.setStyleSheet(f"QWidget#kiosk {{ background: {BG}; }}")
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), Qt.GlobalColor.black)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(self.mm(6), self.mm(4), self.mm(6), self.mm(4))
        outer.setSpacing(self.mm(3))
        header = QHBoxLayout()
        self.center_label = self._label("", size=7.5, bold=True, align=Qt.AlignmentFlag.AlignLeft)
        self.clock_label = self._label("", size=5.5, color=MUTED, align=Qt.AlignmentFlag.AlignLeft)
        self.offline_badge = self._label(T.OFFLINE_BADGE(self.lang), size=4, bold=True, color=BG, wrap=False)
        self.offline_badge.setStyleSheet(f"background: {WARN}; color: white; border-radius: 6px; padding: 6px;")
        self.offline_badge.hide()
        self.printer_badge = self._label("", size=4, bold=True, color=BG, wrap=False)
        self.printer_badge.setStyleSheet(f"background: {ACCENT}; color: {BG}; border-radius: 6px; padding: 6px;")
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
        header.addWidget(self.printer_badge, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.offline_badge, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.corner, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(header)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.pages: dict[str, QWidget] = {}
        for name, build in (("home", self._build_home), ("priority", self._build_priority),
                            ("ticket", self._build_ticket), ("fault", self._build_fault),
                            ("hub_down", self._build_hub_down), ("error", self._build_error), ("pin", self._build_pin)):
            page = QWidget()
            page.setObjectName(f"page_{name}")
            build(page)
            self.pages[name] = page
            self.stack.addWidget(page)
        self.technician = TechnicianScreens(self)
        self.overlay = self._label(T.TAKING(self.lang), size=10, bold=True, color=BG)
        self.overlay.setParent(self)
        self.overlay.setStyleSheet(f"background: rgba(255, 210, 63, 235); color: {BG}; border-radius: 24px;")
        self.overlay.hide()
        self._retranslate()

    def _build_home(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.setSpacing(self.mm(3))
        self.welcome = self._label("", size=9, bold=True, color=ACCENT)
        self.home_title = self._label("", size=7)
        self.closed_banner = self._label("", size=5, bold=True, color=WARN)
        self.closed_banner.hide()
        self.priority_banner = QHBoxLayout()
        self.priority_label = self._label("", size=5, bold=True, color=ACCENT)
        self.priority_cancel = self._button(T.CANCEL(self.lang), size=5, min_h_mm=14)
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
        self.priority_button = self._button("", size=6.5, color="#6b3fa0", min_h_mm=24)
        self.priority_button.clicked.connect(lambda: self.show_page("priority"))
        self.lang_button = self._button("", size=5, min_h_mm=20)
        self.lang_button.clicked.connect(self._toggle_language)
        self.large_button = self._button("", size=5, min_h_mm=20)
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
        self.priority_title = self._label("", size=7, bold=True, color=ACCENT)
        lay.addWidget(self.priority_title)
        self.priority_grid = QVBoxLayout()
        self.priority_grid.setSpacing(self.mm(3))
        lay.addLayout(self.priority_grid, 1)
        self.priority_back = self._button("", size=5.5, min_h_mm=18)
        self.priority_back.clicked.connect(lambda: self.go_home(clear=True))
        lay.addWidget(self.priority_back)
        self.category_buttons: dict[str, QPushButton] = {}

    def _build_ticket(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.setSpacing(self.mm(2))
        self.t_caption = self._label("", size=8)
        self.t_number = self._label("", size=42, bold=True, color=ACCENT, wrap=False)
        self.t_service = self._label("", size=9, bold=True)
        self.t_priority = self._label("", size=5.5, bold=True, color=ACCENT)
        self.t_ahead = self._label("", size=7.5)
        self.t_wait = self._label("", size=7, color=MUTED)
        self.t_qr = QLabel()
        self.t_qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.t_qr_caption = self._label("", size=5.5, color=MUTED)
        self.t_take = self._label("", size=7.5, bold=True, color=OK)
        lay.addStretch(1)
        for w in (self.t_caption, self.t_number, self.t_service, self.t_priority, self.t_ahead, self.t_wait):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.t_qr)
        lay.addWidget(self.t_qr_caption)
        lay.addStretch(1)
        lay.addWidget(self.t_take)
        lay.addStretch(1)

    def _build_fault(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.setSpacing(self.mm(2))
        self.f_title = self._label("", size=8, bold=True, color=WARN)
        self.f_reason = self._label("", size=5.5, bold=True)
        self.f_number = self._label("", size=40, bold=True, color=ACCENT, wrap=False)
        self.f_service = self._label("", size=6.5, bold=True)
        self.f_ahead = self._label("", size=5.5)
        row = QHBoxLayout()
        self.f_qr = QLabel()
        self.f_qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.f_preview = QLabel()
        self.f_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.f_qr, 1)
        row.addWidget(self.f_preview, 1)
        self.f_body = self._label("", size=5.5)
        self.f_done = self._button("", size=7, color=OK, min_h_mm=22)
        self.f_done.clicked.connect(lambda: self.go_home(clear=True))
        for w in (self.f_title, self.f_reason, self.f_number, self.f_service, self.f_ahead):
            lay.addWidget(w)
        lay.addLayout(row, 1)
        lay.addWidget(self.f_body)
        lay.addWidget(self.f_done)

    def _build_hub_down(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        self.h_title = self._label("", size=10, bold=True, color=WARN)
        self.h_body = self._label("", size=6)
        self.h_retry = self._label("", size=5, color=MUTED)
        for w in (self.h_title, self.h_body, self.h_retry):
            lay.addWidget(w)
        lay.addStretch(2)

    def _build_error(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        self.e_title = self._label("", size=9, bold=True, color=WARN)
        self.e_body = self._label("", size=6.5)
        self.e_back = self._button("", size=7, min_h_mm=22)
        self.e_back.clicked.connect(lambda: self.go_home(clear=True))
        for w in (self.e_title, self.e_body):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.e_back)

    def _build_pin(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        self.p_title = self._label("", size=7, bold=True, color=ACCENT)
        self.p_dots = self._label("", size=10, bold=True)
        self.p_msg = self._label("", size=5, color=WARN)
        lay.addWidget(self.p_title)
        lay.addWidget(self.p_dots)
        lay.addWidget(self.p_msg)
        grid = QGridLayout()
        grid.setSpacing(self.mm(3))
        self.pin_buttons: dict[str, QPushButton] = {}
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"]
        for i, k in enumerate(keys):
            b = self._button(k if k.isdigit() else "", size=9, min_h_mm=22)
            b.clicked.connect(lambda _=False, k=k: self._pin_key(k))
            self.pin_buttons[k] = b
            grid.addWidget(b, i // 3, i % 3)
        lay.addLayout(grid, 1)
        self.p_back = self._button("", size=5.5, min_h_mm=18)
        self.p_back.clicked.connect(lambda: self.go_home(clear=True))
        lay.addWidget(self.p_back)

    # ------------------------------------------------------------------ texts
    def _retranslate(self) -> None:
        lang = self.lang
        site = self.site.doc if self.site else {}
        s = site.get("site", {})
        self.center_label.setText(str(s.get("name_en") or s.get("name", "")) if lang == "en" else str(s.get("name", "")))
        disp = site.get("display", {})
        self.welcome.setText(str(disp.get("welcome_en" if lang == "en" else "welcome", "")))
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
        self.f_title.setText(T.PRINTER_FAULT_TITLE.both())
        self.f_body.setText(T.PRINTER_FAULT_BODY.both())
        self.f_done.setText(T.DONE(lang))
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
        if self.dossier is not None:
            self.dossier.retranslate()

    def _update_clock(self) -> None:
        now = datetime.fromtimestamp(self.clock(), self._tz())
        if self.lang == "en":
            text = f"{T.WEEKDAYS_EN[now.weekday()]}, {now:%d/%m/%Y} — {now:%H:%M}"
        else:
            text = f"{T.WEEKDAYS[now.weekday()]}, ngày {now:%d/%m/%Y} — {now:%H:%M}"
        self.clock_label.setText(text)

    def _tz(self) -> Any:
        from zoneinfo import ZoneInfo

        tzname = (self.site.doc.get("site", {}).get("timezone") if self.site else None) or "Asia/Ho_Chi_Minh"
        return ZoneInfo(tzname)

    def _update_services(self) -> None:
        services = self.site.doc.get("services", []) if self.site else []
        if [s["code"] for s in services] != list(self.service_buttons):
            for b in self.service_buttons.values():
                self.grid.removeWidget(b)
                b.deleteLater()
            self.service_buttons = {}
            cols = 2 if self.height() >= self.width() else 3
            for i, s in enumerate(services):
                b = self._button("", size=7.5, min_h_mm=26)
                b.setObjectName(f"service_{s['code']}")
                b.clicked.connect(lambda _=False, code=s["code"]: self.touch_service(code))
                self.grid.addWidget(b, i // cols, i % cols)
                self.service_buttons[s["code"]] = b
        open_now = bool(self.site and self.site.doc.get("issuing_open", True))
        for s in services:
            b = self.service_buttons[s["code"]]
            name = s.get("name_en") or s["name"] if self.lang == "en" else s["name"]
            if not open_now:
                state = T.CLOSED_NOW(self.lang)
            elif s.get("quota_left") == 0:
                state = T.QUOTA_REACHED(self.lang)
            else:
                state = T.WAITING(self.lang, n=s.get("waiting", 0))
            b.setText(f"{name}\n{state}")
            b.setProperty("unavailable", not open_now or s.get("quota_left") == 0)
            b.setEnabled(not self.busy)
            b.setStyleSheet(self._button_style("#3d4f63" if b.property("unavailable") else PANEL))
        if self.site and not open_now:
            hours = self.site.doc.get("hours", {})
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
        cats = self.site.doc.get("priority_categories", []) if self.site else []
        if [c["code"] for c in cats] != list(self.category_buttons):
            for b in self.category_buttons.values():
                self.priority_grid.removeWidget(b)
                b.deleteLater()
            self.category_buttons = {}
            for c in cats:
                b = self._button("", size=6, color="#6b3fa0", min_h_mm=18)
                b.setObjectName(f"priority_{c['code']}")
                b.clicked.connect(lambda _=False, code=c["code"]: self.choose_priority(code))
                self.priority_grid.addWidget(b)
                self.category_buttons[c["code"]] = b
        for c in cats:
            self.category_buttons[c["code"]].setText(c.get("name_en") or c["name"] if self.lang == "en" else c["name"])
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

    def go_home(self, *, clear: bool) -> None:
        """Back to the home page; with clear, forget everything about the last citizen."""
        if clear:
            self.priority = None
            self.result = None
            self.pin = ""
            self.lang = self.config.kiosk.language
            if self.large != self.config.kiosk.large_text:
                self.large = self.config.kiosk.large_text
                self._restyle_fonts()
            for lab in (self.t_number, self.t_qr, self.f_number, self.f_qr, self.f_preview):
                lab.clear()
            if self.dossier is not None:
                self.dossier.clear()
        self.show_page("out_of_service" if self.backend.refused is not None else "home")
        self._retranslate()

    def _toggle_language(self) -> None:
        self.lang = "en" if self.lang == "vi" else "vi"
        self._retranslate()

    def _toggle_large(self) -> None:
        self.large = not self.large
        self._restyle_fonts()
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
        if not self.site or not self.site.doc.get("issuing_open", True) or svc.get("quota_left") == 0:
            self.e_body.setText(T.CLOSED_NOW.both() if not (self.site and self.site.doc.get("issuing_open", True))
                                else T.QUOTA_REACHED.both())
            self.show_page("error")
            return
        self.busy = True
        for b in self.service_buttons.values():
            b.setEnabled(False)
        self._show_overlay()
        self.worker.submit("take", self.backend.take_number, code, priority=self.priority,
                           request_id=uuid.uuid4().hex, retry_for_s=self.config.kiosk.issue_retry_s)

    def _show_overlay(self) -> None:
        w, h = self.width(), self.height()
        self.overlay.setGeometry(int(w * 0.1), int(h * 0.4), int(w * 0.8), int(h * 0.18))
        self.overlay.raise_()
        self.overlay.show()

    def _on_done(self, tag: str, ok: bool, value: Any) -> None:
        if tag.startswith("d:") and self.dossier is not None:
            self.dossier.on_done(tag, ok, value)
            self._check_refused()
            return
        if tag == "take":
            self.busy = False
            self.overlay.hide()
            if not ok:
                log.error("taking a number failed: %r", value)
                value = TakeResult(error_code="internal", error_message=str(value))
            self._show_result(value)
        elif tag == "tech":
            self.technician.on_status(ok, value)
        elif tag == "site":
            if ok:
                self.site = value
                if self.page in ("hub_down", "out_of_service") and value.online:
                    self.go_home(clear=True)
                else:
                    self._retranslate()
            elif isinstance(value, HubAuthError):
                pass  # _check_refused shows the out-of-service page
            else:
                if self.site is None or self.page == "hub_down":
                    self.show_page("hub_down")
                elif self.site is not None:
                    self.site.online = False
                    self._update_services()
        elif tag == "alive":
            if ok and value:
                self.refresh_site()
        elif tag == "printer":
            self._set_printer_fault(value if ok else "printer_offline")
        self._check_refused()

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

    def _show_result(self, r: TakeResult) -> None:
        self.result = r
        if r.ticket is not None:
            self._set_printer_fault(r.fault)
        lang = self.lang
        if r.refused:
            self.go_home(clear=True)
            return
        if r.hub_down:
            self.show_page("hub_down")
            self.refresh_site()
            return
        if r.ticket is None:
            # The hub's message is for the log; the citizen reads the kiosk's own words.
            self.e_body.setText(T.CLOSED_NOW.both() if r.error_code == "closed" else T.QUOTA_REACHED.both()
                                if r.error_code in ("quota_reached", "numbers_exhausted") else T.ERROR_TRY_AGAIN.both())
            self.show_page("error")
            self.refresh_site()
            return
        self.tickets_taken += 1
        t = r.ticket
        svc = self.site.service(t["service"]) if self.site else None
        svc = svc or {}
        svc_name = (svc.get("name_en") or svc.get("name") if lang == "en" else svc.get("name")) or t["service"]
        ahead = t.get("ahead")
        ahead_text = T.AHEAD(lang, n=ahead) if ahead else T.AHEAD_NONE(lang)
        wait = t.get("estimated_wait_s")
        wait_text = T.WAIT(lang, minutes=max(1, round(wait / 60))) if wait else ""
        prio = self.site.priority_name(t.get("priority"), lang) if (self.site and t.get("priority")) else ""
        if r.fault is None:
            self.t_caption.setText(T.YOUR_NUMBER(lang))
            self.t_number.setText(t["display"])
            self.t_service.setText(svc_name)
            self.t_priority.setText(prio)
            self.t_priority.setVisible(bool(prio))
            self.t_ahead.setText(ahead_text)
            self.t_wait.setText(wait_text)
            self.t_qr.setPixmap(qr_pixmap(t["tracking_url"], self.mm(70)))
            self.t_qr_caption.setText(T.SCAN_TO_FOLLOW(lang))
            self.t_take.setText(T.PLEASE_TAKE(lang))
            self.show_page("ticket")
        else:
            # The driver's own reason (fault_vi) names the address and the error: for the log and the hub.
            self.f_reason.setText(T.PRINTER_FAULTS.get(r.fault or "", T.PRINTER_UNSURE).both())
            self.f_number.setText(t["display"])
            self.f_service.setText(svc_name + (f" — {prio}" if prio else ""))
            self.f_ahead.setText(ahead_text + (f" · {wait_text}" if wait_text else ""))
            # Landscape has less height for the pictures under the two-language texts.
            tall = self.height() >= self.width()
            self.f_qr.setPixmap(qr_pixmap(t["tracking_url"], self.mm(75 if tall else 56)))
            if r.preview_png:
                pm = QPixmap()
                pm.loadFromData(r.preview_png, "PNG")
                self.f_preview.setPixmap(pm.scaled(self.mm(60), self.mm(95 if tall else 66),
                                                   Qt.AspectRatioMode.KeepAspectRatio,
                                                   Qt.TransformationMode.SmoothTransformation))
            self.show_page("fault")
        self.refresh_site()

    def refresh_site(self) -> None:
        """Fetch /site (waiting counts, opening, quotas) in the background."""
        self.last_site_refresh = self.clock()
        self.worker.submit("site", self.backend.load_site)

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
        elif self.page in ("priority", "pin", "tech") and idle >= kcfg.idle_timeout_s:
            self.go_home(clear=True)
        elif self.page in DOSSIER_PAGES and idle >= kcfg.dossier_idle_timeout_s:
            self.go_home(clear=True)  # a citizen who walked away: their data leaves the screen
        elif self.page == "home" and idle >= kcfg.idle_timeout_s and (
                self.priority or self.lang != kcfg.language or self.large != kcfg.large_text):
            self.go_home(clear=True)
        if self.page == "out_of_service":
            if now - self.last_refused_retry >= REFUSED_RETRY_S and not self.busy:
                self.last_refused_retry = now
                self.refresh_site()
        elif self.page == "hub_down":
            if now - self.last_hub_retry >= kcfg.hub_retry_s:
                self.last_hub_retry = now
                self.worker.submit("alive", self.backend.hub_alive)
        elif now - self.last_site_refresh >= kcfg.site_refresh_s and not self.busy:
            self.refresh_site()
        if self.page == "home" and not self.busy and now - self.last_printer_check >= 60:
            # A printer unplugged and plugged back, or a roll replaced: noticed without waiting for a citizen.
            self.last_printer_check = now
            self.worker.submit("printer", self.backend.check_printer)

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


def main(argv: list[str]) -> int:
    """motcua kiosk --config DEVICE.toml | --hash-pin PIN."""
    ap = argparse.ArgumentParser(prog="motcua kiosk", description="Ki-ốt lấy số / the ticket kiosk.")
    ap.add_argument("--config", help="kiosk device file (see assets/kiosk.example.toml)")
    ap.add_argument("--hash-pin", metavar="PIN", help="print the technician_pin_hash for a PIN and exit")
    ap.add_argument("--windowed", action="store_true", help="a window instead of full screen (testing)")
    ap.add_argument("--log-level", choices=LEVELS, default=None,
                    help="debug, info, warning or error (default: $MOTCUA_LOG_LEVEL, else info)")
    args = ap.parse_args(argv)
    if args.hash_pin:
        from kiosk.config import hash_pin

        if not args.hash_pin.isdigit() or not 4 <= len(args.hash_pin) <= 12:
            print("motcua kiosk: the PIN must be 4 to 12 digits", file=sys.stderr)
            return 2
        print(hash_pin(args.hash_pin))
        return 0
    if not args.config:
        ap.error("--config is required")
    from kiosk.config import load_kiosk_config
    from motcua.config import ConfigError

    try:
        cfg = load_kiosk_config(args.config)
    except ConfigError as exc:
        print(f"motcua kiosk: cấu hình sai / bad configuration: {exc}", file=sys.stderr)
        return 2
    setup_logging(args.log_level)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    backend = KioskBackend(cfg)
    from sync.client import Heartbeat

    heartbeat = Heartbeat(cfg.hub.client(), role="kiosk").start()
    camera = None
    if cfg.camera is not None:
        from scanners.camera import open_camera

        camera = open_camera(cfg.camera)
    win = KioskWindow(cfg, backend, dossiers=DossierBackend(backend, camera=camera))
    if cfg.screen.fullscreen and not args.windowed:
        win.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        win.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        win.showFullScreen()
    else:
        win.show()
    if cfg.screen.hide_cursor and not args.windowed:
        app.setOverrideCursor(Qt.CursorShape.BlankCursor)
    from kiosk import automation

    automation.install(win)  # endurance-test hooks, off unless MOTCUA_DUMP_DIR / MOTCUA_AUTOPILOT are set
    code = app.exec()
    heartbeat.stop()
    backend.close()
    return int(code)
