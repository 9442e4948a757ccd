"""Injected time (ARCHITECTURE rule 9): the domain never reads the system clock directly."""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    """Anything that tells the current time as a Unix timestamp (seconds, UTC)."""

    def time(self) -> float:
        """Seconds since the epoch."""
        ...


class SystemClock:
    """The real wall clock."""

    def time(self) -> float:
        """Seconds since the epoch, from the operating system."""
        return time.time()


class ManualClock:
    """A clock that moves only when told to (tests)."""

    def __init__(self, start: datetime | float) -> None:
        self._now = start.timestamp() if isinstance(start, datetime) else float(start)
        self._lock = threading.Lock()

    def time(self) -> float:
        """The set time."""
        with self._lock:
            return self._now

    def set(self, when: datetime | float) -> None:
        """Jump to a given time."""
        with self._lock:
            self._now = when.timestamp() if isinstance(when, datetime) else float(when)

    def advance(self, seconds: float = 0.0, **delta: float) -> None:
        """Move forward by seconds (or timedelta keyword arguments)."""
        with self._lock:
            self._now += seconds + timedelta(**delta).total_seconds()


class ScaledClock:
    """A clock that starts at a chosen moment and runs `speed` times faster than real time (the demo)."""

    def __init__(self, start: datetime | float, speed: float = 1.0) -> None:
        self._start = start.timestamp() if isinstance(start, datetime) else float(start)
        self._origin = time.monotonic()
        self.speed = speed

    def time(self) -> float:
        """The simulated time."""
        return self._start + (time.monotonic() - self._origin) * self.speed


def local_datetime(ts: float, tz: ZoneInfo = VIETNAM_TZ) -> datetime:
    """A Unix timestamp as an aware datetime in the given zone."""
    return datetime.fromtimestamp(ts, tz)


def iso(ts: float | None, tz: ZoneInfo = VIETNAM_TZ) -> str | None:
    """ISO 8601 with the zone's offset, milliseconds precision; None stays None."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz).isoformat(timespec="milliseconds")


def utc_iso(ts: float) -> str:
    """ISO 8601 in UTC."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")
