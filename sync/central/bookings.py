"""Appointments at the reference central server (đặt lịch hẹn): what each site offers, the bookings, and the
`bookings` feed that carries them to their site.

A mixin of `CentralStore` (same connection, lock and portable SQL):
- a site's `booking.capacity` event (its services, hours and places per slot: motcua.booking) is kept as the
  site's offer; the latest one wins;
- `book` takes a place in a slot if one is free (checked and taken in one transaction), with a random code
  unique for the site and day; `cancel` gives it back; `sweep_no_shows` releases the places of bookings
  nobody checked in for by the end of their window;
- every change of a booking puts it on the site's `bookings` feed: what a check-in needs and nothing more
  (no name, no phone; the CCCD only as a salted HMAC, motcua.booking.id_digest);
- a site's `booking.checked_in` event marks the booking checked in (a repeat changes nothing).

The citizen's name and phone stay here, for the notices they asked for, until `erase_bookings` (retention).
"""
from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import orjson

from motcua import booking as B
from motcua.config import ConfigError
from motcua.worktime import OfficialDays
from sync.central.notices import MIGRATION as NOTICES_MIGRATION
from sync.central.notices import CentralNotices

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

log = logging.getLogger(__name__)

MIGRATION = """
    CREATE TABLE booking_sites (site TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at REAL NOT NULL);
    CREATE TABLE bookings (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        code TEXT NOT NULL,
        service TEXT NOT NULL,
        day TEXT NOT NULL,
        slot TEXT NOT NULL,
        slot_end TEXT NOT NULL,
        start_at REAL NOT NULL,
        status TEXT NOT NULL,
        name TEXT NOT NULL,
        phone TEXT NOT NULL,
        notify INTEGER NOT NULL,
        id_salt TEXT NOT NULL,
        id_digest TEXT NOT NULL,
        ticket_id TEXT,
        created_at REAL NOT NULL,
        status_at REAL NOT NULL,
        erased_at REAL,
        UNIQUE (site, day, code)
    );
    CREATE INDEX bookings_slot ON bookings (site, service, day, slot)
"""
"""Schema 6 of the central store (issue 15)."""
MIGRATIONS = (MIGRATION, NOTICES_MIGRATION)
"""Schemas 6 and 7 (the notification outbox, sync.central.notices)."""

_REMINDERS = uuid.UUID("6f1c9a52-3b8e-4d27-9a41-0c5e8b7d2f13")
"""The namespace of reminder notice ids (uuid5 of the booking's id): one reminder per booking, ever."""
_COLS = "id, site, code, service, day, slot, slot_end, start_at, status, notify, id_salt, id_digest, ticket_id"


class BookingError(Exception):
    """A booking the server refuses: HTTP `status`, stable `code`, a message in Vietnamese then English."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _feed_body(r: Sequence[Any]) -> dict[str, Any]:
    """A booking as its site receives it: what a check-in needs (no name, no phone, no ID number)."""
    return {"id": r[0], "site": r[1], "code": r[2], "service": r[3], "day": r[4], "slot": r[5], "slot_end": r[6],
            "start_at": r[7], "status": r[8], "notify": bool(r[9]), "id_salt": r[10], "id_digest": r[11]}


class CentralBookings(CentralNotices):
    """Bookings (and, from CentralNotices, the notification outbox) of the central store (mixed into CentralStore)."""

    conn: sqlite3.Connection
    lock: threading.RLock

    if TYPE_CHECKING:
        def _tx(self) -> AbstractContextManager[None]: ...  # the store's transaction (not imported: no cycle)

        def _put_feed(self, kind: str, key: str, body: Any, *, site: str | None = None) -> None: ...

    # ------------------------------------------------------------------ from the sites
    def _ingest_bookings(self, site: str, events: Sequence[dict[str, Any]]) -> None:
        """Keep the capacity and the check-ins of newly stored site events (inside the ingest transaction)."""
        now = time.time()
        for e in events:
            if e.get("type") == "booking.capacity" and isinstance(e.get("capacity"), dict):
                body = {**e["capacity"], "site": site}
                self.conn.execute("INSERT INTO booking_sites (site, body, updated_at) VALUES (?, ?, ?) ON CONFLICT(site) "
                                  "DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                                  (site, orjson.dumps(body).decode(), now))
            elif e.get("type") == "booking.checked_in" and isinstance(e.get("booking"), dict):
                b = e["booking"]
                row = self.conn.execute(f"SELECT {_COLS} FROM bookings WHERE id = ? AND site = ?",
                                        (b.get("id"), site)).fetchone()
                if row is None or row[8] == B.BookingStatus.CHECKED_IN.value:
                    continue
                # A check-in stands even after a late cancellation or a no-show sweep: the citizen came.
                self.conn.execute("UPDATE bookings SET status = 'checked_in', ticket_id = ?, status_at = ? WHERE id = ?",
                                  (b.get("ticket_id"), now, row[0]))
                self._put_booking_feed(row[0])

    def _put_booking_feed(self, booking_id: str) -> None:
        row = self.conn.execute(f"SELECT {_COLS} FROM bookings WHERE id = ?", (booking_id,)).fetchone()
        self._put_feed("bookings", booking_id, _feed_body(row), site=row[1])

    # ------------------------------------------------------------------ offers and slots
    _official_cache: tuple[tuple[str, ...], OfficialDays] | None = None

    def official_days(self) -> OfficialDays:
        """The official days off and make-up days (ngày làm bù) the server's sites follow: the shipped table,
        updated by this server's own `calendar` feed (what it sends its sites), the holidays package for a year
        neither covers. Rebuilt only when the feed changes."""
        with self.lock:
            rows = tuple(r[0] for r in self.conn.execute(
                "SELECT body FROM feed_state WHERE kind = 'calendar' ORDER BY key").fetchall())
        cached = self._official_cache
        if cached is not None and cached[0] == rows:
            return cached[1]
        table = OfficialDays.shipped()
        for body in rows:
            try:
                table = table.updated(orjson.loads(body), source="central calendar feed")
            except (ConfigError, ValueError) as exc:  # a bad year is left out, the others still count
                log.warning("calendar year refused for bookings: %s", exc)
        self._official_cache = (rows, table)
        return table

    def booking_sites(self) -> list[dict[str, Any]]:
        """Sites taking bookings, with their services (the booking page's first step)."""
        with self.lock:
            rows = self.conn.execute("SELECT body FROM booking_sites ORDER BY site").fetchall()
        out = [orjson.loads(r[0]) for r in rows]
        return [s for s in out if s.get("enabled") and s.get("services")]

    def _offer(self, site: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT body FROM booking_sites WHERE site = ?", (site,)).fetchone()
        offer = orjson.loads(row[0]) if row else None
        if not offer or not offer.get("enabled"):
            raise BookingError(404, "unknown_site", "Trung tâm này không nhận đặt lịch / this center takes no bookings")
        return offer  # type: ignore[no-any-return]

    def _service(self, offer: dict[str, Any], service: str) -> dict[str, Any]:
        svc = next((s for s in offer["services"] if s["code"] == service), None)
        if svc is None or int(svc.get("per_slot", 0)) <= 0:
            raise BookingError(404, "unknown_service", "Dịch vụ này không nhận đặt lịch / this service takes no bookings")
        return svc

    def slots(self, *, site: str, service: str, day: date, now: float) -> list[dict[str, Any]]:
        """The slots of a day for a service, each with its free places (a slot whose window has passed is gone)."""
        with self.lock:
            offer = self._offer(site)
            svc = self._service(offer, service)
            tz = ZoneInfo(offer.get("timezone") or "Asia/Ho_Chi_Minh")
            self._check_day(offer, day, now, tz)
            official = self.official_days()
            taken = dict(self.conn.execute(
                "SELECT slot, COUNT(*) FROM bookings WHERE site = ? AND service = ? AND day = ? AND status IN (?, ?) "
                "GROUP BY slot", (site, service, day.isoformat(), *sorted(B.HOLDING))).fetchall())
        out = []
        for s in B.day_slots(offer["hours"], day, int(offer["slot_minutes"]), official):
            if s.start_at(day, tz) + int(offer.get("late_min", 0)) * 60 <= now:
                continue
            out.append({"slot": s.label, "end": s.end_label,
                        "free": max(0, int(svc["per_slot"]) - int(taken.get(s.label, 0)))})
        return out

    def closed_reason(self, *, day: date) -> str | None:
        """Why nobody can book on a day by the official calendar ("… là ngày nghỉ … / … day off"), or None."""
        closed = B.day_closed(day, self.official_days())
        return f"{closed[0]} / {closed[1]}" if closed else None

    def open_days(self, *, site: str, now: float) -> list[date]:
        """The days a site can be booked on from today (days it works: not official days off, make-up days in)."""
        with self.lock:
            offer = self._offer(site)
        tz = ZoneInfo(offer.get("timezone") or "Asia/Ho_Chi_Minh")
        official = self.official_days()
        today = datetime.fromtimestamp(now, tz).date()
        return [d for d in B.days_offered(today, int(offer.get("days_ahead", 14)))
                if B.day_slots(offer["hours"], d, int(offer["slot_minutes"]), official)]

    @staticmethod
    def _check_day(offer: dict[str, Any], day: date, now: float, tz: ZoneInfo) -> None:
        today = datetime.fromtimestamp(now, tz).date()
        if not 0 <= (day - today).days <= int(offer.get("days_ahead", 14)):
            raise BookingError(422, "day_not_offered", f"Chỉ đặt lịch từ hôm nay đến {int(offer.get('days_ahead', 14))} "
                                                       "ngày tới / bookings are taken from today to a few days ahead")

    # ------------------------------------------------------------------ citizens
    def book(self, *, site: str, service: str, day: date, slot: str, name: str, phone: str, id_number: str,
             notify: bool, now: float) -> dict[str, Any]:
        """Take a place in a slot: the booking (its id for the QR, its code to type), or BookingError."""
        if len(B.normalise_id_number(id_number)) not in (9, 12):
            raise BookingError(422, "invalid_id_number", "Số CCCD gồm 12 chữ số / a CCCD number has 12 digits")
        if notify and len(B.normalise_id_number(phone)) < 9:
            raise BookingError(422, "phone_required", "Cần số điện thoại để nhận thông báo / notices need a phone number")
        with self._tx():
            offer = self._offer(site)
            svc = self._service(offer, service)
            tz = ZoneInfo(offer.get("timezone") or "Asia/Ho_Chi_Minh")
            self._check_day(offer, day, now, tz)
            official = self.official_days()
            closed = B.day_closed(day, official)
            if closed is not None:
                raise BookingError(422, "day_off", f"{closed[0]} / {closed[1]}")
            s = B.find_slot(offer["hours"], day, int(offer["slot_minutes"]), slot, official)
            if s is None or s.start_at(day, tz) + int(offer.get("late_min", 0)) * 60 <= now:
                raise BookingError(422, "slot_not_offered", "Không có khung giờ này / no such slot on that day")
            holding = sorted(B.HOLDING)
            for salt, digest in self.conn.execute(
                    "SELECT id_salt, id_digest FROM bookings WHERE site = ? AND service = ? AND day = ? AND status IN (?, ?)",
                    (site, service, day.isoformat(), *holding)).fetchall():
                if B.id_digest(salt, id_number) == digest:
                    raise BookingError(409, "already_booked", "Bạn đã đặt lịch dịch vụ này trong ngày / you already have a "
                                                              "booking for this service on that day")
            taken = self.conn.execute("SELECT COUNT(*) FROM bookings WHERE site = ? AND service = ? AND day = ? AND "
                                      "slot = ? AND status IN (?, ?)",
                                      (site, service, day.isoformat(), slot, *holding)).fetchone()[0]
            if taken >= int(svc["per_slot"]):
                raise BookingError(409, "slot_full", "Khung giờ này đã hết chỗ, xin chọn giờ khác / this slot is full")
            code = B.new_code()
            while self.conn.execute("SELECT 1 FROM bookings WHERE site = ? AND day = ? AND code = ?",
                                    (site, day.isoformat(), code)).fetchone():
                code = B.new_code()
            booking_id = str(uuid.uuid4())
            salt = B.new_salt()
            self.conn.execute(
                "INSERT INTO bookings (id, site, code, service, day, slot, slot_end, start_at, status, name, phone, notify, "
                "id_salt, id_digest, created_at, status_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?, ?, ?)",
                (booking_id, site, code, service, day.isoformat(), s.label, s.end_label, s.start_at(day, tz),
                 name.strip(), B.normalise_id_number(phone), int(notify), salt, B.id_digest(salt, id_number), now, now))
            self._put_booking_feed(booking_id)
        log.info("booking %s for site %s, service %s, %s %s", booking_id, site, service, day, slot)
        return self.booking(booking_id) or {}

    def booking(self, booking_id: str) -> dict[str, Any] | None:
        """A booking as its citizen sees it (the phone masked, never the ID number), by id."""
        with self.lock:
            row = self.conn.execute(f"SELECT {_COLS}, phone, name FROM bookings WHERE id = ?", (booking_id,)).fetchone()
            offer_row = self.conn.execute("SELECT body FROM booking_sites WHERE site = ?", (row[1],)).fetchone() \
                if row else None
        if row is None:
            return None
        offer = orjson.loads(offer_row[0]) if offer_row else {}
        svc: dict[str, Any] = next((s for s in offer.get("services", []) if s["code"] == row[3]), {})
        return {"id": row[0], "site": row[1], "site_name": offer.get("name", row[1]), "code": row[2],
                "service": row[3], "service_name": svc.get("name", row[3]), "service_name_en": svc.get("name_en", ""),
                "day": row[4], "slot": row[5], "slot_end": row[6], "status": row[8], "notify": bool(row[9]),
                "phone_masked": B.mask_phone(row[13]) if row[13] else "", "early_min": offer.get("early_min", 15),
                "late_min": offer.get("late_min", 15)}

    def cancel_booking(self, booking_id: str, *, now: float) -> dict[str, Any]:
        """Hủy lịch: the citizen gives the place back (a booking already checked in stays)."""
        with self._tx():
            row = self.conn.execute("SELECT status FROM bookings WHERE id = ?", (booking_id,)).fetchone()
            if row is None:
                raise BookingError(404, "unknown_booking", "Không tìm thấy lịch hẹn / no such booking")
            if row[0] == B.BookingStatus.CHECKED_IN.value:
                raise BookingError(409, "already_checked_in", "Lịch hẹn đã được dùng / this booking was already used")
            if row[0] == B.BookingStatus.BOOKED.value:
                self.conn.execute("UPDATE bookings SET status = 'cancelled', status_at = ? WHERE id = ?", (now, booking_id))
                # A reminder not yet sent is withdrawn with the booking (one being sent right now may still go).
                self.conn.execute("UPDATE notices SET status = 'cancelled' WHERE booking_id = ? AND kind = "
                                  "'booking_reminder' AND status = 'pending'", (booking_id,))
                self._put_booking_feed(booking_id)
                log.info("booking %s cancelled", booking_id)
        return self.booking(booking_id) or {}

    def sweep_no_shows(self, *, now: float) -> int:
        """Bookings nobody checked in for by the end of their window become no-shows (their place is released)."""
        with self._tx():
            rows = self.conn.execute("SELECT b.id, b.start_at, s.body FROM bookings b JOIN booking_sites s "
                                     "ON s.site = b.site WHERE b.status = 'booked' AND b.start_at < ?", (now,)).fetchall()
            gone = [bid for bid, start, body in rows if start + int(orjson.loads(body).get("late_min", 15)) * 60 < now]
            for bid in gone:
                self.conn.execute("UPDATE bookings SET status = 'no_show', status_at = ? WHERE id = ?", (now, bid))
                self._put_booking_feed(bid)
        return len(gone)

    def queue_reminders(self, *, now: float, at: time_of_day, days_before: int = 1) -> int:
        """Nhắc lịch hẹn: put a reminder in the notification outbox for each booking whose reminder time (`at`,
        local, `days_before` its day: the afternoon before) has come, once per booking whatever how often this
        runs (its notice id is made from the booking's). Only bookings still booked, whose citizen gave a phone
        with consent, whose slot is ahead and that were made before their reminder time (a citizen who books the
        evening before needs none); the text names the time, the day, the service and the center, never the
        citizen nor the booking code."""
        queued = 0
        with self._tx():
            rows = self.conn.execute(
                "SELECT b.id, b.site, b.service, b.day, b.slot, b.created_at, b.phone, s.body FROM bookings b "
                "JOIN booking_sites s ON s.site = b.site LEFT JOIN notices n ON n.booking_id = b.id "
                "AND n.kind = 'booking_reminder' WHERE b.status = 'booked' AND b.notify = 1 AND b.erased_at IS NULL "
                "AND b.phone != '' AND b.start_at > ? AND n.id IS NULL", (now,)).fetchall()
            for bid, site, service, day, slot, created, phone, body in rows:
                offer = orjson.loads(body)
                tz = ZoneInfo(offer.get("timezone") or "Asia/Ho_Chi_Minh")
                d = date.fromisoformat(day) - timedelta(days=days_before)
                due = datetime.combine(d, at, tzinfo=tz).timestamp()
                if now < due or created >= due:
                    continue
                svc: dict[str, Any] = next((v for v in offer.get("services", []) if v.get("code") == service), {})
                text = (f"Nhắc lịch hẹn: {slot} ngày {date.fromisoformat(day):%d/%m/%Y}, {svc.get('name', service)}, "
                        f"{offer.get('name', site)}. Xin mang theo CCCD và mã đặt lịch. / Reminder: your appointment at "
                        f"{slot} on {day}.")
                notice_id = str(uuid.uuid5(_REMINDERS, bid))
                h = hashlib.sha256(notice_id.encode()).hexdigest()
                self.conn.execute(
                    "INSERT INTO notices (id, site, kind, text, recipient, booking_id, body_hash, status, next_at, "
                    "created_at) VALUES (?, ?, 'booking_reminder', ?, ?, ?, ?, 'pending', ?, ?) "
                    "ON CONFLICT(id) DO NOTHING", (notice_id, site, text, phone, bid, h, now, now))
                queued += 1
        if queued:
            log.info("queued %d booking reminder(s)", queued)
        return queued

    def notice_recipient(self, booking_id: str) -> str | None:
        """The phone a booking's citizen gave with consent to notices, or None."""
        with self.lock:
            row = self.conn.execute("SELECT phone, notify, erased_at FROM bookings WHERE id = ?", (booking_id,)).fetchone()
        return str(row[0]) if row and row[1] and row[0] and row[2] is None else None

    def erase_bookings(self, *, now: float, days: float) -> int:
        """Erase the name and phone of bookings whose day is more than `days` past (Decree 13/2023/NĐ-CP)."""
        cutoff = now - days * 86400 - 86400
        with self._tx():
            n = self.conn.execute("UPDATE bookings SET name = '', phone = '', notify = 0, erased_at = ? "
                                  "WHERE erased_at IS NULL AND start_at < ?", (now, cutoff)).rowcount
        if n:
            log.info("erased the personal data of %d past booking(s)", n)
        return int(n)
