"""Báo cáo: a period's figures by service, counter and clerk, from the hub's database. Pure computation
(`compute`) over what analytics.tally reads on the reports' own read-only connection (`build`).

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
- by clerk: from `service_segments` (issue 13), each stretch of service of a ticket with the clerk who
  served it. served: stretches ended done; no-shows: ended skipped, or still called when the day ended;
  transferred: sent on to another service; wait: from the issue, or from the end of the ticket's previous
  stretch, to this clerk's call; service time: call to done. Stretches without a clerk (nobody signed in)
  are left out. `clerks_available` is false for a database without that table.
"""
from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field, replace
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
from analytics.source import SiteCalendar, procedure_names, reading, site_calendar
from analytics.tally import DayCache, PeriodTickets, Tally, load
from motcua.config import SiteConfig

log = logging.getLogger(__name__)

DEFAULT_WAIT_TARGET_S = 15 * 60
"""Mục tiêu thời gian chờ: 15 minutes, the usual service commitment of a center."""

DAY_CACHE = DayCache()
"""Closed days read once per process (the report worker lives as long as the hub): a month's report then reads
only the days it has not seen, today among them."""

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
    clerk_ratings: dict[str, RatingFigures] = field(default_factory=dict)
    """Ratings by the clerk's staff code (the ratings the counter's screen took for that clerk)."""
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


# ------------------------------------------------------------------ computation


def _figures(tally: Tally | None, waits: np.ndarray, service: np.ndarray, *, key: str, name: str, target_s: float,
             issued_known: bool = True) -> Figures:
    """Figures of a group from its counts and its durations (seconds; NaN dropped)."""
    t = tally or Tally()
    waits = waits[~np.isnan(waits)]
    return Figures(
        key=key, name=name, issued=t.issued if issued_known else 0, served=t.served, no_show=t.no_show,
        not_called=t.not_called if issued_known else 0, transferred=t.transferred if issued_known else 0,
        open=t.open, priority=t.priority if issued_known else 0,
        wait=Durations.of(waits), service_time=Durations.of(service),
        within_target=None if waits.size == 0 else round(float((waits <= target_s).mean()), 4),
    )


def _clerk_figures(p: PeriodTickets, target_s: float) -> list[Figures]:
    """By clerk, from the stretches of service: served (done), no-shows (skipped, or still called when the day
    ended), transfers sent on, the wait for that clerk and the service time of the served stretches."""
    seg = p.segments
    if seg is None or seg.clerk.size == 0:
        return []
    out = []
    masks = _by(seg.clerk)
    for code in sorted(masks):
        sel = masks[code]
        outcome = seg.outcome[sel]
        done = outcome == "done"
        tally = Tally(served=int(done.sum()), no_show=int(((outcome == "skipped") | (outcome == "expired")).sum()),
                      open=int((outcome == "").sum()), transferred=int((outcome == "transferred").sum()))
        fig = _figures(tally, seg.wait[sel], seg.service_s[sel][done], key=code, name=p.clerk_names.get(code, code),
                       target_s=target_s, issued_known=False)
        # Transfers sent on are the clerk's own act: shown although the clerk issued nothing.
        out.append(replace(fig, transferred=tally.transferred))
    return out


def _heatmap(p: PeriodTickets, period: Period, calendar: SiteCalendar) -> HeatMap:
    open_days = [0] * 7
    for d in period.dates():
        if calendar.is_open(d):
            open_days[d.isoweekday() - 1] += 1
    return HeatMap(counts=[list(r) for r in p.heat], open_days=open_days)


def _daily(p: PeriodTickets, period: Period, calendar: SiteCalendar) -> list[DayFigures]:
    out = []
    c = p.called
    # Called rows come in day order (analytics.tally): each day is a slice.
    for d in period.dates():
        key = d.isoformat()
        t = p.by_day.get(key) or Tally()
        lo, hi = np.searchsorted(c.day, key, side="left"), np.searchsorted(c.day, key, side="right")
        waits = c.wait[lo:hi]
        waits = waits[~np.isnan(waits)]
        out.append(DayFigures(day=d, kind=calendar.kind(d).value, open=calendar.is_open(d), issued=t.issued,
                              served=t.served, no_show=t.no_show,
                              wait_median_s=None if waits.size == 0 else round(float(np.median(waits)), 1)))
    return out


def _by(values: np.ndarray) -> dict[Any, np.ndarray]:
    """A mask of the rows of each distinct value (masks keep the rows' order).

    One dict pass and integer comparisons: np.unique would sort tens of thousands of strings, and comparing
    each key against a text column is slower still.
    """
    index: dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values.tolist()), dtype=np.int64, count=values.size)
    return {k: codes == i for k, i in index.items()}


def compute(p: PeriodTickets, *, config: SiteConfig, period: Period, calendar: SiteCalendar,
            dossiers: DossierFigures, payments: PaymentFigures | None = None, ratings: RatingFigures | None = None,
            wait_target_s: float = DEFAULT_WAIT_TARGET_S, generated_at: float | None = None) -> Report:
    """The report of a period from what analytics.tally read (pure: no I/O)."""
    c = p.called
    done = ~np.isnan(c.service_s)
    total = _figures(p.total, c.wait, c.service_s[done], key="*", name="Toàn trung tâm", target_s=wait_target_s)
    known = [s.code for s in config.services]
    seen = sorted((set(p.by_number_service) | set(p.by_service)) - set(known))
    codes = known + seen
    masks = _by(c.service)
    none = np.zeros(len(c.service), dtype=bool)
    services = []
    for code in codes:
        svc = config.service(code)
        issued = p.by_number_service.get(code) or Tally()
        final = p.by_service.get(code) or Tally()
        tally = Tally(issued.issued, issued.not_called, issued.transferred, issued.priority, final.served,
                      final.no_show, final.open)
        sel = masks.get(code, none)
        services.append(_figures(tally, c.wait[sel], c.service_s[sel & done], key=code,
                                 name=svc.name if svc else code, target_s=wait_target_s))
    numbers = sorted({cfg.number for cfg in config.counters} | {n for n in p.by_counter if n > 0})
    masks_n = _by(c.counter)
    counters = []
    for n in numbers:
        cfg = config.counter(int(n))
        sel = masks_n.get(n, none)
        counters.append(_figures(p.by_counter.get(n), c.wait[sel], c.service_s[sel & done], key=str(n),
                                 name=cfg.label if cfg else f"Quầy {n}", target_s=wait_target_s, issued_known=False))
    cat_names = {pc.code: pc.name for pc in config.priority_categories}
    priority = sorted((CategoryCount(code, cat_names.get(code, code), n) for code, n in sorted(p.priority.items())),
                      key=lambda x: -x.count)
    site = config.site
    return Report(
        site_code=site.code, site_name=site.name, agency=site.agency, place=site.place, period=period,
        generated_at=time.time() if generated_at is None else generated_at, wait_target_s=wait_target_s,
        total=total, services=services, counters=counters, clerks=_clerk_figures(p, wait_target_s),
        clerks_available=p.segments is not None, priority_categories=priority,
        channels=dict(sorted(p.channels.items())), heatmap=_heatmap(p, period, calendar),
        daily=_daily(p, period, calendar), dossiers=dossiers, payments=payments, ratings=ratings,
        clerk_ratings={k: RatingFigures.of(v) for k, v in sorted(p.clerk_ratings.items())},
        test_tickets=p.test_tickets)


def build(db: str | Path, config: SiteConfig, period: Period, *, wait_target_s: float = DEFAULT_WAIT_TARGET_S,
          generated_at: float | None = None, cache: DayCache | None = DAY_CACHE) -> Report:
    """Read a period from the site database (own read-only connection, one snapshot) and compute its report;
    cache=None reads every day afresh."""
    t0 = time.perf_counter()
    with reading(db) as conn:
        calendar = site_calendar(config, conn)
        tickets = load(conn, period.first, period.last, calendar, cache=cache)
        names = procedure_names(conn)
        dossiers = dossier_figures(conn, period.first, period.last, names)
        payments = payment_figures(conn, period.first, period.last, names)
        ratings = rating_figures(conn, period.first, period.last)
    report = compute(tickets, config=config, period=period, calendar=calendar, dossiers=dossiers, payments=payments,
                     ratings=ratings, wait_target_s=wait_target_s, generated_at=generated_at)
    log.info("report %s: %d tickets in %.0f ms", period.key, tickets.total.issued, (time.perf_counter() - t0) * 1000)
    return report
