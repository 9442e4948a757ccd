"""Test helpers shared by the suite (on pytest's pythonpath): times, small sites, a running hub."""
from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from motcua.clock import VIETNAM_TZ, ManualClock
from motcua.config import SiteConfig, example_site_config_path

EXAMPLE = example_site_config_path()


def local(*args: int) -> datetime:
    """A wall-clock time in Vietnam."""
    return datetime(*args, tzinfo=VIETNAM_TZ)  # type: ignore[misc]


def small_site(**overrides: Any) -> dict[str, Any]:
    """A small site: services A (walk-in numbers 1001..), B and C; counters 1-3."""
    data: dict[str, Any] = {
        "site": {"code": "TEST", "name": "Trung tâm thử nghiệm", "public_url": "http://hub.test"},
        "queue": {"max_priority_streak": 2},
        "services": [
            {"code": "A", "name": "Đất đai", "first_number": 1001, "digits": 4, "average_service_s": 300},
            {"code": "B", "name": "Tư pháp - Hộ tịch", "first_number": 1, "prefix": "B", "digits": 3,
             "average_service_s": 600},
            {"code": "C", "name": "Xây dựng", "first_number": 1, "digits": 3, "daily_quota": 3},
        ],
        "counters": [
            {"number": 1, "services": ["A", "B"]},
            {"number": 2, "services": ["A"]},
            {"number": 3, "services": ["B", "A", "C"], "policy": "ordered"},
        ],
    }
    for key, value in overrides.items():
        data[key] = value
    return data


class RunningHub:
    """A hub served over real HTTP on 127.0.0.1 from a SQLite file, with one token per role."""

    def __init__(self, config: SiteConfig, db: Path, clock: ManualClock, *, heartbeat_s: float = 15.0,
                 keep_events: int | None = None, central_url: str | None = None,
                 relay_settings: dict[str, float] | None = None, tls: tuple[Path, Path, Path] | None = None,
                 public: bool = False, public_on_main: bool = True, docs: bool = False) -> None:
        from sync.store import create_token

        self.config, self.db, self.clock = config, db, clock
        self.tls = tls
        """(certificate, key, the CA devices trust): serve HTTPS."""
        self.public, self.public_on_main, self.docs = public, public_on_main, docs
        self.public_port: int | None = None
        self.heartbeat_s = heartbeat_s
        self.keep_events = keep_events
        self.central_url = central_url
        """Overrides the config's [central] url when given ("" turns the relay off)."""
        self.relay_settings = relay_settings or {}
        # The counter token acts on every counter (tests use counters 1-3 with one token).
        self.tokens = {r: create_token(db, role=r, name=f"test {r}", any_counter=r == "counter")
                       for r in ("kiosk", "board", "counter", "admin")}
        self.server: Any = None
        self.port: int | None = None
        self.start()

    def start(self) -> None:
        from sync.hub import Broadcaster, Hub, create_app, create_public_app
        from sync.server import ServerThread
        from sync.store import SiteStore

        self.store = SiteStore(self.db)
        self.hub = Hub(self.config, self.store, clock=self.clock, heartbeat_s=self.heartbeat_s)
        if self.central_url is not None:
            self.hub.central_url = self.central_url
        self.hub.relay_settings = dict(self.relay_settings)
        if self.keep_events is not None:
            self.hub.events = Broadcaster(self.store, keep=self.keep_events)
            self.store.on_committed = self.hub._committed  # noqa: SLF001 - the hub's own fan-out
            self.hub.events.last_seq = self.hub.engine.next_seq - 1
        cert, key = (str(self.tls[0]), str(self.tls[1])) if self.tls else (None, None)
        self.server = ServerThread(create_app(self.hub, docs=self.docs, public_pages=self.public_on_main), port=self.port,
                                   certfile=cert, keyfile=key, public=create_public_app(self.hub) if self.public else None,
                                   public_port=self.public_port).start()
        self.port, self.public_port = self.server.port, self.server.public_port

    def stop(self) -> None:
        self.server.stop()
        self.store.close()

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, role: str = "admin") -> Any:
        from sync.client import HubClient

        return HubClient(self.url, self.tokens[role], ca_file=self.tls[2] if self.tls else None)

    @property
    def public_url(self) -> str | None:
        return self.server.public_url  # type: ignore[no-any-return]




# Status bytes per DLE EOT n (1 printer, 2 offline cause, 3 error cause, 4 paper sensor).
READY = {1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12}
PAPER_LOW = {**READY, 4: 0x1E}
PAPER_OUT = {1: 0x1E, 2: 0x32, 3: 0x12, 4: 0x72}
COVER_OPEN = {1: 0x1E, 2: 0x16, 3: 0x12, 4: 0x12}
QUERIES = {bytes((0x10, 0x04, n)): n for n in (1, 2, 3, 4)}


class FakePrinter:
    """Answers DLE EOT like an ESC/POS printer; `script` gives the answers per query round (None = mute).

    Whatever else arrives is the job. Works on a connected socket or a pty master fd.
    """

    def __init__(self, script: list[dict[int, int] | None]) -> None:
        self.script = script
        self.round = 0
        self.job = bytearray()
        self.queries: list[int] = []
        self.stop = threading.Event()

    def answers(self) -> dict[int, int] | None:
        return self.script[min(self.round, len(self.script) - 1)]

    def feed(self, data: bytes, reply) -> None:
        # A status query arrives on its own (the driver waits for each answer), possibly right after
        # the last bytes of a job.
        tail = data[-3:]
        if tail in QUERIES:
            self.job += data[:-3]
            n = QUERIES[tail]
            self.queries.append(n)
            if n == 1 and len(self.queries) > 1:
                self.round += 1
            ans = self.answers()
            if ans is not None:
                reply(bytes((ans[n],)))
        else:
            self.job += data


def wait_until(pred: Any, timeout: float = 15.0) -> None:
    """Poll a condition (real I/O on loopback) until it holds, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def toml_text(data: dict[str, Any]) -> str:
    """A site mapping (small_site()) as a TOML file: tables, arrays of tables, scalars and lists of scalars."""
    import json

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(str(v), ensure_ascii=False)

    lines: list[str] = []
    for key, v in data.items():
        if isinstance(v, dict):
            lines.append(f"[{key}]")
            lines += [f"{k} = {value(x)}" for k, x in v.items()]
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            for item in v:
                lines.append(f"[[{key}]]")
                lines += [f"{k} = {value(x)}" for k, x in item.items()]
        else:
            lines.insert(0, f"{key} = {value(v)}")
    return "\n".join(lines) + "\n"
