"""Test helpers shared by the suite (on pytest's pythonpath): times, small sites, a running hub."""
from __future__ import annotations

import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua.clock import VIETNAM_TZ, ManualClock
from motcua.config import SiteConfig, example_site_config_path
from sync.localsite import LocalHub

if TYPE_CHECKING:
    from sync.hub import Hub
    from sync.store import SiteStore

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


class RunningHub(LocalHub):
    """A hub served over real HTTP on 127.0.0.1 from a SQLite file, one token per role ("test ROLE"): the
    shared `sync.localsite.LocalHub` on the tests' clock. `keep_events` shortens the hub's event window."""

    def __init__(self, config: SiteConfig, db: Path, clock: ManualClock, *, keep_events: int | None = None,
                 **kw: Any) -> None:
        self.keep_events = keep_events
        super().__init__(config, db, clock=clock, token_name="test", **kw)

    def make_hub(self, store: SiteStore) -> Hub:
        hub = super().make_hub(store)
        if self.keep_events is not None:
            from sync.hub import Broadcaster

            hub.events = Broadcaster(store, keep=self.keep_events)
            store.on_committed = hub._committed  # noqa: SLF001 - the hub's own fan-out
            hub.events.last_seq = hub.engine.next_seq - 1
        return hub


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


def db_rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of a database file, read-only beside the process that writes it (a running hub)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


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


def as_json(value: Any) -> Any:
    """A typed answer of the hub client (motcua.contract models, or lists of them) as the JSON the hub sent."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value
