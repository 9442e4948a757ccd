"""Gọi cán bộ hỗ trợ: a citizen at a kiosk asks for help; the request shows on the counter panels and the
lobby boards (live, through the event stream) until a clerk acknowledges it.

A request names the kiosk (its token's name) and when it asked — never who stands there. Each change is one
event (`help.requested`, `help.acknowledged`) in the event log, like every state change (ARCHITECTURE rule 2); the
open requests are rebuilt from the log at start, so a restarted hub still shows them. A kiosk has at most one
open request: asking again (an impatient citizen, a retry after a lost answer) returns the open one.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from motcua.clock import Clock, iso
from motcua.contract import EventType
from motcua.queue import Change, Event
from sync.hub.errors import ApiError
from sync.store import SiteStore

log = logging.getLogger(__name__)

REQUESTED, ACKNOWLEDGED = EventType.HELP_REQUESTED, EventType.HELP_ACKNOWLEDGED
KEEP_S = 12 * 3600
"""An open request older than this is not restored at start (a kiosk left asking overnight)."""


class HelpDesk:
    """The open help requests, by id (on the hub's event loop only)."""

    def __init__(self, store: SiteStore, clock: Clock, tz: ZoneInfo, *, new_event: Callable[[EventType, dict[str, Any]], Event],
                 commit: Callable[[list[Change]], Any]) -> None:
        self.store, self.clock, self.tz = store, clock, tz
        self.new_event, self.commit = new_event, commit
        self.open: dict[str, dict[str, Any]] = {}

    def load(self) -> None:
        """Rebuild the open requests from the event log (start, and after a failed write)."""
        since = self.clock.time() - KEEP_S
        found: dict[str, dict[str, Any]] = {}
        for etype, data in self.store.read("SELECT type, data FROM events WHERE type IN (?, ?) AND at >= ? ORDER BY seq",
                                           (REQUESTED.value, ACKNOWLEDGED.value, since)):
            h = orjson.loads(data)["help"]
            if etype == REQUESTED.value:
                found[h["id"]] = h
            else:
                found.pop(h["id"], None)
        self.open = found

    def view(self) -> list[dict[str, Any]]:
        """Open requests, oldest first."""
        return sorted(self.open.values(), key=lambda h: str(h["requested_at"]))

    async def request(self, *, device: str, request_id: str | None) -> tuple[int, dict[str, Any]]:
        """A kiosk asks: 201 with the new request, or 200 with the kiosk's open one."""
        for h in self.open.values():
            if h["device"] == device:
                return 200, h
        now = self.clock.time()
        h = {"id": request_id or str(uuid.uuid4()), "device": device, "requested_at": iso(now, self.tz)}
        if h["id"] in self.open:
            raise ApiError(422, "idempotency_conflict", "Mã yêu cầu đã dùng / this request id is already used")
        self.open[h["id"]] = h  # before the await: a second press meanwhile finds it
        try:
            await self.commit([Change(event=self.new_event(REQUESTED, {"help": h}))])
        except BaseException:
            self.open.pop(h["id"], None)
            raise
        log.info("help requested at %s", device)
        return 201, h

    async def acknowledge(self, help_id: str, *, by: str, counter: int | None) -> dict[str, Any]:
        """A clerk takes the request: it leaves every panel and board; 404 when it is not open."""
        h = self.open.get(help_id)
        if h is None:
            raise ApiError(404, "not_found", "Không có yêu cầu hỗ trợ này (có thể đã được nhận) / no such open help "
                                             "request (it may have been taken)")
        done = {**h, "acknowledged_at": iso(self.clock.time(), self.tz), "by": by, "counter": counter}
        del self.open[help_id]
        try:
            await self.commit([Change(event=self.new_event(ACKNOWLEDGED, {"help": done}))])
        except BaseException:
            self.open[help_id] = h
            raise
        log.info("help request at %s taken by %s", h["device"], by)
        return done
