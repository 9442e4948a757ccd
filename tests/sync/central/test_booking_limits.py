"""The central server's citizens' routes (the booking page and its JSON API) are limited per client address, over
HTTP on 127.0.0.1 with an injected clock: a burst, then 429 JSON with Retry-After for that address only (a second
loopback address, 127.0.0.2, still books), the bucket refills with the clock, and the sites' own routes are not
counted."""
from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import local, small_site

from motcua.booking import capacity_document
from motcua.clock import ManualClock
from motcua.config import parse_site_config
from sync.central.app import CentralSettings, create_central_app
from sync.central.store import CentralStore
from sync.server import ServerThread

BURST, PER_MINUTE = 5, 6.0  # one request every 10 s once the burst is spent


class Caller:
    """HTTP from one loopback address (the whole 127.0.0.0/8 is this machine's: a second citizen's phone)."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address = port, address

    def __call__(self, method: str, path: str, body: Any = None, token: str | None = None,
                 extra: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5, source_address=(self.address, 0))
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            headers.update(extra or {})
            if token:
                headers["Authorization"] = f"Bearer {token}"
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            r = conn.getresponse()
            data = r.read()
            ctype = r.getheader("content-type") or ""
            return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(data) if "json" in ctype else data
        finally:
            conn.close()


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[ServerThread, ManualClock]]:
    clock = ManualClock(local(2026, 11, 26, 8, 0))
    store = CentralStore(tmp_path / "central.db", dev_tokens=True)
    doc = capacity_document(parse_site_config(small_site()))
    store.ingest_events(site="TEST", events=[{"id": "offer-0001", "seq": 1, "type": "booking.capacity",
                                              "at": clock.time(), "capacity": doc}])
    settings = CentralSettings(clock=clock.time, public_burst=BURST, public_per_minute=PER_MINUTE)
    server = ServerThread(create_central_app(store, settings)).start()
    yield server, clock
    server.stop()


def booking(id_number: str, slot: str = "09:00") -> dict[str, Any]:
    return {"site": "TEST", "service": "A", "day": "2026-11-27", "slot": slot, "name": "Phạm Minh Tuấn",
            "id_number": id_number}


def test_a_burst_then_429_with_retry_after_per_address(central) -> None:  # noqa: ANN001
    server, clock = central
    phone, other = Caller(server.port, "127.0.0.1"), Caller(server.port, "127.0.0.2")
    status, _, b = phone("POST", "/api/v1/public/bookings", booking("001090000001"))
    assert status == 201
    # Listing, look-up, the page and cancelling all count: 1 booking + 4 more = the burst of 5.
    assert phone("GET", "/api/v1/public/booking/sites")[0] == 200
    assert phone("GET", "/api/v1/public/booking/slots?site=TEST&service=A&day=2026-11-27")[0] == 200
    assert phone("GET", f"/api/v1/public/bookings/{b['id']}")[0] == 200
    assert phone("GET", "/book?site=TEST")[0] == 200
    for method, path, body in (("GET", "/api/v1/public/booking/sites", None),
                               ("POST", "/api/v1/public/bookings", booking("001090000002")),
                               ("POST", f"/api/v1/public/bookings/{b['id']}/cancel", None),
                               ("GET", f"/api/v1/public/bookings/{b['id']}", None),
                               ("GET", f"/book/{b['id']}", None)):
        status, headers, err = phone(method, path, body)
        assert status == 429, (method, path)
        assert headers["content-type"] == "application/json" and headers["retry-after"] == "10"
        assert err["error"]["code"] == "too_many_requests"
        assert err["error"]["message"].startswith("Quý khách thao tác quá nhanh") and "too many requests" in \
            err["error"]["message"]
    # A proxy header does not make the same phone another citizen (the server trusts none).
    spoofed = {"X-Forwarded-For": "10.9.8.7", "X-Real-IP": "10.9.8.7", "Forwarded": "for=10.9.8.7"}
    assert phone("GET", "/api/v1/public/booking/sites", extra=spoofed)[0] == 429
    # The refused booking and cancellation did nothing.
    assert other("GET", f"/api/v1/public/bookings/{b['id']}")[2]["status"] == "booked"
    # Another phone is not held back by the first one.
    assert other("POST", "/api/v1/public/bookings", booking("001090000003"))[0] == 201
    # The site's own routes (token, not counted) still answer the first address.
    status, _, _ = phone("GET", "/api/v1/feeds/bookings?after=0", token="dev-central-token-TEST")
    assert status == 200
    assert phone("GET", "/api/v1/health")[0] == 200
    # 9 s later still nothing; at 10 s one request, then the wait again.
    clock.advance(9)
    status, headers, _ = phone("GET", "/api/v1/public/booking/sites")
    assert status == 429 and headers["retry-after"] == "1"
    clock.advance(1)
    status, _, body = phone("POST", f"/api/v1/public/bookings/{b['id']}/cancel")
    assert status == 200 and body["status"] == "cancelled"
    assert phone("GET", "/api/v1/public/booking/sites")[0] == 429
    # A quiet minute gives the burst back (not more).
    clock.advance(600)
    assert [phone("GET", "/api/v1/public/booking/sites")[0] for _ in range(BURST + 1)] == [200] * BURST + [429]


def test_no_limit_when_the_burst_is_zero(tmp_path: Path) -> None:
    store = CentralStore(tmp_path / "central.db", dev_tokens=True)
    server = ServerThread(create_central_app(store, CentralSettings(public_burst=0))).start()
    try:
        phone = Caller(server.port, "127.0.0.1")
        assert {phone("GET", "/api/v1/public/booking/sites")[0] for _ in range(40)} == {200}
    finally:
        server.stop()
