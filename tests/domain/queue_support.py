"""Helpers of the queue engine's domain tests: an engine with its day open, and what a call called."""
from __future__ import annotations

from typing import Any

from motcua.clock import ManualClock
from motcua.config import parse_site_config
from motcua.queue import Change, QueueEngine


def start_day(config_data: dict[str, Any], clock: ManualClock) -> QueueEngine:
    """An engine for a site, its day opened the way the hub opens it (an empty store: no rows to load)."""
    engine = QueueEngine(parse_site_config(config_data), clock)
    engine.load(day=engine.local_day(clock.time()), tickets=(), counters=())
    return engine


def called(changes: list[Change]) -> str | None:
    """The display of the ticket a call_next/call_specific called (None: nobody waited)."""
    last = changes[-1] if changes else None
    if last is None or last.event.type != "ticket.called" or last.ticket is None:
        return None
    return last.ticket.display


def issue(engine: QueueEngine, service: str, **kw: Any) -> str:
    """Issue a number and return its display."""
    change = engine.issue(service, **kw)
    assert change.ticket is not None
    return change.ticket.display
