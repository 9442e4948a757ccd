"""Satisfaction ratings at the hub (issue 13): one per ticket, after service, within the window, attributed by the
hub; the phone's rating page (once); the summary checked against figures worked out by hand."""
from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable

import orjson
import pytest
import requests
from support import RunningHub

from sync.client import HubAuthError, HubClient, HubError
from sync.hub.staff import add_staff
from sync.store import create_token


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def served(hub: RunningHub) -> tuple[RunningHub, str]:
    """NV01 signed in at counter 1 has just served one ticket of service A."""
    add_staff(hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468")
    clerk = hub.client("counter")
    clerk.sign_in(1, staff="NV01", pin="2468")
    t = hub.client("kiosk").issue("A")
    clerk.call_next(1)
    hub.clock.advance(200)
    clerk.complete(1)
    return hub, t.id


def test_a_rating_is_stored_once_with_ticket_counter_clerk_and_service(served: tuple[RunningHub, str]) -> None:
    hub, ticket = served
    clerk = hub.client("counter")
    rid = new_id()
    r = clerk.rate(rating_id=rid, ticket=ticket, level="satisfied")
    assert (r.ticket_id, r.counter, r.clerk, r.service, r.level, r.channel) == (ticket, 1, "NV01", "A", "satisfied", "screen")
    assert clerk.rate(rating_id=rid, ticket=ticket, level="satisfied").id == rid  # a retry: the first answer
    with pytest.raises(HubError) as e:
        clerk.rate(rating_id=new_id(), ticket=ticket, level="very_satisfied")  # a second touch
    assert (e.value.status, e.value.code) == (409, "already_rated")
    with pytest.raises(HubError) as e:
        clerk.rate(rating_id=rid, ticket=ticket, level="unsatisfied")  # the same id with another content
    assert e.value.code == "idempotency_conflict"
    with sqlite3.connect(hub.db) as conn:
        rows = conn.execute("SELECT ticket_id, counter, clerk, service, level FROM ratings").fetchall()
        evs = [orjson.loads(d) for (d,) in conn.execute("SELECT data FROM events WHERE type = 'rating.recorded'")]
    assert rows == [(ticket, 1, "NV01", "A", "satisfied")]
    assert len(evs) == 1 and evs[0]["rating"]["id"] == rid and evs[0]["rating"]["clerk"] == "NV01"


def test_a_late_touch_an_unserved_ticket_and_bad_reasons_are_refused(served: tuple[RunningHub, str]) -> None:
    hub, ticket = served
    clerk = hub.client("counter")
    waiting = hub.client("kiosk").issue("A")
    with pytest.raises(HubError) as e:
        clerk.rate(rating_id=new_id(), ticket=waiting.id, level="satisfied")
    assert (e.value.status, e.value.code) == (409, "not_served")
    with pytest.raises(HubError) as e:
        clerk.rate(rating_id=new_id(), ticket=ticket, level="satisfied", reasons=["attitude"])
    assert e.value.code == "reasons_not_allowed"
    with pytest.raises(HubError) as e:
        clerk.rate(rating_id=new_id(), ticket=ticket, level="unsatisfied", reasons=["the clerk's name"])
    assert e.value.code == "unknown_reason"
    finished = hub.clock.time()
    hub.clock.advance(hub.config.ratings.window_s + 1)
    with pytest.raises(HubError) as e:
        clerk.rate(rating_id=new_id(), ticket=ticket, level="satisfied")
    assert (e.value.status, e.value.code) == (409, "rating_closed")
    # A touch made inside the window and sent late (the device kept it through an outage) still counts.
    r = clerk.rate(rating_id=new_id(), ticket=ticket, level="unsatisfied", reasons=["waiting_time", "attitude"],
                   rated_at=finished + 30)
    assert r.reasons == ["attitude", "waiting_time"]


def test_a_counter_token_rates_only_its_counters_tickets(served: tuple[RunningHub, str]) -> None:
    hub, ticket = served
    other = HubClient(hub.url, create_token(hub.db, role="counter", name="Quầy 2", counter=2))
    with pytest.raises(HubAuthError):
        other.rate(rating_id=new_id(), ticket=ticket, level="satisfied")
    with pytest.raises(HubAuthError):
        hub.client("kiosk").rate(rating_id=new_id(), ticket=ticket, level="satisfied")
    own = HubClient(hub.url, create_token(hub.db, role="counter", name="Quầy 1", counter=1))
    assert own.rate(rating_id=new_id(), ticket=ticket, level="very_satisfied").counter == 1


def test_the_phone_rates_once_from_the_tracking_page(served: tuple[RunningHub, str]) -> None:
    hub, ticket = served
    state = requests.get(f"{hub.url}/t/{ticket}/state", timeout=5).json()
    assert state["rating_url"] == f"http://hub.test/t/{ticket}/rate"
    page = requests.get(f"{hub.url}/t/{ticket}/rate", timeout=5)
    assert page.status_code == 200 and "Rất hài lòng" in page.text and "Không hài lòng" in page.text
    assert "Nguyễn" not in page.text and "NV01" not in page.text  # the public page names no clerk
    form = {"rating_id": new_id(), "level": "unsatisfied", "reason": ["guidance"]}
    r = requests.post(f"{hub.url}/t/{ticket}/rate", data=form, timeout=5)
    assert r.status_code == 201 and "Cảm ơn bạn đã đánh giá" in r.text
    again = requests.post(f"{hub.url}/t/{ticket}/rate", data={**form, "rating_id": new_id(), "level": "satisfied"},
                          timeout=5)
    assert again.status_code == 409 and "đã được đánh giá" in again.text
    assert requests.get(f"{hub.url}/t/{ticket}/state", timeout=5).json()["rating_url"] is None
    assert "<form" not in requests.get(f"{hub.url}/t/{ticket}/rate", timeout=5).text
    with sqlite3.connect(hub.db) as conn:
        assert conn.execute("SELECT channel, level, reasons, clerk FROM ratings").fetchall() == [
            ("phone", "unsatisfied", '["guidance"]', "NV01")]


def test_the_phone_page_refuses_an_unserved_or_late_ticket(served: tuple[RunningHub, str]) -> None:
    hub, ticket = served
    waiting = hub.client("kiosk").issue("A")
    r = requests.post(f"{hub.url}/t/{waiting.id}/rate", data={"rating_id": new_id(), "level": "satisfied"}, timeout=5)
    assert r.status_code == 409 and "<form" not in r.text
    assert requests.post(f"{hub.url}/t/nope/rate", data={"level": "satisfied"}, timeout=5).status_code == 404
    bad = requests.post(f"{hub.url}/t/{ticket}/rate", data={"rating_id": new_id(), "level": "great"}, timeout=5)
    assert bad.status_code == 422 and "<form" in bad.text  # asked again
    hub.clock.advance(hub.config.ratings.phone_window_s + 1)
    assert requests.get(f"{hub.url}/t/{ticket}/state", timeout=5).json()["rating_url"] is None
    late = requests.post(f"{hub.url}/t/{ticket}/rate", data={"rating_id": new_id(), "level": "satisfied"}, timeout=5)
    assert late.status_code == 409 and "hết thời gian" in late.text


def test_the_summary_matches_figures_worked_out_by_hand(make_hub: Callable[..., RunningHub]) -> None:
    """Two clerks, three counters, one morning (times in seconds after 09:00):

    NV01 at counter 1: T1 called 0, done 300 (rated very_satisfied); T2 called 300, done 900 (satisfied);
        T3 called 900, transferred to B at 960.
    NV02 at counter 3: T3 called 960, done 1160 (unsatisfied: waiting_time); T4 called 1160, no-show at 1220;
        T5 called 1220, done 1320 (not rated).
    Hand-computed, by clerk —
      NV01: served 2, times [300, 600] → average 450, median 450, p90 300 + 0.9 × 300 = 570; transfers 1;
            ratings 2 (1 very, 1 satisfied) → satisfaction 1.0, average score (2 + 1) / 2 = 1.5.
      NV02: served 2, times [100, 200] → average 150, median 150, p90 190; no-shows 1;
            ratings 1 (unsatisfied) → satisfaction 0.0, score 0.0, reasons waiting_time 1.
    By service: A (T1, T2 served; T3 transferred; T4 no-show at counter 3 is service A) and B (T3, T5 served).
    """
    hub = make_hub()
    add_staff(hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468")
    add_staff(hub.db, code="NV02", name="Trần Văn Đức", pin="1357")
    kiosk, clerk, admin = hub.client("kiosk"), hub.client("counter"), hub.client("admin")
    clerk.sign_in(1, staff="NV01", pin="2468")
    clerk.sign_in(3, staff="NV02", pin="1357")
    t1, t2, t3, t4 = (kiosk.issue("A") for _ in range(4))
    t5 = kiosk.issue("B")
    step = hub.clock.advance
    assert clerk.call_next(1).id == t1.id
    step(300)
    assert clerk.call_next(1).id == t2.id  # completes T1
    clerk.rate(rating_id=new_id(), ticket=t1.id, level="very_satisfied")
    step(600)
    assert clerk.call_next(1).id == t3.id  # completes T2
    clerk.rate(rating_id=new_id(), ticket=t2.id, level="satisfied")
    step(60)
    clerk.transfer(1, "B")
    assert clerk.call(3, ticket=t3.id).id == t3.id
    step(200)
    clerk.complete(3)
    clerk.rate(rating_id=new_id(), ticket=t3.id, level="unsatisfied", reasons=["waiting_time"])
    assert clerk.call(3, ticket=t4.id).id == t4.id
    step(60)
    clerk.skip(3)
    assert clerk.call(3, ticket=t5.id).id == t5.id
    step(100)
    clerk.complete(3)
    day = hub.hub.engine.day
    by_clerk = {g["key"]: g for g in admin.ratings_summary(day, day, by="clerk")["groups"]}
    nv1, nv2 = by_clerk["NV01"], by_clerk["NV02"]
    assert nv1["name"] == "Nguyễn Thị Lan" and set(by_clerk) == {"NV01", "NV02"}
    assert (nv1["served"], nv1["transfers"], nv1["no_shows"]) == (2, 1, 0)
    assert nv1["service_time_s"] == {"average": 450.0, "median": 450.0, "p90": 570.0}
    assert nv1["levels"] == {"very_satisfied": 1, "satisfied": 1, "unsatisfied": 0}
    assert (nv1["satisfaction_rate"], nv1["average_score"]) == (1.0, 1.5)
    assert (nv2["served"], nv2["transfers"], nv2["no_shows"]) == (2, 0, 1)
    assert nv2["service_time_s"] == {"average": 150.0, "median": 150.0, "p90": 190.0}
    assert (nv2["ratings"], nv2["satisfaction_rate"], nv2["average_score"]) == (1, 0.0, 0.0)
    assert nv2["reasons"] == {"waiting_time": 1}
    summary = clerk.ratings_summary(day, day, by="service")  # a counter token is staff too
    by_service = {g["key"]: g for g in summary["groups"]}
    assert (by_service["A"]["served"], by_service["A"]["transfers"], by_service["A"]["no_shows"]) == (2, 1, 1)
    assert (by_service["B"]["served"], by_service["B"]["ratings"]) == (2, 1)
    assert summary["total"] == {"ratings": 3, "levels": {"very_satisfied": 1, "satisfied": 1, "unsatisfied": 1},
                                "satisfaction_rate": 0.6667, "average_score": 1.0}
    by_counter = [g["key"] for g in admin.ratings_summary(day, day, by="counter")["groups"]]
    assert by_counter == ["1", "3"]
    for role in ("kiosk", "board"):
        with pytest.raises(HubAuthError):
            hub.client(role).ratings_summary(day, day)
    with pytest.raises(HubError) as e:
        admin.ratings_summary(day, "2026-01-01")
    assert e.value.status == 422
