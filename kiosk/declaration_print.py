"""The declaration's A4 page off the GUI thread: the PDF of a draft's form, its first page as a PNG for the
review and procedure screens (QtPdf), and printing the blank form. Every function here blocks: the kiosk's
worker runs them."""
from __future__ import annotations

import logging
from datetime import date, datetime

from kiosk import texts as T
from kiosk.backend import DossierDraft
from motcua.forms import Declaration, FormDefinition
from printer_drivers.a4_printer import A4Fault, A4PrinterConfig, A4Result
from ui.qt import QBuffer, QByteArray, QColor, QImage, QPainter, QSize, pdf_document

log = logging.getLogger(__name__)


def declaration_pdf_of(draft: DossierDraft, signed_on: date, reference: str = "") -> bytes | None:
    """The draft's filled declaration as its A4 PDF (None without a complete one). Blocking: the worker's."""
    from printer_drivers.a4 import declaration_pdf

    d = draft.declaration
    if d is None or not d.complete:
        return None
    return declaration_pdf(d.form, d.values, signed_on=signed_on, reference=reference)


def declaration_preview(draft: DossierDraft, signed_on: date, width_px: int = 900) -> bytes | None:
    """The first page of the draft's A4 declaration as a PNG, for the review screen (worker thread)."""
    pdf = declaration_pdf_of(draft, signed_on)
    return None if pdf is None else pdf_png(pdf, width_px)


def blank_preview(form: FormDefinition, width_px: int = 900) -> bytes | None:
    """The blank form's first page as a PNG, for the procedure page (worker thread)."""
    from printer_drivers.a4 import blank_form_pdf

    return pdf_png(blank_form_pdf(form), width_px)


def print_blank(form: FormDefinition, cfg: A4PrinterConfig) -> A4Result:
    """The blank form on the A4 printer, for writing by hand (worker thread; public-computer mode too)."""
    from printer_drivers.a4 import blank_form_pdf

    return cfg.printer().print_pdf(blank_form_pdf(form), title=f"{form.id} blank", follow_s=cfg.follow_s)


def pdf_png(pdf: bytes, width_px: int) -> bytes | None:
    """A PDF's first page as a PNG (worker thread).

    Hazard: QPdfDocument is a QObject; it is made, used and dropped here, on the worker's thread, and only
    the PNG bytes cross to the GUI thread.
    """
    doc = pdf_document()
    buf = QBuffer()
    buf.setData(QByteArray(pdf))
    buf.open(QBuffer.OpenModeFlag.ReadOnly)
    doc.load(buf)
    if doc.pageCount() < 1:
        log.warning("the declaration's PDF did not load for its preview: %s", doc.error())
        return None
    page = doc.pagePointSize(0)
    size = QSize(width_px, int(width_px * page.height() / page.width()))
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))  # the page is rendered transparent: on paper white, not the kiosk's blue
    painter = QPainter(image)
    painter.drawImage(0, 0, doc.render(0, size))
    painter.end()
    out = QBuffer()
    out.open(QBuffer.OpenModeFlag.WriteOnly)
    image.save(out, "PNG")  # type: ignore[call-overload]  # PySide6 takes str here, its stubs say bytes
    doc.close()
    return bytes(out.data().data())


def print_declaration(declaration: Declaration, *, code: str, submitted_at: str, cfg: A4PrinterConfig) -> A4Result:
    """The submitted declaration on the A4 printer, for the file and for signing (worker thread; the job is
    followed for `cfg.follow_s`)."""
    from printer_drivers.a4 import declaration_pdf

    signed_on = datetime.fromisoformat(submitted_at).date() if submitted_at else None
    pdf = declaration_pdf(declaration.form, declaration.values, signed_on=signed_on, reference=code)
    result = cfg.printer().print_pdf(pdf, title=f"{declaration.form.id} {code}", follow_s=cfg.follow_s)
    if result.fault is not None:
        log.warning("the declaration of %s was not printed: %s", code, result.fault.code)
    return result


def outcome_text(value: object, printed: T.T, lang: str) -> str:
    """What the citizen reads after a print from the procedure page: taken from the printer, or why not in
    Vietnamese with English below (a paused, missing or unreachable printer)."""
    result = value if isinstance(value, A4Result) else A4Result(False, fault=A4Fault.JOB_FAILED)
    if result.printed:
        return printed(lang)
    fault = result.fault or A4Fault.JOB_FAILED
    return f"{T.PRINT_NOT_DONE.vi.format(reason=fault.vi)}\n{T.PRINT_NOT_DONE.en.format(reason=fault.en)}"
