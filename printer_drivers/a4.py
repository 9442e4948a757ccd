"""A4 pages as PDF: the filled declaration form (tờ khai) laid out like the official paper form, blank
forms and procedures' guidance sheets (hướng dẫn thủ tục) for public computers.

fpdf2 draws the page with the bundled Noto Sans (OFL) embedded as a subset with its Unicode map, so the PDF
shows Vietnamese on any printer or viewer and its text can be extracted again (the tests do). The national
motto, the title, "Kính gửi", the fields in the form's order (inline fields share a line), the pledge and
the signature block with the place and date, as Circular-style forms print them.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF

from motcua.forms import FieldType, FormDefinition, FormField, date_in_words, display_value

log = logging.getLogger(__name__)

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FAMILY = "NotoSans"
MARGIN_MM = (30.0, 20.0, 15.0, 20.0)
"""Left, top, right, bottom: the margins of administrative documents (Decree 30/2020/NĐ-CP, Appendix I)."""
BODY_PT = 12.5
LINE_MM = 7.0
BLANK = "." * 40
"""A field left empty prints as dots, to be written by hand."""


class DeclarationPdf(FPDF):
    """An A4 page set in Noto Sans, with the form's number at the foot of each page."""

    def __init__(self, footer_text: str = "", *, title: str = "Tờ khai") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FAMILY, "", str(FONTS / "NotoSans-Regular.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "NotoSans-Bold.ttf"))
        left, top, right, bottom = MARGIN_MM
        self.set_margins(left, top, right)
        self.set_auto_page_break(True, margin=bottom)
        self.set_title(title)
        self.set_creator("motcua-edge")

    def footer(self) -> None:  # noqa: D102 - fpdf2's hook
        if not self.footer_text:
            return
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, f"{self.footer_text} · trang {self.page_no()}/{{nb}}", align="L")


def _line(pdf: FPDF, text: str, *, bold: bool = False, size: float = BODY_PT, align: str = "L") -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.multi_cell(0, LINE_MM, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _field_text(f: FormField, value: str) -> str:
    shown = display_value(f, value) if value else BLANK
    if value and f.type is FieldType.DATE and f.in_words:
        from motcua.forms import parse_date

        d = parse_date(value)
        if d is not None:
            shown = f"{shown} (bằng chữ: {date_in_words(d)})"
    label = f.page_label
    if label == "":
        return f", {shown}"
    return f"{label}: {shown}"


def declaration_pdf(form: FormDefinition, values: Mapping[str, str], *, signed_on: date | None = None,
                    reference: str = "") -> bytes:
    """The filled form as an A4 PDF; `values` as stored (dates ISO); empty fields print as dots.

    `signed_on` dates the signature line ("…, ngày 15 tháng 3 năm 2026"); `reference` (a dossier code)
    goes into the footer.
    """
    footer = " · ".join(x for x in (form.form_no, reference) if x)
    pdf = DeclarationPdf(footer)
    pdf.alias_nb_pages()
    pdf.add_page()
    # The national motto, the form number above the title.
    _line(pdf, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align="C")
    _line(pdf, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align="C")
    x = pdf.w / 2
    pdf.line(x - 30, pdf.get_y(), x + 30, pdf.get_y())
    pdf.ln(4)
    _line(pdf, form.title, bold=True, size=15, align="C")
    pdf.ln(3)
    skip = {form.addressee, _signed_at(form)}
    if form.addressee:
        _line(pdf, f"Kính gửi: {values.get(form.addressee) or BLANK}", align="C")
        pdf.ln(2)
    for section in form.sections:
        fields = [f for f in section.fields if f.key not in skip]
        if not fields:
            continue
        if section.title:
            _line(pdf, section.title, bold=True)
        line = ""
        for f in fields:
            text = _field_text(f, values.get(f.key, ""))
            if f.inline and line:
                line += text if text.startswith(",") else f"   {text}"
            else:
                if line:
                    _line(pdf, line)
                line = text.lstrip(", ")
        if line:
            _line(pdf, line)
        pdf.ln(1.5)
    if form.pledge:
        pdf.ln(2)
        _line(pdf, form.pledge, align="J")
    # The signature block, on the right half.
    pdf.ln(4)
    place = values.get(_signed_at(form), "") or "........"
    when = f"ngày {signed_on.day:02d} tháng {signed_on.month:02d} năm {signed_on.year}" if signed_on \
        else "ngày ..... tháng ..... năm ......."
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for text, bold in ((f"{place}, {when}", False), (form.signer, True), (form.signer_note, False)):
        pdf.set_x(pdf.l_margin + half)
        pdf.set_font(FAMILY, "B" if bold else "", BODY_PT)
        pdf.multi_cell(half, LINE_MM, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    signer = values.get(form.signer_field, "") if form.signer_field else ""
    if signer:
        pdf.set_x(pdf.l_margin + half)
        pdf.set_font(FAMILY, "B", BODY_PT)
        pdf.multi_cell(half, LINE_MM, signer, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def blank_form_pdf(form: FormDefinition) -> bytes:
    """The form with every field as dots, for writing by hand (public computers, the counter)."""
    return declaration_pdf(form, {})


def _signed_at(form: FormDefinition) -> str:
    """The field that names the place of signing ("Làm tại"), printed in the signature block."""
    return "signed_at" if form.field("signed_at") is not None else ""


@dataclass(frozen=True, slots=True)
class GuidanceSheet:
    """Hướng dẫn thực hiện thủ tục: what a citizen needs before coming, from the catalog (public computers)."""

    code: str
    name: str
    field: str
    legal_basis: str
    """Căn cứ pháp lý."""
    documents: tuple[str, ...]
    """Thành phần hồ sơ, one line each (with how many originals and copies)."""
    fee: str
    processing_time: str
    where: str
    """Nơi nộp: the center, its address, the service to take a number for and its counters."""
    form: str = ""
    """The declaration form's title and number, when the procedure has one."""
    center: str = ""
    printed_on: date | None = None


def guidance_pdf(sheet: GuidanceSheet) -> bytes:
    """The procedure's guidance sheet as an A4 PDF (Noto Sans: the text extracts with its diacritics)."""
    pdf = DeclarationPdf(f"{sheet.code} · hướng dẫn thủ tục", title=f"Hướng dẫn: {sheet.name}")
    pdf.alias_nb_pages()
    pdf.add_page()
    if sheet.center:
        _line(pdf, sheet.center.upper(), bold=True, size=12, align="C")
        pdf.ln(2)
    _line(pdf, "HƯỚNG DẪN THỰC HIỆN THỦ TỤC HÀNH CHÍNH", bold=True, size=15, align="C")
    _line(pdf, sheet.name, bold=True, size=14, align="C")
    _line(pdf, f"Mã thủ tục: {sheet.code}   ·   Lĩnh vực: {sheet.field or '—'}", align="C")
    pdf.ln(4)
    sections = [("Căn cứ pháp lý", [sheet.legal_basis or "Hỏi cán bộ hướng dẫn tại Trung tâm."]),
                ("Thành phần hồ sơ", [f"{i}. {d}" for i, d in enumerate(sheet.documents, start=1)]
                 or ["Không yêu cầu giấy tờ."]),
                ("Phí, lệ phí", [sheet.fee]),
                ("Thời hạn giải quyết", [sheet.processing_time]),
                ("Nơi nộp hồ sơ", [sheet.where])]
    if sheet.form:
        sections.append(("Mẫu đơn, tờ khai", [sheet.form]))
    for n, (title, lines) in enumerate(sections, start=1):
        _line(pdf, f"{n}. {title}", bold=True)
        for text in lines:
            pdf.set_x(pdf.l_margin + 6)
            pdf.set_font(FAMILY, "", BODY_PT)
            pdf.multi_cell(0, LINE_MM, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if sheet.printed_on is not None:
        pdf.ln(4)
        when = sheet.printed_on
        _line(pdf, f"In tại ki-ốt ngày {when.day:02d}/{when.month:02d}/{when.year}. Bản hướng dẫn không thay thế "
                   "hồ sơ; mời nộp hồ sơ tại quầy hoặc tại ki-ốt.", size=10)
    return bytes(pdf.output())
