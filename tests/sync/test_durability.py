"""The hub never loses a ticket: concurrent kiosks get unique gap-free numbers; a hub killed with
SIGKILL mid-burst still has every ticket whose 201 reached a client, and numbering continues."""
from __future__ import annotations

import sqlite3
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests
from support import RunningHub, small_site

from sync.localsite import HubProcess, always_open_site_toml

ALWAYS_OPEN = always_open_site_toml(code="CRASH", name="Trung tâm thử mất điện",
                                    services={"A": "Đất đai", "B": "Tư pháp", "C": "Xây dựng"})


def issue_burst(url: str, token: str, *, kiosks: int, per_kiosk: int, services: list[str],
                acked: list[dict], errors: list[str], stop: threading.Event | None = None) -> None:
    def kiosk(i: int) -> None:
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {token}"
        for k in range(per_kiosk):
            if stop is not None and stop.is_set():
                return
            try:
                r = s.post(url + "/api/v1/tickets", json={"service": services[(i + k) % len(services)]}, timeout=10)
            except requests.RequestException as exc:
                errors.append(type(exc).__name__)
                return
            if r.status_code == 201:
                acked.append(r.json())
            else:
                errors.append(f"{r.status_code} {r.text[:100]}")

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(kiosks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def assert_gap_free(tickets: list[dict], first: dict[str, int]) -> None:
    by_service: dict[str, list[int]] = defaultdict(list)
    for t in tickets:
        by_service[t["service"]].append(t["number"])
    for svc, numbers in by_service.items():
        numbers.sort()
        assert len(set(numbers)) == len(numbers), f"{svc}: a number was given twice"
        assert numbers == list(range(first[svc], first[svc] + len(numbers))), f"{svc}: gap in numbering"


def test_eight_kiosks_2000_tickets_unique_and_gap_free(make_hub) -> None:
    data = small_site()
    data["services"][1]["digits"] = 4  # "B0001".."B1000"
    h: RunningHub = make_hub(data)
    acked: list[dict] = []
    errors: list[str] = []
    # Services A and B (C has a kiosk quota of 3 in small_site).
    issue_burst(h.url, h.tokens["kiosk"], kiosks=8, per_kiosk=250, services=["A", "B"], acked=acked,
                errors=errors)
    assert errors == []
    assert len(acked) == 2000
    assert len({t["id"] for t in acked}) == 2000
    assert_gap_free(acked, {"A": 1001, "B": 1})
    # The database agrees with what the kiosks were told.
    rows = sqlite3.connect(h.db).execute("SELECT id, service, number FROM tickets").fetchall()
    assert sorted((r[1], r[2]) for r in rows) == sorted((t["service"], t["number"]) for t in acked)
    events = sqlite3.connect(h.db).execute("SELECT COUNT(*), MIN(seq), MAX(seq) FROM events").fetchone()
    assert events == (2000, 1, 2000)


def test_sigkill_mid_burst_loses_no_acknowledged_ticket(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(ALWAYS_OPEN, encoding="utf-8")
    db = tmp_path / "site.db"
    hub = HubProcess(site, db, roles=("kiosk",), token_name="crash test")
    token, url = hub.tokens["kiosk"], hub.url
    all_acked: list[dict] = []
    for round_ in range(3):
        hub.start()
        try:
            acked: list[dict] = []
            errors: list[str] = []
            burst = threading.Thread(target=issue_burst, kwargs=dict(
                url=url, token=token, kiosks=8, per_kiosk=10_000, services=["A", "B", "C"], acked=acked,
                errors=errors))
            burst.start()
            deadline = time.monotonic() + 20
            while len(acked) < 300 + 200 * round_ and time.monotonic() < deadline:
                time.sleep(0.005)
            hub.kill()  # power cut in the middle of the burst
            burst.join(30)
            assert len(acked) >= 300, errors[:3]
            assert errors, "the burst should have been cut by the kill"
            all_acked.extend(acked)
        finally:
            hub.kill()
    with hub.running():
        s = hub.session("kiosk")
        # Every ticket whose 201 reached a client is still there, unchanged.
        for t in all_acked[:: max(1, len(all_acked) // 400)]:
            r = s.get(f"{url}/api/v1/tickets/{t['id']}", timeout=5)
            assert r.status_code == 200, t
            assert (r.json()["number"], r.json()["service"]) == (t["number"], t["service"])
        con = sqlite3.connect(db)
        stored = {r[0]: (r[1], r[2]) for r in con.execute("SELECT id, service, number FROM tickets")}
        for t in all_acked:
            assert stored.get(t["id"]) == (t["service"], t["number"]), f"lost {t['display']}"
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Numbering continues after the highest stored number: no reuse, no gaps.
        after = [s.post(f"{url}/api/v1/tickets", json={"service": svc}, timeout=5).json() for svc in "ABC"]
        for t in after:
            top = con.execute("SELECT MAX(number) FROM tickets WHERE service = ? AND id != ?",
                              (t["service"], t["id"])).fetchone()[0]
            assert t["number"] == top + 1
        everything = [{"service": r[1], "number": r[2]} for r in con.execute("SELECT id, service, number FROM tickets")]
        assert_gap_free(everything, {"A": 1, "B": 1, "C": 1})
