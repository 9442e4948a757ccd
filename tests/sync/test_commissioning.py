"""Commissioning mode (chạy thử, issue 10): numbers at any hour, each a test ticket marked as such, left out of
reports and of the central server's tally, never colliding with the day's real numbering."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests
from support import as_json, small_site, toml_text, wait_until

from motcua.clock import ManualClock
from sync.client import HubError, wait_for_hub
from sync.localsite import LocalCentral
from sync.server import free_port
from sync.store import create_token

PY = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]
THURSDAY_NIGHT = "2026-11-26T22:00:00+07:00"  # the center closed at 17:00


class HubProcess:
    """`motcua hub` as its own process."""

    def __init__(self, tmp: Path, central_url: str) -> None:
        self.site = tmp / "site.toml"
        self.site.write_text(toml_text(small_site(central={"url": central_url, "token": "dev-central-token-TEST"})),
                             encoding="utf-8")
        self.db = tmp / "hub.db"
        self.tokens = {r: create_token(self.db, role=r, name=f"test {r}", any_counter=r == "counter")
                       for r in ("kiosk", "counter", "admin")}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    @contextmanager
    def running(self, *flags: str) -> Iterator[HubProcess]:
        self.proc = subprocess.Popen([*PY, "hub", "--config", str(self.site), "--db", str(self.db), "--host", "127.0.0.1",
                                      "--port", str(self.port), "--log-level", "warning", "--clock-start", THURSDAY_NIGHT,
                                      "--sync-backoff-max", "0.3", "--sync-feed-interval", "0.5", *flags])
        try:
            assert wait_for_hub(self.url, timeout=30), "hub did not start"
            yield self
        finally:
            self.proc.terminate()
            self.proc.wait(15)

    def call(self, method: str, path: str, role: str = "admin", **kw: Any) -> requests.Response:
        return requests.request(method, self.url + "/api/v1" + path, timeout=10,
                                headers={"Authorization": f"Bearer {self.tokens[role]}"}, **kw)


def test_commissioning_at_night_with_a_real_hub_and_central_server(tmp_path: Path) -> None:
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    hub = HubProcess(tmp_path, url)
    try:
        with hub.running("--commissioning"):
            site = hub.call("GET", "/site", "kiosk").json()
            assert site["commissioning"] and site["issuing_open"]
            # 22:00: numbers are issued, each a test ticket counted down from the top of its range.
            tickets = [hub.call("POST", "/tickets", "kiosk", json={"service": s}).json() for s in ("A", "A", "B", "C")]
            assert [t["display"] for t in tickets] == ["9999", "9998", "B999", "999"]
            assert all(t["test"] for t in tickets)
            # Service C has a quota of 3 a day: test tickets do not use it up.
            assert [s["quota_left"] for s in site["services"] if s["code"] == "C"] == [None]
            # The clerk calls one: the board and the counter see a test ticket.
            called = hub.call("POST", "/counters/1/next", "counter").json()
            assert called["display"] == "9999" and called["test"]
            board = hub.call("GET", "/board", "kiosk").json()
            assert board["recent_calls"][0]["display"] == "9999" and board["recent_calls"][0]["test"] is True
            assert hub.call("GET", "/counters/1", "counter").json()["current"]["test"] is True
            assert hub.call("POST", "/counters/1/complete", "counter").status_code == 200
            # A clerk may issue a real number at any hour: it is 1001, untouched by the tests.
            # (Commissioning makes every number a test ticket; switch it off for a real one.)
            off = hub.call("POST", "/admin/commissioning", json={"on": False}).json()
            assert off == {"commissioning": False, "open_test_tickets": 0}
            for t in tickets[1:]:
                assert hub.call("GET", f"/tickets/{t['id']}", "kiosk").json()["status"] == "expired"
            closed = hub.call("POST", "/tickets", "kiosk", json={"service": "A"})
            assert closed.status_code == 409 and closed.json()["error"]["code"] == "closed"
            real = hub.call("POST", "/tickets", "counter", json={"service": "A", "channel": "counter"}).json()
            assert real["display"] == "1001" and real["test"] is False
            report = hub.call("GET", "/reports/day").json()
            assert report["issued"] == 1 and report["services"]["A"]["issued"] == 1 and report["test_tickets"] == 4
            assert "B" not in report["services"]
            assert hub.call("GET", "/counters/1", "counter").json()["served"] == 0
            wait_until(lambda: hub.call("GET", "/sync").json()["backlog"] == 0, timeout=30)
        # The central server got every event (the log stays whole), and counts only the real ticket.
        store = central.app.state.store
        exported = {r["id"] for r in store.export("tickets", site="TEST")}
        assert exported == {real["id"]}
        events = [r["content"] for r in store.export("events", site="TEST") if r["content"]["type"] == "ticket.issued"]
        assert {e["ticket"]["id"] for e in events if e["ticket"]["test"]} == {t["id"] for t in tickets}
        # Restarted with commissioning, then without it: an open test ticket never lingers in a real queue,
        # and the numbering goes on where each left off.
        with hub.running("--commissioning"):
            t = hub.call("POST", "/tickets", "kiosk", json={"service": "A"}).json()
            assert t["display"] == "9997" and t["test"]
        with hub.running():
            assert hub.call("GET", f"/tickets/{t['id']}", "kiosk").json()["status"] == "expired"
            waiting = hub.call("GET", "/tickets?status=waiting", "kiosk").json()["tickets"]
            assert [w["display"] for w in waiting] == ["1001"]
            real2 = hub.call("POST", "/tickets", "counter", json={"service": "A", "channel": "counter"}).json()
            assert real2["display"] == "1002" and not hub.call("GET", "/site", "kiosk").json()["commissioning"]
    finally:
        central.stop()
    conn = sqlite3.connect(hub.db)
    displays = [r[0] for r in conn.execute("SELECT display FROM tickets WHERE service = 'A' ORDER BY rowid")]
    conn.close()
    assert displays == ["9999", "9998", "1001", "9997", "1002"] and len(set(displays)) == len(displays)


def test_test_numbers_and_real_numbers_never_meet(make_hub: Any, clock: ManualClock) -> None:
    site = small_site(services=[{"code": "X", "name": "Một chữ số", "first_number": 1, "digits": 1}],
                      counters=[{"number": 1, "services": ["X"]}])
    hub = make_hub(site)
    admin, kiosk = hub.client(), hub.client("kiosk")
    auth = {"Authorization": f"Bearer {hub.tokens['admin']}"}

    def commissioning(on: bool) -> dict[str, Any]:
        r = requests.post(f"{hub.url}/api/v1/admin/commissioning", json={"on": on}, headers=auth, timeout=5)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    assert [kiosk.issue("X").display for _ in range(2)] == ["1", "2"]
    commissioning(True)
    assert [kiosk.issue("X").display for _ in range(7)] == ["9", "8", "7", "6", "5", "4", "3"]
    with pytest.raises(HubError) as exc:
        kiosk.issue("X")
    assert exc.value.code == "numbers_exhausted"
    # A test ticket served: no effect on the estimate or the counter's count.
    average = admin.site().services[0].average_service_s
    assert admin.call_next(1) is not None  # "1", the real one waiting longest
    clock.advance(60)
    called = admin.call_next(1)
    assert called is not None and called.display == "2"
    clock.advance(45)
    third = admin.call_next(1)
    assert third is not None and third.test and third.display == "3"  # same issue time: lower number first
    clock.advance(30)
    assert commissioning(False) == {"commissioning": False, "open_test_tickets": 0}
    site_now = as_json(admin.site())
    assert site_now["services"][0]["average_service_s"] != average  # two real tickets were observed...
    served = requests.get(f"{hub.url}/api/v1/counters/1", headers=auth, timeout=5).json()["served"]
    assert served == 2  # ...and only they count
    # The real range ends where the test numbers began, also after a restart.
    hub.restart()
    with pytest.raises(HubError) as exc:
        kiosk.issue("X")
    assert exc.value.code == "numbers_exhausted"
    commissioning(True)
    with pytest.raises(HubError) as exc:
        kiosk.issue("X")
    assert exc.value.code == "numbers_exhausted"
    rows = hub.store.read("SELECT number, test FROM tickets ORDER BY number")
    assert [r[0] for r in rows] == list(range(1, 10))
    # The next day numbering starts over, for both.
    clock.advance(86400)
    assert kiosk.issue("X").display == "9"
    commissioning(False)
    assert kiosk.issue("X").display == "1"
    events = [orjson.loads(r[0]) for r in hub.store.read("SELECT data FROM events WHERE type = 'site.changed'")]
    assert [e["commissioning"] for e in events] == [True, False, True, False]
