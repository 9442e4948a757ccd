"""The soak's stand-ins for the wire: a TCP link that can be cut, a network ticket printer, a serial cable."""
from __future__ import annotations

import re
import socket
import struct
import threading


class CutLink:
    """A TCP link from one device to the hub that the harness can cut.

    "reset": every connection is reset and new ones are refused (a cable pulled out of a switch that
    tells); "blackhole": connections stay open but nothing passes either way, new ones are accepted and
    hang (a link that dies silently) — on restore they are reset, as a peer that gave up would.
    (tests/sync/central/faultproxy.py speaks HTTP exchanges; the event streams here need plain bytes.)
    """

    def __init__(self, upstream_port: int, *, port: int | None = None) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self._srv = socket.create_server(("127.0.0.1", port or 0))
        self._srv.settimeout(0.2)
        self.port = self._srv.getsockname()[1]
        self.mode = "up"
        self.cuts = 0
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._closing = False
        self._gate = threading.Event()
        self._gate.set()
        threading.Thread(target=self._accept, name=f"link-{self.port}", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut(self, mode: str = "reset") -> None:
        """Take the link down."""
        self.cuts += 1
        self.mode = mode
        if mode == "blackhole":
            self._gate.clear()
        else:
            self._reset_all()

    def restore(self) -> None:
        """Bring the link back (connections held by a blackhole are reset)."""
        was = self.mode
        self.mode = "up"
        if was == "blackhole":
            self._reset_all()
        self._gate.set()

    def close(self) -> None:
        self._closing = True
        self._gate.set()
        self._reset_all()
        self._srv.close()

    def _reset_all(self) -> None:
        with self._lock:
            conns = list(self._conns)
            self._conns.clear()
        for c in conns:
            _reset(c)

    def _track(self, *socks: socket.socket) -> None:
        with self._lock:
            self._conns.update(socks)

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._srv.accept()
            except (TimeoutError, OSError):
                continue
            if self.mode == "reset":
                _reset(client)
                continue
            self._track(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        self._gate.wait()
        if self.mode != "up":
            _reset(client)
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=2)
        except OSError:
            _reset(client)  # the hub is down: the device sees its connection refused
            return
        upstream.settimeout(None)
        self._track(upstream)
        threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()
        self._pump(client, upstream)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                self._gate.wait()
                if self.mode != "up":
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(src)
                self._conns.discard(dst)
            _reset(src)
            _reset(dst)


def _reset(s: socket.socket) -> None:
    # Hazard: close() alone does not wake a thread blocked in recv() on the same socket, and the kernel keeps
    # the connection until that thread lets go: shut the reading side down first (no FIN goes out), then
    # close with a zero linger, which sends the reset once the last user is gone.
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.shutdown(socket.SHUT_RD)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass


class PrinterSink:
    """A network ticket printer on 127.0.0.1: answers status queries (ready), counts jobs and bytes."""

    READY = {1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12}

    def __init__(self) -> None:
        self._srv = socket.create_server(("127.0.0.1", 0))
        self._srv.settimeout(0.2)
        self.port = self._srv.getsockname()[1]
        self.bytes = 0
        self.cuts = 0
        self._closing = False
        threading.Thread(target=self._accept, name="printer", daemon=True).start()

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closing = True
        self._srv.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                conn, _ = self._srv.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        tail = b""
        with conn:
            while not self._closing:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                self.bytes += len(data)
                buf = tail + data
                self.cuts += buf.count(b"\x1dV")
                for n in re.findall(rb"\x10\x04([\x01-\x04])", buf):
                    conn.sendall(bytes((self.READY[n[0]],)))
                tail = buf[-2:]
