"""The fee step at the counter (thu phí): a real hub over HTTP, the slip and the receipt printed on a TCP
printer and parsed back, the citizen's screen grabbed and its QR decoded, the central server's
confirmation arriving through the hub's live events."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import READY, RunningHub

from counter_display.counter import CounterPanel, follow_hub
from motcua.contract import Fee
from motcua.vietqr import parse as parse_vietqr
from motcua.vietqr import transfer_note
from printer_drivers.render import INK_THRESHOLD
from scanners.decode import Decoder
from sync.client import HubClient
from sync.localsite import LocalCentral
from ui.qt import QImage, Qt

PRINTER_TESTS = Path(__file__).resolve().parents[1] / "printer_drivers"
sys.path.insert(0, str(PRINTER_TESTS))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from escpos_parse import parse  # noqa: E402
from printer_reference import iou, reference_ink  # noqa: E402
from test_receive_dossier import CLERK, make_panel, open_form, submit  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
APPLICANT = "Trần Thị Ngọc Hà"


def fill_paid_procedure(panel: CounterPanel, code: str = "DD.03") -> None:
    f = panel.receive_form
    f.id_number.setText("036196000123")
    f.name.setText(APPLICANT)
    f.address.setText("Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh")
    f.phone.setText("0912 345 678")
    f.pick(code)
    f.tick(all_=True)


def grab_codes(widget) -> list[str]:  # noqa: ANN001
    """What a phone would read off the widget on screen: its pixels, through the project's zxing-cpp decoder."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    ptr = image.constBits()
    gray = np.frombuffer(ptr, dtype=np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width()].copy()
    return [c.text for c in Decoder().decode_image(gray) if c.is_qr]


def best(job, text: str, size: int, bold: bool) -> float:  # noqa: ANN001
    """How well the best raster line matches Pillow's own drawing of `text` at the printer's ink threshold."""
    ref = reference_ink(text, size, bold, threshold=INK_THRESHOLD)
    return max(iou(r.image, ref) for r in job.rasters)


def printed(job, text: str, size: int, bold: bool) -> int:  # noqa: ANN001
    """How many raster lines of the job are `text`, ink for ink."""
    ref = reference_ink(text, size, bold, threshold=INK_THRESHOLD)
    return sum(1 for r in job.rasters if iou(r.image, ref) >= 0.99)


def test_fee_step_qr_on_the_citizen_screen_transfer_and_receipt(qtbot, make_hub, tcp_printer) -> None:  # noqa: ANN001
    hub = make_hub(example=True)
    fake, address = tcp_printer([READY])
    panel = make_panel(qtbot, hub, printer=address)
    open_form(qtbot, panel)
    fill_paid_procedure(panel)
    submit(qtbot, panel)
    form, box = panel.receive_form, panel.receive_form.fee_box
    qtbot.waitUntil(lambda: form.received is not None and form.received.printed is not None, timeout=10000)
    code = form.received.dossier.code

    # The slip: the citizen's copy carries the VietQR (amount, note with the dossier code), the archive copy not.
    slip = parse(bytes(fake.job))
    lookup = form.received.dossier.lookup_url
    assert slip.qr_payloads[0] == lookup and slip.qr_payloads[2] == lookup and len(slip.qr_payloads) == 3
    qr = parse_vietqr(slip.qr_payloads[1])
    assert (qr.amount, qr.note, qr.account.bin, qr.account.number) == (80000, transfer_note(code), "970418",
                                                                       "12010000123456")
    assert printed(slip, "PHÍ, LỆ PHÍ: 80.000 đồng", 24, True) == 1
    assert printed(slip, "(Bằng chữ: Tám mươi nghìn đồng chẵn)", 20, False) == 1
    slip_bytes = len(fake.job)

    # The citizen's screen opened by itself: the amount, the words and a QR a phone reads.
    assert box.isVisibleTo(form) and box.citizen.isVisible()
    assert box.citizen.amount.text() == "80.000 đ" and box.citizen.words.text() == "Tám mươi nghìn đồng chẵn"
    assert APPLICANT not in "".join(w.text() for w in box.citizen.findChildren(type(box.title)))
    codes = grab_codes(box.citizen)
    assert len(codes) == 1
    seen = parse_vietqr(codes[0])  # CRC verified
    assert seen.dynamic and seen.amount == 80000 and seen.note == transfer_note(code) and code in seen.note
    assert box.status.text() == "Chờ công dân nộp phí"

    # A transfer needs the bank's reference.
    qtbot.mouseClick(box.transfer_button, Qt.MouseButton.LeftButton)
    assert box.message.text().startswith("Nhập mã giao dịch") and box.payment is None
    qtbot.keyClicks(box.reference, "FT26330123456")
    with qtbot.waitSignal(box.changed, timeout=10000):
        qtbot.mouseClick(box.transfer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.receipt_printed is not None, timeout=10000)
    assert box.receipt_printed, box.message.text()
    assert box.status.text().startswith("Đã nộp phí: chuyển khoản, biên lai số 0000001")
    assert not box.cash_button.isEnabled() and box.reprint_button.isEnabled()
    # The citizen's screen says paid, and shows no QR any more (it must not be paid twice).
    assert box.citizen.paid.isVisible() and not box.citizen.qr.isVisible() and grab_codes(box.citizen) == []

    # At the hub: one payment, by transfer, with the reference; payer and collector on it.
    rows = hub.store.read("SELECT method, reference, amount, payer, collector, receipt_no FROM payments")
    assert rows == [("transfer", "FT26330123456", 80000, APPLICANT, CLERK, 1)]

    # The receipt on paper: both copies, each cut; the texts read back from the raster.
    qtbot.waitUntil(lambda: len(fake.job) > slip_bytes, timeout=2000)
    receipt = parse(bytes(fake.job)[slip_bytes:])
    assert receipt.cuts == 2 and len(receipt.qr_payloads) == 4 and receipt.qr_payloads[1::2] == [lookup, lookup]
    # Each copy's VietQR is the paid fee's: the CRC verifies, the amount and the note are the dossier's.
    for payload in receipt.qr_payloads[0::2]:
        paid = parse_vietqr(payload)
        assert (paid.amount, paid.note, paid.account.number) == (80000, transfer_note(code), "12010000123456")
    for text, size, bold in (("BIÊN LAI THU PHÍ, LỆ PHÍ", 28, True), (f"Tên người nộp: {APPLICANT}", 24, True),
                             ("Số tiền: 80.000 đồng", 24, True), ("Bằng chữ: Tám mươi nghìn đồng chẵn", 24, False),
                             ("Hình thức thanh toán: Chuyển khoản", 24, False),
                             ("Mã giao dịch ngân hàng: FT26330123456", 24, False), ("Số: 0000001", 24, True),
                             ("Liên 1: Lưu", 20, False), ("Liên 2: Giao người nộp tiền", 20, False)):
        assert printed(receipt, text, size, bold) == (1 if text.startswith("Liên") else 2), text
    # The words are these and no others: the line matches its own text much better than a near miss.
    words = best(receipt, "Bằng chữ: Tám mươi nghìn đồng chẵn", 24, False)
    assert best(receipt, "Bằng chữ: Tám mươi nghìn đồng", 24, False) < words - 0.05  # "chẵn" is printed
    for wrong in ("Bằng chữ: Tám mươi nghìn đồng chăn", "Bằng chữ: Tám muơi nghìn đồng chẵn"):  # and its marks
        assert best(receipt, wrong, 24, False) < words, wrong

    # Reprint, then the next citizen: the citizen's screen closes.
    before = len(fake.job)
    with qtbot.waitSignal(box.changed, timeout=10000):
        qtbot.mouseClick(box.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.receipt_printed is not None and len(fake.job) > before, timeout=10000)
    assert hub.store.read("SELECT COUNT(*) FROM payments")[0][0] == 1
    qtbot.mouseClick(form.new_button, Qt.MouseButton.LeftButton)
    assert not box.citizen.isVisible() and not box.isVisibleTo(form)


def test_cash_and_a_free_procedure(qtbot, make_hub, tcp_printer) -> None:  # noqa: ANN001
    hub = make_hub(example=True)
    fake, address = tcp_printer([READY])
    panel = make_panel(qtbot, hub, printer=address)
    open_form(qtbot, panel)
    fill_paid_procedure(panel, "TPHT.01")  # khai sinh: free
    submit(qtbot, panel)
    form, box = panel.receive_form, panel.receive_form.fee_box
    qtbot.waitUntil(lambda: form.received is not None and form.received.printed is not None, timeout=10000)
    assert not box.isVisibleTo(form) and not box.citizen.isVisible()
    qtbot.mouseClick(form.new_button, Qt.MouseButton.LeftButton)
    fill_paid_procedure(panel, "TPHT.04")  # 8.000 đ to the center's account
    submit(qtbot, panel)
    qtbot.waitUntil(lambda: form.received is not None, timeout=10000)
    assert box.citizen.isVisible() and parse_vietqr(grab_codes(box.citizen)[0]).amount == 8000
    with qtbot.waitSignal(box.changed, timeout=10000):
        qtbot.mouseClick(box.cash_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.receipt_printed is not None, timeout=10000)
    assert box.payment.method == "cash" and box.payment.receipt.series == "TTHCC-26T"
    assert hub.store.read("SELECT method, amount FROM payments") == [("cash", 8000)]


def test_the_central_servers_confirmation_reaches_the_counter(qtbot, make_hub, tcp_printer, tmp_path) -> None:  # noqa: ANN001
    from ui.bridge import FeedBridge

    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()

    url = central.url
    fake, address = tcp_printer([READY])
    try:
        hub: RunningHub = make_hub(example=True, central_url=url,
                                   relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5})
        panel = make_panel(qtbot, hub, printer=address)
        bridge = FeedBridge(panel)
        feed = follow_hub(panel, HubClient(hub.url, hub.tokens["counter"], timeout=2), bridge, max_backoff=0.3)
        heard: set[str] = set()
        bridge.hub_event.connect(lambda ev: heard.add((ev.data.get("payment") or {}).get("id", "")))
        try:
            open_form(qtbot, panel)
            fill_paid_procedure(panel, "GTVT.01")
            submit(qtbot, panel)
            box = panel.receive_form.fee_box
            dossier_id = panel.receive_form.received.dossier.id
            store = central.app.state.store
            qtbot.waitUntil(lambda: store.dossier(dossier_id) is not None, timeout=10000)
            assert box.payment is None and box.citizen.isVisible()
            # The province's bank matched the transfer: marked paid centrally, nothing pressed at the counter.
            store.mark_paid(dossier_id, reference="FT26339990001")
            qtbot.waitUntil(lambda: box.receipt_printed is not None, timeout=20000)
            assert box.payment.source == "central" and box.payment.payer == APPLICANT
            assert "tỉnh" in box.status.text() and box.citizen.paid.isVisible()
            assert hub.store.read("SELECT source, reference FROM payments") == [("central", "FT26339990001")]
            # The clerk's own payment comes back as an event too: still one receipt (two copies, two cuts).
            qtbot.waitUntil(lambda: parse(bytes(fake.job)).cuts == 4, timeout=5000)  # the slip's 2 + the receipt's 2
            form = panel.receive_form
            qtbot.mouseClick(form.new_button, Qt.MouseButton.LeftButton)
            fill_paid_procedure(panel, "TPHT.04")
            submit(qtbot, panel)
            qtbot.waitUntil(lambda: form.received is not None and form.received.printed is not None, timeout=10000)
            with qtbot.waitSignal(box.changed, timeout=10000):
                qtbot.mouseClick(box.cash_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: box.receipt_printed is not None, timeout=10000)
            # The event of this payment reaches the panel; then whatever it set off (a check, a print) has run
            # once the worker, which takes operations in order, has answered two probes after it.
            qtbot.waitUntil(lambda: box.payment.id in heard, timeout=10000)
            for _ in range(2):
                probed: list[bool] = []
                panel.worker.submit(lambda: None, lambda _r, probed=probed: probed.append(True))
                qtbot.waitUntil(lambda probed=probed: bool(probed), timeout=10000)
            assert parse(bytes(fake.job)).cuts == 8 and box.payment.source == "counter"
        finally:
            feed.stop()
            panel.close_worker()
    finally:
        central.stop()


@pytest.mark.parametrize("configured", [None, 0, 3])
def test_the_citizen_screen_goes_where_the_device_file_says(qtbot, make_hub, configured: int | None) -> None:  # noqa: ANN001
    from counter_display.config import CounterConfig, parse_device_config

    hub = make_hub(example=True)
    data: dict[str, Any] = {"hub": {"url": hub.url, "token": hub.tokens["counter"]},
                            "counter": {"number": 6, "poll_s": 600, **({} if configured is None else
                                                                       {"citizen_screen": configured})}}
    panel = CounterPanel(parse_device_config(CounterConfig, data, path="counter.toml"), hub.client("counter"))
    qtbot.addWidget(panel)
    panel.show()
    citizen = panel.receive_form.fee_box.citizen
    citizen.show_fee(Fee(amount=8000, amount_text="8.000 đ", words="Tám nghìn đồng chẵn", qr="", note=""), "TAM-X-1")
    citizen.place(panel.config.counter.citizen_screen, beside=panel)
    # The offscreen platform has one screen: screen 0 is full screen; a missing screen 3 falls back to a window.
    assert citizen.isFullScreen() == (configured == 0) and citizen.isVisible()
    assert citizen.scan.text().startswith("Vui lòng nộp tiền mặt")  # no account: cash only, no QR
    panel.close_worker()


def test_fee_screenshot(qtbot, make_hub, tcp_printer, tmp_path: Path) -> None:  # noqa: ANN001
    """The counter's fee step and the citizen's screen (MOTCUA_WRITE_DOCS=1 writes the README's copies)."""
    hub = make_hub(example=True)
    fake, address = tcp_printer([READY])
    panel = make_panel(qtbot, hub, printer=address)
    open_form(qtbot, panel)
    fill_paid_procedure(panel)
    submit(qtbot, panel)
    box = panel.receive_form.fee_box
    qtbot.waitUntil(lambda: panel.receive_form.received.printed is not None, timeout=10000)
    box.reference.setText("FT26330123456")
    qtbot.wait(50)
    panel_png, citizen_png = tmp_path / "counter-fee.png", tmp_path / "citizen-fee.png"
    assert panel.grab().save(str(panel_png)) and box.citizen.grab().save(str(citizen_png))
    assert parse_vietqr(grab_codes(box.citizen)[0]).amount == 80000
    if os.environ.get("MOTCUA_WRITE_DOCS"):
        out = ROOT / "docs" / "fees"
        out.mkdir(parents=True, exist_ok=True)
        panel.grab().save(str(out / "counter-fee.png"))
        box.citizen.grab().save(str(out / "citizen-fee-screen.png"))
