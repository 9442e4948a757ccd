"""Fixtures of the hub's tests: the manager's console in a real headless Chromium (a hub on the example site
with the manager's account, a desktop browser). Helper modules next to these tests (console_support,
privacy_support) are importable by their plain names."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import Browser  # noqa: E402
from console_support import CONFIG, MANAGER, MANAGER_NAME, PASSWORD  # noqa: E402
from support import RunningHub, local  # noqa: E402

from motcua.clock import ManualClock  # noqa: E402
from sync.hub.console import console_of  # noqa: E402
from sync.hub.staff import add_staff  # noqa: E402


@pytest.fixture
def console_hub() -> Iterator[Callable[[Path], RunningHub]]:
    """Start a hub on the example site from a database file, at 09:00 on Thursday 26/11/2026, without a central
    server, with the manager's account (MANAGER, PASSWORD); every hub started is stopped at the end."""
    started: list[RunningHub] = []

    def start(db: Path) -> RunningHub:
        hub = RunningHub(CONFIG, db, ManualClock(local(2026, 11, 26, 9, 0)), central_url="")
        started.append(hub)
        # The test machine is shared: the report worker runs at normal priority here (a hub PC runs it at idle).
        console_of(hub.hub).runner_options = {"nice": 0, "idle": False}
        add_staff(db, code=MANAGER, name=MANAGER_NAME, pin=None, role="manager", password=PASSWORD)
        return hub

    try:
        yield start
    finally:
        for hub in started:
            hub.stop()


@pytest.fixture
def console_browser(tmp_path: Path) -> Iterator[Browser]:
    """Headless Chromium on a 1366×768 desktop screen."""
    b = Browser(tmp_path / "profile", width=1366, height=768, mobile=False)
    try:
        yield b
    finally:
        b.close()
