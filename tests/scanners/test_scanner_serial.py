"""Serial QR scanners over a real pty pair: line framing, UTF-8, overflow, unplug and reconnect, CLI."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from serial_support import PtyDevice

from motcua.cli import main as motcua_main
from scanners.config import SerialScannerConfig
from scanners.errors import DeviceUnavailable
from scanners.serial_scanner import SerialScanner
from scanners.state import DeviceState

CARD = "036196000123||Trần Thị Ngọc Hà|29021996|Nữ|Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh|05082024"


@pytest.fixture
def pty(tmp_path: Path) -> Iterator[PtyDevice]:
    p = PtyDevice(tmp_path / "usb-QR_Scanner-if00")
    yield p
    p.close()


@pytest.fixture
def scanner(pty: PtyDevice) -> Iterator[SerialScanner]:
    s = SerialScanner(port=str(pty.path), reconnect_interval_s=0.05)
    s.open()
    yield s
    s.close()


def test_reads_lines_with_any_line_end(pty: PtyDevice, scanner: SerialScanner) -> None:
    assert scanner.state is DeviceState.READY
    pty.write(b"first\r\nsecond\nthird\r")
    pty.write(b"\r\n\n")  # empty lines are nothing
    pty.write(b"fou")
    assert scanner.read_payload(timeout_s=2) == b"first"
    assert scanner.read_payload(timeout_s=2) == b"second"
    assert scanner.read_payload(timeout_s=2) == b"third"
    assert scanner.read_payload(timeout_s=0.2) is None  # "fou" has no line end yet
    pty.write(b"rth\r\n")
    assert scanner.read_payload(timeout_s=2) == b"fourth"


def test_reads_a_card_in_utf8_even_when_split(pty: PtyDevice, scanner: SerialScanner) -> None:
    data = CARD.encode("utf-8") + b"\r\n"
    cut = data.index("ữ".encode()) + 1  # split inside a multi-byte character, as USB packets may
    pty.write(data[:cut])
    timer = threading.Timer(0.1, pty.write, args=(data[cut:],))
    timer.start()
    scan = scanner.read_scan(timeout_s=3)
    timer.join()
    assert scan is not None and scan.kind == "cccd" and scan.citizen is not None
    assert scan.citizen.name == "Trần Thị Ngọc Hà" and scan.citizen.gender == "Nữ"
    assert scan.citizen.address == "Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh"
    d = scanner.diagnostics()
    assert d["codes_read"] == 1 and d["state"] == "ready"
    assert "Trần" not in json.dumps(d, ensure_ascii=False) and "036196" not in json.dumps(d)


def test_bad_payloads(pty: PtyDevice, scanner: SerialScanner) -> None:
    pty.write(CARD.replace("29021996", "29021997").encode() + b"\r\n")  # not a leap year
    scan = scanner.read_scan(timeout_s=2)
    assert scan is not None and scan.kind == "invalid" and scan.error is not None
    assert "ngày sinh không có thật" in scan.error.message_vi
    # What a keyboard-mode or code-page scanner produces: not UTF-8.
    pty.write("Lê Văn Tám".encode("cp1258") + b"\r\n")
    scan = scanner.read_scan(timeout_s=2)
    assert scan is not None and scan.kind == "invalid" and scan.error is not None
    assert "USB serial (CDC)" in scan.error.message_vi
    pty.write(CARD.encode("cp1258", errors="replace") + b"\r\n")
    scan = scanner.read_scan(timeout_s=2)
    assert scan is not None and scan.error is not None and "UTF-8" in scan.error.message_vi
    pty.write(b"000.00.12.H04-231029-0001\n")
    scan = scanner.read_scan(timeout_s=2)
    assert scan is not None and scan.kind == "text" and scan.text == "000.00.12.H04-231029-0001"


def test_overlong_line_is_dropped(pty: PtyDevice) -> None:
    s = SerialScanner(port=str(pty.path), max_line=64)
    s.open()
    try:
        pty.write(b"x" * 200)
        pty.write(b"tail\r\nok\r\n")
        assert s.read_payload(timeout_s=2) == b"ok"
        d = s.diagnostics()
        assert d["overflows"] == 1 and "CR/LF" in d["last_error"]
    finally:
        s.close()


def test_unplug_and_reconnect(pty: PtyDevice, scanner: SerialScanner) -> None:
    pty.write(b"before\r\n")
    assert scanner.read_payload(timeout_s=2) == b"before"
    pty.write(b"partial")
    pty.unplug()
    assert scanner.read_payload(timeout_s=0.3) is None
    assert scanner.state is DeviceState.DISCONNECTED
    d = scanner.diagnostics()
    assert d["disconnects"] == 1 and "rút ra" in d["last_error"]
    pty.plug()  # the same by-id name comes back with a new tty behind it
    got: list[bytes | None] = []
    reader = threading.Thread(target=lambda: got.append(scanner.read_payload(timeout_s=5)))
    reader.start()
    # Send once the driver has reopened the port (a byte written before that would be lost, as on a real
    # device that was not yet enumerated).
    for _ in range(500):
        if scanner.state is DeviceState.READY:
            break
        threading.Event().wait(0.01)
    assert scanner.state is DeviceState.READY
    pty.write(b"after\r\n")
    reader.join(5)
    assert got == [b"after"]  # the partial line from before the unplug is gone
    assert scanner.diagnostics()["reconnects"] == 1


def test_open_errors_and_close(tmp_path: Path, pty: PtyDevice) -> None:
    missing = SerialScanner(port=str(tmp_path / "ttyACM9"))
    with pytest.raises(DeviceUnavailable) as info:
        missing.open()
    assert "Không mở được máy quét" in info.value.message_vi and "dialout" in info.value.message_en
    assert missing.state is DeviceState.ERROR
    s = SerialScanner.from_config(SerialScannerConfig(port=str(pty.path), reconnect_interval_s=0.5))
    with pytest.raises(DeviceUnavailable):
        s.read_payload(timeout_s=0.1)  # not opened yet
    s.open()
    got: list[bytes | None] = []
    reader = threading.Thread(target=lambda: got.append(s.read_payload(timeout_s=10)))
    reader.start()
    threading.Event().wait(0.1)
    s.close()  # a blocked reader returns promptly
    reader.join(2)
    assert not reader.is_alive() and got == [None]
    assert s.state is DeviceState.CLOSED


def test_cli_reads_from_a_serial_scanner(pty: PtyDevice, capsys) -> None:
    # pyserial flushes the input when it opens a port: send once the command is listening.
    timer = threading.Timer(0.3, pty.write, args=(CARD.encode() + b"\r\n",))
    timer.start()
    assert motcua_main(["scan", "serial", str(pty.path), "--timeout", "3"]) == 0
    timer.join()
    assert json.loads(capsys.readouterr().out)["name"] == "Trần Thị Ngọc Hà"
    assert motcua_main(["scan", "serial", str(pty.path), "--timeout", "0.2"]) == 1
    assert "Không nhận được mã" in capsys.readouterr().err
