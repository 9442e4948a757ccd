"""The queue engine on its own: a site config, a manual clock, no hub, no HTTP, no database.
Its helpers (queue_support) live next to the tests."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import small_site

from motcua.clock import ManualClock
from motcua.queue import QueueEngine

sys.path.insert(0, str(Path(__file__).parent))
from queue_support import start_day  # noqa: E402


@pytest.fixture
def make_engine(clock: ManualClock) -> Callable[..., QueueEngine]:
    """Engines for a site mapping (default: small_site()), on the shared Thursday-morning clock."""
    return lambda data=None: start_day(data or small_site(), clock)


@pytest.fixture
def engine(make_engine: Callable[..., QueueEngine]) -> QueueEngine:
    """small_site(): services A (1001..), B (B001..), C (001.., kiosk quota 3); counters 1 [A, B], 2 [A],
    3 [B, A, C] ordered; at most 2 priority tickets in a row."""
    return make_engine()
