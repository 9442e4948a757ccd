"""Cấp số, on the queue engine itself: numbering, kiosk hours and quotas, numbers that run out, retried
touches, test tickets. Each state change is one event (ARCHITECTURE rule 2)."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from queue_support import issue
from support import local, small_site

from motcua.clock import ManualClock
from motcua.queue import QueueEngine, QueueError, TicketStatus


def test_each_service_counts_its_own_numbers_from_its_first(engine: QueueEngine) -> None:
    shown = [issue(engine, s) for s in ("A", "B", "A", "C", "B")]
    assert shown == ["1001", "B001", "1002", "001", "B002"]
    t = engine.find(display="1002")
    assert (t.number, t.service, t.status, t.channel) == (1002, "A", TicketStatus.WAITING, "kiosk")


def test_an_issue_is_one_change_with_one_event_in_sequence(engine: QueueEngine, clock: ManualClock) -> None:
    first = engine.issue("A")
    clock.advance(30)
    second = engine.issue("B", priority="elderly")
    assert (first.event.seq, second.event.seq) == (1, 2)
    assert second.event.type == "ticket.issued" and second.event.at == clock.time()
    assert second.tickets == [second.ticket]
    view = second.event.data["ticket"]
    assert (view["display"], view["priority"], view["position"]) == ("B001", "elderly", 1)
    assert view["issued_at"] == "2026-11-26T09:00:30.000+07:00"
    assert view["tracking_url"] == f"http://hub.test/t/{second.ticket.id}"  # type: ignore[union-attr]


def test_unknown_services_and_priority_categories_are_refused(engine: QueueEngine) -> None:
    with pytest.raises(QueueError) as err:
        engine.issue("Z")
    assert (err.value.status, err.value.code) == (404, "unknown_service")
    with pytest.raises(QueueError) as err:
        engine.issue("A", priority="vip")
    assert (err.value.status, err.value.code) == (422, "unknown_priority")
    assert engine.next_seq == 1 and engine.tickets == {}  # nothing happened


def test_kiosks_issue_from_15_minutes_before_opening_to_15_minutes_before_closing(
        engine: QueueEngine, clock: ManualClock) -> None:
    # Default hours: Monday-Friday 07:30-11:30 and 13:00-17:00; numbers through the lunch break.
    for when, open_ in (((7, 14), False), ((7, 15), True), ((12, 0), True), ((16, 44), True), ((16, 45), False)):
        clock.set(local(2026, 11, 26, *when))
        assert engine.issuing_open() is open_, when
    clock.set(local(2026, 11, 26, 16, 45))
    with pytest.raises(QueueError) as err:
        engine.issue("A")
    assert err.value.code == "closed" and "Ngoài giờ cấp số" in err.value.message
    clock.set(local(2026, 11, 29, 9, 0))  # a Sunday
    assert engine.issuing_open() is False


def test_a_clerk_issues_outside_the_kiosk_hours(engine: QueueEngine, clock: ManualClock) -> None:
    clock.set(local(2026, 11, 26, 17, 30))
    assert issue(engine, "A", channel="counter") == "1001"


def test_the_daily_quota_limits_kiosks_not_clerks(engine: QueueEngine) -> None:
    assert [issue(engine, "C") for _ in range(3)] == ["001", "002", "003"]
    assert engine.quota_left("C") == 0 and engine.quota_left("A") is None
    with pytest.raises(QueueError) as err:
        engine.issue("C")
    assert err.value.code == "quota_reached"
    assert issue(engine, "C", channel="counter") == "004"  # the clerk's number does not use the quota
    assert engine.quota_left("C") == 0


def test_numbers_run_out_instead_of_repeating(make_engine: Callable[..., QueueEngine]) -> None:
    data = small_site()
    data["services"][1]["first_number"] = 998  # B has 3 digits: B999 is the last
    engine = make_engine(data)
    assert [issue(engine, "B"), issue(engine, "B")] == ["B998", "B999"]
    with pytest.raises(QueueError) as err:
        engine.issue("B")
    assert err.value.code == "numbers_exhausted"


def test_a_retried_touch_finds_the_ticket_it_already_got(engine: QueueEngine) -> None:
    first = engine.issue("A", request_id="touch-1").ticket
    assert engine.issued_for_request("touch-1") is first
    assert engine.issued_for_request("touch-2") is None


def test_test_tickets_count_down_from_the_top_and_never_take_a_real_number(
        engine: QueueEngine, clock: ManualClock) -> None:
    on = engine.set_commissioning(True)
    assert on.event.type == "site.changed" and on.event.data["commissioning"] is True
    clock.set(local(2026, 11, 26, 22, 0))  # any hour
    tests = [engine.issue("A").ticket, engine.issue("C").ticket, engine.issue("C").ticket, engine.issue("C").ticket,
             engine.issue("C").ticket]
    assert [t.display for t in tests] == ["9999", "999", "998", "997", "996"]  # type: ignore[union-attr]
    assert all(t.test for t in tests)  # type: ignore[union-attr]
    assert engine.quota_left("C") is None  # no quota for test tickets
    engine.call_next(2)  # 9999 is being served at counter 2
    off = engine.set_commissioning(False)
    assert off.event.data["expired"] == 5 and engine.open_test_tickets() == 0
    assert [c.number for c in off.counters] == [2] and engine.counters[2].current is None
    assert all(t.status == TicketStatus.EXPIRED for t in tests)  # type: ignore[union-attr]
    clock.set(local(2026, 11, 26, 10, 0))
    # The day's real numbering starts where it always does, and C's quota is untouched.
    assert [issue(engine, "A"), issue(engine, "C"), issue(engine, "C"), issue(engine, "C")] == [
        "1001", "001", "002", "003"]
    assert engine.waiting_counts() == {"A": 1, "B": 0, "C": 3}
