"""A ticket's day, on the queue engine itself: recall, skip (no-show) and bringing back, transfer, positions
and estimated waits, the day's rollover at local midnight (ARCHITECTURE rule 9), and a restart's reload."""
from __future__ import annotations

from dataclasses import replace

import pytest
from queue_support import called, issue
from support import local

from motcua.clock import ManualClock
from motcua.queue import CounterState, QueueEngine, QueueError, TicketStatus


def test_a_recall_announces_the_same_ticket_again(engine: QueueEngine, clock: ManualClock) -> None:
    t = issue(engine, "A")
    engine.call_next(2)
    clock.advance(30)
    again = engine.recall(2)
    assert again.event.type == "ticket.recalled" and again.ticket is not None
    assert (again.ticket.display, again.ticket.status, again.ticket.recalls) == (t, TicketStatus.CALLED, 1)
    assert engine.board()["recent_calls"][0] == {
        "display": t, "counter": 2, "service": "A", "at": "2026-11-26T09:00:30.000+07:00",
        "ticket_id": again.ticket.id, "recall": True}


def test_a_citizen_who_does_not_come_is_skipped_and_can_be_brought_back(engine: QueueEngine) -> None:
    t1, t2, t3 = issue(engine, "A"), issue(engine, "A"), issue(engine, "A")
    engine.call_next(2)
    skipped = engine.skip(2)
    assert skipped.event.type == "ticket.skipped" and engine.find(display=t1).status == TicketStatus.SKIPPED
    assert engine.counters[2].current is None and engine.counters[2].served == 0  # a no-show is not served
    with pytest.raises(QueueError) as err:
        engine.recall(2)
    assert err.value.code == "no_current_ticket"
    # The citizen comes back: the counter calls the skipped ticket out of order...
    assert called(engine.call_specific(2, display=t1)) == t1
    engine.skip(2)
    # ...or puts it back in the queue at its original place, ahead of t2 and t3.
    restored = engine.restore(2, display=t1)
    assert restored.event.type == "ticket.restored" and engine.position(engine.find(display=t1)) == (1, 0)
    assert [called(engine.call_next(2)) for _ in range(3)] == [t1, t2, t3]
    with pytest.raises(QueueError) as err:
        engine.restore(2, display=t2)  # being served, not skipped
    assert err.value.code == "not_skipped"


def test_a_transferred_ticket_keeps_its_number_and_its_place_in_time(engine: QueueEngine,
                                                                     clock: ManualClock) -> None:
    a = issue(engine, "A")
    clock.advance(60)
    b1 = issue(engine, "B")
    clock.advance(60)
    engine.call_next(2)
    moved = engine.transfer(2, "B")
    t = moved.ticket
    assert t is not None and moved.event.type == "ticket.transferred"
    assert (t.display, t.service, t.number_service, t.status, t.transfers) == (a, "B", "A", TicketStatus.WAITING, 1)
    assert moved.event.data["from_service"] == "A" and moved.event.data["to_service"] == "B"
    assert engine.counters[2].current is None
    assert engine.position(t)[0] == 1  # issued before b1: ahead of it in B's queue
    assert [called(engine.call_next(3)), called(engine.call_next(3))] == [a, b1]
    with pytest.raises(QueueError) as err:
        engine.transfer(3, "B")  # already in B
    assert (err.value.status, err.value.code) == (422, "same_service")
    with pytest.raises(QueueError) as err:
        engine.transfer(3, "NOPE")
    assert (err.value.status, err.value.code) == (404, "unknown_service")


def test_positions_and_waits_follow_open_counters_and_observed_service_times(engine: QueueEngine,
                                                                           clock: ManualClock) -> None:
    ts = [engine.find(display=issue(engine, "A")) for _ in range(5)]
    # No counter open yet: all three counters serving A count, at A's configured 300 s.
    assert [engine.position(t) for t in ts] == [(1, 0), (2, 100), (3, 200), (4, 300), (5, 400)]
    engine.call_next(2)  # counter 2 opens: the only open counter for A now
    clock.advance(600)
    engine.complete(2)  # the first observation replaces the configured average
    assert engine.position(ts[4]) == (4, 3 * 600)
    engine.call_next(1)  # a second counter opens
    assert engine.position(ts[4]) == (3, 2 * 600 // 2)
    clock.advance(100)
    engine.complete(1)  # later observations are smoothed: 0.8 x 600 + 0.2 x 100 = 500
    assert engine.position(ts[4]) == (3, 2 * 500 // 2)
    engine.pause(1)
    engine.pause(2)
    assert engine.position(ts[4]) == (3, None)  # every counter of A paused: no estimate
    assert engine.position(ts[0]) == (None, None)  # served


def test_at_local_midnight_the_day_rolls_over(engine: QueueEngine, clock: ManualClock) -> None:
    clock.set(local(2026, 11, 26, 16, 40))
    t1, t2, t3 = issue(engine, "A"), issue(engine, "A"), issue(engine, "A")
    engine.call_next(2)  # t1 at counter 2
    engine.call_next(2)  # t1 done, t2 at counter 2
    clock.set(local(2026, 11, 26, 23, 59, 59))
    assert engine.rollover_if_needed() is None
    assert issue(engine, "A", channel="counter") == "1004"  # still the same day
    clock.set(local(2026, 11, 27, 0, 0, 1))
    change = engine.rollover_if_needed()
    assert change is not None and change.event.type == "day.started"
    assert change.event.data == {"day": "2026-11-27", "previous_day": "2026-11-26", "expired": 3}
    assert sorted(t.display for t in change.tickets) == [t2, t3, "1004"]
    assert all(t.status == TicketStatus.EXPIRED and t.finished_at == clock.time() for t in change.tickets)
    assert {c.number for c in change.counters} == {1, 2, 3}
    assert all(c.current is None and c.served == 0 and c.state == CounterState.CLOSED and c.day == "2026-11-27"
               for c in engine.counters.values())
    assert engine.day == "2026-11-27" and engine.waiting_counts() == {"A": 0, "B": 0, "C": 0}
    with pytest.raises(QueueError):
        engine.find(display=t1)  # yesterday's tickets are not today's
    assert issue(engine, "A", channel="counter") == "1001"
    assert engine.rollover_if_needed() is None


def test_the_kiosk_quota_is_per_day(engine: QueueEngine, clock: ManualClock) -> None:
    for _ in range(3):
        issue(engine, "C")
    assert engine.quota_left("C") == 0
    clock.set(local(2026, 11, 27, 8, 0))
    engine.rollover_if_needed()
    assert engine.quota_left("C") == 3 and issue(engine, "C") == "001"


def test_a_reload_rebuilds_the_same_day(engine: QueueEngine, clock: ManualClock) -> None:
    """What the hub does after a restart: load the day's rows (copies, as read from the store) into a new engine."""
    for svc in ("A", "B", "A", "A", "C"):
        issue(engine, svc)
        clock.advance(10)
    issue(engine, "A", priority="elderly")
    engine.call_next(2)  # the priority ticket
    clock.advance(200)
    engine.call_next(2)  # it is done (200 s observed); 1001 called
    engine.call_next(1)
    engine.skip(1)  # B001 skipped
    engine.pause(3)
    fresh = QueueEngine(engine.config, clock, next_seq=engine.next_seq)
    fresh.load(day=engine.day, tickets=[replace(t) for t in engine.tickets.values()],
               counters=[replace(c) for c in engine.counters.values()], recent_calls=list(engine.recent_calls))
    assert fresh.waiting_counts() == engine.waiting_counts() == {"A": 2, "B": 0, "C": 1}
    assert fresh.counters[2].current == engine.counters[2].current and fresh.counters[3].state == CounterState.PAUSED
    assert fresh.stats["A"].average_s == engine.stats["A"].average_s == 200
    assert issue(fresh, "A") == issue(engine, "A") == "1005"
    assert fresh.board()["recent_calls"] == engine.board()["recent_calls"]
    assert [called(fresh.call_next(1)) for _ in range(2)] == [called(engine.call_next(1)) for _ in range(2)]
