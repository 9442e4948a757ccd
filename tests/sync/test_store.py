"""The site database: pragmas, schema versions, tokens."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from motcua.cli import main
from sync.store import SCHEMA_VERSION, SiteStore, StoreError, connect, migrate


def test_wal_full_sync_and_schema_version(tmp_path: Path) -> None:
    store = SiteStore(tmp_path / "s.db")
    conn = store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert {"tickets", "events", "counters", "tokens", "meta"} <= set(store.db.table_names())
    store.close()
    # Migrating again is a no-op.
    db = migrate(tmp_path / "s.db")
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        migrate(tmp_path / "s.db")


def test_token_create_prints_the_token_last_and_stores_only_its_hash(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.db"
    assert main(["token", "create", "--db", str(db), "--role", "kiosk", "--name", "Ki-ốt sảnh 1", "--create"]) == 0
    token = capsys.readouterr().out.split()[-1]
    assert token.startswith("kiosk_") and len(token) > 30
    rows = sqlite3.connect(db).execute("SELECT hash, role, name FROM tokens").fetchall()
    assert len(rows) == 1 and rows[0][1:] == ("kiosk", "Ki-ốt sảnh 1") and token not in rows[0][0]
    store = SiteStore(db)
    assert store.token_lookup(token) == ("kiosk", "Ki-ốt sảnh 1", None)
    assert store.token_lookup(token + "x") is None
    store.close()
    assert main(["token", "list", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert "kiosk" in listed and token not in listed
    token_id = listed.split()[0]
    assert main(["token", "revoke", "--db", str(db), token_id]) == 0
    store = SiteStore(db)
    assert store.token_lookup(token) is None
    store.close()
    with pytest.raises(SystemExit):
        main(["token", "create", "--db", str(db), "--role", "root", "--name", "x"])


@pytest.mark.parametrize("sql", [
    "SELECT id, status FROM tickets WHERE day = ?",                                          # the hub's day load
    "SELECT COUNT(*) FROM tickets WHERE day = ? AND test = 1",                                # today's figures
    "SELECT day, COUNT(*), MIN(rowid), MAX(rowid) FROM tickets WHERE day BETWEEN ? AND ? GROUP BY day",  # reports
    "SELECT service, AVG(finished_at - called_at) FROM tickets WHERE day BETWEEN ? AND ? AND test = 0 GROUP BY service",
])
def test_tickets_are_found_by_day_through_an_index_without_one_of_their_own(tmp_path: Path, sql: str) -> None:
    # Schema 13 dropped tickets_day: the unique (day, number_service, number) index starts with the day, so a
    # look-up by day still searches an index instead of reading every ticket of every month.
    store = SiteStore(tmp_path / "s.db")
    conn = store.db.conn
    indexes = {r[1] for r in conn.execute("PRAGMA index_list(tickets)")}
    assert "tickets_day" not in indexes and len(indexes) == 2  # the id and (day, number_service, number)
    plan = " ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", ("2026-11-30",) * sql.count("?")))
    assert "SEARCH tickets USING" in plan and "INDEX" in plan and "SCAN tickets" not in plan, plan
    store.close()
