"""A TCP proxy between the hub and the central server that the tests control (127.0.0.1 only).

It understands just enough HTTP/1.1 (Content-Length bodies, keep-alive) to act per exchange. `policy`
maps (method, path) to an action:

- "pass": forward;
- "refuse": reset the connection before anything is forwarded;
- "drop": swallow the request and never answer (the client times out);
- "delay:S": wait S seconds, then forward;
- "cut_request": forward half of the request body, then close both sides;
- "cut_response": forward the request, then only half of the server's answer;
- "error_after": forward the request (the server commits), answer the client 500 instead;
- "kill_after": forward the request, then call `on_kill` (SIGKILL the hub) before answering;
- "replay": answer a GET with the previous answer to the same path prefix (a page delivered twice).
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable

from sync.server import free_port

Policy = Callable[[str, str], str]


def _read_message(sock: socket.socket, buf: bytearray, *, response_to: str | None = None) -> tuple[bytes, bytes] | None:
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk
    end = buf.index(b"\r\n\r\n") + 4
    head = bytes(buf[:end])
    del buf[:end]
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    if response_to == "HEAD" or (response_to and head.split(b" ", 2)[1] in (b"204", b"304")):
        length = 0
    while len(buf) < length:
        chunk = sock.recv(max(65536, length - len(buf)))
        if not chunk:
            return None
        buf += chunk
    body = bytes(buf[:length])
    del buf[:length]
    return head, body


class FaultProxy:
    """Listens on a free port; forwards to 127.0.0.1:upstream_port according to `policy`."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.port = free_port()
        self.policy: Policy = lambda method, path: "pass"
        self.on_kill: Callable[[], None] | None = None
        self.drop_s = 20.0
        self.cache: dict[str, bytes] = {}
        self.log: list[tuple[str, str, str]] = []
        self._in_flight: dict[int, tuple[str, str]] = {}
        self._lock = threading.Lock()
        self._closing = False
        self._conns: set[socket.socket] = set()
        self._srv = socket.create_server(("127.0.0.1", self.port))
        self._srv.settimeout(0.2)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(self, action: str) -> None:
        """The same action for every exchange."""
        self.policy = lambda method, path: action
        self.reset_connections()

    def in_flight(self) -> set[tuple[str, str]]:
        """(method, path) of the exchanges forwarded to the server whose answer the hub has not had yet."""
        with self._lock:
            return set(self._in_flight.values())

    def reset_connections(self) -> None:
        """Close every open connection (a link that goes down)."""
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            _reset(c)

    def close(self) -> None:
        self._closing = True
        self.reset_connections()
        self._srv.close()
        self._thread.join(2)

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._srv.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        with self._lock:
            self._conns.add(client)
        cbuf, ubuf = bytearray(), bytearray()
        try:
            while True:
                req = _read_message(client, cbuf)
                if req is None:
                    return
                head, body = req
                method, path = head.split(b" ", 2)[0].decode(), head.split(b" ", 2)[1].decode()
                action = self.policy(method, path)
                self.log.append((method, path, action))
                key = path.split("?")[0]
                if action == "refuse":
                    return
                if action == "drop":
                    time.sleep(self.drop_s)
                    return
                if action.startswith("delay:"):
                    time.sleep(float(action.split(":", 1)[1]))
                if action == "replay" and key in self.cache:
                    client.sendall(self.cache[key])
                    continue
                if upstream is None:
                    upstream = socket.create_connection(self.upstream)
                    with self._lock:
                        self._conns.add(upstream)
                if action == "cut_request":
                    upstream.sendall(head + body[: len(body) // 2])
                    time.sleep(0.2)
                    return
                with self._lock:
                    self._in_flight[id(client)] = (method, key)
                upstream.sendall(head + body)
                resp = _read_message(upstream, ubuf, response_to=method)
                if resp is None:
                    return
                raw = resp[0] + resp[1]
                if method == "GET":
                    self.cache[key] = raw
                if action == "cut_response":
                    client.sendall(raw[: max(1, len(raw) // 2)])
                    return
                if action == "kill_after":
                    if self.on_kill is not None:
                        self.on_kill()
                    return
                if action == "error_after":
                    err = b'{"error": {"code": "internal_error", "message": "injected"}}'
                    client.sendall(b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n"
                                   b"content-length: %d\r\n\r\n%s" % (len(err), err))
                    self._answered(client)
                    continue
                client.sendall(raw)
                self._answered(client)
        except OSError:
            return
        finally:
            self._answered(client)
            for s in (client, upstream):
                if s is not None:
                    with self._lock:
                        self._conns.discard(s)
                    _reset(s)

    def _answered(self, client: socket.socket) -> None:
        with self._lock:
            self._in_flight.pop(id(client), None)


def _reset(s: socket.socket) -> None:
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass
