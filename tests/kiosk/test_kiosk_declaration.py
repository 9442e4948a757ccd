"""Issue 17 at the kiosk: a procedure with a declaration form (tờ khai điện tử), end to end against a real hub
and a real central server — the CCCD's QR pre-fills the form, missing fields are flagged, the citizen
completes them with the keyboard and pickers, photographs the pages, reviews and sends; the central server
holds the form's data once, and the A4 page's extracted text carries the values with their diacritics."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
from kiosk_support import Windows, camera_folder, click, hub_with_central, kiosk_settings, type_keys
from support import READY

from kiosk.app import KioskWindow
from kiosk.declaration import FIELDS_PER_PAGE
from scanners.camera import FileCamera


@pytest.fixture
def kiosk(qtbot, make_hub, tcp_printer, tmp_path, clock):  # noqa: ANN001, ANN201
    windows = Windows(qtbot, clock.time)
    with hub_with_central(make_hub, tmp_path) as (hub, central):
        _fake, address = tcp_printer([READY, READY])

        def make(camera_dir: Path | None, a4: str = f"file://{tmp_path / 'a4'}") -> KioskWindow:
            camera = FileCamera(camera_dir / "000-card.png") if camera_dir else None  # the card in view
            return windows.open(kiosk_settings(hub, address, tmp_path, a4=a4), camera=camera)[0]

        yield make, central, tmp_path / "a4"
        windows.close()


def fill_identity_by_typing(qtbot: Any, win: KioskWindow) -> None:
    """No card under the camera: the applicant's name and ID number typed on the on-screen keyboards."""
    d = win.dossier
    click(qtbot, d.i_type)
    type_keys(qtbot, d.fields["vi"], "traafn vawn ddaij")
    click(qtbot, d.a_next)
    type_keys(qtbot, d.fields["digits"], "001090012345")
    click(qtbot, d.a_next)


def pick_procedure(qtbot: Any, win: KioskWindow, typed: str, name: str) -> None:
    d = win.dossier
    click(qtbot, d.submit_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    type_keys(qtbot, d.c_search, typed)
    assert d.c_result_buttons[0].text().startswith(name)
    click(qtbot, d.c_result_buttons[0])
    click(qtbot, d.p_submit)


def open_field(qtbot: Any, win: KioskWindow, key: str) -> None:
    """Touch a field's row on the form page, turning its pages as a citizen would."""
    form = win.dossier.form
    keys = [f.key for f in form.draft.declaration.form.fields()]
    index = keys.index(key)
    while form.page_index < index // FIELDS_PER_PAGE:
        click(qtbot, form.f_next)
    while form.page_index > index // FIELDS_PER_PAGE:
        click(qtbot, form.f_prev)
    click(qtbot, form.f_buttons[index % FIELDS_PER_PAGE])
    assert win.page == "form_field"


def test_declaration_from_the_card_to_the_central_server(kiosk, qtbot, tmp_path) -> None:  # noqa: ANN001
    make, central, a4 = kiosk
    citizen = camera_folder(tmp_path / "camera", pages=1)
    win = make(tmp_path / "camera")
    d = win.dossier
    form = d.form
    pick_procedure(qtbot, win, "ly lich tu phap", "Cấp Phiếu lý lịch tư pháp")
    assert win.page == "identify" and d.steps["identify"].text() == "Bước 1/6: Người nộp"
    # CCCD → the form, pre-filled from the card (read at the touch of "Chụp ngay" on the live view).
    qtbot.waitUntil(lambda: d.card_live.frames > 0, timeout=10000)
    click(qtbot, d.i_capture)
    qtbot.waitUntil(lambda: win.page == "form", timeout=15000)
    assert form.f_step.text() == "Bước 2/6: Tờ khai"
    values = form.draft.declaration.values
    assert values["name"] == citizen.name and values["id_number"] == citizen.id
    assert values["dob"] == citizen.dob.isoformat() and values["sex"] == citizen.gender
    assert values["permanent_residence"] == citizen.address and values["id_issued"] == citizen.issued.isoformat()
    assert citizen.name in form.f_buttons[1].text()
    # Continue at once: every missing field flagged in red, the first one's page shown.
    click(qtbot, form.f_continue)
    assert win.page == "form" and "Còn 5 mục" in form.f_msg.text()
    assert set(form.errors) == {"birthplace", "phone", "certificate", "purpose", "signed_at"}
    flagged = [b for b in form.f_buttons if b.isVisible() and b.property("state") == "error"]
    assert flagged and all("⚠" in b.text() for b in flagged)
    # Completed with the Telex keyboard, the digit pad and a choice; a wrong phone is refused and kept out.
    open_field(qtbot, win, "birthplace")
    type_keys(qtbot, form.e_fields["vi"], "xax ddaij ddoongf, tinhr bawcs ninh")
    click(qtbot, form.e_save)
    assert win.page == "form" and values["birthplace"] == "xã đại đồng, tỉnh bắc ninh"
    open_field(qtbot, win, "phone")
    type_keys(qtbot, form.e_fields["digits"], "12345")
    click(qtbot, form.e_save)
    assert win.page == "form_field" and "10 chữ số" in form.e_msg.text() and "phone" not in values
    click(qtbot, form.e_fields["digits"].keys["back"])
    for _ in range(5):
        click(qtbot, form.e_fields["digits"].keys["back"])
    type_keys(qtbot, form.e_fields["digits"], "0912345678")
    click(qtbot, form.e_save)
    open_field(qtbot, win, "certificate")
    assert [b.text() for b in form.e_choices if b.isVisible()] == ["Phiếu số 1", "Phiếu số 2"]
    click(qtbot, form.e_choices[1])
    assert win.page == "form" and values["certificate"] == "2"
    open_field(qtbot, win, "purpose")
    type_keys(qtbot, form.e_fields["vi"], "boor sung hoof sow xin vieecj lamf")
    click(qtbot, form.e_save)
    open_field(qtbot, win, "signed_at")
    type_keys(qtbot, form.e_fields["vi"], "bawcs ninh")
    click(qtbot, form.e_save)
    click(qtbot, form.f_continue)
    # Completed: the phone comes from the form; the form itself is not photographed, the card's copy is.
    assert win.page == "ask" and d.ask_step == "phone" and d.fields["digits"].text() == "0912345678"
    assert d.steps["ask"].text() == "Bước 3/6: Liên hệ"
    click(qtbot, d.a_next)
    click(qtbot, d.a_skip)
    assert win.page == "documents" and d.photos.d_name.text() == "Bản chụp căn cước công dân"
    assert d.steps["documents"].text() == "Bước 4/6: Giấy tờ"
    d.backend.camera.show(tmp_path / "camera" / "001-page.jpg")
    seen = d.photos.live.frames
    qtbot.waitUntil(lambda: d.photos.live.frames >= seen + 2, timeout=10000)
    click(qtbot, d.photos.d_capture)
    qtbot.waitUntil(lambda: len(d.draft.pages) == 1, timeout=10000)
    click(qtbot, d.photos.d_next)
    assert win.page == "delivery"
    click(qtbot, d.v_center)
    # Review: the form's A4 page and the photographed page beside the applicant's details.
    assert win.page == "review" and citizen.name in d.r_body.text()
    assert d.steps["review"].text() == "Bước 6/6: Kiểm tra và gửi"
    qtbot.waitUntil(lambda: form.r_form.pixmap() is not None and not form.r_form.pixmap().isNull(), timeout=10000)
    assert form.r_form.isVisible() and len(form.r_thumbs) == 1
    click(qtbot, d.r_send)
    qtbot.waitUntil(lambda: win.page == "submitted", timeout=15000)
    dossier = d.last_result.dossier
    assert d.draft is None and form.draft is None  # personal data out of memory
    # At the central server: the dossier once, its form's data once, normalised, diacritics intact.
    store = central.app.state.store
    qtbot.waitUntil(lambda: (store.dossier(dossier.id) or {}).get("code") is not None, timeout=20000)
    exported = [x for x in store.export("dossiers") if x["id"] == dossier.id]
    assert len(exported) == 1
    declaration = exported[0]["content"]["declaration"]
    assert declaration["form"] == "LLTP-03"
    expected = {"name": citizen.name, "id_number": citizen.id, "dob": citizen.dob.isoformat(),
                "birthplace": "xã đại đồng, tỉnh bắc ninh", "phone": "0912345678", "certificate": "2",
                "purpose": "bổ sung hồ sơ xin việc làm", "signed_at": "bắc ninh", "nationality": "Việt Nam"}
    assert {k: declaration["values"][k] for k in expected} == expected
    assert str(list(store.export("dossiers"))).count("bổ sung hồ sơ xin việc làm") == 1
    # The A4 page printed for signing: its text is the entered values, diacritics included.
    qtbot.waitUntil(lambda: form.a4_label.text() == "Mời nhận tờ khai (khổ A4) ở máy in bên cạnh và ký tên.",
                    timeout=10000)  # printed off the GUI thread while the citizen reads the page
    pdfs = sorted(a4.glob("*.pdf"))
    assert len(pdfs) == 1
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdfs[0].read_bytes())).pages)
    for shown in (citizen.name, citizen.id, citizen.dob.strftime("%d/%m/%Y"), "xã đại đồng, tỉnh bắc ninh",
                  "0912345678", "Phiếu số 2", "bổ sung hồ sơ xin việc làm", "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP",
                  "bắc ninh, ngày 26 tháng 11 năm 2026", dossier.code):
        assert shown in text, shown


def test_typed_identity_date_and_unit_pickers(kiosk, qtbot) -> None:  # noqa: ANN001
    """No camera: the name and number typed pre-fill the form; a date and a commune picked by touch."""
    make, *_ = kiosk
    win = make(None)
    form = win.dossier.form
    pick_procedure(qtbot, win, "dang ky khai sinh", "Đăng ký khai sinh")
    fill_identity_by_typing(qtbot, win)
    assert win.page == "form"
    assert form.draft.declaration.values["requester_name"] == "trần văn đại"
    assert form.draft.declaration.values["requester_id_number"] == "001090012345"
    # The child's date of birth: today's date to start with, then a day back.
    open_field(qtbot, win, "child_dob")
    assert form.e_value.text() == "26/11/2026"
    click(qtbot, form.e_date_buttons["day-1"])
    click(qtbot, form.e_date_buttons["month-1"])
    assert form.e_value.text() == "25/10/2026"
    click(qtbot, form.e_date_buttons["year+1"])
    click(qtbot, form.e_save)
    assert win.page == "form_field" and "không thể đúng" in form.e_msg.text()  # a birth in 2027: refused
    click(qtbot, form.e_date_buttons["year-1"])
    click(qtbot, form.e_save)
    assert win.page == "form" and form.draft.declaration.values["child_dob"] == "2026-10-25"
    # Where the child was born: the province, then the commune typed without diacritics.
    open_field(qtbot, win, "child_birthplace_unit")
    click(qtbot, form.e_province_buttons["24"])
    type_keys(qtbot, form.e_fields["vi"], "kinh bac")
    shown = [b.text() for b in form.e_wards if b.isVisible()]
    assert shown == ["Phường Kinh Bắc"]
    click(qtbot, form.e_wards[0])
    assert win.page == "form"
    assert form.draft.declaration.values["child_birthplace_unit"] == "Phường Kinh Bắc, tỉnh Bắc Ninh"
    # "Quay lại" on the form: home, and nothing of the citizen left on screen.
    click(qtbot, form.f_back)
    assert win.page == "home" and form.draft is None
    assert all("Kinh Bắc" not in b.text() for b in form.f_buttons)


def test_a_citizen_who_walks_away_from_the_form_is_forgotten(kiosk, qtbot, clock) -> None:  # noqa: ANN001
    make, *_ = kiosk
    win = make(None)
    d, form = win.dossier, win.dossier.form
    pick_procedure(qtbot, win, "ly lich tu phap", "Cấp Phiếu lý lịch tư pháp")
    fill_identity_by_typing(qtbot, win)
    open_field(qtbot, win, "purpose")
    type_keys(qtbot, form.e_fields["vi"], "xin vieecj")
    clock.advance(seconds=win.config.kiosk.dossier_idle_timeout_s + 1)
    win.tick()  # "are you still there?" (kiosk.idle), untouched: the reset
    clock.advance(seconds=win.config.kiosk.still_there_s)
    win.tick()
    assert win.page == "home" and form.draft is None and d.draft is None
    assert form.e_fields["vi"].text() == "" and all("trần văn đại" not in b.text() for b in form.f_buttons)


def test_the_blank_form_prints_from_the_procedure_page(kiosk, qtbot) -> None:  # noqa: ANN001
    make, _, a4 = kiosk
    win = make(None)
    d, form = win.dossier, win.dossier.form
    click(qtbot, d.catalog_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    type_keys(qtbot, d.c_search, "ly lich tu phap")
    click(qtbot, d.c_result_buttons[0])
    assert win.page == "procedure" and form.procedure_panel.isVisible()
    qtbot.waitUntil(lambda: not form.p_preview.pixmap().isNull(), timeout=10000)  # the blank page, drawn off-thread
    click(qtbot, form.p_print)
    qtbot.waitUntil(lambda: form.p_printed.text() == "Mời nhận tờ khai trống ở máy in bên cạnh.", timeout=10000)
    [pdf] = sorted(a4.glob("*.pdf"))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP" in text and "1. Họ và tên: ....." in text
    # A procedure without a form shows no such panel.
    win.go_home(clear=True)
    click(qtbot, d.catalog_button)
    type_keys(qtbot, d.c_search, "ban sao trich luc")
    click(qtbot, d.c_result_buttons[0])
    assert win.page == "procedure" and not form.procedure_panel.isVisible()
    click(qtbot, d.p_submit)  # without a form, one step fewer
    assert win.page == "identify" and d.steps["identify"].text() == "Bước 1/5: Người nộp"


def test_an_a4_printer_that_cannot_print_is_said_plainly_after_sending(kiosk, qtbot) -> None:  # noqa: ANN001
    from cups_support import free_port

    from motcua import forms
    from motcua.forms import Declaration

    make, central, _ = kiosk
    win = make(None, a4=f"cups://127.0.0.1:{free_port()}/A4")  # no print service there
    d, form = win.dossier, win.dossier.form
    pick_procedure(qtbot, win, "ly lich tu phap", "Cấp Phiếu lý lịch tư pháp")
    fill_identity_by_typing(qtbot, win)
    lltp = next(f for f in forms.shipped_forms() if f.id == "LLTP-03")
    filled = Declaration(lltp, {**form.draft.declaration.values, "sex": "Nam", "dob": "1990-01-02",
                                "birthplace": "Hà Nội", "id_issued": "2021-07-01", "phone": "0912345678",
                                "certificate": "1", "purpose": "xin việc", "signed_at": "Hà Nội",
                                "permanent_residence": "Số 1 Tràng Tiền, phường Hoàn Kiếm"})
    form.draft.declaration = filled
    click(qtbot, form.f_continue)
    assert win.page == "ask" and filled.complete, form.errors
    click(qtbot, d.a_next)
    click(qtbot, d.a_skip)
    assert win.page == "documents" and d.photos.d_name.text() == "Bản chụp căn cước công dân"  # the form is not asked for
    click(qtbot, d.photos.d_skip)  # no camera: the copy comes on paper
    assert win.page == "delivery"
    click(qtbot, d.v_center)
    click(qtbot, d.r_send)
    qtbot.waitUntil(lambda: win.page == "submitted", timeout=15000)
    qtbot.waitUntil(lambda: form.a4_label.text() == ("Chưa in được tờ khai: Không kết nối được dịch vụ in. "
                                                     "Cán bộ sẽ in giúp quý khách tại quầy."), timeout=10000)
    assert d.last_result.dossier is not None and d.last_result.dossier.provisional  # the dossier went in all the same
