"""Fees on paper through real bytes: the receipt (biên lai thu phí, lệ phí) parsed back and its text read
from the raster against a reference rendering; the slip's VietQR decoded from the preview and the wire."""
from __future__ import annotations

import dataclasses

import pytest
import zxingcpp
from escpos_parse import paper_image, parse
from PIL import Image, ImageOps
from printer_reference import crop_ink, iou, reference_ink, strip_marks

from motcua.vietqr import BankAccount, build, transfer_note
from motcua.vietqr import parse as parse_vietqr
from printer_drivers import render
from printer_drivers.document import Paper, Raster
from printer_drivers.layouts import Styles, sample_slip, slip_for_dossier, slip_job
from printer_drivers.receipt import SlipFee, receipt_for_payment, receipt_job, sample_receipt

PAPERS = [Paper(width_mm=80), Paper(width_mm=58)]


def decode(img: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]


def best(parsed, text: str, size: int, bold: bool) -> float:  # noqa: ANN001
    """How well the best raster line of the job matches Pillow's own drawing of `text` (1.0: the same ink)."""
    ref = reference_ink(text, size, bold, threshold=render.INK_THRESHOLD)
    return max(iou(r.image, ref) for r in parsed.rasters if r.scale_x == 1)


@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: f"{p.width_mm}mm")
def test_receipt_bytes_parse_back_and_read_as_written(site, paper: Paper) -> None:  # noqa: ANN001
    receipt = sample_receipt(site)
    job = receipt_job(receipt, paper=paper, copies=("archive", "customer"))
    parsed = parse(job.to_bytes())
    assert parsed.cuts == 2
    # Each copy: the paid fee's VietQR (to match the transfer), then the dossier's look-up QR.
    assert parsed.qr_payloads == [receipt.qr, receipt.lookup_url] * 2
    paid = parse_vietqr(receipt.qr)  # the CRC verifies
    assert (paid.amount, paid.note) == (receipt.amount, transfer_note(receipt.dossier_code))
    assert paid.account.number == "12010000123456"
    assert all(r.image.width * r.scale_x <= paper.dots for r in parsed.rasters)
    # The rasters on the wire are the layout's pixels, one for one.
    blocks = [b.image for b in job.blocks if isinstance(b, Raster)]
    assert len(blocks) == len(parsed.rasters)
    for wire, block in zip(parsed.rasters, blocks):
        assert crop_ink(wire.image).tobytes() == crop_ink(block).tobytes()
    s = Styles.for_paper(paper)
    assert receipt.words == "Tám mươi nghìn đồng chẵn" and receipt.number_text == "0000012"
    # Lines short enough not to wrap on either roll, read back against Pillow's own drawing of the text.
    for text, style in (("BIÊN LAI THU PHÍ, LỆ PHÍ", s.heading), ("Số: 0000012", s.body_bold),
                        ("Số tiền: 80.000 đồng", s.body_bold), ("Hình thức thanh toán: Chuyển khoản", s.body),
                        ("Liên 1: Lưu", s.small), ("Liên 2: Giao người nộp tiền", s.small),
                        ("Mã số thuế: 2300234567", s.small)):
        score = best(parsed, text, style.size, style.bold)
        assert score >= 0.99, (text, score)
        broken = best(parsed, strip_marks(text), style.size, style.bold)
        assert broken < score or text == strip_marks(text), text
    words = best(parsed, "Bằng chữ: Tám mươi nghìn đồng chẵn", s.body.size, False)
    if paper.width_mm == 80:  # on 58 mm the words wrap onto two lines
        assert words >= 0.99
        assert best(parsed, "Bằng chữ: Tám mươi nghìn đồng", s.body.size, False) < words - 0.05
        assert best(parsed, f"Tên người nộp: {receipt.payer}", s.body_bold.size, True) >= 0.99
    assert best(parsed, "ĐÃ NỘP – mã để đối chiếu, không chuyển khoản lại", s.small.size, True) >= 0.99 \
        or paper.width_mm == 58  # wraps on 58 mm
    # The preview is what goes on paper, and both its QRs scan.
    found = decode(receipt_job(receipt, paper=paper).preview())
    assert sorted(found) == sorted([receipt.qr, receipt.lookup_url])
    scanned = parse_vietqr(next(x for x in found if x != receipt.lookup_url))
    assert (scanned.amount, scanned.note) == (80000, transfer_note(receipt.dossier_code))


def test_receipt_from_the_hubs_payment(site) -> None:  # noqa: ANN001
    payment = {"id": "p1", "dossier_id": "d1", "dossier_code": "TAM-BNI-TTHCC-261126-0001", "day": "2026-11-26",
               "procedure": "GTVT.01", "procedure_name": "Cấp đổi giấy phép lái xe", "amount": 135000,
               "method": "cash", "reference": "", "source": "counter", "account": "",
               "receipt": {"series": "TTHCC-26T", "year": 2026, "number": 7}, "counter": 11,
               "paid_at": "2026-11-26T02:15:00+00:00", "account_info": None, "agency": "Trung tâm X",
               "tax_code": "", "receipt_form": "01BLP0-001", "collector": "Trần Văn Đức", "payer": "Lê Văn Bình"}
    site_doc = {"site": site.site.model_dump()}
    r = receipt_for_payment(payment, site_doc, lookup_url="http://hub/d/d1")
    assert (r.number_text, r.series, r.form, r.method, r.place) == ("0000007", "TTHCC-26T", "01BLP0-001", "cash",
                                                                    "Bắc Ninh")
    assert r.paid_at.strftime("%H:%M %d/%m/%Y") == "09:15 26/11/2026" and r.words == "Một trăm ba mươi lăm nghìn đồng chẵn"
    parsed = parse(receipt_job(r).to_bytes())
    assert parsed.qr_payloads == ["http://hub/d/d1"]  # cash at a site without a receiving account: no VietQR
    assert best(parsed, "Hình thức thanh toán: Tiền mặt", 24, False) >= 0.99
    assert best(parsed, "Tên người nộp: Lê Văn Bình", 24, True) >= 0.99
    transfer = receipt_for_payment({**payment, "method": "transfer", "reference": "FT1", "source": "central",
                                    "account": "970418:12010000123456",
                                    "account_info": {"bank_name": "BIDV - CN Bắc Ninh"}}, site_doc)
    assert transfer.to_account == "BIDV - CN Bắc Ninh 12010000123456" and transfer.confirmed_by_central
    parsed = parse(receipt_job(transfer).to_bytes())
    assert best(parsed, "(Ngân hàng đã xác nhận qua hệ thống của tỉnh)", 20, False) >= 0.99
    # The transfer's own account, amount and note; no look-up address given, so no second QR.
    assert len(parsed.qr_payloads) == 1
    paid = parse_vietqr(parsed.qr_payloads[0])
    assert (paid.account.bin, paid.account.number, paid.amount) == ("970418", "12010000123456", 135000)
    assert paid.note == transfer_note("TAM-BNI-TTHCC-261126-0001")
    cash_with_account = receipt_for_payment({**payment, "account_info": {"bank_bin": "970418", "account": "999"}},
                                            site_doc)
    assert parse_vietqr(cash_with_account.qr).account.number == "999"
    bad = receipt_for_payment({**payment, "account_info": {"bank_bin": "12", "account": "999"}}, site_doc)
    assert bad.qr == ""  # an account NAPAS would refuse: the receipt prints without a QR


def fee_view(code: str, amount: int = 80000) -> dict:
    payload = build(BankAccount("970418", "12010000123456"), amount=amount, note=transfer_note(code))
    return {"amount": amount, "amount_text": "80.000 đ", "words": "Tám mươi nghìn đồng chẵn",
            "note": transfer_note(code), "qr": payload, "paid": False, "payment": None,
            "account": {"bank_bin": "970418", "account": "12010000123456", "bank_name": "BIDV - CN Bắc Ninh",
                        "name": "VAN PHONG DANG KY DAT DAI TINH BAC NINH"}}


@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: f"{p.width_mm}mm")
def test_slip_carries_the_vietqr_on_the_citizens_copy(site, paper: Paper) -> None:  # noqa: ANN001
    base = sample_slip(site)
    slip = dataclasses.replace(base, fee=SlipFee.from_view(fee_view(base.dossier_code)))
    job = slip_job(slip, paper=paper, copies=("archive", "customer"))
    parsed = parse(job.to_bytes())
    assert parsed.qr_payloads[0] == slip.lookup_url and parsed.qr_payloads[2] == slip.lookup_url
    qr = parse_vietqr(parsed.qr_payloads[1])  # the CRC verifies
    assert qr.amount == 80000 and qr.note == transfer_note(base.dossier_code) and qr.account.number == "12010000123456"
    s = Styles.for_paper(paper)
    assert best(parsed, "PHÍ, LỆ PHÍ: 80.000 đồng", s.body_bold.size, True) >= 0.99
    # The citizen's copy as the demo keeps it (the PNG preview): both codes scan, the VietQR intact.
    found = decode(slip_job(slip, paper=paper).preview())
    assert sorted(found) == sorted([slip.lookup_url, parsed.qr_payloads[1]])
    vietqr = parse_vietqr(next(x for x in found if x != slip.lookup_url))
    assert (vietqr.amount, vietqr.note) == (80000, transfer_note(base.dossier_code))


def test_a_printer_without_native_qr_prints_a_vietqr_that_scans(site) -> None:  # noqa: ANN001
    base = sample_slip(site)
    slip = dataclasses.replace(base, fee=SlipFee.from_view(fee_view(base.dossier_code)))
    job = slip_job(slip, paper=Paper(width_mm=58, profile="simple"))
    parsed = parse(job.to_bytes())
    assert parsed.qr_payloads == []  # drawn as raster
    page = ImageOps.expand(ImageOps.invert(paper_image(parsed, job.paper.dots).convert("L")), 20, fill=255)
    found = [x for x in decode(page) if x != slip.lookup_url]
    assert len(found) == 1 and parse_vietqr(found[0]).amount == 80000


def test_slip_fee_from_the_hubs_dossier(site) -> None:  # noqa: ANN001
    dossier = {"id": "3b2f5a9e-8c41-4d7a-b0e2-5f6a7c8d9e01", "code": "TAM-BNI-TTHCC-261126-0003",
               "submitted_at": "2026-11-26T09:05:00+07:00", "due_at": None, "provisional": True,
               "lookup_url": "http://hub/d/3b2f", "fee": fee_view("TAM-BNI-TTHCC-261126-0003")}
    slip = slip_for_dossier(dossier=dossier, procedure={"name": "Đăng ký thế chấp", "documents": []},
                            site={"site": site.site.model_dump()})
    assert slip.fee is not None and slip.fee.amount == 80000 and slip.fee.qr == dossier["fee"]["qr"]
    assert slip_for_dossier(dossier={**dossier, "fee": None}, procedure={"name": "x"},
                            site={"site": site.site.model_dump()}).fee is None
    # Already paid (a reprint): the amount and the receipt number, and no QR to pay again.
    paid = {**dossier["fee"], "paid": True, "payment": {"method": "cash", "receipt": {"number": 3}}}
    fee = SlipFee.from_view(paid)
    assert fee is not None and fee.qr == "" and fee.paid == "tiền mặt" and fee.receipt == "0000003"
    parsed = parse(slip_job(dataclasses.replace(slip, fee=fee)).to_bytes())
    assert parsed.qr_payloads == ["http://hub/d/3b2f"]
    assert best(parsed, "Đã nộp phí (tiền mặt), biên lai số 0000003", 20, False) >= 0.99
    # No receiving account: the fee is paid at the counter, no QR.
    cash = SlipFee.from_view({**dossier["fee"], "qr": None, "account": None})
    parsed = parse(slip_job(dataclasses.replace(slip, fee=cash)).to_bytes())
    assert parsed.qr_payloads == ["http://hub/d/3b2f"]
    assert best(parsed, "Nộp phí tại quầy thu phí của Trung tâm", 20, False) >= 0.99
