"""Test helpers shared by the suite (on pytest's pythonpath): times, small sites, a running hub."""
from __future__ import annotations

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
                 keep_events: int | None = None) -> None:
        from sync.store import create_token

        self.config, self.db, self.clock = config, db, clock
        self.heartbeat_s = heartbeat_s
        self.keep_events = keep_events
        self.tokens = {r: create_token(db, role=r, name=f"test {r}") for r in ("kiosk", "board", "counter", "admin")}
        self.server: Any = None
        self.port: int | None = None
        self.start()

    def start(self) -> None:
        from sync.hub import Broadcaster, Hub, create_app
        from sync.server import ServerThread
        from sync.store import SiteStore

        self.store = SiteStore(self.db)
        self.hub = Hub(self.config, self.store, clock=self.clock, heartbeat_s=self.heartbeat_s)
        if self.keep_events is not None:
            self.hub.events = Broadcaster(self.store, keep=self.keep_events)
            self.store.on_committed = self.hub.events.publish
            self.hub.events.last_seq = self.hub.engine.next_seq - 1
        self.server = ServerThread(create_app(self.hub), port=self.port).start()
        self.port = self.server.port

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

        return HubClient(self.url, self.tokens[role])


