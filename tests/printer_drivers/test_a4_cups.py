"""Issue 17, A4 printing through CUPS, against a real `cupsd` started by the tests with a virtual printer: the
printer's state checked before (ready, paused, not accepting, missing, no server) and the job followed after
(completed, or waiting while the printer is paused); what the citizen reads is Vietnamese with English."""
from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pypdf
import pytest
from cups_support import CupsServer, available, remove, start_cups

from motcua import forms
from printer_drivers.a4 import declaration_pdf
from printer_drivers.a4_printer import (
    A4Fault,
    A4PrinterConfig,
    CupsA4Printer,
    FileA4Printer,
    JobState,
    PrinterState,
    open_a4_printer,
)

pytestmark = pytest.mark.skipif(bool(available()), reason=available() or "cupsd available")

VALUES = {"to": "Sở Tư pháp tỉnh Bắc Ninh", "name": "Nguyễn Thị Hồng Nhung", "sex": "Nữ", "dob": "1990-03-15",
          "birthplace": "Xã Đại Đồng, tỉnh Bắc Ninh", "nationality": "Việt Nam", "ethnicity": "Kinh",
          "permanent_residence": "Số 25 Ngô Gia Tự, phường Suối Hoa", "id_number": "027190001234",
          "id_issued": "2021-07-01", "phone": "0912345678", "certificate": "1", "count": "2",
          "purpose": "Bổ sung hồ sơ xin việc làm", "signed_at": "Bắc Ninh"}


@pytest.fixture(scope="module")
def cupsd() -> Iterator[CupsServer]:
    # Not under pytest's tmp_path: that is private to root (0700) and the backend runs as the lp user.
    root = Path(tempfile.mkdtemp(prefix="motcua-cups-"))
    os.chmod(root, 0o755)
    server = start_cups(root)
    try:
        yield server
    finally:
        server.stop()
        remove(root)


def lltp_pdf() -> bytes:
    form = next(f for f in forms.shipped_forms() if f.id == "LLTP-03")
    return declaration_pdf(form, VALUES, signed_on=date(2026, 11, 26), reference="000.00.12.H04-261126-0001")


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_a_declaration_prints_and_its_job_is_followed_to_completion(cupsd: CupsServer) -> None:
    cupsd.add_queue("a4ready")
    printer = open_a4_printer(f"cups://{cupsd.server}/a4ready")
    assert isinstance(printer, CupsA4Printer)
    assert printer.status().state is PrinterState.IDLE and printer.status().ready
    pdf = lltp_pdf()
    result = printer.print_pdf(pdf, title="To khai LLTP-03", follow_s=15)
    assert result.printed and result.job_state is JobState.COMPLETED and result.fault is None
    [written] = cupsd.jobs_written("a4ready")
    assert written.read_bytes() == pdf  # what reached the printer is the page, byte for byte
    text = text_of(written.read_bytes())
    for value in ("Nguyễn Thị Hồng Nhung", "Xã Đại Đồng, tỉnh Bắc Ninh", "Số 25 Ngô Gia Tự, phường Suối Hoa",
                  "15/03/1990", "027190001234", "Bổ sung hồ sơ xin việc làm", "Bắc Ninh, ngày 26 tháng 11 năm 2026",
                  "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert value in text, value
    assert printer.diagnostics()["state"] == "idle"


def test_a_paused_printer_is_refused_before_printing_and_a_held_job_is_reported_waiting(cupsd: CupsServer) -> None:
    import cups

    cupsd.add_queue("a4paused")
    printer = CupsA4Printer("a4paused", host="127.0.0.1", port=cupsd.port)
    conn = cups.Connection(host="127.0.0.1", port=cupsd.port)
    conn.disablePrinter("a4paused")
    status = printer.status()
    assert status.state is PrinterState.PAUSED and not status.ready and status.fault is A4Fault.PAUSED
    result = printer.print_pdf(lltp_pdf(), title="paused", follow_s=5)
    assert not result.printed and result.fault is A4Fault.PAUSED and result.job_id is None
    assert result.fault.both() == "Máy in A4 đang tạm dừng.\nThe A4 printer is paused."
    jobs = conn.getJobs(which_jobs="all", requested_attributes=["job-printer-uri"])
    assert not any(j["job-printer-uri"].endswith("/a4paused") for j in jobs.values())  # nothing was sent
    # A job that reached the queue before the pause: followed, reported waiting (with the printer's reason)…
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(lltp_pdf())
        f.flush()
        job = conn.printFile("a4paused", f.name, "held", {})
    waiting = printer.follow(job, follow_s=0.5)
    assert not waiting.printed and waiting.job_state is JobState.PENDING and waiting.fault is A4Fault.PAUSED
    assert cupsd.jobs_written("a4paused") == []
    # …and printed once the printer is resumed.
    conn.enablePrinter("a4paused")
    done = printer.follow(job, follow_s=15)
    assert done.printed and done.job_state is JobState.COMPLETED
    assert len(cupsd.jobs_written("a4paused")) == 1


def test_a_printer_not_accepting_jobs_a_missing_queue_and_no_server(cupsd: CupsServer) -> None:
    import cups

    cupsd.add_queue("a4reject")
    cups.Connection(host="127.0.0.1", port=cupsd.port).rejectJobs("a4reject")
    rejecting = CupsA4Printer("a4reject", host="127.0.0.1", port=cupsd.port)
    assert rejecting.status().state is PrinterState.REJECTING
    assert rejecting.print_pdf(b"%PDF-1.4", title="x").fault is A4Fault.REJECTING
    missing = open_a4_printer(f"cups://{cupsd.server}/no-such-queue")
    assert missing.status().state is PrinterState.MISSING
    result = missing.print_pdf(lltp_pdf(), title="x", follow_s=1)
    assert not result.printed and result.fault is A4Fault.MISSING
    assert result.fault.vi == "Không tìm thấy máy in A4." and result.fault.en == "The A4 printer cannot be found."
    # No CUPS server at that address at all.
    from cups_support import free_port

    gone = CupsA4Printer("a4ready", host="127.0.0.1", port=free_port())
    assert gone.status().state is PrinterState.UNREACHABLE
    assert gone.print_pdf(b"%PDF-1.4", title="x").fault is A4Fault.UNREACHABLE
    assert gone.diagnostics()["last_error"]  # the library's words go to the technician, not the citizen


def test_the_virtual_file_printer_and_the_config(tmp_path: Path) -> None:
    printer = A4PrinterConfig(address=f"file://{tmp_path / 'a4'}").printer()
    assert isinstance(printer, FileA4Printer)
    first = printer.print_pdf(b"%PDF-1.4 one", title="Tờ khai / LLTP")
    second = printer.print_pdf(b"%PDF-1.4 two", title="Tờ khai / LLTP")
    assert first.printed and second.job_id == 2
    assert [p.name for p in sorted((tmp_path / "a4").glob("*.pdf"))] == ["0001-T-khai-LLTP.pdf", "0002-T-khai-LLTP.pdf"]
    for bad in ("lpr://x", "cups://", "file://"):
        with pytest.raises(ValueError, match="expected cups://QUEUE"):
            A4PrinterConfig(address=bad)


def test_the_technician_check_names_the_a4_printers_state_and_the_fix(cupsd: CupsServer) -> None:
    import cups

    from diagnostics.hardware import check_a4_printer
    from diagnostics.report import Status

    cupsd.add_queue("a4diag")
    address = f"cups://{cupsd.server}/a4diag"
    ok = check_a4_printer(address)
    assert ok.status is Status.OK and ok.data["state"] == "idle"
    cups.Connection(host="127.0.0.1", port=cupsd.port).disablePrinter("a4diag")
    paused = check_a4_printer(address)
    assert paused.status is Status.FAIL and paused.command == f"cupsenable -h {cupsd.server} a4diag"
    assert paused.detail.vi.endswith("Máy in A4 đang tạm dừng.") and paused.detail.en.endswith("The A4 printer is paused.")
    missing = check_a4_printer(f"cups://{cupsd.server}/nope")
    assert missing.status is Status.FAIL and "Không tìm thấy máy in A4" in missing.detail.vi
