"""Site identity: one hub database per site at the central server (issue 10, "Guards").

A second database for the same site (a new hub, a copy started by mistake) is refused with a clear 409
that the relay shows in /sync and neither dead-letters nor retries in a loop; a backup restored on new
hardware keeps its identity and syncs on; `motcua central site release` lets a replacement register.
Real HTTP on loopback: the central server and the hubs, each with its own SQLite file.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from support import RunningHub, small_site, wait_until

from motcua.config import parse_site_config
from sync.central import IDENTITY_HEADER
from sync.central.app import create_central_app
from sync.central.store import CentralStore
from sync.server import ServerThread

PY = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]
FAST = {"idle_poll_s": 0.05, "backoff_max_s": 0.3, "feed_interval_s": 0.5, "refused_retry_s": 1.0}


class CountingApp:
    """The central server's app, counting the requests each hub database makes."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.by_identity: Counter[str] = Counter()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            self.by_identity[headers.get(IDENTITY_HEADER.lower().encode(), b"").decode()] += 1
        await self.app(scope, receive, send)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[ServerThread, CountingApp]]:
    app = CountingApp(create_central_app(CentralStore(tmp_path / "central.db", dev_tokens=True)))
    server = ServerThread(app).start()
    yield server, app
    server.stop()


def central_ids(central_db: Path, table: str = "events") -> set[str]:
    conn = sqlite3.connect(central_db)
    try:
        return {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE site = 'TEST'")}
    finally:
        conn.close()


def repeated_seqs(central_db: Path) -> list[int]:
    """Sequence numbers the central server holds more than once for the site (two databases' histories)."""
    conn = sqlite3.connect(central_db)
    try:
        return [r[0] for r in conn.execute("SELECT seq FROM events WHERE site = 'TEST' GROUP BY seq HAVING COUNT(*) > 1")]
    finally:
        conn.close()


def hub_event_ids(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM events")}
    finally:
        conn.close()


def identity_of(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()[0])
    finally:
        conn.close()


def test_a_second_database_for_a_site_is_refused_until_the_site_is_released(
        tmp_path: Path, central: tuple[ServerThread, CountingApp], make_hub: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    server, counting = central
    site = small_site(central={"url": server.url, "token": "dev-central-token-TEST"})
    first = make_hub(site, relay_settings=FAST)
    for _ in range(3):
        first.client("kiosk").issue("A")
    wait_until(lambda: first.client().sync_status().backlog == 0)
    central_db = tmp_path / "central.db"
    assert central_ids(central_db) == hub_event_ids(first.db)
    ident_a = identity_of(first.db)
    assert first.client().sync_status().identity == ident_a

    # A second database for the same site: a fresh hub (as on new hardware, without the old one's backup).
    caplog.set_level(logging.ERROR, logger="sync.relay")
    second = make_hub(site, relay_settings=FAST)
    assert identity_of(second.db) != ident_a
    for _ in range(3):
        second.client("kiosk").issue("A")
    wait_until(lambda: second.client().sync_status().state == "refused")
    st = second.client().sync_status()
    message = st.last_error.message
    assert "cơ sở dữ liệu khác" in message and "another hub database" in message
    assert "motcua central site release --site TEST" in message
    assert st.dead_letters == 0 and st.backlog == 3 + 1  # the tickets, and the site's booking offer
    # The central server holds each of the site's sequence numbers once: the first database's history only.
    assert repeated_seqs(central_db) == [] and central_ids(central_db) == hub_event_ids(first.db)
    # No busy loop: new tickets do not wake it and it asks again only every refused_retry_s (1 s here).
    before = counting.by_identity[identity_of(second.db)]
    for _ in range(5):
        second.client("kiosk").issue("B")
    time.sleep(3.0)
    asked = counting.by_identity[identity_of(second.db)] - before
    assert 1 <= asked <= 5, asked
    refusals = [r for r in caplog.records if "refuses this database" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].levelno == logging.ERROR
    assert second.client().sync_status().dead_letters == 0
    # The technician's check says it too, and what to do.
    out = subprocess.run([*PY, "diag", "--json", "--timeout", "3", "--hub", second.url, "--token", second.tokens["board"]],
                         capture_output=True, text=True, timeout=120)
    sync = next(c for c in json.loads(out.stdout)["checks"] if c["name_en"] == "Sync with the province")
    assert out.returncode == 1 and sync["status"] == "fail" and sync["data"]["cause"] == "site_identity"
    assert "another hub database" in sync["detail_en"] and "site release" in sync["advice"]["en"]

    # The province releases the site (the lost hub): the replacement registers at its next try and catches up.
    first.stop()
    out = subprocess.run([*PY, "central", "site", "release", "--db", str(central_db), "--site", "TEST"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and ident_a in out.stdout, out.stderr
    wait_until(lambda: (lambda st: st.backlog == 0 and st.state == "ok")(second.client().sync_status()), timeout=20)
    assert second.client().sync_status().dead_letters == 0
    assert hub_event_ids(second.db) <= central_ids(central_db)
    listed = subprocess.run([*PY, "central", "site", "list", "--db", str(central_db)],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    assert f"{ident_a}" in listed and "released" in listed and f"{identity_of(second.db)}" in listed
    # Now the first database is the stranger.
    first.start()
    late = first.client("kiosk").issue("A")
    wait_until(lambda: first.client().sync_status().state == "refused")
    assert first.client().sync_status().dead_letters == 0
    assert late.id not in central_ids(central_db, "tickets")


def test_a_restored_backup_keeps_its_identity_and_syncs_on(tmp_path: Path, central: tuple[ServerThread, CountingApp],
                                                           make_hub: Any) -> None:
    server, _ = central
    site = small_site(central={"url": server.url, "token": "dev-central-token-TEST"})
    old = make_hub(site, relay_settings=FAST)
    old.client("kiosk").issue("A")
    wait_until(lambda: old.client().sync_status().backlog == 0)
    # The hub's nightly backup (SQLite online backup), then the old machine dies.
    backup = tmp_path / "backup.db"
    src, dst = sqlite3.connect(old.db), sqlite3.connect(backup)
    src.backup(dst)
    src.close()
    dst.close()
    old.stop()
    # New hardware: the backup restored as its database.
    restored = tmp_path / "new-hardware.db"
    restored.write_bytes(backup.read_bytes())
    new = RunningHub(parse_site_config(site), restored, old.clock, relay_settings=FAST)
    try:
        assert identity_of(restored) == identity_of(old.db)
        t = new.client("kiosk").issue("A")
        wait_until(lambda: (lambda st: st.backlog == 0 and st.state == "ok")(new.client().sync_status()))
        st = new.client().sync_status()
        assert st.state == "ok" and st.last_error is None
        central_db = tmp_path / "central.db"
        assert t.id in central_ids(central_db, "tickets")
        assert central_ids(central_db) == hub_event_ids(restored) and repeated_seqs(central_db) == []
    finally:
        new.stop()


def test_the_identity_check_over_http(central: tuple[ServerThread, CountingApp]) -> None:
    server, _ = central
    url = server.url + "/api/v1/feeds/guides"
    auth = {"Authorization": "Bearer dev-central-token-TEST"}
    a, b = "0b6b1c9e-1f7d-4d53-9b38-3f1f3f0e6a01", "7c0e2f44-2d1a-4a9b-8a55-5b7e0c1d2e02"
    # Before any database registered, a hub older than identities passes.
    assert requests.get(url, headers=auth, timeout=5).status_code == 200
    assert requests.get(url, headers={**auth, IDENTITY_HEADER: a}, timeout=5).status_code == 200
    assert requests.get(url, headers={**auth, IDENTITY_HEADER: a}, timeout=5).status_code == 200
    other = requests.get(url, headers={**auth, IDENTITY_HEADER: b}, timeout=5)
    assert other.status_code == 409 and other.json()["error"]["code"] == "site_identity_mismatch"
    assert other.json()["error"]["registered"] == a
    missing = requests.get(url, headers=auth, timeout=5)
    assert missing.status_code == 403 and missing.json()["error"]["code"] == "site_identity_required"
    bad = requests.get(url, headers={**auth, IDENTITY_HEADER: "not an id"}, timeout=5)
    assert bad.status_code == 422 and set(bad.json()) == {"error"}
    # Another site is another registration.
    assert requests.get(url, headers={"Authorization": "Bearer dev-central-token-OTHER", IDENTITY_HEADER: b},
                        timeout=5).status_code == 200
