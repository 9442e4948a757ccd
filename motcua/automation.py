"""Hooks for endurance tests of the device apps; off unless their environment variables are set.

- `MOTCUA_DUMP_DIR=DIR`: on SIGUSR1 (and once at start, to say it is ready) a device app writes what it
  shows: `DIR/ROLE.png` (a screenshot; not for the headless keypad bridge) and then `DIR/ROLE.json` (a
  small state: the page, the numbers on screen, online or not). The JSON is written last and atomically,
  with a `dump` count, so whoever asked waits for a count higher than the one it saw.
- `MOTCUA_AUTOPILOT=SECONDS`: the kiosk and the counter panel press their own buttons every SECONDS, through
  the same widget events a touch or a click makes (`kiosk.automation`, `counter_display.automation`).
  `MOTCUA_AUTOPILOT_SEED=N` makes the choice of buttons repeatable. SIGUSR2 pauses it, and resumes it
  (a harness stops the load before it compares the screens with the hub).

Nothing here imports Qt: the apps give a callable that saves their screenshot. Hazard: SIGUSR1's default
action ends the process, so send it only after ROLE.json exists.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DUMP_DIR_ENV = "MOTCUA_DUMP_DIR"
AUTOPILOT_ENV = "MOTCUA_AUTOPILOT"
SEED_ENV = "MOTCUA_AUTOPILOT_SEED"


class DumpHook:
    """Writes a device's screen and state into a folder when asked (SIGUSR1)."""

    def __init__(self, role: str, folder: Path) -> None:
        self.role = role
        self.folder = folder
        self.dumps = 0
        self._asked = threading.Event()

    def install_signal(self) -> None:
        """Ask for a dump on SIGUSR1 (main thread only). The handler only sets a flag: the app dumps later."""
        signal.signal(signal.SIGUSR1, lambda _sig, _frame: self._asked.set())

    def ask(self) -> None:
        """Ask for a dump from inside the process."""
        self._asked.set()

    def take_request(self) -> bool:
        """Whether a dump was asked for since the last call (and forget the request)."""
        if self._asked.is_set():
            self._asked.clear()
            return True
        return False

    def write(self, state: dict[str, Any], save_png: Callable[[str], object] | None = None) -> Path:
        """Write ROLE.png (when the app has a screen) and then ROLE.json, each by rename."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if save_png is not None:
            tmp = self.folder / f".{self.role}.png.tmp"
            save_png(str(tmp))
            os.replace(tmp, self.folder / f"{self.role}.png")
        self.dumps += 1
        body = {"role": self.role, "pid": os.getpid(), "dump": self.dumps, "at": time.time(), **state}
        tmp = self.folder / f".{self.role}.json.tmp"
        tmp.write_text(json.dumps(body, ensure_ascii=False, default=str), encoding="utf-8")
        out = self.folder / f"{self.role}.json"
        os.replace(tmp, out)
        return out


def dump_hook_from_env(role: str) -> DumpHook | None:
    """The dump hook when MOTCUA_DUMP_DIR is set, else None."""
    folder = os.environ.get(DUMP_DIR_ENV)
    if not folder:
        return None
    log.warning("%s: writing screen dumps to %s on SIGUSR1 (%s)", role, folder, DUMP_DIR_ENV)
    return DumpHook(role, Path(folder))


def autopilot_from_env() -> tuple[float, int] | None:
    """(interval in seconds, random seed) when MOTCUA_AUTOPILOT is set to a positive number, else None."""
    raw = os.environ.get(AUTOPILOT_ENV, "").strip()
    if not raw:
        return None
    try:
        interval = float(raw)
    except ValueError:
        log.error("%s=%r is not a number of seconds: autopilot off", AUTOPILOT_ENV, raw)
        return None
    if interval <= 0:
        return None
    seed = int(os.environ.get(SEED_ENV, "0") or 0)
    log.warning("autopilot on: pressing buttons every %.2f s (%s)", interval, AUTOPILOT_ENV)
    return interval, seed


class Pause:
    """The autopilot's pause switch, flipped by SIGUSR2."""

    def __init__(self) -> None:
        self.paused = False

    def install_signal(self) -> None:
        """Flip on SIGUSR2 (main thread only)."""
        signal.signal(signal.SIGUSR2, lambda _sig, _frame: self.flip())

    def flip(self) -> None:
        """Pause a running autopilot, resume a paused one."""
        self.paused = not self.paused
        log.warning("autopilot %s", "paused" if self.paused else "resumed")


def process_stats(pid: int | None = None) -> dict[str, int]:
    """Resident memory (bytes: all, and its anonymous part) and open file descriptors of a process, from /proc
    (Linux). The anonymous part is the heap and what it maps: where a leak grows. The rest is pages of the
    libraries and fonts mapped from disk, which the kernel pages in and out with the machine's memory pressure."""
    base = Path("/proc") / (str(pid) if pid else "self")
    found = {"VmRSS:": 0, "RssAnon:": 0}
    for line in (base / "status").read_text().splitlines():
        key = line.split(maxsplit=1)[0] if line else ""
        if key in found:
            found[key] = int(line.split()[1]) * 1024
    return {"rss": found["VmRSS:"], "anon": found["RssAnon:"], "fds": len(os.listdir(base / "fd")),
            "threads": len(os.listdir(base / "task"))}
