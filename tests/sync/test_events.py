"""Live events: every call, recall, transfer and completion is an SSE event; a reconnecting
subscriber receives every event it missed, exactly once."""
from __future__ import annotations

import socket
import threading
import time

import orjson
from support import RunningHub, wait_until

from motcua.clock import ManualClock
from sync.client import HubEvent, parse_sse_frame


def raw_events(hub: RunningHub, *, last_id: int | None, until_seq: int, timeout: float = 10.0) -> list[HubEvent]:
    """Open /events with a raw socket (Last-Event-ID as given) and read until seq `until_seq`."""
    s = socket.create_connection(("127.0.0.1", hub.port), timeout=timeout)
    head = (f"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {hub.tokens['board']}\r\n"
            + (f"Last-Event-ID: {last_id}\r\n" if last_id is not None else "") + "\r\n")
    s.sendall(head.encode())
    buf = b""
    events: list[HubEvent] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        if b"\r\n\r\n" in buf and not buf.startswith(b"HTTP/1.1 200"):
            raise AssertionError(buf[:200])
        body = buf.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in buf else b""
        # chunked transfer encoding: strip chunk-size lines by parsing frames loosely
        frames = dechunk(body).split(b"\n\n")
        events = [e for e in (parse_sse_frame(f) for f in frames[:-1]) if e is not None]
        if events and events[-1].seq >= until_seq:
            break
    s.close()
    return events


def dechunk(body: bytes) -> bytes:
    out = b""
    while body:
        line, sep, rest = body.partition(b"\r\n")
        if not sep:
            break
        size = int(line, 16)
        if len(rest) < size + 2:
            out += rest[:size]
            break
        out += rest[:size]
        body = rest[size + 2:]
    return out


def test_each_action_is_an_event_with_the_ticket(hub: RunningHub, clock: ManualClock) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    t = k.issue("A")
    c.call_next(2)
    c.recall(2)
    c.transfer(2, "B")
    c.call_next(1)
    c.complete(1)
    last = hub.hub.events.last_seq
    events = raw_events(hub, last_id=0, until_seq=last)
    types = [e.type for e in events]
    assert types == ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.transferred",
                     "ticket.called", "ticket.completed"]
    assert [e.seq for e in events] == list(range(1, last + 1))
    for e in events:
        assert e.data["ticket"]["id"] == t.id
        assert e.data["ticket"]["display"] == t.display
        assert e.data["type"] == e.type and len(e.data["id"]) == 36
    assert events[1].data["counter"] == 2 and events[1].data["ticket"]["status"] == "called"
    assert events[3].data["to_service"] == "B"
    assert events[5].data["ticket"]["status"] == "done"


def test_reconnect_with_last_event_id_replays_missed_events_once(hub: RunningHub) -> None:
    k = hub.client("kiosk")
    first = [k.issue("A") for _ in range(5)]
    seen = raw_events(hub, last_id=0, until_seq=5)
    assert [e.data["ticket"]["id"] for e in seen] == [t.id for t in first]
    missed = [k.issue("B") for _ in range(7)]
    replay = raw_events(hub, last_id=seen[-1].seq, until_seq=12)
    assert [e.seq for e in replay] == list(range(6, 13))
    assert [e.data["ticket"]["id"] for e in replay] == [t.id for t in missed]


def test_replay_older_than_memory_pages_through_the_log(make_hub) -> None:
    h = make_hub(keep_events=10)
    k = h.client("counter")
    ids = [k.issue("A").id for _ in range(40)]
    events = raw_events(h, last_id=3, until_seq=40)
    assert [e.seq for e in events] == list(range(4, 41))
    assert [e.data["ticket"]["id"] for e in events] == ids[3:]
    # And after a restart (memory empty), from the database.
    h.restart()
    events = raw_events(h, last_id=30, until_seq=40)
    assert [e.seq for e in events] == list(range(31, 41))


def test_client_subscription_survives_a_hub_restart_without_loss_or_duplicates(hub: RunningHub) -> None:
    k = hub.client("counter")
    got: list[HubEvent] = []
    states: list[bool] = []
    sub = hub.client("board").events(last_event_id=0, on_state=states.append, max_backoff=0.2)

    def run() -> None:
        for ev in sub:
            got.append(ev)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    for _ in range(20):
        k.issue("A")
    wait_until(lambda: len(got) >= 20)
    hub.stop()  # the network breaks / the hub restarts
    wait_until(lambda: states and states[-1] is False)
    hub.start()
    k = hub.client("counter")
    for _ in range(30):
        k.issue("B")
    for _ in range(10):
        k.call_next(1)
    last = hub.hub.events.last_seq
    assert last == 20 + 30 + 1 + 9 * 2  # each call after the first also completes the previous ticket
    wait_until(lambda: len(got) >= last)
    sub.close()
    th.join(5)
    assert not th.is_alive()
    assert [e.seq for e in got] == list(range(1, last + 1))
    assert states[0] is True and False in states and states.count(True) >= 2
    assert sub.reconnects >= 1


def test_heartbeat_comments_keep_the_stream_alive(make_hub) -> None:
    h = make_hub(heartbeat_s=0.1)
    s = socket.create_connection(("127.0.0.1", h.port), timeout=5)
    s.sendall(f"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {h.tokens['board']}\r\n\r\n".encode())
    buf = b""
    deadline = time.monotonic() + 5
    while b": ping" not in buf and time.monotonic() < deadline:
        buf += s.recv(4096)
    s.close()
    assert b"text/event-stream" in buf and b": ping" in buf


def test_bad_last_event_id_is_a_4xx(hub: RunningHub) -> None:
    import requests

    r = requests.get(hub.url + "/api/v1/events", headers={"Authorization": f"Bearer {hub.tokens['board']}",
                                                           "Last-Event-ID": "abc"}, timeout=5)
    assert r.status_code == 400 and orjson.loads(r.content)["error"]["code"] == "invalid_last_event_id"
