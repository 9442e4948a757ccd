"""Report figures against a small day computed by hand.

The day is made through the real queue engine and store (issue, call, skip, transfer, complete, the
midnight rollover, a commissioning test ticket), so the rows are exactly what a hub writes.
"""
from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date
from pathlib import Path

import orjson
import pytest
from support import local, small_site

from analytics.export import report_csv, report_tables, report_xlsx
from analytics.periods import Period
from analytics.report import build
from motcua.clock import ManualClock
from motcua.config import parse_site_config
from motcua.queue import QueueEngine
from sync.store import SiteStore

DAY = date(2026, 11, 26)  # a Thursday


def _site():
    return parse_site_config(small_site(
        services=[{"code": "A", "name": "Đất đai", "first_number": 1001, "digits": 4},
                  {"code": "B", "name": "Tư pháp - Hộ tịch", "first_number": 1, "prefix": "B", "digits": 3}],
        counters=[{"number": 1, "services": ["A", "B"]}, {"number": 2, "services": ["A"]}]))


def _fixture_day(db: Path) -> None:
    """The hand-computed day (times are local, Thursday 26/11/2026).

    08:00 t1 A · 08:02 t2 A (elderly) · 08:05 t3 B (at a counter) · 08:10 t4 A · 08:20 t5 B · 08:30 t6 A
    08:06 c2 calls t2 · 08:07 c1 calls t1 · 08:16 c2 completes t2, calls t4 · 08:19 c1 skips t1
    08:20 c1 calls t3 · 08:25 c2 transfers t4 to B · 08:30 c1 completes t3, calls t4 (B, issued 08:10)
    08:40 c2 calls t6 · 08:45 c1 completes t4 · 08:50 c2 completes t6 · t5 is never called.
    A commissioning test ticket at 09:00; midnight expires t1 (skipped) and t5; one ticket on the 27th.
    """
    clock = ManualClock(local(2026, 11, 26, 7, 0))
    config = _site()
    engine = QueueEngine(config, clock)
    store = SiteStore(db)
    engine.load(day=DAY.isoformat(), tickets=[], counters=[])
    changes = []

    def at(h: int, m: int) -> None:
        clock.set(local(2026, 11, 26, h, m))

    at(8, 0)
    changes.append(engine.issue("A"))
    at(8, 2)
    changes.append(engine.issue("A", priority="elderly"))
    at(8, 5)
    changes.append(engine.issue("B", channel="counter"))
    at(8, 6)
    changes += engine.call_next(2)
    at(8, 7)
    changes += engine.call_next(1)
    at(8, 10)
    changes.append(engine.issue("A"))
    at(8, 16)
    changes += engine.call_next(2)
    at(8, 19)
    changes.append(engine.skip(1))
    at(8, 20)
    changes.append(engine.issue("B"))
    changes += engine.call_next(1)
    at(8, 25)
    changes.append(engine.transfer(2, "B"))
    at(8, 30)
    changes.append(engine.issue("A"))
    changes += engine.call_next(1)
    at(8, 40)
    changes += engine.call_next(2)
    at(8, 45)
    changes.append(engine.complete(1))
    at(8, 50)
    changes.append(engine.complete(2))
    at(9, 0)
    changes.append(engine.set_commissioning(True))
    changes.append(engine.issue("A"))
    changes.append(engine.set_commissioning(False))
    clock.set(local(2026, 11, 27, 8, 0))
    roll = engine.rollover_if_needed()
    assert roll is not None
    changes.append(roll)
    changes.append(engine.issue("A"))
    store.write_now(changes)
    # Dossiers received that day: two at a counter, one self-submitted at a kiosk.
    ops = []
    for i, (proc, channel) in enumerate((("DD.01", "counter"), ("DD.01", "kiosk"), ("TPHT.01", "counter"))):
        body = orjson.dumps({"channel": channel, "procedure": proc}).decode()
        ops.append(("INSERT INTO dossiers (id, provisional_code, day, procedure, status, body, submitted_at) "
                    "VALUES (?, ?, ?, ?, 'submitted', ?, ?)",
                    (f"d{i}", f"TAM-{i}", DAY.isoformat(), proc, body, local(2026, 11, 26, 9, i).timestamp())))
    store.write_now([], ops=ops)
    store.close()


@pytest.fixture
def fixture_db(tmp_path: Path) -> Path:
    db = tmp_path / "site.db"
    _fixture_day(db)
    return db


def test_day_report_matches_the_hand_computed_figures(fixture_db: Path) -> None:
    r = build(fixture_db, _site(), Period.day(DAY), generated_at=0)
    t = r.total
    # Issued t1..t6 (the test ticket and the 27th's ticket are not in); served t2, t3, t4, t6.
    assert (t.issued, t.served, t.no_show, t.not_called, t.transferred, t.open, t.priority) == (6, 4, 1, 1, 1, 0, 1)
    assert t.priority_share == pytest.approx(1 / 6)
    assert r.test_tickets == 1
    # Waits of the called tickets: t2 4 min, t1 7, t6 10, t3 15, t4 20 (issue 08:10 to its last call 08:30).
    assert t.wait.count == 5
    assert t.wait.median_s == 600.0
    assert t.wait.p90_s == 1080.0  # 900 + 0.6 * (1200 - 900)
    assert t.wait.mean_s == pytest.approx((240 + 420 + 600 + 900 + 1200) / 5, abs=0.1)
    assert t.within_target == 0.8  # 4 of 5 waited at most 15 min (t3 waited exactly 15)
    # Service: t2 10 min, t3 10, t4 15, t6 10.
    assert (t.service_time.count, t.service_time.median_s, t.service_time.p90_s) == (4, 600.0, 810.0)
    a, b = r.services
    assert (a.key, a.issued, a.served, a.no_show, a.not_called, a.transferred, a.priority) == ("A", 4, 2, 1, 0, 1, 1)
    assert (a.wait.median_s, a.wait.p90_s) == (420.0, 564.0)  # 240, 420, 600
    assert (b.key, b.issued, b.served, b.no_show, b.not_called, b.transferred) == ("B", 2, 2, 0, 1, 0)
    assert (b.wait.median_s, b.wait.p90_s) == (1050.0, 1170.0)  # 900, 1200
    c1, c2 = r.counters
    assert (c1.served, c1.no_show, c1.service_time.median_s) == (2, 1, 750.0)  # t3 600, t4 900; t1 skipped
    assert (c2.served, c2.no_show, c2.service_time.median_s) == (2, 0, 600.0)  # t2, t6
    assert r.channels == {"counter": 1, "kiosk": 5}
    assert [(c.code, c.count) for c in r.priority_categories] == [("elderly", 1)]
    assert r.heatmap.counts[3][8] == 6 and sum(map(sum, r.heatmap.counts)) == 6
    assert r.heatmap.open_days == [0, 0, 0, 1, 0, 0, 0] and r.heatmap.average(4, 8) == 6.0
    assert [(d.issued, d.served, d.no_show, d.wait_median_s) for d in r.daily] == [(6, 4, 1, 600.0)]
    assert r.dossiers.total == 3 and r.dossiers.by_channel == {"counter": 2, "kiosk": 1}
    assert [(p.code, p.by_channel["counter"], p.by_channel["kiosk"]) for p in r.dossiers.procedures] == [
        ("DD.01", 1, 1), ("TPHT.01", 1, 0)]
    assert r.clerks == [] and r.clerks_available  # the hub records stretches of service; nobody signed in here
    # The hub's schema has a payments table (fees): none in the fixture and a ratings table (issue 13).
    assert r.payments is not None and (r.payments.count, r.payments.amount) == (0, 0)
    assert r.ratings is not None and r.ratings.count == 0  # the hub has the ratings table; nobody rated that day
    assert orjson.loads(orjson.dumps(r.to_dict()))["total"]["issued"] == 6


def test_the_next_day_and_a_week_hold_what_they_should(fixture_db: Path) -> None:
    nxt = build(fixture_db, _site(), Period.day(date(2026, 11, 27)))
    assert (nxt.total.issued, nxt.total.open) == (1, 1)
    week = build(fixture_db, _site(), Period.parse("2026-W48"))
    assert (week.period.first, week.period.last) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week.total.issued == 7 and len(week.daily) == 7
    assert [d.issued for d in week.daily] == [0, 0, 0, 6, 1, 0, 0]


def test_payments_and_ratings_slot_in_when_the_database_has_them(fixture_db: Path) -> None:
    con = sqlite3.connect(fixture_db)
    # The hub's own payments table (schema 6): what the fee step records.
    con.executemany("INSERT INTO payments (id, dossier_id, day, procedure, amount, method, source, receipt_year, "
                    "receipt_no, paid_at, body) VALUES (?, ?, ?, ?, ?, ?, 'counter', 2026, ?, 0, '{}')", [
                        ("p1", "d1", DAY.isoformat(), "DD.01", 100000, "cash", 1),
                        ("p2", "d2", DAY.isoformat(), "DD.01", 250000, "transfer", 2),
                        ("p3", "d3", "2026-11-25", "DD.01", 999, "cash", 3)])
    # The hub's ratings table (schema 9, issue 13): one per served ticket.
    con.executemany("INSERT INTO ratings (id, ticket_id, day, counter, clerk, service, level, reasons, channel, "
                    "rated_at, recorded_at) VALUES (?, ?, ?, 1, 'NV01', 'A', ?, '[]', 'screen', 0, 0)",
                    [("r1", "t1", DAY.isoformat(), "very_satisfied"), ("r2", "t2", DAY.isoformat(), "unsatisfied"),
                     ("r3", "t3", "2026-11-25", "satisfied")])
    con.commit()
    con.close()
    r = build(fixture_db, _site(), Period.day(DAY))
    assert r.clerk_ratings["NV01"].count == 2  # by clerk: tests/analytics/test_clerks.py
    assert r.payments is not None and (r.payments.count, r.payments.amount) == (2, 350000)
    assert r.payments.by_method == {"cash": 100000, "transfer": 250000}
    assert r.ratings is not None and r.ratings.count == 2 and r.ratings.satisfied_share == 0.5


def test_csv_and_xlsx_carry_the_same_figures(fixture_db: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    r = build(fixture_db, _site(), Period.day(DAY))
    raw = report_csv(r, "services")
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read Vietnamese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Mã / Code", "Tên / Name", "Số phát / Issued", "Đã phục vụ / Served"]
    assert rows[1][:4] == ["A", "Đất đai", "4", "2"] and rows[-1][:4] == ["*", "Tổng / total", "6", "4"]
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(r)))
    sheet = wb["Linh vuc"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][2] == "Số phát / Issued"
    assert values[1][:4] == ["A", "Đất đai", 4, 2] and values[3][:4] == ["*", "Tổng / total", 6, 4]
    wait_col = values[0].index("Chờ trung vị (phút) / Wait median (min)")
    assert values[3][wait_col] == 10.0
    assert {t.name for t in report_tables(r)} >= {"services", "counters", "dossiers", "daily", "heatmap"}
    assert wb["Ho so"]["E4"].value == 3  # total dossiers
