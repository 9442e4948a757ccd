"""Issue 11 at the hub, over real HTTP: who sees a dossier's personal data (roles × routes × key forms ×
fields), the slip's look-up code, the per-address look-up limit, and the audit log of staff reads."""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from support import RunningHub

from motcua.clock import ManualClock
from sync.audit import main as audit_main
from sync.localsite import LocalCentral

sys.path.insert(0, str(Path(__file__).resolve().parent))
from privacy_support import (  # noqa: E402
    APPLICANT,
    DELIVERY_ADDRESS,
    FILE_NAME,
    PERSONAL_FIELDS,
    ROOT,
    assert_no_personal_data,
    headers,
    site_with_procedures,
    submit,
    wait_linked,
)


@pytest.fixture
def linked(make_hub, tmp_path: Path) -> Iterator[tuple[RunningHub, dict[str, Any], dict[str, Any]]]:
    """A hub with a central server, one dossier (with a file) received at a counter and linked to its
    official code: (hub, the counter's answer, the linked staff view)."""
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        h = make_hub(site_with_procedures(), central_url=url,
                     relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5})
        d = submit(h, file=b"\xff\xd8 anh the can cuoc")
        yield h, d, wait_linked(h, d["id"])
    finally:
        central.stop()


def test_staff_see_everything_kiosk_board_and_public_the_status(linked) -> None:  # noqa: ANN001
    h, d, staff = linked
    official, provisional, lookup = staff["official_code"], d["provisional_code"], d["lookup_code"]
    assert staff["lookup_code"] == lookup and len(lookup) == 6 and official and provisional.startswith("TAM-PRIV-")
    wrong = "ACDEFG" if lookup != "ACDEFG" else "ACDEFH"
    for role in ("counter", "admin"):
        for key in (d["id"], provisional, official):
            r = requests.get(f"{h.url}/api/v1/dossiers/{key}", headers=headers(h, role), timeout=5)
            v = r.json()
            assert r.status_code == 200 and v["id"] == d["id"], (role, key)
            assert v["applicant"] == APPLICANT and v["delivery_address"] == DELIVERY_ADDRESS
            assert [f["name"] for f in v["files"]] == [FILE_NAME] and v["lookup_code"] == lookup
    not_found = None
    for role in ("kiosk", "board"):
        for key, code in ((d["id"], None), (provisional, lookup), (official, lookup.lower()),
                          (official, f" {lookup[:3]}-{lookup[3:]} ")):
            r = requests.get(f"{h.url}/api/v1/dossiers/{key}", headers=headers(h, role), timeout=5,
                             params={"lookup_code": code} if code else None)
            assert r.status_code == 200, (role, key, r.text)
            v = r.json()
            assert not PERSONAL_FIELDS & set(v), (role, set(v))
            assert_no_personal_data(r.text)
            assert v["applicant_masked"] == "Nguyễn T. H. N." and v["code"] == official and v["status"] == "received"
            assert [x["status"] for x in v["timeline"]] == ["submitted", "received"] and v["procedure_name"]
        # A code alone, or with a wrong look-up code, or an unknown code: the same 404, nothing said.
        answers = []
        for key, code in ((official, None), (provisional, None), (official, wrong), (provisional, wrong),
                          ("000.00.99.H04-261126-9999", lookup)):
            r = requests.get(f"{h.url}/api/v1/dossiers/{key}", headers=headers(h, role), timeout=5,
                             params={"lookup_code": code} if code else None)
            assert r.status_code == 404, (role, key, code)
            answers.append(r.json())
        assert all(a == answers[0] for a in answers)
        not_found = answers[0]
    assert not_found is not None and not_found["error"]["code"] == "unknown_dossier"
    # The public page behind the QR: the same rules, for anyone.
    for key, code in ((d["id"], None), (official, lookup), (provisional, lookup.lower())):
        r = requests.get(f"{h.url}/d/{key}", params={"lookup_code": code} if code else None, timeout=5)
        assert r.status_code == 200 and official in r.text and "Nguyễn T. H. N." in r.text
        assert_no_personal_data(r.text)
    for key in (official, provisional, "000.00.99.H04-261126-9999"):
        ask = requests.get(f"{h.url}/d/{key}", timeout=5)
        assert ask.status_code == 200 and "lookup_code" in ask.text and "Đã tiếp nhận" not in ask.text
        no = requests.get(f"{h.url}/d/{key}", params={"lookup_code": wrong}, timeout=5)
        assert no.status_code == 404 and "không đúng" in no.text and "Đã tiếp nhận" not in no.text
    # Markup in a code typed on the page is shown as text.
    r = requests.get(f"{h.url}/d/<b>ABCDEFGH", timeout=5)
    assert "<b>ABCDEFGH" not in r.text and "&lt;b&gt;ABCDEFGH" in r.text


def test_audit_log_of_staff_reads(linked, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    h, d, _ = linked
    before = requests.get(f"{h.url}/api/v1/admin/audit", params={"since": "2026-11-26"}, headers=headers(h, "admin"),
                          timeout=5).json()["entries"]
    requests.get(f"{h.url}/api/v1/dossiers/{d['provisional_code']}", headers=headers(h, "counter"), timeout=5)
    requests.get(f"{h.url}/api/v1/dossiers/{d['id']}", headers=headers(h, "kiosk"), timeout=5)  # status only
    requests.get(f"{h.url}/api/v1/dossiers/{d['id']}", headers=headers(h, "board"), timeout=5)
    requests.get(f"{h.url}/d/{d['id']}", timeout=5)
    r = requests.get(f"{h.url}/api/v1/admin/audit", params={"since": "2026-11-26"}, headers=headers(h, "admin"),
                     timeout=5)
    assert r.status_code == 200
    assert_no_personal_data(r.text)
    entries = r.json()["entries"]
    new = entries[len(before):]
    assert [(e["token"], e["role"], e["client"], e["action"], e["dossier_id"]) for e in new] == [
        ("test counter", "counter", "127.0.0.1", "dossier.read", d["id"])]
    assert new[0]["code"] == d["code"] or new[0]["code"].startswith("000.00.99.H04-")
    assert new[0]["at"].startswith("2026-11-26T09:00")  # the hub's clock
    assert all(e["role"] in ("counter", "admin") for e in entries)
    # Only the admin reads it; times out of range are refused.
    for role in ("kiosk", "board", "counter"):
        assert requests.get(f"{h.url}/api/v1/admin/audit", headers=headers(h, role), timeout=5).status_code == 403
    for since in ("hôm qua", "0001-01-01", "9999-12-31T23:59:59-12:00"):
        bad = requests.get(f"{h.url}/api/v1/admin/audit", params={"since": since}, headers=headers(h, "admin"),
                           timeout=5)
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_time", since
    later = requests.get(f"{h.url}/api/v1/admin/audit", params={"since": "2026-11-27"}, headers=headers(h, "admin"),
                         timeout=5).json()
    assert later["entries"] == []
    # motcua audit, from the database (the hub running) and from the hub.
    assert audit_main(["--since", "2026-11-26", "--db", str(h.db)]) == 0
    text = capsys.readouterr().out
    assert "test counter" in text and d["id"] in text and "127.0.0.1" in text
    assert_no_personal_data(text)
    assert audit_main(["--since", "2026-11-26", "--hub", h.url, "--token", h.tokens["admin"], "--json"]) == 0

    assert json.loads(capsys.readouterr().out) == entries
    assert audit_main(["--since", "2026-11-26", "--hub", h.url, "--token", h.tokens["counter"]]) == 2
    assert "từ chối" in capsys.readouterr().err
    assert audit_main(["--since", "2026-11-26", "--db", str(tmp_path / "typo.db")]) == 2
    assert not (tmp_path / "typo.db").exists()
    # The installed command (a public contract).
    proc = subprocess.run([sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())", "audit",
                           "--since", "2026-11-26", "--db", str(h.db), "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == entries


def test_staff_read_is_not_answered_without_its_audit_record(make_hub) -> None:  # noqa: ANN001
    """No record, no data: a staff read whose audit row cannot be written is a 503 without the dossier."""
    h = make_hub(site_with_procedures())
    d = submit(h)
    h.store.db.conn.execute("DROP TABLE audit")  # on the writer's connection: the next audit row fails
    r = requests.get(f"{h.url}/api/v1/dossiers/{d['id']}", headers=headers(h, "admin"), timeout=5)
    assert r.status_code == 503 and r.json()["error"]["code"] == "store_unavailable"
    assert_no_personal_data(r.text)


def test_public_lookups_are_limited_per_address(make_hub, clock: ManualClock) -> None:  # noqa: ANN001
    """What guessing takes — look-ups by code, and look-ups that find nothing — is limited per address;
    once an address has used its allowance, every public look-up from it gets 429 until it refills."""
    h = make_hub(site_with_procedures(lookup_burst=3, lookup_per_minute=6))
    d = submit(h)
    kiosk = headers(h, "kiosk")
    wrong = "ACDEFG" if d["lookup_code"] != "ACDEFG" else "ACDEFH"

    def by_code(code: str) -> requests.Response:
        return requests.get(f"{h.url}/api/v1/dossiers/{d['provisional_code']}", params={"lookup_code": code},
                            headers=kiosk, timeout=5)

    for _ in range(5):  # the slip's QR (a random UUID) guesses nothing: not counted
        assert requests.get(f"{h.url}/api/v1/dossiers/{d['id']}", headers=kiosk, timeout=5).status_code == 200
    assert by_code(wrong).status_code == 404
    assert requests.get(f"{h.url}/d/{d['provisional_code']}", params={"lookup_code": wrong}, timeout=5).status_code == 404
    assert requests.get(f"{h.url}/d/{d['provisional_code']}", params={"lookup_code": d["lookup_code"]},
                        timeout=5).status_code == 200  # the same address's third
    r = by_code(d["lookup_code"])
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_lookups"
    page = requests.get(f"{h.url}/d/{d['id']}", timeout=5)
    assert page.status_code == 429 and "quá nhiều lần" in page.text and "Nguyễn" not in page.text
    assert requests.get(f"{h.url}/api/v1/dossiers/{d['id']}", headers=kiosk, timeout=5).status_code == 429
    # Staff are not limited (each read is audited instead).
    assert requests.get(f"{h.url}/api/v1/dossiers/{d['id']}", headers=headers(h, "counter"), timeout=5).status_code == 200
    # 6 a minute: one more every 10 s of the hub's clock.
    clock.advance(10)
    assert by_code(d["lookup_code"]).status_code == 200
    assert by_code(d["lookup_code"]).status_code == 429
