"""Issue 11: the event log carries no personal data. An SSE replay from 0 per role (from memory and from the
log after a restart) holds every event and not one personal field of any dossier; the relay still sends
whole dossiers to the central server, read from the dossiers table; an old database's dossier events are
scrubbed by the migration and its dossiers still reach the central server whole."""
from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import sys
import time
import tomllib
import uuid
from pathlib import Path
from typing import Any

import orjson
import requests
from support import EXAMPLE, RunningHub

from motcua.clock import ManualClock
from motcua.config import parse_site_config
from sync.client import parse_sse_frame
from sync.localsite import LocalCentral
from sync.privacy import SUMMARY_KEYS, dossier_summary
from sync.store import MIGRATIONS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from privacy_support import (  # noqa: E402
    APPLICANT,
    DELIVERY_ADDRESS,
    NOTE,
    PERSONAL,
    headers,
    site_with_procedures,
    submit,
    wait_linked,
)

ROLES = ("kiosk", "board", "counter", "admin")


def replay(h: RunningHub, role: str, last_seq: int) -> tuple[list[Any], bytes]:
    """Every event from the start, as one role's stream delivers it: (events, the raw bytes)."""
    raw = b""
    events = []
    deadline = time.monotonic() + 20
    with requests.get(f"{h.url}/api/v1/events", headers={**headers(h, role), "Last-Event-ID": "0"}, stream=True,
                      timeout=(5, 10)) as r:
        assert r.status_code == 200
        for chunk in r.iter_content(chunk_size=None):
            raw += chunk
            frames = raw.split(b"\n\n")
            events = [e for e in (parse_sse_frame(f) for f in frames[:-1]) if e is not None]
            if events and events[-1].seq >= last_seq:
                return events, raw
            assert time.monotonic() < deadline, "the replay did not reach the last event"
    raise AssertionError("the stream ended early")


def tick(h: RunningHub) -> None:
    """Run the hub's periodic check now, on its own loop (the clock was advanced by the test)."""
    loop = h.hub._loop  # noqa: SLF001 - the hub's running loop
    assert loop is not None
    asyncio.run_coroutine_threadsafe(h.hub.tick(), loop).result(20)


def test_sse_replay_from_zero_holds_no_personal_data_for_any_role(make_hub, clock: ManualClock,
                                                                   tmp_path: Path) -> None:  # noqa: ANN001
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        data = site_with_procedures(retention_days=30)
        data["central"]["file_retention_days"] = 60
        h = make_hub(data, central_url=url,
                     relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5})
        at_kiosk = submit(h, "kiosk", procedure="TPHT.01")
        at_counter = submit(h, "counter", file=b"\xff\xd8 giay to nha dat")
        ticket = h.client("kiosk").issue("A")
        h.client("counter").call_next(1)
        linked = wait_linked(h, at_counter["id"])
        wait_linked(h, at_kiosk["id"])
        store = central.app.state.store
        store.set_status(linked["official_code"], "processing")
        deadline = time.monotonic() + 20
        while h.store.read("SELECT status FROM dossiers WHERE id = ?", (at_counter["id"],))[0][0] != "processing":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # The central server has the whole dossiers (sent from the table), and events without personal data.
        up = store.dossier(at_counter["id"])
        assert up["dossier"]["applicant"] == APPLICANT and up["dossier"]["delivery_address"] == DELIVERY_ADDRESS
        assert h.wait_synced()
        central_events = b" ".join(orjson.dumps(e["content"]) for e in store.export("events"))
        assert b"dossier.submitted" in central_events and b"applicant" not in central_events
        for s in PERSONAL:
            assert s.encode() not in central_events
        # A month later the personal data is erased: dossier.erased events.
        clock.advance(days=31)
        tick(h)
        last = h.hub.events.last_seq
        for restarted in (False, True):
            if restarted:
                h.restart()  # nothing in memory: the replay pages through the log
                assert not h.hub.events.recent
            for role in ROLES:
                events, raw = replay(h, role, last)
                assert [e.seq for e in events if e.seq <= last] == list(range(1, last + 1)), role
                types = {e.type for e in events}
                assert {"dossier.submitted", "dossier.linked", "dossier.erased", "sync.status",
                        "ticket.issued", "ticket.called"} <= types, types
                assert b"applicant" not in raw and b"lookup_code" not in raw
                for s in PERSONAL:
                    assert s.encode() not in raw, (role, s)
                for e in events:
                    if e.type == "dossier.submitted":
                        assert set(e.data["dossier"]) <= {*SUMMARY_KEYS, "status"}
                assert ticket.id.encode() in raw  # the stream is whole, not emptied
    finally:
        central.stop()


def v4_database(path: Path, body: dict[str, Any]) -> None:
    """A site database as the hub before issue 11 left it: schema 4, a dossier and its dossier.submitted
    event carrying the whole dossier (the applicant with it), not yet sent upstream."""
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:4]:
        for stmt in script.split(";"):
            if stmt.strip():
                conn.execute(stmt)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("INSERT INTO dossiers (id, provisional_code, code, day, procedure, status, body, submitted_at, "
                 "status_at, linked_at) VALUES (?, ?, NULL, '2026-11-26', ?, 'submitted', ?, ?, NULL, NULL)",
                 (body["id"], body["provisional_code"], body["procedure"], orjson.dumps(body).decode(),
                  body["submitted_at"]))
    event = {"seq": 1, "id": str(uuid.uuid4()), "type": "dossier.submitted", "at": body["submitted_at"],
             "dossier": body}
    conn.execute("INSERT INTO events (seq, id, type, at, ticket_id, data) VALUES (1, ?, 'dossier.submitted', ?, NULL, ?)",
                 (event["id"], event["at"], orjson.dumps(event).decode()))
    conn.close()


def test_old_database_events_are_scrubbed_and_its_dossiers_still_sync_whole(make_hub, clock: ManualClock,
                                                                            tmp_path: Path) -> None:  # noqa: ANN001
    config = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    site = parse_site_config(config).site
    body = {"id": str(uuid.uuid4()), "site": site.code, "agency_code": site.agency_code,
            "provisional_code": f"TAM-{site.code}-261126-0001", "procedure": "TPHT.01", "applicant": APPLICANT,
            "files": [], "delivery": "post", "delivery_address": DELIVERY_ADDRESS, "channel": "counter",
            "ticket_id": None, "note": NOTE, "submitted_at": clock.time() - 60.123456789, "due_at": None}
    (tmp_path / "central").mkdir()
    central = LocalCentral(tmp_path / "central" / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        db = tmp_path / "site0.db"  # the name the make_hub fixture gives its first hub
        v4_database(db, body)
        h = make_hub(example=True, central_url=url,
                     relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5})
        assert h.db == db
        [(data,)] = h.store.read("SELECT data FROM events WHERE type = 'dossier.submitted'")
        assert "applicant" not in data and "Nhung" not in data and NOTE not in data
        assert orjson.loads(data)["dossier"] == dossier_summary(body)  # the same shape as new events
        assert f"{body['submitted_at']}" in data  # numbers kept exactly as written
        assert h.wait_synced()
        up = central.app.state.store.dossier(body["id"])
        assert up["dossier"] == body  # whole, from the dossiers table
        [sent] = [e for e in central.app.state.store.export("events") if e["content"]["type"] == "dossier.submitted"]
        assert "applicant" not in sent["content"]
    finally:
        central.stop()


def test_dossier_files_are_found_by_sha_from_the_table(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    """The relay uploads the files the dossiers table lists (the event no longer names them)."""
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        h = make_hub(site_with_procedures(), central_url=url,
                     relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5})
        data = b"\xff\xd8 trang 1 cua ho so"
        d = submit(h, file=data)
        wait_linked(h, d["id"])
        sha = hashlib.sha256(data).hexdigest()
        store = central.app.state.store
        assert store.blob_path(sha).read_bytes() == data
        assert [x["files"] for x in store.export("dossiers")] == [[sha]]
    finally:
        central.stop()
