"""Device tokens on a running hub, over real HTTP: revocation within a second (also of open event streams),
expiry, rotation, counter scope, failed authentications logged and rate-limited per address, and the
limit of event streams per token."""
from __future__ import annotations

import logging
import socket
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests
from support import RunningHub, small_site, toml_text, wait_until

from motcua.clock import VIETNAM_TZ
from sync.hub_cli import parse_expiry, token_main
from sync.store import create_token, list_tokens, rotate_token

API = "/api/v1"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error_of(r: requests.Response) -> str:
    body = r.json()
    assert set(body) == {"error"} and body["error"]["message"]
    return str(body["error"]["code"])


def token_id(db: Path, name: str) -> str:
    return next(t["id"] for t in list_tokens(db) if t["name"] == name and not t.get("revoked_at"))


def open_stream(hub: RunningHub, token: str, *, source: str = "127.0.0.1") -> tuple[socket.socket, bytes]:
    """A raw SSE request; returns the socket and the answer's head (status line and headers)."""
    s = socket.create_connection(("127.0.0.1", hub.server.port), timeout=5, source_address=(source, 0))
    s.sendall(f"GET {API}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
    return s, head


def stream_ended(s: socket.socket, timeout: float) -> float | None:
    """Read until the server ends the stream; how long it took, or None if it did not within timeout."""
    t0 = time.monotonic()
    s.settimeout(0.05)
    while time.monotonic() - t0 < timeout:
        try:
            chunk = s.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return time.monotonic() - t0
        if not chunk or chunk.endswith(b"0\r\n\r\n"):  # closed, or the last chunk of the chunked body
            return time.monotonic() - t0
    return None


def test_revoked_token_is_refused_within_a_second(hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    token = create_token(hub.db, role="board", name="TV sảnh 2")
    assert requests.get(hub.url + f"{API}/board", headers=auth(token), timeout=5).status_code == 200
    stream, head = open_stream(hub, token)
    assert b" 200 " in head.split(b"\r\n")[0]
    # The command an operator runs, writing the database beside the running hub.
    assert token_main(["revoke", "--db", str(hub.db), token_id(hub.db, "TV sảnh 2")]) == 0
    revoked_at = time.monotonic()
    assert "revoked 1" in capsys.readouterr().out
    refused = None
    while time.monotonic() - revoked_at < 1.0:
        r = requests.get(hub.url + f"{API}/board", headers=auth(token), timeout=5)
        if r.status_code == 401:
            refused = time.monotonic() - revoked_at
            assert error_of(r) == "revoked"
            break
        time.sleep(0.02)
    assert refused is not None and refused < 1.0, "the revoked token still worked a second later"
    # Its open event stream ends too, and the other devices' tokens keep working.
    ended = stream_ended(stream, 1.5)
    assert ended is not None, "the revoked token's event stream stayed open"
    stream.close()
    assert requests.get(hub.url + f"{API}/board", headers=auth(hub.tokens["board"]), timeout=5).status_code == 200


def test_a_revocation_id_must_name_a_token(hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    # An empty or short id used to match every token (LIKE 'x%').
    for bad in ("", "a", "%", "0123"):
        assert token_main(["revoke", "--db", str(hub.db), bad]) == 2
    assert "expected the id" in capsys.readouterr().err
    assert requests.get(hub.url + f"{API}/board", headers=auth(hub.tokens["board"]), timeout=5).status_code == 200


def test_expired_token_is_refused_and_its_stream_ends(hub: RunningHub) -> None:
    token = create_token(hub.db, role="board", name="TV tạm", expires_at=hub.clock.time() + 3600)
    assert requests.get(hub.url + f"{API}/site", headers=auth(token), timeout=5).status_code == 200
    stream, head = open_stream(hub, token)
    assert b" 200 " in head.split(b"\r\n")[0]
    hub.clock.advance(3599)
    assert requests.get(hub.url + f"{API}/site", headers=auth(token), timeout=5).status_code == 200
    hub.clock.advance(1)
    r = requests.get(hub.url + f"{API}/site", headers=auth(token), timeout=5)
    assert r.status_code == 401 and error_of(r) == "token_expired"
    r = requests.post(hub.url + f"{API}/tickets", json={"service": "A"}, headers=auth(token), timeout=5)  # the fast path
    assert r.status_code == 401 and error_of(r) == "token_expired"
    assert stream_ended(stream, 1.5) is not None
    stream.close()


def test_token_create_expires(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.db"
    now = time.time()
    assert parse_expiry("90d", now=now) == now + 90 * 86400
    assert parse_expiry("12h", now=now) == now + 12 * 3600
    assert parse_expiry("2099-06-30", now=now) == datetime(2099, 6, 30, tzinfo=VIETNAM_TZ).timestamp()
    assert parse_expiry("2099-06-30T17:00+00:00", now=now) == datetime.fromisoformat("2099-06-30T17:00+00:00").timestamp()
    for bad in ("2001-01-01", "soon", "-5d", "90"):
        with pytest.raises(ValueError):
            parse_expiry(bad, now=now)
    assert token_main(["create", "--db", str(db), "--create", "--role", "kiosk", "--name", "Ki-ốt thử", "--expires", "90d"]) == 0
    out = capsys.readouterr().out
    assert "hết hạn / expires" in out and out.split()[-1].startswith("kiosk_")
    (row,) = list_tokens(db)
    assert abs(row["expires_at"] - (time.time() + 90 * 86400)) < 60
    with pytest.raises(SystemExit):
        token_main(["create", "--db", str(db), "--role", "kiosk", "--name", "x", "--expires", "yesterday"])
    assert token_main(["list", "--db", str(db)]) == 0
    assert "active" in capsys.readouterr().out


def test_rotate_keeps_the_device_and_stops_the_old_secret(hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    old = create_token(hub.db, role="counter", name="Quầy 1", counter=1)
    assert requests.post(hub.url + f"{API}/counters/1/next", headers=auth(old), timeout=5).status_code == 204
    assert token_main(["rotate", "--db", str(hub.db), token_id(hub.db, "Quầy 1")]) == 0
    rotated_at = time.monotonic()
    out = capsys.readouterr().out
    new = out.split()[-1]
    assert new.startswith("counter_") and new != old and "quầy 1 / counter 1" in out
    # The same device: role, name and counter.
    assert requests.post(hub.url + f"{API}/counters/1/next", headers=auth(new), timeout=5).status_code == 204
    assert requests.post(hub.url + f"{API}/counters/2/next", headers=auth(new), timeout=5).status_code == 403
    assert [t["name"] for t in list_tokens(hub.db) if not t.get("revoked_at")].count("Quầy 1") == 1
    # The old secret stops at once (the hub notices within a second).
    wait_until(lambda: requests.post(hub.url + f"{API}/counters/1/next", headers=auth(old), timeout=5).status_code == 401,
               timeout=1.0)
    assert time.monotonic() - rotated_at < 1.0
    assert token_main(["rotate", "--db", str(hub.db), "0123456789ab"]) == 2  # no such token


def test_rotate_with_grace_and_expiry(hub: RunningHub) -> None:
    old = create_token(hub.db, role="kiosk", name="Ki-ốt 3", expires_at=hub.clock.time() + 86400)
    tid = token_id(hub.db, "Ki-ốt 3")
    new, listing = rotate_token(hub.db, tid, grace_s=600, now=hub.clock.time())
    assert listing["expires_at"] == hub.clock.time() + 86400  # the new one keeps the old expiry
    h_old, h_new = auth(old), auth(new)
    assert requests.post(hub.url + f"{API}/tickets", json={"service": "A"}, headers=h_old, timeout=5).status_code == 201
    assert requests.post(hub.url + f"{API}/tickets", json={"service": "A"}, headers=h_new, timeout=5).status_code == 201
    hub.clock.advance(601)
    wait_until(lambda: requests.get(hub.url + f"{API}/site", headers=h_old, timeout=5).status_code == 401, timeout=1.0)
    assert requests.get(hub.url + f"{API}/site", headers=h_new, timeout=5).status_code == 200
    hub.clock.advance(86400)
    assert requests.get(hub.url + f"{API}/site", headers=h_new, timeout=5).status_code == 401


def test_counter_scope(hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert token_main(["create", "--db", str(hub.db), "--role", "counter", "--name", "Quầy lễ tân"]) == 0
    assert "acts on no counter" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        token_main(["create", "--db", str(hub.db), "--role", "kiosk", "--name", "x", "--any-counter"])
    with pytest.raises(SystemExit):
        token_main(["create", "--db", str(hub.db), "--role", "counter", "--name", "x", "--counter", "1", "--any-counter"])
    unbound = create_token(hub.db, role="counter", name="Quầy không số")
    anyc = create_token(hub.db, role="counter", name="Quầy dự phòng", any_counter=True)
    bound = create_token(hub.db, role="counter", name="Quầy 2", counter=2)
    hub.client("kiosk").issue("A")
    # Unbound, without --any-counter: reads and issues numbers, acts on no counter (fast path and routes).
    assert requests.post(hub.url + f"{API}/tickets", json={"service": "A"}, headers=auth(unbound), timeout=5).status_code == 201
    assert requests.get(hub.url + f"{API}/counters/1", headers=auth(unbound), timeout=5).status_code == 200
    for path in ("next", "recall", "skip", "pause"):
        r = requests.post(hub.url + f"{API}/counters/1/{path}", headers=auth(unbound), timeout=5)
        assert r.status_code == 403 and error_of(r) == "no_counter", path
    # --any-counter acts on every counter; --counter 2 on counter 2 only.
    assert requests.post(hub.url + f"{API}/counters/1/next", headers=auth(anyc), timeout=5).status_code == 200
    assert requests.post(hub.url + f"{API}/counters/3/next", headers=auth(anyc), timeout=5).status_code == 200
    assert requests.post(hub.url + f"{API}/counters/2/next", headers=auth(bound), timeout=5).status_code in (200, 204)
    assert requests.post(hub.url + f"{API}/counters/1/next", headers=auth(bound), timeout=5).status_code == 403
    listed = [t for t in list_tokens(hub.db) if t["name"] == "Quầy dự phòng"]
    assert listed[0]["any_counter"] == 1


def test_call_and_restore_only_the_counters_own_services(hub: RunningHub) -> None:
    # small_site: counter 1 serves A and B, counter 2 only A.
    kiosk = hub.client("kiosk")
    b = kiosk.issue("B")
    anyc = auth(create_token(hub.db, role="counter", name="Quầy dự phòng", any_counter=True))
    two = auth(create_token(hub.db, role="counter", name="Quầy 2", counter=2))
    r = requests.post(hub.url + f"{API}/counters/2/call", json={"display": b.display}, headers=two, timeout=5)
    assert r.status_code == 409 and error_of(r) == "not_this_counters_service"
    r = requests.post(hub.url + f"{API}/counters/2/call", json={"ticket": b.id}, headers=anyc, timeout=5)
    assert r.status_code == 409 and error_of(r) == "not_this_counters_service"
    # Counter 1 serves B: calls it, the citizen does not come, it is skipped.
    assert requests.post(hub.url + f"{API}/counters/1/call", json={"ticket": b.id}, headers=anyc, timeout=5).status_code == 200
    assert requests.post(hub.url + f"{API}/counters/1/skip", headers=anyc, timeout=5).status_code == 200
    r = requests.post(hub.url + f"{API}/counters/2/restore", json={"ticket": b.id}, headers=two, timeout=5)
    assert r.status_code == 409 and error_of(r) == "not_this_counters_service"
    assert requests.get(hub.url + f"{API}/tickets/{b.id}", headers=two, timeout=5).json()["status"] == "skipped"
    r = requests.post(hub.url + f"{API}/counters/1/restore", json={"ticket": b.id}, headers=anyc, timeout=5)
    assert r.status_code == 200 and r.json()["status"] == "waiting"
    # An admin may call any ticket at any counter.
    admin = auth(hub.tokens["admin"])
    r = requests.post(hub.url + f"{API}/counters/2/call", json={"ticket": b.id}, headers=admin, timeout=5)
    assert r.status_code == 200 and r.json()["id"] == b.id and r.json()["counter"] == 2


def raw_get(hub: RunningHub, path: str, token: str | None, *, source: str) -> tuple[int, dict[str, str], bytes]:
    """A GET from a given loopback address (127.0.0.0/8 is all ours), for per-address limits."""
    s = socket.create_connection(("127.0.0.1", hub.server.port), timeout=5, source_address=(source, 0))
    with s:
        head = f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        if token is not None:
            head += f"Authorization: Bearer {token}\r\n"
        s.sendall((head + "\r\n").encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    top, _, body = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_failed_authentications_are_logged_and_rate_limited(make_hub, caplog: pytest.LogCaptureFixture) -> None:
    hub: RunningHub = make_hub(small_site(limits={"auth_failures_burst": 5, "auth_failures_per_minute": 6}))
    caplog.set_level(logging.WARNING, logger="sync.hub.auth")
    guess = "kiosk_" + "A" * 32
    for _ in range(5):
        r = requests.get(hub.url + f"{API}/site", headers=auth(guess), timeout=5)
        assert r.status_code == 401
    # The burst is spent: refused with 429 and Retry-After, as the JSON error, even with a valid token,
    # on the routes and on the fast path alike.
    r = requests.get(hub.url + f"{API}/site", headers=auth(guess), timeout=5)
    assert r.status_code == 429 and error_of(r) == "too_many_failures" and int(r.headers["Retry-After"]) == 10
    assert requests.get(hub.url + f"{API}/site", headers=auth(hub.tokens["kiosk"]), timeout=5).status_code == 429
    r = requests.post(hub.url + f"{API}/tickets", json={"service": "A"}, headers=auth(hub.tokens["kiosk"]), timeout=5)
    assert r.status_code == 429 and error_of(r) == "too_many_failures" and r.headers["Retry-After"] == "10"
    # A proxy header names no other address: the peer is who the hub holds back (uvicorn would otherwise
    # believe X-Forwarded-For from a loopback peer, and a guesser on the hub's own machine could rotate it).
    spoofed = {**auth(hub.tokens["kiosk"]), "X-Forwarded-For": "10.9.8.7", "X-Real-IP": "10.9.8.7"}
    assert requests.get(hub.url + f"{API}/site", headers=spoofed, timeout=5).status_code == 429
    # Another address is not held back; public routes stay open.
    status, _, _ = raw_get(hub, f"{API}/site", hub.tokens["kiosk"], source="127.0.0.2")
    assert status == 200
    assert requests.get(hub.url + f"{API}/health", timeout=5).status_code == 200
    # One failure a minute per 6/min: after 10 s one more try is allowed (the hub's clock, not a sleep).
    hub.clock.advance(10)
    assert requests.get(hub.url + f"{API}/site", headers=auth(hub.tokens["kiosk"]), timeout=5).status_code == 200
    assert requests.get(hub.url + f"{API}/site", headers=auth(guess), timeout=5).status_code == 401
    assert requests.get(hub.url + f"{API}/site", headers=auth(guess), timeout=5).status_code == 429
    # Logged: the address, the route and the reason; never a token.
    records = [r for r in caplog.records if r.name == "sync.hub.auth"]
    failures = [r.getMessage() for r in records if r.getMessage().startswith("failed authentication")]
    assert len(failures) == 6
    assert all("127.0.0.1" in m and "'/api/v1/site'" in m and "unknown token" in m for m in failures)
    assert any("refusing 127.0.0.1" in r.getMessage() for r in records)
    for rec in caplog.records:
        for secret in (guess, *hub.tokens.values()):
            assert secret not in rec.getMessage()


def test_expired_and_missing_tokens_are_logged_with_their_reason(hub: RunningHub, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="sync.hub.auth")
    token = create_token(hub.db, role="board", name="TV cũ", expires_at=hub.clock.time() - 1)
    requests.get(hub.url + f"{API}/board", headers=auth(token), timeout=5)
    requests.post(hub.url + f"{API}/counters/1/next", timeout=5)
    messages = [r.getMessage() for r in caplog.records if r.name == "sync.hub.auth"]
    assert any("expired token" in m and "TV cũ" in m and "/api/v1/board" in m for m in messages)
    assert any("no bearer token" in m and "/api/v1/counters/1/next" in m for m in messages)
    assert not any(token in m for m in messages)


def test_event_streams_per_token(make_hub) -> None:
    hub: RunningHub = make_hub(small_site(limits={"streams_per_token": 2}))
    board = hub.tokens["board"]
    first, h1 = open_stream(hub, board)
    second, h2 = open_stream(hub, board)
    assert b" 200 " in h1.split(b"\r\n")[0] and b" 200 " in h2.split(b"\r\n")[0]
    r = requests.get(hub.url + f"{API}/events", headers=auth(board), timeout=5)
    assert r.status_code == 429 and error_of(r) == "too_many_streams" and r.headers["Retry-After"]
    # Another device's token is not affected.
    other, h3 = open_stream(hub, hub.tokens["counter"])
    assert b" 200 " in h3.split(b"\r\n")[0]
    # A stream that ends frees its place.
    first.close()

    def reopened() -> bool:
        s, head = open_stream(hub, board)
        ok = b" 200 " in head.split(b"\r\n")[0]
        if ok:
            streams.append(s)
        else:
            s.close()
        return ok

    streams: list[socket.socket] = []
    wait_until(reopened, timeout=5)
    for s in (second, other, *streams):
        s.close()


def test_old_unbound_counter_tokens_keep_every_counter(tmp_path: Path) -> None:
    # A database from before the counter scope: its counter tokens without --counter keep acting on every
    # counter (the rule they were made under); new ones need --any-counter for that.
    from sync.store import MIGRATIONS, hash_token, migrate

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    for stmt in ";".join(MIGRATIONS[:4]).split(";"):
        if stmt.strip():
            conn.execute(stmt)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("INSERT INTO tokens (hash, role, name, counter, created_at) VALUES (?, 'counter', 'old', NULL, 0)",
                 (hash_token("counter_old"),))
    conn.execute("INSERT INTO tokens (hash, role, name, counter, created_at) VALUES (?, 'counter', 'old 5', 5, 0)",
                 (hash_token("counter_old5"),))
    conn.commit()
    conn.close()
    migrate(db).conn.close()
    rows = {t["name"]: t for t in list_tokens(db)}
    assert rows["old"]["any_counter"] == 1 and rows["old 5"]["any_counter"] == 0


def test_limits_follow_a_reload_of_the_site_file(hub: RunningHub, tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(toml_text(small_site(limits={"streams_per_token": 1, "auth_failures_burst": 2})), encoding="utf-8")
    hub.hub.config_path = path  # as `motcua hub --config` would have it
    r = requests.post(hub.url + f"{API}/admin/reload", headers=auth(hub.tokens["admin"]), timeout=5)
    assert r.status_code == 200 and "limits" in r.json()["changed"]
    first, head = open_stream(hub, hub.tokens["board"])
    assert b" 200 " in head.split(b"\r\n")[0]
    assert requests.get(hub.url + f"{API}/events", headers=auth(hub.tokens["board"]), timeout=5).status_code == 429
    first.close()
    for _ in range(2):
        assert requests.get(hub.url + f"{API}/site", headers=auth("kiosk_guess"), timeout=5).status_code == 401
    assert requests.get(hub.url + f"{API}/site", headers=auth("kiosk_guess"), timeout=5).status_code == 429
