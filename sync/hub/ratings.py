"""Satisfaction ratings at the hub (issue 13): one per ticket, only after service, within a window; the summary.

A rating names the ticket, and the hub fills in the counter, the clerk (staff code) and the service from the
stretch of service that ended with "done" (sync.hub.staff), so a device cannot attribute it elsewhere. It is
stored with a `rating.recorded` event in one transaction (ARCHITECTURE rule 2); the event goes upstream with the
others, and the central server keeps one rating per id and per ticket (exactly once).

The device makes the rating's id (a UUID) when the citizen touches: a retry of the same id gets the first
answer, even hours later after a hub outage (the device kept it in its own SQLite file); another id for a
rated ticket is refused (409 `already_rated`). The window is checked on the touch's time (`rated_at`), so a
rating kept through an outage still counts, and a touch after the window never does.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Literal, Protocol

import orjson
from pydantic import BaseModel, ConfigDict, Field

from motcua.clock import Clock, iso
from motcua.config import SiteConfig
from motcua.contract import EventType
from motcua.queue import Change, Event, QueueEngine, TicketStatus
from motcua.ratings import CHANNELS, LEVELS, Rating, RatingError, Segment, check_rating, in_window, summarize, totals
from sync.hub.errors import ApiError, store_unavailable
from sync.hub.staff import Staff
from sync.store import SiteStore, StoreError

log = logging.getLogger(__name__)

MAX_SUMMARY_DAYS = 366
MAX_AHEAD_S = 120.0
"""A touch time this far ahead of the hub's clock is refused (a device with a wrong clock)."""
_INSERT = ("INSERT INTO ratings (id, ticket_id, day, counter, clerk, service, level, reasons, channel, rated_at, "
           "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_COLS = "id, ticket_id, day, counter, clerk, service, level, reasons, channel, rated_at, recorded_at"


class RatingRequest(BaseModel):
    """Đánh giá: the citizen's level (and reasons with 'unsatisfied') for a served ticket."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=32, max_length=36, description="the rating's UUID, made by the device at the touch")
    ticket: str = Field(min_length=1, max_length=64)
    level: Literal["very_satisfied", "satisfied", "unsatisfied"]
    reasons: list[str] = Field(default_factory=list, max_length=8)
    channel: Literal["screen", "keypad"] = "screen"
    rated_at: float | None = Field(None, description="Unix time of the touch on the device's clock (default: now)")
    age_s: float | None = Field(None, ge=0, le=30 * 86400,
                                description="how long ago the touch was, by the device's clock: the hub dates the touch "
                                            "on its own clock (a device clock that is off does not matter); wins over "
                                            "rated_at")


def rating_view(row: tuple[Any, ...], tz: Any) -> dict[str, Any]:
    """A stored rating as the API and the event show it (codes only: nothing about the citizen)."""
    return {"id": row[0], "ticket_id": row[1], "day": row[2], "counter": row[3], "clerk": row[4], "service": row[5],
            "level": row[6], "reasons": orjson.loads(row[7]), "channel": row[8], "rated_at": iso(row[9], tz)}


class RatingHost(Protocol):
    """What ratings need of the hub (sync.hub.service.Hub is one; no import of it, so no cycle)."""

    store: SiteStore
    config: SiteConfig
    clock: Clock
    engine: QueueEngine
    staff: Staff

    def new_event(self, type_: EventType, data: dict[str, Any]) -> Event:
        """An event with the next sequence (on the loop only)."""
        ...


class Ratings:
    """Ratings of one site: recorded through the hub's writer, read straight from the database."""

    def __init__(self, hub: RatingHost) -> None:
        self.hub = hub
        self._in_flight: set[str] = set()
        """Tickets whose rating is being committed: a second touch must not race the first."""

    def _row(self, where: str, *params: Any) -> tuple[Any, ...] | None:
        rows = self.hub.store.read(f"SELECT {_COLS} FROM ratings WHERE {where}", params)
        return rows[0] if rows else None

    def _window(self, channel: str) -> float:
        r = self.hub.config.ratings
        return r.phone_window_s if channel == "phone" else r.window_s

    def state_for(self, ticket_id: str, *, channel: str = "phone") -> str:
        """"open" (served, not rated, within the window), "rated", or "closed" (not served, or too late)."""
        if self._row("ticket_id = ?", ticket_id) is not None:
            return "rated"
        served = self.hub.staff.served_by(ticket_id)
        if served is None:
            return "closed"
        now = self.hub.clock.time()
        return "open" if in_window(finished_at=served[3], rated_at=now, window_s=self._window(channel)) else "closed"

    def open_for(self, ticket_id: str, *, channel: str = "phone") -> bool:
        """Whether a ticket may still be rated on this channel now (served, not rated, within the window)."""
        return self.state_for(ticket_id, channel=channel) == "open"

    async def record(self, *, rating_id: str, ticket_id: str, level: str, reasons: list[str], channel: str,
                     rated_at: float | None, age_s: float | None = None,
                     counter_scope: Callable[[int], None] | None = None) -> tuple[int, dict[str, Any]]:
        """Store one rating with its event; (201, view), (200, view) for a repeat of the same id; ApiError otherwise."""
        if channel not in CHANNELS:
            raise ApiError(422, "invalid_request", f"channel: one of {', '.join(CHANNELS)}")
        try:
            rating_id = str(uuid.UUID(rating_id))
            clean = check_rating(level, reasons)
        except ValueError as exc:
            if isinstance(exc, RatingError):
                raise ApiError(422, exc.code, exc.message) from None
            raise ApiError(422, "invalid_request", "id: a UUID / id must be a UUID") from None
        now = self.hub.clock.time()
        at = now - age_s if age_s is not None else now if rated_at is None else float(rated_at)
        same = self._row("id = ?", rating_id)
        if same is not None:
            if same[1] != ticket_id or same[6] != level or tuple(orjson.loads(same[7])) != clean:
                raise ApiError(422, "idempotency_conflict", "Mã đánh giá đã dùng cho nội dung khác / this rating id "
                                                            "was used with another content")
            return 200, rating_view(same, self.hub.config.tz)
        if self._row("ticket_id = ?", ticket_id) is not None or ticket_id in self._in_flight:
            raise ApiError(409, "already_rated", "Số này đã được đánh giá, xin cảm ơn / this ticket has been rated")
        served = self.hub.staff.served_by(ticket_id)
        if served is None:
            t = self.hub.engine.tickets.get(ticket_id) or self.hub.store.ticket(ticket_id)
            if t is None:
                raise ApiError(404, "unknown_ticket", "Không tìm thấy số này / no such ticket")
            if t.status == TicketStatus.DONE and t.test:
                raise ApiError(409, "test_ticket", "Số thử không được đánh giá / a test ticket is not rated")
            raise ApiError(409, "not_served", "Số này chưa được phục vụ xong / the ticket has not been served")
        counter, clerk, service, finished_at = served
        if counter_scope is not None:
            counter_scope(counter)
        if at > now + MAX_AHEAD_S or not in_window(finished_at=finished_at, rated_at=at, window_s=self._window(channel)):
            raise ApiError(409, "rating_closed", "Đã hết thời gian đánh giá cho số này / the time to rate this service "
                                                 "has passed")
        row = (rating_id, ticket_id, self.hub.engine.local_day(finished_at), counter, clerk, service, level,
               orjson.dumps(list(clean)).decode(), channel, at, now)
        view = rating_view(row, self.hub.config.tz)
        event = self.hub.new_event(EventType.RATING_RECORDED, {"rating": view, "counter": counter})
        self._in_flight.add(ticket_id)
        try:
            await self.hub.store.submit([Change(event=event)], ops=[(_INSERT, row)])
        except StoreError as exc:
            raise store_unavailable() from exc
        finally:
            self._in_flight.discard(ticket_id)
        log.info("rating %s for ticket %s at counter %d: %s (%s)", rating_id, ticket_id, counter, level, channel)
        return 201, view

    # ------------------------------------------------------------------ the summary
    def summary(self, *, first: str, last: str, by: str) -> dict[str, Any]:
        """GET /ratings/summary: per clerk, counter or service over local days first..last (inclusive)."""
        try:
            d0, d1 = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise ApiError(422, "invalid_request", "from, to: dates as YYYY-MM-DD") from None
        if d1 < d0 or (d1 - d0) > timedelta(days=MAX_SUMMARY_DAYS):
            raise ApiError(422, "invalid_request", f"from..to: at most {MAX_SUMMARY_DAYS} days, from before to")
        return summary_from(self.hub.store.read, first=d0.isoformat(), last=d1.isoformat(), by=by,
                            names=self.hub.staff.name_of)


def summary_from(read: Callable[..., list[tuple[Any, ...]]], *, first: str, last: str, by: str,
                 names: Callable[[str | None], str | None]) -> dict[str, Any]:
    """The summary over a database's rows (the hub's reader, or `motcua staff summary` on the file)."""
    if by not in ("clerk", "counter", "service"):
        raise ApiError(422, "invalid_request", "by: clerk, counter or service")
    # Test tickets (commissioning) have no segments; ratings of them are refused, so nothing to filter here.
    segments = [Segment(r[0], int(r[1]), r[2], r[3], float(r[4]), r[5], r[6]) for r in read(
        "SELECT ticket_id, counter, clerk, service, called_at, ended_at, outcome FROM service_segments "
        "WHERE day BETWEEN ? AND ?", (first, last))]
    rows = read("SELECT ticket_id, counter, clerk, service, level, reasons FROM ratings WHERE day BETWEEN ? AND ?",
                (first, last))
    ratings = [(Rating(r[0], int(r[1]), r[2], r[3], r[4]), orjson.loads(r[5])) for r in rows]
    groups = summarize(segments, ratings, by=by)
    if by == "clerk":
        for g in groups:
            g["name"] = names(str(g["key"])) if g["key"] != "-" else None
    return {"from": first, "to": last, "by": by, "levels": {k: {"vi": v.vi, "en": v.en} for k, v in LEVELS.items()},
            "total": totals(r[0].level for r in ratings), "groups": groups}
