"""`motcua faults list|clear` against a real hub over HTTP: tokens from the command line, the environment
or a device file; clearing records device.ok events; clear errors for the technician."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import RunningHub, as_json

from motcua.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["faults", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_and_clear(hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    conn = ["--hub", hub.url, "--token", hub.tokens["admin"]]
    assert run(capsys, "list", *conn) == (0, "Không có sự cố nào / no active faults\n", "")
    hub.client("kiosk").report_device("paper_out", message="Máy in hết giấy", device="Máy in ki-ốt 1")
    hub.client("board").report_device("display_offline")
    code, out, _ = run(capsys, "list", *conn)
    assert code == 0
    assert "Sự cố đang có / active faults: 2" in out
    assert "Máy in ki-ốt 1: hết giấy / paper out — Máy in hết giấy" in out
    assert "báo bởi / reported by test kiosk" in out and "2026-11-26T09:00:00.000+07:00" in out
    code, out, _ = run(capsys, "list", "--json", *conn)
    faults = json.loads(out)["faults"]
    assert code == 0 and sorted(f["device"] for f in faults) == ["Máy in ki-ốt 1", "test board"]

    code, out, _ = run(capsys, "clear", "Máy in ki-ốt 1", *conn)
    assert code == 0 and out == "Đã xoá / cleared: Máy in ki-ốt 1 (hết giấy / paper out)\n"
    assert [f["device"] for f in as_json(hub.client("counter").device_faults())] == ["test board"]
    ok = hub.store.read("SELECT data FROM events WHERE type = 'device.ok'")
    assert len(ok) == 1 and json.loads(ok[0][0])["device"]["cleared_by"] == "test admin"

    code, _, err = run(capsys, "clear", "Máy in ki-ốt 1", *conn)
    assert code == 1 and "không có sự cố nào / no active fault" in err
    code, out, _ = run(capsys, "clear", "--all", *conn)
    assert code == 0 and "test board" in out and as_json(hub.client("counter").device_faults()) == []
    assert run(capsys, "clear", "--all", *conn)[:2] == (0, "Không có sự cố nào để xoá / no active faults to clear\n")


def test_clearing_needs_an_admin_token(hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    hub.client("kiosk").report_device("paper_out")
    code, _, err = run(capsys, "clear", "--all", "--hub", hub.url, "--token", hub.tokens["counter"])
    assert code == 2 and "cần mã quản trị" in err and "--role admin" in err
    assert len(as_json(hub.client("counter").device_faults())) == 1
    code, _, err = run(capsys, "list", "--hub", hub.url, "--token", "nope-nope")
    assert code == 2 and "invalid device token" in err


def test_hub_and_token_from_a_device_file_or_the_environment(hub: RunningHub, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    hub.client("kiosk").report_device("paper_out", device="printer")
    device = tmp_path / "counter.toml"
    device.write_text(f'[hub]\nurl = "{hub.url}"\ntoken = "{hub.tokens["counter"]}"\n\n[counter]\nnumber = 1\n',
                      encoding="utf-8")
    code, out, _ = run(capsys, "list", "--config", str(device))
    assert code == 0 and "printer: hết giấy" in out
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[hub]\nurl = "{hub.url}"\n', encoding="utf-8")
    code, _, err = run(capsys, "list", "--config", str(bad))
    assert code == 2 and f"{bad}: [hub] token" in err
    code, _, err = run(capsys, "list", "--config", str(tmp_path / "missing.toml"))
    assert code == 2 and "missing.toml: không đọc được / cannot read" in err
    monkeypatch.setenv("MOTCUA_HUB_TOKEN", hub.tokens["admin"])
    assert run(capsys, "clear", "printer", "--hub", hub.url)[0] == 0
    assert as_json(hub.client("counter").device_faults()) == []


def test_a_hub_that_is_down_is_one_plain_line(hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    url = hub.url
    hub.stop()
    try:
        code, out, err = run(capsys, "list", "--hub", url, "--token", hub.tokens["admin"])
    finally:
        hub.start()
    assert code == 2 and out == ""
    assert err == f"motcua faults: không kết nối được máy chủ trạm {url} / cannot reach the hub at {url}: " \
                  "bị từ chối kết nối / connection refused\n"


def test_the_installed_command(hub: RunningHub) -> None:
    proc = subprocess.run([sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())",
                           "faults", "list", "--json", "--hub", hub.url, "--token", hub.tokens["board"]],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"faults": []}
    usage = subprocess.run([sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())",
                            "faults", "clear", "--hub", hub.url], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "one of the arguments device --all is required" in usage.stderr


def test_a_closed_output_pipe_stops_quietly(hub: RunningHub) -> None:
    from motcua.cli import EXIT_PIPE_CLOSED

    for i in range(200):  # more than a pipe's buffer
        hub.client("kiosk").report_device("paper_out", message="Máy in hết giấy " * 5, device=f"Máy in {i}")
    r, w = os.pipe()
    os.close(r)
    try:
        proc = subprocess.run([sys.executable, "-m", "motcua.cli", "faults", "list", "--hub", hub.url, "--token",
                               hub.tokens["admin"]], stdout=w, stderr=subprocess.PIPE, timeout=60, check=False)
    finally:
        os.close(w)
    assert proc.returncode == EXIT_PIPE_CLOSED and b"Traceback" not in proc.stderr, proc.stderr


def test_a_hub_on_https_with_the_site_ca(make_hub: Callable[..., RunningHub], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "tls"
    assert main(["tls", "init", "--dir", str(site), "--host", "hub.hcc.local"]) == 0
    hub = make_hub(tls=(site / "hub.crt", site / "hub.key", site / "ca.crt"))
    assert hub.url.startswith("https://")
    capsys.readouterr()
    device = tmp_path / "kiosk.toml"
    device.write_text(f'[hub]\nurl = "{hub.url}"\ntoken = "{hub.tokens["admin"]}"\nca_file = "tls/ca.crt"\n',
                      encoding="utf-8")
    assert run(capsys, "list", "--config", str(device)) == (0, "Không có sự cố nào / no active faults\n", "")
    code, out, err = run(capsys, "list", "--hub", hub.url, "--token", hub.tokens["admin"])
    assert code == 2 and out == "" and "certificate not trusted" in err and "Traceback" not in err
    assert run(capsys, "list", "--hub", hub.url, "--token", hub.tokens["admin"], "--ca-file",
               str(site / "ca.crt"))[0] == 0
