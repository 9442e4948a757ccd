"""The fast path (sync.hub.fastpath) answers POST /tickets and POST /counters/{n}/next exactly like the
documented FastAPI routes it shadows: same status, same headers (all but Date), same body bytes, for the
same requests on the same state — successes, 204, and every kind of refusal."""
from __future__ import annotations

import itertools
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support import RunningHub

from motcua import ids
from motcua.clock import ManualClock

Request = tuple[str, str, str | None, bytes | None, dict[str, str]]
"""(method, path, token role or a literal token, body, extra headers)."""

CASES: list[tuple[str, Request]] = [
    ("nobody waits: 204", ("POST", "/api/v1/counters/2/next", "counter", None, {})),
    ("issue", ("POST", "/api/v1/tickets", "kiosk", b'{"service": "A"}', {})),
    ("issue with priority", ("POST", "/api/v1/tickets", "kiosk", b'{"service": "B", "priority": "elderly"}', {})),
    ("issue with a request id", ("POST", "/api/v1/tickets", "admin",
                                 b'{"service": "A", "request_id": "abcdefgh-1", "channel": "web"}', {})),
    ("the same request id again", ("POST", "/api/v1/tickets", "admin",
                                   b'{"service": "A", "request_id": "abcdefgh-1", "channel": "web"}', {})),
    ("unknown service", ("POST", "/api/v1/tickets", "kiosk", b'{"service": "ZZ"}', {})),
    ("unknown priority", ("POST", "/api/v1/tickets", "kiosk", b'{"service": "A", "priority": "vip"}', {})),
    ("missing service", ("POST", "/api/v1/tickets", "kiosk", b'{}', {})),
    ("service not a string", ("POST", "/api/v1/tickets", "kiosk", b'{"service": 5}', {})),
    ("an unknown field", ("POST", "/api/v1/tickets", "kiosk", b'{"service": "A", "colour": "red"}', {})),
    ("bad channel", ("POST", "/api/v1/tickets", "kiosk", b'{"service": "A", "channel": "fax"}', {})),
    ("not JSON", ("POST", "/api/v1/tickets", "kiosk", b'{"service": ', {})),
    ("a JSON list", ("POST", "/api/v1/tickets", "kiosk", b'["A"]', {})),
    ("empty body", ("POST", "/api/v1/tickets", "kiosk", b"", {})),
    ("no token", ("POST", "/api/v1/tickets", None, b'{"service": "A"}', {})),
    ("a wrong token", ("POST", "/api/v1/tickets", "!not-a-token", b'{"service": "A"}', {})),
    ("a board may not issue", ("POST", "/api/v1/tickets", "board", b'{"service": "A"}', {})),
    ("too large (declared)", ("POST", "/api/v1/tickets", "kiosk", b'{"service": "A", "x": "' + b"y" * 70_000 + b'"}',
                              {})),
    ("call next", ("POST", "/api/v1/counters/1/next", "counter", None, {})),
    ("call next again (the first is completed)", ("POST", "/api/v1/counters/1/next", "counter", None, {})),
    ("call next with a body", ("POST", "/api/v1/counters/3/next", "counter", b'{"ignored": true}', {})),
    ("call next of an unknown counter", ("POST", "/api/v1/counters/99/next", "counter", None, {})),
    ("a kiosk may not call", ("POST", "/api/v1/counters/1/next", "kiosk", None, {})),
    ("call next without a token", ("POST", "/api/v1/counters/1/next", None, None, {})),
    ("a board may not call", ("POST", "/api/v1/counters/2/next", "board", None, {})),
]


def _exchange(port: int, raw: bytes) -> tuple[bytes, list[tuple[bytes, bytes]], bytes]:
    """Send one HTTP/1.1 request on a new connection; (status line, headers but Date, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            assert chunk, "connection closed before the head"
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status, *lines = head.split(b"\r\n")
        headers = [(k.strip().lower(), v.strip()) for k, _, v in (line.partition(b":") for line in lines)]
        length = next((int(v) for k, v in headers if k == b"content-length"), 0)
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
    return status, [(k, v) for k, v in headers if k != b"date"], body


def _raw(hub: RunningHub, req: Request) -> bytes:
    method, path, who, body, extra = req
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if who is not None:
        lines.append(f"Authorization: Bearer {hub.tokens.get(who, who)}")
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


@pytest.fixture
def same_ids(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Ticket ids from a sequence that can be started again, so that two hubs make the same ones."""
    counter: Iterator[int] = iter(())

    def restart() -> None:
        nonlocal counter
        counter = itertools.count(1)

    restart()
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))
    monkeypatch.setattr(ids, "new_uuid", lambda: str(uuid.UUID(int=next(counter))))  # tickets' ids
    monkeypatch.setattr(ids, "new_time_uuid", lambda: str(uuid.UUID(int=next(counter))))  # events' (and segments') ids
    yield restart


def _run(hub: RunningHub, clock: ManualClock, start: float) -> list[tuple[str, Any]]:
    clock.set(start)
    out = []
    for name, req in CASES:
        out.append((name, _exchange(hub.port or 0, _raw(hub, req))))
        if name == "call next":
            hub.client("counter").complete(1)
    return out


def test_fast_path_answers_like_the_documented_routes(make_hub: Callable[..., RunningHub], clock: ManualClock,
                                                       same_ids: Callable[[], None]) -> None:
    start = clock.time()
    fast = make_hub(fast_path=True)
    routed = make_hub(fast_path=False)
    same_ids()
    by_fast = _run(fast, clock, start)
    same_ids()
    by_route = _run(routed, clock, start)
    differ = [f"{name}: the fast path answered\n{a}\nthe route answered\n{b}"
              for (name, a), (_, b) in zip(by_fast, by_route, strict=True) if a != b]
    assert not differ, "\n\n".join(differ)
    statuses = {name: a[0].split(b" ")[1] for name, a in by_fast}
    # The cases cover what they say they cover (a case that stopped reaching its branch would prove nothing).
    assert statuses["nobody waits: 204"] == b"204" and statuses["issue"] == b"201"
    assert statuses["the same request id again"] == b"201" and statuses["call next"] == b"200"
    assert {statuses[n] for n in ("missing service", "an unknown field", "empty body", "a JSON list")} == {b"422"}
    assert statuses["not JSON"] == b"400"
    assert statuses["no token"] == b"401" and statuses["a board may not issue"] == b"403"
    assert statuses["too large (declared)"] == b"413" and statuses["call next of an unknown counter"] == b"404"
    issued = dict(by_fast)["issue"][2]
    assert issued.startswith(b'{"id":"00000000-0000-0000-0000-') and b'"display":"1001"' in issued
