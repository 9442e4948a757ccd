"""`motcua diag`: the technician's checks against a real hub, a TCP printer, a folder camera and a pty."""
from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from support import PAPER_OUT, READY

from motcua.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["diag", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def by_name(report: dict) -> dict[str, dict]:
    return {c["name_en"]: c for c in report["checks"]}


def test_everything_fine(make_hub, tcp_printer, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    _, address = tcp_printer([READY])
    cam = tmp_path / "cam"
    cam.mkdir()
    cv2.imwrite(str(cam / "001.png"), np.full((720, 1280, 3), 200, np.uint8))
    master, slave = os.openpty()
    code, report = run(capsys, "--hub", h.url, "--token", h.tokens["board"], "--printer", address,
                       "--camera", f"folder:{cam}", "--serial", os.ttyname(slave))
    os.close(master)
    os.close(slave)
    checks = by_name(report)
    assert code == 0 and report["ok"]
    assert checks["Site hub"]["status"] == "ok" and checks["Site hub"]["data"]["health"]["site"] == "TEST"
    assert checks["Sync with the province"]["status"] == "warn"  # no central server configured: said plainly
    assert checks["Printer"]["status"] == "ok" and checks["Printer"]["data"]["state"] == "ready"
    assert checks["Camera"]["detail"].endswith("1280×720")
    assert [c["status"] for c in report["checks"] if c["name_en"].startswith("Serial port")] == ["ok"]


def test_problems_are_named_with_what_to_do(make_hub, tcp_printer, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    _, address = tcp_printer([PAPER_OUT])
    code, report = run(capsys, "--hub", h.url, "--token", "wrong", "--printer", address,
                       "--serial", "/dev/nonexistent-scanner")
    checks = by_name(report)
    assert code == 1 and not report["ok"]
    assert checks["Printer"]["status"] == "fail" and "Hết giấy" in checks["Printer"]["detail"]
    assert checks["Printer"]["advice"]["vi"].startswith("Thay giấy")
    assert checks["Device token"]["status"] == "fail"
    assert [c["status"] for c in report["checks"] if c["name_en"].startswith("Serial port")] == ["fail"]
    h.stop()
    code, report = run(capsys, "--hub", h.url)
    assert code == 1 and by_name(report)["Site hub"]["status"] == "fail"


def test_reads_a_device_file_and_prints_vietnamese(make_hub, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    device = tmp_path / "kiosk.toml"
    device.write_text(f'[hub]\nurl = "{h.url}"\ntoken = "{h.tokens["kiosk"]}"\n[printer]\naddress = "dummy:"\n',
                      encoding="utf-8")
    assert main(["diag", "--config", str(device)]) == 0
    out = capsys.readouterr().out
    assert "Máy chủ trạm (hub)" in out and "Máy in" in out and "Kết quả: ổn" in out
    bad = tmp_path / "bad.toml"
    bad.write_text("[hub\n", encoding="utf-8")
    assert main(["diag", "--config", str(bad)]) == 2
