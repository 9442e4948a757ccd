"""The demo's history: weeks of past traffic written through the hub's own engine, store and dossier desk."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from analytics import jobs
from analytics.periods import Period
from motcua.config import example_site_config_path, load_site_config
from sync.history import seed_history
from sync.store import StoreError

CONFIG = load_site_config(example_site_config_path())


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    db = tmp_path_factory.mktemp("history") / "site.db"
    # 17/8 - 6/9/2026: the make-up Saturday 22/8, the National Day break 31/8 - 2/9, the end of August.
    res = seed_history(db, CONFIG, weeks=3, until=date(2026, 9, 7), per_day=300, seed=3)
    return db, res


def _by_day(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT day, COUNT(*) FROM tickets GROUP BY day").fetchall())
    finally:
        con.close()


def test_the_history_follows_the_official_calendar(seeded: tuple[Path, object]) -> None:
    db, res = seeded
    days = _by_day(db)
    assert res.first == date(2026, 8, 17) and res.last == date(2026, 9, 6)  # type: ignore[attr-defined]
    for off in ("2026-08-31", "2026-09-01", "2026-09-02", "2026-08-23", "2026-08-30", "2026-09-06"):
        assert off not in days  # days off and Sundays: closed
    assert days["2026-08-22"] > 150  # the make-up Saturday works like a weekday (a normal Saturday is half)
    assert days["2026-09-05"] < 0.7 * days["2026-09-04"]  # an ordinary Saturday morning
    assert days["2026-09-03"] > 1.15 * days["2026-08-20"]  # the day after the break (both Thursdays)
    assert days["2026-08-17"] > days["2026-08-21"]  # Monday is busier than Friday
    assert sum(days.values()) == res.tickets  # type: ignore[attr-defined]


def test_every_row_is_what_a_running_hub_writes(seeded: tuple[Path, object]) -> None:
    db, res = seeded
    con = sqlite3.connect(db)
    try:
        issued = con.execute("SELECT COUNT(*) FROM events WHERE type = 'ticket.issued'").fetchone()[0]
        tickets = con.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
        open_ = con.execute("SELECT COUNT(*) FROM tickets WHERE status IN ('waiting', 'called', 'skipped')").fetchone()[0]
        bad = con.execute("SELECT COUNT(*) FROM tickets WHERE status = 'done' AND (called_at IS NULL OR "
                          "finished_at < called_at OR called_at < issued_at)").fetchone()[0]
        rollovers = con.execute("SELECT COUNT(*) FROM events WHERE type = 'day.started'").fetchone()[0]
        dossiers = con.execute("SELECT COUNT(*), COUNT(DISTINCT provisional_code) FROM dossiers").fetchone()
        dossier_events = con.execute("SELECT COUNT(*) FROM events WHERE type = 'dossier.submitted'").fetchone()[0]
        seqs = con.execute("SELECT MIN(seq), MAX(seq), COUNT(*) FROM events").fetchone()
        channels = dict(con.execute("SELECT json_extract(body, '$.channel'), COUNT(*) FROM dossiers GROUP BY 1"))
    finally:
        con.close()
    assert issued == tickets == res.tickets  # type: ignore[attr-defined]
    assert open_ == 0  # each midnight expired what was left, as the engine's rollover does
    assert bad == 0
    assert rollovers >= 20
    assert dossiers[0] == dossiers[1] == dossier_events == res.dossiers > 0  # type: ignore[attr-defined]
    assert set(channels) == {"counter", "kiosk"} and channels["counter"] > channels["kiosk"]
    assert seqs[0] == 1 and seqs[1] == seqs[2]  # one event log, no gaps


def test_reports_and_the_forecast_read_the_history(seeded: tuple[Path, object]) -> None:
    db, res = seeded
    rep = jobs.report(db, CONFIG, Period.between(date(2026, 8, 17), date(2026, 9, 6)))
    assert rep.total.issued == res.tickets  # type: ignore[attr-defined]
    assert rep.total.served > 0.85 * rep.total.issued and rep.total.no_show > 0 and rep.total.transferred > 0
    assert rep.dossiers.total == res.dossiers  # type: ignore[attr-defined]
    assert rep.heatmap.counts[0][8] > rep.heatmap.counts[0][16]  # the morning peak
    # Clerks are signed in at every counter: each ticket served is served by a clerk (a transfer's second
    # stretch included), and a stand-in now and then makes more clerks than counters.
    assert sum(c.served for c in rep.clerks) == rep.total.served
    assert len(rep.clerks) > len(CONFIG.counters) and all(c.name != c.key for c in rep.clerks)
    fc = jobs.demand_forecast(db, CONFIG, start=date(2026, 9, 7), weeks=3)
    assert fc.history_first == date(2026, 8, 17)
    assert all(sum(h) == 0 for h, o in zip(fc.total.hourly, fc.open) if not o)
    assert sum(fc.total.daily) > 0


def test_seeding_days_that_already_have_tickets_is_refused(seeded: tuple[Path, object]) -> None:
    db, _ = seeded
    with pytest.raises(StoreError, match="already holds"):
        seed_history(db, CONFIG, weeks=1, until=date(2026, 9, 7))
