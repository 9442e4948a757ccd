"""The two pages after a number is taken: the ticket shown (and printed), or the printer's fault with the
number on screen instead — its QR and a preview of the ticket, so the citizen can photograph it."""
from __future__ import annotations

from kiosk import texts as T
from kiosk.backend import SiteState, TakeResult
from kiosk.host import KioskHost
from ui.qr import qr_pixmap
from ui.qt import QHBoxLayout, QLabel, QPixmap, Qt


class TicketScreens:
    """The "ticket" and "fault" pages inside the kiosk window."""

    def __init__(self, host: KioskHost) -> None:
        self.host = host
        kit, t = host.kit, host.kit.theme
        lab, btn = kit.label, kit.button
        lay = host.add_page("ticket")
        lay.setSpacing(kit.mm(2))
        self.t_caption = lab("", size=8)
        self.t_number = lab("", size=42, bold=True, color=t.accent, wrap=False)
        self.t_service = lab("", size=9, bold=True)
        self.t_priority = lab("", size=5.5, bold=True, color=t.accent)
        self.t_ahead = lab("", size=7.5)
        self.t_wait = lab("", size=7, color=t.muted)
        self.t_qr = QLabel()
        self.t_qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.t_qr_caption = lab("", size=5.5, color=t.muted)
        self.t_take = lab("", size=7.5, bold=True, color=t.ok)
        lay.addStretch(1)
        for w in (self.t_caption, self.t_number, self.t_service, self.t_priority, self.t_ahead, self.t_wait):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.t_qr)
        lay.addWidget(self.t_qr_caption)
        lay.addStretch(1)
        lay.addWidget(self.t_take)
        lay.addStretch(1)

        lay = host.add_page("fault")
        lay.setSpacing(kit.mm(2))
        self.f_title = lab("", size=8, bold=True, color=t.warn)
        self.f_reason = lab("", size=5.5, bold=True)
        self.f_number = lab("", size=40, bold=True, color=t.accent, wrap=False)
        self.f_service = lab("", size=6.5, bold=True)
        self.f_ahead = lab("", size=5.5)
        row = QHBoxLayout()
        self.f_qr = QLabel()
        self.f_qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.f_preview = QLabel()
        self.f_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.f_qr, 1)
        row.addWidget(self.f_preview, 1)
        self.f_body = lab("", size=5.5)
        self.f_done = btn("", size=7, color=t.ok, min_h_mm=22)
        self.f_done.clicked.connect(lambda: host.go_home(clear=True))
        for w in (self.f_title, self.f_reason, self.f_number, self.f_service, self.f_ahead):
            lay.addWidget(w)
        lay.addLayout(row, 1)
        lay.addWidget(self.f_body)
        lay.addWidget(self.f_done)

    def retranslate(self) -> None:
        """Texts; what went wrong is said in Vietnamese with English below, whatever the language chosen."""
        self.f_title.setText(T.PRINTER_FAULT_TITLE.both())
        self.f_body.setText(T.PRINTER_FAULT_BODY.both())
        self.f_done.setText(T.DONE(self.host.lang))

    def show(self, r: TakeResult, site: SiteState | None) -> None:
        """A ticket was issued: show it (printed), or the printer's fault with the number on screen."""
        t = r.ticket
        assert t is not None
        kit, lang = self.host.kit, self.host.lang
        svc = site.service(t.service) if site else None
        svc_name = ((svc.name_en or svc.name if lang == "en" else svc.name) if svc else "") or t.service
        ahead = t.ahead
        ahead_text = T.AHEAD(lang, n=ahead) if ahead else T.AHEAD_NONE(lang)
        wait = t.estimated_wait_s
        wait_text = T.WAIT(lang, minutes=max(1, round(wait / 60))) if wait else ""
        prio = (site.priority_name(t.priority, lang) or "") if (site and t.priority) else ""
        if r.fault is None:
            self.t_caption.setText(T.YOUR_NUMBER(lang))
            self.t_number.setText(t.display)
            self.t_service.setText(svc_name)
            self.t_priority.setText(prio)
            self.t_priority.setVisible(bool(prio))
            self.t_ahead.setText(ahead_text)
            self.t_wait.setText(wait_text)
            self.t_qr.setPixmap(qr_pixmap(t.tracking_url, kit.mm(70)))
            self.t_qr_caption.setText(T.SCAN_TO_FOLLOW(lang))
            self.t_take.setText(T.PLEASE_TAKE(lang))
            self.host.show_page("ticket")
            return
        # The driver's own reason (fault_vi) names the address and the error: for the log and the hub.
        self.f_reason.setText(T.PRINTER_FAULTS.get(r.fault or "", T.PRINTER_UNSURE).both())
        self.f_number.setText(t.display)
        self.f_service.setText(svc_name + (f" — {prio}" if prio else ""))
        self.f_ahead.setText(ahead_text + (f" · {wait_text}" if wait_text else ""))
        # Landscape has less height for the pictures under the two-language texts.
        window = self.f_qr.window()
        tall = window.height() >= window.width()
        self.f_qr.setPixmap(qr_pixmap(t.tracking_url, kit.mm(75 if tall else 56)))
        if r.preview_png:
            pm = QPixmap()
            pm.loadFromData(r.preview_png, "PNG")
            self.f_preview.setPixmap(pm.scaled(kit.mm(60), kit.mm(95 if tall else 66), Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))
        self.host.show_page("fault")

    def clear(self) -> None:
        """The next citizen: no number and no QR of the last one stays."""
        for lab in (self.t_number, self.t_qr, self.f_number, self.f_qr, self.f_preview):
            lab.clear()
