"""The reference central server over real HTTP (in-process), and a hub syncing with it: idempotency, files,
official codes, dead letters, JSON errors, the CLI and the device cache."""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests
from support import as_json, small_site

from motcua.contract import DossierRequest, SiteDocument
from sync.central.app import create_central_app
from sync.central.store import CentralStore
from sync.client import DeviceCache, HubUnavailable, fetch_cached, start_documents
from sync.server import ServerThread
from sync.store import migrate

H = {"Authorization": "Bearer dev-central-token-TEST"}


@pytest.fixture
def central(tmp_path: Path) -> Iterator[ServerThread]:
    server = ServerThread(create_central_app(CentralStore(tmp_path / "central.db", dev_tokens=True))).start()
    yield server
    server.stop()


def dossier(files: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "site": "TEST", "agency_code": "000.00.12.H04", "provisional_code": "TAM-TEST-261126-0001",
            "procedure": "TPHT.01", "applicant": {"name": "Lê Thị Hoa"}, "files": files, "submitted_at": 1795653000.0, **kw}


def put(url: str, data: bytes, *, offset: int = 0, size: int | None = None, sha: str | None = None) -> requests.Response:
    sha = sha or hashlib.sha256(data).hexdigest()
    return requests.put(f"{url}/api/v1/blobs/{sha}", params={"offset": offset, "size": len(data) if size is None else size},
                        data=data[offset:] if size is None else data, headers=H, timeout=5)


def test_seeded_catalog_and_feeds(central: ServerThread) -> None:
    page = requests.get(central.url + "/api/v1/feeds/catalog", params={"limit": 1000}, headers=H, timeout=5).json()
    procs = [i["body"] for i in page["items"]]
    assert len(procs) >= 40 and page["epoch"] == 1 and not page["more"]
    services = {p["service"] for p in procs}
    assert services == {"DD", "DKKD", "TPHT", "XD", "LDTBXH", "TNMT", "GTVT", "YT", "CT", "GDDT", "TKQ"}
    names = {p["name"] for p in procs}
    assert {"Đăng ký khai sinh", "Cấp bản sao trích lục hộ tịch", "Đăng ký thành lập doanh nghiệp tư nhân",
            "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp"} <= names
    for p in procs:
        assert p["code"] and p["field"] and p["documents"] and p["delivery"] and p["processing_time"]["unit"] in ("days", "hours")
    assert any(p["cutoff"] == "15:00" for p in procs) and any(p["processing_time"]["unit"] == "hours" for p in procs)
    cal = requests.get(central.url + "/api/v1/feeds/calendar", headers=H, timeout=5).json()
    assert {i["key"] for i in cal["items"]} >= {"2024", "2025", "2026"}
    # Another epoch: a reset page from the start.
    again = requests.get(central.url + "/api/v1/feeds/catalog", params={"after": page["cursor"], "epoch": 7},
                         headers=H, timeout=5).json()
    assert again["reset"] and again["items"][0]["seq"] == page["items"][0]["seq"]


def test_idempotent_events_and_dossiers(central: ServerThread) -> None:
    ev = {"seq": 1, "id": str(uuid.uuid4()), "type": "ticket.issued", "at": 1.0, "ticket": {"id": "t1", "status": "waiting"}}
    body = {"site": "TEST", "events": [ev]}
    first = requests.post(central.url + "/api/v1/events", json=body, headers=H, timeout=5).json()["results"][0]
    again = requests.post(central.url + "/api/v1/events", json=body, headers=H, timeout=5).json()["results"][0]
    assert first["status"] == 201 and again["status"] == 200 and again["received_at"] == first["received_at"]
    other = requests.post(central.url + "/api/v1/events", json={"site": "TEST", "events": [{**ev, "at": 2.0}, {"bad": 1}]},
                          headers=H, timeout=5).json()["results"]
    assert [r["status"] for r in other] == [422, 422] and other[0]["error"]["code"] == "idempotency_conflict"
    data = b"noi dung giay to" * 1000
    sha = hashlib.sha256(data).hexdigest()
    d = dossier([{"sha256": sha, "name": "to-khai.pdf", "size": len(data)}])
    r = requests.post(central.url + "/api/v1/dossiers", json=d, headers=H, timeout=5)
    assert r.status_code == 409 and r.json()["error"]["code"] == "missing_file"
    # Resumable upload: half, then the rest from the offset the server reports.
    half = len(data) // 2
    assert requests.put(f"{central.url}/api/v1/blobs/{sha}", params={"offset": 0, "size": len(data)}, data=data[:half],
                        headers=H, timeout=5).status_code == 202
    wrong = put(central.url, data)
    assert wrong.status_code == 409 and wrong.json()["error"]["offset"] == half
    assert put(central.url, data, offset=half).status_code == 201
    bad = put(central.url, b"x" * 10, sha="0" * 64)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "hash_mismatch"
    r1 = requests.post(central.url + "/api/v1/dossiers", json=d, headers=H, timeout=5)
    r2 = requests.post(central.url + "/api/v1/dossiers", json=d, headers=H, timeout=5)
    assert r1.status_code == r2.status_code == 201 and r1.json() == r2.json()
    assert re.fullmatch(r"000\.00\.12\.H04-\d{6}-0001", r1.json()["code"])
    d2 = dossier([{"sha256": sha, "name": "to-khai.pdf", "size": len(data)}])
    assert requests.post(central.url + "/api/v1/dossiers", json=d2, headers=H, timeout=5).json()["code"].endswith("-0002")
    conflict = requests.post(central.url + "/api/v1/dossiers", json={**d, "procedure": "DD.01"}, headers=H, timeout=5)
    assert conflict.status_code == 422 and conflict.json()["error"]["code"] == "idempotency_conflict"


def test_central_errors_are_4xx_json(central: ServerThread) -> None:
    cases = [("POST", "/api/v1/events", {}, b"{bad"), ("POST", "/api/v1/events", H, b"{bad"),
             ("POST", "/api/v1/events", {"Authorization": "Bearer nope"}, b"{}"), ("POST", "/api/v1/events", H, b"[]"),
             ("POST", "/api/v1/events", H, b'{"site": "OTHER", "events": []}'), ("POST", "/api/v1/dossiers", H, b'{"id": 1}'),
             ("PUT", "/api/v1/blobs/xyz?size=1", H, b"x"), ("PUT", "/api/v1/blobs/" + "a" * 64, H, b"x"),
             ("GET", "/api/v1/feeds/nothing", H, b""), ("GET", "/api/v1/feeds/catalog?after=-1", H, b""),
             ("GET", "/api/v1/dossiers/none", H, b""), ("GET", "/api/v1/nowhere", H, b"")]
    for method, path, headers, body in cases:
        r = requests.request(method, central.url + path, data=body, headers={**headers, "Content-Type": "application/json"},
                             timeout=5)
        assert 400 <= r.status_code < 500 and set(r.json()) == {"error"}, (method, path, r.status_code, r.text)


def test_rejected_event_is_dead_lettered_and_the_rest_go_on(tmp_path: Path, central: ServerThread, make_hub: Any) -> None:
    db = migrate(tmp_path / "site0.db")
    db.conn.execute("INSERT INTO events (seq, id, type, at, data) VALUES (1, 'x', 'bad', 1.0, ?)",
                    (orjson.dumps({"seq": 1, "id": "x", "type": "bad", "at": 1.0}).decode(),))
    db.conn.close()
    h = make_hub(small_site(central={"url": central.url, "token": "dev-central-token-TEST"}))
    kiosk = h.client("kiosk")
    tickets = [kiosk.issue("A") for _ in range(5)]
    deadline = time.monotonic() + 15
    st = h.client().sync_status()
    while (st.backlog or st.dead_letters == 0) and time.monotonic() < deadline:
        time.sleep(0.05)
        st = h.client().sync_status()
    assert st.backlog == 0 and st.dead_letters == 1 and st.state == "ok" and st.last_success
    assert set(as_json(st)) >= {"backlog", "oldest_unsent_age_s", "last_success", "last_error", "dead_letters"}
    dead = requests.get(h.url + "/api/v1/sync/dead-letters", headers={"Authorization": f"Bearer {h.tokens['admin']}"},
                        timeout=5).json()["dead_letters"]
    assert dead[0]["event_id"] == "x" and dead[0]["status"] == 422
    exported = subprocess.run([sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())", "central",
                               "export", "--db", str(tmp_path / "central.db"), "--kind", "tickets"],
                              capture_output=True, text=True, check=True, timeout=60).stdout.splitlines()
    rows = [json.loads(line) for line in exported]
    assert {t.id for t in tickets} <= {r["id"] for r in rows} and all(set(r) == {"id", "content", "files"} for r in rows)


def test_hub_dossier_api_and_device_cache(tmp_path: Path, central: ServerThread, make_hub: Any) -> None:
    services = [*small_site()["services"], {"code": "TPHT", "name": "Tư pháp - Hộ tịch"}]
    h = make_hub(small_site(services=services, central={"url": central.url, "token": "dev-central-token-TEST"}))
    counter = h.client("counter")
    sha = counter.upload_file(b"%PDF-1.4 to khai")
    body = {"id": str(uuid.uuid4()), "procedure": "TPHT.04", "applicant": {"name": "Phạm Văn Nam"},
            "files": [{"sha256": sha, "name": "to-khai.pdf", "mime": "application/pdf"}]}
    d = as_json(counter.submit_dossier(DossierRequest.model_validate(body)))
    assert d["provisional"] and re.fullmatch(r"TAM-TEST-261126-0001", d["code"]) and d["qr"] == body["id"]
    assert counter.submit_dossier(DossierRequest.model_validate(body)).id == d["id"]  # a retry gets the same dossier
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {h.tokens['counter']}"
    assert s.post(h.url + "/api/v1/dossiers", json={**body, "note": "khác"}, timeout=5).status_code == 422
    missing = s.post(h.url + "/api/v1/dossiers", json={**body, "id": str(uuid.uuid4()),
                                                         "files": [{"sha256": "1" * 64, "name": "x"}]}, timeout=5)
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "unknown_file"
    assert s.put(h.url + "/api/v1/files/" + "2" * 64, data=b"abc", timeout=5).status_code == 422
    deadline = time.monotonic() + 15
    while counter.dossier(d["id"]).provisional and time.monotonic() < deadline:
        time.sleep(0.05)
    linked = counter.dossier(d["id"])
    assert not linked.provisional and linked.code.startswith("TEST-261126-")  # small_site has no agency code
    assert counter.dossier(linked.code).id == counter.dossier(d["provisional_code"]).id == d["id"]
    # Device cache: what was fetched once is there when the hub is down, marked offline.
    cache = DeviceCache(tmp_path / "kiosk-cache.db")
    kiosk = h.client("kiosk")
    docs = start_documents(kiosk, cache)
    procs = docs.catalog.value.procedures
    assert not docs.site.offline and len(procs) >= 5 and {p.service for p in procs} == {"TPHT"}
    h.stop()
    try:
        offline = start_documents(kiosk, DeviceCache(tmp_path / "kiosk-cache.db"))
        assert offline.site.offline and offline.catalog.value == docs.catalog.value
        assert offline.site.value.site.code == "TEST"  # the cached JSON, typed again
        with pytest.raises(HubUnavailable):
            fetch_cached(DeviceCache(tmp_path / "empty.db"), "site", kiosk.site, SiteDocument)
    finally:
        h.start()
    sqlite3.connect(tmp_path / "kiosk-cache.db").close()
