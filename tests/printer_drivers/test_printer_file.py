"""The `file://` printer: a real file, a FIFO and a pty standing in for /dev/usb/lp0.

Each job arrives whole while the printer stays open (no 4,096-byte buffer holding back the cut
command), nothing ever truncates what is already there, and a status check does not open the device.
"""
from __future__ import annotations

import json
import os
import select
import threading
import tty
from pathlib import Path

from motcua.cli import main as motcua
from printer_drivers import JobOutcome, Printer, PrinterState, sample_ticket, ticket_job

CUT = b"\x1dV"  # GS V: the cut command, the last thing a ticket sends


def ticket_bytes(site, printer: Printer) -> bytes:
    data = ticket_job(sample_ticket(site), paper=printer.paper).to_bytes()
    assert len(data) > 4096 and CUT in data[-8:]  # longer than one stdio buffer, cut at the end
    return data


def test_a_file_gets_each_job_whole_appended_while_the_printer_stays_open(site, tmp_path: Path) -> None:
    out = tmp_path / "lp0.bin"
    out.write_bytes(b"EARLIER TICKET")
    printer = Printer(f"file://{out}")
    job = ticket_bytes(site, printer)
    assert printer.print_job(job).outcome is JobOutcome.PRINTED
    # Still open, as in a running kiosk: every byte, the cut included, is already in the file.
    assert printer.is_open and out.read_bytes() == b"EARLIER TICKET" + job
    again = printer.print_job(job)
    assert again.printed and again.bytes_sent == len(job)
    assert out.read_bytes() == b"EARLIER TICKET" + job + job
    printer.close()


def test_checking_a_file_printer_never_empties_it(site, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "lp0.bin"
    kiosk = Printer(f"file://{out}")
    job = ticket_bytes(site, kiosk)
    assert kiosk.print_job(job).printed  # the kiosk has printed and keeps its printer open
    # The technician checks the same printer three ways while the kiosk runs.
    status = Printer(f"file://{out}").status()
    assert status.readable is False and status.state is PrinterState.UNKNOWN
    assert motcua(["print", "status", "--printer", f"file://{out}", "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["readable"] is False
    assert motcua(["diag", "--json", "--printer", f"file://{out}"]) in (0, 1)
    printer_check = [c for c in json.loads(capsys.readouterr().out)["checks"] if c["name_en"] == "Printer"]
    assert printer_check[0]["status"] == "ok"
    assert out.read_bytes() == job
    assert kiosk.print_job(job).printed
    assert out.read_bytes() == job + job
    kiosk.close()


def test_a_fifo_gets_every_byte_and_a_status_check_does_not_open_it(site, tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    printer = Printer(f"file://{fifo}", timeout_s=5)
    # Nobody reads yet: a status check only looks (a non-blocking open would fail with ENXIO, a blocking
    # one would hang), and a job fails at once instead of hanging.
    assert printer.status().readable is False
    result = printer.print_job(b"x")
    assert result.outcome is JobOutcome.FAILED and result.error_code == "unavailable"
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    poll = select.poll()
    poll.register(reader, select.POLLIN)
    Printer(f"file://{fifo}").status()
    # A writer that opened and closed would leave POLLHUP behind: the reader (a printer daemon, `cat`)
    # would have seen end-of-file.
    assert poll.poll(0) == []
    # A job far bigger than the pipe's buffer: the writer waits for the reader, and nothing is lost.
    job = ticket_bytes(site, printer) * 20
    got = bytearray()

    def read_all() -> None:
        while len(got) < len(job):
            if select.select([reader], [], [], 5)[0]:
                got.extend(os.read(reader, 65536))

    t = threading.Thread(target=read_all)
    t.start()
    result = printer.print_job(job)
    t.join(10)
    assert result.bytes_sent == len(job) and bytes(got) == job
    # A device: every byte went out, but only a printer that answers could say it printed.
    assert result.outcome is JobOutcome.UNKNOWN
    printer.close()
    os.close(reader)


def test_a_fifo_nobody_empties_times_out_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a printer that stopped taking bytes
    printer = Printer(f"file://{fifo}", timeout_s=0.3)
    result = printer.print_job(b"\x1b@" + b"x" * (1 << 20))
    assert result.outcome is JobOutcome.UNKNOWN and result.error_code == "timeout"
    assert 0 < result.bytes_sent < (1 << 20)
    os.close(reader)


def test_a_pty_device_node_gets_the_job_byte_for_byte(site) -> None:  # noqa: ANN001
    master, slave = os.openpty()
    tty.setraw(slave)  # a printer takes bytes as they are (no newline translation)
    path = os.ttyname(slave)
    printer = Printer(f"file://{path}")
    assert printer.status().readable is False
    job = ticket_bytes(site, printer)
    got = bytearray()

    def read_all() -> None:
        while len(got) < len(job) and select.select([master], [], [], 5)[0]:
            got.extend(os.read(master, 65536))

    t = threading.Thread(target=read_all)
    t.start()
    result = printer.print_job(job)
    t.join(10)
    assert bytes(got) == job and result.bytes_sent == len(job)
    assert os.path.exists(path) and not Path(path).is_file()  # still the device, never a regular file
    printer.close()
    os.close(master)
    os.close(slave)


def test_an_unplugged_device_is_not_found_and_never_made_a_file() -> None:
    path = Path("/dev/usb/motcua-test-no-such-lp9")
    try:
        result = Printer(f"file://{path}").print_job(b"\x1b@hello")
        assert not path.exists()
    finally:  # a regression would leave a regular file in /dev: take it away again
        path.unlink(missing_ok=True)
    assert result.outcome is JobOutcome.FAILED and result.error_code == "unavailable"
    assert "Không tìm thấy máy in" in result.reason.vi
