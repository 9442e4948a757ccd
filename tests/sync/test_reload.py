"""Reloading the site file without a restart (nạp lại cấu hình, issue 10): SIGHUP to a real `motcua hub` process
and `POST /admin/reload`. Hours, texts and quotas apply at once and devices hear `site.changed`; a file that
adds services or counters or changes numbering is refused with a clear log line and the hub runs on as it was."""
from __future__ import annotations

import copy
import signal
import subprocess
import sys
import threading
from pathlib import Path

import requests
from support import as_json, small_site, toml_text, wait_until

from counter_display.state import BoardState
from sync.client import HubClient, HubEvent, wait_for_hub
from sync.server import free_port
from sync.store import create_token

PY = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]
THURSDAY_EVENING = "2026-11-26T18:00:00+07:00"  # closed: the last session ends at 17:00


def test_sighup_reloads_hours_texts_and_quotas_and_refuses_structural_changes(tmp_path: Path) -> None:
    site = small_site(display={"welcome": "Xin kính chào", "ticker": "Giờ làm việc: 7:30 - 17:00"})
    path = tmp_path / "site.toml"
    path.write_text(toml_text(site), encoding="utf-8")
    db = tmp_path / "hub.db"
    tokens = {r: create_token(db, role=r, name=f"test {r}") for r in ("kiosk", "board", "admin")}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "hub.log"
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen([*PY, "hub", "--config", str(path), "--db", str(db), "--host", "127.0.0.1", "--port",
                                 str(port), "--clock-start", THURSDAY_EVENING, "--log-level", "info"],
                                stdout=log_file, stderr=subprocess.STDOUT)
    kiosk, admin = HubClient(url, tokens["kiosk"]), HubClient(url, tokens["admin"])
    heard: list[HubEvent] = []
    stop = threading.Event()
    try:
        assert wait_for_hub(url, timeout=30)
        board = BoardState()
        board.load_site(kiosk.site())
        board.load_board(kiosk.board())

        def listen() -> None:
            for ev in HubClient(url, tokens["board"]).events(last_event_id=board.last_seq, stop=stop, read_timeout=5):
                heard.append(ev)
                board.apply(ev.seq, ev.type, ev.data)

        threading.Thread(target=listen, daemon=True).start()
        before = as_json(kiosk.site())
        assert not before["issuing_open"] and before["display"]["ticker"] == "Giờ làm việc: 7:30 - 17:00"
        assert next(s for s in before["services"] if s["code"] == "C")["quota_left"] == 3

        # Open late on Thursdays, a new ticker, a larger quota: SIGHUP, and it applies at once.
        live = copy.deepcopy(site)
        live["hours"] = {"thu": ["07:30-11:30", "13:00-20:00"], "stop_issuing_before_close_min": 0}
        live["display"]["ticker"] = "Thứ Năm làm việc đến 20:00"
        live["services"][2]["daily_quota"] = 5
        path.write_text(toml_text(live), encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        wait_until(lambda: any(e.type == "site.changed" for e in heard), timeout=20)
        changed = next(e for e in heard if e.type == "site.changed").data["changed"]
        assert set(changed) == {"hours", "display", "services.C.daily_quota"}
        after = as_json(kiosk.site())
        assert after["issuing_open"] and after["display"]["ticker"] == "Thứ Năm làm việc đến 20:00"
        assert next(s for s in after["services"] if s["code"] == "C")["quota_left"] == 5
        assert board.ticker == "Thứ Năm làm việc đến 20:00"  # the board took the new text from the event
        assert kiosk.issue("A").display == "1001"  # 18:00 is inside the new hours
        # Its event reaches the board's stream before the next step counts what the devices were told.
        wait_until(lambda: any(e.type == "ticket.issued" for e in heard), timeout=20)

        # A new service and a new counter, and another first number: refused as a whole, the hub runs on.
        structural = copy.deepcopy(live)
        structural["display"]["ticker"] = "không được áp dụng"
        structural["services"].append({"code": "D", "name": "Xây dựng 2"})
        structural["services"][0]["first_number"] = 5001
        structural["counters"].append({"number": 4, "services": ["D"]})
        path.write_text(toml_text(structural), encoding="utf-8")
        seen = len(heard)
        proc.send_signal(signal.SIGHUP)
        wait_until(lambda: "refused" in log_path.read_text(encoding="utf-8"), timeout=20)
        line = next(x for x in log_path.read_text(encoding="utf-8").splitlines() if "refused" in x)
        assert "ERROR" in line and str(path) in line and "services added: D" in line and "counters added: 4" in line
        assert "services.A.first_number (numbering)" in line and "running configuration is kept" in line
        assert proc.poll() is None
        assert kiosk.site().display.ticker == "Thứ Năm làm việc đến 20:00"
        assert [s.code for s in kiosk.site().services] == ["A", "B", "C"]
        r = requests.post(f"{url}/api/v1/admin/reload", headers={"Authorization": f"Bearer {tokens['admin']}"},
                          timeout=10)
        assert r.status_code == 409 and r.json()["error"]["code"] == "reload_refused"
        assert "khởi động lại" in r.json()["error"]["message"] and "services added: D" in r.json()["error"]["message"]
        assert len(heard) == seen  # nothing was announced to devices

        # A broken file: the error names the file, and the running configuration stays.
        path.write_text("[site\ncode = ", encoding="utf-8")
        r = requests.post(f"{url}/api/v1/admin/reload", headers={"Authorization": f"Bearer {tokens['admin']}"},
                          timeout=10)
        err = r.json()["error"]
        assert r.status_code == 422 and err["code"] == "config_invalid" and str(path) in err["message"]
        assert kiosk.site().display.ticker == "Thứ Năm làm việc đến 20:00"
        # A kiosk may not reload; an admin call with a fixed file applies it.
        assert requests.post(f"{url}/api/v1/admin/reload", headers={"Authorization": f"Bearer {tokens['kiosk']}"},
                             timeout=10).status_code == 403
        live["display"]["welcome"] = "Kính chào quý khách"
        path.write_text(toml_text(live), encoding="utf-8")
        r = requests.post(f"{url}/api/v1/admin/reload", headers={"Authorization": f"Bearer {tokens['admin']}"},
                          timeout=10)
        assert r.status_code == 200 and r.json() == {"applied": True, "changed": ["display"]}
        assert admin.site().display.welcome == "Kính chào quý khách"
        wait_until(lambda: sum(e.type == "site.changed" for e in heard) == 2)
        assert proc.poll() is None
    finally:
        stop.set()
        proc.terminate()
        proc.wait(15)
    assert proc.returncode in (0, -signal.SIGTERM)
