"""A service paused from the manager's console and the citizens who booked it, between a real hub and the reference
central server over HTTP on 127.0.0.1 (in-process, one injected clock): a check-in by code, QR or CCCD is refused
with 409 `service_paused` and uses nothing of the booking; once issuing resumes the same booking checks in as
usual (on time: the appointment category; after its window: a normal number); the console's pause control shows
how many of today's bookings for the service are still due, and the audit row is the usual one."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from booking_support import Console, Pair, booking_pair
from support import db_rows, local

from motcua.clock import ManualClock


@pytest.fixture
def pair(tmp_path, make_hub, clock: ManualClock) -> Iterator[Callable[..., Pair]]:  # noqa: ANN001
    with booking_pair(tmp_path, make_hub, clock) as factory:
        yield factory


def hub_booking(p: Pair, booking_id: str) -> dict[str, Any]:
    """The booking as the hub shows it to staff (GET /bookings)."""
    r = requests.get(f"{p.hub.url}/api/v1/bookings", timeout=5,
                     headers={"Authorization": f"Bearer {p.hub.tokens['counter']}"})
    return next(b for b in r.json()["bookings"] if b["id"] == booking_id)


def test_a_paused_service_refuses_check_in_keeps_the_booking_and_checks_it_in_once_resumed(pair) -> None:  # noqa: ANN001
    p = pair()  # 09:00 on Thursday 26/11/2026
    nine = p.book("09:00")
    ten = p.book("10:00", id_number="001090000456")
    other = p.book("09:00", service="B", id_number="001090000789")
    for b in (nine, ten, other):
        p.hub_has(b["id"])
    console = Console(p.hub.url, p.hub.tokens["admin"])
    assert (console.bookings_due("A"), console.bookings_due("B"), console.bookings_due("C")) == (2, 1, 0)
    page = console.operations()
    assert "2 người đã đặt lịch hôm nay còn đến" in page and "2 booked citizens still due today" in page
    console.service("A", "pause")

    for key in ({"code": nine["code"]}, {"qr": f"{p.central.url}/book/{nine['id']}"},
                {"id_number": "001090000123"}):
        r = p.checkin(**key)
        assert r.status_code == 409, (key, r.text)
        err = r.json()["error"]
        assert err["code"] == "service_paused"
        assert err["message"].startswith("Dịch vụ này đang tạm dừng cấp số. Lịch hẹn vẫn được giữ")
        assert "the booking is kept" in err["message"]
    # Nothing of the booking was used: no ticket, no check-in row, no event; the hub still expects the citizen.
    assert db_rows(p.hub.db, "SELECT COUNT(*) FROM tickets") == [(0,)]
    assert db_rows(p.hub.db, "SELECT COUNT(*) FROM booking_checkins") == [(0,)]
    assert db_rows(p.hub.db, "SELECT COUNT(*) FROM events WHERE type = 'booking.checked_in'") == [(0,)]
    assert not hub_booking(p, nine["id"])["checked_in"]
    assert console.bookings_due("A") == 2
    # The other services still check in.
    assert p.checkin(code=other["code"]).json()["ticket"]["service"] == "B"
    assert console.bookings_due("B") == 0
    # B's check-in went up after the refusals (one outbox, in order) and marked its booking; A's is untouched.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and p.store.booking(other["id"])["status"] != "checked_in":  # type: ignore[index]
        time.sleep(0.05)
    assert p.store.booking(other["id"])["status"] == "checked_in"  # type: ignore[index]
    assert p.store.booking(nine["id"])["status"] == "booked"  # type: ignore[index]

    p.clock.set(local(2026, 11, 26, 9, 10))  # resumed ten minutes later: still inside 09:00's window
    console.service("A", "resume")
    r = p.checkin(code=nine["code"])
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["verdict"] == "on_time" and not got["repeat"]
    assert got["ticket"]["priority"] == "appointment" and got["ticket"]["slot_at"].startswith("2026-11-26T09:00")
    assert hub_booking(p, nine["id"])["ticket_id"] == got["ticket"]["id"]
    assert console.bookings_due("A") == 1
    # The console's controls were audited as ever: one row per pause and resume, with the service's code.
    audit = db_rows(p.hub.db, "SELECT action, detail FROM audit ORDER BY seq")
    assert audit == [("service.pause", "A"), ("service.resume", "A")]


def test_a_pause_that_outlasts_the_window_leaves_the_usual_late_number(pair) -> None:  # noqa: ANN001
    p = pair()
    ten = p.book("10:00")
    p.hub_has(ten["id"])
    console = Console(p.hub.url, p.hub.tokens["admin"])
    console.service("A", "pause")
    p.clock.set(local(2026, 11, 26, 10, 5))
    assert p.checkin(code=ten["code"]).json()["error"]["code"] == "service_paused"
    p.clock.set(local(2026, 11, 26, 10, 16))  # the window (until 10:15) is over: no longer due
    assert console.bookings_due("A") == 0
    console.service("A", "resume")
    got = p.checkin(code=ten["code"]).json()
    assert got["verdict"] == "late" and got["ticket"]["priority"] is None
