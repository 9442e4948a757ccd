"""Appointments in the domain: slots, capacity, the check-in window, the ID digest, and the queue rule that a
booking checked in on time goes ahead of walk-ins from its slot's start (and not before)."""
from __future__ import annotations

from datetime import date

from support import local, small_site

from motcua import booking as B
from motcua.clock import ManualClock
from motcua.config import parse_site_config
from motcua.queue import QueueEngine


def engine(clock: ManualClock) -> QueueEngine:
    e = QueueEngine(parse_site_config(small_site()), clock)
    e.load(day="2026-11-26", tickets=(), counters=())
    return e


def test_slots_capacity_and_window() -> None:
    cfg = parse_site_config(small_site(bookings={"slot_minutes": 30, "share": 0.5, "early_min": 10, "late_min": 20}))
    doc = B.capacity_document(cfg)
    per = {s["code"]: s["per_slot"] for s in doc["services"]}
    # A: 3 counters × (30 min / 5 min) × 0.5 = 9; B: 2 counters × 3 × 0.5 = 3; C: 1 counter × 6 × 0.5 = 3
    assert per == {"A": 9, "B": 3, "C": 3}
    slots = B.day_slots(doc["hours"], date(2026, 11, 26), 30)
    assert [s.label for s in slots[:2]] == ["07:30", "08:00"] and slots[7].end_label == "11:30"
    assert len(slots) == 8 + 8 and slots[8].label == "13:00"  # no slot across lunch
    assert B.day_slots(doc["hours"], date(2026, 11, 28), 30) == []  # Saturday
    start = local(2026, 11, 26, 9, 0).timestamp()
    assert B.verdict(start - 10 * 60, start, early_min=10, late_min=20) == B.Verdict.ON_TIME
    assert B.verdict(start - 10 * 60 - 1, start, early_min=10, late_min=20) == B.Verdict.EARLY
    assert B.verdict(start + 20 * 60, start, early_min=10, late_min=20) == B.Verdict.ON_TIME
    assert B.verdict(start + 20 * 60 + 1, start, early_min=10, late_min=20) == B.Verdict.LATE


def test_the_id_digest_matches_the_card_not_others() -> None:
    salt = B.new_salt()
    body = {"id_salt": salt, "id_digest": B.id_digest(salt, "001090000123")}
    assert B.id_matches(body, "001090000123") and B.id_matches(body, " 0010-9000-0123 ")
    assert not B.id_matches(body, "001090000124") and not B.id_matches(body, "")
    assert not B.id_matches({**body, "id_digest": "sai mã đã băm"}, "001090000123")  # non-ASCII: False, no raise
    assert "001090000123" not in str(body)
    assert B.booking_id_in("http://c.test/book/0F8E2C1A-1234-4abc-8def-0123456789ab") == \
        "0f8e2c1a-1234-4abc-8def-0123456789ab"
    assert B.booking_id_in("1023") is None and B.is_code("01234567") and not B.is_code("1234")


def test_a_booking_on_time_goes_ahead_from_its_slot_start_not_before() -> None:
    clock = ManualClock(local(2026, 11, 26, 8, 50))
    e = engine(clock)
    slot = local(2026, 11, 26, 9, 0).timestamp()
    w1 = e.issue("A").ticket
    booked = e.issue("A", priority="appointment", channel="booking", not_before=slot).ticket
    w2 = e.issue("A").ticket
    assert booked is not None and booked.not_before == slot and e.view(booked)["slot_at"].startswith("2026-11-26T09:00")
    # 08:50: the slot has not started: walk-ins first.
    assert e.call_next(2)[-1].ticket is w1
    clock.set(local(2026, 11, 26, 9, 0))
    assert e.call_next(2)[-1].ticket is booked  # from 09:00, ahead of the walk-in who waits longer
    assert e.board()["recent_calls"][0]["booked"] is True  # the board can say the number was booked
    assert e.call_next(2)[-1].ticket is w2
    assert "booked" not in e.board()["recent_calls"][0]


def test_a_booking_before_its_slot_is_called_rather_than_leave_a_counter_idle() -> None:
    clock = ManualClock(local(2026, 11, 26, 8, 50))
    e = engine(clock)
    later = e.issue("A", priority="appointment", not_before=local(2026, 11, 26, 9, 30).timestamp()).ticket
    sooner = e.issue("A", priority="appointment", not_before=local(2026, 11, 26, 9, 0).timestamp()).ticket
    assert e.call_next(1)[-1].ticket is sooner  # nobody else waits: the soonest slot
    assert e.call_next(1)[-1].ticket is later
    assert e.call_next(1)[-1].event.type == "ticket.completed"


def test_priority_streak_still_lets_walk_ins_through_with_due_bookings() -> None:
    clock = ManualClock(local(2026, 11, 26, 9, 5))
    e = engine(clock)  # max_priority_streak = 2
    slot = local(2026, 11, 26, 9, 0).timestamp()
    walk = e.issue("A").ticket
    booked = [e.issue("A", priority="appointment", not_before=slot).ticket for _ in range(3)]
    order = [e.call_next(2)[-1].ticket for _ in range(4)]
    assert order == [booked[0], booked[1], walk, booked[2]]
