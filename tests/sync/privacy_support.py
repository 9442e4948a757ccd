"""Shared by the privacy tests (issue 11): an applicant whose every field must stay out of status views,
events, public pages and the audit log, and a small site that offers shipped procedures."""
from __future__ import annotations

import hashlib
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from support import RunningHub, small_site

ROOT = Path(__file__).resolve().parents[2]
APPLICANT = {"name": "Nguyễn Thị Hồng Nhung", "id_number": "027190001234", "phone": "0912345678",
             "email": "hongnhung@example.vn", "address": "Số 25 đường Ngô Gia Tự, phường Suối Hoa"}
DELIVERY_ADDRESS = "Số 7 phố Huế, quận Hai Bà Trưng"
NOTE = "Ghi chú riêng của cán bộ"
FILE_NAME = "cccd-mat-truoc-nhung.jpg"
PERSONAL = [*APPLICANT.values(), DELIVERY_ADDRESS, NOTE, FILE_NAME, "Nhung", "027190001234"]
"""Strings that must never reach a status view, an event, a public page or the audit log."""
PERSONAL_FIELDS = {"applicant", "files", "delivery", "delivery_address", "note", "ticket_id", "lookup_code"}
SITE = {"code": "PRIV", "name": "Trung tâm thử nghiệm", "public_url": "http://hub.test", "agency_code": "000.00.99.H04"}


def headers(h: RunningHub, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {h.tokens[role]}"}


def site_with_procedures(**privacy: Any) -> dict[str, Any]:
    """small_site() with the services of the shipped catalog's land (DD) and civil status (TPHT) procedures."""
    data = small_site(site=SITE)
    data["services"] += [{"code": "DD", "name": "Đất đai", "first_number": 1, "digits": 4},
                         {"code": "TPHT", "name": "Tư pháp - Hộ tịch", "first_number": 1, "digits": 4}]
    data["privacy"] = {"lookup_burst": 1000, "lookup_per_minute": 1000, **privacy}
    data["central"] = {"token": "dev-central-token-PRIV"}
    return data


def submit(h: RunningHub, role: str = "counter", *, procedure: str = "DD.03", file: bytes = b"") -> dict[str, Any]:
    s = requests.Session()
    s.headers.update(headers(h, role))
    files = []
    if file:
        sha = hashlib.sha256(file).hexdigest()
        assert s.put(f"{h.url}/api/v1/files/{sha}", data=file, timeout=5).status_code == 201
        files.append({"sha256": sha, "name": FILE_NAME, "mime": "image/jpeg"})
    r = s.post(f"{h.url}/api/v1/dossiers", timeout=10, json={
        "id": str(uuid.uuid4()), "procedure": procedure, "applicant": APPLICANT, "files": files,
        "delivery": "post", "delivery_address": DELIVERY_ADDRESS, "note": NOTE})
    assert r.status_code == 201, r.text
    return r.json()


def wait_linked(h: RunningHub, dossier_id: str, timeout: float = 20.0) -> dict[str, Any]:
    """Wait (reading the database, so that no read is audited) until the official code is linked."""
    deadline = time.monotonic() + timeout
    while not h.store.read("SELECT code FROM dossiers WHERE id = ?", (dossier_id,))[0][0]:
        if time.monotonic() > deadline:
            raise AssertionError("never linked")
        time.sleep(0.05)
    return requests.get(f"{h.url}/api/v1/dossiers/{dossier_id}", headers=headers(h, "admin"), timeout=5).json()


def assert_no_personal_data(text: str) -> None:
    for s in PERSONAL:
        assert s not in text, f"{s!r} leaked"
