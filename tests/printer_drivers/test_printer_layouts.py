"""Layouts through real bytes: ESC/POS parsed back into rasters and payloads, previews decoded."""
from __future__ import annotations

from datetime import datetime

import pytest
import zxingcpp
from escpos_parse import code128_payload, paper_image, parse
from PIL import Image, ImageOps
from printer_reference import crop_ink, iou, reference_ink, strip_marks

from printer_drivers import render
from printer_drivers._escpos import printer as escpos_printers
from printer_drivers.document import (
    Align,
    Job,
    PageBuilder,
    Paper,
    Raster,
    printer_font_segments,
    raster_bytes,
)
from printer_drivers.layouts import (
    AppointmentSlip,
    PrintedTicket,
    PrinterTestPage,
    Styles,
    datetime_in_words,
    printer_test_page_job,
    sample_slip,
    sample_ticket,
    slip_job,
    ticket_job,
)
from printer_drivers.render import TextStyle

PAPERS = [Paper(width_mm=80), Paper(width_mm=58)]


def decode(img: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]


def raster_texts(job: Job) -> list[Image.Image]:
    return [b.image for b in job.blocks if isinstance(b, Raster)]


# -- raster framing: the same bytes as python-escpos ------------------------------------------------------


@pytest.mark.parametrize("impl,command", [("bitImageRaster", "bitImageRaster"), ("graphics", "graphics")])
def test_raster_bytes_equal_python_escpos(impl, command):
    ink = render.render_line("Đất đai 1023", TextStyle(30, True)).image
    ink = ink.crop((0, 0, (ink.width + 7) // 8 * 8, ink.height))
    ours = raster_bytes(ink, command=command)
    lib = escpos_printers.Dummy(profile="TM-T20II")
    lib.image(ImageOps.invert(ink.convert("L")), impl=impl, fragment_height=10_000)
    assert ours == lib.output


def test_tall_rasters_go_out_in_bands_that_reassemble():
    img = Image.new("1", (576, 700), 0)
    img.paste(1, (10, 10, 500, 690))
    parsed = parse(raster_bytes(img))
    assert len(parsed.rasters) > 1
    assert all(r.image.height <= 128 and len(r.image.tobytes()) <= 4096 for r in parsed.rasters)
    assert paper_image(parsed, 576).tobytes() == img.tobytes()


# -- ticket ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: f"{p.width_mm}mm")
def test_ticket_bytes_parse_back(site, paper):
    ticket = sample_ticket(site)
    job = ticket_job(ticket, paper=paper)
    data = job.to_bytes()
    parsed = parse(data)
    assert parsed.qr_payloads == [ticket.tracking_url]
    assert parsed.qr_settings[0]["ec"] == "M" and parsed.qr_settings[0]["align"] == 1
    assert parsed.cuts == 1
    assert "08:17  04/12/2026" in parsed.text_lines
    assert "dichvucong.bacninh.gov.vn" in parsed.text_lines
    assert all(r.image.width * r.scale_x <= paper.dots for r in parsed.rasters)
    # The rasters on the wire are the layout's pixels, one for one.
    sent = [r.image for r in parsed.rasters]
    blocks = [b for b in job.blocks if isinstance(b, Raster)]
    assert len(sent) == len(blocks)
    for wire, block in zip(sent, blocks):
        a, b = crop_ink(wire), crop_ink(block.image)
        assert a.size == b.size and a.tobytes() == b.tobytes()
    assert len(data) <= 8 * 1024


def test_ticket_number_is_drawn_at_half_resolution_and_printed_2x2(site):
    job = ticket_job(sample_ticket(site))
    parsed = parse(job.to_bytes())
    big = [r for r in parsed.rasters if r.scale_x == 2]
    assert len(big) == 1 and big[0].scale_y == 2
    ref = reference_ink("1023", 75, bold=True, threshold=render.INK_THRESHOLD)
    assert iou(big[0].image, ref) >= 0.97
    assert iou(big[0].image, reference_ink("1028", 75, bold=True, threshold=render.INK_THRESHOLD)) < 0.95


def test_ticket_vietnamese_on_the_wire_matches_reference(site):
    ticket = sample_ticket(site)
    parsed = parse(ticket_job(ticket).to_bytes())
    heading = Styles.for_ticket(Paper()).heading
    ref = reference_ink(ticket.service_name, heading.size, True)
    scores = [iou(r.image, ref) for r in parsed.rasters if r.scale_x == 1]
    best = max(scores)
    assert best >= 0.9
    broken = reference_ink(strip_marks(ticket.service_name), heading.size, True)
    assert max(iou(r.image, broken) for r in parsed.rasters if r.scale_x == 1) < best - 0.05


@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: f"{p.width_mm}mm")
def test_ticket_preview_qr_decodes_to_tracking_url(site, paper):
    ticket = sample_ticket(site, priority="elderly")
    preview = ticket_job(ticket, paper=paper).preview()
    assert preview.width == paper.dots + 32
    assert decode(preview) == [ticket.tracking_url]


def test_priority_ticket_has_the_mark_and_a_plain_one_does_not(site):
    plain = ticket_job(sample_ticket(site))
    prio = ticket_job(sample_ticket(site, priority="elderly"))
    def mostly_ink(img: Image.Image) -> bool:
        return img.height > 20 and img.convert("L").histogram()[255] > 0.5 * img.width * img.height

    assert len([img for img in raster_texts(prio) if mostly_ink(img)]) == 1
    assert not [img for img in raster_texts(plain) if mostly_ink(img)]


def test_ticket_from_hub_json(site):
    hub = {"id": "a3f1c7e2-0000-4000-8000-000000000001", "number": 2015, "display": "2015",
           "service": "DKKD", "priority": "pregnant", "status": "waiting",
           "issued_at": "2026-12-04T01:05:00+00:00", "called_at": None, "counter": None, "position": 1,
           "ahead": 0, "estimated_wait_s": 0, "tracking_url": "http://x/t/a3f1"}
    t = PrintedTicket.from_hub(hub, site)
    assert (t.display, t.service_name, t.service_name_en) == ("2015", "Đăng ký kinh doanh", "Business registration")
    assert t.priority_name == "Phụ nữ mang thai"
    assert t.issued_at.strftime("%H:%M %z") == "08:05 +0700"
    assert t.ahead == 0 and t.center_name == site.site.name and t.footer == site.display.ticket_footer
    assert parse(ticket_job(t).to_bytes()).qr_payloads == ["http://x/t/a3f1"]
    del hub["ahead"]
    hub["position"] = 5
    assert PrintedTicket.from_hub(hub, site).ahead == 4


# -- appointment slip --------------------------------------------------------------------------------------


def test_slip_bytes_and_preview(site):
    slip = sample_slip(site)
    job = slip_job(slip, copies=("archive", "customer"))
    parsed = parse(job.to_bytes())
    assert parsed.qr_payloads == [slip.lookup_url, slip.lookup_url]
    assert slip.dossier_id in slip.lookup_url
    assert parsed.cuts == 2
    assert decode(slip_job(slip).preview()) == [slip.lookup_url]
    # The return time in words, on the wire, as the reference draws it.
    words = "14 giờ 30 phút, ngày 18 tháng 12 năm 2026"
    assert datetime_in_words(slip.return_at) == words
    assert any(iou(r.image, reference_ink("Mã hồ sơ: " + slip.dossier_code, 24, True)) >= 0.9
               for r in parsed.rasters)


def test_slip_without_lookup_url_carries_the_dossier_code(site):
    slip = sample_slip(site)
    bare = AppointmentSlip(**{**slip.__dict__, "lookup_url": "", "provisional": True})
    job = slip_job(bare, paper=Paper(width_mm=58))
    assert parse(job.to_bytes()).qr_payloads == [slip.dossier_code]
    assert decode(job.preview()) == [slip.dossier_code]


def test_datetime_in_words():
    assert datetime_in_words(datetime(2026, 12, 5, 14, 30)) == "14 giờ 30 phút, ngày 05 tháng 12 năm 2026"
    assert datetime_in_words(datetime(2027, 1, 4, 7, 5)) == "07 giờ 05 phút, ngày 04 tháng 01 năm 2027"


# -- test page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mm", [80, 58])
def test_test_page_native_codes(mm):
    info = PrinterTestPage(address="tcp://192.168.1.50:9100", profile="TM-T20II", paper_mm=mm,
                    printed_at=datetime(2026, 12, 4, 9, 0))
    job = printer_test_page_job(info)
    parsed = parse(job.to_bytes())
    assert parsed.qr_payloads == [f"MOTCUA TEST {info.address}"]
    assert [code128_payload(m, p) for m, p in parsed.barcodes] == [info.barcode]
    assert "tcp://192.168.1.50:9100" in parsed.text_lines and "TM-T20II" in parsed.text_lines
    found = set(decode(job.preview()))
    assert found == {f"MOTCUA TEST {info.address}", info.barcode}
    # The ruler spans the printable width exactly.
    assert max(r.image.width for r in parsed.rasters) == job.paper.dots


def test_profile_without_native_codes_gets_raster_codes_that_scan():
    info = PrinterTestPage(address="serial:///dev/ttyUSB0", profile="simple", paper_mm=58)
    job = printer_test_page_job(info)
    parsed = parse(job.to_bytes())
    assert parsed.qr_payloads == [] and parsed.barcodes == []
    page = ImageOps.expand(ImageOps.invert(paper_image(parsed, job.paper.dots).convert("L")), 20, fill=255)
    assert set(decode(page)) == {"MOTCUA TEST serial:///dev/ttyUSB0", info.barcode}


def test_test_page_vowel_table_has_every_tone():
    job = printer_test_page_job(PrinterTestPage(address="dummy:", profile="default", paper_mm=80))
    rasters = raster_texts(job)
    table = max(rasters, key=lambda im: im.height)
    assert table.height > 12 * 20  # twelve rows of vowels


# -- builder details ---------------------------------------------------------------------------------------


def test_mixed_paragraph_sends_addresses_to_the_printer_font():
    segs = printer_font_segments("Tra cứu hồ sơ: dichvucong.bacninh.gov.vn — Đường dây nóng: 0222 3 822 222")
    assert segs == [("Tra cứu hồ sơ:", False), ("dichvucong.bacninh.gov.vn", True),
                    ("Đường dây nóng:", False), ("0222 3 822 222", True)]
    assert printer_font_segments("Land") == [("Land", True)]
    assert printer_font_segments("Tư pháp - Hộ tịch") == [("Tư pháp - Hộ tịch", False)]


def test_long_words_and_empty_lines_do_not_break_the_layout():
    page = PageBuilder(Paper(width_mm=58))
    page.text("x" * 200, TextStyle(24))
    page.text("", TextStyle(24))
    page.text("https://dichvucong.bacninh.gov.vn/" + "a" * 120, TextStyle(20), printer_font=True)
    page.cut()
    parsed = parse(page.build().to_bytes())
    assert all(r.image.width <= 384 for r in parsed.rasters)
    assert all(len(line) <= 384 // 9 for line in parsed.text_lines)  # font B at 58 mm


def test_center_alignment_is_sent_and_previewed_alike():
    page = PageBuilder(Paper())
    page.text("Đất đai", TextStyle(30, True), align=Align.CENTER)
    job = page.build()
    parsed = parse(job.to_bytes())
    assert parsed.rasters[0].align == 1
    preview_ink = ImageOps.invert(job.preview().convert("L")).convert("1").crop((16, 0, 16 + 576, 200))
    wire = paper_image(parsed, 576)
    assert preview_ink.getbbox()[0] == wire.getbbox()[0]


def test_every_ticket_of_the_example_center_fits_in_8_kb(site) -> None:  # noqa: ANN001
    """Under a second on a 115200-baud serial printer: every service, walk-in and each priority, both rolls."""
    import dataclasses

    from printer_drivers.document import Paper
    from printer_drivers.layouts import sample_ticket, ticket_job

    for svc in site.services:
        for cat in [None, *(p.code for p in site.priority_categories)]:
            t = dataclasses.replace(sample_ticket(site, priority=cat), service_name=svc.name,
                                    service_name_en=svc.name_en)
            for mm in (80, 58):
                size = len(ticket_job(t, paper=Paper(width_mm=mm)).to_bytes())
                assert size <= 8192, (svc.code, cat, mm, size)
