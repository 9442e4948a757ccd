"""Receiving a dossier at the counter (tiếp nhận hồ sơ): a real hub over HTTP, the CCCD scanner on a pty,
the slip printed on a TCP printer and parsed back, a retry after a lost answer, the hub down."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serial_support import PtyDevice
from support import READY, RunningHub, as_json

from counter_display.config import CounterConfig, load_counter_config, parse_device_config
from counter_display.counter import CounterPanel
from counter_display.intake import (
    ReceivedDocument,
    ReceiveRequest,
    duration_text,
    fee_text,
    make_slip,
    search_procedures,
)
from motcua.catalog import fold
from motcua.config import ConfigError
from motcua.contract import Catalog, DossierStaffView, Procedure, SiteDocument
from sync.client import HubClient, HubUnavailable
from ui.qt import QImage, QPainter, QPoint, Qt

PRINTER_TESTS = Path(__file__).resolve().parents[1] / "printer_drivers"
sys.path.insert(0, str(PRINTER_TESTS))
from escpos_parse import parse  # noqa: E402
from printer_reference import iou, reference_ink  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CARD = "036196000123||Trần Thị Ngọc Hà|29021996|Nữ|Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh|05082024"
CLERK = "Trần Văn Đức"


@pytest.fixture
def pty(tmp_path: Path) -> Iterator[PtyDevice]:
    p = PtyDevice(tmp_path / "usb-QR_Scanner-if00")
    yield p
    p.close()


def make_panel(qtbot, hub: RunningHub, *, printer: str | None = None, scanner: str | None = None,
               client: Any = None, counter: int = 6) -> CounterPanel:
    data: dict[str, Any] = {"hub": {"url": hub.url, "token": hub.tokens["counter"]},
                            "counter": {"number": counter, "poll_s": 600},
                            "clerks": [{"name": CLERK, "pin": "2468"}]}
    if printer:
        data["printer"] = {"address": printer}
    if scanner:
        data["scanner"] = {"port": scanner, "reconnect_interval_s": 0.2}
    panel = CounterPanel(parse_device_config(CounterConfig, data, path="counter.toml"), client or hub.client("counter"))
    qtbot.addWidget(panel)
    panel.show()
    qtbot.keyClicks(panel.pin, "2468")
    with qtbot.waitSignal(panel.changed, timeout=5000):
        qtbot.mouseClick(panel.sign_in_button, Qt.MouseButton.LeftButton)
    return panel


def open_form(qtbot, panel: CounterPanel) -> None:
    if panel.receive_form.catalog:
        qtbot.keyClick(panel, Qt.Key.Key_F8)
    else:
        with qtbot.waitSignal(panel.receive_form.changed, timeout=5000):  # the catalog arrives
            qtbot.keyClick(panel, Qt.Key.Key_F8)
    assert panel.stack.currentWidget() is panel.receive_form and panel.receive_form.catalog


def fill(panel: CounterPanel, *, name: str = "Lê Văn Bình", id_number: str = "001090012345",
         code: str = "TPHT.01") -> None:
    f = panel.receive_form
    f.id_number.setText(id_number)
    f.name.setText(name)
    f.phone.setText("0912 345 678")
    f.pick(code)
    f.tick(all_=True)


def submit(qtbot, panel: CounterPanel) -> None:
    with qtbot.waitSignal(panel.receive_form.changed, timeout=10000):
        qtbot.mouseClick(panel.receive_form.submit_button, Qt.MouseButton.LeftButton)


def dossier_count(hub: RunningHub) -> int:
    return int(hub.store.read("SELECT COUNT(*) FROM dossiers")[0][0])


def ink_lines(parsed) -> list:
    return [r.image for r in parsed.rasters]


def printed(parsed, text: str, size: int, bold: bool) -> int:
    """How many raster lines of the job show `text` (compared with Pillow's own rendering)."""
    ref = reference_ink(text, size, bold)
    return sum(1 for img in ink_lines(parsed) if iou(img, ref) >= 0.8)


# ---------------------------------------------------------------------------------------- the whole flow
def test_receive_flow_scan_pick_tick_submit_print(qtbot, make_hub, tcp_printer, pty: PtyDevice) -> None:
    hub = make_hub(example=True)
    ticket = hub.client("kiosk").issue("TPHT")
    fake, address = tcp_printer([READY])
    panel = make_panel(qtbot, hub, printer=address, scanner=str(pty.path))
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        panel.act("next")
    assert panel.number_label.text() == ticket.display
    panel.start_devices()
    form = panel.receive_form
    qtbot.waitUntil(lambda: "sẵn sàng" in form.scanner_text, timeout=5000)

    # The citizen's card under the scanner: the form opens with the applicant's fields filled in.
    pty.write(CARD.encode() + b"\r\n")
    qtbot.waitUntil(lambda: form.name.text() == "Trần Thị Ngọc Hà" and bool(form.catalog), timeout=5000)
    assert panel.stack.currentWidget() is form
    assert form.id_number.text() == "036196000123"
    assert form.address.text() == "Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh"
    assert "Trần Thị Ngọc Hà" in form.scanner_label.text()
    assert form.ticket_label.text() == f"Số đang phục vụ: {ticket.display}"

    # Typed without diacritics, the procedure is found and picked with the mouse.
    qtbot.keyClicks(form.search, "dang ky khai sinh")
    assert form.results.count() >= 1 and form.results.item(0).text().startswith("Đăng ký khai sinh")
    rect = form.results.visualItemRect(form.results.item(0))
    qtbot.mouseClick(form.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert form.procedure and form.procedure.code == "TPHT.01"
    names = [r.doc.name for r in form.doc_rows]
    assert names[:2] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    box = form.doc_rows[0].check
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    form.doc_rows[1].check.setChecked(True)
    form.doc_rows[1].copies.setValue(1)
    assert form.doc_rows[0].check.isChecked()
    qtbot.keyClicks(form.phone, "0912345678")
    form.sets.setValue(2)

    submit(qtbot, panel)
    qtbot.waitUntil(lambda: form.received is not None and form.received.printed is not None, timeout=10000)
    r = form.received
    assert r is not None and r.printed, r.print_message
    d = as_json(r.dossier)
    code = d["code"]
    assert d["provisional"] and code.startswith("TAM-BNI-TTHCC-261126-")
    assert form.code_label.text() == code and form.provisional_label.isVisibleTo(form)
    assert len(d["lookup_code"]) == 6 and form.lookup_label.text() == f"Mã tra cứu: {d['lookup_code']}"
    assert "Đã in 2 liên" in form.print_label.text()
    if d.get("due_at"):
        from counter_display.intake import parse_time
        from printer_drivers.layouts import datetime_in_words

        assert form.due_label.text() == datetime_in_words(parse_time(d["due_at"]))
    else:
        assert form.due_label.text() == "—"

    # At the hub: one dossier, with the applicant, the procedure and the ticket.
    admin = hub.client("admin")
    stored = as_json(admin.dossier(code))
    assert stored["id"] == form.received.request.dossier_id == d["qr"]
    assert stored["procedure"] == "TPHT.01"
    assert stored["applicant"] == {"name": "Trần Thị Ngọc Hà", "id_number": "036196000123", "phone": "0912345678",
                                   "email": "", "address": "Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh"}
    assert stored["delivery"] == "center" and dossier_count(hub) == 1
    body = hub.store.read("SELECT body FROM dossiers")[0][0]
    assert ticket.id in body and "Số bộ: 2" in body and "Giấy chứng sinh: 1 bản chính, 1 bản sao" in body

    # On paper: two copies, each cut, each with the code, the QR carrying the lookup URL with the UUID.
    qtbot.waitUntil(lambda: len(fake.job) > 0, timeout=2000)
    job = parse(bytes(fake.job))
    assert job.cuts == 2
    lookup = f"http://hcc.bacninh.local:8470/d/{d['qr']}"
    assert job.qr_payloads == [lookup, lookup]
    assert printed(job, f"Mã hồ sơ: {code}", 24, True) == 2
    assert printed(job, f"Mã tra cứu: {d['lookup_code']}", 24, True) == 2  # beside the code, on both copies
    assert printed(job, "Liên: Lưu", 20, False) == 1
    assert printed(job, "Liên: Giao khách hàng", 20, False) == 1
    assert printed(job, "(mã tạm, chờ cấp mã chính thức)", 20, False) == 2

    # Next citizen: the form is clean, with a new id.
    old_id = form.dossier_id
    qtbot.mouseClick(form.new_button, Qt.MouseButton.LeftButton)
    assert form.name.text() == "" and form.procedure is None and form.dossier_id != old_id
    qtbot.mouseClick(form.back_button, Qt.MouseButton.LeftButton)
    assert panel.stack.currentIndex() == 1


class LosesFirstAnswer(HubClient):
    """The dossier reaches the hub, but its answer is lost on the way back (once)."""

    lost = 0

    def submit_dossier(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = super().submit_dossier(body)
        if not self.lost:
            self.lost += 1
            raise HubUnavailable("connection reset while reading the answer")
        return answer


def test_retry_after_a_lost_answer_makes_no_second_dossier(qtbot, make_hub, tcp_printer) -> None:
    hub = make_hub(example=True)
    fake, address = tcp_printer([READY])
    client = LosesFirstAnswer(hub.url, hub.tokens["counter"])
    panel = make_panel(qtbot, hub, printer=address, client=client)
    open_form(qtbot, panel)
    fill(panel)
    submit(qtbot, panel)
    form = panel.receive_form
    assert "CHƯA được tiếp nhận" in form.form_status.text() and form.received is None
    assert dossier_count(hub) == 1  # it did arrive
    assert form.name.text() == "Lê Văn Bình" and form.procedure is not None and form.procedure.code == "TPHT.01"
    submit(qtbot, panel)  # the clerk presses again: the hub recognises the id
    assert form.received is not None and dossier_count(hub) == 1
    assert form.received.dossier.id == form.received.request.dossier_id


def test_hub_down_clear_message_nothing_lost(qtbot, make_hub, tcp_printer) -> None:
    hub = make_hub(example=True)
    fake, address = tcp_printer([READY])
    panel = make_panel(qtbot, hub, printer=address)
    open_form(qtbot, panel)
    fill(panel, name="Phạm Thị Thu")
    form = panel.receive_form
    form.by_post.setChecked(True)
    form.post_address.setText("Số 2 Nguyễn Đăng Đạo, tỉnh Bắc Ninh")
    hub.stop()
    submit(qtbot, panel)
    assert form.form_status.text().startswith("Không kết nối được máy chủ: hồ sơ CHƯA được tiếp nhận")
    assert not panel.online and form.pages.currentIndex() == 0
    assert (form.name.text(), form.procedure.code if form.procedure else None, form.post_address.text()) == (
        "Phạm Thị Thu", "TPHT.01", "Số 2 Nguyễn Đăng Đạo, tỉnh Bắc Ninh")
    assert all(r.check.isChecked() for r in form.doc_rows) and not fake.job
    # Closing and reopening the form keeps the unsent dossier too.
    qtbot.keyClick(form.name, Qt.Key.Key_Escape)
    assert panel.stack.currentIndex() == 1
    hub.start()
    open_form(qtbot, panel)
    assert form.name.text() == "Phạm Thị Thu"
    submit(qtbot, panel)
    qtbot.waitUntil(lambda: form.received is not None and form.received.printed is not None, timeout=10000)
    assert form.received.printed and dossier_count(hub) == 1
    stored = hub.client("admin").dossier(form.received.dossier.code)
    assert isinstance(stored, DossierStaffView) and stored.delivery == "post"
    assert panel.online


def test_missing_fields_are_named_and_nothing_is_sent(qtbot, make_hub) -> None:
    hub = make_hub(example=True)
    panel = make_panel(qtbot, hub)
    open_form(qtbot, panel)
    form = panel.receive_form
    with qtbot.waitSignal(form.changed, timeout=1000):
        qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert form.form_status.text() == "Còn thiếu: thủ tục, Họ và tên"
    form.name.setText("Lê Văn Bình")
    form.id_number.setText("12345")
    form.email.setText("khong-phai-email")
    form.pick("DD.01")
    form.submit()
    assert form.form_status.text() == "Còn thiếu: ít nhất một giấy tờ\nChưa đúng: Số CCCD, Email"
    assert dossier_count(hub) == 0


def test_no_printer_configured_still_receives(qtbot, make_hub) -> None:
    hub = make_hub(example=True)
    panel = make_panel(qtbot, hub)
    open_form(qtbot, panel)
    fill(panel, code="DD.01")
    submit(qtbot, panel)
    form = panel.receive_form
    assert form.received is not None and form.received.printed is False
    assert form.print_label.text().startswith("Quầy chưa cấu hình máy in")
    assert dossier_count(hub) == 1


# ---------------------------------------------------------------------------------------- pieces
def test_search_without_diacritics_and_wording() -> None:
    import json

    procs = Catalog.model_validate(json.loads((ROOT / "assets" / "catalog" / "procedures.json").read_text(
        encoding="utf-8"))).procedures
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    hits = search_procedures(procs, "dang ky khai sinh")
    assert hits and hits[0].code == "TPHT.01"
    assert search_procedures(procs, "giay phep xay dung")[0].service == "XD"

    def proc(value: float, unit: str) -> Procedure:
        return Procedure.model_validate({"code": "X", "name": "X", "processing_time": {"value": value, "unit": unit}})

    assert duration_text(proc(10, "days")) == "10 ngày làm việc"
    assert duration_text(proc(16, "hours")) == "16 giờ làm việc"
    assert duration_text(proc(0, "days")) == "Trong ngày làm việc"
    assert fee_text(Procedure(code="X", name="X", fee=8000, fee_note="nộp khi nhận")) == "8.000 đ (nộp khi nhận)"


def test_slip_without_return_time_prints_the_forms_blanks() -> None:
    from printer_drivers.layouts import datetime_in_words, slip_job

    req = ReceiveRequest(dossier_id="3b2f5a9e-8c41-4d7a-b0e2-5f6a7c8d9e01", name="Lê Văn Bình",
                         procedure=Procedure.model_validate({"code": "TPHT.01", "name": "Đăng ký khai sinh",
                                                             "processing_time": {"value": 0, "unit": "days"}}),
                         documents=(ReceivedDocument("Giấy chứng sinh", 1, 1),), delivery="post",
                         delivery_address="Số 2 Nguyễn Đăng Đạo")
    site = SiteDocument.model_validate({"site": {"code": "BN", "name": "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
                                                 "agency": "UBND TỈNH BẮC NINH", "public_url": "http://hcc.test/"},
                                        "services": [], "counters": []})
    dossier = DossierStaffView.model_validate({
        "id": req.dossier_id, "qr": req.dossier_id, "code": "TAM-X-261126-0001", "provisional_code": "TAM-X-261126-0001",
        "provisional": True, "procedure": "TPHT.01", "status": "submitted", "submitted_at": "2026-11-26T09:05:00+07:00",
        "due_at": None})
    slip = make_slip(req, dossier, site, clerk=CLERK)
    assert slip.place == "Bắc Ninh" and slip.lookup_url == f"http://hcc.test/d/{req.dossier_id}"
    assert [(d.count, d.original) for d in slip.documents] == [(1, True), (1, False)]
    assert slip.delivery == "Dịch vụ bưu chính công ích, địa chỉ: Số 2 Nguyễn Đăng Đạo"
    assert datetime_in_words(slip.return_at) == "… giờ … phút, ngày … tháng … năm …"  # filled in by hand
    job = slip_job(slip, copies=("archive", "customer"))
    assert parse(job.to_bytes()).cuts == 2


def test_printer_and_scanner_config(tmp_path: Path) -> None:
    c = load_counter_config(ROOT / "assets" / "counter.example.toml")
    assert c.printer is None and c.scanner is None
    p = tmp_path / "counter.toml"
    p.write_text('[hub]\ntoken = "t"\n[counter]\nnumber = 6\n[printer]\naddress = "tcp://10.0.0.9:9100"\n'
                 'paper_mm = 58\n[scanner]\nport = "/dev/ttyACM0"\n', encoding="utf-8")
    c = load_counter_config(p)
    assert c.printer.paper_mm == 58 and c.printer.copies == ["archive", "customer"] and c.scanner.port == "/dev/ttyACM0"
    for text, key in [
        ('[printer]\naddress = "lpt://x"', "printer.address"),
        ('[printer]\naddress = "tcp://h:9100"\ncopies = ["both"]', "printer.copies[0]"),
        ('[scanner]\nport = "/dev/x"\nbaud = 9600', "scanner.baud"),
        ('[keypad]\nport = "/dev/x"\n[scanner]\nport = "/dev/x"', "scanner.port"),
    ]:
        p.write_text('[hub]\ntoken = "t"\n[counter]\nnumber = 6\n' + text, encoding="utf-8")
        with pytest.raises(ConfigError) as e:
            load_counter_config(p)
        assert e.value.key == key and str(p) in str(e.value), (text, e.value.key)


# ---------------------------------------------------------------------------------------- screenshot
def test_receive_screenshot(qtbot, make_hub, tcp_printer, tmp_path: Path) -> None:
    """The form and the confirmation side by side (MOTCUA_WRITE_DOCS=1 writes the README's copy)."""
    hub = make_hub(example=True)
    hub.client("kiosk").issue("TPHT")
    fake, address = tcp_printer([READY])
    panel = make_panel(qtbot, hub, printer=address)
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        panel.act("next")
    open_form(qtbot, panel)
    form = panel.receive_form
    form.id_number.setText("036196000123")
    form.name.setText("Trần Thị Ngọc Hà")
    form.address.setText("Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh")
    form.phone.setText("0912 345 678")
    form.email.setText("ngocha@example.vn")
    form.scanner_label.setText("Đã đọc thẻ căn cước của Trần Thị Ngọc Hà")
    qtbot.keyClicks(form.search, "khai sinh")
    form.results.setCurrentRow(0)
    form.tick(1, 2)
    panel.resize(760, 900)
    qtbot.wait(50)  # widgets added to a shown layout appear on the next event loop turn
    left = panel.grab()
    submit(qtbot, panel)
    qtbot.waitUntil(lambda: form.received is not None and form.received.printed is not None, timeout=10000)
    qtbot.wait(50)
    right = panel.grab()
    out = QImage(left.width() + right.width() + 24, max(left.height(), right.height()), QImage.Format.Format_RGB32)
    out.fill(0xFFFFFF)
    painter = QPainter(out)
    painter.drawPixmap(0, 0, left)
    painter.drawPixmap(left.width() + 24, 0, right)
    painter.end()
    assert out.save(str(tmp_path / "receive-dossier.png"))
    if os.environ.get("MOTCUA_WRITE_DOCS"):
        out.save(str(ROOT / "docs" / "counter_display" / "receive-dossier.png"))
