"""The fee of a self-submitted dossier on the kiosk's confirmation page: amount, words and the VietQR.

The hub's answer to the dossier carries its `fee` (sync.hub.payments): the amount in figures and words and
a dynamic VietQR (the amount, and a transfer note with the dossier code) for the account of the procedure's
service. The citizen scans it with a banking app there and then, or pays at the fee counter; the printed
slip carries the same QR. Nothing personal is on this panel.
"""
from __future__ import annotations

from kiosk import texts as T
from motcua import formats
from motcua.contract import Fee
from ui.qr import qr_pixmap
from ui.qt import QLabel, Qt, QVBoxLayout, QWidget
from ui.widgets import TouchKit


class FeePanel(QWidget):
    """Phí, lệ phí: shown when the dossier's procedure has a fee; hidden otherwise."""

    def __init__(self, kit: TouchKit) -> None:
        super().__init__()
        self.kit = kit
        self.payload = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(kit.mm(1))
        lab, t = kit.label, kit.theme  # the kit's labels: fonts follow large-text mode
        self.title = lab("", size=7.5, bold=True, color=t.accent)
        self.words = lab("", size=7.5)
        self.scan = lab("", size=7.5, color=t.muted)
        self.qr = QLabel()
        self.qr.setObjectName("fee_qr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.account = lab("", size=7.5)
        self.note = lab("", size=7.5, bold=True)
        for w in (self.title, self.words, self.scan, self.qr, self.account, self.note):
            lay.addWidget(w)
        self.hide()

    def show_fee(self, fee: Fee | None, lang: str) -> None:
        """The dossier's fee (None: free, the panel hides)."""
        if fee is None or not fee.amount:
            self.clear()
            return
        self.title.setText(T.FEE_TITLE(lang, amount=formats.fee(fee.amount)))
        self.words.setText(fee.words)
        self.payload = "" if fee.paid else (fee.qr or "")
        account = fee.account
        if self.payload:
            self.scan.setText(T.FEE_SCAN(lang))
            self.qr.setPixmap(qr_pixmap(self.payload, self.kit.mm(62)))
            self.account.setText(T.FEE_ACCOUNT(lang, bank=(account.bank_name or account.bank_bin) if account else "",
                                               account=account.account if account else ""))
            self.note.setText(T.FEE_NOTE(lang, note=fee.note))
        else:
            self.scan.setText(T.FEE_PAID(lang) if fee.paid else T.FEE_AT_COUNTER(lang))
            self.qr.clear()
            self.account.setText("")
            self.note.setText("")
        for w in (self.qr, self.account, self.note):
            w.setVisible(bool(self.payload))
        self.show()

    def clear(self) -> None:
        """The next citizen: nothing of this dossier stays on screen."""
        self.payload = ""
        for w in (self.title, self.words, self.scan, self.qr, self.account, self.note):
            w.clear()
        self.hide()
