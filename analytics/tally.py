"""A period's tickets as the report needs them, summed in SQL: counts per group (GROUP BY), the issue heat
map, and only the durations of called tickets as numpy columns.

Why: a month holds ~45,000 tickets; reading every row with eleven columns into Python objects took most of
a monthly report's second. Counts are summed by SQLite on the `day` index; the only per-row data read
is what medians and 90th percentiles need (the waits and service times, five columns of called tickets).
The figures are those of the definitions in analytics.report; tests/analytics/test_report_paths.py
checks them against a row-by-row computation on a random history.

Clerks come from `service_segments` (issue 13: each stretch of service of a ticket, with the clerk who
served it), never from the tickets table: a ticket transferred between clerks is served by more than one.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from analytics.source import SiteCalendar, columns

_REAL = "day BETWEEN ? AND ? AND test = 0"
"""The period's real tickets: `day` is indexed and is the local day of issue; test tickets count in no figure."""

_NO_SHOW = "(status = 'skipped' OR (status = 'expired' AND called_at IS NOT NULL))"
"""Vắng mặt: called, then skipped, or expired after having been called."""


@dataclass(slots=True)
class Tally:
    """Counts of one group of tickets.

    issued, not_called, transferred and priority count by the service whose number a ticket took;
    served, no_show and open by where it ended (its last service or counter).
    """

    issued: int = 0
    not_called: int = 0
    transferred: int = 0
    priority: int = 0
    served: int = 0
    no_show: int = 0
    open: int = 0

    def add_issued(self, issued: int, not_called: int, transferred: int, priority: int) -> None:
        """Add a GROUP BY row's issue-side counts."""
        self.issued += issued
        self.not_called += not_called
        self.transferred += transferred
        self.priority += priority

    def add_final(self, served: int, no_show: int, open_: int) -> None:
        """Add a GROUP BY row's outcome counts."""
        self.served += served
        self.no_show += no_show
        self.open += open_


@dataclass(frozen=True, slots=True)
class Called:
    """Called tickets as numpy columns, in the order SQLite returns them (means depend on the order in their
    last bit; every group is a mask over these, which keeps it)."""

    day: np.ndarray
    service: np.ndarray
    counter: np.ndarray
    """0 when the ticket has no counter (never the case for a called ticket the hub wrote)."""
    wait: np.ndarray
    """Issue to (last) call, seconds."""
    service_s: np.ndarray
    """Call to completion for served (done) tickets, NaN for the others."""

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]]) -> Called:
        """Columns from (day, service, counter, wait, service_s) rows."""
        if not rows:
            return cls(np.zeros(0, str), np.zeros(0, str), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        day, service, counter, wait, service_s = zip(*rows)
        return cls(np.array(day, dtype=str), np.array(service, dtype=str), np.array(counter, dtype=np.int64),
                   np.array(wait, dtype=float), np.array(service_s, dtype=float))


@dataclass(frozen=True, slots=True)
class Segments:
    """Stretches of service by a known clerk (service_segments) as numpy columns."""

    clerk: np.ndarray
    outcome: np.ndarray
    """done, skipped, transferred, expired; "" while the stretch is still open."""
    wait: np.ndarray
    """From issue (or the end of the ticket's previous stretch) to this stretch's call."""
    service_s: np.ndarray
    """Call to end of the stretch, NaN while it is open."""

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]]) -> Segments:
        """Columns from (clerk, outcome, wait, service_s) rows."""
        if not rows:
            return cls(np.zeros(0, str), np.zeros(0, str), np.zeros(0), np.zeros(0))
        clerk, outcome, wait, service_s = zip(*rows)
        return cls(np.array(clerk, dtype=str), np.array(["" if o is None else o for o in outcome], dtype=str),
                   np.array(wait, dtype=float), np.array(service_s, dtype=float))


@dataclass
class PeriodTickets:
    """What the report reads about a period's tickets (analytics.report.compute turns it into figures)."""

    by_number_service: dict[str, Tally] = field(default_factory=dict)
    by_service: dict[str, Tally] = field(default_factory=dict)
    by_counter: dict[int, Tally] = field(default_factory=dict)
    """Tickets by the counter that last called them (0: never called)."""
    by_day: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)
    heat: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    """Tickets issued, [ISO weekday - 1][local hour]."""
    priority: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    test_tickets: int = 0
    called: Called = field(default_factory=lambda: Called.from_rows([]))
    segments: Segments | None = None
    """None when the database has no service_segments table (a hub before issue 13)."""
    clerk_names: dict[str, str] = field(default_factory=dict)
    clerk_ratings: dict[str, dict[str, int]] = field(default_factory=dict)
    """Ratings by clerk and level."""


def load(conn: sqlite3.Connection, first: date, last: date, calendar: SiteCalendar, *,
         cache: DayCache | None = None) -> PeriodTickets:
    """Read a period's tickets on the report's connection (one snapshot: the caller's transaction); closed days
    come from `cache` when it holds them."""
    if cache is None:
        parts = load_days(conn, first, last, calendar)
    else:
        parts = cache.days(conn, first, last, calendar)
    out = merge([parts[d] for d in sorted(parts)])
    _clerk_extras(conn, out, (first.isoformat(), last.isoformat()))
    return out


class DayCache:
    """Closed days' tickets, kept in the process that makes reports (the report worker), least recently used out.

    A day is closed once the hub has started a later one: its rollover expired what was left, and the hub
    never changes a past day's tickets or stretches of service again. Each use still checks a day's
    fingerprint (how many tickets and stretches, the first and last row ids: an index-only read), so a
    database restored or pruned under the same path is read afresh. Ratings, names, dossiers and fees are
    never cached (a rating may be recorded after its day).
    """

    def __init__(self, max_days: int = 400) -> None:
        self.max_days = max_days
        self._days: OrderedDict[tuple[str, str], tuple[tuple[Any, ...], PeriodTickets]] = OrderedDict()
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()  # a process may run reports on threads (tests, the CLI's exports)

    def days(self, conn: sqlite3.Connection, first: date, last: date, calendar: SiteCalendar) -> dict[str, PeriodTickets]:
        """The days of a period with tickets: cached when closed and unchanged, else read (and kept when closed)."""
        with self._lock:
            return self._read(conn, first, last, calendar)

    def _read(self, conn: sqlite3.Connection, first: date, last: date, calendar: SiteCalendar) -> dict[str, PeriodTickets]:
        # The time zone is in the key: a day's heat-map hours are local hours.
        db = f"{_db_key(conn)}:{calendar.tz}"
        span = (first.isoformat(), last.isoformat())
        latest = conn.execute("SELECT MAX(d) FROM (SELECT MAX(day) AS d FROM tickets UNION ALL "
                              "SELECT MAX(day) FROM counters)").fetchone()[0] or ""
        prints: dict[str, tuple[Any, ...]] = {
            d: (n, lo, hi) for d, n, lo, hi in conn.execute(
                "SELECT day, COUNT(*), MIN(rowid), MAX(rowid) FROM tickets WHERE day BETWEEN ? AND ? GROUP BY day", span)}
        if "service_segments" in {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}:
            for d, n in conn.execute("SELECT day, COUNT(*) FROM service_segments WHERE day BETWEEN ? AND ? GROUP BY day",
                                     span):
                prints[d] = (*prints.get(d, (0, None, None)), n)
        out: dict[str, PeriodTickets] = {}
        missing: list[str] = []
        for d, fp in prints.items():
            hit = self._days.get((db, d))
            if hit is not None and hit[0] == fp and d < latest:
                self._days.move_to_end((db, d))
                out[d] = hit[1]
            else:
                missing.append(d)
        self.hits += len(out)
        self.misses += len(missing)
        if missing:
            read = load_days(conn, date.fromisoformat(min(missing)), date.fromisoformat(max(missing)), calendar)
            for d in missing:
                if d not in read:
                    continue  # stretches of service without a real ticket (test tickets): nothing to count
                out[d] = read[d]
                if d < latest:
                    self._days[(db, d)] = (prints[d], read[d])
                    self._days.move_to_end((db, d))
            while len(self._days) > self.max_days:
                self._days.popitem(last=False)
        return out


def _db_key(conn: sqlite3.Connection) -> str:
    """The database file of a connection, with its inode (a file put in its place is another database)."""
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "") or ""
    try:
        st = os.stat(path)
    except OSError:
        return path
    return f"{os.path.realpath(path)}:{st.st_dev}:{st.st_ino}"


def load_days(conn: sqlite3.Connection, first: date, last: date, calendar: SiteCalendar) -> dict[str, PeriodTickets]:
    """Each day's tickets of a period apart (days without tickets left out): the same range queries, split by day."""
    span = (first.isoformat(), last.isoformat())
    parts: dict[str, PeriodTickets] = {}

    def part(day: str) -> PeriodTickets:
        p = parts.get(day)
        if p is None:
            p = parts[day] = PeriodTickets()
        return p

    # One scan of the period for every count: a few hundred (number, service, counter) groups a day.
    for (day, number_service, service, counter, issued, not_called, transferred, priority, served, no_show,
         open_) in conn.execute(
            "SELECT day, number_service, service, COALESCE(counter, 0), COUNT(*), "
            "SUM(status = 'expired' AND called_at IS NULL), SUM(transfers > 0), SUM(COALESCE(priority, '') != ''), "
            f"SUM(status = 'done'), SUM({_NO_SHOW}), SUM(status IN ('waiting', 'called')) "
            f"FROM tickets WHERE {_REAL} GROUP BY 1, 2, 3, 4", span):
        p = part(day)
        p.by_number_service.setdefault(number_service, Tally()).add_issued(issued, not_called, transferred, priority)
        d = p.by_day.setdefault(day, Tally())
        d.add_issued(issued, not_called, transferred, priority)
        p.total.add_issued(issued, not_called, transferred, priority)
        for t in (p.by_service.setdefault(service, Tally()), p.by_counter.setdefault(int(counter), Tally()), d, p.total):
            t.add_final(served, no_show, open_)
    for day, priority, channel, n in conn.execute(
            f"SELECT day, COALESCE(priority, ''), channel, COUNT(*) FROM tickets WHERE {_REAL} GROUP BY 1, 2, 3", span):
        p = part(day)
        if priority:
            p.priority[priority] = p.priority.get(priority, 0) + int(n)
        p.channels[channel] = p.channels.get(channel, 0) + int(n)
    for day, n in conn.execute("SELECT day, COUNT(*) FROM tickets WHERE day BETWEEN ? AND ? AND test = 1 GROUP BY 1",
                               span):
        part(day).test_tickets = int(n)
    _heat(conn, part, first, last, calendar)
    # The durations: five columns of the called tickets, the differences taken by SQLite (the same IEEE
    # subtraction as numpy's). In `day` index order: by day, then as written.
    rows = conn.execute("SELECT day, service, COALESCE(counter, 0), called_at - issued_at, "
                        "CASE WHEN status = 'done' THEN finished_at - called_at END "
                        f"FROM tickets WHERE {_REAL} AND called_at IS NOT NULL ORDER BY day", span).fetchall()
    for day, chunk in _by_day(rows, 0):
        part(day).called = Called.from_rows(chunk)
    segments = _segments(conn, span)
    if segments is not None:
        for day, chunk in _by_day(segments, 0):
            part(day).segments = Segments.from_rows([r[1:] for r in chunk])
        for p in parts.values():
            if p.segments is None:
                p.segments = Segments.from_rows([])
    return parts


def _by_day(rows: list[Any], col: int) -> list[tuple[str, list[Any]]]:
    """Rows sorted by day cut into each day's run."""
    out: list[tuple[str, list[Any]]] = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][col] != rows[start][col]:
            out.append((rows[start][col], rows[start:i]))
            start = i
    return out


def merge(parts: list[PeriodTickets]) -> PeriodTickets:
    """Days put together, in the order given (the durations keep it)."""
    out = PeriodTickets()
    for p in parts:
        groups: list[tuple[dict[Any, Tally], dict[Any, Tally]]] = [
            (out.by_number_service, p.by_number_service), (out.by_service, p.by_service),
            (out.by_counter, p.by_counter), (out.by_day, p.by_day)]
        for mine, theirs in groups:
            for key, t in theirs.items():
                acc = mine.setdefault(key, Tally())
                acc.add_issued(t.issued, t.not_called, t.transferred, t.priority)
                acc.add_final(t.served, t.no_show, t.open)
        out.total.add_issued(p.total.issued, p.total.not_called, p.total.transferred, p.total.priority)
        out.total.add_final(p.total.served, p.total.no_show, p.total.open)
        for wd in range(7):
            for h in range(24):
                out.heat[wd][h] += p.heat[wd][h]
        for mine_c, theirs_c in ((out.priority, p.priority), (out.channels, p.channels)):
            for k, n in theirs_c.items():
                mine_c[k] = mine_c.get(k, 0) + n
        out.test_tickets += p.test_tickets
    out.called = Called(*(np.concatenate([getattr(p.called, f) for p in parts]) if parts else getattr(out.called, f)
                          for f in ("day", "service", "counter", "wait", "service_s")))
    segs = [p.segments for p in parts if p.segments is not None]
    if segs:
        out.segments = Segments(*(np.concatenate([getattr(s, f) for s in segs])
                                  for f in ("clerk", "outcome", "wait", "service_s")))
    return out


def _heat(conn: sqlite3.Connection, part: Any, first: date, last: date, calendar: SiteCalendar) -> None:
    # The local hour of issue: seconds since the local midnight of the ticket's day (given per day, so any
    # time zone and offset works), floored. The subtraction is exact (two nearby doubles) and x / 3600 never
    # rounds up to the next whole hour, so SQLite's truncation gives numpy's floor for every x >= 0.
    days = [d.isoformat() for d in calendar.days(first, last)]
    starts = ", ".join("(?, ?)" for _ in days)
    params: list[Any] = []
    for d in days:
        params += [d, calendar.day_start(date.fromisoformat(d))]
    rows = conn.execute(
        f"WITH starts (day, start) AS (VALUES {starts}) "
        "SELECT t.day, CAST((t.issued_at - s.start) / 3600 AS INTEGER), COUNT(*) FROM tickets t "
        "JOIN starts s ON s.day = t.day WHERE t.day BETWEEN ? AND ? AND t.test = 0 GROUP BY 1, 2",
        (*params, first.isoformat(), last.isoformat())).fetchall()
    for day, hour, n in rows:
        wd = date.fromisoformat(day).isoweekday()
        part(day).heat[wd - 1][min(23, max(0, int(hour)))] += int(n)


def _segments(conn: sqlite3.Connection, span: tuple[str, str]) -> list[Any] | None:
    """(day, clerk, outcome, wait, service_s) of the stretches of service by a known clerk, or None without the table."""
    if not {"clerk", "outcome", "called_at", "ended_at"} <= columns(conn, "service_segments"):
        return None
    # A clerk's wait is the citizen's wait for that clerk: from the issue for the first stretch, from the end of
    # the previous stretch (a transfer, a no-show called back) for the next ones. Ties of called_at go by rowid:
    # the order of the calls in either schema (before 12 the insertion order, since then the call's sequence).
    return conn.execute(
        "SELECT day, clerk, outcome, wait, service_s FROM ("
        "  SELECT s.day, s.ticket_id, s.called_at, s.rowid AS k, s.clerk, s.outcome, "
        "    s.called_at - COALESCE(LAG(s.ended_at) OVER ("
        "      PARTITION BY s.ticket_id ORDER BY s.called_at, s.rowid), t.issued_at) AS wait, "
        "    s.ended_at - s.called_at AS service_s "
        "  FROM service_segments s JOIN tickets t ON t.id = s.ticket_id "
        "  WHERE s.day BETWEEN ? AND ? AND t.test = 0) "
        "WHERE clerk IS NOT NULL AND clerk != '' ORDER BY day, ticket_id, called_at, k", span).fetchall()


def _clerk_extras(conn: sqlite3.Connection, out: PeriodTickets, span: tuple[str, str]) -> None:
    """Clerks' names and their ratings (read afresh for every report: a rating may come after its day)."""
    if "staff" in {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}:
        out.clerk_names = {str(c): str(n) for c, n in conn.execute("SELECT code, name FROM staff")}
    if {"clerk", "level", "day"} <= columns(conn, "ratings"):
        for clerk, level, n in conn.execute("SELECT clerk, level, COUNT(*) FROM ratings WHERE day BETWEEN ? AND ? "
                                            "AND clerk IS NOT NULL AND clerk != '' GROUP BY 1, 2", span):
            out.clerk_ratings.setdefault(str(clerk), {})[str(level)] = int(n)
