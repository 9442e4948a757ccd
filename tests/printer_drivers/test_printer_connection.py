"""Printers on real connections: a TCP printer on 127.0.0.1, a serial printer on a pty, file:, dummy:."""
from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from escpos_parse import parse
from hypothesis import given
from hypothesis import strategies as st
from support import COVER_OPEN, PAPER_LOW, PAPER_OUT, QUERIES, READY, FakePrinter  # noqa: E402,F401

from printer_drivers import (
    AddressError,
    JobOutcome,
    Printer,
    PrinterAddress,
    PrinterState,
    PrinterStatus,
    ProfileError,
    sample_ticket,
    texts,
    ticket_job,
)


def job_for(site, printer: Printer):
    return ticket_job(sample_ticket(site), paper=printer.paper)


def test_tcp_printer_receives_the_job(site, tcp_printer):
    fake, url = tcp_printer([READY])
    printer = Printer(url, timeout_s=2, status_timeout_s=0.5)
    job = job_for(site, printer)
    result = printer.print_job(job)
    printer.close()
    assert result.outcome is JobOutcome.PRINTED and result.reason is None
    assert bytes(fake.job) == job.to_bytes()
    assert parse(bytes(fake.job)).qr_payloads == [sample_ticket(site).tracking_url]
    assert result.before.state is PrinterState.READY and result.after.state is PrinterState.READY


def test_tcp_paper_out_fails_with_that_reason_and_sends_nothing(site, tcp_printer):
    fake, url = tcp_printer([PAPER_OUT])
    printer = Printer(url, timeout_s=2, status_timeout_s=0.5)
    result = printer.print_job(job_for(site, printer))
    printer.close()
    assert result.outcome is JobOutcome.FAILED
    assert result.reason == texts.REASON_PAPER_OUT
    assert "hết giấy" in result.reason.vi
    assert bytes(fake.job) == b""
    assert printer.diagnostics()["jobs"] == {"printed": 0, "failed": 1, "unknown": 0}


def test_tcp_paper_running_out_during_the_job(site, tcp_printer):
    fake, url = tcp_printer([READY, PAPER_OUT])
    printer = Printer(url, timeout_s=2, status_timeout_s=0.5)
    result = printer.print_job(job_for(site, printer))
    printer.close()
    assert result.outcome is JobOutcome.FAILED and result.reason == texts.REASON_PAPER_OUT_DURING
    assert len(fake.job) == result.bytes_sent > 0


def test_tcp_paper_low_prints_with_a_warning(site, tcp_printer):
    _, url = tcp_printer([PAPER_LOW])
    printer = Printer(url, timeout_s=2, status_timeout_s=0.5)
    result = printer.print_job(job_for(site, printer))
    printer.close()
    assert result.outcome is JobOutcome.PRINTED and result.warning == texts.REASON_PAPER_LOW


def test_tcp_cover_open(site, tcp_printer):
    _, url = tcp_printer([COVER_OPEN])
    with Printer(url, timeout_s=2, status_timeout_s=0.5) as printer:
        assert printer.status().state is PrinterState.COVER_OPEN
        result = printer.print_job(job_for(site, printer))
    assert result.reason == texts.REASON_COVER_OPEN


def test_tcp_printer_that_never_answers_is_unknown_within_the_timeout(site, tcp_printer):
    fake, url = tcp_printer([None])
    printer = Printer(url, timeout_s=2, status_timeout_s=0.3)
    started = time.monotonic()
    result = printer.print_job(job_for(site, printer))
    elapsed = time.monotonic() - started
    printer.close()
    assert result.outcome is JobOutcome.UNKNOWN
    assert result.reason == texts.REASON_NO_ANSWER
    assert result.before.state is PrinterState.UNKNOWN  # never "ok" by default
    assert elapsed < 1.5
    assert len(fake.job) == result.bytes_sent > 0


def test_tcp_reconnects_when_the_printer_dropped_the_connection(site, tcp_printer):
    fake, url = tcp_printer([READY], close_first_connection=True)
    printer = Printer(url, timeout_s=2, status_timeout_s=0.5)
    printer.open()
    time.sleep(0.05)  # the server closes the first connection
    result = printer.print_job(job_for(site, printer))
    printer.close()
    assert result.outcome is JobOutcome.PRINTED
    assert bytes(fake.job) == job_for(site, printer).to_bytes()


def test_refused_connection_is_a_result_not_an_exception(site):
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    printer = Printer(f"tcp://127.0.0.1:{port}", timeout_s=1)
    result = printer.print_job(job_for(site, printer))
    assert result.outcome is JobOutcome.FAILED and result.error_code == "unavailable"
    assert "Không kết nối được máy in" in result.reason.vi
    diag = printer.diagnostics()
    json.dumps(diag)
    assert diag["state"] == "disconnected" and diag["last_error"]["code"] == "unavailable"


def test_serial_printer_on_a_pty(site):
    master, slave = os.openpty()
    fake = FakePrinter([READY])
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            import select

            if select.select([master], [], [], 0.05)[0]:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    return
                fake.feed(data, lambda b: os.write(master, b))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        printer = Printer(f"serial://{os.ttyname(slave)}?baud=115200", paper_mm=58, timeout_s=2,
                          status_timeout_s=0.5)
        job = job_for(site, printer)
        result = printer.print_job(job)
        printer.close()
    finally:
        stop.set()
        thread.join(1)
        os.close(master)
        os.close(slave)
    assert result.outcome is JobOutcome.PRINTED, result.reason
    assert bytes(fake.job) == job.to_bytes()


def test_file_printer_writes_the_job(site, tmp_path):
    out = tmp_path / "printed" / "ticket.bin"
    printer = Printer(f"file://{out}")
    job = job_for(site, printer)
    result = printer.print_job(job)
    printer.close()
    assert result.outcome is JobOutcome.PRINTED
    assert out.read_bytes() == job.to_bytes()
    assert result.after.readable is False and result.after.state is PrinterState.UNKNOWN


@pytest.mark.parametrize("state,outcome", [("ready", JobOutcome.PRINTED), ("paper_out", JobOutcome.FAILED),
                                           ("unknown", JobOutcome.UNKNOWN)])
def test_dummy_printer_states(site, state, outcome):
    printer = Printer(f"dummy:?state={state}&paper=58")
    job = job_for(site, printer)
    result = printer.print_job(job)
    assert result.outcome is outcome
    if outcome is JobOutcome.PRINTED:
        assert printer.dummy_output == job.to_bytes()


def test_addresses():
    assert PrinterAddress.parse("tcp://10.0.0.5:9100").host_port == ("10.0.0.5", 9100)
    assert PrinterAddress.parse("tcp://printer.local").host_port == ("printer.local", 9100)
    a = PrinterAddress.parse("serial:///dev/ttyUSB0?baud=19200&profile=TM-T20II&paper=58")
    assert (a.scheme, a.target, a.options["baud"]) == ("serial", "/dev/ttyUSB0", "19200")
    assert a.paper().width_mm == 58 and a.paper().dots == 384 and a.paper().profile == "TM-T20II"
    assert PrinterAddress.parse("usb://04b8:0e15").target == "04b8:0e15"
    assert PrinterAddress.parse("file:///tmp/x.bin").target == "/tmp/x.bin"
    assert PrinterAddress.parse("cups://TM-T20").target == "TM-T20"
    assert PrinterAddress.parse("dummy:").scheme == "dummy"
    for bad in ("lpt://1", "tcp://host:99999", "usb://epson", "serial:///dev/ttyS0?baud=fast", "tcp://"):
        with pytest.raises(AddressError) as err:
            PrinterAddress.parse(bad)
        assert err.value.message_vi and err.value.message_en
    with pytest.raises(ProfileError):
        Printer("dummy:?paper=76")
    with pytest.raises(ProfileError):
        Printer("dummy:", profile="no-such-printer")


def test_usb_without_pyusb_or_device_is_a_clear_failure(site):
    printer = Printer("usb://04b8:0e15")
    result = printer.print_job(job_for(site, printer))
    assert result.outcome is JobOutcome.FAILED and result.reason.vi


@given(st.one_of(st.none(), st.integers(0, 255)), st.one_of(st.none(), st.integers(0, 255)),
       st.one_of(st.none(), st.integers(0, 255)), st.one_of(st.none(), st.integers(0, 255)))
def test_status_is_never_ready_unless_the_printer_said_so(p1, p2, p3, p4):
    status = PrinterStatus.from_bytes(printer=p1, offline=p2, error=p3, paper_sensor=p4)
    if status.state is PrinterState.READY:
        assert p1 is not None and p4 is not None
        assert not p1 & 0x08 and not p4 & 0x6C
    if p1 is None:
        assert status.state is PrinterState.UNKNOWN


def test_status_bits():
    assert PrinterStatus.from_bytes(**dict(zip(("printer", "offline", "error", "paper_sensor"),
                                                READY.values()))).state is PrinterState.READY
    assert PrinterStatus.from_bytes(printer=0x16, offline=0x12, error=0x12, paper_sensor=0x1E).state \
        is PrinterState.PAPER_LOW
    assert PrinterStatus.from_bytes(printer=0x16, offline=0x12, error=0x1A, paper_sensor=0x12).state \
        is PrinterState.ERROR  # autocutter error
    assert PrinterStatus.from_bytes(printer=0xFF).state is PrinterState.UNKNOWN  # not a status byte
    assert PrinterStatus.unreadable().state is PrinterState.UNKNOWN


def test_import_leaves_the_root_logger_and_temp_folder_alone(tmp_path):
    code = (
        "import logging, os\n"
        "before = list(logging.getLogger().handlers)\n"
        "import printer_drivers\n"
        "p = printer_drivers.Printer('file://" + str(tmp_path / "x.bin") + "')\n"
        "p.print_job(b'\\x1b@'); p.close()\n"
        "assert logging.getLogger().handlers == before, logging.getLogger().handlers\n"
        "print(os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR'])\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    pickle_dir = proc.stdout.strip()
    assert pickle_dir.endswith(("motcua/escpos", "motcua-escpos"))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("tmp")] == []
    logging.getLogger(__name__).debug("ok")
