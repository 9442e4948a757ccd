"""Bố trí quầy: how many counters each service needs, hour by hour, so that 90 % of citizens wait at most
a target (15 minutes by default), from the forecast and the observed service times.

The plan uses Erlang C (M/M/c): with arrival rate λ, mean service time s and c counters, the offered load
is a = λs, and the share of citizens who wait at most t is 1 − C(c, a)·exp(−(c − a)·t/s). Each hour is
treated as steady (a queue left at the end of a busy hour is not carried into the next one) and each
service as having its own counters; a counter that serves two services is counted once for each.

`simulate` checks it: a discrete-event simulation that drives the real queue engine (motcua.queue's
QueueEngine, with an injected clock) through issue and call-next, with the center's share of priority
tickets, and measures the waits the engine records.
"""
from __future__ import annotations

import heapq
import math
import random
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from analytics.forecast import Forecast
from motcua.clock import ManualClock
from motcua.config import SiteConfig, parse_site_config
from motcua.queue import QueueEngine

DEFAULT_TARGET_S = 15 * 60
DEFAULT_SERVICE_LEVEL = 0.9
MAX_COUNTERS = 200


def erlang_c(c: int, a: float) -> float:
    """Probability that a citizen has to wait (Erlang C) with c counters and offered load a (erlangs)."""
    if a <= 0:
        return 0.0
    if c <= a:
        return 1.0
    # Erlang B by its stable recursion, then C from B.
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1 - b))


def service_level(c: int, arrivals_per_h: float, mean_service_s: float, target_s: float) -> float:
    """Share of citizens who wait at most target_s (Erlang C)."""
    a = arrivals_per_h * mean_service_s / 3600.0
    if a <= 0:
        return 1.0
    if c <= a:
        return 0.0
    return 1.0 - erlang_c(c, a) * math.exp(-(c - a) * target_s / mean_service_s)


def counters_needed(arrivals_per_h: float, mean_service_s: float, *, target_s: float = DEFAULT_TARGET_S,
                    level: float = DEFAULT_SERVICE_LEVEL) -> int:
    """The fewest counters for which at least `level` of citizens wait at most target_s (0 with no arrivals)."""
    if arrivals_per_h <= 0.05:
        return 0 if arrivals_per_h <= 0 else 1
    a = arrivals_per_h * mean_service_s / 3600.0
    c = max(1, math.floor(a) + 1)
    while c < MAX_COUNTERS and service_level(c, arrivals_per_h, mean_service_s, target_s) < level:
        c += 1
    return c


# ------------------------------------------------------------------ simulation with the real engine


def _sim_site(counters: int) -> SiteConfig:
    return parse_site_config({
        "site": {"code": "SIM", "name": "Mô phỏng"},
        "hours": {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "services": [{"code": "S", "name": "Dịch vụ", "first_number": 1, "digits": 6}],
        "counters": [{"number": n, "services": ["S"]} for n in range(1, counters + 1)],
    })


def simulate(arrivals_per_h: float, mean_service_s: float, counters: int, *, target_s: float = DEFAULT_TARGET_S,
             hours: float = 40.0, warmup_h: float = 2.0, priority_share: float = 0.0, service_cv: float = 1.0,
             seed: int = 1) -> float:
    """Share of citizens who waited at most target_s, in a simulation through the real queue engine.

    Poisson arrivals at a steady rate; service times exponential (service_cv = 1, Erlang C's assumption) or
    lognormal with the given coefficient of variation; a free counter calls the next number at once.
    """
    rng = random.Random(seed)
    start = 1_800_000_000.0
    clock = ManualClock(start)
    engine = QueueEngine(_sim_site(counters), clock)
    engine.load(day=engine.local_day(start), tickets=[], counters=[])
    end = start + (warmup_h + hours) * 3600
    sigma = math.sqrt(math.log(1 + service_cv ** 2))

    def service_time() -> float:
        if service_cv == 1.0:
            return rng.expovariate(1.0 / mean_service_s)
        return mean_service_s * math.exp(rng.gauss(-sigma * sigma / 2, sigma))

    free = list(range(1, counters + 1))
    heap: list[tuple[float, int, int]] = [(start + rng.expovariate(arrivals_per_h / 3600), 0, 0)]
    order = 1
    waits: list[float] = []
    measured_from = start + warmup_h * 3600
    while heap:
        at, _, counter = heapq.heappop(heap)
        if at > end:
            break
        clock.set(at)
        if counter == 0:
            engine.issue("S", priority="elderly" if rng.random() < priority_share else None, channel="counter")
            heapq.heappush(heap, (at + rng.expovariate(arrivals_per_h / 3600), order, 0))
            order += 1
            if not free:
                continue
            counter = free.pop()
        # A free counter (or one whose citizen just left) calls the next number: the engine's own choice.
        changes = engine.call_next(counter)
        called = next((c.ticket for c in changes if c.event.type == "ticket.called"), None)
        if called is None:
            free.append(counter)
            continue
        if called.issued_at >= measured_from:
            waits.append((called.called_at or at) - called.issued_at)
        heapq.heappush(heap, (at + service_time(), order, counter))
        order += 1
    if not waits:
        return 1.0
    return float(np.mean(np.array(waits) <= target_s))


def simulated_counters(arrivals_per_h: float, mean_service_s: float, *, target_s: float = DEFAULT_TARGET_S,
                       level: float = DEFAULT_SERVICE_LEVEL, **kw: Any) -> int:
    """The fewest counters that reach `level` in the simulation."""
    if arrivals_per_h <= 0:
        return 0
    c = max(1, math.ceil(arrivals_per_h * mean_service_s / 3600.0))
    while c < MAX_COUNTERS and simulate(arrivals_per_h, mean_service_s, c, target_s=target_s, **kw) < level:
        c += 1
    return c


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class ServicePlan:
    """Counters one service needs on each forecast day, hour by hour."""

    key: str
    name: str
    mean_service_s: float
    service_time_source: str
    """"observed" (the history's served tickets) or "configured" (the site file's average_service_s)."""
    counters: list[list[int]]
    """counters[day][hour]."""

    def peak(self, day: int) -> int:
        """The most counters needed in any hour of a day."""
        return max(self.counters[day], default=0)


@dataclass(frozen=True)
class StaffingPlan:
    """Kế hoạch bố trí quầy over the forecast's days."""

    days: list[date]
    open: list[bool]
    target_s: float
    level: float
    services: list[ServicePlan]
    hours: list[int]
    """The hours in which anything is forecast (the plan's columns)."""
    notes: list[str] = field(default_factory=list)

    def total(self, day: int, hour: int) -> int:
        """Counters needed by all services in an hour."""
        return sum(s.counters[day][hour] for s in self.services)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"days": [d.isoformat() for d in self.days], "open": self.open, "target_s": self.target_s,
                "level": self.level, "hours": self.hours, "notes": self.notes,
                "services": [{"key": s.key, "name": s.name, "mean_service_s": s.mean_service_s,
                              "service_time_source": s.service_time_source, "counters": s.counters}
                             for s in self.services]}


def observed_service_times(conn: sqlite3.Connection, *, last: date, weeks: int = 12) -> dict[str, tuple[float, int]]:
    """Mean service time (call to completion) per service over the last weeks: {service: (seconds, count)}."""
    first = last - timedelta(days=7 * weeks - 1)
    rows = conn.execute(
        "SELECT service, AVG(finished_at - called_at), COUNT(*) FROM tickets WHERE day BETWEEN ? AND ? AND test = 0 "
        "AND status = 'done' AND called_at IS NOT NULL AND finished_at > called_at "
        "AND finished_at - called_at < 14400 GROUP BY service", (first.isoformat(), last.isoformat())).fetchall()
    return {r[0]: (float(r[1]), int(r[2])) for r in rows}


MIN_OBSERVED = 30
"""Fewer served tickets than this: the site file's average_service_s stands in for the observed mean."""


def plan(fc: Forecast, config: SiteConfig, service_times: dict[str, tuple[float, int]], *,
         target_s: float = DEFAULT_TARGET_S, level: float = DEFAULT_SERVICE_LEVEL) -> StaffingPlan:
    """Counters per service, day and hour for the forecast (Erlang C); pure."""
    services = []
    used_hours: set[int] = set()
    for s in fc.services:
        svc = config.service(s.key)
        observed = service_times.get(s.key)
        if observed and observed[1] >= MIN_OBSERVED:
            mean, source = observed[0], "observed"
        else:
            mean, source = (svc.average_service_s if svc else 300.0), "configured"
        grid = [[counters_needed(rate, mean, target_s=target_s, level=level) for rate in day] for day in s.hourly]
        for day in grid:
            used_hours.update(h for h, n in enumerate(day) if n)
        services.append(ServicePlan(s.key, s.name, round(mean, 1), source, grid))
    return StaffingPlan(days=fc.days, open=fc.open, target_s=target_s, level=level, services=services,
                        hours=sorted(used_hours))
