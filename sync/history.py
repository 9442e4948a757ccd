"""Lịch sử mẫu: weeks of realistic past traffic written into a hub database through the hub's own code.

For the demo (`motcua demo --history-weeks N`) and the reports benchmark: the manager's reports and the
forecast need a past to show. Every row is made the way a running hub makes it — the queue engine
(issue, call next, skip, transfer, recall, complete, the midnight rollover) driven by an injected clock,
dossiers through the hub's dossier desk, committed by the store's group-commit writer, clerks signed in at
the counters so that every stretch of service names its clerk — so the history holds exactly what a real
center's database would.

The traffic: each service's share follows how many counters serve it; Monday is the busiest day and
Friday the quietest, Saturday mornings are half a day; the morning peak is 8-10 h and the afternoon one
14-15 h; numbers are issued over lunch while counters rest; official days off are closed, make-up
Saturdays (ngày làm bù) work a full weekday; the last three working days of a month, the two weeks
before Tết and the first day after a holiday are busier.

The seeding connection runs with synchronous=OFF: a crash while seeding loses the seed, never real data
(seed a new database, not a site's live one; `seed_history` refuses a database that already has tickets
in the seeded days).
"""
from __future__ import annotations

import asyncio
import heapq
import logging
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from motcua.clock import ManualClock
from motcua.config import SiteConfig
from motcua.queue import Change, QueueEngine, QueueError
from motcua.worktime import DayKind, WorkCalendar

log = logging.getLogger(__name__)

WEEKDAY_LEVEL = {1: 1.25, 2: 1.1, 3: 1.0, 4: 1.0, 5: 0.9, 6: 0.55, 7: 0.4}
HOUR_WEIGHT = {6: 0.1, 7: 0.7, 8: 1.6, 9: 1.5, 10: 1.1, 11: 0.45, 12: 0.25, 13: 0.9, 14: 1.05, 15: 0.85, 16: 0.35,
               17: 0.1}
MONTH_END = 1.3
PRE_TET = 1.5
POST_HOLIDAY = 1.3
PRIORITY_SHARE = 0.08
COUNTER_CHANNEL_SHARE = 0.07
NO_SHOW = 0.04
TRANSFER = 0.02
RECALL = 0.05
DOSSIER_AT_COUNTER = 0.3
DOSSIER_AT_KIOSK = 0.03
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
_MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Ngọc", "Thu", "Quang", "Hữu")
_GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương", "Sơn", "Thảo", "Trang", "Tuấn")


@dataclass
class SeedResult:
    """What was written."""

    first: date
    last: date
    open_days: int = 0
    tickets: int = 0
    refused: int = 0
    """Arrivals the engine turned away (outside issuing hours, a quota reached): a citizen told to come back."""
    dossiers: int = 0
    by_day: dict[str, int] = field(default_factory=dict)


def _level(day: date, cal: WorkCalendar, site_days: set[int]) -> float:
    """How busy a day is, relative to an ordinary Wednesday (0: closed)."""
    kind = cal.day_kind(day)
    if kind == DayKind.DAY_OFF or (kind == DayKind.WEEKEND and day.isoweekday() not in site_days):
        return 0.0
    level = 1.0 if kind == DayKind.MAKE_UP else WEEKDAY_LEVEL[day.isoweekday()]

    def is_open(d: date) -> bool:
        k = cal.day_kind(d)
        return k == DayKind.MAKE_UP or (k != DayKind.DAY_OFF and d.isoweekday() in site_days)

    later = sum(1 for i in range(1, 10) if (d := day + timedelta(days=i)).month == day.month and is_open(d))
    if later < 3:
        level *= MONTH_END
    for year in (day.year, day.year + 1):
        tet = [d for d, name in cal.official.days_off(year) if "nguyên" in name.lower()]
        if tet and 0 < (min(tet) - day).days <= 14:
            level *= PRE_TET
    prev = day - timedelta(days=1)
    closed_for_holiday = False
    while not is_open(prev):
        closed_for_holiday = closed_for_holiday or cal.day_kind(prev) == DayKind.DAY_OFF
        prev -= timedelta(days=1)
    if closed_for_holiday:
        level *= POST_HOLIDAY
    return level


class _Day:
    """One simulated day: arrivals at the kiosks, clerks calling at the counters, all through the engine."""

    def __init__(self, engine: QueueEngine, config: SiteConfig, rng: random.Random, day: date, *, sessions_weekday: int,
                 shares: dict[str, float], per_day: float, level: float, speed: dict[int, float]) -> None:
        self.engine, self.config, self.rng, self.day = engine, config, rng, day
        self.tz = config.tz
        self.sessions = config.hours.sessions(sessions_weekday)
        self.weekday = sessions_weekday
        self.shares, self.per_day, self.level, self.speed = shares, per_day, level, speed
        self.changes: list[Change] = []
        self.served: list[tuple[str, int, float]] = []
        """(service, counter, time) of each completed ticket: the dossiers received at the counter."""
        self.kiosk_dossiers: list[tuple[str, float]] = []
        self.refused = 0

    def at(self, minute: float) -> float:
        d = self.day
        return datetime(d.year, d.month, d.day, tzinfo=self.tz).timestamp() + minute * 60

    def arrivals(self) -> list[tuple[float, str]]:
        hours = {h: w for h, w in HOUR_WEIGHT.items()
                 if any(self.config.hours.issuing_at(self.weekday, h * 60 + m) for m in range(0, 60, 5))}
        total_w = sum(hours.values()) or 1.0
        # A full weekday's hours carry the day's level; a short day (Saturday morning) carries its part.
        full = sum(w for h, w in HOUR_WEIGHT.items() if any(self.config.hours.issuing_at(1, h * 60 + m)
                                                           for m in range(0, 60, 5))) or total_w
        expected = self.per_day * self.level * math.exp(self.rng.gauss(0, 0.08)) * total_w / full
        out: list[tuple[float, str]] = []
        for h, w in hours.items():
            for code, share in self.shares.items():
                n = _poisson(self.rng, expected * w / total_w * share)
                out.extend((self.at(h * 60 + self.rng.random() * 60), code) for _ in range(n))
        out.sort()
        return out

    def run(self) -> None:
        heap: list[tuple[float, int, str, Any]] = []
        order = 0
        for ts, code in self.arrivals():
            heap.append((ts, order, "arrive", code))
            order += 1
        open_counters = [c.number for c in self.config.counters if self.rng.random() > 0.05]
        for s_i, span in enumerate(self.sessions):
            for n in open_counters:
                heap.append((self.at(span.start_min + self.rng.uniform(0, 8)), order, "call", (n, s_i)))
                order += 1
        heapq.heapify(heap)
        clock: ManualClock = self.engine.clock  # type: ignore[assignment]
        while heap:
            ts, _, kind, what = heapq.heappop(heap)
            clock.set(ts)
            if kind == "arrive":
                self.issue(what)
                continue
            number, s_i = what
            end = self.at(self.sessions[s_i].end_min)
            cur = self.engine.counters[number].current
            if ts >= end:
                if cur is not None:  # the last citizen of the session is finished, then the clerk stops
                    self.finish(number)
                continue
            busy_for = self.call(number)
            # Nobody waits: look again in a minute or two (at the latest when the session ends).
            again = min(ts + 60 + self.rng.uniform(0, 60), end) if busy_for is None else ts + busy_for
            heapq.heappush(heap, (again, order, "call", (number, s_i)))
            order += 1

    def issue(self, code: str) -> None:
        rng = self.rng
        priority = None
        if rng.random() < PRIORITY_SHARE:
            priority = rng.choice([p.code for p in self.config.priority_categories])
        channel = "counter" if rng.random() < COUNTER_CHANNEL_SHARE else "kiosk"
        try:
            ch = self.engine.issue(code, priority=priority, channel=channel)
        except QueueError:
            self.refused += 1
            return
        self.changes.append(ch)
        if channel == "kiosk" and rng.random() < DOSSIER_AT_KIOSK:
            self.kiosk_dossiers.append((code, ch.event.at))

    def finish(self, number: int) -> None:
        ch = self.engine.complete(number)
        self.changes.append(ch)
        if ch.ticket is not None:
            self.served.append((ch.ticket.service, number, ch.event.at))

    def call(self, number: int) -> float | None:
        """Call the next citizen at a counter (completing the current one); returns the time to the next call."""
        rng = self.rng
        changes = self.engine.call_next(number)
        self.changes.extend(changes)
        for ch in changes:
            if ch.event.type == "ticket.completed" and ch.ticket is not None:
                self.served.append((ch.ticket.service, number, ch.event.at))
        called = next((c.ticket for c in changes if c.event.type == "ticket.called"), None)
        if called is None:
            return None
        if rng.random() < RECALL:
            self.changes.append(self.engine.recall(number))
        if rng.random() < NO_SHOW:
            self.changes.append(self.engine.skip(number))
            return 45.0 + rng.uniform(0, 30)
        if rng.random() < TRANSFER:
            others = [c for c in self.shares if c != called.service]
            if others:
                self.changes.append(self.engine.transfer(number, rng.choice(others)))
                return 90.0 + rng.uniform(0, 60)
        svc = self.config.service(called.service)
        mean = (svc.average_service_s if svc else 300.0) * self.speed[number]
        return mean * math.exp(rng.gauss(-0.125, 0.5))  # lognormal, cv ~0.5, mean `mean`


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _service_shares(config: SiteConfig) -> dict[str, float]:
    """Demand per service in proportion to the counters that serve it (a center staffs where citizens go)."""
    weight = {s.code: 0.0 for s in config.services}
    for c in config.counters:
        for code in c.services:
            weight[code] += 1.0 / len(c.services)
    total = sum(weight.values()) or 1.0
    return {code: w / total for code, w in weight.items() if w > 0}


def _applicant(rng: random.Random) -> dict[str, str]:
    # Made-up people: a demo database holds no one's real data.
    return {"name": f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}",
            "id_number": f"0{rng.randrange(10**10, 10**11)}", "phone": f"09{rng.randrange(10**8):08d}"}


async def _seed(hub: Any, config: SiteConfig, clock: ManualClock, days: list[date], *, per_day: float,
                rng: random.Random, result: SeedResult, crew: random.Random | None = None) -> None:
    from sync.hub.models import Applicant, DossierRequest

    cal = WorkCalendar(official=hub.dossiers.official_days, tz=config.tz)
    site_days = {wd for wd in range(1, 8) if config.hours.sessions(wd)}
    shares = _service_shares(config)
    procedures: dict[str, list[str]] = {}
    for code, p in hub.dossiers.catalog().items():
        if hub.dossiers.offers(p):
            procedures.setdefault(str(p["service"]), []).append(code)
    speed = {c.number: rng.uniform(0.85, 1.15) for c in config.counters}
    # The clerks draw from their own generator: the traffic stays the same as without them.
    crew = crew or random.Random(0)
    clerks = await _staff(hub, config, crew)
    for day in days:
        clock.set(datetime(day.year, day.month, day.day, 0, 30, tzinfo=config.tz).timestamp())
        changes: list[Change] = []
        roll = hub.engine.rollover_if_needed()
        if roll is not None:
            # Committed on its own: the rollover signs yesterday's clerks out before today's sign in.
            await hub.commit([roll])
        level = _level(day, cal, site_days)
        if level == 0:
            continue
        await _sign_in(hub, config, crew, clerks)
        make_up = cal.day_kind(day) == DayKind.MAKE_UP
        sim = _Day(hub.engine, config, rng, day, sessions_weekday=1 if make_up else day.isoweekday(), shares=shares,
                   per_day=per_day, level=level, speed=speed)
        sim.run()
        changes.extend(sim.changes)
        # One commit per few thousand changes: the group-commit writer's own batching, as under a busy morning.
        for i in range(0, len(changes), 4000):
            await hub.commit(changes[i:i + 4000])
        result.open_days += 1
        issued = sum(1 for c in sim.changes if c.event.type == "ticket.issued")
        result.tickets += issued
        result.refused += sim.refused
        result.by_day[day.isoformat()] = issued
        # Dossiers: received at the counter after some of the services, self-submitted at the kiosk by others.
        todo = [(svc, at, "counter") for svc, _, at in sim.served if rng.random() < DOSSIER_AT_COUNTER]
        todo += [(svc, at, "kiosk") for svc, at in sim.kiosk_dossiers]
        todo.sort(key=lambda x: x[1])
        for svc, at, channel in todo:
            codes = procedures.get(svc)
            if not codes:
                continue
            clock.set(at)
            req = DossierRequest(id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), procedure=rng.choice(codes),
                                 applicant=Applicant(**_applicant(rng)))
            await hub.dossiers.submit(req, channel=channel)
            result.dossiers += 1
    # Close the last day: the next midnight expires what was left open, as a running hub would.
    last = days[-1] + timedelta(days=1)
    clock.set(datetime(last.year, last.month, last.day, 0, 30, tzinfo=config.tz).timestamp())
    roll = hub.engine.rollover_if_needed()
    if roll is not None:
        await hub.commit([roll])


async def _staff(hub: Any, config: SiteConfig, rng: random.Random) -> list[str]:
    """Made-up clerks: one regular per counter and a few stand-ins.

    Their accounts are disabled (a PIN nobody knows, and no sign-in): a real clerk or the demo's own adds the
    same staff code later with a PIN of their own (`motcua staff add` enables a disabled code again).
    """
    from sync.hub.staff import hash_secret

    n = len(config.counters) + max(1, len(config.counters) // 4)
    codes = [f"NV{i + 1:03d}" for i in range(n)]
    pin_hash = hash_secret(uuid.UUID(int=rng.getrandbits(128)).hex)
    await hub.store.submit([], ops=[(
        "INSERT INTO staff (code, name, pin_hash, created_at, disabled_at) VALUES (?, ?, ?, 0, 0) "
        "ON CONFLICT(code) DO NOTHING",
        (code, f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}", pin_hash)) for code in codes])
    return codes


async def _sign_in(hub: Any, config: SiteConfig, rng: random.Random, clerks: list[str]) -> None:
    """The day's clerks at their counters: the regular one, or a stand-in on one day in ten."""
    spare = clerks[len(config.counters):]
    ops: list[tuple[str, tuple[Any, ...]]] = [("DELETE FROM counter_staff", ())]
    used: set[str] = set()
    for i, c in enumerate(config.counters):
        code = clerks[i]
        if rng.random() < 0.1 and (free := [s for s in spare if s not in used]):
            code = rng.choice(free)
        used.add(code)
        ops.append(("INSERT INTO counter_staff (counter, staff, since) VALUES (?, ?, ?)", (c.number, code,
                                                                                           hub.clock.time())))
    await hub.store.submit([], ops=ops)
    hub.staff.load()


def seed_history(db: str | Path, config: SiteConfig, *, weeks: int, until: date, per_day: float = 600.0,
                 seed: int = 14, mark_sent: bool = False) -> SeedResult:
    """Write `weeks` weeks of past traffic ending the day before `until` into the database at `db`.

    `per_day` is the numbers issued on an ordinary Wednesday. The hub must not be running on this database.
    With mark_sent, the outbox cursor moves past the seeded events, as if the relay had sent them long ago:
    the demo's central server starts empty and is not flooded with a made-up past (its dossiers keep their
    provisional codes).
    """
    from sync.hub.service import Hub
    from sync.store import SiteStore, StoreError

    first = until - timedelta(days=7 * weeks)
    days = [first + timedelta(days=i) for i in range(7 * weeks)]
    clock = ManualClock(datetime(first.year, first.month, first.day, 0, 30, tzinfo=config.tz).timestamp())
    store = SiteStore(db)
    result = SeedResult(first=first, last=days[-1])
    try:
        have = store.read("SELECT COUNT(*) FROM tickets WHERE day BETWEEN ? AND ?",
                          (first.isoformat(), days[-1].isoformat()))[0][0]
        if have:
            raise StoreError(f"{db}: đã có {have} số trong những ngày này / already holds {have} tickets in "
                             f"{first}..{days[-1]}: seed a new database")
        store.db.conn.execute("PRAGMA synchronous = OFF")  # a seed, not real data (see the module's note)
        hub = Hub(config, store, clock=clock)
        rng = random.Random(seed)

        async def go() -> None:
            store.start(asyncio.get_running_loop())
            try:
                await _seed(hub, config, clock, days, per_day=per_day, rng=rng, result=result,
                            crew=random.Random(seed + 1))
                if mark_sent:
                    from sync.store.tables import HubTables

                    await store.submit([], ops=[HubTables.advance(hub.engine.next_seq - 1, clock.time())])
            finally:
                await asyncio.get_running_loop().run_in_executor(None, store.stop)

        asyncio.run(go())
        store.db.conn.execute("PRAGMA synchronous = FULL")
    finally:
        store.close()
    log.info("seeded %d open days, %d tickets, %d dossiers into %s", result.open_days, result.tickets,
             result.dossiers, db)
    return result


def status_counts(db: str | Path) -> dict[str, int]:
    """Tickets per status in a database (a quick look for tests and the demo)."""
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {r[0]: int(r[1]) for r in con.execute("SELECT status, COUNT(*) FROM tickets GROUP BY status")}
    finally:
        con.close()

