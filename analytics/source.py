"""The hub's database as the reports see it: a read-only connection of their own, and the calendar.

DESIGN rule 1 makes the hub the only writer. Reports never go through the hub's writer (nor its reader
lock): they open the file read-only (`mode=ro`, `query_only`), and in WAL mode a reader sees one
committed snapshot and never blocks the writer, however long the report takes. Hazard: a reader
holding a snapshot for minutes keeps the WAL from being checkpointed past it; a report runs in well
under a second, so open, read, close.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from motcua.worktime import DayKind, OfficialDays, WorkCalendar

log = logging.getLogger(__name__)


class SourceError(Exception):
    """The database cannot be read for a report (missing, not a site database)."""


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection on the site database (never the hub's writer); raises SourceError."""
    p = Path(path)
    if not p.is_file():
        raise SourceError(f"không có cơ sở dữ liệu {p} / no database at {p}")
    try:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True, check_same_thread=False, timeout=10.0)
        conn.execute("PRAGMA query_only = 1")
        conn.execute("PRAGMA busy_timeout = 10000")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise SourceError(f"{p} không đọc được / cannot be read: {exc}") from None
    if "tickets" not in tables:
        conn.close()
        raise SourceError(f"{p} không phải cơ sở dữ liệu của trạm / is not a site database")
    return conn


@contextmanager
def reading(path: str | Path) -> Iterator[sqlite3.Connection]:
    """Open read-only, yield, close (one snapshot per report)."""
    conn = open_readonly(path)
    try:
        # One transaction: every query of the report sees the same committed state.
        conn.execute("BEGIN")
        yield conn
    finally:
        try:
            conn.execute("COMMIT")
        except sqlite3.Error:
            pass
        conn.close()


def tables(conn: sqlite3.Connection) -> set[str]:
    """Names of the tables in the database."""
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """Column names of a table (empty when the table does not exist)."""
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def official_days(conn: sqlite3.Connection | None) -> OfficialDays:
    """The official days-off table as the hub uses it: shipped, updated by the central server's calendar feed."""
    table = OfficialDays.shipped()
    if conn is None or "feed_items" not in tables(conn):
        return table
    for (body,) in conn.execute("SELECT body FROM feed_items WHERE kind = 'calendar' ORDER BY key"):
        try:
            table = table.updated(orjson.loads(body), source="central calendar feed")
        except Exception as exc:  # noqa: BLE001 - one bad year from upstream must not stop a report
            log.warning("calendar update ignored: %s", exc)
    return table


def procedure_names(conn: sqlite3.Connection | None) -> dict[str, str]:
    """Procedure code -> name: the central server's catalog feed over the shipped catalog."""
    names: dict[str, str] = {}
    path = Path(__file__).resolve().parent.parent / "assets" / "catalog" / "procedures.json"
    try:
        names.update({p["code"]: p.get("name", "") for p in orjson.loads(path.read_bytes())["procedures"]})
    except (OSError, ValueError, KeyError) as exc:
        log.warning("no shipped catalog at %s: %s", path, exc)
    if conn is not None and "feed_items" in tables(conn):
        for key, body in conn.execute("SELECT key, body FROM feed_items WHERE kind = 'catalog'"):
            try:
                names[key] = orjson.loads(body).get("name", names.get(key, ""))
            except (ValueError, AttributeError):
                continue
    return names


class SiteCalendar:
    """Which days the center receives citizens: official days off, make-up days and the site's own hours.

    A day is open when it is a make-up working day (ngày làm bù), or when it is not an official day off and
    the site file gives that weekday sessions (the example center opens Saturday mornings for citizens).
    """

    def __init__(self, official: OfficialDays, open_weekdays: set[int], tz: ZoneInfo) -> None:
        self.official = official
        self.open_weekdays = open_weekdays
        self.tz = tz
        # The civil servants' calendar (Monday-Friday) tells make-up days and days off apart.
        self.work = WorkCalendar(official=official, tz=tz)
        self._tet: dict[int, date | None] = {}

    def kind(self, day: date) -> DayKind:
        """Workday, make-up day, weekend or official day off (the civil-service calendar)."""
        return self.work.day_kind(day)

    def is_open(self, day: date) -> bool:
        """Whether citizens are received that day."""
        kind = self.kind(day)
        if kind == DayKind.MAKE_UP:
            return True
        if kind == DayKind.DAY_OFF:
            return False
        return day.isoweekday() in self.open_weekdays

    def tet_start(self, year: int) -> date | None:
        """The first day off of Tết Nguyên đán in a year (the official table, else the holidays package)."""
        if year not in self._tet:
            named = [d for d, name in self.official.days_off(year) if "nguyên" in name.lower()]
            if not named:
                import holidays

                vn = holidays.country_holidays("VN", years=year, language="vi")
                named = [d for d, name in vn.items() if "nguyên" in str(name).lower()]
            self._tet[year] = min(named) if named else None
        return self._tet[year]

    def day_start(self, day: date) -> float:
        """Local midnight of a day, as Unix seconds."""
        return datetime(day.year, day.month, day.day, tzinfo=self.tz).timestamp()

    def days(self, first: date, last: date) -> list[date]:
        """Every date from first to last, inclusive."""
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def site_calendar(config: Any, conn: sqlite3.Connection | None) -> SiteCalendar:
    """The calendar of a site: its config's opening weekdays and the hub's official days-off table."""
    open_weekdays = {wd for wd in range(1, 8) if config.hours.sessions(wd)}
    return SiteCalendar(official_days(conn), open_weekdays, config.tz)
