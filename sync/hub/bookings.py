"""Appointments at the hub (đặt lịch hẹn): what the site offers, and checking in the bookings it received.

The site's offer (`motcua.booking.capacity_document`) goes upstream as a `booking.capacity` event whenever
it changes (at start and after a reload). Bookings come down on the central server's `bookings` feed into
the feed items (the relay's cursored pulls), so the hub checks in what it has received even when the link
to the province is down.

A check-in inside the booking's window issues a ticket of the appointment category that goes ahead of
walk-ins from its slot's start (motcua.queue); outside it, a normal number and the reason. The ticket, the
`booking_checkins` row and a `booking.checked_in` event commit in one transaction (ARCHITECTURE rule 2), once
per booking: a second check-in answers the first ticket. Nothing of the citizen is kept or logged: the
CCCD number a kiosk sends is compared with the booking's salted digest and forgotten.
"""
from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from motcua import booking as B
from motcua.clock import iso
from motcua.contract import EventType
from motcua.queue import Change, QueueError
from sync.hub.auth import Principal
from sync.hub.errors import ApiError, store_unavailable
from sync.hub.models import CheckinRequest
from sync.store import PUT_META, StoreError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from motcua.clock import Clock
    from motcua.config import SiteConfig
    from motcua.queue import Event, QueueEngine
    from sync.hub.notices import HubNotices
    from sync.hub.operations import Operations
    from sync.store import SiteStore


class BookingHost(Protocol):
    """What the bookings use of the hub (sync.hub.service.Hub; not imported, so no import cycle)."""

    config: SiteConfig
    store: SiteStore
    clock: Clock
    engine: QueueEngine
    central_url: str
    notices: HubNotices
    operations: Operations
    metrics: Any
    """sync.hub.metrics.HubMetrics: `count(changes)`."""

    def new_event(self, type_: EventType, data: dict[str, Any]) -> Event:
        """An event with the next sequence."""

    async def commit(self, changes: Iterable[Change]) -> None:
        """Persist changes durably (ApiError 503 if the database refused them)."""

log = logging.getLogger(__name__)

CAPACITY_KEY = "booking_capacity_sha256"
_CHECKIN = "INSERT INTO booking_checkins (booking_id, ticket_id, verdict, day, at) VALUES (?, ?, ?, ?, ?)"
_TODAY = ("SELECT body FROM feed_items WHERE kind = 'bookings' AND json_extract(body, '$.day') = ? "
          "AND json_extract(body, '$.site') = ?")


class HubBookings:
    """The site's offer and today's check-ins."""

    def __init__(self, hub: BookingHost) -> None:
        self.hub = hub
        self.checked_in: dict[str, str] = {}
        """booking id -> ticket id, for every check-in the database holds (a repeat answers the first ticket)."""

    def load(self) -> None:
        """Read the check-ins the database holds (at start)."""
        self.checked_in = dict(self.hub.store.read("SELECT booking_id, ticket_id FROM booking_checkins"))

    def capacity_change(self) -> tuple[Change, tuple[str, Any]] | None:
        """The `booking.capacity` event to send when the offer differs from the last one sent, else None."""
        doc = B.capacity_document(self.hub.config)
        digest = hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()
        row = self.hub.store.read("SELECT value FROM meta WHERE key = ?", (CAPACITY_KEY,))
        if row and row[0][0] == digest:
            return None
        return Change(event=self.hub.new_event(EventType.BOOKING_CAPACITY, {"capacity": doc})), (PUT_META, (CAPACITY_KEY, digest))

    async def publish_capacity(self) -> None:
        """Send the offer upstream if it changed (a hub without a central server has nobody to tell)."""
        if not self.hub.central_url:
            return
        found = self.capacity_change()
        if found is None:
            return
        change, op = found
        try:
            await self.hub.store.submit([change], ops=[op])
        except StoreError as exc:
            log.warning("the booking offer was not recorded, will retry at the next start or reload: %s", exc)

    # ------------------------------------------------------------------ reading bookings
    def today(self) -> list[dict[str, Any]]:
        """Today's bookings as received from the central server (no personal data but the ID digest)."""
        day = self.hub.engine.local_day(self.hub.clock.time())
        rows = self.hub.store.read(_TODAY, (day, self.hub.config.site.code))
        return [orjson.loads(r[0]) for r in rows]

    def find(self, body: CheckinRequest) -> dict[str, Any] | None:
        """The booking a check-in names (any day for the QR's id; today's for a code or a CCCD)."""
        site = self.hub.config.site.code
        if body.qr:
            booking_id = B.booking_id_in(body.qr)
            if booking_id is None:
                raise ApiError(422, "not_a_booking_qr", "Mã QR này không phải mã đặt lịch / this QR is not a booking's")
            rows = self.hub.store.read("SELECT body FROM feed_items WHERE kind = 'bookings' AND key = ?", (booking_id,))
            found = orjson.loads(rows[0][0]) if rows else None
            return found if found is not None and found.get("site") == site else None
        todays = self.today()
        if body.code:
            return next((b for b in todays if b.get("code") == body.code.strip()), None)
        if body.id_number:
            # Several bookings of one citizen today (two services): the first one not yet checked in.
            mine = [b for b in todays if B.id_matches(b, body.id_number)]
            mine.sort(key=lambda b: (b["id"] in self.checked_in, b.get("start_at", 0)))
            return mine[0] if mine else None
        raise ApiError(422, "invalid_request", "Gửi qr, code hoặc id_number / send qr, code or id_number")

    def view(self, b: dict[str, Any]) -> dict[str, Any]:
        """A booking as devices see it."""
        svc = self.hub.config.service(str(b.get("service")))
        cfg, tz = self.hub.config.bookings, self.hub.config.tz
        start = float(b.get("start_at") or 0)
        return {"id": b["id"], "code": b.get("code"), "service": b.get("service"),
                "honoured_from": iso(start - cfg.early_min * 60, tz), "honoured_until": iso(start + cfg.late_min * 60, tz),
                "service_name": svc.name if svc else b.get("service"), "day": b.get("day"), "slot": b.get("slot"),
                "slot_end": b.get("slot_end"), "status": b.get("status"),
                "checked_in": b["id"] in self.checked_in, "ticket_id": self.checked_in.get(b["id"])}

    # ------------------------------------------------------------------ check-in
    async def checkin(self, p: Principal, body: CheckinRequest) -> dict[str, Any]:
        """Check a booking in: its ticket (on time: the appointment category; early or late: a normal number)."""
        hub = self.hub
        b = self.find(body)
        if b is None:
            raise ApiError(404, "unknown_booking", "Không tìm thấy lịch hẹn hôm nay / no booking found for today")
        now = hub.clock.time()
        today = hub.engine.local_day(now)
        if b.get("day") != today:
            raise ApiError(409, "booking_other_day", f"Lịch hẹn này vào ngày {_dmy(b.get('day'))} / this booking is for "
                                                     f"another day ({b.get('day')})")
        if b.get("status") == B.BookingStatus.CANCELLED.value:
            raise ApiError(409, "booking_cancelled", "Lịch hẹn này đã bị hủy / this booking was cancelled")
        ticket_id = self.checked_in.get(b["id"])
        if ticket_id is not None:
            t = hub.engine.tickets.get(ticket_id)
            if t is None:
                raise ApiError(409, "already_checked_in", "Lịch hẹn này đã được dùng / this booking was already used")
            return {"ticket": hub.engine.view(t), "booking": self.view(b), "verdict": self._verdict_of(b["id"]),
                    "repeat": True}
        if hub.config.service(str(b.get("service"))) is None:
            raise ApiError(409, "unknown_service", "Trung tâm không còn dịch vụ này / the site no longer has this service")
        # Paused by the manager: refused before anything is written, so the booking stays unused and the same
        # citizen checks in once issuing resumes (inside the window: the appointment category as usual).
        hub.operations.refuse_if_paused(str(b["service"]), booking=True)
        cfg = hub.config.bookings
        v = B.verdict(now, float(b["start_at"]), early_min=cfg.early_min, late_min=cfg.late_min)
        booked = v == B.Verdict.ON_TIME and any(c.code == B.APPOINTMENT for c in hub.config.priority_categories)
        changes: list[Change] = []
        roll = hub.engine.rollover_if_needed()
        if roll is not None:
            changes.append(roll)
        try:
            issued = hub.engine.issue(str(b["service"]), priority=B.APPOINTMENT if booked else None, channel="booking",
                                      request_id=body.request_id, not_before=float(b["start_at"]) if booked else None)
        except QueueError as exc:
            if changes:
                await hub.commit(changes)
            raise ApiError(exc.status, exc.code, exc.message) from exc
        t = issued.ticket
        assert t is not None
        self.checked_in[b["id"]] = t.id  # before the await: a second check-in meanwhile answers this ticket
        changes.append(issued)
        changes.append(Change(event=hub.new_event(EventType.BOOKING_CHECKED_IN, {"booking": {
            "id": b["id"], "code": b.get("code"), "ticket_id": t.id, "verdict": v.value, "at": iso(now, hub.config.tz)}})))
        ops: list[tuple[str, Any]] = [(_CHECKIN, (b["id"], t.id, v.value, today, now))]
        if b.get("notify"):  # the citizen agreed to notices when booking: their number stays at the central server
            ops.append(hub.notices.booking_subscription(ticket_id=t.id, booking_id=b["id"]))
        try:
            await hub.store.submit(changes, ops=ops)
        except StoreError as exc:
            self.checked_in.pop(b["id"], None)
            raise store_unavailable() from exc
        hub.metrics.count(changes)
        log.info("booking %s checked in (%s) as ticket %s", b["id"], v.value, t.display)
        return {"ticket": hub.engine.view(t), "booking": self.view(b), "verdict": v.value, "repeat": False}

    def expected_today(self) -> dict[str, int]:
        """Per service, today's bookings still expected: booked, not checked in here, and their window (up to
        `[bookings] late_min` after the slot's start) not over yet — the citizens a pause would turn away."""
        now, late = self.hub.clock.time(), self.hub.config.bookings.late_min * 60
        out: dict[str, int] = {}
        for b in self.today():
            if (b.get("status") == B.BookingStatus.BOOKED.value and b["id"] not in self.checked_in
                    and float(b.get("start_at") or 0) + late >= now):
                service = str(b.get("service"))
                out[service] = out.get(service, 0) + 1
        return out

    def _verdict_of(self, booking_id: str) -> str:
        rows = self.hub.store.read("SELECT verdict FROM booking_checkins WHERE booking_id = ?", (booking_id,))
        return str(rows[0][0]) if rows else B.Verdict.ON_TIME.value

    def erase_past(self, *, before_day: str) -> tuple[str, tuple[str]]:
        """The statement that drops the bookings of days before `before_day` (their ID digests go with them)."""
        return ("DELETE FROM feed_items WHERE kind = 'bookings' AND json_extract(body, '$.day') < ?", (before_day,))


def _dmy(day: Any) -> str:
    text = str(day or "")
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}" if len(text) == 10 else text
