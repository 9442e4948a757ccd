"""The kiosk's dossier look-up: a citizen checks a dossier's status by the slip's QR (the camera) or by its
code typed with the look-up code printed beside it; the answer is the status and its timeline.

A typed dossier code alone reveals nothing (codes are sequential): the slip's look-up code goes with it.
Nothing of the dossier stays on screen after "Xong" or the idle reset.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk import texts as T
from kiosk.backend import DossierBackend, is_uuid, slip_key
from kiosk.dossier import STATUS, when_text
from kiosk.host import KioskHost, back_button, run_then_idle
from kiosk.keyboard import TextField
from ui.qt import QPushButton, Qt, QTimer, QVBoxLayout

log = logging.getLogger(__name__)


class LookupScreens:
    """The look-up pages inside the kiosk window, and their button on the home page."""

    def __init__(self, host: KioskHost, backend: DossierBackend) -> None:
        self.host = host
        self.backend = backend
        self.lookup_polling = False
        self.lookup_key = ""
        """The dossier code typed on the look-up page, while the look-up code is asked for."""
        self._back_buttons: list[QPushButton] = []
        kit, t = host.kit, host.kit.theme
        lab, btn = kit.label, kit.button
        self.lookup_button = btn("", size=5.5, color=t.dossier, min_h_mm=20)
        self.lookup_button.clicked.connect(self.open_lookup)
        host.add_home_button(self.lookup_button)
        lay = self._page("lookup")
        self.l_title = lab("", size=7, bold=True, color=t.accent)
        self.l_hint = lab("", size=5, color=t.muted)
        self.l_msg = lab("", size=5.5, bold=True, color=t.warn)
        self.l_field = TextField(button=btn, label=lab, mode="plain", max_len=64)
        self.l_go = btn("", size=6.5, color=t.ok, min_h_mm=20)
        self.l_go.clicked.connect(lambda: self.lookup(self.l_field.text()))
        lay.addWidget(self.l_title)
        lay.addWidget(self.l_hint)
        lay.addWidget(self.l_msg)
        lay.addStretch(1)
        lay.addWidget(self.l_field)
        lay.addWidget(self.l_go)
        lay.addWidget(self._back())

        # A typed dossier code alone reveals nothing (codes are sequential): the slip's look-up code goes with it.
        lay = self._page("lookup_code")
        self.k_title = lab("", size=7, bold=True, color=t.accent)
        self.k_hint = lab("", size=5, color=t.muted)
        self.k_msg = lab("", size=5.5, bold=True, color=t.warn)
        self.k_field = TextField(button=btn, label=lab, mode="plain", max_len=8)
        self.k_go = btn("", size=6.5, color=t.ok, min_h_mm=20)
        self.k_go.clicked.connect(lambda: self.lookup(self.lookup_key, self.k_field.text()))
        for x in (self.k_title, self.k_hint, self.k_msg):
            lay.addWidget(x)
        lay.addStretch(1)
        lay.addWidget(self.k_field)
        lay.addWidget(self.k_go)
        lay.addWidget(self._back("lookup"))

        lay = self._page("lookup_result")
        self.lr_code = lab("", size=7.5, bold=True, color=t.accent)
        self.lr_proc = lab("", size=6.5)
        self.lr_status = lab("", size=7, bold=True, color=t.ok)
        self.lr_due = lab("", size=6.5)
        self.lr_timeline = lab("", size=6, align=Qt.AlignmentFlag.AlignLeft)
        self.lr_age = lab("", size=5, bold=True, color=t.warn)
        for x in (self.lr_code, self.lr_proc, self.lr_status, self.lr_due, self.lr_timeline, self.lr_age):
            lay.addWidget(x)
        lay.addStretch(1)
        lay.addWidget(self._back())
        self._qr_timer = QTimer(self.lookup_button)  # lives as long as the window's widgets
        self._qr_timer.setInterval(400)
        self._qr_timer.timeout.connect(self._poll_camera)

    def _page(self, name: str) -> QVBoxLayout:
        lay = self.host.add_page(name)
        lay.setSpacing(self.host.kit.mm(2.5))
        return lay

    def _back(self, target: str = "home") -> QPushButton:
        b = back_button(self.host, target)
        self._back_buttons.append(b)
        return b

    def _run(self, op: Callable[[], Any], answer: Callable[[bool, Any], None]) -> None:
        run_then_idle(self.host, op, answer)

    def retranslate(self) -> None:
        """Texts in the window's language."""
        lang = self.host.lang
        self.lookup_button.setText(T.BTN_LOOKUP(lang))
        self.l_title.setText(T.LOOKUP_TITLE(lang))
        self.l_hint.setText(T.LOOKUP_HINT(lang) if self.backend.camera is not None else T.LOOKUP_HINT_TYPE(lang))
        self.l_go.setText(T.LOOKUP_GO(lang))
        self.k_title.setText(T.LOOKUP_CODE_TITLE(lang))
        self.k_go.setText(T.LOOKUP_GO(lang))
        for b in self._back_buttons:
            b.setText(T.CANCEL(lang))

    def stop_slip_reading(self) -> None:
        """Stop watching the camera for a slip's QR (the citizen may still type the code)."""
        self.lookup_polling = False
        self._qr_timer.stop()

    def _poll_camera(self) -> None:
        if self.host.busy:
            return
        if self.lookup_polling and self.host.page == "lookup":
            self.host.busy = True
            self._run(self._read_slip_qr, self.on_slip_qr)
        else:
            self._qr_timer.stop()

    def _read_slip_qr(self) -> str | None:
        scan = self.backend.read_card(frames=3)
        if scan is not None and scan.kind == "text":
            return str(scan.text)
        return None

    def open_lookup(self) -> None:
        """Check a dossier: type its code or show the slip's QR to the camera."""
        self.l_field.clear()
        self.l_msg.setText("")
        self.retranslate()
        self.host.show_page("lookup")
        if self.backend.camera is not None:
            self.lookup_polling = True
            self._qr_timer.start()

    def lookup(self, key: str, lookup_code: str | None = None) -> None:
        """Ask the hub (or the kiosk's memory of the last answer): by the slip's QR at once; by a typed code
        only with the look-up code printed beside it (asked for on its own page)."""
        key = slip_key(key)
        lang = self.host.lang
        if len(key) < 6 or self.host.busy:
            self.l_msg.setText(T.LOOKUP_SHORT(lang))
            return
        self.lookup_polling = False
        if not is_uuid(key) and lookup_code is None:
            self.ask_lookup_code(key)
            return
        if lookup_code is not None and len(lookup_code.strip()) < 6:
            self.k_msg.setText(T.LOOKUP_CODE_SHORT(lang))
            return
        self.host.busy = True
        msg = self.k_msg if lookup_code is not None else self.l_msg
        msg.setText(T.LOOKUP_WORKING(lang))
        self._run(lambda: self.backend.lookup(key, lookup_code or ""), self.on_lookup)

    def ask_lookup_code(self, key: str) -> None:
        """The page that asks for the look-up code printed beside a typed dossier code."""
        self.lookup_key = key
        self.k_field.clear()
        self.k_msg.setText("")
        self.k_hint.setText(T.LOOKUP_CODE_HINT(self.host.lang, code=key))
        self.host.show_page("lookup_code")

    def on_lookup(self, ok: bool, value: Any) -> None:
        """Show a dossier's status timeline, or why not."""
        from sync.client import HubError, HubUnavailable

        lang = self.host.lang
        if not ok:
            msg = self.k_msg if self.host.page == "lookup_code" else self.l_msg
            if isinstance(value, HubError) and value.status == 429:
                msg.setText(T.LOOKUP_BUSY(lang))
            elif isinstance(value, HubUnavailable):
                msg.setText(T.LOOKUP_OFFLINE_NONE(lang))
            elif self.host.page == "lookup_code":
                msg.setText(T.LOOKUP_WRONG(lang))
            else:
                msg.setText(T.LOOKUP_NOT_FOUND(lang))
            return
        view, age = value
        self.lr_code.setText(view.code)
        self.lr_proc.setText(view.procedure_name or view.procedure)
        self.lr_status.setText(STATUS.get(view.status, T.ST_SUBMITTED)(lang))
        self.lr_due.setText(T.DUE(lang, when=when_text(view.due_at)))
        steps = [f"• {STATUS.get(s.status, T.ST_SUBMITTED)(lang)} — {when_text(s.at)}" for s in view.timeline]
        self.lr_timeline.setText("\n".join(steps))
        if age is not None:
            self.lr_age.setText(T.LOOKUP_OFFLINE_AGE(lang, minutes=max(1, round(age / 60))))
        else:
            self.lr_age.setText("")
        self.host.show_page("lookup_result")

    def on_slip_qr(self, ok: bool, value: Any) -> None:
        """What the camera read off a slip on the look-up page (a dossier's code or id), or why it could not."""
        if ok and value:
            self.lookup(str(value))

    def clear(self) -> None:
        """Forget the citizen: the typed codes and everything the look-up pages show."""
        self.lookup_key = ""
        self.lookup_polling = False
        self._qr_timer.stop()
        for f in (self.l_field, self.k_field):
            f.clear()
        for lab in (self.lr_code, self.lr_proc, self.lr_status, self.lr_due, self.lr_timeline, self.lr_age,
                    self.l_msg, self.k_msg, self.k_hint):
            lab.clear()
