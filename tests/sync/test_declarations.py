"""Issue 17, declaration forms at the hub and the central server: a dossier carries its filled form (tờ khai)
once, checked against the procedure's form; a wrong or incomplete form is a 422 naming the fields; the form is
personal data: never in events, erased with retention."""
from __future__ import annotations

import asyncio
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import orjson
import requests
from support import RunningHub

from motcua.clock import ManualClock
from sync.central import cli
from sync.central.store import CentralStore
from sync.localsite import LocalCentral

sys.path.insert(0, str(Path(__file__).resolve().parent))
from privacy_support import APPLICANT, headers, site_with_procedures, wait_linked  # noqa: E402

RELAY = {"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5}
LLTP = {"to": "Sở Tư pháp tỉnh Bắc Ninh", "name": "Nguyễn Thị Hồng Nhung", "sex": "Nữ", "dob": "15/03/1990",
        "birthplace": "Xã Đại Đồng, tỉnh Bắc Ninh", "nationality": "Việt Nam", "ethnicity": "Kinh",
        "permanent_residence": "Số 25 Ngô Gia Tự, phường Suối Hoa", "id_number": "027190001234",
        "id_issued": "2021-07-01", "phone": "0912 345 678", "certificate": "1", "count": "2",
        "purpose": "Bổ sung hồ sơ xin việc làm", "signed_at": "Bắc Ninh"}
SECRET = ("Bổ sung hồ sơ xin việc làm", "Xã Đại Đồng")
"""Values only the declaration holds: they must reach nowhere but the dossier's body."""


def post(h: RunningHub, *, procedure: str = "TPHT.07", values: dict[str, str] | None = None,
         form: str = "LLTP-03", dossier_id: str | None = None) -> requests.Response:
    return requests.post(f"{h.url}/api/v1/dossiers", headers=headers(h, "kiosk"), timeout=10, json={
        "id": dossier_id or str(uuid.uuid4()), "procedure": procedure, "applicant": APPLICANT,
        "declaration": {"form": form, "values": LLTP if values is None else values}})


def tick(h: RunningHub) -> None:
    loop = h.hub._loop  # noqa: SLF001 - the hub's running loop
    assert loop is not None
    asyncio.run_coroutine_threadsafe(h.hub.tick(), loop).result(20)


def test_the_declaration_reaches_the_central_server_once_normalised_and_nowhere_else(
        make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        h = make_hub(site_with_procedures(), central_url=url, relay_settings=RELAY)
        dossier_id = str(uuid.uuid4())
        r = post(h, dossier_id=dossier_id)
        assert r.status_code == 201, r.text
        declaration = r.json()["declaration"]
        assert declaration["form"] == "LLTP-03" and declaration["version"] == 1
        # Normalised as the form says: dates ISO, phone digits; text kept with its diacritics.
        assert declaration["values"]["dob"] == "1990-03-15" and declaration["values"]["phone"] == "0912345678"
        assert declaration["values"]["purpose"] == "Bổ sung hồ sơ xin việc làm"
        # A repeat (the kiosk retrying after a lost answer) is the same dossier, not a second one.
        again = post(h, dossier_id=dossier_id)
        assert again.status_code == 200 and again.json()["declaration"] == declaration
        wait_linked(h, dossier_id)
        store = central.app.state.store
        stored = [d for d in store.export("dossiers") if d["id"] == dossier_id]
        assert len(stored) == 1
        assert stored[0]["content"]["declaration"] == declaration
        dump = orjson.dumps(list(store.export("dossiers"))).decode()
        assert dump.count("Bổ sung hồ sơ xin việc làm") == 1
        # Events (hub and central) and the status view for a kiosk name the dossier, never the form's values.
        hub_events = orjson.dumps(h.store.read("SELECT data FROM events")).decode()
        central_events = orjson.dumps(list(store.export("events"))).decode()
        for text in SECRET:
            assert text not in hub_events and text not in central_events
        # Staff see it (and the read is audited); kiosks, boards and the public page do not.
        staff = requests.get(f"{h.url}/api/v1/dossiers/{dossier_id}", headers=headers(h, "counter"), timeout=5).json()
        assert staff["declaration"] == declaration
        for role in ("kiosk", "board"):
            seen = requests.get(f"{h.url}/api/v1/dossiers/{dossier_id}", headers=headers(h, role), timeout=5)
            assert seen.status_code == 200 and "declaration" not in seen.json()
            assert all(text not in seen.text for text in SECRET)
        page = requests.get(f"{h.url}/d/{dossier_id}", timeout=5).text
        assert all(text not in page for text in SECRET)
    finally:
        central.stop()


def test_an_old_style_dossier_without_a_declaration_keeps_its_shape(make_hub) -> None:  # noqa: ANN001
    h = make_hub(site_with_procedures())
    r = requests.post(f"{h.url}/api/v1/dossiers", headers=headers(h, "counter"), timeout=10,
                      json={"procedure": "DD.03", "applicant": APPLICANT})
    assert r.status_code == 201 and r.json()["declaration"] is None
    body = orjson.loads(h.store.read("SELECT body FROM dossiers WHERE id = ?", (r.json()["id"],))[0][0])
    assert "declaration" not in body  # central servers from before forms refuse unknown keys


def test_a_wrong_or_incomplete_declaration_is_refused_naming_the_fields(make_hub) -> None:  # noqa: ANN001
    h = make_hub(site_with_procedures())
    missing = post(h, values={k: v for k, v in LLTP.items() if k not in ("phone", "purpose")})
    assert missing.status_code == 422
    err = missing.json()["error"]
    assert err["code"] == "declaration_invalid"
    assert "Chưa điền: 14. Số điện thoại" in err["message"] and "Mục đích" in err["message"]
    bad_date = post(h, values={**LLTP, "dob": "31/02/1990"})
    assert bad_date.status_code == 422 and "ngày không hợp lệ" in bad_date.json()["error"]["message"]
    smuggled = post(h, values={**LLTP, "blood_type": "O"})
    assert smuggled.status_code == 422 and "blood_type" in smuggled.json()["error"]["message"]
    wrong_form = post(h, form="TP-KS")
    assert wrong_form.status_code == 422 and wrong_form.json()["error"]["code"] == "wrong_form"
    no_form = post(h, procedure="DD.03")
    assert no_form.status_code == 422 and no_form.json()["error"]["code"] == "no_form"
    assert h.store.read("SELECT COUNT(*) FROM dossiers")[0][0] == 0


def test_the_declaration_is_erased_with_the_personal_data(make_hub, clock: ManualClock,
                                                           tmp_path: Path) -> None:  # noqa: ANN001
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        h = make_hub(site_with_procedures(retention_days=30), central_url=url, relay_settings=RELAY)
        r = post(h)
        assert r.status_code == 201, r.text
        dossier_id = r.json()["id"]
        wait_linked(h, dossier_id)
        clock.advance(days=31)
        tick(h)
        view = requests.get(f"{h.url}/api/v1/dossiers/{dossier_id}", headers=headers(h, "counter"), timeout=5).json()
        assert view["erased_at"] is not None and view["declaration"] is None
        body = h.store.read("SELECT body FROM dossiers WHERE id = ?", (dossier_id,))[0][0]
        assert all(text not in body for text in SECRET)
        store = central.app.state.store
        code = store.dossier(dossier_id)["code"]
        done_at = store.set_status(code, "returned")["at"]
        assert store.erase_returned(now=done_at + 91 * 86400, days=90) == 1
        assert "declaration" not in store.dossier(dossier_id)["dossier"]
    finally:
        central.stop()


def test_the_central_catalog_refuses_a_form_devices_could_not_read(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    bad = tmp_path / "p.json"
    entry: dict[str, Any] = {"code": "TPHT.07", "name": "Cấp Phiếu lý lịch tư pháp", "service": "TPHT",
                             "form": {"id": "LLTP-03", "title": "T", "sections": [{"fields": [
                                 {"key": "a", "label": "A", "type": "colour"}]}]}}
    bad.write_text(json.dumps(entry), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{**entry, "code": "TPHT.99", "form": None}, entry]), encoding="utf-8")
    db = tmp_path / "central.db"
    for path in (bad, good):
        assert cli.main(["catalog", "--db", str(db), "--put", str(path)]) == 1
        assert f"{path}: " in capsys.readouterr().err
    store = CentralStore(db)
    try:  # a file with one bad form puts nothing, not even its good entries
        catalog = store.feed_state("catalog")
        assert "TPHT.99" not in catalog and catalog["TPHT.07"]["form"]["title"] == "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP"
    finally:
        store.close()
