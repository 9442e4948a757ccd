"""What the demo is asked to do (`DemoOptions`) and what happened (`DemoRun`)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from motcua.clock import ScaledClock
from motcua.config import SiteConfig
from motcua.contract import TicketView


@dataclass
class DemoOptions:
    """The command line of `motcua demo`, read (demo.cli); each run mode takes what it needs."""

    headless: bool = False
    minutes: float = 60.0
    """Simulated minutes of the morning (headless)."""
    speed: float = 120.0
    """How much faster than real time the headless clock runs (the interactive one runs 5x)."""
    out: Path = Path("demo-out")
    """Where the headless run writes summary.json and the artefacts."""
    data_dir: Path = Path("demo-data")
    """Where the interactive demo keeps its databases and printed tickets (kept between runs)."""
    config: Path | None = None
    """The site file (default: the example center)."""
    port: int = 8470
    """The interactive hub's port (the headless one takes a free port)."""
    seed: int = 7
    arrivals_per_min: float = 6.0
    """Citizens arriving at the kiosks per simulated minute (headless)."""
    windows: bool = True
    """Open the device windows (interactive, when there is a display)."""
    stop_after_s: float | None = None
    """End the interactive demo after this many seconds (tests)."""
    history_weeks: int = 0
    """Weeks of past traffic seeded before the morning, for the reports and the forecast (demo.reports)."""


@dataclass
class DemoRun:
    """What happened during a simulated morning; artefact hooks read it."""

    config: SiteConfig
    hub_url: str
    db: Path
    tokens: dict[str, str]
    clock: ScaledClock
    start: float
    """When the simulated morning began (Unix seconds, the clock's start)."""
    out: Path | None = None
    issued: list[TicketView] = field(default_factory=list)
    called: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    """Every event the board's subscription saw: {"seq", "type", ...the event's data}."""
    failed: int = 0
    synced: int = 0
    dossiers: list[str] = field(default_factory=list)
    dossier_channels: dict[str, int] = field(default_factory=dict)
    payments: int = 0
    bookings_checked_in: int = 0
    notices_sent: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    history: dict[str, Any] = field(default_factory=dict)
    """What --history-weeks seeded before the morning (weeks, first, last, tickets, dossiers, last_seq)."""
    hub: Any = None
    """The demo's Hub when it runs in this process (the console's report worker is set up through it)."""
    reports: list[str] = field(default_factory=list)
    """Report artefacts written (DIR/reports/ and the console's screenshots), relative to DIR."""

    def fail(self, message: str) -> None:
        """Count a failure and keep its message for details.json."""
        with self.lock:
            self.failed += 1
            self.errors.append(message)


def demo_start(config: SiteConfig) -> datetime:
    """07:30 of the next working morning (Monday–Friday), local time, so kiosks issue from the start."""
    now = datetime.now(config.tz)
    day = now.date()
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 7, 30, tzinfo=config.tz)
