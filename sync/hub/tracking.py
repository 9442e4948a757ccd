"""The live tracking page behind a ticket's QR code (/t/{id}): its public view, its event stream, its HTML.

What a phone learns of a ticket is what anyone standing in the lobby sees on the board: its number, its
service, its place in the line, the counter that calls it, and whether it was booked ahead. Never the
priority category (an elderly or disabled citizen's category is personal data), the channel, nor anything
of a dossier. The per-ticket stream (`/t/{id}/events`) sends that view again whenever it changes, computed
from the hub's committed events, so a phone hears of a call no sooner than the board and never of a call
that could be lost. Old browsers without EventSource poll `/t/{id}/state`.
"""
from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import orjson

from sync.hub.live import Subscriber
from sync.hub.texts import TRACKING

if TYPE_CHECKING:
    from sync.hub.service import Hub

FINAL = frozenset({"done", "expired"})
"""A ticket in these states changes no more: its stream ends, and the page stops listening."""
RELEVANT = ("ticket.", "counter.", "day.", "site.")
"""Event types that can move a ticket's place, wait or state (others are not worth recomputing for)."""
MAX_STREAMS = 3000
"""Live tracking streams the hub keeps open at once (a large center's waiting room, with room to spare)."""
MAX_STREAMS_PER_ADDRESS = 16
"""Per client address: a guest Wi-Fi puts many phones behind one address, a loop on one phone is cut short."""

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=jinja2.select_autoescape(("html",), default_for_string=True),
    trim_blocks=True, lstrip_blocks=True,
)


def public_view(hub: Hub, ticket_id: str) -> dict[str, Any] | None:
    """What the public page shows of a ticket (None: no such ticket). Holds no personal data."""
    t = hub.find_ticket(ticket_id) if 0 < len(ticket_id) <= 64 else None
    if t is None:
        return None
    svc = hub.config.service(t["service"])
    status = t["status"]
    rating = hub.rating_link(t) if hub.rating_link is not None and status == "done" else None
    return {
        "id": t["id"],
        "display": t["display"],
        "service": t["service"],
        "service_name": svc.name if svc else t["service"],
        "service_name_en": (svc.name_en or svc.name) if svc else t["service"],
        "status": status,
        "counter": t["counter"],
        "position": t["position"],
        "ahead": t["ahead"],
        "estimated_wait_s": t["estimated_wait_s"],
        "issued_at": t["issued_at"],
        "called_at": t["called_at"],
        "recalls": t["recalls"],
        "appointment": t["priority"] == "appointment",
        "test": t["test"],
        "rating_url": rating,
    }


def render_page(hub: Hub, view: dict[str, Any] | None) -> str:
    """The tracking page: the current state rendered on the hub (it reads without script), and the script that
    keeps it current."""
    return _templates.get_template("tracking.html").render(
        site=hub.config.site.name, site_en=hub.config.site.name_en or hub.config.site.name, t=view,
        vi=TRACKING["vi"], texts=TRACKING, wait_min=None if view is None else _minutes(view))


def _minutes(view: dict[str, Any]) -> int | None:
    wait = view.get("estimated_wait_s")
    return None if wait is None else max(1, round(wait / 60))


class StreamLimit:
    """How many tracking streams are open, in all and per client address."""

    def __init__(self) -> None:
        self.total = 0
        self.by_address: dict[str, int] = {}

    def enter(self, address: str) -> bool:
        """Count a new stream; False when the hub or this address has too many open."""
        if self.total >= MAX_STREAMS or self.by_address.get(address, 0) >= MAX_STREAMS_PER_ADDRESS:
            return False
        self.total += 1
        self.by_address[address] = self.by_address.get(address, 0) + 1
        return True

    def leave(self, address: str) -> None:
        """A stream ended."""
        self.total -= 1
        left = self.by_address.get(address, 1) - 1
        if left > 0:
            self.by_address[address] = left
        else:
            self.by_address.pop(address, None)


_limits: weakref.WeakKeyDictionary[Hub, StreamLimit] = weakref.WeakKeyDictionary()


def stream_limit(hub: Hub) -> StreamLimit:
    """The stream counts of one hub (the main and the public listener share them)."""
    limit = _limits.get(hub)
    if limit is None:
        limit = _limits[hub] = StreamLimit()
    return limit


def frame(view: dict[str, Any]) -> bytes:
    """One server-sent event carrying the ticket's public view."""
    return b"event: ticket\ndata: " + orjson.dumps(view) + b"\n\n"


async def ticket_stream(hub: Hub, ticket_id: str, sub: Subscriber, first: dict[str, Any]) -> AsyncIterator[bytes]:
    """The ticket's view now, then again each time committed events change it; ends once the ticket is final.

    State, not a log: a phone that reconnects (a lost signal, a hub restart) simply gets the current view, so
    it needs no Last-Event-ID and misses nothing that matters.
    """
    try:
        yield b"retry: 2000\n\n" + frame(first)
        last = first
        if first["status"] in FINAL:
            return
        while True:
            if not sub.pending:
                try:
                    await asyncio.wait_for(sub.wake.wait(), timeout=hub.heartbeat_s)
                except TimeoutError:
                    yield b": ping\n\n"
                    continue
            if sub.overflow:
                return
            if not any(e.type.startswith(RELEVANT) for e in sub.take()):
                continue
            view = public_view(hub, ticket_id)
            if view is None:
                return
            if view != last:
                last = view
                yield frame(view)
            if view["status"] in FINAL:
                return
    finally:
        sub.close()
