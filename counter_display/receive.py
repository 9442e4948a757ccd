"""Tiếp nhận hồ sơ: the counter panel's receive-dossier form.

The clerk scans the citizen's ID card (CCCD) with the counter's serial scanner or types the ID number
and name, picks the procedure from the hub's catalog (searchable without diacritics), ticks the paper
documents received with their counts, the number of sets and how the result is returned, and submits.
The hub stores the dossier (a provisional "TAM-…" code until the central server links the official
one) and the counter prints both copies of the appointment slip (Mẫu 01: "Liên: Lưu" and "Liên: Giao
khách hàng").

Nothing here touches the network or a device on the GUI thread: the form hands operations to the
panel's worker (`run`) with the callbacks that take the answers. The form's `dossier_id` is made once per
dossier, so pressing "Tiếp nhận" again after a lost answer finds the same dossier at the hub.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from motcua import formats
from motcua.contract import Catalog, DocumentSpec, DossierStaffView, Procedure, SiteDocument, TicketView
from ui.qt import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    plain_rich,
)
from ui.theme import PANEL
from ui.widgets import big_button, heading, panel_font
from ui.worker import Run

from . import texts
from .fee import FeeBox  # the fee step (thu phí), when the procedure has a fee
from .intake import (
    Received,
    ReceivedDocument,
    ReceiveRequest,
    duration_text,
    fee_text,
    make_slip,
    parse_time,
    print_slip,
    printer_fault,
    search_procedures,
)

if TYPE_CHECKING:
    from printer_drivers.connection import JobResult, Printer
    from scanners.citizen import Scan

    from .config import SlipPrinterSettings

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class _DocRow:
    doc: DocumentSpec
    check: QCheckBox
    originals: QSpinBox
    copies: QSpinBox


class ReceiveForm(QWidget):
    """The receive-dossier form and its confirmation page (inside the counter panel).

    `run(op, on_done, on_error)` queues an operation on the panel's worker (ui.worker.Run); the callbacks
    come back on the GUI thread. Tests wait on `changed`.
    """

    changed = Signal()
    """Redrawn after an answer (catalog, submission, printing, a scan)."""
    closed = Signal()
    """The clerk went back to the counter page."""

    def __init__(self, *, client: Any, run: Run, family: str,
                 printer_settings: SlipPrinterSettings | None = None, clerk: Callable[[], str] | None = None,
                 citizen_screen: int | None = None, counter_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self._run = run
        self.family = family
        self.printer_settings = printer_settings
        self.printer: Printer | None = None
        self.clerk = clerk or (lambda: "")
        self.catalog: list[Procedure] = []
        self.site: SiteDocument | None = None
        self.procedure: Procedure | None = None
        self.doc_rows: list[_DocRow] = []
        self.ticket: TicketView | None = None
        self.dossier_id = str(uuid.uuid4())
        self.sending = False
        self.received: Received | None = None
        self.message = ""
        self.scanner_text = texts.RECEIVE_SCANNER_NONE.vi
        self._fee_placement = (citizen_screen, counter_name)
        self.pages = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.pages.addWidget(self._form_page())
        self.pages.addWidget(self._done_page())

    # ------------------------------------------------------------------ layout
    def _caption(self, text: texts.Text) -> QLabel:
        label = QLabel(f"{text.vi} · {text.en}")
        label.setFont(panel_font(PANEL.caption_pt, bold=True, family=self.family))
        label.setObjectName("caption")
        return label

    def _form_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        title = heading(texts.RECEIVE_TITLE.vi, family=self.family, pt=PANEL.form_title_pt)
        top.addWidget(title, 1)
        self.ticket_label = QLabel("")
        top.addWidget(self.ticket_label)
        lay.addLayout(top)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.setContentsMargins(0, 0, 4, 0)
        bl.setSpacing(4)

        bl.addWidget(self._caption(texts.RECEIVE_APPLICANT))
        self.scanner_label = QLabel(self.scanner_text)
        self.scanner_label.setObjectName("status")
        self.scanner_label.setWordWrap(True)
        bl.addWidget(self.scanner_label)
        grid = QFormLayout()
        grid.setVerticalSpacing(3)
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(14)
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.email = QLineEdit()
        self.email.setMaxLength(200)
        self.address = QLineEdit()
        self.address.setMaxLength(500)
        for text, edit in ((texts.RECEIVE_ID, self.id_number), (texts.RECEIVE_NAME, self.name),
                           (texts.RECEIVE_PHONE, self.phone), (texts.RECEIVE_EMAIL, self.email),
                           (texts.RECEIVE_ADDRESS, self.address)):
            edit.setPlaceholderText(text.en)
            grid.addRow(text.vi, edit)
        bl.addLayout(grid)

        bl.addWidget(self._caption(texts.RECEIVE_PROCEDURE))
        self.search = QLineEdit()
        self.search.setPlaceholderText(texts.RECEIVE_SEARCH.vi)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        bl.addWidget(self.search)
        self.results = QListWidget()
        self.results.setFixedHeight(92)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setStyleSheet(f"QListWidget {{ background: white; border: 1px solid {PANEL.button_disabled}; }}")
        self.results.currentRowChanged.connect(self._picked_row)
        bl.addWidget(self.results)
        self.procedure_label = QLabel("")
        self.procedure_label.setWordWrap(True)
        self.procedure_label.setObjectName("status")
        bl.addWidget(self.procedure_label)

        bl.addWidget(self._caption(texts.RECEIVE_DOCUMENTS))
        self.docs_box = QWidget()
        self.docs_grid = QGridLayout(self.docs_box)
        self.docs_grid.setContentsMargins(0, 0, 0, 0)
        self.docs_grid.setVerticalSpacing(2)
        bl.addWidget(self.docs_box)
        self._draw_documents()

        row = QHBoxLayout()
        row.addWidget(QLabel(texts.RECEIVE_SETS.vi))
        self.sets = QSpinBox()
        self.sets.setRange(1, 99)
        row.addWidget(self.sets)
        row.addStretch(1)
        bl.addLayout(row)

        bl.addWidget(self._caption(texts.RECEIVE_DELIVERY))
        drow = QHBoxLayout()
        self.at_center = QRadioButton(texts.RECEIVE_AT_CENTER.vi)
        self.by_post = QRadioButton(texts.RECEIVE_BY_POST.vi)
        self.at_center.setChecked(True)
        self.delivery_group = QButtonGroup(self)
        self.delivery_group.addButton(self.at_center)
        self.delivery_group.addButton(self.by_post)
        self.by_post.toggled.connect(self._delivery_changed)
        drow.addWidget(self.at_center)
        drow.addWidget(self.by_post)
        drow.addStretch(1)
        bl.addLayout(drow)
        self.post_address = QLineEdit()
        self.post_address.setPlaceholderText(texts.RECEIVE_POST_ADDRESS.vi)
        self.post_address.setEnabled(False)
        bl.addWidget(self.post_address)
        self.note = QLineEdit()
        self.note.setPlaceholderText(texts.RECEIVE_NOTE.vi)
        self.note.setMaxLength(500)
        bl.addWidget(self.note)
        bl.addStretch(1)
        scroll.setWidget(body)
        lay.addWidget(scroll, 1)

        self.form_status = QLabel("")
        self.form_status.setObjectName("error")
        self.form_status.setWordWrap(True)
        lay.addWidget(self.form_status)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(f"{texts.RECEIVE_CANCEL.vi} (Esc)")
        self.cancel_button.clicked.connect(self.close_form)
        self.submit_button = big_button(f"{texts.RECEIVE_SUBMIT.vi} (Ctrl+Enter)", name="complete",
                                        min_h=PANEL.form_button_h)
        self.submit_button.clicked.connect(self.submit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button, 1)
        lay.addLayout(buttons)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        head = heading(f"✔ {texts.RECEIVE_DONE.vi}", family=self.family, pt=PANEL.done_pt, color=PANEL.ok)
        lay.addWidget(head)
        card = QFrame()
        card.setObjectName("card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        # By name: every QLabel is a QFrame, and a plain "QFrame {…}" rule would repaint the badge below too.
        card.setStyleSheet("QFrame#card { background: white; } QFrame#card QLabel { background: transparent; } "
                           f"QFrame#card QLabel#offline {{ background: {PANEL.error}; color: white; padding: 2px 6px; }}")
        cl = QVBoxLayout(card)
        cl.addWidget(QLabel(f"{texts.RECEIVE_CODE.vi} · {texts.RECEIVE_CODE.en}"))
        self.code_label = QLabel("")
        self.code_label.setFont(panel_font(PANEL.code_pt, bold=True, family=self.family))
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setWordWrap(True)
        cl.addWidget(self.code_label)
        self.lookup_label = QLabel("")
        self.lookup_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        cl.addWidget(self.lookup_label)
        self.provisional_label = QLabel(texts.RECEIVE_PROVISIONAL.vi)
        self.provisional_label.setObjectName("offline")  # the panel's red badge
        self.provisional_label.setWordWrap(True)
        cl.addWidget(self.provisional_label)
        self.done_applicant = QLabel("")
        self.done_applicant.setWordWrap(True)
        cl.addWidget(self.done_applicant)
        self.done_procedure = QLabel("")
        self.done_procedure.setWordWrap(True)
        cl.addWidget(self.done_procedure)
        self.received_label = QLabel("")
        cl.addWidget(self.received_label)
        cl.addWidget(QLabel(f"{texts.RECEIVE_RETURN_AT.vi} · {texts.RECEIVE_RETURN_AT.en}"))
        self.due_label = QLabel("")
        self.due_label.setFont(panel_font(PANEL.due_pt, bold=True, family=self.family))
        self.due_label.setWordWrap(True)
        cl.addWidget(self.due_label)
        lay.addWidget(card)

        self.fee_box = FeeBox(self, parent=self, citizen_screen=self._fee_placement[0], counter_name=self._fee_placement[1])
        lay.addWidget(self.fee_box)
        self.print_label = QLabel("")
        self.print_label.setWordWrap(True)
        self.print_label.setObjectName("status")
        lay.addWidget(self.print_label)
        lay.addStretch(1)
        row = QHBoxLayout()
        self.reprint_button = QPushButton(texts.RECEIVE_REPRINT.vi)
        self.reprint_button.clicked.connect(self.reprint)
        self.new_button = QPushButton(texts.RECEIVE_NEW.vi)
        self.new_button.clicked.connect(self.new_dossier)
        self.back_button = QPushButton(texts.RECEIVE_BACK.vi)
        self.back_button.clicked.connect(self.close_form)
        for b in (self.reprint_button, self.new_button, self.back_button):
            b.setMinimumHeight(PANEL.form_button_h)
            row.addWidget(b)
        lay.addLayout(row)
        return page

    def _draw_documents(self) -> None:
        while self.docs_grid.count():
            item = self.docs_grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.doc_rows = []
        if self.procedure is None:
            hint = QLabel(texts.RECEIVE_DOCUMENTS_HINT.vi)
            hint.setObjectName("status")
            self.docs_grid.addWidget(hint, 0, 0, 1, 3)
            return
        self.docs_grid.addWidget(QLabel(""), 0, 0)
        for col, text in ((1, texts.RECEIVE_ORIGINALS), (2, texts.RECEIVE_COPIES)):
            self.docs_grid.addWidget(QLabel(text.vi), 0, col)
        for i, doc in enumerate(self.procedure.documents, start=1):
            name = doc.name
            check = QCheckBox(name + (f" ({doc.note})" if doc.note else ""))
            check.setStyleSheet("QCheckBox { spacing: 6px; }")
            check.setToolTip(plain_rich(name))  # tool tips always read rich text: the name is shown as written
            originals, copies = QSpinBox(), QSpinBox()
            for spin, value in ((originals, doc.originals), (copies, doc.copies)):
                spin.setRange(0, 20)
                spin.setValue(int(value or 0))
                spin.setMaximumWidth(56)
            self.docs_grid.addWidget(check, i, 0)
            self.docs_grid.addWidget(originals, i, 1)
            self.docs_grid.addWidget(copies, i, 2)
            self.doc_rows.append(_DocRow(doc, check, originals, copies))
        self.docs_grid.setColumnStretch(0, 1)

    # ------------------------------------------------------------------ opening
    def open_form(self, *, ticket: TicketView | None, site: SiteDocument | None) -> None:
        """Show the form for the counter's current ticket; load the catalog if it is not loaded."""
        if self.received is not None:
            self.new_dossier()
        if self.received is None and not self.sending and not self._has_data():
            self.ticket = ticket  # fixed for this dossier: a retry must send the same body
        if site:
            self.site = site
        self.ticket_label.setText(texts.RECEIVE_TICKET.format(display=self.ticket.display).vi if self.ticket
                                  else texts.RECEIVE_NO_TICKET.vi)
        self.pages.setCurrentIndex(0)
        if not self.catalog:
            self.load_catalog()
        (self.search if self.name.text() else self.id_number).setFocus()

    def _has_data(self) -> bool:
        return any(e.text().strip() for e in (self.id_number, self.name, self.phone, self.email, self.address))

    def load_catalog(self) -> None:
        """Fetch the catalog (and the site, for the slip's header) off the GUI thread."""
        self.procedure_label.setText(texts.RECEIVE_CATALOG_LOADING.vi)
        client = self.client
        need_site = self.site is None

        def op() -> tuple[Catalog, SiteDocument | None]:
            return client.catalog(), client.site() if need_site else None

        self.run(op, self._catalog_loaded, self._catalog_failed)

    # ------------------------------------------------------------------ input
    def on_scan(self, scan: Scan) -> None:
        """A code from the counter's scanner: a CCCD fills the applicant's fields."""
        if scan.citizen is not None:
            c = scan.citizen
            self.id_number.setText(c.id)
            self.name.setText(c.name)
            self.address.setText(c.address)
            self.scanner_label.setText(texts.RECEIVE_SCANNED.format(name=c.name).vi)
            self.search.setFocus()
        elif scan.error is not None:
            reason = getattr(getattr(scan.error, "text", None), "vi", None) or str(scan.error)
            self.scanner_label.setText(texts.RECEIVE_SCAN_BAD.format(reason=reason).vi)
        else:
            self.scanner_label.setText(texts.RECEIVE_SCAN_NOT_CCCD.vi)
        self.changed.emit()

    def on_scanner_state(self, ready: bool, detail: str) -> None:
        """The scanner was opened, lost or found again."""
        self.scanner_text = (f"{texts.RECEIVE_SCANNER_READY.vi} – {texts.RECEIVE_SCAN_HINT.vi}" if ready
                             else texts.RECEIVE_SCANNER_DOWN.format(detail=detail).vi)
        self.scanner_label.setText(self.scanner_text)

    def _filter(self, query: str = "") -> None:
        current = self.procedure
        self.results.blockSignals(True)
        self.results.clear()
        self._shown = search_procedures(self.catalog, query or self.search.text())
        for p in self._shown:
            self.results.addItem(f"{p.name}  ·  {p.code}")
        if not self._shown and self.catalog:
            self.results.addItem(texts.RECEIVE_NO_MATCH.vi)
        if current is not None:
            for i, p in enumerate(self._shown):
                if p.code == current.code:
                    self.results.setCurrentRow(i)
        self.results.blockSignals(False)

    def _picked_row(self, row: int) -> None:
        shown = getattr(self, "_shown", [])
        if 0 <= row < len(shown):
            self.pick(shown[row].code)

    def pick(self, code: str) -> None:
        """Choose a procedure by code: its documents are listed to be ticked."""
        proc = next((p for p in self.catalog if p.code == code), None)
        if proc is None or proc is self.procedure:
            return
        self.procedure = proc
        # Plain text: catalog text comes from the central server and is shown as it is, never as markup.
        self.procedure_label.setText(
            f"{proc.name} ({proc.code})\n"
            + texts.RECEIVE_CHOSEN.format(duration=duration_text(proc), fee=fee_text(proc)).vi)
        self._draw_documents()
        self.by_post.setEnabled("post" in (proc.delivery or ["center", "post"]))
        self.at_center.setEnabled("center" in (proc.delivery or ["center", "post"]))
        if not self.at_center.isEnabled():
            self.by_post.setChecked(True)
        elif not self.by_post.isEnabled():
            self.at_center.setChecked(True)

    def tick(self, *indexes: int, all_: bool = False) -> None:
        """Tick documents by position (1-based), or all of them."""
        for i, row in enumerate(self.doc_rows, start=1):
            if all_ or i in indexes:
                row.check.setChecked(True)

    def _delivery_changed(self, post: bool) -> None:
        self.post_address.setEnabled(post)
        if post and not self.post_address.text():
            self.post_address.setText(self.address.text())

    def request(self) -> ReceiveRequest:
        """The form's content as a request (not validated)."""
        docs = tuple(ReceivedDocument(r.doc.name, r.originals.value(), r.copies.value())
                     for r in self.doc_rows if r.check.isChecked() and (r.originals.value() or r.copies.value()))
        return ReceiveRequest(
            dossier_id=self.dossier_id, procedure=self.procedure, name=" ".join(self.name.text().split()),
            id_number=self.id_number.text(), phone=self.phone.text(), email=self.email.text(),
            address=self.address.text(), documents=docs, sets=self.sets.value(),
            delivery="post" if self.by_post.isChecked() else "center", delivery_address=self.post_address.text(),
            note=self.note.text(), ticket_id=self.ticket.id if self.ticket else None)

    # ------------------------------------------------------------------ submit and print
    def submit(self) -> None:
        """Validate, then send to the hub (worker thread); the form keeps everything until the hub confirms."""
        if self.sending or self.pages.currentIndex() != 0:
            return
        req = self.request()
        problems = req.problems()
        if problems:
            self.form_status.setText("\n".join(p.vi for p in problems))
            self.changed.emit()
            return
        self.sending = True
        self.submit_button.setEnabled(False)
        self.form_status.setObjectName("status")
        self._restyle(self.form_status)
        self.form_status.setText(texts.RECEIVE_SENDING.vi)
        client, body = self.client, req.body()
        self._pending = req
        self.run(lambda: client.submit_dossier(body), self._submitted, self._submit_failed)

    def _print(self) -> None:
        r = self.received
        if r is None:
            return
        if self.printer_settings is None:
            r.printed, r.print_message = False, texts.RECEIVE_NO_PRINTER.vi
            self._draw_done()
            return
        printer, slip, copies, client = self.ensure_printer(), r.slip, list(self.printer_settings.copies), self.client
        device = f"{self.window().windowTitle() or 'counter'} – máy in giấy hẹn"
        r.printed, r.print_message = None, texts.RECEIVE_PRINTING.vi
        self._draw_done()

        def op() -> JobResult:
            # Worker thread: the printer, then the hub's fault list (best effort), no widgets.
            from sync.client import HubError, HubUnavailable

            result = print_slip(printer, slip, copies)
            try:
                if result.printed:
                    if self._fault_reported:
                        client.report_device(None, device=device)
                        self._fault_reported = False
                else:
                    client.report_device(printer_fault(result), message=result.reason.vi if result.reason else "",
                                         device=device)
                    self._fault_reported = True
            except (HubError, HubUnavailable) as exc:
                log.info("printer fault not reported: %s", exc)
            return result

        self.run(op, self._slip_printed, self._slip_print_failed)

    _fault_reported = False

    def ensure_printer(self) -> Printer:
        """The counter's printer (slips and receipts), opened on first use; printer_settings must be set."""
        if self.printer is None:
            from printer_drivers.connection import Printer

            s = self.printer_settings
            assert s is not None
            self.printer = Printer(s.address, profile=s.profile, paper_mm=s.paper_mm)
        return self.printer

    def reprint(self) -> None:
        """Print the slip of the dossier just received again (after fixing the printer)."""
        if self.received is not None and self.received.printed is not None:
            self._print()

    def run(self, op: Callable[[], T], on_done: Callable[[T], None], on_error: Callable[[Exception], None]) -> None:
        """Queue op on the panel's worker (the form's and the fee step's calls); on_done(result) or
        on_error(exc) on the GUI thread, then `changed`."""

        def done(result: T) -> None:
            on_done(result)
            self.changed.emit()

        def failed(exc: Exception) -> None:
            on_error(exc)
            self.changed.emit()

        self._run(op, done, failed)

    # the answers (GUI thread)
    def _catalog_loaded(self, result: tuple[Catalog, SiteDocument | None]) -> None:
        catalog, site = result
        self.catalog = list(catalog.procedures)
        if site is not None:
            self.site = site
        self.procedure_label.setText("" if self.catalog else texts.RECEIVE_CATALOG_EMPTY.vi)
        self._filter()

    def _catalog_failed(self, error: Exception) -> None:
        from sync.client import HubError, HubUnavailable

        detail = error.message if isinstance(error, (HubError, HubUnavailable)) else str(error)
        self.procedure_label.setText(texts.RECEIVE_CATALOG_FAILED.format(detail=detail).vi)

    def _submitted(self, dossier: DossierStaffView) -> None:
        self.sending = False
        self.submit_button.setEnabled(True)
        req = self._pending
        self.received = Received(req, dossier, make_slip(req, dossier, self.site, clerk=self.clerk()))
        self.form_status.setText("")
        self.pages.setCurrentIndex(1)
        self._print()

    def _submit_failed(self, error: Exception) -> None:
        from sync.client import HubError, HubUnavailable

        self.sending = False
        self.submit_button.setEnabled(True)
        self.form_status.setObjectName("error")
        self._restyle(self.form_status)
        if isinstance(error, HubUnavailable):
            self.form_status.setText(texts.RECEIVE_HUB_DOWN.vi)
        elif isinstance(error, HubError) and error.code == "idempotency_conflict":
            self.form_status.setText(texts.RECEIVE_CONFLICT.vi)
        elif isinstance(error, HubError):
            self.form_status.setText(texts.RECEIVE_HUB_REFUSED.format(message=error.message).vi)
        else:
            log.error("dossier not sent", exc_info=error)
            self.form_status.setText(texts.RECEIVE_HUB_REFUSED.format(message=str(error)).vi)

    def _slip_printed(self, result: JobResult) -> None:
        r = self.received
        if r is None:
            return
        if result.printed:
            r.printed = True
            r.print_message = texts.RECEIVE_PRINTED.format(n=len(self.printer_settings.copies)
                                                           if self.printer_settings else 0).vi
            if result.warning is not None:
                r.print_message += f" – {result.warning.vi}"
        else:
            reason = result.reason.vi if result.reason else result.outcome.text.vi
            r.printed, r.print_message = False, texts.RECEIVE_PRINT_FAILED.format(reason=reason).vi
        self._draw_done()

    def _slip_print_failed(self, error: Exception) -> None:
        r = self.received
        if r is None:
            return
        log.error("slip not printed", exc_info=error)
        r.printed, r.print_message = False, texts.RECEIVE_PRINT_FAILED.format(reason=str(error)).vi
        self._draw_done()

    @staticmethod
    def _restyle(w: QWidget) -> None:
        w.style().unpolish(w)
        w.style().polish(w)

    def _draw_done(self) -> None:
        r = self.received
        if r is None:
            return
        d = r.dossier
        self.code_label.setText(d.code)
        # Said to the citizen with the code: a look-up by the code needs it (it is printed on the slip too).
        self.lookup_label.setText(texts.RECEIVE_LOOKUP_CODE.format(code=d.lookup_code).vi if d.lookup_code else "")
        self.provisional_label.setVisible(d.provisional)
        self.done_applicant.setText(f"{r.request.name}" + (f" · CCCD {r.request.id_number}" if r.request.id_number else ""))
        self.done_procedure.setText(f"{r.request.procedure.name if r.request.procedure else ''} · "
                                    f"{len(r.request.documents)} giấy tờ · "
                                    f"{r.request.sets} bộ")
        received = parse_time(d.submitted_at)
        self.received_label.setText(f"{texts.RECEIVE_RECEIVED_AT.vi}: {_words(received)}" if received else "")
        due = parse_time(d.due_at)
        self.due_label.setText(_words(due) if due else texts.RECEIVE_NO_DUE.vi)
        self.print_label.setText(r.print_message)
        self.print_label.setObjectName("error" if r.printed is False else "status")
        self._restyle(self.print_label)
        self.reprint_button.setEnabled(r.printed is not None and self.printer_settings is not None)
        self.fee_box.show_for(r)

    # ------------------------------------------------------------------ leaving
    def new_dossier(self) -> None:
        """Clear the form for the next dossier (a new id)."""
        self.dossier_id = str(uuid.uuid4())
        self.received = None
        self.fee_box.clear()
        for e in (self.id_number, self.name, self.phone, self.email, self.address, self.post_address, self.note,
                  self.search):
            e.clear()
        self.procedure = None
        self.procedure_label.setText("")
        self._draw_documents()
        self.sets.setValue(1)
        self.at_center.setChecked(True)
        self.form_status.setText("")
        self.pages.setCurrentIndex(0)
        self._filter()

    def close_form(self) -> None:
        """Back to the counter page. An unsent form keeps its data (and its id) for when it is opened again."""
        if self.received is not None:
            self.new_dossier()
        self.closed.emit()

    def close_printer(self) -> None:
        """Release the printer connection (on exit)."""
        if self.printer is not None:
            self.printer.close()
        self.fee_box.citizen.close()


def _words(dt: datetime) -> str:
    return formats.datetime_vi(dt.replace(tzinfo=None))  # the hub's local time, as given (the slip's words)

