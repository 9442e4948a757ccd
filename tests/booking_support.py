"""Appointments for tests: the reference central server in-process and a real hub relaying to it, both over HTTP
on 127.0.0.1 with one injected clock (tests/sync/test_bookings*.py, the kiosk's check-in tests), and the
manager's console signed in with the admin token to pause and resume a service through its own form."""
from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from support import RunningHub, small_site

from motcua.clock import ManualClock
from sync.central.app import CentralSettings, create_central_app
from sync.central.store import CentralStore
from sync.server import ServerThread

FAST = {"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.3}
ID = "001090000123"


@dataclass
class Pair:
    """A central server and a hub whose relay pulls its bookings."""

    central: ServerThread
    store: CentralStore
    hub: RunningHub
    clock: ManualClock

    def book(self, slot: str, *, service: str = "A", day: str = "2026-11-26", id_number: str = ID,
             **kw: Any) -> dict[str, Any]:
        """A citizen books at the central server's public API (201)."""
        r = requests.post(f"{self.central.url}/api/v1/public/bookings", timeout=5, json={
            "site": "TEST", "service": service, "day": day, "slot": slot, "name": "Nguyễn Thị Hạnh",
            "phone": "0912345678", "id_number": id_number, **kw})
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    def hub_has(self, booking_id: str, status: str = "booked") -> None:
        """Wait until the booking, in this status, has come down the feed into the hub's database."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            rows = sqlite3.connect(self.hub.db).execute(
                "SELECT json_extract(body, '$.status') FROM feed_items WHERE kind = 'bookings' AND key = ?",
                (booking_id,)).fetchall()
            if rows and rows[0][0] == status:
                return
            time.sleep(0.05)
        raise AssertionError(f"booking {booking_id} ({status}) did not reach the hub")

    def checkin(self, **body: Any) -> requests.Response:
        """POST /bookings/checkin as the kiosk."""
        return requests.post(f"{self.hub.url}/api/v1/bookings/checkin", json=body, timeout=5,
                             headers={"Authorization": f"Bearer {self.hub.tokens['kiosk']}"})


@contextmanager
def booking_pair(tmp_path: Path, make_hub: Callable[..., RunningHub], clock: ManualClock) -> Iterator[Callable[..., Pair]]:
    """A factory of Pairs (keyword arguments go to small_site), stopped at the end."""
    made: list[ServerThread] = []

    def factory(**site: Any) -> Pair:
        store = CentralStore(tmp_path / "central.db", dev_tokens=True)
        central = ServerThread(create_central_app(store, CentralSettings(clock=clock.time))).start()
        made.append(central)
        data = small_site(**site)
        data["central"] = {"url": central.url, "token": "dev-central-token-TEST"}
        hub = make_hub(data, relay_settings=FAST)
        deadline = time.monotonic() + 15
        while not store.booking_sites() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.booking_sites(), "the site's offer did not reach the central server"
        return Pair(central, store, hub, clock)

    try:
        yield factory
    finally:
        for c in made:
            c.stop()


class Console:
    """The manager's console over HTTP, signed in with the hub's admin token (the operations page's forms)."""

    def __init__(self, url: str, admin_token: str) -> None:
        self.url = url
        self.s = requests.Session()
        r = self.s.post(f"{url}/console/sign-in", data={"token": admin_token, "csrf": self._csrf("/console/sign-in")},
                        allow_redirects=False)
        assert r.status_code == 303, r.text

    def _csrf(self, path: str) -> str:
        m = re.search(r'name="csrf" value="([^"]+)"', self.s.get(f"{self.url}{path}", timeout=5).text)
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def operations(self) -> str:
        """The operations page's HTML."""
        page = self.s.get(f"{self.url}/console/operations", timeout=5)
        assert page.status_code == 200, page.text
        return page.text

    def bookings_due(self, service: str) -> int:
        """The count the page shows beside a service's pause control."""
        m = re.search(rf'<tr data-service="{re.escape(service)}".*?class="n bookings-due">(\d+)<', self.operations(),
                      re.S)
        assert m, f"no bookings count for {service}"
        return int(m.group(1))

    def service(self, code: str, action: str) -> None:
        """Pause or resume issuing for a service through the page's form (303 back to the page)."""
        r = self.s.post(f"{self.url}/console/operations/service", allow_redirects=False, timeout=5,
                        data={"csrf": self._csrf("/console/operations"), "code": code, "action": action})
        assert r.status_code == 303 and r.headers["location"] == "/console/operations?done=1", r.text
