"""The fee of a dossier self-submitted at the kiosk: the VietQR on the confirmation screen (grabbed and read
by a QR decoder) and on the printed slip (ESC/POS parsed back), a real hub and a folder camera."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from kiosk.backend import SubmitResult
from motcua.contract import DossierRequest, DossierStaffView, PaymentRequest
from motcua.vietqr import parse as parse_vietqr
from motcua.vietqr import transfer_note
from scanners.decode import Decoder
from ui.qt import QImage

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "printer_drivers"))
from escpos_parse import parse  # noqa: E402
from kiosk_support import camera_folder, click, type_keys  # noqa: E402
from support import as_json  # noqa: E402
from test_kiosk_dossier import Desk, kiosk_with_central  # noqa: E402, F401

ROOT = HERE.parents[1]


def screen_codes(widget) -> list[str]:  # noqa: ANN001
    """The QR codes a phone would read off the widget's pixels."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    gray = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return [c.text for c in Decoder().decode_image(gray[:, :image.width()].copy()) if c.is_qr]


def test_self_submitted_dossier_shows_and_prints_its_vietqr(kiosk_with_central, qtbot, tmp_path) -> None:  # noqa: ANN001, F811
    make, hub, central, printer = kiosk_with_central
    camera_dir = tmp_path / "camera"
    camera_folder(camera_dir, pages=2)
    win, backend = make(camera_dir)
    d = win.dossier
    click(qtbot, d.submit_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    type_keys(qtbot, d.c_search, "ban sao trich luc")  # Cấp bản sao trích lục hộ tịch: 8.000 đồng
    click(qtbot, d.c_result_buttons[0])
    assert "8.000" in d.p_facts.text()
    click(qtbot, d.p_submit)
    desk = Desk(camera_dir, d.backend.camera)
    desk.next()  # the card, read at the touch of "Chụp ngay"
    qtbot.waitUntil(lambda: d.card_live.frames > 0, timeout=10000)
    click(qtbot, d.i_capture)
    qtbot.waitUntil(lambda: win.page == "ask", timeout=15000)
    type_keys(qtbot, d.fields["digits"], "0912345678")
    click(qtbot, d.a_next)
    click(qtbot, d.a_skip)
    while win.page == "documents":
        desk.next()
        seen = d.photos.live.frames
        qtbot.waitUntil(lambda seen=seen: d.photos.live.frames >= seen + 2, timeout=10000)
        taken = len(d.draft.pages)
        click(qtbot, d.photos.d_capture)
        qtbot.waitUntil(lambda taken=taken: len(d.draft.pages) > taken, timeout=10000)
        click(qtbot, d.photos.d_next)
    click(qtbot, d.v_center)
    click(qtbot, d.r_send)
    qtbot.waitUntil(lambda: win.page == "submitted", timeout=15000)
    dossier = as_json(d.last_result.dossier)
    code = dossier["code"]

    # On screen: the amount, the words, and a VietQR a phone reads, beside the look-up QR.
    assert d.s_fee.isVisibleTo(win) and d.s_fee.title.text() == "Phí, lệ phí: 8.000 đ"
    assert d.s_fee.words.text() == "Tám nghìn đồng chẵn"
    codes = screen_codes(win)
    payments = [parse_vietqr(c) for c in codes if c.startswith("000201")]  # the CRC verifies
    assert len(payments) == 1 and len(codes) == 2
    assert (payments[0].amount, payments[0].note, payments[0].account.number) == (8000, transfer_note(code),
                                                                                  "113366668888")
    assert code in payments[0].note
    assert any(c.endswith(f"/d/{dossier['id']}") for c in codes)

    # On the slip (the citizen's copy): the same VietQR, and the look-up QR.
    slip = parse(bytes(printer.job))
    assert d.s_fee.payload in slip.qr_payloads and any(q.endswith(f"/d/{dossier['id']}") for q in slip.qr_payloads)
    assert parse_vietqr(d.s_fee.payload).amount == 8000
    if os.environ.get("MOTCUA_WRITE_DOCS"):
        out = ROOT / "docs" / "fees"
        out.mkdir(parents=True, exist_ok=True)
        win.screenshot(out / "kiosk-fee.png")

    # "Xong": the fee leaves the screen with the rest.
    click(qtbot, d.s_done)
    assert win.page == "home" and not d.s_fee.isVisibleTo(win) and d.s_fee.payload == ""

    # A free procedure shows no fee at all; a paid one shows no QR.
    free = hub.client("kiosk").submit_dossier(DossierRequest.model_validate(
        {"procedure": "TPHT.01", "applicant": {"name": "Lê Văn Bình"}}))
    assert free.fee is None
    d.on_submitted(SubmitResult(dossier=free, printed=True))
    assert win.page == "submitted" and not d.s_fee.isVisibleTo(win) and len(screen_codes(win)) == 1
    counter = hub.client("counter")
    counter.record_payment(dossier["id"], PaymentRequest(id="6b0c3a52-8f0e-4d1a-9f43-1a2b3c4d5e6f", method="cash"))
    paid = DossierStaffView.model_validate({**dossier, "fee": hub.client("kiosk").dossier(dossier["id"]).fee})
    d.on_submitted(SubmitResult(dossier=paid, printed=True))
    assert d.s_fee.isVisibleTo(win) and d.s_fee.scan.text() == "Đã nộp phí. Xin cảm ơn!" and d.s_fee.payload == ""
    assert not any(c.startswith("000201") for c in screen_codes(win))
