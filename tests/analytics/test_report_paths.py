"""The report's fast path (counts summed in SQL, durations of called tickets only, closed days cached) against a
row-by-row computation of the definitions in analytics.report, on a random history with every odd case the
schema allows: transfers, unknown services and counters, test tickets, tickets open at a past day's end,
tickets issued on the hour, stretches of service with and without a clerk.
"""
from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from support import small_site

from analytics.periods import Period
from analytics.report import Durations, Figures, build
from analytics.tally import DayCache
from motcua.config import parse_site_config
from sync.store import migrate

FIRST = date(2026, 10, 26)
DAYS = 12
STATUSES = ("waiting", "called", "done", "done", "done", "skipped", "expired")


def _site():
    return parse_site_config(small_site(
        services=[{"code": "A", "name": "Đất đai", "first_number": 1001, "digits": 4},
                  {"code": "B", "name": "Tư pháp - Hộ tịch", "first_number": 1, "prefix": "B", "digits": 3}],
        counters=[{"number": 1, "services": ["A", "B"]}, {"number": 2, "services": ["A"]}]))


def _random_history(db: Path, seed: int) -> None:
    rng = random.Random(seed)
    tz = _site().tz
    migrate(db).conn.close()
    con = sqlite3.connect(db)
    tickets, segments = [], []
    for i in range(DAYS):
        day = FIRST + timedelta(days=i)
        start = datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()
        for n in range(rng.randint(0 if i == 3 else 20, 160)):
            tid = f"t{i}-{n}"
            number_service = rng.choice("AAAABBC")
            service = rng.choice("AB") if rng.random() < 0.15 else number_service
            # On the hour now and then: the heat map's floor at an exact boundary.
            issued = start + (rng.randint(7, 17) * 3600 if rng.random() < 0.1 else rng.uniform(6.5, 17.9) * 3600)
            status = rng.choice(STATUSES)
            called = None if status == "waiting" or (status == "expired" and rng.random() < 0.5) else \
                issued + rng.uniform(0, 3600)
            counter = None if called is None else rng.choice([1, 1, 2, 3])
            finished = called + rng.uniform(30, 1800) if called is not None and status in ("done", "skipped") else None
            if status == "done" and rng.random() < 0.03:
                finished = None  # a row the hub would never write: the definitions must still hold
            tickets.append((tid, day.isoformat(), number_service, n + 1, f"{number_service}{n + 1}", service,
                            rng.choice([None, None, None, "", "elderly", "disabled"]), rng.choice(["kiosk", "counter"]),
                            status, issued, called, counter, finished, rng.randint(0, 1) if service != number_service
                            else 0, int(rng.random() < 0.05)))
            t = issued
            for _ in range(rng.choice([0, 1, 1, 2, 3]) if called is not None else 0):
                at = t + rng.uniform(0, 1200)
                end = None if rng.random() < 0.1 else at + rng.uniform(10, 900)
                segments.append((len(segments) + 1, tid, day.isoformat(), rng.choice([1, 2]),
                                 rng.choice(["lan", "minh", "hoa", None, ""]), service, at, end,
                                 None if end is None else rng.choice(["done", "skipped", "transferred", "expired"])))
                t = end or at
    con.executemany("INSERT INTO tickets (id, day, number_service, number, display, service, priority, channel, status, "
                    "issued_at, called_at, counter, finished_at, transfers, test) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tickets)
    con.executemany("INSERT INTO service_segments (seq, ticket_id, day, counter, clerk, service, called_at, ended_at, "
                    "outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", segments)
    con.execute("INSERT INTO staff (code, name, pin_hash, created_at) VALUES ('lan', 'Nguyễn Thị Lan', 'x', 0)")
    # The hub is on the last day: every day before it is closed.
    con.execute("INSERT INTO counters (number, state, current, priority_streak, served, day, changed_at) "
                "VALUES (1, 'open', NULL, 0, 0, ?, 0)", ((FIRST + timedelta(days=DAYS - 1)).isoformat(),))
    con.commit()
    con.close()


def _durations(values: list[float]) -> Durations:
    return Durations.of(np.array(values, dtype=float))


def _reference(db: Path, period: Period, target: float) -> dict[str, object]:
    """Every figure from the rows one by one (numpy only for the percentiles, as the definition says)."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT day, number_service, service, priority, channel, status, issued_at, called_at, "
                       "counter, finished_at, transfers FROM tickets WHERE day BETWEEN ? AND ? AND test = 0 "
                       "ORDER BY day, rowid", (period.first.isoformat(), period.last.isoformat())).fetchall()
    segs = con.execute("SELECT s.ticket_id, s.clerk, s.outcome, s.called_at, s.ended_at, t.issued_at "
                       "FROM service_segments s JOIN tickets t ON t.id = s.ticket_id WHERE s.day BETWEEN ? AND ? "
                       "AND t.test = 0 ORDER BY s.day, s.ticket_id, s.called_at, s.seq",
                       (period.first.isoformat(), period.last.isoformat())).fetchall()
    con.close()
    tz = _site().tz

    def figures(key: str, issued_rows: list[tuple], final_rows: list[tuple], issued_known: bool = True) -> Figures:
        called = [r for r in final_rows if r[7] is not None]
        waits = [r[7] - r[6] for r in called]
        return Figures(
            key=key, name="", issued=len(issued_rows) if issued_known else 0,
            served=sum(r[5] == "done" for r in final_rows),
            no_show=sum(r[5] == "skipped" or (r[5] == "expired" and r[7] is not None) for r in final_rows),
            not_called=sum(r[5] == "expired" and r[7] is None for r in issued_rows) if issued_known else 0,
            transferred=sum(r[10] > 0 for r in issued_rows) if issued_known else 0,
            open=sum(r[5] in ("waiting", "called") for r in final_rows),
            priority=sum(bool(r[3]) for r in issued_rows) if issued_known else 0,
            wait=_durations(waits),
            service_time=_durations([np.nan if r[9] is None or r[7] is None else r[9] - r[7]
                                     for r in final_rows if r[5] == "done"]),
            within_target=None if not waits else round(float(np.mean([w <= target for w in waits])), 4))

    out: dict[str, object] = {"total": replace(figures("*", rows, rows), name="Toàn trung tâm")}
    out["services"] = {s: figures(s, [r for r in rows if r[1] == s], [r for r in rows if r[2] == s])
                       for s in sorted({r[1] for r in rows} | {r[2] for r in rows} | {"A", "B"})}
    out["counters"] = {n: figures(str(n), rows, [r for r in rows if (r[8] or 0) == n], issued_known=False)
                       for n in sorted({1, 2} | {r[8] for r in rows if r[8]})}
    heat = [[0] * 24 for _ in range(7)]
    for r in rows:
        local = datetime.fromtimestamp(r[6], tz)
        heat[local.isoweekday() - 1][local.hour] += 1
    out["heat"] = heat
    out["daily"] = {}
    for d in period.dates():
        day_rows = [r for r in rows if r[0] == d.isoformat()]
        f = figures("", day_rows, day_rows)
        out["daily"][d.isoformat()] = (f.issued, f.served, f.no_show, f.wait.median_s)  # type: ignore[index]
    priority: dict[str, int] = {}
    channels: dict[str, int] = {}
    for r in rows:
        if r[3]:
            priority[r[3]] = priority.get(r[3], 0) + 1
        channels[r[4]] = channels.get(r[4], 0) + 1
    out["priority"], out["channels"] = priority, channels
    clerks: dict[str, dict[str, list]] = {}
    previous_end: dict[str, float | None] = {}
    for ticket, clerk, outcome, called_at, ended_at, issued_at in segs:
        prev = previous_end.get(ticket)
        since = issued_at if prev is None else prev
        previous_end[ticket] = ended_at
        if not clerk:
            continue
        c = clerks.setdefault(clerk, {"outcome": [], "wait": [], "service": []})
        c["outcome"].append(outcome)
        c["wait"].append(called_at - since)
        if outcome == "done":
            c["service"].append(ended_at - called_at)
    out["clerks"] = {k: (v["outcome"].count("done"), v["outcome"].count("skipped") + v["outcome"].count("expired"),
                         v["outcome"].count("transferred"), v["outcome"].count(None), _durations(v["wait"]),
                         _durations(v["service"])) for k, v in sorted(clerks.items())}
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fast_path_gives_the_row_by_row_figures(tmp_path: Path, seed: int) -> None:
    db = tmp_path / "site.db"
    _random_history(db, seed)
    cache = DayCache()
    for key in ("2026-10-26..2026-11-06", "2026-W45", "2026-11-06", "2026-10-26..2026-10-31"):
        period = Period.parse(key)
        ref = _reference(db, period, 900.0)
        for run in ("afresh", "cache fill", "cache hit"):
            r = build(db, _site(), period, generated_at=0, wait_target_s=900.0,
                      cache=None if run == "afresh" else cache)
            assert r.total == ref["total"], (key, run)
            assert [s.key for s in r.services] == list(ref["services"]), (key, run)  # type: ignore[call-overload]
            for s in r.services:
                assert (s.issued, s.served, s.no_show, s.not_called, s.transferred, s.open, s.priority, s.wait, s.service_time,
                        s.within_target) == (lambda f: (f.issued, f.served, f.no_show, f.not_called, f.transferred, f.open,
                                                        f.priority, f.wait, f.service_time, f.within_target))(
                    ref["services"][s.key]), (key, run, s.key)  # type: ignore[index]
            assert {int(c.key): (c.served, c.no_show, c.open, c.wait, c.service_time, c.within_target)
                    for c in r.counters} == {n: (f.served, f.no_show, f.open, f.wait, f.service_time, f.within_target)
                                             for n, f in ref["counters"].items()}, (key, run)  # type: ignore[union-attr]
            assert r.heatmap.counts == ref["heat"], (key, run)
            assert {d.day.isoformat(): (d.issued, d.served, d.no_show, d.wait_median_s) for d in r.daily} == \
                ref["daily"], (key, run)
            assert {c.code: c.count for c in r.priority_categories} == ref["priority"]
            assert r.channels == ref["channels"]
            assert {c.key: (c.served, c.no_show, c.transferred, c.open, c.wait, c.service_time)
                    for c in r.clerks} == ref["clerks"], (key, run)
    assert cache.hits > 0
    # A closed day changed under the same path (a database pruned or restored): its fingerprint differs, it is
    # read afresh.
    con = sqlite3.connect(db)
    con.execute("DELETE FROM tickets WHERE day = ? AND rowid % 3 = 0", (FIRST.isoformat(),))
    con.commit()
    con.close()
    period = Period.parse("2026-10-26..2026-10-31")
    assert build(db, _site(), period, generated_at=0, wait_target_s=900.0, cache=cache).total == \
        _reference(db, period, 900.0)["total"]


def test_the_workers_warm_up_reads_the_closed_days_before_the_first_report(tmp_path: Path) -> None:
    from analytics.console import warm
    from analytics.report import DAY_CACHE

    db = tmp_path / "site.db"
    _random_history(db, 4)
    today = FIRST + timedelta(days=DAYS - 1)
    assert warm(str(db), _site(), today.isoformat())
    hits, misses = DAY_CACHE.hits, DAY_CACHE.misses
    build(db, _site(), Period.between(FIRST, today), generated_at=0)
    days_with_tickets = sqlite3.connect(db).execute("SELECT COUNT(DISTINCT day) FROM tickets").fetchone()[0]
    assert DAY_CACHE.misses - misses == 1  # today only: the hub is still on it
    assert DAY_CACHE.hits - hits == days_with_tickets - 1
    assert warm(str(tmp_path / "missing.db"), _site(), today.isoformat())  # a warm-up never fails the worker
