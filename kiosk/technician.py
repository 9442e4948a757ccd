"""The kiosk's two screens for when it cannot serve: "out of service" for the citizen, and the technician
page (behind the corner taps and the PIN) that names the exact cause.

A citizen never reads an address, a status code or an exception: those are for the technician page only.
"""
from __future__ import annotations

import logging

from kiosk import texts as T
from kiosk.backend import TechnicianStatus
from kiosk.host import KioskHost
from ui.qt import QHBoxLayout

log = logging.getLogger(__name__)


class TechnicianScreens:
    """The out-of-service page and the technician page inside the kiosk window."""

    def __init__(self, host: KioskHost) -> None:
        self.host = host
        self.status: TechnicianStatus | None = None
        self._build()

    def _build(self) -> None:
        host, kit = self.host, self.host.kit
        lab, btn, t = kit.label, kit.button, kit.theme
        lay = host.add_page("out_of_service")
        lay.addStretch(1)
        self.o_title = lab("", size=10, bold=True, color=t.warn)
        self.o_body = lab("", size=6)
        for x in (self.o_title, self.o_body):
            lay.addWidget(x)
        lay.addStretch(2)

        lay = host.add_page("tech")
        lay.setSpacing(kit.mm(3))
        self.t_title = lab("", size=7, bold=True, color=t.accent)
        self.t_hub = lab("", size=4.5, bold=True)
        self.t_hub_state = lab("", size=4.5)
        self.t_printer = lab("", size=4.5, bold=True)
        self.t_printer_state = lab("", size=4.5)
        for x in (self.t_title, self.t_hub, self.t_hub_state, self.t_printer, self.t_printer_state):
            lay.addWidget(x)
        lay.addStretch(1)
        row = QHBoxLayout()
        self.t_back = btn("", size=5.5, min_h_mm=18)
        self.t_back.clicked.connect(lambda: host.go_home(clear=True))
        self.t_exit = btn("", size=5.5, color=t.warn, min_h_mm=18)
        self.t_exit.clicked.connect(self.exit_kiosk)
        row.addWidget(self.t_back, 1)
        row.addWidget(self.t_exit, 1)
        lay.addLayout(row)

    def retranslate(self) -> None:
        """Texts; the failure screens always say it in Vietnamese with English below."""
        self.o_title.setText(T.OUT_OF_SERVICE_TITLE.both())
        self.o_body.setText(T.OUT_OF_SERVICE_BODY.both())
        self.t_title.setText(T.TECH_TITLE.both())
        self.t_back.setText(T.CANCEL.both())
        self.t_exit.setText(T.PIN_EXIT.both())
        self._fill()

    # ------------------------------------------------------------------ the technician page
    def open(self) -> None:
        """After the PIN: show the page, and ask the hub and the printer afresh (off the GUI thread)."""
        self.status = None
        self._fill()
        self.host.show_page("tech")
        self.host.run(self.host.backend.technician_status, self.on_status, self._status_failed)

    def on_status(self, status: TechnicianStatus | None) -> None:
        """The answer of technician_status (None: it failed)."""
        self.status = status
        self._fill()

    def _status_failed(self, exc: Exception) -> None:
        log.error("technician status failed: %r", exc)
        self.on_status(None)

    def _fill(self) -> None:
        st = self.status
        backend = self.host.backend
        self.t_hub.setText(f"{T.TECH_HUB('vi')} / {T.TECH_HUB('en')}: {backend.config.hub.url}")
        self.t_printer.setText(f"{T.TECH_PRINTER('vi')} / {T.TECH_PRINTER('en')}: {st.printer_address if st else ''}")
        if st is None:
            self.t_hub_state.setText(T.TECH_CHECKING.both())
            self.t_printer_state.setText("")
            return
        if st.hub_state == "refused" and st.refused_text is not None:
            said = st.refused_text  # the hub's own words, in both languages
            text = (f"{T.TECH_TOKEN_REFUSED('vi', status=st.refused_status, message=said.vi)}\n"
                    f"{T.TECH_TOKEN_REFUSED('en', status=st.refused_status, message=said.en)}")
        elif st.hub_state == "down":
            text = T.TECH_HUB_DOWN.both(detail=st.hub_detail or "—")
        else:
            text = T.TECH_HUB_OK.both()
        self.t_hub_state.setText(text)
        state = st.printer_state
        detail = f" ({st.printer_detail})" if st.printer_detail else ""
        self.t_printer_state.setText(f"{T.TECH_PRINTER_STATE('vi', state=state.vi)}{detail}\n"
                                     f"{T.TECH_PRINTER_STATE('en', state=state.en)}")

    def exit_kiosk(self) -> None:
        """The technician leaves the kiosk for the desktop."""
        log.warning("technician exit")
        self.host.exit_to_desktop()
