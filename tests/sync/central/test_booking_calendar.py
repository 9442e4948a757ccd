"""The central server's booking follows the official calendar, over HTTP on 127.0.0.1 with an injected clock:
no slot on Tết, a national holiday or a swapped day off (the holidays package for a year the table does not
cover, the shipped override table, the server's own calendar feed), slots on a make-up Saturday (ngày làm
bù) with a weekday's hours; booking a day off is refused with a 422 in Vietnamese and English, and the
booking page offers only the days the center works."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from support import local, small_site

from motcua.booking import capacity_document
from motcua.clock import ManualClock
from motcua.config import parse_site_config
from sync.central.app import CentralSettings, create_central_app
from sync.central.store import CentralStore
from sync.server import ServerThread

ID = "001090000123"


class Central:
    def __init__(self, tmp: Path, now: datetime) -> None:
        self.clock = ManualClock(now)
        self.store = CentralStore(tmp / "central.db", dev_tokens=True)
        doc = capacity_document(parse_site_config(small_site(bookings={"days_ahead": 14})))
        self.store.ingest_events(site="TEST", events=[{"id": "offer-0001", "seq": 1, "type": "booking.capacity",
                                                       "at": self.clock.time(), "capacity": doc}])
        self.server = ServerThread(create_central_app(self.store, CentralSettings(clock=self.clock.time))).start()

    def slots(self, day: str, service: str = "A") -> dict[str, Any]:
        r = requests.get(f"{self.server.url}/api/v1/public/booking/slots", timeout=5,
                         params={"site": "TEST", "service": service, "day": day})
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    def book(self, day: str, slot: str, id_number: str = ID) -> requests.Response:
        return requests.post(f"{self.server.url}/api/v1/public/bookings", timeout=5, json={
            "site": "TEST", "service": "A", "day": day, "slot": slot, "name": "Trần Văn Bình", "id_number": id_number})

    def page_days(self) -> list[str]:
        html = requests.get(f"{self.server.url}/book?site=TEST", timeout=5).text
        return re.findall(r'<option value="(\d{4}-\d{2}-\d{2})"', html)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Callable[[datetime], Central]]:
    made: list[Central] = []

    def start(now: datetime) -> Central:
        (tmp_path / str(len(made))).mkdir()
        c = Central(tmp_path / str(len(made)), now)
        made.append(c)
        return c

    yield start
    for c in made:
        c.server.stop()


def labels(listing: dict[str, Any]) -> list[str]:
    return [s["slot"] for s in listing["slots"]]


def test_new_year_and_tet_2027_have_no_slot_and_cannot_be_booked(central) -> None:  # noqa: ANN001
    # 2027 is not in the shipped table: the holidays package's Vietnam calendar decides.
    c = central(local(2026, 12, 28, 9, 0))  # Monday
    assert labels(c.slots("2026-12-31"))[:2] == ["07:30", "08:00"] and "closed" not in c.slots("2026-12-31")
    new_year = c.slots("2027-01-01")  # Friday, Tết Dương lịch
    assert new_year["slots"] == [] and "Tết Dương lịch" in new_year["closed"] and "day off" in new_year["closed"]
    assert c.slots("2027-01-02")["slots"] == [] and "closed" not in c.slots("2027-01-02")  # a Saturday: no hours
    r = c.book("2027-01-01", "09:00")
    assert r.status_code == 422 and r.headers["content-type"] == "application/json"
    err = r.json()["error"]
    assert err["code"] == "day_off"
    assert err["message"].startswith("Ngày 01/01/2027 là ngày nghỉ (Tết Dương lịch)") and \
        "2027-01-01 is an official day off" in err["message"]
    assert c.book("2027-01-04", "09:00").status_code == 201  # Monday after: open
    days = c.page_days()
    assert "2026-12-31" in days and "2027-01-04" in days
    assert "2027-01-01" not in days and "2027-01-02" not in days and "2027-01-03" not in days

    tet = central(local(2027, 2, 1, 9, 0))  # Monday before Tết Đinh Mùi
    for day in ("2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"):  # 29 Tết .. mùng 5
        listing = tet.slots(day)
        assert listing["slots"] == [] and "Tết" in listing["closed"], day
        assert tet.book(day, "08:00").json()["error"]["code"] == "day_off", day
    assert labels(tet.slots("2027-02-03"))[0] == "07:30" and labels(tet.slots("2027-02-11"))[0] == "07:30"
    assert tet.page_days()[:4] == ["2027-02-01", "2027-02-02", "2027-02-03", "2027-02-11"]


def test_a_make_up_saturday_is_offered_and_a_swapped_monday_is_not(central) -> None:  # noqa: ANN001
    # The shipped table for 2026: Saturday 22/8 is worked for Monday 31/8 (nghỉ hoán đổi), then 1/9 and 2/9.
    c = central(local(2026, 8, 20, 9, 0))  # Thursday: 14 days ahead reach 3/9
    make_up = c.slots("2026-08-22")
    assert labels(make_up)[:2] == ["07:30", "08:00"] and len(make_up["slots"]) == 16 and "closed" not in make_up
    assert c.slots("2026-08-29")["slots"] == []  # the Saturday after: a weekend
    r = c.book("2026-08-22", "13:00")
    assert r.status_code == 201, r.text
    assert r.json()["day"] == "2026-08-22" and r.json()["slot"] == "13:00"
    assert c.slots("2026-08-22")["slots"][8]["free"] == 8  # 9 places, one taken
    for day in ("2026-08-31", "2026-09-01", "2026-09-02"):
        assert c.slots(day)["slots"] == [] and c.book(day, "09:00", id_number="001090000999").status_code == 422
    days = c.page_days()
    assert "2026-08-22" in days and "2026-08-29" not in days and "2026-08-31" not in days and "2026-09-03" in days


def test_the_servers_calendar_feed_updates_what_is_offered(central) -> None:  # noqa: ANN001
    # The province publishes 2027's schedule on the calendar feed: its swapped day and make-up Saturday count.
    c = central(local(2026, 12, 28, 9, 0))
    assert c.slots("2027-01-09")["slots"] == [] and labels(c.slots("2027-01-04"))[0] == "07:30"
    c.store.put_feed_item("calendar", "2027", {"years": {"2027": {
        "days_off": [{"date": "2027-01-01", "name": "Tết Dương lịch"},
                     {"date": "2027-01-04", "name": "Nghỉ hoán đổi (làm bù thứ Bảy 09/1)"}],
        "make_up_days": [{"date": "2027-01-09", "name": "Làm bù cho thứ Hai 04/1"}]}}})
    assert labels(c.slots("2027-01-09"))[0] == "07:30"
    swapped = c.slots("2027-01-04")
    assert swapped["slots"] == [] and "Nghỉ hoán đổi" in swapped["closed"]
    assert c.book("2027-01-09", "10:00").status_code == 201
    assert c.book("2027-01-04", "10:00", id_number="001090000555").json()["error"]["code"] == "day_off"
