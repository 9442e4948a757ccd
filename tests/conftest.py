"""Shared fixtures: a fixed clock, and a real hub over HTTP on 127.0.0.1 with a real SQLite file."""
from __future__ import annotations

import os
import tempfile

# Qt must never try to open a display in tests (without this the whole run aborts on a headless machine).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# python-escpos leaves a temp folder per process unless told where to keep its capabilities cache.
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(tempfile.gettempdir(), "motcua-escpos-cache"))

import socket  # noqa: E402
import threading  # noqa: E402
import tomllib  # noqa: E402
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import EXAMPLE, FakePrinter, RunningHub, local, small_site

from motcua.clock import ManualClock
from motcua.config import parse_site_config


@pytest.fixture
def clock() -> ManualClock:
    """Thursday 26 November 2026, 09:00 in Hà Nội: a working morning."""
    return ManualClock(local(2026, 11, 26, 9, 0))


@pytest.fixture
def make_hub(tmp_path: Path, clock: ManualClock) -> Iterator[Callable[..., RunningHub]]:
    """Start hubs from a config mapping (default: small_site()) or the example file."""
    hubs: list[RunningHub] = []

    def factory(data: dict[str, Any] | None = None, *, example: bool = False, **kw: Any) -> RunningHub:
        if example:
            config = parse_site_config(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")), path=EXAMPLE)
            kw.setdefault("central_url", "")  # the example's [central] url is no server of the test's
        else:
            config = parse_site_config(data or small_site())
        h = RunningHub(config, tmp_path / f"site{len(hubs)}.db", clock, **kw)
        hubs.append(h)
        return h

    yield factory
    # uvicorn notices the request to exit within 0.1 s and then waits 0.1 s more for connections, whatever they
    # are: ~0.2 s per hub, a minute over the suite. The hubs stop while the next test sets up; the next test's
    # call waits for them (pytest_runtest_call), so no hub of a finished test runs, or logs, during another's.
    for h in hubs:
        h.request_stop()
        _stopping.append(h)


_stopping: list[RunningHub] = []
"""Hubs of finished tests told to exit and not yet waited for."""


def _finish_stopping() -> None:
    while _stopping:
        h = _stopping.pop()
        try:
            h.stop()
        except Exception:  # noqa: BLE001 - a hub that fails to stop must not fail another test
            pass


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Wait for the hubs of earlier tests to have stopped before this test runs."""
    _finish_stopping()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _finish_stopping()


@pytest.fixture
def hub(make_hub: Callable[..., RunningHub]) -> RunningHub:
    """A running hub for small_site()."""
    return make_hub()


@pytest.fixture
def tcp_printer():
    servers = []

    def start(script, *, close_first_connection=False):
        fake = FakePrinter(script)
        srv = socket.create_server(("127.0.0.1", 0))
        srv.settimeout(0.1)
        port = srv.getsockname()[1]

        def serve():
            first = True
            while not fake.stop.is_set():
                try:
                    conn, _ = srv.accept()
                except TimeoutError:
                    continue
                if first and close_first_connection:
                    first = False
                    conn.close()  # a printer that dropped the idle connection
                    continue
                conn.settimeout(0.1)
                with conn:
                    while not fake.stop.is_set():
                        try:
                            data = conn.recv(65536)
                        except TimeoutError:
                            continue
                        if not data:
                            break
                        fake.feed(data, conn.sendall)
            srv.close()

        threading.Thread(target=serve, daemon=True).start()
        servers.append(fake)
        return fake, f"tcp://127.0.0.1:{port}"

    yield start
    for fake in servers:
        fake.stop.set()
