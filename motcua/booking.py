"""Appointments booked ahead (đặt lịch hẹn): slots, capacity, the check-in window. Pure: no I/O.

A site publishes what it offers (`capacity_document`: its services, hours and how many citizens each slot
takes); the central server books slots against it and sends each booking to the site on a cursored feed.
At the kiosk a booking is honoured inside a window around its slot's start (`[bookings] early_min` before
to `late_min` after); outside it the citizen gets a normal number and a polite explanation.

A booking reaches the hub without the citizen's name or phone: only what a check-in needs. The CCCD
number is there as a salted HMAC (`id_digest`), so the kiosk can match a scanned card without the hub
keeping anyone's ID number.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from motcua.config import WEEKDAYS, Service, SiteConfig, Span
from motcua.worktime import OfficialDays

CODE_DIGITS = 8
"""Booking codes are digits (a kiosk's keypad types them), random, unique per site and day."""
_CODE = re.compile(rf"^\d{{{CODE_DIGITS}}}$")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
APPOINTMENT = "appointment"
"""The priority category of a booking checked in on time."""


class Verdict(str, enum.Enum):
    """Where a check-in falls against its booking's window."""

    ON_TIME = "on_time"
    EARLY = "early"
    LATE = "late"


class BookingStatus(str, enum.Enum):
    """A booking's life at the central server."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"


HOLDING = frozenset({BookingStatus.BOOKED.value, BookingStatus.CHECKED_IN.value})
"""Statuses that hold a place in their slot (a cancellation or a no-show releases it)."""


def bookable_services(config: SiteConfig) -> list[Service]:
    """The services of a site that take bookings."""
    chosen = set(config.bookings.services)
    return [s for s in config.services if not chosen or s.code in chosen]


def slot_capacity(config: SiteConfig, service: Service) -> int:
    """Citizens one slot of a service takes: its counters' throughput in a slot times the booking share."""
    counters = sum(1 for c in config.counters if service.code in c.services)
    per_counter = config.bookings.slot_minutes * 60 / service.average_service_s
    return max(0, int(counters * per_counter * config.bookings.share))


def capacity_document(config: SiteConfig) -> dict[str, Any]:
    """What the site offers for booking, as it sends it to the central server (no personal data)."""
    b = config.bookings
    return {
        "site": config.site.code,
        "name": config.site.name,
        "name_en": config.site.name_en,
        "timezone": config.site.timezone,
        "enabled": b.enabled,
        "slot_minutes": b.slot_minutes,
        "early_min": b.early_min,
        "late_min": b.late_min,
        "days_ahead": b.days_ahead,
        "hours": {d: [str(s) for s in config.hours.sessions(i + 1)] for i, d in enumerate(WEEKDAYS)},
        "services": [{"code": s.code, "name": s.name, "name_en": s.name_en, "per_slot": slot_capacity(config, s)}
                     for s in bookable_services(config)],
    }


@dataclass(frozen=True, slots=True)
class Slot:
    """One bookable slot of a day: local start and end, minutes since midnight."""

    start_min: int
    end_min: int

    @property
    def label(self) -> str:
        """"08:00"."""
        return f"{self.start_min // 60:02d}:{self.start_min % 60:02d}"

    @property
    def end_label(self) -> str:
        """"08:30"."""
        return f"{self.end_min // 60:02d}:{self.end_min % 60:02d}"

    def start_at(self, day: date, tz: ZoneInfo) -> float:
        """The slot's start as Unix seconds."""
        return datetime(day.year, day.month, day.day, self.start_min // 60, self.start_min % 60, tzinfo=tz).timestamp()


MAKE_UP_HOURS = "mon"
"""A make-up working day (ngày làm bù, a Saturday worked) keeps a normal weekday's hours: Monday's, as the
history and forecast take them (sync.history)."""


def day_closed(day: date, official: OfficialDays) -> tuple[str, str] | None:
    """Why no slot is offered on a day by the official calendar, as (Vietnamese, English), or None when it
    is not an official day off. Weekends with no hours need no reason: they simply have no slots."""
    if official.is_make_up_day(day) or not official.is_day_off(day):
        return None
    name = next((n for d, n in official.days_off(day.year) if d == day), "") or "ngày nghỉ lễ"
    return (f"Ngày {day:%d/%m/%Y} là ngày nghỉ ({name}), trung tâm không làm việc",
            f"{day.isoformat()} is an official day off: the center is closed")


def day_hours(hours: dict[str, list[str]], day: date, official: OfficialDays | None = None) -> list[str]:
    """The sessions a site works on a day: none on an official day off (Tết, a national holiday, a swapped day,
    whatever its weekday), a weekday's on a make-up Saturday, else the day's own weekday's."""
    if official is not None:
        if official.is_make_up_day(day):
            return list(hours.get(MAKE_UP_HOURS, []))
        if official.is_day_off(day):
            return []
    return list(hours.get(WEEKDAYS[day.weekday()], []))


def day_slots(hours: dict[str, list[str]], day: date, slot_minutes: int,
              official: OfficialDays | None = None) -> list[Slot]:
    """The slots of a day: each working session cut into whole slots (a remainder shorter than a slot is not
    offered). `hours` is the capacity document's weekday -> ["07:30-11:30", ...]; with `official` (the days-off
    table) the official calendar decides which days are worked (day_hours)."""
    out: list[Slot] = []
    for text in day_hours(hours, day, official):
        span = Span.parse(text)
        start = span.start_min
        while start + slot_minutes <= span.end_min:
            out.append(Slot(start, start + slot_minutes))
            start += slot_minutes
    return out


def find_slot(hours: dict[str, list[str]], day: date, slot_minutes: int, label: str,
              official: OfficialDays | None = None) -> Slot | None:
    """The slot of a day that starts at "HH:MM", if the site offers one."""
    return next((s for s in day_slots(hours, day, slot_minutes, official) if s.label == label), None)


def verdict(now: float, slot_start: float, *, early_min: int, late_min: int) -> Verdict:
    """Whether a check-in at `now` is inside the booking's window around its slot's start."""
    if now < slot_start - early_min * 60:
        return Verdict.EARLY
    if now > slot_start + late_min * 60:
        return Verdict.LATE
    return Verdict.ON_TIME


def new_code() -> str:
    """A random booking code (8 digits); the caller makes it unique among the site's bookings of the day."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def is_code(text: str) -> bool:
    """Whether a typed text is a booking code."""
    return bool(_CODE.match(text.strip()))


def booking_id_in(text: str) -> str | None:
    """The booking id a QR carries (its booking page's address, or the id alone), else None."""
    m = _UUID.search(text.strip().lower())
    return m.group(0) if m else None


def new_salt() -> str:
    """A fresh salt for one booking's ID digest."""
    return secrets.token_hex(16)


def normalise_id_number(text: str) -> str:
    """A CCCD number as digits only (a card's QR and a typed number compare equal)."""
    return "".join(ch for ch in text if ch.isdigit())


def id_digest(salt: str, id_number: str) -> str:
    """HMAC-SHA256 of a CCCD number under one booking's salt: matches a scanned card, reveals no number."""
    return hmac.new(bytes.fromhex(salt), normalise_id_number(id_number).encode(), hashlib.sha256).hexdigest()


def id_matches(body: dict[str, Any], id_number: str) -> bool:
    """Whether a booking (as the hub holds it) was made with this CCCD number."""
    salt, digest = body.get("id_salt"), body.get("id_digest")
    if not isinstance(salt, str) or not isinstance(digest, str) or not normalise_id_number(id_number):
        return False
    return hmac.compare_digest(id_digest(salt, id_number).encode(), digest.encode())


def days_offered(today: date, days_ahead: int) -> list[date]:
    """The days a citizen may book, today first."""
    return [today + timedelta(days=i) for i in range(days_ahead + 1)]


def mask_phone(phone: str) -> str:
    """"09******78": enough for the citizen to recognise their number, not enough to call it."""
    digits = normalise_id_number(phone)
    return digits[:2] + "*" * max(0, len(digits) - 4) + digits[-2:] if len(digits) >= 6 else "***"
