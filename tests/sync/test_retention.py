"""Issue 11, retention (Decree 13/2023/NĐ-CP): a dossier's personal fields and files are erased on the hub
`[privacy] retention_days` after the central server confirmed it (codes, status and look-ups stay), by the
hub's periodic check through its writer, with an injected clock; and at the reference central server a
set number of days after its result was returned."""
from __future__ import annotations

import asyncio
import hashlib
import sys
import time
from pathlib import Path

import orjson
import requests
from support import RunningHub

from motcua.clock import ManualClock
from sync.central import IDENTITY_HEADER
from sync.localsite import LocalCentral

sys.path.insert(0, str(Path(__file__).resolve().parent))
from privacy_support import (  # noqa: E402
    APPLICANT,
    PERSONAL,
    assert_no_personal_data,
    headers,
    site_with_procedures,
    submit,
    wait_linked,
)

RELAY = {"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5}


def tick(h: RunningHub) -> None:
    """The hub's periodic check, now, on its own loop."""
    loop = h.hub._loop  # noqa: SLF001 - the hub's running loop
    assert loop is not None
    asyncio.run_coroutine_threadsafe(h.hub.tick(), loop).result(20)


def staff(h: RunningHub, key: str) -> dict:
    return requests.get(f"{h.url}/api/v1/dossiers/{key}", headers=headers(h, "counter"), timeout=5).json()


def test_hub_erases_personal_data_days_after_the_central_server_confirmed(make_hub, clock: ManualClock,
                                                                         tmp_path: Path) -> None:  # noqa: ANN001
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        data = site_with_procedures(retention_days=30)
        data["central"]["file_retention_days"] = 365  # the files go with the personal data, not before
        h = make_hub(data, central_url=url, relay_settings=RELAY)
        first_file = b"\xff\xd8 so do thua dat"
        first = submit(h, file=first_file)
        wait_linked(h, first["id"])
        clock.advance(days=29)
        tick(h)
        assert staff(h, first["id"])["applicant"] == APPLICANT  # 29 days: kept
        second_file = b"\xff\xd8 hop dong chuyen nhuong"
        second = submit(h, file=second_file)
        wait_linked(h, second["id"])
        clock.advance(days=1, hours=1)  # the first confirmed 30 days and an hour ago, the second a day ago
        seq = h.hub.events.last_seq
        tick(h)
        gone = staff(h, first["id"])
        assert gone["applicant"] == {} and gone["files"] == [] and gone["delivery_address"] == ""
        assert gone["erased_at"] is not None and gone["status"] == "received" and gone["official_code"]
        assert gone["provisional_code"] == first["provisional_code"] and gone["due_at"] == first["due_at"]
        assert [x["status"] for x in gone["timeline"]] == ["submitted", "received"]
        row = h.store.read("SELECT body FROM dossiers WHERE id = ?", (first["id"],))[0][0]
        assert_no_personal_data(row)
        assert h.store.read("SELECT COUNT(*) FROM dossier_files WHERE dossier_id = ?", (first["id"],))[0][0] == 0
        assert not h.hub.dossiers.blob_path(hashlib.sha256(first_file).hexdigest()).exists()
        # The second dossier keeps everything, its file too.
        kept = staff(h, second["id"])
        assert kept["applicant"] == APPLICANT and kept["erased_at"] is None
        assert h.hub.dossiers.blob_path(hashlib.sha256(second_file).hexdigest()).read_bytes() == second_file
        # One event per erased dossier, in the same transaction, naming it only.
        erased = [orjson.loads(r[0]) for r in h.store.read(
            "SELECT data FROM events WHERE seq > ? AND type = 'dossier.erased'", (seq,))]
        assert [e["dossier"]["id"] for e in erased] == [first["id"]]
        for e in erased:
            assert_no_personal_data(orjson.dumps(e).decode())
        # Look-ups keep working: by the QR, and by the code with the slip's look-up code.
        kiosk = headers(h, "kiosk")
        by_qr = requests.get(f"{h.url}/api/v1/dossiers/{first['id']}", headers=kiosk, timeout=5).json()
        by_code = requests.get(f"{h.url}/api/v1/dossiers/{gone['official_code']}", headers=kiosk, timeout=5,
                               params={"lookup_code": first["lookup_code"]}).json()
        assert by_qr["status"] == by_code["status"] == "received" and by_code["applicant_masked"] == ""
        page = requests.get(f"{h.url}/d/{first['id']}", timeout=5)
        assert page.status_code == 200 and gone["official_code"] in page.text
        # A second check erases nothing more; the relay sent the erasure upstream as a plain event.
        tick(h)
        assert h.store.read("SELECT COUNT(*) FROM dossiers WHERE erased_at IS NOT NULL")[0][0] == 1
        deadline = time.monotonic() + 20
        store = central.app.state.store
        while not any(e["content"]["type"] == "dossier.erased" for e in store.export("events")):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # The central server keeps its own copy until its own retention (below).
        assert store.dossier(first["id"])["dossier"]["applicant"] == APPLICANT
    finally:
        central.stop()


def test_retention_follows_the_site_file(make_hub, clock: ManualClock, tmp_path: Path) -> None:  # noqa: ANN001
    """retention_days = 0: erased at the first check after the central server confirmed it; never before."""
    offline = make_hub(site_with_procedures(retention_days=0))  # no central server: never confirmed
    waiting = submit(offline)
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        h = make_hub(site_with_procedures(retention_days=0), central_url=url, relay_settings=RELAY)
        d = submit(h)
        wait_linked(h, d["id"])
        clock.advance(days=100)
        tick(offline)
        assert staff(offline, waiting["id"])["applicant"] == APPLICANT
        tick(h)
        assert staff(h, d["id"])["applicant"] == {}
    finally:
        central.stop()


def test_central_server_erases_returned_dossiers_after_its_retention(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        h = make_hub(site_with_procedures(), central_url=url, relay_settings=RELAY)
        files = [b"\xff\xd8 ban sao giay khai sinh", b"\xff\xd8 to khai"]
        returned = submit(h, file=files[0])
        other = submit(h, file=files[1])
        wait_linked(h, returned["id"])
        wait_linked(h, other["id"])
        store = central.app.state.store
        code = store.dossier(returned["id"])["code"]
        done_at = store.set_status(code, "returned")["at"]
        store.set_status(store.dossier(other["id"])["code"], "done")
        # An event as hubs sent them before issue 11: the whole dossier, applicant included.
        old = {"id": "5d7f1c1e-0000-4000-8000-000000000001", "seq": 10_000, "type": "dossier.submitted",
               "at": done_at, "dossier": {**store.dossier(returned["id"])["dossier"]}}
        assert store.ingest_events(site="PRIV", events=[old])[0]["status"] == 201
        # The injected clock: 89 days after the return nothing goes; 91 days after, the returned one does.
        assert store.erase_returned(now=done_at + 89 * 86400, days=90) == 0
        assert store.erase_returned(now=done_at + 91 * 86400, days=90) == 1
        token = {"Authorization": "Bearer dev-central-token-PRIV", IDENTITY_HEADER: h.store.identity}
        r = requests.get(f"{url}/api/v1/dossiers/{code}", headers=token, timeout=5)
        assert r.status_code == 200 and r.json()["status"] == "returned" and r.json()["code"] == code
        assert "applicant" not in r.json()["dossier"] and r.json()["dossier"]["procedure"] == "DD.03"
        assert_no_personal_data(r.text)
        sha = hashlib.sha256(files[0]).hexdigest()
        assert not store.blob_path(sha).exists()
        [scrubbed] = [e for e in store.export("events") if e["id"] == old["id"]]
        assert_no_personal_data(orjson.dumps(scrubbed).decode())
        # The dossier done but not returned keeps everything.
        kept = requests.get(f"{url}/api/v1/dossiers/{other['id']}", headers=token, timeout=5).json()
        assert kept["dossier"]["applicant"] == APPLICANT
        assert store.blob_path(hashlib.sha256(files[1]).hexdigest()).read_bytes() == files[1]
        # A site repeating the dossier (its body unchanged) still gets the first answer.
        body = h.store.read("SELECT body FROM dossiers WHERE id = ?", (returned["id"],))[0][0]
        again = requests.post(f"{url}/api/v1/dossiers", headers={**token, "Content-Type": "application/json"},
                              data=body, timeout=5)
        assert again.status_code == 201 and again.json()["code"] == code, again.text
        assert store.erase_returned(now=done_at + 92 * 86400, days=90) == 0
        for s in PERSONAL:
            assert s not in orjson.dumps(store.dossier(returned["id"])).decode()
    finally:
        central.stop()


def test_the_payers_name_goes_with_the_dossiers_personal_data(make_hub, clock: ManualClock, tmp_path: Path) -> None:  # noqa: ANN001
    """The hub keeps the payer's name to reprint a receipt; past retention it is erased with the rest."""
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        h = make_hub(example=True, central_url=url, relay_settings=RELAY)
        auth = headers(h, "counter")
        r = requests.post(f"{h.url}/api/v1/dossiers", headers=auth, timeout=10, json={
            "procedure": "DD.03", "applicant": {"name": "Nguyễn Thị Hồng Nhung", "id_number": "027190001234"}})
        assert r.status_code == 201, r.text
        dossier = r.json()
        paid = requests.post(f"{h.url}/api/v1/dossiers/{dossier['id']}/payments", headers=auth, timeout=10,
                             json={"id": "5b8e1f0c-3d7a-4c55-9e61-0a2b3c4d5e6f", "method": "cash",
                                   "payer": "Trần Văn Bình"})
        assert paid.status_code == 201, paid.text
        payment = paid.json()
        wait_linked(h, dossier["id"])
        receipt = requests.get(f"{h.url}/api/v1/payments/{payment['id']}", headers=auth, timeout=10).json()
        assert receipt["payer"] == "Trần Văn Bình"
        clock.advance(days=h.config.privacy.retention_days + 1)
        tick(h)
        assert staff(h, dossier["id"])["erased_at"] is not None
        receipt = requests.get(f"{h.url}/api/v1/payments/{payment['id']}", headers=auth, timeout=10).json()
        assert receipt["payer"] == "" and receipt["amount"] == 80000 and receipt["receipt"] == payment["receipt"]
        payer, body = h.store.read("SELECT payer, body FROM payments WHERE id = ?", (payment["id"],))[0]
        assert payer == "" and "Bình" not in body and "Nhung" not in body
    finally:
        central.stop()
