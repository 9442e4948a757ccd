"""The board's state built from a real hub's snapshot and live events, through network breaks."""
from __future__ import annotations

import threading
from typing import Any

from support import RunningHub, as_json, small_site, wait_until

from counter_display.state import BoardState
from sync.client import HubEvent
from ui.feed import FeedState, HubFeed


class Recorder:
    """Feeds a BoardState the way the board does (on the feed thread, under a lock)."""

    def __init__(self, state: BoardState) -> None:
        self.state = state
        self.lock = threading.Lock()
        self.calls: list = []
        self.states: list[bool] = []
        self.snapshots = 0

    def snapshot(self, site: dict, board: dict) -> None:
        with self.lock:
            self.state.load_site(site)
            self.state.load_board(board)
            self.snapshots += 1

    def event(self, ev: HubEvent) -> None:
        with self.lock:
            self.calls.extend(self.state.apply(ev.seq, ev.type, ev.data))


def start_feed(hub: RunningHub, state: BoardState) -> tuple[HubFeed, Recorder]:
    rec = Recorder(state)
    feed = HubFeed(hub.client("board"), on_snapshot=rec.snapshot, on_event=rec.event, on_state=rec.states.append,
                   max_backoff=0.2).start()
    wait_until(lambda: rec.snapshots == 1 and feed.state == FeedState.ONLINE)
    return feed, rec


def assert_matches_hub(state: BoardState, hub_board: Any) -> None:
    board = as_json(hub_board)
    assert state.last_seq == board["last_seq"]
    assert {k: v for k, v in state.waiting.items() if v} == {k: v for k, v in board["waiting"].items() if v}
    for c in board["counters"]:
        view = state.counters[c["number"]]
        assert view.state == c["state"], c
        assert view.current == (c["current"]["display"] if c["current"] else None), c
        assert view.served == c["served"]
    assert [(r.display, r.counter, r.recall) for r in state.recent[:20]] == \
           [(r["display"], r["counter"], bool(r.get("recall"))) for r in board["recent_calls"]]


def test_snapshot_then_events_match_the_hub(hub: RunningHub) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    for _ in range(4):
        k.issue("A")
    k.issue("B")
    c.call_next(1)  # state before the board starts comes from the snapshot
    state = BoardState()
    feed, rec = start_feed(hub, state)
    try:
        c.call_next(2)
        c.recall(2)
        c.pause(3)
        c.skip(1)
        t = k.issue("C")
        c.resume(3)
        c.call_next(3)  # ordered: B first
        c.transfer(3, "A")
        c.call_next(1)
        c.complete(2)
        c.call(3, display=t.display)  # counter 3 serves C (a counter calls only its own services)
        last = hub.hub.events.last_seq
        wait_until(lambda: state.last_seq >= last)
        with rec.lock:
            assert_matches_hub(state, c.board())
            assert [(x.display, x.counter, x.recall) for x in rec.calls][:2] == [("1002", 2, False), ("1002", 2, True)]
            assert state.site_name == "Trung tâm thử nghiệm" and state.services["B"] == "Tư pháp - Hộ tịch"
    finally:
        feed.stop()


def test_reconnect_in_the_middle_of_a_burst_of_200_calls(hub: RunningHub) -> None:
    """The hub goes away after 100 calls and comes back: every call reaches the board exactly once."""
    k, c = hub.client("kiosk"), hub.client("counter")
    for _ in range(200):
        k.issue("A")
    state = BoardState()
    feed, rec = start_feed(hub, state)
    try:
        for i in range(100):
            c.call_next(1 + i % 3)
        hub.stop()  # the network breaks mid-burst
        wait_until(lambda: rec.states and rec.states[-1] is False)
        assert feed.state == FeedState.OFFLINE
        hub.start()
        c = hub.client("counter")
        for i in range(100, 200):
            c.call_next(1 + i % 3)
        last = hub.hub.events.last_seq
        wait_until(lambda: state.last_seq >= last)
        assert feed.state == FeedState.ONLINE
        import sqlite3

        con = sqlite3.connect(hub.db)
        called = [r[0] for r in con.execute("SELECT seq FROM events WHERE type = 'ticket.called' ORDER BY seq")]
        con.close()
        with rec.lock:
            assert len(rec.calls) == 200
            assert [x.seq for x in rec.calls] == called  # none missed, none doubled, in order
            assert len({x.ticket_id for x in rec.calls}) == 200
            assert [x.display for x in rec.calls] == [str(1001 + i) for i in range(200)]
            assert_matches_hub(state, c.board())
        assert rec.snapshots == 1 and feed._sub.reconnects >= 1
        assert rec.states.count(False) >= 1 and rec.states[-1] is True
    finally:
        feed.stop()


def test_a_floor_board_shows_only_its_services_and_counters(make_hub) -> None:
    h = make_hub(small_site())
    k, c = h.client("kiosk"), h.client("counter")
    k.issue("A")
    k.issue("B")
    k.issue("C")
    state = BoardState(only_services=["C"])
    feed, rec = start_feed(h, state)
    try:
        assert state.visible_counters() == [3] and state.visible_services() == ["C"]
        c.call_next(2)  # A at counter 2: not this floor
        c.call_next(3)  # B at counter 3 (counter 3 serves C, so it is on this board)
        c.call_next(1)
        wait_until(lambda: state.last_seq >= h.hub.events.last_seq)
        with rec.lock:
            assert [(x.display, x.counter) for x in rec.calls] == [("B001", 3)]
    finally:
        feed.stop()
    only = BoardState(only_counters=[1])
    only.load_site(c.site())
    assert only.visible_counters() == [1] and only.visible_services() == ["A", "B"]


def test_offline_cache_round_trip(hub: RunningHub, tmp_path) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    k.issue("A")
    c.call_next(1)
    s = BoardState()
    s.load_site(c.site())
    s.load_board(c.board())
    s.save(tmp_path / "board.json")
    t = BoardState()
    assert t.load_cache(tmp_path / "board.json")
    assert t.recent[0].display == "1001" and t.counters[1].current == "1001" and t.last_seq == 0
    assert not BoardState().load_cache(tmp_path / "missing.json")
