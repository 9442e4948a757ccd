"""Issue 17, public-computer mode: from the procedure look-up, the procedure's guidance sheet (name, legal basis,
documents, fees, processing time, where to submit — from the catalog and the site) and its blank form print on
the A4 printer through a real `cupsd` started by the tests, without submitting anything; a paused or missing
printer is said in plain Vietnamese with English below."""
from __future__ import annotations

import io
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from cups_support import CupsServer, available, remove, start_cups
from kiosk_support import Windows, click, kiosk_settings
from support import READY

from kiosk import texts as T
from kiosk.app import KioskWindow
from kiosk.guidance import guidance_sheet
from printer_drivers.a4 import guidance_pdf

LLTP = "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"


@pytest.fixture(scope="module")
def cupsd() -> Iterator[CupsServer]:
    if available():
        pytest.skip(available())
    # Not under pytest's tmp_path: that is private to root (0700) and the backend runs as the lp user.
    root = Path(tempfile.mkdtemp(prefix="motcua-cups-"))
    os.chmod(root, 0o755)
    server = start_cups(root)
    try:
        yield server
    finally:
        server.stop()
        remove(root)


@pytest.fixture
def kiosk(qtbot, make_hub, tcp_printer, tmp_path):  # noqa: ANN001, ANN201
    hub = make_hub(example=True)
    _printer, address = tcp_printer([READY])
    windows = Windows(qtbot)

    def make(a4: str) -> KioskWindow:
        return windows.open(kiosk_settings(hub, address, tmp_path, a4=a4, a4_follow_s=15))[0]

    yield make, hub
    windows.close()


def browse_to(qtbot: Any, win: KioskWindow, typed: str) -> None:
    """"Tra cứu thủ tục" (look up, not submit), a procedure found by typing, its page."""
    d = win.dossier
    click(qtbot, d.catalog_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    for ch in typed:
        click(qtbot, d.c_search.keys[ch])
    click(qtbot, d.c_result_buttons[0])
    assert win.page == "procedure"


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_guidance_sheet_carries_the_catalogs_facts_with_their_diacritics(kiosk) -> None:  # noqa: ANN001
    make, _hub = kiosk
    win = make("file:///nonexistent-not-used")
    procedures = {p.code: p for p in win.dossier.backend.load_catalog()}
    site = win.backend.site.doc
    sheet = guidance_sheet(procedures["TPHT.07"], site, printed_on=date(2026, 11, 26))
    text = text_of(guidance_pdf(sheet))
    service = site.service("TPHT")
    counters = ", ".join(str(c.number) for c in site.counters if "TPHT" in c.services)
    for expected in ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH BẮC NINH", "HƯỚNG DẪN THỰC HIỆN THỦ TỤC HÀNH CHÍNH", LLTP,
                     "Mã thủ tục: TPHT.07", "Lĩnh vực: Lý lịch tư pháp",
                     "1. Căn cứ pháp lý", "Luật Lý lịch tư pháp 2009; Nghị định số 111/2010/NĐ-CP; Thông tư số 16/2013/TT-BTP",
                     "2. Thành phần hồ sơ", "1. Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
                     "3. Phí, lệ phí", "200.000 đ", "4. Thời hạn giải quyết", "10 ngày làm việc",
                     "5. Nơi nộp hồ sơ", "Số 11 đường Lý Thái Tổ, phường Suối Hoa, tỉnh Bắc Ninh",
                     f"Lấy số thứ tự dịch vụ «{service.name}» tại ki-ốt, nộp tại quầy số {counters}.",
                     "6. Mẫu đơn, tờ khai", "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", "ngày 26/11/2026"):
        assert expected in text, expected
    # A procedure with no form: its legal basis from the catalog, no form section; a document's counts and note.
    text = text_of(guidance_pdf(guidance_sheet(procedures["DD.01"], site)))
    assert "Luật Đất đai 2024; Nghị định số 101/2024/NĐ-CP" in text and "Mẫu đơn, tờ khai" not in text
    assert "Căn cước công dân / thẻ căn cước của người nộp (xuất trình) (1 bản chính) — xuất trình bản chính" in text
    assert "Miễn phí (Lệ phí trước bạ, thuế thu nhập cá nhân theo thông báo của cơ quan thuế)" in text


def test_public_computer_mode_prints_the_guidance_and_the_blank_form_through_cups(
        kiosk, qtbot, cupsd: CupsServer) -> None:  # noqa: ANN001
    make, hub = kiosk
    cupsd.add_queue("kioskA4")
    win = make(f"cups://{cupsd.server}/kioskA4")
    d = win.dossier
    browse_to(qtbot, win, "ly lich tu phap")
    assert not d.steps["catalog"].isVisible() and not d.steps["procedure"].isVisible()  # browsing: no steps
    guide = d.guide
    assert guide.button.text() == "In hướng dẫn thủ tục (khổ A4)" and not d.submit_mode
    click(qtbot, guide.button)
    assert guide.message.text() == "Đang in…"  # at once; the job is followed on the worker
    qtbot.waitUntil(lambda: guide.message.text() == T.GUIDE_PRINTED.vi, timeout=20000)
    [sheet] = cupsd.jobs_written("kioskA4")
    text = text_of(sheet.read_bytes())
    for expected in (LLTP, "Luật Lý lịch tư pháp 2009", "200.000 đ", "10 ngày làm việc",
                     "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh, Số 11 đường Lý Thái Tổ"):
        assert expected in text, expected
    # The blank form beside it, to the same queue.
    form = d.form
    click(qtbot, form.p_print)
    qtbot.waitUntil(lambda: form.p_printed.text() == T.FORM_BLANK_PRINTED.vi, timeout=20000)
    jobs = cupsd.jobs_written("kioskA4")
    assert len(jobs) == 2
    blank = text_of(next(j for j in jobs if j != sheet).read_bytes())
    assert "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP" in blank and "Họ và tên: ....." in blank
    # Nothing was submitted: no draft, no dossier at the hub.
    assert d.draft is None
    with sqlite3.connect(hub.db) as db:
        assert db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
    # Leaving the page forgets the outcome.
    win.go_home(clear=True)
    assert guide.message.text() == "" and guide.procedure is None
    # Submitting instead: the catalog says the steps have not begun yet.
    click(qtbot, d.submit_button)
    assert d.steps["catalog"].isVisible() and d.steps["catalog"].text() == "Trước bước 1: chọn thủ tục cần nộp"


def test_a_paused_or_missing_printer_is_said_plainly_in_both_languages(kiosk, qtbot, cupsd: CupsServer) -> None:  # noqa: ANN001
    import cups

    make, _hub = kiosk
    cupsd.add_queue("pausedA4")
    cups.Connection(host="127.0.0.1", port=cupsd.port).disablePrinter("pausedA4")
    win = make(f"cups://{cupsd.server}/pausedA4")
    browse_to(qtbot, win, "ly lich tu phap")
    guide, form = win.dossier.guide, win.dossier.form
    click(qtbot, guide.button)
    paused = "Chưa in được: Máy in A4 đang tạm dừng.\nNot printed: The A4 printer is paused."
    qtbot.waitUntil(lambda: guide.message.text() == paused, timeout=20000)
    assert guide.button.isEnabled()  # the citizen may try again once staff resume it
    click(qtbot, form.p_print)
    qtbot.waitUntil(lambda: form.p_printed.text() == paused, timeout=20000)
    assert cupsd.jobs_written("pausedA4") == []
    assert "cups" not in guide.message.text().lower() and "ipp" not in guide.message.text().lower()
    missing = make(f"cups://{cupsd.server}/no-such-printer")
    browse_to(qtbot, missing, "dang ky khai sinh")
    click(qtbot, missing.dossier.guide.button)
    qtbot.waitUntil(lambda: missing.dossier.guide.message.text() == (
        "Chưa in được: Không tìm thấy máy in A4.\nNot printed: The A4 printer cannot be found."), timeout=20000)


def test_without_an_a4_printer_there_is_no_print_button(kiosk, qtbot) -> None:  # noqa: ANN001
    make, _hub = kiosk
    win = make("file:///tmp/unused")
    win.backend.config = win.backend.config.model_copy(update={"a4_printer": None})
    browse_to(qtbot, win, "dang ky khai sinh")
    assert not win.dossier.guide.panel.isVisible()
