"""Page layouts: the queue ticket, the appointment slip (Mẫu 01) and the technician test page.

Each layout takes a small typed input and returns a `Job` (bytes and preview from the same blocks).
Text on paper is Vietnamese (texts.py); plain-ASCII lines (times, English names, addresses) use the
printer's own font, which keeps a ticket small enough for a slow serial printer.
"""
from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from motcua import formats
from motcua.config import SiteConfig
from printer_drivers import texts
from printer_drivers.document import Align, Job, PageBuilder, Paper
from printer_drivers.receipt import SlipFee, slip_fee_block
from printer_drivers.render import TextStyle
from printer_drivers.styles import Styles, copies_job, place_name

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _local(dt: datetime, tz: ZoneInfo | None) -> datetime:
    if dt.tzinfo is None:
        return dt
    return dt.astimezone(tz or DEFAULT_TZ)


def datetime_in_words(dt: datetime | None) -> str:
    """"14 giờ 30 phút, ngày 05 tháng 12 năm 2026", as the slip prints times; the form's blanks for None."""
    if dt is None:
        return texts.SLIP_WHEN_BLANK.vi
    return formats.datetime_vi(dt.replace(tzinfo=None))  # as given: the slip's times are already local


# -- queue ticket (phiếu số thứ tự) ----------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedTicket:
    """What goes on a queue ticket (phiếu số thứ tự); `from_hub` builds it from the hub's ticket JSON."""

    display: str
    service_name: str
    issued_at: datetime
    center_name: str
    service_name_en: str = ""
    priority_name: str | None = None
    ahead: int | None = None
    estimated_wait_s: float | None = None
    tracking_url: str = ""
    footer: str = ""
    ticket_id: str = ""
    test: bool = False
    """A test ticket of commissioning mode: marked "VÉ THỬ / TEST" above its number."""

    @classmethod
    def from_hub(cls, ticket: Mapping[str, Any], site: SiteConfig) -> PrintedTicket:
        """From the hub's ticket JSON and the site config (service and priority names, footer)."""
        service = site.service(str(ticket["service"]))
        priority_code = ticket.get("priority")
        priority = next((p for p in site.priority_categories if p.code == priority_code), None)
        issued = ticket["issued_at"]
        issued_at = datetime.fromisoformat(issued) if isinstance(issued, str) else issued
        ahead = ticket.get("ahead")
        if ahead is None and ticket.get("position") is not None:
            ahead = max(0, int(ticket["position"]) - 1)
        return cls(
            display=str(ticket["display"]),
            service_name=service.name if service else str(ticket["service"]),
            service_name_en=service.name_en if service else "",
            issued_at=_local(issued_at, site.tz),
            center_name=site.site.name,
            priority_name=(priority.name if priority else str(priority_code)) if priority_code else None,
            ahead=None if ahead is None else int(ahead),
            estimated_wait_s=ticket.get("estimated_wait_s"),
            tracking_url=str(ticket.get("tracking_url") or ""),
            footer=site.display.ticket_footer,
            ticket_id=str(ticket.get("id") or ""),
            test=bool(ticket.get("test")),
        )


def _wait_text(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return texts.TICKET_WAIT.vi.format(minutes=minutes)
    return texts.TICKET_WAIT_HOURS.vi.format(hours=minutes // 60, minutes=minutes % 60)


def ticket_job(ticket: PrintedTicket, *, paper: Paper | None = None) -> Job:
    """The queue ticket: center, service, the big number, priority mark, time, queue ahead, QR, footer."""
    paper = paper or Paper()
    s = Styles.for_ticket(paper)
    page = PageBuilder(paper)
    page.text(ticket.center_name, s.header, align=Align.CENTER)
    page.feed(6)
    page.rule(thickness=1, margin=paper.dots // 4)
    page.feed(10)
    # No "PHIẾU SỐ THỨ TỰ" title: the number says what the paper is, and its ~800 bytes keep a ticket
    # under 8 KB (under a second on a 115200-baud serial printer).
    page.text(ticket.service_name, s.heading, align=Align.CENTER)
    if ticket.service_name_en:
        page.text(ticket.service_name_en, s.small, align=Align.CENTER, printer_font=True)
    page.feed(10)
    if ticket.test:
        page.text(texts.TICKET_TEST.vi, s.header, align=Align.CENTER)
        page.feed(4)
    # Half resolution, printed 2x2: a quarter of the bytes, and edges still smooth at this size.
    page.text(ticket.display, s.number, align=Align.CENTER, scale=2)
    page.feed(10)
    if ticket.priority_name:
        # Raster bytes are the box's area: the mark is drawn at half resolution and printed 2x2 (big and
        # bold for a quarter of the bytes) and the category is small, so a priority ticket stays under 8 KB.
        mark = TextStyle(max(8, s.body_bold.size // 2 + 2), True)
        page.image(_inverted_label(texts.TICKET_PRIORITY.vi, mark, max_width=page.width // 2, pad=6),
                   align=Align.CENTER, scale=2)
        page.feed(4)
        page.text(ticket.priority_name, s.small, align=Align.CENTER)
        page.feed(10)
    page.printer_text(ticket.issued_at.strftime("%H:%M  %d/%m/%Y"), align=Align.CENTER, bold=True)
    page.feed(6)
    if ticket.ahead is not None:
        line = (texts.TICKET_AHEAD.vi.format(ahead=ticket.ahead) if ticket.ahead > 0
                else texts.TICKET_AHEAD_NONE.vi)
        page.text(line, s.header, align=Align.CENTER)
    if ticket.estimated_wait_s is not None and (ticket.ahead or 0) > 0:
        page.text(_wait_text(ticket.estimated_wait_s), s.header, align=Align.CENTER)
    if ticket.tracking_url:
        page.feed(12)
        page.qr(ticket.tracking_url, module=s.qr_module, ec="M")
        page.feed(6)
        page.text(texts.TICKET_SCAN.vi, s.small, align=Align.CENTER)
    if ticket.footer:
        page.feed(8)
        page.rule(thickness=1, dashed=True)
        page.feed(8)
        page.text(ticket.footer, s.small, align=Align.CENTER, printer_font=True)
    page.cut()
    return page.build(name=f"ticket-{ticket.display}")


def _inverted_label(text: str, style: TextStyle, *, max_width: int, pad: int = 12) -> Image.Image:
    """White text on a black band (the priority mark); wrapped if it is long."""
    from printer_drivers import render

    lines = render.wrap_balanced(text, style, max_width - 2 * pad)
    inks = [render.render_line(line, style) for line in lines]
    width = min(max_width, max(i.image.width for i in inks) + 2 * pad)
    height = len(inks) * style.pitch + pad
    band = Image.new("1", (width, height), 1)
    for j, ink in enumerate(inks):
        if ink.image.width:
            x = (width - ink.image.width) // 2
            band.paste(0, (x, pad // 2 + j * style.pitch + ink.top), mask=ink.image)
    return band


# -- appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mẫu số 01) -----------------------------


@dataclass(frozen=True)
class SubmittedDocument:
    """One entry of "Thành phần hồ sơ": a document and how many originals or copies."""

    name: str
    count: int = 1
    original: bool = True


@dataclass(frozen=True)
class AppointmentSlip:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu số 01, Circular 01/2018/TT-VPCP)."""

    agency: str
    center_name: str
    place: str
    dossier_code: str
    applicant_name: str
    procedure: str
    received_at: datetime
    return_at: datetime | None
    """None when it is not known yet: the slip prints the paper form's blanks for the clerk to fill in."""
    processing_time: str
    """As the procedure states it: "05 ngày làm việc", "16 giờ làm việc"."""
    documents: tuple[SubmittedDocument, ...] = ()
    sets: int = 1
    address: str = ""
    phone: str = ""
    email: str = ""
    delivery: str = ""
    """Where the result is collected: at the center, or a postal address."""
    dossier_id: str = ""
    """The dossier's UUID (made on site; lookups work with it before and after the official code)."""
    provisional: bool = False
    lookup_url: str = ""
    """What the QR code holds; empty: the dossier code itself."""
    lookup_code: str = ""
    """Mã tra cứu: printed beside the dossier code; a look-up by the code needs it (the QR does not)."""
    ledger_book: str = ""
    ledger_entry: str = ""
    receiver_name: str = ""
    fee: SlipFee | None = None
    """The fee and its VietQR (printed on the citizen's copy), None for a procedure without a fee."""

    @property
    def qr_payload(self) -> str:
        """The QR's content: the lookup URL (carrying the dossier UUID) or else the dossier code."""
        return self.lookup_url or self.dossier_code


SlipCopy = Literal["archive", "customer"]


def slip_job(slip: AppointmentSlip, *, paper: Paper | None = None,
             copies: Sequence[SlipCopy] = ("customer",)) -> Job:
    """The appointment slip, one copy after another ("Liên: Lưu", "Liên: Giao khách hàng"), each cut."""
    return copies_job(paper, copies, lambda page, s, copy: _slip_copy(page, slip, s, copy),
                      name=f"slip-{slip.dossier_code}")


def _slip_copy(page: PageBuilder, slip: AppointmentSlip, s: Styles, copy: SlipCopy) -> None:
    small_bold = TextStyle(s.small.size, True)
    page.text(slip.agency.upper(), s.small, align=Align.CENTER)
    page.text(texts.SLIP_DEPARTMENT.vi, small_bold, align=Align.CENTER)
    page.feed(4)
    page.rule(thickness=1, margin=page.width // 3)
    page.feed(8)
    page.text(texts.SLIP_MOTTO_1.vi, small_bold, align=Align.CENTER)
    page.text(texts.SLIP_MOTTO_2.vi, small_bold, align=Align.CENTER)
    page.feed(2)
    page.rule(thickness=1, margin=page.width // 4)
    page.feed(8)
    r = slip.received_at
    page.text(texts.SLIP_PLACE_DATE.vi.format(place=slip.place, date=formats.date_vi(r)),
              s.small, align=Align.CENTER)
    page.feed(10)
    page.text(texts.SLIP_TITLE.vi, s.title, align=Align.CENTER)
    page.feed(4)
    page.text(texts.SLIP_CODE.vi.format(code=slip.dossier_code), s.body_bold, align=Align.CENTER)
    if slip.lookup_code:
        # Beside the code: typing the code alone finds nothing, the pair (or the QR) does.
        page.text(texts.SLIP_LOOKUP_CODE.vi.format(code=slip.lookup_code), s.body_bold, align=Align.CENTER)
    if slip.provisional:
        page.text(texts.SLIP_PROVISIONAL.vi, s.small, align=Align.CENTER)
    copy_text = texts.SLIP_COPY_ARCHIVE if copy == "archive" else texts.SLIP_COPY_CUSTOMER
    page.text(copy_text.vi, s.small, align=Align.CENTER)
    page.feed(10)

    hang = s.body.size
    body = s.body
    page.text(texts.SLIP_RECEIVED_FROM.vi.format(department="Bộ phận tiếp nhận và trả kết quả",
                                                  center=slip.center_name, name=slip.applicant_name),
              body, hanging=hang)
    if slip.address:
        page.text(texts.SLIP_ADDRESS.vi.format(value=slip.address), body, hanging=hang)
    if slip.phone:
        page.text(texts.SLIP_PHONE.vi.format(value=slip.phone), body, hanging=hang)
    if slip.email:
        page.text(texts.SLIP_EMAIL.vi.format(value=slip.email), body, hanging=hang)
    page.text(texts.SLIP_REQUEST.vi.format(value=slip.procedure), body, hanging=hang)
    page.feed(6)
    page.text(texts.SLIP_DOCUMENTS.vi, body)
    for i, doc in enumerate(slip.documents, start=1):
        kind = texts.SLIP_ORIGINAL.vi if doc.original else texts.SLIP_COPY.vi
        page.text(texts.SLIP_DOCUMENT_ITEM.vi.format(index=i, name=doc.name, count=doc.count, kind=kind),
                  body, indent=hang, hanging=hang)
    page.text(texts.SLIP_SETS.vi.format(sets=slip.sets), body, hanging=hang)
    page.text(texts.SLIP_DURATION.vi.format(duration=slip.processing_time), body, hanging=hang)
    page.text(texts.SLIP_RECEIVED_AT.vi.format(when=datetime_in_words(slip.received_at)), body,
              hanging=hang)
    page.text(texts.SLIP_RETURN_AT.vi.format(when=datetime_in_words(slip.return_at)), s.body_bold,
              hanging=hang)
    if slip.delivery:
        page.text(texts.SLIP_DELIVERY.vi.format(value=slip.delivery), body, hanging=hang)
    if slip.ledger_book or slip.ledger_entry:
        page.text(texts.SLIP_LEDGER.vi.format(book=slip.ledger_book or "…", entry=slip.ledger_entry or "…"),
                  body, hanging=hang)
    if slip.fee is not None and copy == "customer":
        slip_fee_block(page, slip.fee, s)
    page.feed(12)
    page.qr(slip.qr_payload, module=s.qr_module, ec="M")
    page.feed(4)
    page.text(texts.SLIP_SCAN.vi, s.small, align=Align.CENTER)
    page.feed(14)
    page.columns([(texts.SLIP_SIGN_APPLICANT.vi, small_bold), (texts.SLIP_SIGN_RECEIVER.vi, small_bold)])
    page.columns([(texts.SLIP_SIGN_HINT.vi, s.small), (texts.SLIP_SIGN_HINT.vi, s.small)])
    page.feed(90)
    page.columns([(slip.applicant_name, s.small), (slip.receiver_name, s.small)])
    page.feed(8)


# -- technician test page (trang in thử) ------------------------------------------------------------------

#: Every Vietnamese vowel with every tone: none, sắc, huyền, hỏi, ngã, nặng.
VOWELS_WITH_TONES = (
    "aáàảãạ", "ăắằẳẵặ", "âấầẩẫậ", "eéèẻẽẹ", "êếềểễệ", "iíìỉĩị",
    "oóòỏõọ", "ôốồổỗộ", "ơớờởỡợ", "uúùủũụ", "ưứừửữự", "yýỳỷỹỵ",
)


def vowel_lines() -> list[str]:
    """The test page's vowel table: each vowel's six tones in lower then upper case, and Đ/đ."""
    lines = [" ".join(row) + "   " + " ".join(row.upper()) for row in VOWELS_WITH_TONES]
    return lines + ["Đ đ   Đường — đồng — ĐẤT ĐAI"]


def vowel_table(width: int, style: TextStyle) -> Image.Image:
    """The vowels with their tones in a grid: one row per vowel, six tones lower case then upper case,
    each letter centered in its own cell so a missing or misplaced mark stands out."""
    from printer_drivers import render

    cols = 13  # 6 lower, a gap, 6 upper
    cell_w = min(width // cols, style.size * 2)
    cell_h = round(style.size * 1.45)
    head = style.size // 2
    img = Image.new("1", (cell_w * cols, len(VOWELS_WITH_TONES) * cell_h + head), 0)
    for r, row in enumerate(VOWELS_WITH_TONES):
        letters = list(row) + [""] + list(row.upper())
        for c, letter in enumerate(letters):
            if not letter:
                continue
            ink = render.render_line(letter, style)
            x = c * cell_w + (cell_w - ink.image.width) // 2
            img.paste(ink.image, (x, head + r * cell_h + ink.top))
    bbox = img.getbbox()
    return img.crop((0, bbox[1], img.width, bbox[3])) if bbox else img


@dataclass(frozen=True)
class PrinterTestPage:
    """What the technician test page reports about the printer."""

    address: str
    profile: str
    paper_mm: int
    printed_at: datetime = field(default_factory=lambda: datetime.now(DEFAULT_TZ))
    qr_payload: str = ""
    barcode: str = "MOTCUA-TEST-0123"


def printer_test_page_job(page_info: PrinterTestPage, *, paper: Paper | None = None) -> Job:
    """Vowels with every tone mark, the printer's address/profile/width, QR, barcode, darkness and
    alignment patterns."""
    paper = paper or Paper(width_mm=page_info.paper_mm, profile=page_info.profile)
    s = Styles.for_paper(paper)
    page = PageBuilder(paper)
    page.image(alignment_ruler(page.width), align=Align.LEFT)
    page.feed(8)
    page.text(texts.TEST_TITLE.vi, s.title, align=Align.CENTER)
    page.printer_text(texts.TEST_TITLE.en, align=Align.CENTER, font="b")
    page.feed(8)
    for label, value in ((texts.TEST_ADDRESS, page_info.address), (texts.TEST_PROFILE, page_info.profile),
                         (texts.TEST_PAPER, f"{page_info.paper_mm} mm = {paper.dots} dots")):
        page.text(f"{label.vi}:", s.small)
        page.printer_text(_ascii(value), bold=True)
    page.printer_text(page_info.printed_at.strftime("%Y-%m-%d %H:%M:%S %z"))
    page.feed(10)
    page.text(texts.TEST_VOWELS.vi, s.small)
    page.image(vowel_table(page.width, TextStyle(s.body.size + 2)), align=Align.CENTER)
    page.feed(4)
    page.text(vowel_lines()[-1], TextStyle(s.body.size + 2), align=Align.CENTER)
    page.feed(4)
    page.text(texts.TEST_SAMPLE.vi, s.body_bold, align=Align.CENTER)
    page.feed(10)
    page.text(texts.TEST_QR.vi, s.small)
    page.qr(page_info.qr_payload or f"MOTCUA TEST {page_info.address}", module=s.qr_module, ec="M")
    page.feed(10)
    page.text(texts.TEST_BARCODE.vi, s.small)
    page.barcode(page_info.barcode, module=2, height=64)
    page.printer_text(page_info.barcode, align=Align.CENTER)
    page.feed(10)
    page.text(texts.TEST_DARKNESS.vi, s.small)
    page.image(darkness_pattern(page.width), align=Align.CENTER)
    page.feed(10)
    page.text(texts.TEST_ALIGNMENT.vi, s.small)
    page.image(alignment_ruler(page.width), align=Align.LEFT)
    page.feed(6)
    page.text(texts.TEST_END.vi, s.small, align=Align.CENTER)
    page.cut()
    return page.build(name="test-page")


def _ascii(text: str) -> str:
    return "".join(c if " " <= c <= "~" else "?" for c in text)


def darkness_pattern(width: int) -> Image.Image:
    """Four squares inked 25%, 50%, 75% and 100% (ordered dither), to judge the print density."""
    size = min(96, (width - 40) // 4)
    img = Image.new("1", (4 * size + 30, size), 0)
    bayer = ((0, 2), (3, 1))
    for i, level in enumerate((1, 2, 3, 4)):
        x0 = i * (size + 10)
        for y in range(size):
            for x in range(size):
                if bayer[y % 2][x % 2] < level:
                    img.putpixel((x0 + x, y), 1)
    return img


def alignment_ruler(width: int) -> Image.Image:
    """Ticks every millimetre (8 dots) across the whole printable width, long ones every 5 mm, bars at
    both edges and a mark in the middle: a misaligned head or a wrong width shows at once."""
    img = Image.new("1", (width, 40), 0)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width - 1, 1), fill=1)
    for x in range(0, width, 8):
        draw.line([(x, 0), (x, 24 if x % 40 == 0 else 12)], fill=1)
    draw.rectangle((0, 0, 3, 39), fill=1)
    draw.rectangle((width - 4, 0, width - 1, 39), fill=1)
    mid = width // 2
    draw.polygon([(mid - 8, 39), (mid + 8, 39), (mid, 26)], fill=1)
    return img


# -- sample data from a site config (motcua print sample, docs, demo) ---------------------------------------


def _place_from(site: SiteConfig) -> str:
    return place_name(site.site.name, site.site.address)


def processing_time_text(procedure: Mapping[str, Any]) -> str:
    """Thời gian giải quyết as the slip states it: "10 ngày làm việc", "16 giờ làm việc", "Trong ngày làm việc"."""
    spec = procedure.get("processing_time") or {}
    return formats.processing_time(spec.get("value"), str(spec.get("unit") or "days")).vi


def slip_for_dossier(*, dossier: Mapping[str, Any], procedure: Mapping[str, Any], site: Mapping[str, Any],
                     documents: Sequence[SubmittedDocument] | None = None, sets: int = 1,
                     receiver: str = "") -> AppointmentSlip:
    """The appointment slip of a dossier as the hub returned it (POST /dossiers), with its procedure
    (GET /catalog) and the hub's /site document; `documents` defaults to the procedure's list."""
    center = site.get("site", site)
    tz = ZoneInfo(str(center.get("timezone") or "Asia/Ho_Chi_Minh"))
    received = datetime.fromisoformat(str(dossier["submitted_at"])).astimezone(tz)
    due = dossier.get("due_at")
    if documents is None:
        documents = tuple(SubmittedDocument(str(d["name"]), max(1, int(d.get("originals") or d.get("copies") or 1)),
                                            bool(d.get("originals", 1))) for d in procedure.get("documents", []))
    applicant = dossier.get("applicant") or {}
    delivery = (texts.SLIP_BY_POST.vi.format(address=dossier.get("delivery_address", ""))
                if dossier.get("delivery") == "post" else str(center.get("name", "")))
    return AppointmentSlip(
        agency=str(center.get("agency") or center.get("name", "")),
        center_name=str(center.get("name", "")),
        place=place_name(str(center.get("name", "")), str(center.get("address", ""))),
        dossier_code=str(dossier["code"]),
        dossier_id=str(dossier.get("id", "")),
        provisional=bool(dossier.get("provisional")),
        applicant_name=str(applicant.get("name", "")),
        address=str(applicant.get("address", "")),
        phone=str(applicant.get("phone", "")),
        email=str(applicant.get("email", "")),
        procedure=str(procedure.get("name") or dossier.get("procedure", "")),
        documents=tuple(documents),
        sets=sets,
        processing_time=processing_time_text(procedure),
        received_at=received,
        return_at=datetime.fromisoformat(str(due)).astimezone(tz) if due else None,
        delivery=delivery,
        lookup_url=str(dossier.get("lookup_url") or (
            f"{str(center.get('public_url')).rstrip('/')}/d/{dossier.get('qr') or dossier['id']}"
            if center.get("public_url") else "")),
        lookup_code=str(dossier.get("lookup_code") or ""),
        receiver_name=receiver,
        fee=SlipFee.from_view(dossier.get("fee")),
    )


def sample_ticket(site: SiteConfig, *, now: datetime | None = None, priority: str | None = None) -> PrintedTicket:
    """A realistic ticket of the site's first service, as the hub would send it."""
    service = site.services[0]
    issued = (now or datetime(2026, 12, 4, 8, 17, tzinfo=site.tz)).astimezone(site.tz)
    ticket_id = str(uuid.UUID("6f1c1f0e-2a4b-4c1d-9a57-3c1e0d9b1023"))
    number = service.first_number + 22
    hub = {
        "id": ticket_id, "number": number, "display": service.display(number), "service": service.code,
        "priority": priority, "status": "waiting", "issued_at": issued.isoformat(), "called_at": None,
        "counter": None, "position": 13, "ahead": 12, "estimated_wait_s": 12 * service.average_service_s / 3,
        "tracking_url": f"{site.site.public_url.rstrip('/')}/t/{ticket_id}",
    }
    return PrintedTicket.from_hub(hub, site)


def sample_slip(site: SiteConfig) -> AppointmentSlip:
    """A realistic appointment slip for a land procedure at the site."""
    tz = site.tz
    dossier_id = "3b2f5a9e-8c41-4d7a-b0e2-5f6a7c8d9e01"
    code = f"{site.site.agency_code or site.site.code}-261204-0007"
    return AppointmentSlip(
        agency=site.site.agency or site.site.name,
        center_name=site.site.name,
        place=_place_from(site),
        dossier_code=code,
        dossier_id=dossier_id,
        applicant_name="Nguyễn Thị Hồng Nhung",
        address="Số 25 đường Ngô Gia Tự, phường Suối Hoa, tỉnh Bắc Ninh",
        phone="0912 345 678",
        email="hongnhung@example.vn",
        procedure="Đăng ký biến động quyền sử dụng đất, tài sản gắn liền với đất do chuyển nhượng",
        documents=(
            SubmittedDocument("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 11/ĐK)", 1,
                              True),
            SubmittedDocument("Hợp đồng chuyển nhượng quyền sử dụng đất đã công chứng", 1, True),
            SubmittedDocument("Giấy chứng nhận quyền sử dụng đất đã cấp", 1, True),
            SubmittedDocument("Căn cước công dân của bên nhận chuyển nhượng", 1, False),
        ),
        sets=1,
        processing_time=formats.processing_time(10).vi,
        received_at=datetime(2026, 12, 4, 9, 12, tzinfo=tz),
        return_at=datetime(2026, 12, 18, 14, 30, tzinfo=tz),
        delivery=f"{site.site.name}",
        lookup_url=f"{site.site.public_url.rstrip('/')}/d/{dossier_id}",
        lookup_code="K7M2Q9",
        ledger_book="03",
        ledger_entry="1187",
        receiver_name="Trần Văn Đức",
    )
