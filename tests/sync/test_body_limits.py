"""Body limits on a real hub process: an unauthenticated body is refused before it is read, JSON bodies stop
at 64 KB and files at 50 MB with or without Content-Length, files are streamed to disk with a running hash,
and none of it moves the hub's memory (peak RSS from /proc) by more than 64 MB."""
from __future__ import annotations

import hashlib
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import requests

from sync.localsite import HubProcess, always_open_site_toml

MB = 1024 * 1024


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (the peak since start) of a process, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


class MemoryHub(HubProcess):
    """`motcua hub` as its own process (its memory is what is measured), one service, a kiosk token."""

    def __init__(self, tmp: Path) -> None:
        site = tmp / "site.toml"
        site.write_text(always_open_site_toml(code="MEM", name="Trung tâm thử bộ nhớ", services={"A": "Đất đai"}),
                        encoding="utf-8")
        super().__init__(site, tmp / "site.db", roles=("kiosk",), token_name="Ki-ốt 1")
        self.kiosk = self.tokens["kiosk"]

    def healthy(self) -> bool:
        ok = requests.get(self.url + "/api/v1/health", timeout=5).json()["status"] == "ok"
        r = requests.post(self.url + "/api/v1/tickets", json={"service": "A"},
                          headers={"Authorization": f"Bearer {self.kiosk}"}, timeout=5)
        return ok and r.status_code == 201


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryHub]:
    h = MemoryHub(tmp_path_factory.mktemp("mem")).start()
    # Warm up what a normal morning allocates, so that the baseline is a working hub's.
    sha = upload(h, b"x" * MB, token=h.kiosk)[0]
    assert sha == 201 and h.healthy()
    yield h
    h.stop()


def send_body(host: str, port: int, head: bytes, chunks: Iterator[bytes]) -> tuple[int, dict, int]:
    """Send a request whose body comes in chunks while reading the answer, as a slow client would.

    Returns (status, JSON body, bytes of body the client managed to send before the hub hung up).
    """
    s = socket.create_connection((host, port), timeout=30)
    sent = 0
    answer = bytearray()
    done = threading.Event()

    def read() -> None:
        try:
            while chunk := s.recv(65536):
                answer.extend(chunk)
                if b"\r\n\r\n" in answer:
                    top, _, rest = bytes(answer).partition(b"\r\n\r\n")
                    length = next((int(line.split(b":")[1]) for line in top.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), 0)
                    if len(rest) >= length:
                        break
        except OSError:
            pass
        done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        s.sendall(head)
        for chunk in chunks:
            if done.is_set():
                break
            s.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the hub answered and closed: the rest of the body was never read
    reader.join(30)
    s.close()
    top, _, body = bytes(answer).partition(b"\r\n\r\n")
    assert top, "no answer from the hub"
    return int(top.split()[1]), orjson.loads(body), sent


def blocks(total: int, size: int = MB) -> Iterator[bytes]:
    block = os.urandom(size)
    for start in range(0, total, size):
        yield block[: min(size, total - start)]


def chunked(parts: Iterator[bytes]) -> Iterator[bytes]:
    for p in parts:
        yield b"%x\r\n%s\r\n" % (len(p), p)
    yield b"0\r\n\r\n"


def upload(h: MemoryHub, data: bytes, *, token: str) -> tuple[int, dict]:
    sha = hashlib.sha256(data).hexdigest()
    r = requests.put(f"{h.url}/api/v1/files/{sha}", data=iter([data[i:i + MB] for i in range(0, len(data), MB)]),
                     headers={"Authorization": f"Bearer {token}"}, timeout=60)
    return r.status_code, r.json()


def test_a_300_mb_body_without_a_token_is_never_read(hub: MemoryHub) -> None:
    before = memory_kb(hub.pid)["VmRSS"]
    head = (b"POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % (300 * MB))
    status, body, sent = send_body("127.0.0.1", hub.port, head, blocks(300 * MB))
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert sent < 300 * MB, "the hub took the whole body before refusing it"
    # The same without a length (chunked), and with a wrong token.
    head = (b"POST /api/v1/dossiers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    status, body, sent = send_body("127.0.0.1", hub.port, head, chunked(blocks(300 * MB)))
    assert status == 401 and sent < 300 * MB
    mem = memory_kb(hub.pid)
    assert mem["VmHWM"] - before < 64 * 1024, f"hub memory {before} -> peak {mem['VmHWM']} kB"
    assert hub.healthy()


def test_json_bodies_stop_at_64_kb(hub: MemoryHub) -> None:
    auth = f"Authorization: Bearer {hub.kiosk}\r\n".encode()
    for path in (b"/api/v1/dossiers", b"/api/v1/tickets", b"/api/v1/devices/report"):
        head = b"POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Length: %d\r\n\r\n" % (path, auth, 65 * 1024)
        status, body, _ = send_body("127.0.0.1", hub.port, head, blocks(65 * 1024, 1024))
        assert status == 413 and body["error"]["code"] == "body_too_large", path
        head = b"POST %s HTTP/1.1\r\nHost: x\r\n%sTransfer-Encoding: chunked\r\n\r\n" % (path, auth)
        status, body, _ = send_body("127.0.0.1", hub.port, head, chunked(blocks(10 * MB, 16 * 1024)))
        assert status == 413 and body["error"]["code"] == "body_too_large", path
    assert hub.healthy()


def test_files_stream_to_disk_and_stop_at_50_mb(hub: MemoryHub) -> None:
    before = memory_kb(hub.pid)["VmRSS"]
    # A 60 MB chunked upload: refused once it passes 50 MB, nothing kept.
    sha = "ab" * 32
    head = (b"PUT /api/v1/files/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" % (sha.encode(), hub.kiosk.encode()))
    status, body, _ = send_body("127.0.0.1", hub.port, head, chunked(blocks(60 * MB)))
    assert status == 413 and body["error"]["code"] == "body_too_large" and "50 MB" in body["error"]["message"]
    # Declared too large: refused before a byte is read.
    head = (b"PUT /api/v1/files/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            b"Content-Length: %d\r\n\r\n" % (sha.encode(), hub.kiosk.encode(), 60 * MB))
    status, body, sent = send_body("127.0.0.1", hub.port, head, blocks(60 * MB))
    assert status == 413 and sent < 60 * MB
    # A 45 MB file without Content-Length is kept, verified against its name.
    data = b"".join(blocks(45 * MB))
    status, body = upload(hub, data, token=hub.kiosk)
    assert status == 201 and body["size"] == len(data)
    stored = Path(str(hub.db) + ".blobs") / body["sha256"][:2] / body["sha256"]
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == body["sha256"]
    # A body that does not match its name is refused and not kept.
    wrong = "cd" * 32
    r = requests.put(f"{hub.url}/api/v1/files/{wrong}", data=iter([b"not this"]),
                     headers={"Authorization": f"Bearer {hub.kiosk}"}, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "hash_mismatch"
    blobs = Path(str(hub.db) + ".blobs")
    assert not (blobs / sha[:2]).exists() or not any((blobs / sha[:2]).iterdir())
    assert not list(blobs.glob("*/*.tmp")) and not (blobs / wrong[:2] / wrong).exists()
    mem = memory_kb(hub.pid)
    assert mem["VmHWM"] - before < 64 * 1024, f"hub memory {before} -> peak {mem['VmHWM']} kB"
    assert hub.healthy()
