"""The central server's door, over real HTTP: a body without a known site token is refused before it is read,
and event batches and dossiers stop at their size limit with or without Content-Length."""
from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import requests

from sync.central.app import create_central_app
from sync.central.door import EVENTS_LIMIT, JSON_LIMIT
from sync.central.store import CentralStore
from sync.server import ServerThread

MB = 1024 * 1024
TOKEN = "dev-central-token-D01"


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    store = CentralStore(tmp_path_factory.mktemp("door") / "central.db", dev_tokens=True)
    server = ServerThread(create_central_app(store)).start()
    yield server
    server.stop()


def exchange(server: ServerThread, head: bytes, body: Iterator[bytes]) -> tuple[int, dict, int, bytes]:
    """Send a request head then its body in chunks while reading the answer, as a slow client would.

    Returns (status, JSON body, bytes of body sent before the server answered and hung up, raw head)."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    answer = bytearray()
    done = threading.Event()

    def read() -> None:
        try:
            while chunk := s.recv(65536):
                answer.extend(chunk)
                top, sep, rest = bytes(answer).partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in top.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), None)
                if sep and length is not None and len(rest) >= length:
                    break
        except OSError:
            pass
        done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    sent = 0
    try:
        s.sendall(head)
        for chunk in body:
            if done.wait(0.01):
                break
            s.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed: the rest was never read
    reader.join(30)
    s.close()
    top, _, rest = bytes(answer).partition(b"\r\n\r\n")
    assert top, "no answer from the central server"
    return int(top.split()[1]), orjson.loads(rest), sent, top


def blocks(total: int) -> Iterator[bytes]:
    block = os.urandom(MB)
    for start in range(0, total, MB):
        yield block[: min(MB, total - start)]


def chunked(parts: Iterator[bytes]) -> Iterator[bytes]:
    for p in parts:
        yield b"%x\r\n%s\r\n" % (len(p), p)
    yield b"0\r\n\r\n"


@pytest.mark.parametrize("path", ["/api/v1/dossiers", "/api/v1/events"])
@pytest.mark.parametrize("token", [None, "not-a-site-token"])
def test_a_body_without_a_known_token_is_never_read(central: ServerThread, path: str, token: str | None) -> None:
    auth = b"" if token is None else b"Authorization: Bearer %s\r\n" % token.encode()
    head = b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n" % (
        path.encode(), auth, 300 * MB)
    status, body, sent, top = exchange(central, head, blocks(300 * MB))
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert b"connection: close" in top.lower()
    assert sent < 64 * MB  # answered and hung up long before 300 MB went through


def test_an_event_batch_over_the_limit_is_refused(central: ServerThread) -> None:
    head = (b"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n" % (TOKEN.encode(), EVENTS_LIMIT + 1))
    status, body, sent, _ = exchange(central, head, blocks(EVENTS_LIMIT + 1))
    assert status == 413 and body["error"]["code"] == "body_too_large" and "8 MB" in body["error"]["message"]
    assert sent < EVENTS_LIMIT


def test_a_chunked_dossier_over_the_limit_stops_at_the_limit(central: ServerThread) -> None:
    head = (b"POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n" % TOKEN.encode())
    status, body, sent, top = exchange(central, head, chunked(blocks(100 * MB)))
    assert status == 413 and body["error"]["code"] == "body_too_large" and "2 MB" in body["error"]["message"]
    assert sent < 64 * MB and b"connection: close" in top.lower()


def test_bodies_within_the_limits_still_work(central: ServerThread) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    url = f"http://127.0.0.1:{central.port}/api/v1"
    # an events batch of ~2.5 MB: more than a dossier may weigh, less than a batch may
    events = [{"seq": i, "site": "D01", "type": "ticket.issued", "ts": "2026-11-30T08:00:00+07:00",
               "payload": {"pad": "x" * 1200}} for i in range(1, 2001)]
    raw = orjson.dumps({"site": "D01", "events": events})
    assert JSON_LIMIT < len(raw) < EVENTS_LIMIT
    r = requests.post(f"{url}/events", data=raw, headers={**auth, "Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 200 and len(r.json()["results"]) == 2000
    # a well-formed but wrong dossier reaches its route's validation (422), not the door
    r = requests.post(f"{url}/dossiers", json={"site": "D01"}, headers=auth, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    assert requests.get(f"{url}/health", timeout=5).status_code == 200


def test_a_file_upload_needs_a_known_token_before_its_body(central: ServerThread, tmp_path: Path) -> None:
    head = (b"PUT /api/v1/blobs/%s?offset=0&size=%d HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
            % (b"a" * 64, 100 * MB, 100 * MB))
    status, body, sent, _ = exchange(central, head, blocks(100 * MB))
    assert status == 401 and sent < 64 * MB
