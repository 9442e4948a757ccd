"""Thu phí, lệ phí at the counter: the citizen-facing QR screen, the clerk's fee step and the receipt.

After a dossier of a procedure with a fee is received, the confirmation page shows the fee step (`FeeBox`)
and the citizen sees the amount and the VietQR on `CitizenFeeScreen`:
- with `[counter] citizen_screen = N` in the device file, full screen on that screen (a second monitor
  turned to the citizen);
- without it (no second screen yet), a large window beside the panel, with nothing the citizen may not
  see (no name, no ID number), that the clerk turns towards the citizen or drags to a second screen.
The clerk marks the fee paid — cash, or a transfer with the bank's reference — or the central server's
confirmation arrives (a `payment.recorded` event from its status feed): either way the hub keeps one
payment, the citizen's screen says "paid", and the receipt prints on the counter's printer.

Nothing here touches the network or the printer on the GUI thread: operations go to the panel's worker
through the form's `run`, with the callbacks that take their answers. A payment's id is made once per dossier,
so pressing again after a lost answer finds the same payment at the hub.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from motcua import formats
from motcua.contract import Fee, Payment, PaymentReceipt, PaymentRequest, SiteDocument
from ui.qr import qr_pixmap
from ui.qt import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.theme import PANEL
from ui.widgets import heading, panel_font

from . import texts
from .intake import Received

if TYPE_CHECKING:
    from printer_drivers.connection import JobResult, Printer

    from .config import SlipPrinterSettings


T = TypeVar("T")


class FeeForm(Protocol):
    """What the fee step uses of the receive form (counter_display.receive.ReceiveForm)."""

    client: Any
    """The panel's sync.client.HubClient."""
    family: str
    """The bundled font's family."""
    site: SiteDocument | None
    """GET /site (the receipt's header)."""
    printer_settings: SlipPrinterSettings | None

    def run(self, op: Callable[[], T], on_done: Callable[[T], None], on_error: Callable[[Exception], None]) -> None:
        """Queue op on the panel's worker; on_done(result) or on_error(exc) on the GUI thread."""

    def clerk(self) -> str:
        """The signed-in clerk's name."""

    def ensure_printer(self) -> Printer:
        """The counter's printer, opened once."""


log = logging.getLogger(__name__)


def method_text(method: str) -> texts.Text:
    """"tiền mặt" / "chuyển khoản"."""
    return texts.FEE_METHOD_TRANSFER if method == "transfer" else texts.FEE_METHOD_CASH


class CitizenFeeScreen(QDialog):
    """What the citizen sees: the amount in figures and words, the VietQR, the account, then "paid".

    Shows no personal data: it may sit on a screen turned to the lobby.
    """

    def __init__(self, family: str, *, counter: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(texts.CITIZEN_TITLE.format(counter=counter).vi)
        self.setModal(False)
        self.setStyleSheet(f"QDialog {{ background: white; }} QLabel {{ color: {PANEL.text}; background: transparent; }}")
        self.payload = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 24, 32, 24)
        lay.setSpacing(8)

        def label(size: int, bold: bool = False, color: str = PANEL.text) -> QLabel:
            w = QLabel("")
            w.setFont(panel_font(size, bold=bold, family=family))
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            w.setWordWrap(True)
            w.setStyleSheet(f"color: {color};")
            lay.addWidget(w)
            return w

        self.heading = label(18, True, PANEL.heading)
        self.heading.setText(f"{texts.CITIZEN_HEADING.vi}\n{texts.CITIZEN_HEADING.en}")
        self.amount = label(40, True, PANEL.error)
        self.words = label(15)
        self.dossier = label(12, color=PANEL.status)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.qr, 1)
        self.scan = label(15, True)
        self.account = label(14)
        self.holder = label(13)
        self.note = label(14, True)
        self.paid = label(30, True, PANEL.ok)
        self.resize(760, 1000)

    def show_fee(self, fee: Fee, code: str) -> None:
        """The fee to pay (the hub's dossier `fee`), with its QR when the site has a receiving account."""
        self.payload = fee.qr or ""
        self.amount.setText(formats.fee(fee.amount))
        self.words.setText(fee.words)
        self.dossier.setText(texts.CITIZEN_DOSSIER.format(code=code).vi)
        account = fee.account
        if self.payload:
            self.qr.setPixmap(qr_pixmap(self.payload, 460))
            self.scan.setText(f"{texts.CITIZEN_SCAN.vi}\n{texts.CITIZEN_OR_CASH.vi}")
            self.account.setText(texts.CITIZEN_ACCOUNT.format(bank=(account.bank_name or account.bank_bin) if account else "",
                                                             account=account.account if account else "").vi)
            self.holder.setText(texts.CITIZEN_HOLDER.format(name=(account.name if account else "") or "—").vi)
            self.note.setText(texts.CITIZEN_NOTE.format(note=fee.note).vi)
        else:
            self.qr.clear()
            self.scan.setText(f"{texts.CITIZEN_CASH_ONLY.vi}\n{texts.CITIZEN_CASH_ONLY.en}")
            for w in (self.account, self.holder, self.note):
                w.setText("")
        for w in (self.qr, self.account, self.holder, self.note):
            w.setVisible(bool(self.payload))
        self.paid.hide()

    def show_paid(self) -> None:
        """The fee is paid: the QR goes (it must not be paid twice), the thanks stay."""
        self.payload = ""
        self.qr.clear()
        for w in (self.qr, self.scan, self.account, self.holder, self.note):
            w.hide()
        self.paid.setText(f"{texts.CITIZEN_PAID.vi}\n{texts.CITIZEN_PAID.en}")
        self.paid.show()

    def place(self, screen: int | None, beside: QWidget | None = None) -> None:
        """Full screen on the citizen's screen when one is configured and attached, else a window beside the panel."""
        app = QApplication.instance()
        screens = app.screens() if isinstance(app, QApplication) else []
        if screen is not None and screen < len(screens):
            self.setGeometry(screens[screen].geometry())
            self.showFullScreen()
            return
        if screen is not None:
            log.warning("citizen_screen = %d, but only %d screen(s) are attached: showing a window", screen, len(screens))
        if beside is not None and not self.isVisible():
            top = beside.frameGeometry()
            self.move(top.right() + 12, top.top())
        self.showNormal()
        self.raise_()


class FeeBox(QFrame):
    """The clerk's fee step on the confirmation page of a received dossier."""

    changed = Signal()

    def __init__(self, form: FeeForm, *, parent: QWidget, citizen_screen: int | None = None,
                 counter_name: str = "") -> None:
        super().__init__(parent)
        self.form = form
        self.citizen_screen = citizen_screen
        self.setObjectName("card")
        self.received: Received | None = None
        self.fee: Fee | None = None
        self.payment: PaymentReceipt | None = None
        self.payment_id = str(uuid.uuid4())
        self.saving = False
        self.receipt_printed: bool | None = None
        # A window of its own, owned by the form: it goes when the panel goes.
        self.citizen = CitizenFeeScreen(form.family, counter=counter_name, parent=parent)
        lay = QVBoxLayout(self)
        self.title = heading("", family=form.family, pt=PANEL.title_pt)
        lay.addWidget(self.title)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("status")
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.show_button = QPushButton(f"{texts.FEE_SHOW_QR.vi} (F9)")
        self.show_button.clicked.connect(self.show_citizen)
        self.check_button = QPushButton(texts.FEE_CHECK.vi)
        self.check_button.clicked.connect(self.check)
        row.addWidget(self.show_button, 1)
        row.addWidget(self.check_button)
        lay.addLayout(row)
        row = QHBoxLayout()
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(texts.FEE_REFERENCE.vi)
        self.reference.setMaxLength(64)
        self.transfer_button = QPushButton(texts.FEE_TRANSFER.vi)
        self.transfer_button.clicked.connect(lambda: self.pay("transfer"))
        row.addWidget(self.reference, 1)
        row.addWidget(self.transfer_button)
        lay.addLayout(row)
        row = QHBoxLayout()
        self.cash_button = QPushButton(texts.FEE_CASH.vi)
        self.cash_button.setObjectName("complete")
        self.cash_button.clicked.connect(lambda: self.pay("cash"))
        self.reprint_button = QPushButton(texts.FEE_REPRINT.vi)
        self.reprint_button.clicked.connect(self.print_receipt)
        row.addWidget(self.cash_button, 1)
        row.addWidget(self.reprint_button)
        lay.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setObjectName("status")
        lay.addWidget(self.message)
        self.hide()

    # ------------------------------------------------------------------ showing
    def show_for(self, received: Received) -> None:
        """A dossier was just received: its fee (from the hub's answer), and the citizen's screen if it is unpaid."""
        new = self.received is None or self.received.dossier.id != received.dossier.id
        self.received = received
        if new:
            self.payment_id = str(uuid.uuid4())
            self.payment, self.receipt_printed = None, None
            self.reference.clear()
            self.message.setText("")
        self.fee = received.dossier.fee
        if not self.fee:
            self.hide()
            self.citizen.hide()
            return
        if new and self.fee.payment is not None:
            self.check()  # paid already (a retry of a dossier the hub had): fetch the payment for the receipt
        self._draw()
        self.show()
        if new and not self.fee.paid:
            self.show_citizen()

    def show_citizen(self) -> None:
        """Put the amount and the QR in front of the citizen (F9)."""
        if not self.fee or self.received is None:
            return
        if self.payment is None:
            self.citizen.show_fee(self.fee, self.received.dossier.code)
        self.citizen.place(self.citizen_screen, beside=self.window())

    def clear(self) -> None:
        """The next citizen: no fee on screen, the citizen's screen closed."""
        self.received, self.fee, self.payment = None, None, None
        self.citizen.hide()
        self.hide()

    def _draw(self) -> None:
        fee = self.fee
        self.title.setText(texts.FEE_BOX_TITLE.format(amount=formats.fee(fee.amount) if fee else "").vi
                           + f" · {fee.words if fee else ''}")
        p = self.payment
        if p is not None:
            number = f"{p.receipt.number:07d}"
            line = texts.FEE_PAID.format(method=method_text(p.method), number=number).vi
            if p.source == "central":
                line += f"\n{texts.FEE_PAID_CENTRAL.vi}"
            self.status.setText(line)
            self.status.setObjectName("status")
        else:
            self.status.setText(texts.FEE_UNPAID.vi if fee and fee.qr else texts.FEE_NO_ACCOUNT.vi)
        paid = p is not None
        for w in (self.cash_button, self.transfer_button, self.reference):
            w.setEnabled(not paid and not self.saving)
        self.show_button.setEnabled(not paid)
        self.check_button.setEnabled(not paid and not self.saving)
        self.reprint_button.setEnabled(paid and self.receipt_printed is not None)

    # ------------------------------------------------------------------ paying
    def pay(self, method: str) -> None:
        """The clerk took the fee: record it at the hub (worker thread), then print the receipt."""
        if self.received is None or not self.fee or self.payment is not None or self.saving:
            return
        reference = self.reference.text().strip()
        if method == "transfer" and not reference:
            self.message.setText(texts.FEE_NEED_REFERENCE.vi)
            self.changed.emit()
            return
        self.saving = True
        self.message.setText(texts.FEE_SAVING.vi)
        self._draw()
        client, key = self.form.client, self.received.dossier.id
        body = PaymentRequest(id=self.payment_id, method=method,  # type: ignore[arg-type]
                              reference=reference if method == "transfer" else "", amount=self.fee.amount,
                              payer=self.received.request.name, collector=self.form.clerk())
        self.form.run(lambda: client.record_payment(key, body), self._recorded, self._record_failed)

    def check(self) -> None:
        """Ask the hub whether the fee is paid (a transfer the province confirmed)."""
        if self.received is None:
            return
        client, key = self.form.client, self.received.dossier.id

        def op() -> PaymentReceipt | None:
            fee = client.dossier_fee(key)
            return client.payment(fee.payment.id) if fee is not None and fee.payment is not None else None

        self.form.run(op, self._checked, self._check_failed)

    def on_payment_event(self, payment: Payment) -> None:
        """A `payment.recorded` event: when it is this dossier's (the central server's confirmation), fetch it."""
        mine = self.received is not None and payment.dossier_id == self.received.dossier.id
        if mine and self.payment is None and not self.saving:  # not the echo of the clerk's own payment in flight
            self.check()

    # the answers (GUI thread)
    def _recorded(self, payment: PaymentReceipt) -> None:
        self.saving = False
        if self.payment is None:
            self._paid(payment)
        self._answered()

    def _record_failed(self, error: Exception) -> None:
        from sync.client import HubError, HubUnavailable

        self.saving = False
        if isinstance(error, HubError) and error.code == "already_paid":
            self.check()  # the province's confirmation came first: take that one
        elif isinstance(error, HubUnavailable):
            self.message.setText(texts.FEE_HUB_DOWN.vi)
        else:
            message = error.message if isinstance(error, HubError) else str(error)
            log.info("payment not recorded: %s", message)
            self.message.setText(texts.FEE_FAILED.format(message=message).vi)
        self._answered()

    def _checked(self, payment: PaymentReceipt | None) -> None:
        if payment is not None and self.payment is None:
            self._paid(payment)
        self._answered()

    def _check_failed(self, error: Exception) -> None:
        from sync.client import HubUnavailable

        self.message.setText(texts.FEE_HUB_DOWN.vi if isinstance(error, HubUnavailable)
                             else texts.FEE_FAILED.format(message=getattr(error, "message", str(error))).vi)
        self._answered()

    def _receipt_printed(self, result: JobResult) -> None:
        if result.printed:
            self.receipt_printed = True
            self.message.setText(texts.FEE_RECEIPT_PRINTED.vi)
        else:
            self.receipt_printed = False
            reason = result.reason.vi if result.reason else result.outcome.text.vi
            self.message.setText(texts.FEE_RECEIPT_FAILED.format(reason=reason).vi)
        self._answered()

    def _receipt_failed(self, error: Exception) -> None:
        log.error("receipt not printed", exc_info=error)
        self.receipt_printed = False
        self.message.setText(texts.FEE_RECEIPT_FAILED.format(reason=str(error)).vi)
        self._answered()

    def _answered(self) -> None:
        self._draw()
        self.changed.emit()

    def _paid(self, payment: PaymentReceipt) -> None:
        self.payment = payment
        self.citizen.show_paid()
        self.print_receipt()

    # ------------------------------------------------------------------ the receipt
    def receipt(self) -> Any:
        """The receipt of this dossier's payment (printer_drivers.receipt.FeeReceipt)."""
        from printer_drivers.receipt import receipt_for_payment

        assert self.payment is not None and self.received is not None
        # The receipt's layout reads the hub's documents as JSON (printer_drivers knows no contract models).
        site = self.form.site.model_dump(mode="json") if self.form.site else {}
        return receipt_for_payment(self.payment.model_dump(mode="json"), site, lookup_url=self.received.dossier.lookup_url,
                                   payer_address=self.received.request.address.strip(),
                                   collector=self.payment.collector or self.form.clerk())

    def print_receipt(self) -> None:
        """Print the receipt (again) on the counter's printer: the slip's copies, each cut."""
        if self.payment is None:
            return
        settings = self.form.printer_settings
        if settings is None:
            self.receipt_printed = False
            self.message.setText(texts.FEE_RECEIPT_NO_PRINTER.vi)
            self._draw()
            return
        printer = self.form.ensure_printer()
        receipt, copies = self.receipt(), tuple(settings.copies)
        self.receipt_printed = None
        self.message.setText(texts.FEE_RECEIPT_PRINTING.vi)

        def op() -> JobResult:
            from printer_drivers.receipt import receipt_job

            return printer.print_job(receipt_job(receipt, paper=printer.paper, copies=copies))  # type: ignore[arg-type]

        self.form.run(op, self._receipt_printed, self._receipt_failed)


def render_citizen_screen(fee: Fee, code: str, path: Any, *, paid: bool = False) -> Any:
    """Draw the citizen's fee screen offscreen to a PNG (the demo's DIR/screens/)."""
    from ui.application import app
    from ui.fonts import load_fonts

    app()
    screen = CitizenFeeScreen(load_fonts())
    screen.show_fee(fee, code)
    if paid:
        screen.show_paid()
    screen.resize(760, 1000)
    screen.ensurePolished()
    path.parent.mkdir(parents=True, exist_ok=True)
    screen.grab().save(str(path))
    screen.deleteLater()
    return path
