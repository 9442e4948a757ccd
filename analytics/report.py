"""Báo cáo: a period's figures by service, counter and clerk, from the hub's database. Pure computation
over rows (`compute`), and the loader that reads them on the reports' own read-only connection (`build`).

Definitions (the hand-computed fixture in tests/analytics/test_report.py checks each):

- issued: tickets issued in the period, by the service whose number they took (`number_service`);
  commissioning's test tickets (`test = 1`) are left out of every figure and only counted apart.
- served: tickets completed (`done`), by the service that served them (a transfer changes the service).
- no-show (vắng mặt): called, then skipped — status `skipped`, or `expired` after having been called.
- not called: expired without ever being called (the citizen left, or the day ended).
- transferred: tickets sent to another service at least once, counted at the service they left.
- waiting time: issue to (last) call, over tickets that were called; service time: call to completion,
  over served tickets. Median and 90th percentile with linear interpolation (numpy's default, the same
  as Excel's PERCENTILE.INC). `within_target`: the share of called tickets that waited at most the target.
- priority share: issued tickets with a priority category, over issued.
- clerk: a `clerk` column on tickets, when the staff sign-in adds one; until then the clerk table is empty
  and `clerks_available` is false.
"""
from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from analytics.extras import (
    DossierFigures,
    PaymentFigures,
    RatingFigures,
    dossier_figures,
    payment_figures,
    rating_figures,
)
from analytics.periods import Period
from analytics.source import SiteCalendar, columns, procedure_names, reading, site_calendar
from motcua.config import SiteConfig

log = logging.getLogger(__name__)

DEFAULT_WAIT_TARGET_S = 15 * 60
"""Mục tiêu thời gian chờ: 15 minutes, the usual service commitment of a center."""

_COLS = ("day", "number_service", "service", "COALESCE(priority, '')", "channel", "status", "issued_at", "called_at",
         "COALESCE(counter, 0)", "finished_at", "transfers")
"""Read as they come: no NULL in the text and counter columns, so numpy takes the columns whole (50,000 rows a month)."""


@dataclass(frozen=True, slots=True)
class Durations:
    """A set of durations in seconds: how many, median, 90th percentile and mean (None when empty)."""

    count: int
    median_s: float | None
    p90_s: float | None
    mean_s: float | None

    @classmethod
    def of(cls, values: np.ndarray) -> Durations:
        """Summarise an array of seconds (NaN dropped)."""
        v = values[~np.isnan(values)]
        if v.size == 0:
            return cls(0, None, None, None)
        med, p90 = np.percentile(v, [50, 90])
        return cls(int(v.size), round(float(med), 1), round(float(p90), 1), round(float(v.mean()), 1))


@dataclass(frozen=True, slots=True)
class Figures:
    """One row of a report: a service, a counter, a clerk, or the whole center."""

    key: str
    name: str
    issued: int
    served: int
    no_show: int
    not_called: int
    transferred: int
    open: int
    """Still waiting or being served (today's tickets)."""
    priority: int
    wait: Durations
    service_time: Durations
    within_target: float | None
    """Share of called tickets that waited at most the report's target."""

    @property
    def priority_share(self) -> float | None:
        """Priority tickets over issued tickets."""
        return None if not self.issued else self.priority / self.issued

    @property
    def no_show_rate(self) -> float | None:
        """No-shows over called tickets (served + no-shows)."""
        called = self.served + self.no_show
        return None if not called else self.no_show / called


@dataclass(frozen=True, slots=True)
class CategoryCount:
    """Tickets of one priority category."""

    code: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class HeatMap:
    """Tickets issued by weekday (ISO, Monday = 1) and local hour: totals and averages per open day."""

    counts: list[list[int]]
    """counts[weekday - 1][hour]."""
    open_days: list[int]
    """How many open days of each weekday the period holds (divisor of the averages)."""

    def average(self, weekday: int, hour: int) -> float:
        """Average tickets in that hour on an open day of that weekday."""
        n = self.open_days[weekday - 1]
        return self.counts[weekday - 1][hour] / n if n else 0.0


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One date of the period."""

    day: date
    kind: str
    """workday, make_up, weekend, day_off (motcua.worktime.DayKind)."""
    open: bool
    issued: int
    served: int
    no_show: int
    wait_median_s: float | None


@dataclass(frozen=True)
class Report:
    """Everything a period's report shows; `to_dict()` is its JSON form."""

    site_code: str
    site_name: str
    agency: str
    place: str
    period: Period
    generated_at: float
    wait_target_s: float
    total: Figures
    services: list[Figures]
    counters: list[Figures]
    clerks: list[Figures]
    clerks_available: bool
    priority_categories: list[CategoryCount]
    channels: dict[str, int]
    heatmap: HeatMap
    daily: list[DayFigures]
    dossiers: DossierFigures
    payments: PaymentFigures | None = None
    """From the payments table (fees), when this hub has one."""
    ratings: RatingFigures | None = None
    """From the ratings table, when this hub has one."""
    test_tickets: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (dates as ISO text)."""
        d = asdict(self)
        d["period"] = {"kind": self.period.kind, "first": self.period.first.isoformat(),
                       "last": self.period.last.isoformat(), "key": self.period.key}
        for day in d["daily"]:
            day["day"] = day["day"].isoformat()
        return d


# ------------------------------------------------------------------ rows


@dataclass(frozen=True, slots=True)
class TicketRows:
    """Tickets as columns (numpy), as read from the tickets table."""

    day: np.ndarray
    number_service: np.ndarray
    service: np.ndarray
    priority: np.ndarray
    """"" for walk-ins."""
    channel: np.ndarray
    status: np.ndarray
    issued_at: np.ndarray
    called_at: np.ndarray
    """NaN when never called."""
    counter: np.ndarray
    """0 when never called."""
    finished_at: np.ndarray
    transfers: np.ndarray
    clerk: np.ndarray | None = None
    """"" when unknown; None when the database has no clerk column."""

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]], *, with_clerk: bool = False) -> TicketRows:
        """Columns from row tuples in _COLS order (plus clerk last, when with_clerk)."""
        cols = list(zip(*rows)) if rows else [()] * (len(_COLS) + int(with_clerk))

        def text(i: int) -> np.ndarray:
            return np.array(cols[i], dtype=str) if rows else np.zeros(0, dtype=str)

        def num(i: int) -> np.ndarray:
            # None (never called, not finished) becomes NaN.
            return np.array(cols[i], dtype=float) if rows else np.zeros(0)

        def ints(i: int) -> np.ndarray:
            return np.array(cols[i], dtype=np.int64) if rows else np.zeros(0, np.int64)

        clerk = None
        if with_clerk:
            clerk = np.array(["" if v is None else str(v) for v in cols[11]], dtype=str) if rows else np.zeros(0, str)
        return cls(day=text(0), number_service=text(1), service=text(2), priority=text(3), channel=text(4),
                   status=text(5), issued_at=num(6), called_at=num(7), counter=ints(8), finished_at=num(9),
                   transfers=ints(10), clerk=clerk)

    def __len__(self) -> int:
        return int(self.issued_at.size)


def load_tickets(conn: sqlite3.Connection, first: date, last: date) -> tuple[TicketRows, int]:
    """The period's real tickets (by local issue day) and the number of test tickets left out."""
    with_clerk = "clerk" in columns(conn, "tickets")
    cols = ", ".join(_COLS + (("clerk",) if with_clerk else ()))
    # `day` is indexed and is the local day of issue: no time-zone arithmetic in SQL.
    rows = conn.execute(f"SELECT {cols} FROM tickets WHERE day BETWEEN ? AND ? AND test = 0",
                        (first.isoformat(), last.isoformat())).fetchall()
    tests = conn.execute("SELECT COUNT(*) FROM tickets WHERE day BETWEEN ? AND ? AND test = 1",
                         (first.isoformat(), last.isoformat())).fetchone()[0]
    return TicketRows.from_rows(rows, with_clerk=with_clerk), int(tests)


# ------------------------------------------------------------------ computation


def _figures(t: TicketRows, sel_issued: np.ndarray, sel_final: np.ndarray, *, key: str, name: str,
             target_s: float, issued_known: bool = True) -> Figures:
    """Figures of a group: `sel_issued` picks the tickets it issued, `sel_final` those it called or served."""
    st = t.status
    called = sel_final & ~np.isnan(t.called_at)
    done = sel_final & (st == "done")
    no_show = sel_final & ((st == "skipped") | ((st == "expired") & ~np.isnan(t.called_at)))
    waits = t.called_at[called] - t.issued_at[called]
    service = t.finished_at[done] - t.called_at[done]
    return Figures(
        key=key, name=name,
        issued=int(sel_issued.sum()) if issued_known else 0,
        served=int(done.sum()),
        no_show=int(no_show.sum()),
        not_called=int((sel_issued & (st == "expired") & np.isnan(t.called_at)).sum()) if issued_known else 0,
        transferred=int((sel_issued & (t.transfers > 0)).sum()) if issued_known else 0,
        open=int((sel_final & ((st == "waiting") | (st == "called"))).sum()),
        priority=int((sel_issued & (t.priority != "")).sum()) if issued_known else 0,
        wait=Durations.of(waits), service_time=Durations.of(service),
        within_target=None if waits.size == 0 else round(float((waits <= target_s).mean()), 4),
    )


def _heatmap(t: TicketRows, period: Period, calendar: SiteCalendar) -> HeatMap:
    counts = np.zeros((7, 24), dtype=np.int64)
    if len(t):
        days, inverse = np.unique(t.day, return_inverse=True)
        parsed = [date.fromisoformat(str(d)) for d in days]
        starts = np.array([calendar.day_start(d) for d in parsed])
        weekday = np.array([d.isoweekday() for d in parsed])[inverse]
        hour = np.clip(((t.issued_at - starts[inverse]) // 3600).astype(np.int64), 0, 23)
        np.add.at(counts, (weekday - 1, hour), 1)
    open_days = [0] * 7
    for d in period.dates():
        if calendar.is_open(d):
            open_days[d.isoweekday() - 1] += 1
    return HeatMap(counts=counts.tolist(), open_days=open_days)


def _daily(t: TicketRows, period: Period, calendar: SiteCalendar) -> list[DayFigures]:
    out = []
    by_day: dict[str, np.ndarray] = {}
    if len(t):
        days, inverse = np.unique(t.day, return_inverse=True)
        by_day = {str(d): inverse == i for i, d in enumerate(days)}
    empty = np.zeros(len(t), dtype=bool)
    for d in period.dates():
        sel = by_day.get(d.isoformat(), empty)
        called = sel & ~np.isnan(t.called_at)
        waits = t.called_at[called] - t.issued_at[called]
        out.append(DayFigures(
            day=d, kind=calendar.kind(d).value, open=calendar.is_open(d), issued=int(sel.sum()),
            served=int((sel & (t.status == "done")).sum()),
            no_show=int((sel & ((t.status == "skipped") | ((t.status == "expired") & ~np.isnan(t.called_at)))).sum()),
            wait_median_s=None if waits.size == 0 else round(float(np.median(waits)), 1)))
    return out


def compute(t: TicketRows, *, config: SiteConfig, period: Period, calendar: SiteCalendar,
            dossiers: DossierFigures, payments: PaymentFigures | None = None, ratings: RatingFigures | None = None,
            test_tickets: int = 0, wait_target_s: float = DEFAULT_WAIT_TARGET_S,
            generated_at: float | None = None) -> Report:
    """The report of a period from its tickets (pure: no I/O)."""
    everything = np.ones(len(t), dtype=bool)
    total = _figures(t, everything, everything, key="*", name="Toàn trung tâm", target_s=wait_target_s)
    known = [s.code for s in config.services]
    seen = sorted((set(np.unique(t.number_service).tolist()) | set(np.unique(t.service).tolist())) - set(known))
    services = []
    for code in known + [c for c in seen if c not in known]:
        svc = config.service(code)
        services.append(_figures(t, t.number_service == code, t.service == code, key=code,
                                 name=svc.name if svc else code, target_s=wait_target_s))
    counters = []
    numbers = sorted({c.number for c in config.counters} | set(np.unique(t.counter[t.counter > 0]).tolist()))
    for n in numbers:
        cfg = config.counter(int(n))
        counters.append(_figures(t, everything, t.counter == n, key=str(n), name=cfg.label if cfg else f"Quầy {n}",
                                 target_s=wait_target_s, issued_known=False))
    clerks = []
    if t.clerk is not None:
        for c in sorted(set(np.unique(t.clerk).tolist()) - {""}):
            clerks.append(_figures(t, everything, t.clerk == c, key=c, name=c, target_s=wait_target_s,
                                   issued_known=False))
    cat_names = {p.code: p.name for p in config.priority_categories}
    cats, cat_counts = np.unique(t.priority[t.priority != ""], return_counts=True)
    priority = sorted((CategoryCount(str(c), cat_names.get(str(c), str(c)), int(n)) for c, n in zip(cats, cat_counts)),
                      key=lambda c: -c.count)
    chans, chan_counts = np.unique(t.channel, return_counts=True)
    site = config.site
    return Report(
        site_code=site.code, site_name=site.name, agency=site.agency, place=site.place, period=period,
        generated_at=time.time() if generated_at is None else generated_at, wait_target_s=wait_target_s,
        total=total, services=services, counters=counters, clerks=clerks, clerks_available=t.clerk is not None,
        priority_categories=priority, channels={str(c): int(n) for c, n in zip(chans, chan_counts)},
        heatmap=_heatmap(t, period, calendar), daily=_daily(t, period, calendar), dossiers=dossiers,
        payments=payments, ratings=ratings, test_tickets=test_tickets)


def build(db: str | Path, config: SiteConfig, period: Period, *, wait_target_s: float = DEFAULT_WAIT_TARGET_S,
          generated_at: float | None = None) -> Report:
    """Read a period from the site database (own read-only connection, one snapshot) and compute its report."""
    t0 = time.perf_counter()
    with reading(db) as conn:
        tickets, tests = load_tickets(conn, period.first, period.last)
        calendar = site_calendar(config, conn)
        names = procedure_names(conn)
        dossiers = dossier_figures(conn, period.first, period.last, names)
        payments = payment_figures(conn, period.first, period.last, names)
        ratings = rating_figures(conn, period.first, period.last)
    report = compute(tickets, config=config, period=period, calendar=calendar, dossiers=dossiers, payments=payments,
                     ratings=ratings, test_tickets=tests, wait_target_s=wait_target_s, generated_at=generated_at)
    log.info("report %s: %d tickets in %.0f ms", period.key, len(tickets), (time.perf_counter() - t0) * 1000)
    return report
