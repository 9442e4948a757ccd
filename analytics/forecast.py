"""Dự báo nhu cầu: numbers issued per service, day and hour for the next 14 days, from the center's history.

The model is a Poisson generalised linear model (statsmodels' GLM, log link) of the count of numbers
issued in each open hour, one per service:

    log E[count] = hour + weekday + weekday × afternoon + month-end + pre-Tết + after a holiday

- hour and weekday give the shape of the week (the heat map); make-up working days (ngày làm bù) get
  the average weekday level and weekday hours; official days off and closed days are forecast as zero
  (the calendar the hub already has: motcua.worktime's official table plus the central server's feed);
- month-end: the last MONTH_END_DAYS open days of a month (citizens rush before deadlines);
- pre-Tết: the PRE_TET_DAYS open days before the Tết Nguyên đán break;
- after a holiday: the first open day after a closure with an official day off (the backlog).

An effect that the history cannot show (no Tết in the last twelve weeks) is not fitted: its multiplier
is taken from ASSUMED_EFFECTS and reported as assumed. A service with too little history gets the
center's total forecast times its share.

Why statsmodels and not statsforecast: statsforecast needs numba (and llvmlite) on top of the same
pandas/scipy, compiles its models at first use (seconds, cold) and is built for many long series; our
problem is a few short count series with calendar regressors, which a GLM fits in milliseconds.
"""
from __future__ import annotations

import logging
import sqlite3
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from analytics import texts
from analytics.source import SiteCalendar
from motcua.config import SiteConfig
from motcua.worktime import DayKind

log = logging.getLogger(__name__)

HORIZON_DAYS = 14
BACKTEST_WEEKS = 4
MONTH_END_DAYS = 3
PRE_TET_DAYS = 10
MIN_SERVICE_TICKETS = 100
"""Below this many numbers in the history a service is forecast as a share of the center's total."""
ASSUMED_EFFECTS = {"month_end": 1.25, "pre_tet": 1.5, "post_holiday": 1.3}
"""Multipliers used when the history holds no such day (a center's first months, no Tết yet)."""
EFFECTS = ("month_end", "pre_tet", "post_holiday")


@dataclass(frozen=True)
class HourlyHistory:
    """Numbers issued per service, day and local hour: counts[service, day, hour] over consecutive days."""

    services: list[str]
    first: date
    counts: np.ndarray

    @property
    def days(self) -> list[date]:
        """The consecutive dates of the history."""
        return [self.first + timedelta(days=i) for i in range(self.counts.shape[1])]


def load_history(conn: sqlite3.Connection, config: SiteConfig, calendar: SiteCalendar, *, last: date,
                 weeks: int = 12) -> HourlyHistory:
    """The last `weeks` weeks up to `last` (inclusive) from the tickets table (test tickets left out)."""
    first = last - timedelta(days=7 * weeks - 1)
    services = [s.code for s in config.services]
    index = {code: i for i, code in enumerate(services)}
    counts = np.zeros((len(services), (last - first).days + 1, 24))
    rows = conn.execute("SELECT number_service, day, issued_at FROM tickets WHERE day BETWEEN ? AND ? AND test = 0",
                        (first.isoformat(), last.isoformat())).fetchall()
    if rows:
        svc, day, at = zip(*rows)
        days, inverse = np.unique(np.array(day, dtype=str), return_inverse=True)
        parsed = [date.fromisoformat(str(d)) for d in days]
        offset = np.array([(d - first).days for d in parsed])[inverse]
        starts = np.array([calendar.day_start(d) for d in parsed])[inverse]
        hour = np.clip(((np.array(at, dtype=float) - starts) // 3600).astype(np.int64), 0, 23)
        s = np.array([index.get(x, -1) for x in svc])
        keep = s >= 0
        np.add.at(counts, (s[keep], offset[keep], hour[keep]), 1)
    # The days before the hub's first ticket are not days of no demand: the history starts at its first ticket.
    used = np.flatnonzero(counts.sum(axis=(0, 2)))
    if used.size and used[0] > 0:
        counts = counts[:, used[0]:, :]
        first = first + timedelta(days=int(used[0]))
    return HourlyHistory(services, first, counts)


# ------------------------------------------------------------------ calendar features


@dataclass(frozen=True)
class DayFeatures:
    """What the model knows of a date."""

    open: bool
    weekday: int
    """ISO weekday; a make-up day is 0 (the average weekday)."""
    hours: tuple[int, ...]
    """Local hours in which numbers are issued that day."""
    month_end: bool = False
    pre_tet: bool = False
    post_holiday: bool = False
    kind: str = "workday"


def issuing_hours(config: SiteConfig, weekday: int) -> tuple[int, ...]:
    """Hours (0-23) in which the site's kiosks issue numbers on an ISO weekday."""
    return tuple(h for h in range(24) if any(config.hours.issuing_at(weekday, h * 60 + m) for m in range(0, 60, 5)))


def day_features(days: list[date], config: SiteConfig, calendar: SiteCalendar) -> list[DayFeatures]:
    """Features of each date (month-end, pre-Tết and after-holiday look at the dates around it)."""
    hours = {wd: issuing_hours(config, wd) for wd in range(1, 8)}
    span = [days[0] - timedelta(days=40), days[-1] + timedelta(days=40)]
    around = [span[0] + timedelta(days=i) for i in range((span[1] - span[0]).days + 1)]
    is_open = {d: calendar.is_open(d) for d in around}
    out = []
    for d in days:
        kind = calendar.kind(d)
        if not is_open[d]:
            out.append(DayFeatures(False, d.isoweekday(), (), kind=kind.value))
            continue
        make_up = kind == DayKind.MAKE_UP
        # Month-end: fewer than MONTH_END_DAYS open days after d in its month.
        later = [x for x in around if x > d and x.month == d.month and is_open[x]]
        tet = calendar.tet_start(d.year) if d.month <= 3 else None
        if tet is None or tet < d:
            tet = calendar.tet_start(d.year + 1)
        pre_tet = False
        if tet is not None and 0 < (tet - d).days <= 40:
            between = sum(1 for i in range(1, (tet - d).days) if is_open.get(d + timedelta(days=i), True))
            pre_tet = between < PRE_TET_DAYS
        prev = d - timedelta(days=1)
        holiday_before = False
        while prev >= span[0] and not is_open[prev]:
            holiday_before = holiday_before or calendar.kind(prev) == DayKind.DAY_OFF
            prev -= timedelta(days=1)
        out.append(DayFeatures(True, 0 if make_up else d.isoweekday(), hours[1] if make_up else hours[d.isoweekday()],
                               month_end=len(later) < MONTH_END_DAYS, pre_tet=pre_tet,
                               post_holiday=holiday_before, kind=kind.value))
    return out


class _Design:
    """Column layout of the model's design matrix."""

    def __init__(self, hours: list[int]) -> None:
        self.hours = hours
        self.cols = (["const"] + [f"h{h}" for h in hours[1:]] + [f"wd{w}" for w in range(2, 8)]
                     + [f"pm{w}" for w in range(2, 8)] + list(EFFECTS))
        self.at = {c: i for i, c in enumerate(self.cols)}
        self.hourset = set(hours)

    def rows(self, feats: list[DayFeatures]) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """The design rows of every open (day, hour), and their (day index, hour)."""
        keys = [(i, h) for i, f in enumerate(feats) if f.open for h in f.hours if h in self.hourset]
        x = np.zeros((len(keys), len(self.cols)))
        x[:, 0] = 1.0
        for r, (i, h) in enumerate(keys):
            f = feats[i]
            if h != self.hours[0]:
                x[r, self.at[f"h{h}"]] = 1.0
            afternoon = h >= 12
            if f.weekday == 0:  # a make-up day: the average of the five weekdays (Monday is the base, 0)
                for w in range(2, 6):
                    x[r, self.at[f"wd{w}"]] = 0.2
                    if afternoon:
                        x[r, self.at[f"pm{w}"]] = 0.2
            elif f.weekday >= 2:
                x[r, self.at[f"wd{f.weekday}"]] = 1.0
                if afternoon:
                    x[r, self.at[f"pm{f.weekday}"]] = 1.0
            for e in EFFECTS:
                x[r, self.at[e]] = float(getattr(f, e))
        return x, keys


@dataclass(frozen=True)
class Fitted:
    """A fitted model: coefficients over the kept columns, and the multipliers of the calendar effects."""

    design: _Design
    keep: np.ndarray
    params: np.ndarray
    effects: dict[str, tuple[float, str]]
    """effect -> (multiplier, "fitted" or "assumed")."""

    def predict(self, feats: list[DayFeatures]) -> np.ndarray:
        """Expected numbers issued, [day, hour]."""
        out = np.zeros((len(feats), 24))
        x, keys = self.design.rows(feats)
        if not keys:
            return out
        mu = np.exp(np.clip(x[:, self.keep] @ self.params, -30, 30))
        for e, (mult, how) in self.effects.items():
            if how == "assumed":
                mu = mu * np.where(x[:, self.design.at[e]] > 0, mult, 1.0)
        for (i, h), m in zip(keys, mu):
            out[i, h] = m
        return out


def fit(counts: np.ndarray, feats: list[DayFeatures]) -> Fitted | None:
    """Fit the GLM to counts[day, hour] (None when there is nothing to fit)."""
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    hours = sorted({h for f in feats if f.open for h in f.hours})
    if not hours or counts.sum() <= 0:
        return None
    design = _Design(hours)
    x, keys = design.rows(feats)
    y = np.array([counts[i, h] for i, h in keys])
    # Columns the history cannot identify (no such day, or no such weekday): left out of the fit.
    keep = x.std(axis=0) > 0
    keep[0] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # perfect-separation and convergence chatter on empty hours
        res = GLM(y, x[:, keep], family=Poisson()).fit(maxiter=100)
    params = np.asarray(res.params)
    effects: dict[str, tuple[float, str]] = {}
    kept = [c for c, k in zip(design.cols, keep) if k]
    for e in EFFECTS:
        if e in kept:
            effects[e] = (float(np.exp(params[kept.index(e)])), "fitted")
        else:
            effects[e] = (ASSUMED_EFFECTS[e], "assumed")
    return Fitted(design, keep, params, effects)


# ------------------------------------------------------------------ forecast and backtest


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin backtest by day: each of the last `weeks` weeks forecast from the history before it."""

    weeks: int
    days: int
    wape: float | None
    """Sum of |error| over sum of actual, per open day (0.08 = 8 %)."""
    mape: float | None
    """Mean of |error| / actual over open days with numbers issued."""


@dataclass(frozen=True)
class SeriesForecast:
    """The forecast of one service (or of the center: key "*")."""

    key: str
    name: str
    hourly: list[list[float]]
    """hourly[day][hour], expected numbers issued."""
    backtest: Backtest
    effects: dict[str, tuple[float, str]]
    method: str
    """"glm", "share" (of the total) or "none"."""

    @property
    def daily(self) -> list[float]:
        """Expected numbers issued per day."""
        return [round(sum(h), 1) for h in self.hourly]


@dataclass(frozen=True)
class Forecast:
    """Dự báo 14 ngày: per service and for the center, with the backtest error beside it."""

    days: list[date]
    kinds: list[str]
    open: list[bool]
    services: list[SeriesForecast]
    total: SeriesForecast
    history_first: date
    history_last: date
    fit_seconds: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        def series(s: SeriesForecast) -> dict[str, Any]:
            return {"key": s.key, "name": s.name, "daily": s.daily, "hourly": s.hourly, "method": s.method,
                    "backtest": asdict(s.backtest),
                    "effects": {k: {"multiplier": round(v[0], 3), "source": v[1]} for k, v in s.effects.items()}}
        return {"days": [d.isoformat() for d in self.days], "kinds": self.kinds, "open": self.open,
                "services": [series(s) for s in self.services], "total": series(self.total),
                "history": {"first": self.history_first.isoformat(), "last": self.history_last.isoformat()},
                "fit_seconds": round(self.fit_seconds, 3), "notes": self.notes}


def _errors(actual: np.ndarray, predicted: np.ndarray, open_: np.ndarray) -> tuple[float, float, int]:
    """(sum |e|, sum of |e|/y over days with y > 0, how many such days) over open days."""
    a, p = actual[open_], predicted[open_]
    pos = a > 0
    return float(np.abs(a - p).sum()), float((np.abs(a - p)[pos] / a[pos]).sum()), int(pos.sum())


def _series(counts: np.ndarray, feats_hist: list[DayFeatures], feats_next: list[DayFeatures],
            backtest_weeks: int) -> tuple[np.ndarray, Fitted | None, list[np.ndarray]]:
    """Forecast of one series, and the backtest's daily predictions of each held-out week."""
    model = fit(counts, feats_hist)
    future = model.predict(feats_next) if model else np.zeros((len(feats_next), 24))
    held: list[np.ndarray] = []
    n = counts.shape[0]
    for k in range(backtest_weeks, 0, -1):
        cut = n - 7 * k
        if cut < 14:
            continue
        m = fit(counts[:cut], feats_hist[:cut])
        pred = m.predict(feats_hist[cut:cut + 7]) if m else np.zeros((7, 24))
        held.append(pred.sum(axis=1))
    return future, model, held


def _backtest(counts: np.ndarray, held: list[np.ndarray], feats: list[DayFeatures], weeks: int) -> Backtest:
    n = counts.shape[0]
    actual = counts.sum(axis=1)
    abs_e = tot = ape = 0.0
    n_pos = n_days = 0
    for j, pred in enumerate(held):
        cut = n - 7 * (len(held) - j)
        open_ = np.array([f.open for f in feats[cut:cut + 7]])
        a = actual[cut:cut + 7]
        e, pe, k = _errors(a, pred, open_)
        abs_e += e
        tot += float(a[open_].sum())
        ape += pe
        n_pos += k
        n_days += int(open_.sum())
    return Backtest(weeks=len(held), days=n_days, wape=round(abs_e / tot, 4) if tot else None,
                    mape=round(ape / n_pos, 4) if n_pos else None)


def forecast(history: HourlyHistory, config: SiteConfig, calendar: SiteCalendar, *, start: date,
             horizon: int = HORIZON_DAYS, backtest_weeks: int = BACKTEST_WEEKS) -> Forecast:
    """Forecast `horizon` days from `start` for each service and the center (pure: no I/O)."""
    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    # Hazard: BLAS threads on tiny matrices, on a small shared PC, make each solve ~40x slower (measured).
    with threadpool_limits(limits=1, user_api="blas"):
        return _forecast(history, config, calendar, start=start, horizon=horizon, backtest_weeks=backtest_weeks, t0=t0)


def _forecast(history: HourlyHistory, config: SiteConfig, calendar: SiteCalendar, *, start: date, horizon: int,
              backtest_weeks: int, t0: float) -> Forecast:
    hist_days = history.days
    future_days = [start + timedelta(days=i) for i in range(horizon)]
    feats_hist = day_features(hist_days, config, calendar)
    feats_next = day_features(future_days, config, calendar)
    names = {s.code: s.name for s in config.services}
    total_counts = history.counts.sum(axis=0)
    total_future, total_model, total_held = _series(total_counts, feats_hist, feats_next, backtest_weeks)
    series: list[SeriesForecast] = []
    notes: list[str] = []
    held_sum: list[np.ndarray] = [np.zeros(7) for _ in total_held]
    grand = float(total_counts.sum())
    for i, code in enumerate(history.services):
        counts = history.counts[i]
        n = float(counts.sum())
        if n >= MIN_SERVICE_TICKETS:
            future, model, held = _series(counts, feats_hist, feats_next, backtest_weeks)
            method = "glm"
            effects = model.effects if model else {}
        else:
            share = n / grand if grand else 0.0
            future = total_future * share
            held = [h * share for h in total_held]
            method = "share" if n else "none"
            effects = total_model.effects if total_model else {}
        for j, h in enumerate(held[:len(held_sum)]):
            held_sum[j] = held_sum[j] + h
        series.append(SeriesForecast(code, names.get(code, code), np.round(future, 2).tolist(),
                                     _backtest(counts, held, feats_hist, backtest_weeks), effects, method))
    # The center's figure is the sum of the services' forecasts (what staffing adds up), judged as such.
    summed = np.sum([np.array(s.hourly) for s in series], axis=0) if series else np.zeros((horizon, 24))
    total = SeriesForecast("*", "Toàn trung tâm", np.round(summed, 2).tolist(),
                           _backtest(total_counts, held_sum, feats_hist, backtest_weeks),
                           total_model.effects if total_model else {}, "sum")
    for e, (mult, how) in (total_model.effects if total_model else {}).items():
        if how == "assumed":
            notes.append(texts.ASSUMED.format(effect=texts.EFFECTS.get(e, e), mult=mult))
    elapsed = time.perf_counter() - t0
    log.info("forecast of %d services fitted in %.2f s", len(series), elapsed)
    return Forecast(days=future_days, kinds=[f.kind for f in feats_next], open=[f.open for f in feats_next],
                    services=series, total=total, history_first=history.first, history_last=hist_days[-1],
                    fit_seconds=elapsed, notes=notes)
