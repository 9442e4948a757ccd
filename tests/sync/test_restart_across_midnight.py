"""A hub stopped in the evening and started the next morning rolls the day over at start, as it does live:
yesterday's open tickets expire and the devices hear day.started (a board kept yesterday's numbers)."""
from __future__ import annotations

import threading

from support import RunningHub, as_json, local

from motcua.clock import ManualClock


def test_a_hub_started_after_midnight_rolls_the_day_over(hub: RunningHub, clock: ManualClock) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    waiting = k.issue("A")
    called = k.issue("A")
    k.issue("B")
    assert c.call_next(1).id == waiting.id
    board = hub.client("board")
    seen = board.board().last_seq
    hub.stop()
    clock.set(local(2026, 11, 27, 7, 45))  # Friday morning
    hub.start()
    board = hub.client("board")
    events = []
    stop = threading.Event()
    timer = threading.Timer(15, stop.set)  # without the rollover no event comes: fail, do not hang
    timer.start()
    for ev in board.events(last_event_id=seen, stop=stop, read_timeout=3):
        events.append(ev)
        if ev.type == "day.started":
            break
    timer.cancel()
    assert [e.type for e in events] == ["day.started"]
    assert events[0].data["day"] == "2026-11-27" and events[0].data["previous_day"] == "2026-11-26"
    assert events[0].data["expired"] == 3
    admin = hub.client("admin")
    assert {admin.ticket(t.id).status for t in (waiting, called)} == {"expired"}
    state = as_json(board.board())
    assert state["day"] == "2026-11-27" and all(x.get("current") is None for x in state["counters"])
    assert sum(state["waiting"].values()) == 0
    assert k.issue("A").display == "1001"  # numbering starts again
    # a second start on the same day rolls nothing over
    before = hub.client("board").board().last_seq
    hub.stop()
    hub.start()
    after = as_json(hub.client("board").board())
    assert after["last_seq"] == before and after["day"] == "2026-11-27" and sum(after["waiting"].values()) == 1
