"""Queue policy, each rule through a real hub over HTTP on 127.0.0.1 with a real SQLite file."""
from __future__ import annotations

import pytest
from support import RunningHub, as_json, local, small_site

from motcua.clock import ManualClock
from sync.client import HubError


def displays(tickets):
    return [t.display if t else None for t in tickets]


def test_numbering_per_service_and_display(hub: RunningHub, clock: ManualClock) -> None:
    k = hub.client("kiosk")
    a1, b1, a2, b2 = k.issue("A"), k.issue("B"), k.issue("A"), k.issue("B")
    assert (a1.number, a2.number) == (1001, 1002)
    assert (b1.display, b2.display) == ("B001", "B002")
    assert a1.status == "waiting" and a1.tracking_url == f"http://hub.test/t/{a1.id}"
    assert a1.issued_at.startswith("2026-11-26T09:00:00") and a1.issued_at.endswith("+07:00")
    assert hub.client("board").ticket(a2.id).number == 1002


def test_priority_first_then_issue_time(hub: RunningHub, clock: ManualClock) -> None:
    k = hub.client("kiosk")
    w1 = k.issue("A")
    clock.advance(10)
    w2 = k.issue("A")
    clock.advance(10)
    p1 = k.issue("A", priority="elderly")
    assert p1.position == 1 and w1.position == 1  # the priority ticket goes to the front
    assert hub.client().ticket(w1.id).position == 2
    c = hub.client("counter")
    assert displays([c.call_next(2), c.call_next(2), c.call_next(2)]) == [p1.display, w1.display, w2.display]
    assert c.call_next(2) is None  # 204: nobody waits


def test_at_most_k_priority_in_a_row_while_walk_ins_wait(hub: RunningHub, clock: ManualClock) -> None:
    # max_priority_streak = 2 in small_site()
    k = hub.client("kiosk")
    walk = [k.issue("A") for _ in range(2)]
    clock.advance(5)
    prio = [k.issue("A", priority=p) for p in ("elderly", "pregnant", "disability", "merit", "elderly")]
    c = hub.client("counter")
    order = displays([c.call_next(2) for _ in range(7)])
    assert order == [prio[0].display, prio[1].display, walk[0].display,
                     prio[2].display, prio[3].display, walk[1].display, prio[4].display]


def test_priority_streak_does_not_hold_back_when_no_walk_in_waits(hub: RunningHub) -> None:
    k = hub.client("kiosk")
    prio = [k.issue("A", priority="elderly") for _ in range(4)]
    c = hub.client("counter")
    assert displays([c.call_next(2) for _ in range(4)]) == displays(prio)


def test_service_weights(make_hub, clock: ManualClock) -> None:
    data = small_site()
    data["services"][1]["weight"] = 3.0  # B counts triple
    h = make_hub(data)
    k = h.client("kiosk")
    a = k.issue("A")
    clock.advance(60)
    b = k.issue("B")
    clock.advance(20)
    # A waited 80 s (score 80), B 20 s x 3 = 60: A first.
    c = h.client("counter")
    assert c.call_next(1).display == a.display
    a2 = k.issue("A")
    clock.advance(100)
    # A2 waited 100 s (score 100), B 120 s x 3 = 360: B.
    assert c.call_next(1).display == b.display
    a3 = k.issue("A")
    clock.advance(30)
    b3 = k.issue("B")
    clock.advance(40)
    # Waiting: A2 170 s (170), A3 70 s (70), B3 40 s x 3 = 120: A2, then B3 before the older A3.
    assert displays([c.call_next(1), c.call_next(1), c.call_next(1)]) == [a2.display, b3.display, a3.display]


def test_ordered_counter_serves_its_services_in_order(hub: RunningHub, clock: ManualClock) -> None:
    k = hub.client("kiosk")
    a = k.issue("A")
    clock.advance(60)
    b = k.issue("B")
    c = hub.client("counter")
    # Counter 3 is "ordered" [B, A, C]: B first although A is older.
    assert c.call_next(3).display == b.display
    assert c.call_next(3).display == a.display


def test_recall_skip_bring_back_and_restore(hub: RunningHub, clock: ManualClock) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    t1, t2, t3 = k.issue("A"), k.issue("A"), k.issue("A")
    called = c.call_next(2)
    assert called.id == t1.id and called.counter == 2 and called.status == "called"
    again = c.recall(2)
    assert again.id == t1.id and again.status == "called" and again.recalls == 1
    skipped = c.skip(2)
    assert skipped.status == "skipped"
    with pytest.raises(HubError) as err:
        c.recall(2)
    assert err.value.status == 409 and err.value.code == "no_current_ticket"
    # The counter brings the skipped ticket back out of order (the citizen came back).
    back = c.call(2, display=t1.display)
    assert back.id == t1.id and back.status == "called"
    c.skip(2)
    # ...or puts it back in the queue at its original place: ahead of t2 and t3.
    restored = c.restore(2, ticket=t1.id)
    assert restored.status == "waiting" and restored.position == 1
    assert displays([c.call_next(2), c.call_next(2), c.call_next(2)]) == [t1.display, t2.display, t3.display]


def test_transfer_keeps_issue_time(hub: RunningHub, clock: ManualClock) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    a = k.issue("A")
    clock.advance(60)
    b1 = k.issue("B")
    clock.advance(60)
    assert c.call_next(2).id == a.id
    moved = c.transfer(2, "B")
    assert moved.service == "B" and moved.status == "waiting" and moved.issued_at == a.issued_at
    assert moved.display == a.display  # the citizen keeps the number on the paper
    assert moved.position == 1  # older than b1: ahead of it
    assert displays([c.call_next(3), c.call_next(3)]) == [a.display, b1.display]
    with pytest.raises(HubError) as err:
        c.transfer(3, "NOPE")
    assert err.value.status == 404


def test_complete_and_next_completes_the_current(hub: RunningHub, clock: ManualClock) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    t1, t2 = k.issue("A"), k.issue("A")
    c.call_next(2)
    clock.advance(120)
    c.call_next(2)  # completes t1
    assert hub.client().ticket(t1.id).status == "done"
    clock.advance(60)
    done = c.complete(2)
    assert done.id == t2.id and done.status == "done"
    assert c.counter(2).served == 2
    with pytest.raises(HubError):
        c.complete(2)


def test_pause_and_resume(hub: RunningHub) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    t = k.issue("A")
    assert c.pause(2).state == "paused"
    with pytest.raises(HubError) as err:
        c.call_next(2)
    assert err.value.code == "counter_paused"
    with pytest.raises(HubError):
        c.pause(2)
    assert c.resume(2).state == "open"
    assert c.call_next(2).id == t.id
    with pytest.raises(HubError) as err:
        c.resume(2)
    assert err.value.code == "counter_not_paused"


def test_call_a_specific_ticket_out_of_order(hub: RunningHub) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    t1, t2, t3 = k.issue("A"), k.issue("A"), k.issue("A")
    assert c.call(1, display=t3.display).id == t3.id
    assert c.call_next(1).id == t1.id
    assert hub.client().ticket(t3.id).status == "done"
    with pytest.raises(HubError) as err:
        c.call(1, display="9999")
    assert err.value.status == 404
    with pytest.raises(HubError) as err:
        c.call(2, ticket=t1.id)  # being served at counter 1
    assert err.value.status == 409
    assert c.call_next(2).id == t2.id


def test_position_and_estimated_wait_from_observed_times(hub: RunningHub, clock: ManualClock) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    ts = [k.issue("A") for _ in range(5)]
    # Before any counter opens: all 3 counters serving A count; configured average 300 s.
    assert [t.position for t in ts] == [1, 2, 3, 4, 5]
    assert ts[3].estimated_wait_s == round(3 * 300 / 3)
    c.call_next(2)  # counter 2 opens: now the only open counter for A
    clock.advance(600)
    c.complete(2)  # observed 600 s: the first observation replaces the configured average
    t = hub.client().ticket(ts[4].id)
    assert t.position == 4 and t.ahead == 3
    assert t.estimated_wait_s == 3 * 600
    c.call_next(1)  # a second counter opens
    t = hub.client().ticket(ts[4].id)
    assert t.position == 3 and t.estimated_wait_s == round(2 * 600 / 2)


def test_quota_and_opening_hours_for_kiosks(hub: RunningHub, clock: ManualClock) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    for _ in range(3):
        k.issue("C")  # daily_quota = 3
    with pytest.raises(HubError) as err:
        k.issue("C")
    assert err.value.status == 409 and err.value.code == "quota_reached"
    assert "hết số" in err.value.message
    assert c.issue("C").number == 4  # a clerk may still give a number
    clock.set(local(2026, 11, 26, 17, 30))
    with pytest.raises(HubError) as err:
        k.issue("A")
    assert err.value.code == "closed"
    clock.set(local(2026, 11, 29, 9, 0))  # Sunday
    with pytest.raises(HubError) as err:
        k.issue("A")
    assert err.value.code == "closed"
    site = as_json(hub.client("kiosk").site())
    assert site["issuing_open"] is False


def test_numbers_run_out_instead_of_repeating(make_hub) -> None:
    data = small_site()
    data["services"][1]["first_number"] = 998
    h = make_hub(data)
    k = h.client("kiosk")
    assert [k.issue("B").display for _ in range(2)] == ["B998", "B999"]
    with pytest.raises(HubError) as err:
        k.issue("B")
    assert err.value.code == "numbers_exhausted"


def test_midnight_rollover(hub: RunningHub, clock: ManualClock) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    clock.set(local(2026, 11, 26, 16, 40))
    t1, t2 = k.issue("A"), k.issue("A")
    c.call_next(2)
    clock.set(local(2026, 11, 26, 23, 59, 59))
    assert c.issue("A").number == 1003  # still the same day
    clock.set(local(2026, 11, 27, 0, 0, 1))
    fresh = c.issue("A")
    assert fresh.number == 1001 and fresh.issued_at.startswith("2026-11-27")
    assert hub.client().ticket(t1.id).status == "expired"
    assert hub.client().ticket(t2.id).status == "expired"
    board = as_json(hub.client("board").board())
    assert board["day"] == "2026-11-27" and board["waiting"]["A"] == 1
    assert all(x["current"] is None for x in board["counters"])
    # The rollover survives a restart: numbering goes on from the database.
    hub.restart()
    assert c.issue("A").number == 1002


def test_display_numbers_that_repeat_across_services_need_the_service(make_hub) -> None:
    data = small_site()
    data["services"][1]["prefix"] = ""
    data["services"][2]["first_number"] = 1
    h = make_hub(data)
    k, c = h.client("kiosk"), h.client("counter")
    k.issue("B"), k.issue("C")  # both "001"
    with pytest.raises(HubError) as err:
        c.call(3, display="001")
    assert err.value.code == "ambiguous_ticket"
    assert c.call(3, display="001", service="C").service == "C"


def test_device_faults_are_events_and_survive_a_restart(hub: RunningHub) -> None:
    k = hub.client("kiosk")
    k.report_device("paper_out", message="Máy in hết giấy")
    faults = as_json(hub.client("counter").device_faults())
    assert faults[0]["device"] == "test kiosk" and faults[0]["fault"] == "paper_out"
    assert hub.client("board").board().device_faults[0].message == "Máy in hết giấy"
    hub.restart()
    k = hub.client("kiosk")
    assert as_json(hub.client("counter").device_faults())[0]["fault"] == "paper_out"
    k.report_device(None)
    assert as_json(hub.client("counter").device_faults()) == []
    types = [r[0] for r in __import__("sqlite3").connect(hub.db).execute("SELECT type FROM events ORDER BY seq")]
    assert types == ["device.fault", "device.ok"]
    with pytest.raises(HubError) as err:
        k.report_device("on_fire")
    assert err.value.status == 422


def test_a_retried_issue_with_the_same_request_id_gets_the_same_ticket(hub: RunningHub) -> None:
    k = hub.client("kiosk")
    first = k.issue("A", request_id="touch-0001-abcd")
    again = k.issue("A", request_id="touch-0001-abcd")
    other = k.issue("A", request_id="touch-0002-abcd")
    assert again.id == first.id and other.number == first.number + 1
    with pytest.raises(HubError) as err:
        k.issue("B", request_id="touch-0001-abcd")
    assert err.value.status == 422


def test_counter_state_and_served_count_survive_a_restart(hub: RunningHub, clock: ManualClock) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    for _ in range(4):
        k.issue("A")
    c.call_next(2)
    c.call_next(2)
    c.call_next(2)  # two served, one being served
    c.pause(1)
    hub.restart()
    c = hub.client("counter")
    assert c.counter(2).served == 2 and c.counter(2).current.display == "1003"
    assert c.counter(1).state == "paused"
    assert c.call_next(2).display == "1004"
    assert c.counter(2).served == 3
