"""Shared fixtures: a fixed clock, and a real hub over HTTP on 127.0.0.1 with a real SQLite file."""
from __future__ import annotations

import os
import tempfile

# Qt must never try to open a display in tests (without this the whole run aborts on a headless machine).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# python-escpos leaves a temp folder per process unless told where to keep its capabilities cache.
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(tempfile.gettempdir(), "motcua-escpos-cache"))

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import EXAMPLE, RunningHub, local, small_site

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
        else:
            config = parse_site_config(data or small_site())
        h = RunningHub(config, tmp_path / f"site{len(hubs)}.db", clock, **kw)
        hubs.append(h)
        return h

    yield factory
    for h in hubs:
        try:
            h.stop()
        except Exception:  # noqa: BLE001
            pass


@pytest.fixture
def hub(make_hub: Callable[..., RunningHub]) -> RunningHub:
    """A running hub for small_site()."""
    return make_hub()
