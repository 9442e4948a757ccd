"""The kiosk's offer of notices by phone (thông báo): after a number is shown, the citizen may leave a phone
number, with an explicit consent, to hear "3 người nữa đến lượt bạn" and the call.

Nothing is asked unless the citizen touches the offer; the consent is the button they press under the text
that says what the number is for (the hub records that text with the consent). The number goes to the hub
once and leaves the window at once: it is never shown again, logged or cached here.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk import texts as T
from kiosk.keyboard import TextField

if TYPE_CHECKING:
    from kiosk.host import KioskHost

log = logging.getLogger(__name__)

NOTIFY_PAGES = ("notify",)


class NoticeScreens:
    """The offer's button (the window puts it on the ticket page) and the phone page."""

    def __init__(self, host: KioskHost) -> None:
        self.host = host
        self.ticket_id: str | None = None
        self.done = False
        kit, t = host.kit, host.kit.theme
        lab, btn = kit.label, kit.button
        self.button = btn("", size=5, color=t.dossier, min_h_mm=16)
        self.button.setObjectName("notify_button")
        lay = host.add_page("notify")
        lay.setSpacing(kit.mm(2.5))
        self.title = lab("", size=7, bold=True, color=t.accent)
        self.consent = lab("", size=5)
        self.msg = lab("", size=5.5, bold=True, color=t.warn)
        self.field = TextField(button=btn, label=lab, mode="digits", max_len=11)
        self.agree = btn("", size=6, color=t.ok, min_h_mm=20)
        self.agree.clicked.connect(self.submit)
        self.back = btn("", size=5.5, min_h_mm=16)
        self.back.clicked.connect(lambda: host.go_home(clear=True))
        for x in (self.title, self.consent, self.msg):
            lay.addWidget(x)
        lay.addStretch(1)
        for x in (self.field, self.agree, self.back):
            lay.addWidget(x)

    def retranslate(self) -> None:
        """Texts in the window's language."""
        lang = self.host.lang
        self.button.setText(T.NOTIFY_BUTTON(lang))
        self.title.setText(T.NOTIFY_TITLE(lang))
        self.consent.setText(T.NOTIFY_CONSENT(lang))
        self.agree.setText(T.NOTIFY_AGREE(lang))
        self.back.setText(T.DONE(lang) if self.done else T.CANCEL(lang))

    def open(self, ticket_id: str | None) -> None:
        """The citizen asks for notices about the number on screen."""
        if ticket_id is None or self.host.busy:
            return
        self.ticket_id = ticket_id
        self.done = False
        self.field.clear()
        self.msg.setText("")
        self.agree.setEnabled(True)
        self.retranslate()
        self.host.show_page("notify")

    def submit(self) -> None:
        """The consent button: the number goes to the hub (off the GUI thread)."""
        phone = self.field.text().strip()
        if not (phone.startswith("0") and len(phone) == 10) or self.ticket_id is None or self.host.busy:
            self.msg.setText(T.NOTIFY_BAD_PHONE(self.host.lang))
            return
        client = self.host.backend.client
        assert client is not None
        self.host.busy = True
        self.agree.setEnabled(False)
        ticket_id = self.ticket_id
        self.host.run(lambda: client.subscribe_notices(ticket_id=ticket_id, phone=phone, consent=True),
                      lambda _v: self._answered(True), lambda exc: self._answered(False, exc))
        self.field.clear()  # the number leaves the screen at once

    def _answered(self, ok: bool, exc: Exception | None = None) -> None:
        """The hub's answer, on the GUI thread."""
        self.host.busy = False
        if ok:
            self.done = True
            self.msg.setStyleSheet(f"color: {self.host.kit.theme.ok}; background: transparent;")
            self.msg.setText(T.NOTIFY_DONE(self.host.lang))
        else:
            log.warning("notice subscription failed: %s", type(exc).__name__)
            self.agree.setEnabled(True)
            self.msg.setText(T.NOTIFY_FAILED.both())
        self.retranslate()

    def clear(self) -> None:
        """Forget the citizen (idle reset, "Xong")."""
        self.ticket_id = None
        self.done = False
        self.field.clear()
        self.msg.clear()
        self.msg.setStyleSheet(f"color: {self.host.kit.theme.warn}; background: transparent;")
