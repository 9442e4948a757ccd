"""Dossiers at the hub: the return time computed in working time, the status timeline, the lookup page."""
from __future__ import annotations

import hashlib
import time
import uuid

import requests
from support import local

from motcua.clock import ManualClock
from sync.localsite import LocalCentral


def submit(h, procedure: str, *, files: list[bytes] = ()) -> dict:  # noqa: ANN001
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {h.tokens['counter']}"
    refs = []
    for i, data in enumerate(files):
        sha = hashlib.sha256(data).hexdigest()
        assert s.put(f"{h.url}/api/v1/files/{sha}", data=data, timeout=5).status_code == 201
        refs.append({"sha256": sha, "name": f"trang-{i + 1}.jpg", "mime": "image/jpeg"})
    r = s.post(f"{h.url}/api/v1/dossiers", json={
        "id": str(uuid.uuid4()), "procedure": procedure, "files": refs,
        "applicant": {"name": "Nguyễn Thị Hồng Nhung", "id_number": "027190001234", "phone": "0912345678"}},
        timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def test_return_time_in_working_days_and_same_day_procedures(make_hub, clock: ManualClock) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    # Thursday 26/11/2026 09:00, 3 working days: Fri 09:00, Mon 30/11 09:00, Tue 01/12 09:00.
    assert submit(h, "DD.03")["due_at"].startswith("2026-12-01T09:00:00")
    # Đăng ký khai sinh is done within the day: by 17:00 today...
    assert submit(h, "TPHT.01")["due_at"].startswith("2026-11-26T17:00:00")
    # ...but received after its 15:00 cut-off it counts from the next working day.
    clock.set(local(2026, 11, 26, 16, 0))
    assert submit(h, "TPHT.01")["due_at"].startswith("2026-11-27T17:00:00")
    # Tuesday 24/11/2026 is an official day off (Ngày Văn hóa Việt Nam): skipped.
    clock.set(local(2026, 11, 23, 9, 0))
    assert submit(h, "DD.03")["due_at"].startswith("2026-11-27T09:00:00")
    # 16 working hours from Friday 27/11 10:00: 5.5 h on Friday (10:00-11:30, 13:00-17:00), 8 h on Monday,
    # the last 2.5 h on Tuesday 01/12 from 07:30: 10:00.
    clock.set(local(2026, 11, 27, 10, 0))
    assert submit(h, "DD.05")["due_at"].startswith("2026-12-01T10:00:00")
    r = requests.post(f"{h.url}/api/v1/dossiers", headers={"Authorization": f"Bearer {h.tokens['counter']}"},
                      json={"procedure": "NOPE.1", "applicant": {"name": "A"}}, timeout=5)
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_procedure"


def test_catalog_falls_back_to_the_shipped_one(make_hub) -> None:  # noqa: ANN001
    hub = make_hub(example=True)
    r = requests.get(f"{hub.url}/api/v1/catalog?service=TPHT", timeout=5,
                     headers={"Authorization": f"Bearer {hub.tokens['kiosk']}"}).json()
    assert r["source"] == "shipped" and any(p["name"] == "Đăng ký khai sinh" for p in r["procedures"])


def test_timeline_and_lookup_page_follow_the_central_status(make_hub, clock: ManualClock, tmp_path) -> None:  # noqa: ANN001
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        h = make_hub(example=True, central_url=url,
                     relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5})
        d = submit(h, "DD.03", files=[b"\xff\xd8 trang 1", b"\xff\xd8 trang 2"])
        assert d["provisional"] and d["code"].startswith("TAM-BNI-TTHCC-261126-")
        lookup = wait_for(h, d["id"], lambda v: not v["provisional"])
        assert lookup["code"].startswith("000.00.12.H04-261126-")
        assert [x["status"] for x in lookup["timeline"]] == ["submitted", "received"]
        central.app.state.store.set_status(lookup["code"], "processing")
        lookup = wait_for(h, d["id"], lambda v: v["status"] == "processing")
        assert [x["status"] for x in lookup["timeline"]] == ["submitted", "received", "processing"]
        assert lookup["status_as_of"] is not None
        # The slip's QR leads to the public page by the UUID; either code with the slip's look-up code too.
        for key, params in ((d["id"], {}), (d["provisional_code"], {"lookup_code": d["lookup_code"]}),
                            (lookup["code"], {"lookup_code": d["lookup_code"].lower()})):
            page = requests.get(f"{h.url}/d/{key}", params=params, timeout=5)
            assert page.status_code == 200 and "Đang giải quyết" in page.text and lookup["code"] in page.text
            assert "Người nộp: Nguyễn T. H. N." in page.text and "Nhung" not in page.text
        # A code alone asks for the look-up code and says nothing of the dossier.
        page = requests.get(f"{h.url}/d/{lookup['code']}", timeout=5)
        assert page.status_code == 200 and "mã tra cứu" in page.text and "Đang giải quyết" not in page.text
        assert requests.get(f"{h.url}/d/{uuid.uuid4()}", timeout=5).status_code == 404
    finally:
        central.stop()


def wait_for(h, key: str, pred, timeout: float = 20.0) -> dict:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while True:
        v = requests.get(f"{h.url}/api/v1/dossiers/{key}", timeout=5,
                         headers={"Authorization": f"Bearer {h.tokens['kiosk']}"}).json()
        if pred(v):
            return v
        if time.monotonic() > deadline:
            raise AssertionError(v)
        time.sleep(0.05)


def test_files_leave_the_hub_after_the_central_server_confirmed_them(make_hub, clock: ManualClock,
                                                                      tmp_path) -> None:  # noqa: ANN001
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        h = make_hub(example=True, central_url=url,
                     relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5})
        d = submit(h, "DD.03", files=[b"\xff\xd8 trang mot", b"\xff\xd8 trang hai"])
        wait_for(h, d["id"], lambda v: not v["provisional"])
        blobs = sorted(p.name for p in h.hub.dossiers.blob_dir.glob("*/*"))
        assert len(blobs) == 2
        # An upload that no dossier used (a citizen who walked away mid-way).
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {h.tokens['kiosk']}"
        orphan = hashlib.sha256(b"bo do").hexdigest()
        s.put(f"{h.url}/api/v1/files/{orphan}", data=b"bo do", timeout=5)
        # An upload in progress on a hub whose clock runs days ahead of the file system's (the demo): kept.
        partial = h.hub.dossiers.blob_path(hashlib.sha256(b"dang gui").hexdigest()).with_suffix(".tmp")
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(b"dang gui")
        assert h.hub.dossiers.purge_files(clock.time() + 3 * 86400) == 0  # confirmed 3 days ago: kept
        assert partial.exists()
        clock.advance(days=8)
        # 8 days later by both clocks: the confirmed files, the orphan and the abandoned partial file go
        assert h.hub.dossiers.purge_files(clock.time(), disk_now=time.time() + 8 * 86400) == 4
        assert list(h.hub.dossiers.blob_dir.glob("*/*")) == []
        # The dossier itself stays, and so does its status.
        assert requests.get(f"{h.url}/api/v1/dossiers/{d['id']}", timeout=5,
                            headers={"Authorization": f"Bearer {h.tokens['kiosk']}"}).status_code == 200
    finally:
        central.stop()
