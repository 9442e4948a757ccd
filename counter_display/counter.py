"""The clerk's counter panel (bảng điều khiển quầy).

A small always-on-top window: sign in with a PIN, then call next (F1), recall (F2), no-show (F3),
transfer (F4), complete (F5), pause/resume (F6), and call a given number. Every hub call runs on one
worker thread (the clerk's actions stay in order); results come back to callbacks on the GUI thread
(ui.worker) and the window redraws from them. `motcua counter` starts it (counter_display.counter_main);
with `--headless` it runs the keypad/LED bridge (counter_display.hardware) instead.
"""
from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from motcua.contract import (
    DEVICE_EVENTS,
    CounterDetail,
    DeviceFault,
    DeviceInfo,
    EventType,
    HelpRequestInfo,
    Payment,
    ServiceInfo,
    SiteDocument,
    SyncStatus,
    TicketView,
)
from sync.staff_client import ClerkInfo
from ui.bridge import FeedBridge
from ui.feed import HubFeed
from ui.fonts import load_fonts
from ui.qt import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QShortcut,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.theme import PANEL
from ui.widgets import big_button, heading, panel_font
from ui.worker import Worker

from . import texts
from .config import CounterConfig
from .help import HelpPanel
from .receive import ReceiveForm
from .scanner_reader import ScannerReader
from .staff_sign_in import StaffSignIn

log = logging.getLogger(__name__)

STYLE = PANEL.style_sheet()

T = TypeVar("T")


def _t(text: texts.Text) -> str:
    return f"{text.vi}\n{text.en}"


def sync_text(st: SyncStatus | None, *, online: bool = True) -> str:
    """One line on how the hub's sync with the province is doing (ARCHITECTURE rule 3), for the clerk."""
    if not online:
        return texts.SYNC_UNKNOWN.vi  # the last answer is no news while the hub cannot be asked
    if st is None:
        return ""
    if st.state == "disabled":
        return texts.SYNC_DISABLED.vi
    if not st.backlog and not st.dead_letters:
        return texts.SYNC_OK.vi
    line = texts.SYNC_BACKLOG.format(n=st.backlog, minutes=int(st.oldest_unsent_age_s // 60)).vi
    if st.dead_letters:
        line += " · " + texts.SYNC_DEAD.format(n=st.dead_letters).vi
    return line


@dataclass(frozen=True)
class Refresh:
    """What one refresh of the panel fetched from the hub (on the worker thread)."""

    counter: CounterDetail
    faults: list[DeviceFault]
    sync: SyncStatus | None = None
    devices: list[DeviceInfo] = field(default_factory=list)
    help: list[HelpRequestInfo] = field(default_factory=list)
    site: SiteDocument | None = None
    clerk: ClerkInfo | None = None
    """The clerk signed in at the counter (GET /counters/N/clerk), with staff sign-in."""


class CounterPanel(QWidget):
    """The clerk's window. `client` is a sync.client.HubClient; `now` gives the time (tests inject it)."""

    changed = Signal()
    """Emitted after the panel redrew from a hub answer (tests wait on it)."""
    closed = Signal()

    ACTIONS = (
        ("next", texts.PANEL_NEXT, "F1"), ("recall", texts.PANEL_RECALL, "F2"), ("skip", texts.PANEL_SKIP, "F3"),
        ("transfer", texts.PANEL_TRANSFER, "F4"), ("complete", texts.PANEL_COMPLETE, "F5"),
        ("pause", texts.PANEL_PAUSE, "F6"), ("call", texts.PANEL_CALL_NUMBER, "F7"),
    )

    def __init__(self, config: CounterConfig, client: Any, *, now: Callable[[], float] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import time as _time

        self.config = config
        self.client = client
        self.number = config.counter.number
        self.now = now or _time.time
        self.worker = Worker(self, threads=1, name="counter-op")
        self.clerk: str | None = None if config.clerks or config.counter.staff_sign_in else ""
        self.view: CounterDetail | None = None
        self.faults: list[DeviceFault] = []
        self.devices: list[DeviceInfo] = []
        """GET /devices: when each device was last heard from."""
        self.sync: SyncStatus | None = None
        self.services: list[ServiceInfo] = []
        self.online = True
        self.refused: Any = None
        """The hub's HubAuthError while it refuses this panel's token (a technician must fix it)."""
        self._refused_by = ""
        self.busy = 0
        self.message = ""
        self.choose_service: Callable[[list[tuple[str, str]]], str | None] = self._ask_service
        self.ask_number: Callable[[], str | None] = self._ask_number
        self.setWindowTitle(texts.PANEL_TITLE.format(counter=self.number).vi)
        self.setStyleSheet(STYLE)
        if config.counter.always_on_top:
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        family = load_fonts()
        self.setFont(panel_font(PANEL.base_pt, family=family))
        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(self.stack)
        self.staff = StaffSignIn(self, family) if config.counter.staff_sign_in else None
        self.stack.addWidget(self.staff.page if self.staff else self._pin_page(family))
        self.stack.addWidget(self._main_page(family))
        self.receive_form = ReceiveForm(client=client, run=self.run, family=family,
                                        printer_settings=config.printer, clerk=lambda: self.clerk or "",
                                        citizen_screen=config.counter.citizen_screen,
                                        counter_name=texts.PANEL_TITLE.format(counter=self.number).vi)
        self.receive_form.closed.connect(self.close_receive)
        self.receive_form.changed.connect(self.changed.emit)
        self.stack.addWidget(self.receive_form)
        for keys, slot in (("Ctrl+Return", self.receive_form.submit), ("Ctrl+Enter", self.receive_form.submit),
                           ("Escape", self.receive_form.close_form), ("F9", self.receive_form.fee_box.show_citizen)):
            sc = QShortcut(QKeySequence(keys), self.receive_form)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self.site_doc: SiteDocument | None = None
        self.scanner: ScannerReader | None = None
        self._panel_size: Any = None
        self.stack.setCurrentIndex(0 if self.clerk is None else 1)
        self.resize(460, 560)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh_timer.start(int(config.counter.poll_s * 1000))
        self.clock_timer = QTimer(self)
        self.clock_timer.timeout.connect(self._redraw)
        self.clock_timer.start(15000)

    # ---------------------------------------------------------------- layout
    def _pin_page(self, family: str) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        title = heading(texts.PANEL_TITLE.format(counter=self.number).vi, family=family, pt=PANEL.sign_in_pt)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addStretch(1)
        lay.addWidget(title)
        prompt = QLabel(_t(texts.PANEL_PIN))
        prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(prompt)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setFont(panel_font(PANEL.pin_pt, family=family))
        self.pin.returnPressed.connect(self.sign_in)
        lay.addWidget(self.pin)
        self.sign_in_button = QPushButton(_t(texts.PANEL_SIGN_IN))
        self.sign_in_button.clicked.connect(self.sign_in)
        lay.addWidget(self.sign_in_button)
        self.pin_error = QLabel("")
        self.pin_error.setObjectName("error")
        self.pin_error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.pin_error)
        lay.addStretch(2)
        return page

    def _main_page(self, family: str) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setSpacing(6)
        top = QHBoxLayout()
        self.title = heading(texts.PANEL_TITLE.format(counter=self.number).vi, family=family, pt=PANEL.title_pt)
        top.addWidget(self.title, 1)
        self.offline = QLabel(texts.PANEL_OFFLINE.vi)
        self.offline.setObjectName("offline")
        self.offline.setVisible(False)
        top.addWidget(self.offline)
        self.sign_out_button = QPushButton(texts.PANEL_SIGN_OUT.vi)
        self.sign_out_button.clicked.connect(self.sign_out)
        self.sign_out_button.setVisible(bool(self.config.clerks or self.config.counter.staff_sign_in))
        top.addWidget(self.sign_out_button)
        lay.addLayout(top)
        self.help_panel = HelpPanel(self._acknowledge_help)  # kiosks' help requests (counter_display.help)
        lay.addWidget(self.help_panel)
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        cl = QVBoxLayout(card)
        self.current_caption = QLabel(f"{texts.PANEL_CURRENT.vi} · {texts.PANEL_CURRENT.en}")
        cl.addWidget(self.current_caption)
        self.number_label = QLabel(texts.PANEL_NONE.vi)
        self.number_label.setObjectName("number")
        self.number_label.setFont(panel_font(PANEL.number_pt, bold=True, family=family))
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cl.addWidget(self.number_label)
        self.booked_label = QLabel("")
        self.booked_label.setObjectName("booked")
        self.booked_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.booked_label.setVisible(False)
        cl.addWidget(self.booked_label, 0, Qt.AlignmentFlag.AlignHCenter)
        self.service_label = QLabel("")
        self.service_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cl.addWidget(self.service_label)
        self.waited_label = QLabel("")
        self.waited_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cl.addWidget(self.waited_label)
        lay.addWidget(card)
        counts = QHBoxLayout()
        self.waiting_label = QLabel("")
        self.served_label = QLabel("")
        counts.addWidget(self.waiting_label, 1)
        counts.addWidget(self.served_label, 1)
        lay.addLayout(counts)
        self.sync_label = QLabel("")
        self.sync_label.setObjectName("sync_label")
        lay.addWidget(self.sync_label)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for i, (name, text, key) in enumerate(self.ACTIONS):
            b = big_button(f"{text.vi} ({key})\n{text.en}", name=name)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            b.clicked.connect(lambda _=False, n=name: self.act(n))
            grid.addWidget(b, i // 2, i % 2, 1, 2 if name == "call" else 1)
            self.buttons[name] = b
            sc = QShortcut(QKeySequence(key), self)
            sc.activated.connect(lambda n=name: self.act(n))
        self.receive_button = big_button(f"{texts.PANEL_RECEIVE.vi} (F8)\n{texts.PANEL_RECEIVE.en}", name="receive")
        self.receive_button.clicked.connect(self.open_receive)
        grid.addWidget(self.receive_button, len(self.ACTIONS) // 2 + 1, 0, 1, 2)
        QShortcut(QKeySequence("F8"), self).activated.connect(self.open_receive)
        lay.addLayout(grid)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.faults_caption = QLabel(f"{texts.PANEL_FAULTS.vi} · {texts.PANEL_FAULTS.en}")
        lay.addWidget(self.faults_caption)
        self.faults_list = QListWidget()
        self.faults_list.setMaximumHeight(80)
        lay.addWidget(self.faults_list)
        return page

    # ---------------------------------------------------------------- sign in
    def sign_in(self) -> None:
        """Check the PIN against the configured clerks."""
        pin = self.pin.text().strip()
        for clerk in self.config.clerks:
            if hmac.compare_digest(clerk.pin.encode(), pin.encode()):
                self.clerk = clerk.name
                self.pin.clear()
                self.pin_error.setText("")
                self.stack.setCurrentIndex(1)
                self.refresh()
                return
        self.pin.clear()
        self.pin_error.setText(_t(texts.PANEL_BAD_PIN))

    def sign_out(self) -> None:
        """Back to the PIN page (signed out at the hub too, with staff sign-in)."""
        if self.staff is not None:
            return self.staff.sign_out()
        self.clerk = None
        self.stack.setCurrentIndex(0)

    # ---------------------------------------------------------------- actions
    def act(self, name: str) -> None:
        """A button or F-key: run the operation on the worker thread, with feedback at once."""
        if self.clerk is None or not self.buttons[name].isEnabled():
            return
        n, c = self.number, self.client
        op: Callable[[], Any]
        if name == "next":
            op = lambda: c.call_next(n)
        elif name == "recall":
            op = lambda: c.recall(n)
        elif name == "skip":
            op = lambda: c.skip(n)
        elif name == "complete":
            op = lambda: c.complete(n)
        elif name == "pause":
            paused = self.view is not None and self.view.state == "paused"
            op = (lambda: c.resume(n)) if paused else (lambda: c.pause(n))
        elif name == "transfer":
            mine = set(self.view.services if self.view else [])
            current = self.view.current.service if self.view and self.view.current else None
            choices = [(s.code, s.name) for s in self.services if s.code != current]
            choices.sort(key=lambda x: x[0] in mine)
            code = self.choose_service(choices)
            if not code:
                return
            op = lambda: c.transfer(n, code)
        elif name == "call":
            display = self.ask_number()
            if not display:
                return
            op = lambda: c.call(n, display=display.strip().upper())
        else:
            raise ValueError(name)
        self.busy += 1
        self.message = texts.PANEL_BUSY.vi
        self._redraw()
        self.worker.submit(op, lambda result: self._acted(name, result), lambda exc: self._failed(name, exc))
        # The redraw after the action, on the same count of `busy` (the action's answer frees it).
        self.worker.submit(self._fetch, self._refreshed, lambda exc: self._failed("refresh", exc))

    def refresh(self) -> None:
        """Fetch the counter's state, the services and the device faults (off the GUI thread)."""
        self.busy += 1
        self.worker.submit(self._fetch, self._refreshed, lambda exc: self._failed("refresh", exc))

    def run(self, op: Callable[[], T], on_done: Callable[[T], None], on_error: Callable[[Exception], None]) -> None:
        """Queue an operation of the receive form or the fee step on the panel's one worker thread (after the
        clerk's earlier actions); on_done(result) or on_error(exc) on the GUI thread. The offline badge
        follows what the answer says of the hub; the form shows the outcome itself."""
        from sync.client import HubError, HubUnavailable

        def heard(error: Exception | None) -> None:
            if isinstance(error, HubUnavailable):
                self.online = False
            elif error is None or isinstance(error, HubError):
                self.online = True
            self.offline.setVisible(not self.online)

        def done(result: T) -> None:
            heard(None)
            on_done(result)

        def failed(exc: Exception) -> None:
            heard(exc)
            on_error(exc)

        self.worker.submit(op, done, failed)

    def _fetch(self) -> Refresh:
        # Runs on the worker thread: network only, no widgets.
        return Refresh(counter=self.client.counter(self.number), faults=self.client.device_faults(),
                       sync=self.client.sync_status(), devices=self._devices(), help=self._help(),
                       site=None if self.services else self.client.site(),
                       clerk=self.client.clerk(self.number) if self.staff is not None else None)

    def _help(self) -> list[HelpRequestInfo]:
        from sync.client import HubError

        try:
            return self.client.help_requests()
        except HubError as exc:
            if exc.status in (403, 404):  # a hub from before help requests
                return []
            raise

    def _acknowledge_help(self, help_id: str) -> None:
        """A clerk takes a kiosk's help request (off the GUI thread); the hub's event clears every screen."""
        self.busy += 1

        def failed(exc: Exception) -> None:
            self.help_panel.failed(help_id)  # the button works again
            self._failed("help.ack", exc)

        self.worker.submit(lambda: self.client.acknowledge_help(help_id, counter=self.number),
                           lambda result: self._acted("help.ack", result), failed)

    def _devices(self) -> list[DeviceInfo]:
        from sync.client import HubError

        try:
            return self.client.devices()  # type: ignore[no-any-return]
        except HubError as exc:
            # A hub older than the device registry (404), or a token that may not read it (403, a wrong
            # role the rest of the panel reports): no "last seen" lines, the rest of the refresh stands.
            if exc.status in (403, 404):
                return []
            raise

    def set_online(self, online: bool) -> None:
        """The live feed's view of the hub: gone (say so now, not at the next poll) or back (ask again)."""
        if not online:
            self.online = False
            self.message = texts.PANEL_OFFLINE.vi
            self._redraw()
            self.changed.emit()
        elif self.busy == 0:
            self.refresh()

    def _refused(self, name: str, error: Any) -> None:
        if self.refused is None or (self.refused.status, self.refused.message) != (error.status, error.message):
            log.error("the hub refused this counter's device token on %s (%s %s: %s): fix [hub] token in the "
                      "device file", name, error.status, error.code, error.message)
        self.refused, self._refused_by = error, name
        hub = error.text
        self.message = "\n".join((texts.PANEL_TOKEN_REFUSED.vi.format(status=error.status, message=hub.vi),
                                  texts.PANEL_TOKEN_REFUSED.en.format(status=error.status, message=hub.en)))

    def _answered(self, name: str) -> None:
        # Any answer from the hub to one of the panel's own operations (not the receive form's).
        self.busy = max(0, self.busy - 1)
        if name != "refresh" or self._refused_by == "refresh":
            self.refused = None  # the token went through (a refresh does not vouch for a refused action)

    def _refreshed(self, result: Refresh) -> None:
        self._answered("refresh")
        self.online = True
        if self.message == texts.PANEL_OFFLINE.vi:
            self.message = ""  # the hub is back: no stale "unreachable" under a fresh view
        self.view = result.counter
        self.faults = result.faults
        self.devices = result.devices
        self.sync = result.sync
        if self.staff is not None:
            self.staff.show(result.clerk)
        self.help_panel.show_requests(result.help)
        if result.site is not None:
            self.site_doc = result.site
            self.services = list(result.site.services)
        self._redraw()
        self.changed.emit()

    def _acted(self, name: str, result: Any) -> None:
        self._answered(name)
        self.online = True
        if name == "next" and result is None:
            self.message = f"{texts.PANEL_NOBODY.vi} · {texts.PANEL_NOBODY.en}"
        elif name in ("next", "call") and result is not None:
            self.message = texts.PANEL_CALLED.format(display=result.display).vi
        elif self.message == texts.PANEL_BUSY.vi:
            self.message = ""
        self._redraw()
        self.changed.emit()

    def _failed(self, name: str, error: Exception) -> None:
        from sync.client import HubAuthError, HubError, HubUnavailable

        self.busy = max(0, self.busy - 1)
        if isinstance(error, HubUnavailable):
            self.online = False
            self.message = texts.PANEL_OFFLINE.vi
        elif isinstance(error, HubAuthError):
            self.online = True
            self._refused(name, error)
        elif isinstance(error, HubError):
            self.online = True
            self.message = error.message
        else:
            log.exception("counter operation %s failed", name, exc_info=error)
            self.message = str(error)
        self._redraw()
        self.changed.emit()

    def on_event(self, ev: Any) -> None:
        """A live hub event (from the feed): refresh when it concerns this counter's queue or devices."""
        mine = set(self.view.services if self.view else [])
        t = ev.ticket
        if ev.type == EventType.PAYMENT_RECORDED:  # the central server confirmed a transfer of the dossier on screen?
            if ev.data.get("payment"):
                self.receive_form.fee_box.on_payment_event(Payment.model_validate(ev.data["payment"]))
            return
        if ev.type in (EventType.HELP_REQUESTED, EventType.HELP_ACKNOWLEDGED):
            self.help_panel.on_event(ev.type, ev.data)
            return
        if ev.type == EventType.SITE_CHANGED:
            self.services = []  # the hub reloaded its site file: fetch names and services again
            if self.busy == 0:
                self.refresh()
            return
        if ev.type in DEVICE_EVENTS or (t is not None and t.service in mine) or ev.data.get("counter") == self.number:
            if self.busy == 0:
                self.refresh()

    # ---------------------------------------------------------------- receive a dossier
    def open_receive(self) -> None:
        """F8 / the button: the receive-dossier form, for the citizen at the counter (the current ticket)."""
        if self.clerk is None:
            return
        if self.stack.currentWidget() is not self.receive_form:
            self._panel_size = self.size()
            self.resize(max(self.width(), 760), max(self.height(), 900))
        self.stack.setCurrentWidget(self.receive_form)
        self.receive_form.open_form(ticket=self.view.current if self.view else None, site=self.site_doc)

    def close_receive(self) -> None:
        """Back to the counter page (the form keeps an unsent dossier)."""
        self.stack.setCurrentIndex(1 if self.clerk is not None else 0)
        if self._panel_size is not None:
            self.resize(self._panel_size)
            self._panel_size = None
        self.refresh()

    def start_devices(self) -> None:
        """Start reading the counter's CCCD scanner, when one is configured."""
        if self.config.scanner is not None and self.scanner is None:
            self.scanner = ScannerReader(self.config.scanner, self)
            self.scanner.scanned.connect(self._scanned)
            self.scanner.state.connect(self.receive_form.on_scanner_state)
            self.scanner.start()

    def _scanned(self, scan: Any) -> None:
        # A card scanned while the counter page shows means the clerk is receiving a dossier.
        if self.clerk is None:
            return self.staff.on_card(scan) if self.staff is not None else None
        if self.stack.currentWidget() is not self.receive_form:
            self.open_receive()
        self.receive_form.on_scan(scan)

    # ---------------------------------------------------------------- drawing
    def _redraw(self) -> None:
        v = self.view
        cur = v.current if v else None
        paused = v is not None and v.state == "paused"
        self.offline.setText(texts.PANEL_REFUSED.vi if self.refused is not None else texts.PANEL_OFFLINE.vi)
        self.offline.setVisible(not self.online or self.refused is not None)
        name = (v.name if v else "") or texts.PANEL_TITLE.format(counter=self.number).vi
        self.title.setText(f"{name}" + (f" — {self.clerk}" if self.clerk else ""))
        if cur:
            self.number_label.setText(cur.display)
            svc = next((s.name for s in self.services if s.code == cur.service), cur.service)
            if cur.test:
                svc = f"{svc} · {texts.TEST_TICKET.vi} / {texts.TEST_TICKET.en}"
            self.booked_label.setText(_booked(cur))
            self.booked_label.setVisible(bool(cur.slot_at))
            self.service_label.setText(svc)
            self.waited_label.setText(self._waited(cur))
        else:
            self.number_label.setText(texts.PANEL_NONE.vi)
            self.booked_label.setVisible(False)
            self.service_label.setText(f"{texts.PANEL_PAUSED.vi} · {texts.PANEL_PAUSED.en}" if paused else "")
            self.waited_label.setText("")
        booked = v.waiting_booked if v else 0
        self.waiting_label.setText(texts.PANEL_WAITING_BOOKED.format(n=v.waiting, booked=booked).vi if v and booked
                                   else texts.PANEL_WAITING.format(n=v.waiting if v else 0).vi)
        self.served_label.setText(texts.PANEL_SERVED.format(n=v.served if v else 0).vi)
        self.sync_label.setText(sync_text(self.sync, online=self.online))
        pause_text = texts.PANEL_RESUME if paused else texts.PANEL_PAUSE
        self.buttons["pause"].setText(f"{pause_text.vi} (F6)\n{pause_text.en}")
        has = bool(cur)
        for key in ("recall", "skip", "transfer", "complete"):
            self.buttons[key].setEnabled(has)
        self.buttons["next"].setEnabled(not paused)
        self.buttons["call"].setEnabled(not paused)
        self.status.setText(self.message)
        self.faults_list.clear()
        for f in self.faults:
            self.faults_list.addItem(f"⚠ {f.device}: {f.message or f.fault}")
        from sync.client import STALE_AFTER_S

        for d in self.devices:
            if d.age_s is not None and d.age_s > STALE_AFTER_S:
                minutes = int(d.age_s // 60)
                t = (texts.PANEL_DEVICE_STALE.format(minutes=minutes) if minutes < 120 else
                     texts.PANEL_DEVICE_STALE_HOURS.format(hours=minutes // 60))
                self.faults_list.addItem(f"⌛ {d.device}: {t.vi} / {t.en}")
        if not self.faults_list.count():
            self.faults_list.addItem(f"{texts.PANEL_NO_FAULTS.vi} · {texts.PANEL_NO_FAULTS.en}")

    def _waited(self, cur: TicketView) -> str:
        try:
            issued = datetime.fromisoformat(cur.issued_at).timestamp()
            called = datetime.fromisoformat(cur.called_at).timestamp() if cur.called_at else self.now()
        except (TypeError, ValueError):
            return ""
        minutes = max(0, int((called - issued) // 60))
        return texts.PANEL_WAITED.format(minutes=minutes).vi

    # ---------------------------------------------------------------- dialogs (replaced in tests)
    def _ask_service(self, choices: list[tuple[str, str]]) -> str | None:
        labels = [f"{name} ({code})" for code, name in choices]
        item, ok = QInputDialog.getItem(self, texts.PANEL_TRANSFER.vi, _t(texts.PANEL_TRANSFER_PROMPT), labels, 0, False)
        if not ok:
            return None
        return choices[labels.index(item)][0]

    def _ask_number(self) -> str | None:
        text, ok = QInputDialog.getText(self, texts.PANEL_CALL_NUMBER.vi, _t(texts.PANEL_CALL_NUMBER_PROMPT))
        return text if ok and text.strip() else None

    def closeEvent(self, ev: Any) -> None:  # noqa: N802 - Qt's name
        """The window closes: the app's loop ends."""
        super().closeEvent(ev)
        self.closed.emit()

    def close_worker(self) -> None:
        """Stop the worker, the scanner and the printer (on exit)."""
        self.worker.shutdown()
        if self.scanner is not None:
            self.scanner.stop()
            self.scanner = None
        self.receive_form.close_printer()


def _booked(cur: TicketView) -> str:
    """"Đặt lịch 09:00 / Booked for 09:00" for a number booked ahead and checked in on time, else ""."""
    if not cur.slot_at:
        return ""
    try:
        slot = datetime.fromisoformat(cur.slot_at).strftime("%H:%M")
    except ValueError:
        slot = ""
    t = texts.PANEL_BOOKED.format(slot=slot)
    return f"{t.vi} · {t.en}".replace("  ", " ").strip()


def follow_hub(panel: CounterPanel, feed_client: Any, bridge: FeedBridge, **feed: Any) -> HubFeed:
    """Start the live feed for a panel: events refresh it, and the stream going or coming back tells it
    at once that the hub is gone or back (`feed`: HubFeed's timings, for tests)."""
    bridge.hub_event.connect(panel.on_event)
    bridge.online.connect(panel.set_online)
    return bridge.follow(feed_client, **feed)


def render_panel(view: CounterDetail, path: Path, *, services: list[ServiceInfo] | None = None,
                 faults: list[DeviceFault] | None = None, now: float | None = None,
                 config: CounterConfig | None = None) -> Path:
    """Draw the panel offscreen from a counter view (GET /counters/N's shape) to a PNG."""
    from ui.application import app

    from .config import HubSettings, PanelSettings

    app()
    cfg = config or CounterConfig(hub=HubSettings(token="-"), counter=PanelSettings(number=view.number))
    panel = CounterPanel(cfg, None, now=(lambda: now) if now is not None else None)
    panel.refresh_timer.stop()
    panel.clock_timer.stop()
    panel.services = services or []
    panel.clerk = panel.clerk or ""
    panel.stack.setCurrentIndex(1)
    panel._refreshed(Refresh(counter=view, faults=faults or []))
    if view.current:
        panel.message = texts.PANEL_CALLED.format(display=view.current.display).vi
        panel._redraw()
    panel.resize(460, 600)
    panel.ensurePolished()
    path.parent.mkdir(parents=True, exist_ok=True)
    panel.grab().save(str(path))
    panel.close_worker()
    panel.deleteLater()
    return path
