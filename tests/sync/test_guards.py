"""Guards (issue 10): `motcua token create` refuses a mistyped database and a counter the site does not have;
the catalog a site gives its devices and the dossiers it accepts are those of its own services."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import orjson
import requests
from support import small_site, toml_text, wait_until

from sync.hub.dossiers import shipped_catalog
from sync.localsite import LocalCentral

PY = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]


def token(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PY, "token", "create", *args], capture_output=True, text=True, timeout=60)


def test_token_create_refuses_a_missing_database_and_a_counter_the_site_does_not_have(
        tmp_path: Path, make_hub: Any) -> None:
    hub = make_hub()  # small_site(): counters 1-3; the running hub recorded them in its database
    typo = tmp_path / "sitee.db"
    r = token("--db", str(typo), "--role", "kiosk", "--name", "Ki-ốt 1")
    assert r.returncode == 2 and "no database at" in r.stderr and "--create" in r.stderr and "không có" in r.stderr
    assert not typo.exists() and r.stdout == ""
    for action in (["list"], ["revoke", "abc"]):
        r = subprocess.run([*PY, "token", *action, "--db", str(typo)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and not typo.exists()
    # Counter 9 on a three-counter site: refused, naming the counters it has.
    r = token("--db", str(hub.db), "--role", "counter", "--name", "Quầy 9", "--counter", "9")
    assert r.returncode == 2 and "no counter 9" in r.stderr and "1, 2, 3" in r.stderr and r.stdout == ""
    r = token("--db", str(hub.db), "--role", "kiosk", "--name", "Ki-ốt 1", "--counter", "2")
    assert r.returncode == 2 and "--counter is for counter tokens" in r.stderr
    # Counter 3 is fine, and the token works on the running hub for that counter only.
    r = token("--db", str(hub.db), "--role", "counter", "--name", "Quầy 3", "--counter", "3")
    assert r.returncode == 0, r.stderr
    clerk = {"Authorization": f"Bearer {r.stdout.split()[-1]}"}
    hub.client("kiosk").issue("C")
    assert requests.post(f"{hub.url}/api/v1/counters/3/next", headers=clerk, timeout=5).status_code == 200
    assert requests.post(f"{hub.url}/api/v1/counters/1/next", headers=clerk, timeout=5).status_code == 403

    # A new database (--create) does not know the counters until the hub ran on it: the site file is asked for.
    fresh = tmp_path / "fresh.db"
    r = token("--db", str(fresh), "--role", "counter", "--name", "Quầy 2", "--counter", "2", "--create")
    assert r.returncode == 2 and "add --config SITE.toml" in r.stderr
    site = tmp_path / "site.toml"
    site.write_text(toml_text(small_site()), encoding="utf-8")
    r = token("--db", str(fresh), "--role", "counter", "--name", "Quầy 9", "--counter", "9", "--config", str(site))
    assert r.returncode == 2 and "no counter 9" in r.stderr and str(site) in r.stderr
    r = token("--db", str(fresh), "--role", "counter", "--name", "Quầy 2", "--counter", "2", "--config", str(site))
    assert r.returncode == 0 and r.stdout.split()[-1].startswith("counter_"), r.stderr
    # The site file of another site than the database's is refused.
    other = tmp_path / "other.toml"
    other.write_text(toml_text(small_site(site={"code": "OTHER", "name": "Trung tâm khác"})), encoding="utf-8")
    r = token("--db", str(hub.db), "--role", "counter", "--name", "Quầy 1", "--counter", "1", "--config", str(other))
    assert r.returncode == 2 and "different sites" in r.stderr
    # A file that is no site database is not turned into one.
    notes = tmp_path / "notes.db"
    conn = sqlite3.connect(notes)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()
    r = token("--db", str(notes), "--role", "kiosk", "--name", "Ki-ốt 1")
    assert r.returncode == 2 and "not a site database" in r.stderr


def test_a_hub_refuses_a_database_of_another_site(tmp_path: Path, make_hub: Any) -> None:
    hub = make_hub()
    hub.stop()
    site = tmp_path / "other.toml"
    site.write_text(toml_text(small_site(site={"code": "OTHER", "name": "Trung tâm khác"})), encoding="utf-8")
    r = subprocess.run([*PY, "hub", "--config", str(site), "--db", str(hub.db), "--port", "19501"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "this database belongs to site TEST" in r.stderr


DISTRICT = small_site(
    site={"code": "HUYEN-TS", "name": "Bộ phận một cửa huyện Tiên Sơn"},
    services=[{"code": "TPHT", "name": "Tư pháp - Hộ tịch", "first_number": 1, "digits": 4},
              {"code": "DD", "name": "Đất đai", "first_number": 2001, "digits": 4}],
    counters=[{"number": 1, "services": ["TPHT"]}, {"number": 2, "services": ["DD"]}])


def dossier(procedure: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "procedure": procedure, "applicant": {"name": "Đỗ Thị Mai"}}


def test_a_district_site_lists_and_accepts_only_its_own_procedures(make_hub: Any, tmp_path: Path) -> None:
    everything = shipped_catalog()
    ours = [p for p in everything if p["service"] in ("TPHT", "DD")]
    assert len(everything) == 45 and 0 < len(ours) < 45
    hub = make_hub(DISTRICT)
    kiosk = hub.client("kiosk")
    listed = kiosk.catalog().procedures
    assert [p.code for p in listed] == [p["code"] for p in ours]
    assert kiosk.catalog(service="XD").procedures == []
    auth = {"Authorization": f"Bearer {hub.tokens['counter']}"}
    r = requests.post(f"{hub.url}/api/v1/dossiers", json=dossier("XD.01"), headers=auth, timeout=5)
    assert r.status_code == 422 and set(r.json()) == {"error"}
    err = r.json()["error"]
    assert err["code"] == "procedure_not_offered" and "XD.01" in err["message"] and "không tiếp nhận" in err["message"]
    assert hub.store.read("SELECT COUNT(*) FROM dossiers")[0][0] == 0
    r = requests.post(f"{hub.url}/api/v1/dossiers", json=dossier("TPHT.01"), headers=auth, timeout=5)
    assert r.status_code == 201, r.text


def test_the_central_servers_catalog_is_limited_too(make_hub: Any, tmp_path: Path) -> None:
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        hub = make_hub({**DISTRICT, "central": {"url": url, "token": "dev-central-token-HUYEN-TS"}},
                       relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05})
        kiosk = hub.client("kiosk")
        wait_until(lambda: kiosk.catalog().source == "central")
        # A procedure the province adds for a service this site does not run never shows here.
        new = {**next(p for p in shipped_catalog() if p["service"] == "XD"), "code": "XD.99", "name": "Thủ tục mới"}
        central.app.state.store.put_feed_item("catalog", "XD.99", new)
        mine = {**next(p for p in shipped_catalog() if p["service"] == "TPHT"), "code": "TPHT.99", "name": "Thủ tục mới"}
        central.app.state.store.put_feed_item("catalog", "TPHT.99", mine)
        wait_until(lambda: "TPHT.99" in {p.code for p in kiosk.catalog().procedures})
        codes = {p.code for p in kiosk.catalog().procedures}
        assert "XD.99" not in codes and all(c.split(".")[0] in ("TPHT", "DD") for c in codes)
        stored = {orjson.loads(r[0])["code"] for r in hub.store.read("SELECT body FROM feed_items WHERE kind = 'catalog'")}
        assert "XD.99" in stored  # the hub keeps the province's catalog whole; it gives devices its part
    finally:
        central.stop()
