"""`motcua diag` against real things on loopback: a hub, the reference central server, a TCP printer, a
folder camera, pty serial ports. Each finding of issue 10 has its test here or in test_diag_files.py."""
from __future__ import annotations

import json
import os
import re
import socket
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
from diag_support import board_toml, checks_named, counter_toml, diag, kiosk_toml, one
from support import PAPER_OUT, READY, small_site, wait_until

from motcua import __version__
from motcua.cli import main
from sync.store import create_token, list_tokens, revoke_token


def test_everything_fine(make_hub, tcp_printer, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    _, address = tcp_printer([READY])
    cam = tmp_path / "cam"
    cam.mkdir()
    cv2.imwrite(str(cam / "001.png"), np.full((720, 1280, 3), 200, np.uint8))
    master, slave = os.openpty()
    code, report = diag(capsys, "--hub", h.url, "--token", h.tokens["board"], "--printer", address,
                        "--camera", f"folder:{cam}", "--serial", os.ttyname(slave))
    os.close(master)
    os.close(slave)
    assert code == 0 and report["ok"]
    hub = one(report, "Site hub")
    assert hub["status"] == "ok" and hub["data"]["health"]["site"] == "TEST"
    assert one(report, "Device token")["status"] == "ok" and "test board" in one(report, "Device token")["detail"]
    assert one(report, "Sync with the province")["status"] == "warn"  # no central server configured: said plainly
    assert one(report, "Printer")["status"] == "ok" and one(report, "Printer")["data"]["state"] == "ready"
    assert one(report, "Camera")["detail"].endswith("1280×720")
    assert [c["status"] for c in checks_named(report, "Serial port")] == ["ok"]


def test_json_says_when_where_what_and_which_versions(make_hub, write_file, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    path = write_file("board.toml", board_toml(h.url, h.tokens["board"]))
    code, report = diag(capsys, "--config", str(path))
    assert code == 0 and report["ok"] and report["kind"] == "board"
    assert report["config"] == str(path) and report["host"] == socket.gethostname()
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", report["time"])
    v = report["versions"]
    assert v["motcua-edge"] == __version__ and v["python"].count(".") == 2
    assert v["PySide6-Essentials"] and v["qt"] and v["fastapi"] and v["pyserial"] and v["python-escpos"]
    assert report["counts"]["fail"] == 0


def test_problems_are_named_with_what_to_do(make_hub, tcp_printer, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    _, address = tcp_printer([PAPER_OUT])
    code, report = diag(capsys, "--hub", h.url, "--token", "wrong-token", "--printer", address,
                        "--serial", "/dev/nonexistent-scanner")
    assert code == 1 and not report["ok"]
    printer = one(report, "Printer")
    assert printer["status"] == "fail" and "Hết giấy" in printer["detail"]
    assert printer["advice"]["vi"].startswith("Thay giấy")
    token = one(report, "Device token")
    assert token["status"] == "fail" and "does not know this token" in token["detail_en"]
    assert [c["status"] for c in checks_named(report, "Serial port")] == ["fail"]


def test_text_output_is_vietnamese_with_english_on_every_line(make_hub, write_file, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    path = write_file("kiosk.toml", kiosk_toml(h.url, h.tokens["board"]))
    assert main(["diag", "--config", str(path)]) == 1
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()]
    assert lines[-1] == "Kết quả: CÓ LỖI cần xử lý (1 lỗi) / Result: problems found (1)"
    words = [ln for ln in lines if not ln.lstrip().startswith("$ ")]  # commands read the same in any language
    assert all(" / " in ln for ln in words), [ln for ln in words if " / " not in ln]
    bad = next(i for i, ln in enumerate(lines) if ln.startswith("✘"))
    assert lines[bad].startswith("✘ Mã thiết bị / Device token: tệp ki-ốt nhưng mã của màn hình sảnh")
    assert "a kiosk file with a lobby board token" in lines[bad]
    assert lines[bad + 1].startswith("    → Tạo mã mới đúng vai trò") and "Make a new token" in lines[bad + 1]
    assert lines[bad + 2].strip().startswith("$ motcua token create") and "--role kiosk" in lines[bad + 2]


# -- the token against the hub and the device file -------------------------------------------------------
def test_a_kiosk_file_with_a_board_token_fails(make_hub, write_file, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    path = write_file("kiosk.toml", kiosk_toml(h.url, h.tokens["board"]))
    code, report = diag(capsys, "--config", str(path))
    token = one(report, "Device token")
    assert code == 1 and token["status"] == "fail" and token["data"]["whoami"]["role"] == "board"
    assert "--role kiosk" in token["command"]
    path.write_text(kiosk_toml(h.url, h.tokens["kiosk"]), encoding="utf-8")
    code, report = diag(capsys, "--config", str(path))
    assert code == 0 and one(report, "Device token")["status"] == "ok"


def test_a_counter_token_bound_to_another_counter_fails(make_hub, write_file, capsys) -> None:  # noqa: ANN001
    h = make_hub(example=True)  # 16 counters
    for_3 = create_token(h.db, role="counter", name="Quầy 3", counter=3)
    path = write_file("counter.toml", counter_toml(h.url, for_3, number=5))
    code, report = diag(capsys, "--config", str(path))
    token = one(report, "Device token")
    assert code == 1 and token["status"] == "fail"
    assert "mã chỉ cho quầy 3, tệp là quầy 5" in token["detail"]
    assert token["command"].endswith("--role counter --name \"Quầy 5\" --counter 5")
    path.write_text(counter_toml(h.url, create_token(h.db, role="counter", name="Quầy 5", counter=5), number=5),
                    encoding="utf-8")
    code, report = diag(capsys, "--config", str(path))
    assert code == 0 and "for counter 5 only" in one(report, "Device token")["detail"]
    assert one(report, "Device and site")["status"] == "ok"


def test_a_counter_token_bound_to_no_counter_fails(make_hub, write_file, capsys) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    unbound = create_token(h.db, role="counter", name="Quầy 5")  # neither --counter nor --any-counter
    path = write_file("counter.toml", counter_toml(h.url, unbound, number=5))
    code, report = diag(capsys, "--config", str(path))
    token = one(report, "Device token")
    assert code == 1 and token["status"] == "fail" and "bound to no counter" in token["detail"]
    assert token["command"].endswith("--counter 5")


def test_a_keypad_for_counters_the_token_may_not_call_fails(make_hub, write_file, capsys) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    master, slave = os.openpty()
    token = create_token(h.db, role="counter", name="Quầy 5", counter=5)
    path = write_file("counter.toml", counter_toml(h.url, token, number=5, extra=(
        f'[keypad]\nport = "{os.ttyname(slave)}"\ncounters = [5, 6]\n')))
    code, report = diag(capsys, "--config", str(path))
    os.close(master)
    os.close(slave)
    assert code == 1 and "the keypad acts for counters 5, 6" in one(report, "Device token")["detail"]


def test_a_counter_the_site_does_not_have_fails(make_hub, write_file, capsys) -> None:  # noqa: ANN001
    h = make_hub()  # counters 1-3
    path = write_file("counter.toml", counter_toml(h.url, h.tokens["counter"], number=9))
    code, report = diag(capsys, "--config", str(path))
    site = one(report, "Device and site")
    assert code == 1 and site["status"] == "fail" and "has no counter 9 (it has 1–3)" in site["detail"]


def test_a_revoked_token_fails_even_while_the_hub_still_caches_it(make_hub, write_file, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    token = create_token(h.db, role="kiosk", name="Ki-ốt cũ")
    path = write_file("kiosk.toml", kiosk_toml(h.url, token))
    assert diag(capsys, "--config", str(path))[0] == 0  # the hub has now seen (and cached) the token
    revoke_token(h.db, next(t["id"] for t in list_tokens(h.db) if t["name"] == "Ki-ốt cũ"))
    code, report = diag(capsys, "--config", str(path))
    token_check = one(report, "Device token")
    assert code == 1 and token_check["status"] == "fail" and token_check["detail"].startswith("mã đã bị thu hồi")
    assert token_check["advice"]["en"].startswith("Make a new token")


# -- the central link ------------------------------------------------------------------------------------
@pytest.fixture
def central(tmp_path: Path):  # noqa: ANN201
    from sync.central.app import create_central_app
    from sync.central.store import CentralStore
    from sync.server import ServerThread

    server = ServerThread(create_central_app(CentralStore(tmp_path / "central.db", dev_tokens=True))).start()
    yield server
    server.stop()


def test_a_central_server_answering_401_is_a_failure(make_hub, central, write_file, capsys) -> None:  # noqa: ANN001
    fast = {"backoff_base_s": 0.05, "backoff_max_s": 0.2}
    h = make_hub(small_site(central={"url": central.url, "token": "not-the-province-token"}), relay_settings=fast)
    wait_until(lambda: h.client("board").sync_status().state == "retrying")
    code, report = diag(capsys, "--hub", h.url, "--token", h.tokens["board"])
    sync = one(report, "Sync with the province")
    assert code == 1 and sync["status"] == "fail" and sync["data"]["cause"] == "http_401"
    assert "the token was refused (HTTP 401)" in sync["detail"] and "[central] token" in sync["advice"]["en"]
    # The site file checked directly, with its own [central] url and token.
    site = write_file("site.toml", _site_toml(central.url, "not-the-province-token"))
    code, report = diag(capsys, "--site", str(site))
    assert code == 1 and one(report, "Central server")["data"]["cause"] == "http_401"
    site.write_text(_site_toml(central.url, "dev-central-token-TEST"), encoding="utf-8")
    code, report = diag(capsys, "--site", str(site))
    assert code == 0 and one(report, "Central server")["status"] == "ok"


def test_a_central_server_that_is_down_is_named_and_only_a_warning_through_the_hub(make_hub, capsys) -> None:  # noqa: ANN001
    port = _free_port()
    fast = {"backoff_base_s": 0.05, "backoff_max_s": 0.2}
    h = make_hub(small_site(central={"url": f"http://127.0.0.1:{port}", "token": "t"}), relay_settings=fast)
    wait_until(lambda: h.client("board").sync_status().state == "retrying")
    code, report = diag(capsys, "--hub", h.url, "--token", h.tokens["board"])
    sync = one(report, "Sync with the province")
    assert code == 0 and sync["status"] == "warn" and sync["data"]["cause"] == "refused"
    assert "connection refused" in sync["detail_en"] and "ConnectionError" not in sync["detail"]


def _site_toml(url: str, token: str) -> str:
    return ('[site]\ncode = "TEST"\nname = "Trung tâm thử nghiệm"\n\n[[services]]\ncode = "A"\nname = "Đất đai"\n'
            '\n[[counters]]\nnumber = 1\nservices = ["A"]\n\n'
            f'[central]\nurl = "{url}"\ntoken = "{token}"\n')


# -- the real cause, in plain words ----------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_network_failures_are_named(make_hub, capsys) -> None:  # noqa: ANN001
    port = _free_port()
    _, report = diag(capsys, "--hub", f"http://127.0.0.1:{port}")
    hub = one(report, "Site hub")
    assert hub["data"]["cause"] == "refused" and "connection refused" in hub["detail_en"]
    assert "bị từ chối kết nối" in hub["detail_vi"] and "ConnectionError" not in hub["detail"]
    assert hub["advice"]["en"].startswith("Start the hub service")
    _, report = diag(capsys, "--hub", "http://no-such-hub.invalid:8470")
    hub = one(report, "Site hub")
    assert hub["data"]["cause"] == "name" and "host name not found: no-such-hub.invalid" in hub["detail_en"]
    h = make_hub()
    _, report = diag(capsys, "--hub", h.url.replace("http://", "https://"))
    assert one(report, "Site hub")["data"]["cause"] == "tls"
    _, report = diag(capsys, "--hub", h.url + "/not-the-hub")
    assert one(report, "Site hub")["data"]["cause"] == "http_404"


def test_a_hub_that_never_answers_times_out(capsys) -> None:  # noqa: ANN001
    srv = socket.create_server(("127.0.0.1", 0))  # accepts, then says nothing
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except TimeoutError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        code = main(["diag", "--json", "--timeout", "0.3", "--hub", f"http://127.0.0.1:{srv.getsockname()[1]}"])
        report = json.loads(capsys.readouterr().out)
    finally:
        stop.set()
        t.join(2)
        for c in held:
            c.close()
        srv.close()
    hub = one(report, "Site hub")
    assert code == 1 and hub["data"]["cause"] == "timeout" and "timed out" in hub["detail_en"]


def test_devices_not_seen_for_a_while_and_their_faults_are_named(make_hub, clock, capsys) -> None:  # noqa: ANN001
    from sync.client import HubClient

    h = make_hub()
    kiosk = HubClient(h.url, h.tokens["kiosk"])
    kiosk.heartbeat(role="kiosk", uptime_s=5.0)
    board = HubClient(h.url, h.tokens["board"])
    board.heartbeat(role="board", uptime_s=5.0)
    kiosk.close()
    code, report = diag(capsys, "--hub", h.url, "--token", h.tokens["admin"])
    assert one(report, "Devices on the site")["status"] == "ok"

    clock.advance(10 * 60)  # ten minutes without a word from the kiosk; the board speaks again
    board.heartbeat(role="board", uptime_s=605.0, faults=[{"fault": "display_offline", "message": "HDMI"}])
    board.close()
    code, report = diag(capsys, "--hub", h.url, "--token", h.tokens["admin"])
    lines = checks_named(report, "Devices on the site")
    stale = [c for c in lines if "not seen for" in c["detail_en"]]
    assert len(stale) == 1 and "test kiosk" in stale[0]["detail_en"] and "10 min" in stale[0]["detail_en"]
    assert "mất liên lạc 10 phút" in stale[0]["detail_vi"] and stale[0]["status"] == "warn"
    faulty = [c for c in lines if "display_offline" in c["detail_en"]]
    assert len(faulty) == 1 and "test board" in faulty[0]["detail_en"] and faulty[0]["command"] == "motcua faults list"

    # A board's token may not read the device list: said so, not a failure.
    code, report = diag(capsys, "--hub", h.url, "--token", h.tokens["board"])
    assert one(report, "Devices on the site")["status"] == "skip"
