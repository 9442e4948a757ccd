"""Appointments between a real hub and the reference central server, both over HTTP on 127.0.0.1 (in-process,
one injected clock): the site's offer goes up, a booking made at the central server comes down on the feed,
and the hub checks it in by QR, by code or by CCCD, on time, early or late; cancelled and other-day bookings
are refused; the check-in goes back up and marks the booking; no personal data reaches the hub's events."""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator

import pytest
import requests
from booking_support import ID, Pair, booking_pair
from support import local

from motcua.clock import ManualClock


@pytest.fixture
def pair(tmp_path, make_hub, clock: ManualClock) -> Iterator[Callable[..., Pair]]:  # noqa: ANN001
    with booking_pair(tmp_path, make_hub, clock) as factory:
        yield factory


def test_book_at_central_check_in_at_the_hub_three_ways(pair) -> None:  # noqa: ANN001
    p = pair()  # 09:00 on Thursday 26/11/2026
    slots = requests.get(f"{p.central.url}/api/v1/public/booking/slots", timeout=5,
                         params={"site": "TEST", "service": "A", "day": "2026-11-26"}).json()["slots"]
    assert slots[0]["slot"] == "09:00" and slots[0]["free"] == 9  # 08:30 is past its late margin (08:45)
    by_qr = p.book("09:00")
    by_code = p.book("09:00", service="B")
    by_card = p.book("09:00", service="C", id_number="079200001234")
    for b in (by_qr, by_code, by_card):
        p.hub_has(b["id"])
    r = p.checkin(qr=f"{p.central.url}/book/{by_qr['id']}")
    assert r.status_code == 200, r.text
    first = r.json()
    assert first["verdict"] == "on_time" and first["ticket"]["priority"] == "appointment"
    assert first["ticket"]["slot_at"].startswith("2026-11-26T09:00") and first["booking"]["code"] == by_qr["code"]
    again = p.checkin(code=by_qr["code"]).json()  # the same booking again: the same ticket
    assert again["repeat"] and again["ticket"]["id"] == first["ticket"]["id"]
    assert p.checkin(code=by_code["code"]).json()["ticket"]["service"] == "B"
    assert p.checkin(id_number="079200001234").json()["ticket"]["service"] == "C"
    assert p.checkin(id_number="079200009999").status_code == 404
    assert p.checkin(code="00000000").json()["error"]["code"] == "unknown_booking"
    # The check-ins go up and mark the bookings at the central server; nothing personal went into the hub's log.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and p.store.booking(by_card["id"])["status"] != "checked_in":  # type: ignore[index]
        time.sleep(0.05)
    assert {p.store.booking(b["id"])["status"] for b in (by_qr, by_code, by_card)} == {"checked_in"}  # type: ignore[index]
    log = " ".join(r[0] for r in sqlite3.connect(p.hub.db).execute("SELECT data FROM events"))
    assert "Hạnh" not in log and "0912345678" not in log and ID not in log and "079200001234" not in log
    assert "booking.capacity" in log and "booking.checked_in" in log
    # The board says a called number was booked, also after a hub restart.
    called = p.hub.client("counter").call_next(1)
    assert called is not None and called.priority == "appointment" and called.slot_at
    assert p.hub.client("board").board().recent_calls[0].booked is True
    p.hub.restart()
    assert p.hub.client("board").board().recent_calls[0].booked is True


def test_early_and_late_arrivals_get_a_normal_number(pair, clock: ManualClock) -> None:  # noqa: ANN001
    p = pair(bookings={"early_min": 15, "late_min": 10})
    early = p.book("10:00")
    late = p.book("09:00", service="B", id_number="001090000999")
    p.hub_has(early["id"])
    p.hub_has(late["id"])
    clock.set(local(2026, 11, 26, 9, 44))  # 16 minutes before 10:00
    r = p.checkin(code=early["code"]).json()
    assert r["verdict"] == "early" and r["ticket"]["priority"] is None and "slot_at" not in r["ticket"]
    clock.set(local(2026, 11, 26, 9, 11))  # (the clock goes back only for this test) 11 minutes after 09:00
    r = p.checkin(code=late["code"]).json()
    assert r["verdict"] == "late" and r["ticket"]["priority"] is None


def test_cancelled_and_other_day_bookings_are_refused(pair) -> None:  # noqa: ANN001
    p = pair()
    b = p.book("10:00")
    tomorrow = p.book("10:00", day="2026-11-27", id_number="001090000555")
    assert requests.post(f"{p.central.url}/api/v1/public/bookings/{b['id']}/cancel", timeout=5).json()["status"] \
        == "cancelled"
    p.hub_has(b["id"], "cancelled")
    p.hub_has(tomorrow["id"])
    assert p.checkin(code=b["code"]).json()["error"]["code"] in ("booking_cancelled", "unknown_booking")
    assert p.checkin(qr=b["id"]).json()["error"]["code"] == "booking_cancelled"
    assert p.checkin(qr=tomorrow["id"]).json()["error"]["code"] == "booking_other_day"
    assert p.checkin(qr="http://elsewhere.test/x").json()["error"]["code"] == "not_a_booking_qr"
    # The place is free again at the central server.
    slots = requests.get(f"{p.central.url}/api/v1/public/booking/slots", timeout=5,
                         params={"site": "TEST", "service": "A", "day": "2026-11-26"}).json()["slots"]
    assert next(s for s in slots if s["slot"] == "10:00")["free"] == 9


def test_full_slots_double_bookings_and_bad_input(pair) -> None:  # noqa: ANN001
    p = pair(bookings={"share": 0.1})  # C: 1 counter × 6 × 0.1 = 0 places; B: 2 × 3 × 0.1 = 0; A: 3 × 6 × 0.1 = 1
    p.book("10:00")
    url = f"{p.central.url}/api/v1/public/bookings"
    base = {"site": "TEST", "service": "A", "day": "2026-11-26", "slot": "10:00", "name": "Trần Văn B"}
    assert requests.post(url, json={**base, "id_number": "001090000777"}, timeout=5).json()["error"]["code"] == "slot_full"
    assert requests.post(url, json={**base, "slot": "10:30", "id_number": ID}, timeout=5).json()["error"]["code"] \
        == "already_booked"
    assert requests.post(url, json={**base, "service": "C", "id_number": "001090000778"}, timeout=5).status_code == 404
    assert requests.post(url, json={**base, "slot": "10:10", "id_number": "001090000779"}, timeout=5).status_code == 422
    assert requests.post(url, json={**base, "day": "2026-12-31", "id_number": "001090000780"}, timeout=5).json()[
        "error"]["code"] == "day_not_offered"
    assert requests.post(url, json={**base, "slot": "11:00", "id_number": "001090000781", "notify": True},
                         timeout=5).json()["error"]["code"] == "phone_required"
