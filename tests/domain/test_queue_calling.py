"""Gọi số, on the queue engine itself: who is called next at which counter (priority, the priority streak,
service weights, a counter's own services and its policy), pausing, calling out of order."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from queue_support import called, issue
from support import small_site

from motcua.clock import ManualClock
from motcua.queue import CounterState, QueueEngine, QueueError, TicketStatus


def test_priority_tickets_go_first_then_everyone_by_issue_time(engine: QueueEngine, clock: ManualClock) -> None:
    w1 = issue(engine, "A")
    clock.advance(10)
    w2 = issue(engine, "A")
    clock.advance(10)
    p1 = issue(engine, "A", priority="elderly")
    assert [engine.position(engine.find(display=d))[0] for d in (p1, w1, w2)] == [1, 2, 3]
    assert [called(engine.call_next(2)) for _ in range(3)] == [p1, w1, w2]
    assert called(engine.call_next(2)) is None  # nobody waits


def test_at_most_two_priority_tickets_in_a_row_while_walk_ins_wait(engine: QueueEngine, clock: ManualClock) -> None:
    walk = [issue(engine, "A") for _ in range(2)]
    clock.advance(5)
    prio = [issue(engine, "A", priority=p) for p in ("elderly", "pregnant", "disability", "merit", "elderly")]
    order = [called(engine.call_next(2)) for _ in range(7)]
    assert order == [prio[0], prio[1], walk[0], prio[2], prio[3], walk[1], prio[4]]


def test_the_streak_is_per_counter(engine: QueueEngine) -> None:
    walk = issue(engine, "A")
    prio = [issue(engine, "A", priority="elderly") for _ in range(3)]
    assert [called(engine.call_next(1)), called(engine.call_next(1))] == prio[:2]
    # Counter 1 has called two priority tickets in a row; counter 2 has not, and takes the third.
    assert called(engine.call_next(2)) == prio[2]
    assert called(engine.call_next(1)) == walk


def test_the_streak_does_not_hold_back_priority_tickets_when_no_walk_in_waits(engine: QueueEngine) -> None:
    prio = [issue(engine, "A", priority="elderly") for _ in range(4)]
    assert [called(engine.call_next(2)) for _ in range(4)] == prio


def test_service_weights_scale_the_wait(make_engine: Callable[..., QueueEngine], clock: ManualClock) -> None:
    data = small_site()
    data["services"][1]["weight"] = 3.0  # B's wait counts triple
    engine = make_engine(data)
    a = issue(engine, "A")
    clock.advance(60)
    b = issue(engine, "B")
    clock.advance(20)
    assert called(engine.call_next(1)) == a  # A waited 80 s (80) against B's 20 s x 3 (60)
    a2 = issue(engine, "A")
    clock.advance(100)
    assert called(engine.call_next(1)) == b  # A2 100 s (100) against B 120 s x 3 (360)
    a3 = issue(engine, "A")
    clock.advance(30)
    b3 = issue(engine, "B")
    clock.advance(40)
    # A2 170 s (170), A3 70 s (70), B3 40 s x 3 (120): A2, then B3 before the older A3.
    assert [called(engine.call_next(1)) for _ in range(3)] == [a2, b3, a3]


def test_an_ordered_counter_serves_its_first_service_with_people_waiting(engine: QueueEngine,
                                                                          clock: ManualClock) -> None:
    a = issue(engine, "A")
    clock.advance(60)
    c = issue(engine, "C")
    clock.advance(60)
    b = issue(engine, "B")
    # Counter 3 is "ordered" [B, A, C]: B although A and C are older, then A, then C.
    assert [called(engine.call_next(3)) for _ in range(3)] == [b, a, c]


def test_a_counter_calls_only_its_own_services(engine: QueueEngine, clock: ManualClock) -> None:
    b = issue(engine, "B")
    c = issue(engine, "C")
    clock.advance(60)
    a = issue(engine, "A")
    assert called(engine.call_next(2)) == a  # counter 2 serves A only: B and C, older, are not its own
    assert called(engine.call_next(2)) is None
    assert called(engine.call_next(1)) == b  # counter 1 serves A and B
    assert called(engine.call_next(1)) is None
    assert called(engine.call_next(3)) == c


def test_next_completes_the_citizen_in_front_of_the_counter(engine: QueueEngine, clock: ManualClock) -> None:
    t1, t2 = issue(engine, "A"), issue(engine, "A")
    engine.call_next(2)
    clock.advance(120)
    changes = engine.call_next(2)
    assert [ch.event.type for ch in changes] == ["ticket.completed", "ticket.called"]
    assert [ch.event.seq for ch in changes] == [4, 5]  # two changes, one event each, in order
    assert engine.find(display=t1).status == TicketStatus.DONE and called(changes) == t2
    done = engine.complete(2)
    assert done.ticket is not None and done.ticket.display == t2 and engine.counters[2].served == 2
    with pytest.raises(QueueError) as err:
        engine.complete(2)
    assert err.value.code == "no_current_ticket"


def test_a_counter_opens_with_its_first_call_even_when_nobody_waits(engine: QueueEngine) -> None:
    assert engine.counters[1].state == CounterState.CLOSED
    [change] = engine.call_next(1)
    assert change.event.type == "counter.opened" and engine.counters[1].state == CounterState.OPEN
    assert engine.call_next(1) == []  # already open, still nobody: nothing happens


def test_a_paused_counter_calls_nobody_until_it_resumes(engine: QueueEngine) -> None:
    t = issue(engine, "A")
    assert engine.pause(2).event.type == "counter.paused"
    with pytest.raises(QueueError) as err:
        engine.call_next(2)
    assert err.value.code == "counter_paused"
    with pytest.raises(QueueError) as err:
        engine.call_specific(2, display=t)
    assert err.value.code == "counter_paused"
    with pytest.raises(QueueError):
        engine.pause(2)
    assert engine.resume(2).event.type == "counter.resumed"
    assert called(engine.call_next(2)) == t
    with pytest.raises(QueueError) as err:
        engine.resume(2)
    assert err.value.code == "counter_not_paused"


def test_a_counter_calls_a_ticket_out_of_order(engine: QueueEngine) -> None:
    t1, t2, t3 = issue(engine, "A"), issue(engine, "A"), issue(engine, "A")
    assert called(engine.call_specific(1, display=t3)) == t3
    assert called(engine.call_next(1)) == t1
    assert engine.find(display=t3).status == TicketStatus.DONE
    with pytest.raises(QueueError) as err:
        engine.call_specific(1, display="9999")
    assert (err.value.status, err.value.code) == (404, "unknown_ticket")
    with pytest.raises(QueueError) as err:
        engine.call_specific(2, display=t1)  # being served at counter 1
    assert (err.value.status, err.value.code) == (409, "not_callable")
    assert called(engine.call_next(2)) == t2


def test_a_display_shared_by_two_services_needs_the_service(make_engine: Callable[..., QueueEngine]) -> None:
    data = small_site()
    data["services"][1]["prefix"] = ""
    engine = make_engine(data)
    issue(engine, "B"), issue(engine, "C")  # both "001"
    with pytest.raises(QueueError) as err:
        engine.call_specific(3, display="001")
    assert (err.value.status, err.value.code) == (422, "ambiguous_ticket")
    changes = engine.call_specific(3, display="001", service="C")
    assert changes[-1].ticket is not None and changes[-1].ticket.service == "C"


def test_unknown_counters_are_refused(engine: QueueEngine) -> None:
    for act in (lambda: engine.call_next(99), lambda: engine.pause(99), lambda: engine.recall(99)):
        with pytest.raises(QueueError) as err:
            act()
        assert (err.value.status, err.value.code) == (404, "unknown_counter")
