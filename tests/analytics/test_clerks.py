"""The report by clerk, from the hub's stretches of service (service_segments), against a day computed by hand.

The day goes through the real queue engine and the hub's attribution (sync.hub.staff.Staff.attribute, the
hook Hub.commit runs): a ticket transferred from one clerk to another, a clerk who recalls a ticket that
another clerk called, a no-show, a stretch still open at midnight, and a stretch nobody was signed in for.
"""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from support import local, small_site

from analytics.export import report_tables
from analytics.pdf import report_pdf
from analytics.periods import Period
from analytics.report import build
from motcua.clock import ManualClock
from motcua.config import parse_site_config
from motcua.queue import Change, QueueEngine
from sync.hub.staff import Staff, add_staff
from sync.store import SiteStore
from sync.store.migrations import MIGRATIONS

DAY = date(2026, 11, 26)


def _site():
    return parse_site_config(small_site(
        services=[{"code": "A", "name": "Đất đai", "first_number": 1001, "digits": 4},
                  {"code": "B", "name": "Tư pháp - Hộ tịch", "first_number": 1, "prefix": "B", "digits": 3}],
        counters=[{"number": 1, "services": ["A", "B"]}, {"number": 2, "services": ["A"]}]))


def _clerk_day(db: Path) -> None:
    """Counter 1: Lan, then Hoa from 08:26; counter 2: Minh until 09:15, then nobody.

    08:00 t1 A · 08:04 c2 (Minh) calls t1 · 08:10 Minh transfers t1 to B · 08:12 c1 (Lan) calls t1 · 08:13 Lan
    recalls it · 08:20 Lan completes t1 · 08:21 t2 A · 08:25 Lan calls t2 · 08:26 Hoa signs in at c1 · 08:27 Hoa
    recalls t2 · 08:35 Hoa completes t2 · 08:36 t3 A · 08:40 Minh calls t3 · 08:42 Minh skips t3 · 08:45 t4 A ·
    08:50 Minh calls t4 · 09:00 t5 A · 09:05 Minh completes t4 · 09:10 Hoa calls t5 (never completed: midnight
    ends it) · 09:15 Minh signs out · 09:20 t6 A · 09:22 c2 calls t6 · 09:30 c2 completes t6 (nobody signed in).
    """
    config = _site()
    clock = ManualClock(local(2026, 11, 26, 7, 0))
    engine = QueueEngine(config, clock)
    for code, name in (("lan", "Nguyễn Thị Lan"), ("minh", "Trần Văn Minh"), ("hoa", "Lê Thu Hoa")):
        add_staff(db, code=code, name=name, pin="1234", now=0)
    store = SiteStore(db)
    engine.load(day=DAY.isoformat(), tickets=[], counters=[])

    def new_event(type_, data):  # only sign-ins make events; this day signs in through the table
        raise AssertionError("not used")

    staff = Staff(store, clock, new_event=new_event, tz=config.tz)

    def at(h: int, m: int) -> None:
        clock.set(local(2026, 11, 26, h, m))

    def commit(*changes: Change | list[Change]) -> None:
        flat: list[Change] = []
        for c in changes:
            flat.extend(c if isinstance(c, list) else [c])
        store.write_now(flat, ops=staff.attribute(flat))

    def signed_in(counter: int, code: str | None) -> None:
        ops: list[tuple[str, tuple[object, ...]]] = [("DELETE FROM counter_staff WHERE counter = ?", (counter,))]
        if code:
            ops.append(("INSERT INTO counter_staff (counter, staff, since) VALUES (?, ?, ?)",
                        (counter, code, clock.time())))
        store.write_now([], ops=ops)
        staff.load()

    signed_in(1, "lan")
    signed_in(2, "minh")
    at(8, 0)
    commit(engine.issue("A"))
    at(8, 4)
    commit(engine.call_next(2))
    at(8, 10)
    commit(engine.transfer(2, "B"))
    at(8, 12)
    commit(engine.call_next(1))
    at(8, 13)
    commit(engine.recall(1))
    at(8, 20)
    commit(engine.complete(1))
    at(8, 21)
    commit(engine.issue("A"))
    at(8, 25)
    commit(engine.call_next(1))
    at(8, 26)
    signed_in(1, "hoa")
    at(8, 27)
    commit(engine.recall(1))
    at(8, 35)
    commit(engine.complete(1))
    at(8, 36)
    commit(engine.issue("A"))
    at(8, 40)
    commit(engine.call_next(2))
    at(8, 42)
    commit(engine.skip(2))
    at(8, 45)
    commit(engine.issue("A"))
    at(8, 50)
    commit(engine.call_next(2))
    at(9, 0)
    commit(engine.issue("A"))
    at(9, 5)
    commit(engine.complete(2))
    at(9, 10)
    commit(engine.call_next(1))
    at(9, 15)
    signed_in(2, None)
    at(9, 20)
    commit(engine.issue("A"))
    at(9, 22)
    commit(engine.call_next(2))
    at(9, 30)
    commit(engine.complete(2))
    clock.set(local(2026, 11, 27, 8, 0))
    roll = engine.rollover_if_needed()
    assert roll is not None
    commit(roll)
    store.close()
    con = sqlite3.connect(db)
    # Ratings the counters' screens took (the hub's ratings table, schema 9), one of them the day after.
    con.executemany("INSERT INTO ratings (id, ticket_id, day, counter, clerk, service, level, reasons, channel, "
                    "rated_at, recorded_at) VALUES (?, ?, ?, 1, ?, 'A', ?, '[]', 'screen', 0, 0)",
                    [("r1", "x1", DAY.isoformat(), "lan", "very_satisfied"),
                     ("r2", "x2", DAY.isoformat(), "hoa", "unsatisfied"),
                     ("r3", "x3", DAY.isoformat(), "hoa", "satisfied"),
                     ("r4", "x4", "2026-11-27", "hoa", "unsatisfied")])
    con.commit()
    con.close()


@pytest.fixture
def clerk_db(tmp_path: Path) -> Path:
    db = tmp_path / "site.db"
    _clerk_day(db)
    return db


def test_the_report_by_clerk_matches_the_hand_computed_figures(clerk_db: Path) -> None:
    r = build(clerk_db, _site(), Period.day(DAY), generated_at=0, cache=None)
    assert r.clerks_available
    by = {c.key: c for c in r.clerks}
    assert list(by) == ["hoa", "lan", "minh"]  # the stretch of t6 had no clerk: left out
    hoa, lan, minh = by["hoa"], by["lan"], by["minh"]
    assert (hoa.name, lan.name, minh.name) == ("Lê Thu Hoa", "Nguyễn Thị Lan", "Trần Văn Minh")
    # Lan: t1 only, called 08:12 two minutes after Minh sent it on, served 8 min. t2 she called, but Hoa took
    # over the counter and recalled and completed it: the stretch is Hoa's.
    assert (lan.served, lan.no_show, lan.transferred, lan.open) == (1, 0, 0, 0)
    assert (lan.wait.count, lan.wait.median_s, lan.service_time.median_s) == (1, 120.0, 480.0)
    # Minh: t1 (4 min wait, transferred after 6 min: no service time), t3 (4 min, skipped), t4 (5 min, 15 min).
    assert (minh.served, minh.no_show, minh.transferred, minh.open) == (1, 1, 1, 0)
    assert (minh.wait.count, minh.wait.median_s, minh.wait.p90_s) == (3, 240.0, 288.0)  # 240 + 0.8 * (300 - 240)
    assert (minh.service_time.count, minh.service_time.median_s) == (1, 900.0)
    # Hoa: t2 (issued 08:21, called 08:25 by Lan, completed by Hoa 08:35: 4 and 10 min), t5 (10 min wait, still
    # called at midnight: a no-show).
    assert (hoa.served, hoa.no_show, hoa.transferred, hoa.open) == (1, 1, 0, 0)
    assert (hoa.wait.count, hoa.wait.median_s, hoa.wait.p90_s) == (2, 420.0, 564.0)  # 240 + 0.9 * (600 - 240)
    assert (hoa.service_time.count, hoa.service_time.median_s, hoa.service_time.p90_s) == (1, 600.0, 600.0)
    assert (minh.within_target, hoa.within_target) == (1.0, 1.0)
    # Ratings of the day by clerk (Hoa's rating of the 27th is not in).
    assert r.clerk_ratings["lan"].by_level["very_satisfied"] == 1 and r.clerk_ratings["lan"].count == 1
    assert r.clerk_ratings["hoa"].count == 2 and r.clerk_ratings["hoa"].satisfied_share == 0.5
    assert "minh" not in r.clerk_ratings
    # The ticket figures are the tickets' own: t1 served at B after its transfer, six tickets issued.
    assert (r.total.issued, r.total.served, r.total.no_show, r.total.transferred) == (6, 4, 2, 1)
    table = {t.name: t for t in report_tables(r)}["clerks"]
    assert table.columns[-2:] == ["ratings", "satisfied_share"]
    assert [row[:5] + row[-2:] for row in table.rows] == [
        ["hoa", "Lê Thu Hoa", 1, 1, 0, 2, 0.5], ["lan", "Nguyễn Thị Lan", 1, 0, 0, 1, 1.0],
        ["minh", "Trần Văn Minh", 1, 1, 1, 0, None]]
    assert report_pdf(r, issued_on=date(2026, 11, 27)).startswith(b"%PDF")


def test_the_cached_days_give_the_same_clerks(clerk_db: Path) -> None:
    from analytics.tally import DayCache

    cache = DayCache()
    week = Period.parse("2026-W48")
    first = build(clerk_db, _site(), week, generated_at=0, cache=cache)
    again = build(clerk_db, _site(), week, generated_at=0, cache=cache)
    assert cache.hits == 1  # the 26th is closed (the hub started the 27th); the 27th has no tickets
    assert again.to_dict() == first.to_dict() == build(clerk_db, _site(), week, generated_at=0, cache=None).to_dict()


def _as_schema_11(src: Path, dst: Path) -> None:
    """The same day in a database of schema 11, as a hub before schema 12 kept it: each stretch of service keyed
    by its call event's UUID; plus a stretch whose call is not in the log and one still open (another day)."""
    con = sqlite3.connect(dst)
    for script in MIGRATIONS[:11]:
        for stmt in script.split(";"):
            if stmt.strip():
                con.execute(stmt)
    con.execute("PRAGMA user_version = 11")
    con.execute("ATTACH DATABASE ? AS src", (str(src),))
    tables = [r[0] for r in con.execute("SELECT name FROM src.sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' AND name != 'service_segments'")]
    for table in tables:  # the columns schema 11 has (a later migration may add some elsewhere)
        cols = ", ".join(r[1] for r in con.execute(f"PRAGMA main.table_info({table})"))
        if cols:
            con.execute(f"INSERT OR REPLACE INTO main.{table} ({cols}) SELECT {cols} FROM src.{table}")
    con.execute("INSERT INTO main.service_segments (id, ticket_id, day, counter, clerk, service, called_at, ended_at, "
                "outcome) SELECT e.id, s.ticket_id, s.day, s.counter, s.clerk, s.service, s.called_at, s.ended_at, "
                "s.outcome FROM src.service_segments s JOIN src.events e ON e.seq = s.seq ORDER BY s.seq")
    con.executemany("INSERT INTO main.service_segments (id, ticket_id, day, counter, clerk, service, called_at, "
                    "ended_at, outcome) VALUES (?, ?, ?, 1, 'lan', 'A', ?, ?, ?)",
                    [("not-in-the-log", "t-old", "2026-11-20", 1.0, 2.0, "done"),
                     ("open-one", "t-open", "2026-11-28", 3.0, None, None)])
    con.commit()
    con.close()


def test_a_schema_11_database_migrates_with_the_same_clerk_report(clerk_db: Path, tmp_path: Path) -> None:
    from sync.hub import staff as staff_sql
    from sync.hub.ratings import summary_from
    from sync.store import migrate
    from sync.store.migrations import SCHEMA_VERSION

    old = tmp_path / "v11.db"
    _as_schema_11(clerk_db, old)
    week = Period.parse("2026-W48")

    def reports() -> tuple[dict, dict]:
        con = sqlite3.connect(old)
        try:
            summary = summary_from(lambda sql, params=(): con.execute(sql, params).fetchall(), first="2026-11-20",
                                   last="2026-11-28", by="clerk", names=lambda code: code)
        finally:
            con.close()
        return build(old, _site(), week, generated_at=0, cache=None).to_dict(), summary

    before = reports()
    assert {c["key"] for c in before[0]["clerks"]} == {"hoa", "lan", "minh"}
    migrate(old).conn.close()
    assert reports() == before

    con = sqlite3.connect(old)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        # Each stretch keyed by its call's sequence, as the hub's own rows of the same day.
        src = sqlite3.connect(clerk_db)
        expected = src.execute("SELECT seq, ticket_id, day, counter, clerk, service, called_at, ended_at, outcome "
                               "FROM service_segments ORDER BY seq").fetchall()
        src.close()
        rows = con.execute("SELECT seq, ticket_id, day, counter, clerk, service, called_at, ended_at, outcome "
                           "FROM service_segments WHERE seq > 0 ORDER BY seq").fetchall()
        assert rows == expected and len(rows) == 7
        # The two whose calls are not in the log keep their rows, below every sequence.
        assert sorted(r[0] for r in con.execute("SELECT ticket_id FROM service_segments WHERE seq < 0")) == [
            "t-old", "t-open"]
        # The open one is known as open to a hub that starts on it, and ending it finds it by its key.
        store = SiteStore(old)
        try:
            staff = Staff(store, ManualClock(0), new_event=lambda *a: None, tz=_site().tz)
            staff.load()
            key = con.execute("SELECT seq FROM service_segments WHERE ticket_id = 't-open'").fetchone()[0]
            assert staff.open == {"t-open": key}
        finally:
            store.close()
        n = con.execute(staff_sql._END_SEGMENT, (9.0, "done", "hoa", key, 1)).rowcount
        assert n == 1
        assert con.execute("SELECT clerk, ended_at, outcome FROM service_segments WHERE ticket_id = 't-open'").fetchall() \
            == [("hoa", 9.0, "done")]
    finally:
        con.close()
