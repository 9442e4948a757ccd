"""Reports read on their own read-only connection: the hub keeps issuing while a report holds its snapshot."""
from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from support import RunningHub

from analytics.periods import Period
from analytics.source import SiteCalendar, SourceError, official_days, open_readonly, reading
from analytics.tally import load


def _issued(conn: sqlite3.Connection, day: date) -> int:
    calendar = SiteCalendar(official_days(conn), set(range(1, 8)), ZoneInfo("Asia/Ho_Chi_Minh"))
    return load(conn, day, day, calendar).total.issued


def test_a_report_snapshot_never_blocks_the_hubs_writer(hub: RunningHub) -> None:
    kiosk = hub.client("kiosk")
    kiosk.issue("A")
    today = date(2026, 11, 26)
    with reading(hub.db) as conn:
        assert _issued(conn, today) == 1
        # The hub commits new tickets over HTTP while the report's read transaction is open.
        t0 = time.perf_counter()
        for _ in range(20):
            kiosk.issue("A")
        assert time.perf_counter() - t0 < 10
        assert _issued(conn, today) == 1  # one snapshot for the whole report
    with reading(hub.db) as conn:
        assert _issued(conn, today) == 21
    kiosk.close()


def test_the_reports_connection_cannot_write(hub: RunningHub) -> None:
    conn = open_readonly(hub.db)
    try:
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM tickets")
        assert conn.execute("PRAGMA query_only").fetchone()[0] == 1
    finally:
        conn.close()


def test_a_wrong_path_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no database"):
        open_readonly(tmp_path / "nope.db")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.close()
    with pytest.raises(SourceError, match="not a site database"):
        open_readonly(other)
    assert not (tmp_path / "nope.db").exists()  # a typo does not leave an empty database behind


def test_periods_parse_and_label() -> None:
    assert Period.parse("2026-11").label_vi == "tháng 11 năm 2026"
    assert Period.parse("2026-W48").first == date(2026, 11, 23)
    assert Period.parse("2026-11-01..2026-11-15").days == 15
    assert Period.parse("2026-11-26").key == "2026-11-26"
    with pytest.raises(ValueError, match="not a period"):
        Period.parse("2026-13")
