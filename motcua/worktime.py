"""Working-time calendar (lịch làm việc) and the return time of a dossier (thời gian trả kết quả).

Rules (DOMAIN.md "Counting the processing time"):

- A working day has configurable sessions, default 07:30–11:30 and 13:00–17:00, optionally different
  between two dates of every year (summer and winter hours). Monday to Friday work; Saturdays and
  Sundays are off, except official make-up Saturdays (ngày làm bù), which are worked.
- Official days off come from an override table (`assets/calendar/vn-official-days.toml`, updated by
  the central server). A year the table covers is taken from the table alone: the government's
  published schedule is the truth, swapped days included. A year it does not cover falls back to the
  `holidays` package's Vietnam calendar (lunar dates for UTC+7). That package knows a few swapped
  weekdays off but not the matching make-up Saturdays, and not every swap (2026-01-02 is missing):
  ship the year in the table as soon as it is published.
- Counting starts at the received time if it falls in a session; otherwise at the next session's
  start (lunch → the afternoon; evening, weekend, day off → the next working day's start). With a
  per-procedure cut-off, a dossier received on a working day strictly after the cut-off (15:00:01
  for a 15:00 cut-off) counts from the next working day's start.
- A duration is working time: `days` are converted with the length of a working day (8 h with the
  default sessions; set `WorkingHours.hours_per_day` when seasons differ in length), `hours` are
  hours. The due time is the earliest instant at which that much working time has passed; so one
  day from 07:30 Monday is 17:00 Monday, and one day from 09:00 Monday is 09:00 Tuesday.
- Waiting for the citizen to supplement the dossier (chờ bổ sung hồ sơ) pauses the clock: `pauses`
  is a list of closed intervals whose working time does not count. For a pause still running, pass
  the current time as its end (the due then assumes the dossier resumes now).

Times may be naive (local time of the calendar's zone) or aware (converted to that zone); the due
time comes back in the same form. Vietnam has had no daylight saving time since 1975, so local wall
time is a plain offset of UTC+7.
"""
from __future__ import annotations

import enum
import itertools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from motcua import formats
from motcua.clock import VIETNAM_TZ
from motcua.config import ConfigError

#: The shipped override table of official days off and make-up Saturdays.
OFFICIAL_DAYS_PATH = Path(__file__).resolve().parent.parent / "assets" / "calendar" / "vn-official-days.toml"

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_DURATION = re.compile(
    r"^\s*(?:(?P<d>\d+(?:[.,]\d+)?)\s*d)?\s*(?:(?P<h>\d+(?:[.,]\d+)?)\s*h)?\s*$", re.IGNORECASE)
# A calendar in which no working day turns up within ten years is misconfigured; stop instead of
# looping forever.
_MAX_SCAN_DAYS = 3660
_MAX_DURATION_DAYS = 3650


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------------------------------
# Working hours


class Session(_Model):
    """Một buổi làm việc: a working session of a day, [start, end)."""

    start: time
    end: time

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            m = _SPAN.match(value)
            if not m:
                raise ValueError(f'expected a session like "07:30-11:30", got {value!r}')
            h1, m1, h2, m2 = (int(g) for g in m.groups())
            if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
                raise ValueError(f"not a time of day in {value!r}")
            return {"start": time(h1, m1), "end": time(h2, m2)}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Session:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("session times are local wall times, without a zone")
        if self.end <= self.start:
            raise ValueError(f"the end must be after the start in {self}")
        return self

    @property
    def length(self) -> timedelta:
        """How long the session lasts."""
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _check_sessions(sessions: Sequence[Session]) -> None:
    if not sessions:
        raise ValueError("at least one session is needed")
    for a, b in itertools.pairwise(sessions):
        if b.start < a.end:
            raise ValueError(f"sessions must be in order and must not overlap ({a}, {b})")


def _month_day(text: str) -> tuple[int, int]:
    m = _MONTH_DAY.match(text)
    if not m:
        raise ValueError(f'expected a month and day like "04-15", got {text!r}')
    month, day = int(m.group(1)), int(m.group(2))
    try:
        date(2024, month, day)  # a leap year, so "02-29" is accepted
    except ValueError:
        raise ValueError(f"not a day of the year: {text!r}") from None
    return month, day


class Season(_Model):
    """Giờ làm việc theo mùa: sessions used from `start` to `end` (MM-DD, inclusive) of every year."""

    name: str = ""
    start: str
    end: str
    sessions: tuple[Session, ...]

    @field_validator("start", "end")
    @classmethod
    def _md(cls, value: str) -> str:
        _month_day(value)
        return value

    @field_validator("sessions")
    @classmethod
    def _sessions(cls, value: tuple[Session, ...]) -> tuple[Session, ...]:
        _check_sessions(value)
        return value

    def covers(self, day: date) -> bool:
        """Whether the season includes this date (a season may run across the new year)."""
        md, start, end = (day.month, day.day), _month_day(self.start), _month_day(self.end)
        if start <= end:
            return start <= md <= end
        return md >= start or md <= end


_DEFAULT_SESSIONS = ("07:30-11:30", "13:00-17:00")


class WorkingHours(_Model):
    """Giờ làm việc hành chính: sessions of a working day, optional seasons, the length of a day."""

    sessions: tuple[Session, ...] = Field(
        default_factory=lambda: tuple(Session.model_validate(s) for s in _DEFAULT_SESSIONS))
    """Sessions of a working day outside any season (default 07:30–11:30 and 13:00–17:00)."""
    seasons: tuple[Season, ...] = ()
    """Summer/winter hours; the first season covering a date wins."""
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    """ISO weekdays that are working days (Monday = 1); other days work only as make-up days."""
    hours_per_day: float | None = Field(default=None, gt=0, le=24)
    """Working hours in one day of a duration; None: the total of `sessions` (8 h by default)."""

    @field_validator("sessions")
    @classmethod
    def _sessions(cls, value: tuple[Session, ...]) -> tuple[Session, ...]:
        _check_sessions(value)
        return value

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(not 1 <= d <= 7 for d in value) or len(set(value)) != len(value):
            raise ValueError("expected distinct ISO weekdays 1..7 (Monday = 1)")
        return value

    def sessions_on(self, day: date) -> tuple[Session, ...]:
        """The sessions of a working day at this date (season aware)."""
        for season in self.seasons:
            if season.covers(day):
                return season.sessions
        return self.sessions

    @property
    def day_length(self) -> timedelta:
        """The working time in one day of a duration."""
        if self.hours_per_day is not None:
            return timedelta(hours=self.hours_per_day)
        return sum((s.length for s in self.sessions), timedelta())


# --------------------------------------------------------------------------------------------------
# Official days off


class OfficialDay(_Model):
    """A date with an optional name ("Tết Nguyên đán")."""

    date: date
    name: str = ""

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: Any) -> Any:
        if isinstance(value, (str, date)):
            return {"date": value}
        return value


class YearDays(_Model):
    """The published schedule of one year: weekdays off and make-up Saturdays (ngày làm bù)."""

    days_off: tuple[OfficialDay, ...] = ()
    """Ngày nghỉ: days off (listing a weekend day is allowed and changes nothing)."""
    make_up_days: tuple[OfficialDay, ...] = ()
    """Ngày làm bù: weekend days that are worked."""
    source: str = ""
    """Where the schedule was published."""


def _validate_year(year: int, days: YearDays, key: str) -> None:
    off = [d.date for d in days.days_off]
    work = [d.date for d in days.make_up_days]
    for name, items in (("days_off", off), ("make_up_days", work)):
        for i, d in enumerate(items):
            if d.year != year:
                raise ValueError(f"{key}.{name}[{i}]: {d.isoformat()} is not in {year}")
            if d in items[:i]:
                raise ValueError(f"{key}.{name}[{i}]: {d.isoformat()} is listed twice")
    for i, d in enumerate(work):
        if d.isoweekday() < 6:
            raise ValueError(f"{key}.make_up_days[{i}]: {d.isoformat()} is a weekday; "
                             "a make-up day is a Saturday or Sunday")
        if d in off:
            raise ValueError(f"{key}.make_up_days[{i}]: {d.isoformat()} is also a day off")


class _Table(_Model):
    format: int = 1
    years: dict[int, YearDays] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _years(self) -> _Table:
        if self.format != 1:
            raise ValueError(f"format: unsupported format {self.format} (this version reads 1)")
        for year, days in self.years.items():
            if not 1900 <= year <= 2200:
                raise ValueError(f"years.{year}: not a plausible year")
            _validate_year(year, days, f"years.{year}")
        return self


def _problem(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    key = ""
    for part in err.get("loc", ()):
        if part == "[key]":
            continue
        # list positions as [i], like the model-level messages; year keys stay ".2026"
        key += f"[{part}]" if isinstance(part, int) and not key.endswith("years") else f".{part}"
    key = key.lstrip(".")
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    m = re.match(r"^((?:years|format)[\w.\[\]]*): (.*)$", msg, re.DOTALL)
    if m:
        key, msg = m.group(1), m.group(2)
    elif err.get("type") == "extra_forbidden":
        msg = "unknown key (check the spelling)"
    elif "input" in err and err.get("type") != "value_error":
        msg = f"{msg}; got {err['input']!r}"
    return key, msg


class OfficialDays:
    """Bảng ngày nghỉ lễ, Tết chính thức: the override table, falling back to the `holidays` package."""

    def __init__(self, years: Mapping[int, YearDays] | None = None, *, fallback: bool = True) -> None:
        self._years: dict[int, YearDays] = dict(years or {})
        self._fallback = fallback
        self._cache: dict[int, tuple[frozenset[date], frozenset[date]]] = {}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "<calendar update>",
                     fallback: bool = True) -> OfficialDays:
        """Build from a parsed mapping (the TOML file, or a JSON page from the central server)."""
        try:
            table = _Table.model_validate(dict(data))
        except ValidationError as exc:
            key, msg = _problem(exc)
            raise ConfigError(source, key, msg) from None
        return cls(table.years, fallback=fallback)

    @classmethod
    def load(cls, path: str | Path, *, fallback: bool = True) -> OfficialDays:
        """Read an override table from a TOML file."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(p, "", f"cannot read the calendar table ({exc.strerror})") from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(p, "", f"not valid TOML: {exc}") from None
        return cls.from_mapping(data, source=str(p), fallback=fallback)

    @classmethod
    def shipped(cls) -> OfficialDays:
        """The table shipped in assets/calendar (2024–2026 and whatever was added since)."""
        return cls.load(OFFICIAL_DAYS_PATH)

    def updated(self, data: Mapping[str, Any], *, source: str = "<calendar update>") -> OfficialDays:
        """A new table where the years in `data` (same shape as the file) replace this table's years."""
        update = OfficialDays.from_mapping(data, source=source)
        return OfficialDays({**self._years, **update._years}, fallback=self._fallback)

    @property
    def years(self) -> tuple[int, ...]:
        """The years the table itself covers."""
        return tuple(sorted(self._years))

    def year(self, year: int) -> YearDays | None:
        """The table's schedule of a year, or None when it falls back to the package."""
        return self._years.get(year)

    def _sets(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        cached = self._cache.get(year)
        if cached is None:
            table = self._years.get(year)
            if table is not None:
                cached = (frozenset(d.date for d in table.days_off),
                          frozenset(d.date for d in table.make_up_days))
            elif self._fallback:
                cached = (frozenset(_package_days(year)), frozenset())
            else:
                cached = (frozenset(), frozenset())
            self._cache[year] = cached
        return cached

    def is_day_off(self, day: date) -> bool:
        """Whether the date is an official day off."""
        return day in self._sets(day.year)[0]

    def is_make_up_day(self, day: date) -> bool:
        """Whether the date is a make-up working day (ngày làm bù)."""
        return day in self._sets(day.year)[1]

    def days_off(self, year: int) -> list[tuple[date, str]]:
        """The year's days off with their names, from the table or from the package."""
        table = self._years.get(year)
        if table is not None:
            return sorted((d.date, d.name) for d in table.days_off)
        if not self._fallback:
            return []
        return sorted(_package_days(year).items())

    def make_up_days(self, year: int) -> list[tuple[date, str]]:
        """The year's make-up working days (only the table knows them)."""
        table = self._years.get(year)
        return sorted((d.date, d.name) for d in table.make_up_days) if table else []


def _package_days(year: int) -> dict[date, str]:
    # language="vi" gives the official Vietnamese names; the package computes lunar dates for UTC+7.
    return dict(holidays.country_holidays("VN", years=year, language="vi").items())


# --------------------------------------------------------------------------------------------------
# Durations and the calendar


@dataclass(frozen=True)
class Duration:
    """Thời gian giải quyết: working days and/or working hours ("5d", "16h", "0.5d", "1d4h")."""

    days: float = 0.0
    hours: float = 0.0

    def __post_init__(self) -> None:
        for name in ("days", "hours"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number")
            if not 0 <= value < float("inf"):
                raise ValueError(f"{name} must be zero or more, got {value}")
        if self.days + self.hours / 24 > _MAX_DURATION_DAYS:
            raise ValueError(f"a processing time over {_MAX_DURATION_DAYS} working days is not plausible")

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse "5d", "16h", "0.5d", "1d4h" (a decimal comma is accepted: "0,5d")."""
        m = _DURATION.match(text)
        if not m or not (m.group("d") or m.group("h")):
            raise ValueError(f'expected a duration like "5d", "16h", "0.5d" or "1d4h", got {text!r}')
        days = float(m.group("d").replace(",", ".")) if m.group("d") else 0.0
        hours = float(m.group("h").replace(",", ".")) if m.group("h") else 0.0
        return cls(days=days, hours=hours)

    def working_time(self, day_length: timedelta) -> timedelta:
        """The duration as working time, given the length of a working day; rounded to the second."""
        seconds = self.days * day_length.total_seconds() + self.hours * 3600
        return timedelta(seconds=round(seconds))

    def __str__(self) -> str:
        parts = [f"{self.days:g}d" if self.days else "", f"{self.hours:g}h" if self.hours else ""]
        return "".join(parts) or "0h"


class DayKind(enum.Enum):
    """What kind of day a date is for counting working time."""

    WORKDAY = "workday"
    MAKE_UP = "make_up"
    """Ngày làm bù: a weekend day that is worked."""
    WEEKEND = "weekend"
    DAY_OFF = "day_off"
    """Ngày nghỉ lễ, Tết: an official day off on a weekday."""


WORKING_KINDS = frozenset({DayKind.WORKDAY, DayKind.MAKE_UP})


class WorkCalendar:
    """Lịch làm việc: working hours plus official days off, in one time zone."""

    def __init__(self, *, hours: WorkingHours | None = None, official: OfficialDays | None = None,
                 tz: ZoneInfo = VIETNAM_TZ) -> None:
        self.hours = hours if hours is not None else WorkingHours()
        self.official = official if official is not None else OfficialDays.shipped()
        self.tz = tz

    def day_kind(self, day: date) -> DayKind:
        """Workday, make-up day, weekend or official day off."""
        if self.official.is_make_up_day(day):
            return DayKind.MAKE_UP
        if day.isoweekday() not in self.hours.weekdays:
            return DayKind.WEEKEND
        if self.official.is_day_off(day):
            return DayKind.DAY_OFF
        return DayKind.WORKDAY

    def is_working_day(self, day: date) -> bool:
        """Whether the date is worked (a make-up Saturday is)."""
        return self.day_kind(day) in WORKING_KINDS

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days after {day}: check the calendar")

    def _local(self, dt: datetime) -> datetime:
        return dt if dt.tzinfo is None else dt.astimezone(self.tz).replace(tzinfo=None)

    def _periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods (naive local) from `start` on, the first one clipped to start at `start`."""
        day = start.date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        while True:
            for s in self.hours.sessions_on(day):
                a, b = datetime.combine(day, s.start), datetime.combine(day, s.end)
                if b > start:
                    yield max(a, start), b
            day = self.next_working_day(day)

    def working_periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods from `start` on (endless; same naive/aware form as `start`)."""
        aware = start.tzinfo is not None
        for a, b in self._periods(self._local(start)):
            yield (a.replace(tzinfo=self.tz), b.replace(tzinfo=self.tz)) if aware else (a, b)

    def start_of_counting(self, received: datetime, *, cutoff: time | None = None) -> datetime:
        """Thời điểm bắt đầu tính: when the clock starts for a dossier received at `received`."""
        local = self._local(received)
        day = local.date()
        if cutoff is not None and self.is_working_day(day) and local.time() > cutoff:
            day = self.next_working_day(day)
            local = datetime.combine(day, time.min)
        start, _ = next(self._periods(local))
        return start.replace(tzinfo=self.tz) if received.tzinfo is not None else start


def _merge(pauses: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for a, b in sorted(pauses):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _subtract(a: datetime, b: datetime,
              pauses: Sequence[tuple[datetime, datetime]]) -> Iterator[tuple[datetime, datetime]]:
    for pa, pb in pauses:
        if pb <= a or pa >= b:
            continue
        if pa > a:
            yield a, pa
        a = max(a, pb)
        if a >= b:
            return
    yield a, b


_default_calendar: WorkCalendar | None = None


def default_calendar() -> WorkCalendar:
    """The DOMAIN.md defaults: 07:30–11:30, 13:00–17:00, Monday–Friday, the shipped table (loaded once)."""
    global _default_calendar
    if _default_calendar is None:
        _default_calendar = WorkCalendar()
    return _default_calendar


def due(received: datetime, duration: Duration, *, cutoff: time | None = None,
        calendar: WorkCalendar | None = None,
        pauses: Sequence[tuple[datetime, datetime]] = ()) -> datetime:
    """Thời gian trả kết quả: the due time of a dossier received at `received`."""
    cal = calendar or default_calendar()
    aware = received.tzinfo is not None
    local_pauses = []
    for i, (pa, pb) in enumerate(pauses):
        if (pa.tzinfo is not None) != aware or (pb.tzinfo is not None) != aware:
            raise ValueError(f"pauses[{i}]: mix of naive and aware datetimes with the received time")
        pa, pb = cal._local(pa), cal._local(pb)
        if pb < pa:
            raise ValueError(f"pauses[{i}]: ends before it starts ({pa} > {pb})")
        local_pauses.append((pa, pb))
    paused = _merge(local_pauses)
    start = cal._local(cal.start_of_counting(received, cutoff=cutoff))
    need = duration.working_time(cal.hours.day_length)
    result = start
    if need > timedelta(0):
        for a, b in cal._periods(start):
            for pa, pb in _subtract(a, b, paused):
                if need <= pb - pa:
                    result = pa + need
                    break
                need -= pb - pa
            else:
                continue
            break
    return result.replace(tzinfo=cal.tz) if aware else result


def vietnamese_datetime(dt: datetime, *, tz: ZoneInfo = VIETNAM_TZ) -> str:
    """Giờ và ngày trên giấy hẹn: "14 giờ 30 phút, ngày 05 tháng 12 năm 2026" (aware: shown in `tz`)."""
    return formats.datetime_vi(dt, tz)


def vietnamese_date(day: date) -> str:
    """Ngày trên giấy hẹn: "ngày 05 tháng 12 năm 2026"."""
    return formats.date_vi(day)
