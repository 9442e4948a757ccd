"""Public-computer mode on the procedure page (issue 17): print the procedure's guidance sheet (hướng dẫn thủ
tục: name, legal basis, documents, fees, processing time, where to submit — from the catalog and the site) on
the A4 printer through CUPS, without submitting anything. The blank form is kiosk.declaration's panel beside it.

Printing runs on the window's worker (the job is followed, which takes seconds on paper); a paused or missing
printer is said in plain Vietnamese with English below, never the print service's words.
"""
from __future__ import annotations

import logging
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk import texts as T
from kiosk.declaration import form_of, site_tz
from kiosk.declaration_print import outcome_text
from kiosk.host import KioskHost
from motcua import formats
from motcua.contract import Procedure, SiteDocument
from printer_drivers.a4_printer import A4PrinterConfig, A4Result
from ui.qt import QVBoxLayout, QWidget

if TYPE_CHECKING:  # printer_drivers.a4 loads fpdf (a third of a second, megabytes): only when a sheet is printed
    from printer_drivers.a4 import GuidanceSheet

log = logging.getLogger(__name__)


def guidance_sheet(procedure: Procedure, site: SiteDocument | None, *, printed_on: date | None = None) -> GuidanceSheet:
    """A procedure's guidance sheet, in Vietnamese as the official sheets are, from the catalog and the site."""
    from printer_drivers.a4 import GuidanceSheet
    form = form_of(procedure)
    legal = procedure.legal_basis or (form.legal_basis if form is not None else "")
    docs = []
    for d in procedure.documents:
        counts = ", ".join(x for x in (f"{d.originals} bản chính" if d.originals else "",
                                       f"{d.copies} bản sao" if d.copies else "") if x)
        docs.append(d.name + (f" ({counts})" if counts else "") + (f" — {d.note}" if d.note else ""))
    fee = formats.fee_text(procedure.fee, procedure.fee_note).vi
    duration = formats.processing_time(procedure.processing_time.value, procedure.processing_time.unit).vi
    if procedure.processing_time.note:
        duration = f"{duration} ({procedure.processing_time.note})"
    where = "Trung tâm Phục vụ hành chính công"
    if site is not None:
        where = site.site.name + (f", {site.site.address}" if site.site.address else "")
        service = site.service(procedure.service) if procedure.service else None
        if service is not None:
            counters = [str(c.number) for c in site.counters if service.code in c.services]
            where += f". Lấy số thứ tự dịch vụ «{service.name}» tại ki-ốt"
            where += f", nộp tại quầy số {', '.join(counters)}." if counters else "."
        else:
            where += "."
    return GuidanceSheet(code=procedure.code, name=procedure.name, field=procedure.field, legal_basis=legal,
                         documents=tuple(docs), fee=fee, processing_time=duration, where=where,
                         form=f"{form.title} ({form.form_no})" if form is not None and form.form_no
                         else (form.title if form is not None else ""),
                         center=site.site.name if site is not None else "", printed_on=printed_on)


def print_guidance(sheet: GuidanceSheet, cfg: A4PrinterConfig) -> A4Result:
    """The guidance sheet on the A4 printer (worker thread: the printer is checked, the job followed)."""
    from printer_drivers.a4 import guidance_pdf

    result = cfg.printer().print_pdf(guidance_pdf(sheet), title=f"{sheet.code} huong dan", follow_s=cfg.follow_s)
    if result.fault is not None:
        log.warning("the guidance sheet of %s was not printed: %s", sheet.code, result.fault.code)
    return result


class GuidancePanel:
    """The procedure page's "In hướng dẫn thủ tục" button and what became of the print."""

    def __init__(self, host: KioskHost) -> None:
        self.host = host
        self.procedure: Procedure | None = None
        kit = host.kit
        self.panel = QWidget()
        col = QVBoxLayout(self.panel)
        col.setContentsMargins(0, 0, 0, 0)
        self.button = kit.button("", size=7.5, color=kit.theme.dossier, min_h_mm=18)
        self.button.setObjectName("print_guidance")
        self.button.clicked.connect(self.print_sheet)
        self.message = kit.label("", size=7.5, bold=True)
        self.message.setObjectName("guidance_printed")
        col.addWidget(self.button)
        col.addWidget(self.message)  # under its button: the blank form's outcome is above that one
        self.panel.hide()

    def retranslate(self) -> None:
        """Texts in the window's language."""
        self.button.setText(T.GUIDE_PRINT(self.host.lang))

    def show_procedure(self, procedure: Procedure) -> None:
        """The procedure on the page: its sheet can be printed when the kiosk has an A4 printer."""
        self.procedure = procedure
        self.message.setText("")
        self.message.hide()
        self.button.setEnabled(True)
        self.retranslate()
        self.panel.setVisible(self.host.backend.config.a4_printer is not None)

    def print_sheet(self) -> None:
        """Print the sheet off the GUI thread; the page says "printing" now and the outcome when known."""
        cfg = self.host.backend.config.a4_printer
        if self.procedure is None or cfg is None or not self.button.isEnabled():
            return
        today = datetime.fromtimestamp(self.host.clock(), site_tz(self.host)).date()
        site = self.host.backend.site
        sheet = guidance_sheet(self.procedure, site.doc if site is not None else None, printed_on=today)
        self.button.setEnabled(False)
        self.message.setText(T.FORM_PRINTING(self.host.lang))
        self.message.show()
        self.host.run(lambda: print_guidance(sheet, cfg), self._printed, self._printed)

    def _printed(self, value: object) -> None:
        self.button.setEnabled(True)
        if self.host.page != "procedure" or self.procedure is None:
            return  # the citizen has moved on: the next screen says nothing of it
        self.message.setText(outcome_text(value, T.GUIDE_PRINTED, self.host.lang))
        self.message.show()

    def clear(self) -> None:
        """Forget the procedure and the last print's outcome."""
        self.procedure = None
        self.message.clear()
        self.message.hide()
