"""Fees at the hub: a dossier's fee and VietQR, payments recorded once, receipts numbered, the report,
the central server's confirmations through the status feed, and no personal data in events."""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
import uuid
from typing import Any

import orjson
import pytest
import requests
from support import local

from motcua.clock import ManualClock
from motcua.vietqr import parse, transfer_note
from sync.localsite import LocalCentral

PAYER = "Nguyễn Thị Hồng Nhung"


def call(h, method: str, path: str, role: str = "counter", **kw: Any) -> requests.Response:  # noqa: ANN001
    return requests.request(method, f"{h.url}/api/v1{path}", headers={"Authorization": f"Bearer {h.tokens[role]}"},
                            timeout=10, **kw)


def submit(h, procedure: str, role: str = "counter") -> dict[str, Any]:  # noqa: ANN001
    r = call(h, "POST", "/dossiers", role, json={
        "id": str(uuid.uuid4()), "procedure": procedure,
        "applicant": {"name": PAYER, "id_number": "027190001234", "phone": "0912345678",
                      "address": "Số 25 Ngô Gia Tự, Bắc Ninh"}})
    assert r.status_code == 201, r.text
    return r.json()


def pay(h, dossier: dict[str, Any], *, method: str = "cash", reference: str = "", pid: str | None = None,  # noqa: ANN001
        **extra: Any) -> requests.Response:
    return call(h, "POST", f"/dossiers/{dossier['id']}/payments",
                json={"id": pid or str(uuid.uuid4()), "method": method, "reference": reference, **extra})


def test_the_fee_comes_with_the_dossier_as_a_dynamic_vietqr(make_hub) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    land = submit(h, "DD.03")
    fee = land["fee"]
    assert (fee["amount"], fee["amount_text"], fee["words"]) == (80000, "80.000 đ", "Tám mươi nghìn đồng chẵn")
    assert fee["paid"] is False and fee["payment"] is None
    qr = parse(fee["qr"])  # the CRC verifies, or parse raises
    assert qr.dynamic and qr.amount == 80000 and qr.note == transfer_note(land["code"]) == fee["note"]
    assert land["code"] in qr.note  # the provisional code fits: 25 characters
    # Land fees go to the land registry's account; the others to the center's (the default account).
    assert (qr.account.bin, qr.account.number) == ("970418", "12010000123456")
    assert fee["account"]["agency"] == "Văn phòng Đăng ký đất đai tỉnh Bắc Ninh"
    copy = submit(h, "TPHT.04")["fee"]
    assert parse(copy["qr"]).account.number == "113366668888" and parse(copy["qr"]).amount == 8000
    assert submit(h, "TPHT.01")["fee"] is None  # khai sinh is free
    # The same through GET, for any device role (the kiosk looks a dossier up).
    r = call(h, "GET", f"/dossiers/{land['provisional_code']}/fee", "kiosk")
    assert r.status_code == 200 and r.json()["fee"]["qr"] == fee["qr"]
    assert call(h, "GET", f"/dossiers/{land['id']}", "kiosk").json()["fee"]["qr"] == fee["qr"]


def test_without_a_receiving_account_the_fee_is_paid_at_the_counter(make_hub) -> None:  # noqa: ANN001
    h = make_hub()  # small_site: no [[payment_accounts]]
    r = call(h, "POST", "/dossiers", json={"procedure": "DD.03", "applicant": {"name": PAYER}})
    # small_site's services are A, B, C: no catalog procedure is offered there.
    assert r.status_code == 422
    import tomllib

    from motcua.config import example_site_config_path, parse_site_config
    data = tomllib.loads(example_site_config_path().read_text(encoding="utf-8"))
    data.pop("payment_accounts")
    h2 = make_hub(data)
    fee = submit(h2, "DD.03")["fee"]
    assert fee["amount"] == 80000 and fee["qr"] is None and fee["account"] is None
    assert pay(h2, {"id": submit(h2, "DD.02")["id"]}).status_code == 201  # cash still works
    assert parse_site_config(data).payment_account("DD") is None


def test_a_payment_is_recorded_once_with_its_receipt(make_hub) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    d = submit(h, "DD.03")
    pid = str(uuid.uuid4())
    r = pay(h, d, method="transfer", reference="FT26330123", pid=pid, collector="Trần Văn Đức", amount=80000)
    assert r.status_code == 201, r.text
    p = r.json()
    assert (p["method"], p["reference"], p["amount"], p["payer"], p["collector"]) == (
        "transfer", "FT26330123", 80000, PAYER, "Trần Văn Đức")  # the payer defaults to the applicant
    assert p["receipt"] == {"series": "VPDK-26T", "year": 2026, "number": 1}
    assert p["account"] == "970418:12010000123456" and p["agency"] == "Văn phòng Đăng ký đất đai tỉnh Bắc Ninh"
    assert p["words"] == "Tám mươi nghìn đồng chẵn" and p["procedure_name"].startswith("Đăng ký thế chấp")
    # A retry after a lost answer: the first answer. The same id with another content: refused.
    again = pay(h, d, method="transfer", reference="FT26330123", pid=pid, collector="Trần Văn Đức", amount=80000)
    assert again.status_code == 200 and again.json() == p
    r = pay(h, d, method="cash", pid=pid)
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_conflict"
    # A second payment of the same dossier: 409, naming the first.
    r = pay(h, d, method="cash")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_paid" and "0000001" in r.json()["error"]["message"]
    assert h.store.read("SELECT COUNT(*) FROM payments")[0][0] == 1
    fee = call(h, "GET", f"/dossiers/{d['id']}/fee", "kiosk").json()["fee"]
    assert fee["paid"] and fee["payment"]["id"] == pid and "payer" not in fee["payment"]
    # What the clerk may not do.
    other = submit(h, "DD.02")
    for body, code in (({"method": "transfer"}, "reference_required"), ({"method": "cash", "amount": 40000},
                                                                         "amount_mismatch")):
        r = call(h, "POST", f"/dossiers/{other['id']}/payments", json={"id": str(uuid.uuid4()), **body})
        assert r.status_code == 422 and r.json()["error"]["code"] == code
    r = pay(h, submit(h, "TPHT.01"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_fee"
    assert pay(h, {"id": str(uuid.uuid4())}).status_code == 404
    r = call(h, "POST", f"/dossiers/{other['id']}/payments", "kiosk", json={"id": str(uuid.uuid4()), "method": "cash"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = call(h, "POST", f"/dossiers/{other['id']}/payments", json={"id": "x", "method": "card"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    # The receipt's content, for printing it again (staff only).
    assert call(h, "GET", f"/payments/{pid}").json() == p
    assert call(h, "GET", f"/payments/{pid}", "kiosk").status_code == 403
    assert call(h, "GET", f"/payments/{uuid.uuid4()}").status_code == 404


def test_receipts_are_numbered_per_series_and_year_across_restarts(make_hub, clock: ManualClock) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    numbers = [pay(h, submit(h, code)).json()["receipt"] for code in ("DD.03", "DD.02", "TPHT.04")]
    assert [(r["series"], r["number"]) for r in numbers] == [("VPDK-26T", 1), ("VPDK-26T", 2), ("TTHCC-26T", 1)]
    h.restart()
    assert pay(h, submit(h, "DD.04")).json()["receipt"]["number"] == 3
    clock.set(local(2027, 1, 4, 9, 0))  # a new year starts the numbers again
    assert pay(h, submit(h, "DD.04")).json()["receipt"] == {"series": "VPDK-26T", "year": 2027, "number": 1}


def test_no_personal_data_in_payment_events_or_logs(make_hub, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    h = make_hub(example=True)
    d = submit(h, "GTVT.01")
    assert pay(h, d, method="transfer", reference="FT999", collector="Trần Văn Đức").status_code == 201
    rows = h.store.read("SELECT data FROM events WHERE type = 'payment.recorded'")
    assert len(rows) == 1
    event = orjson.loads(rows[0][0])
    assert event["payment"]["dossier_id"] == d["id"] and event["payment"]["amount"] == 135000
    for secret in (PAYER, "Trần Văn Đức", "027190001234", "0912345678"):
        assert secret not in rows[0][0]
    assert "payer" not in event["payment"] and "collector" not in event["payment"]
    assert any("paid" in r.getMessage() for r in caplog.records)  # the hub did log the payment...
    assert not [r for r in caplog.records if PAYER in r.getMessage() or "Trần Văn Đức" in r.getMessage()]  # ...not who


def test_summary_per_day_procedure_and_method(make_hub, clock: ManualClock) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    pay(h, submit(h, "DD.03"), method="transfer", reference="FT1")
    pay(h, submit(h, "DD.03"))
    pay(h, submit(h, "DD.03"))
    pay(h, submit(h, "TPHT.04"))
    submit(h, "GTVT.01")  # not paid: not in the report
    clock.set(local(2026, 11, 27, 10, 0))
    pay(h, submit(h, "GTVT.01"), method="transfer", reference="FT2")
    r = call(h, "GET", "/payments/summary", "admin", params={"from": "2026-11-26", "to": "2026-11-27"})
    assert r.status_code == 200, r.text
    s = r.json()
    rows = [(x["day"], x["procedure"], x["method"], x["count"], x["amount"]) for x in s["rows"]]
    assert rows == [("2026-11-26", "DD.03", "cash", 2, 160000), ("2026-11-26", "DD.03", "transfer", 1, 80000),
                    ("2026-11-26", "TPHT.04", "cash", 1, 8000), ("2026-11-27", "GTVT.01", "transfer", 1, 135000)]
    assert s["totals"] == {"count": 5, "amount": 383000, "by_method": {"cash": {"count": 3, "amount": 168000},
                                                                       "transfer": {"count": 2, "amount": 215000}}}
    assert s["rows"][0]["procedure_name"].startswith("Đăng ký thế chấp")
    today = call(h, "GET", "/payments/summary", "admin").json()  # default: today
    assert (today["from"], today["to"], today["totals"]["count"]) == ("2026-11-27", "2026-11-27", 1)
    assert PAYER not in r.text
    assert call(h, "GET", "/payments/summary", "counter").status_code == 403
    # The day's report carries the day's payments too.
    day = call(h, "GET", "/reports/day", "admin", params={"day": "2026-11-26"}).json()["payments"]
    assert day["totals"]["count"] == 4 and day["totals"]["amount"] == 248000 and len(day["rows"]) == 3
    for params, code in (({"from": "26/11/2026"}, "invalid_date"), ({"from": "2026-11-27", "to": "2026-11-26"},
                                                                    "invalid_range"),
                         ({"from": "2025-01-01", "to": "2026-11-26"}, "range_too_long")):
        r = call(h, "GET", "/payments/summary", "admin", params=params)
        assert r.status_code == 422 and r.json()["error"]["code"] == code


def wait_for(pred, timeout: float = 20.0) -> Any:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


@pytest.fixture
def central(tmp_path):  # noqa: ANN001, ANN201
    server = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = server.url
    yield server, url
    server.stop()


FAST = {"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5}


def test_central_confirms_a_transfer_through_the_status_feed_once(make_hub, central) -> None:  # noqa: ANN001
    server, url = central
    store = server.app.state.store
    h = make_hub(example=True, central_url=url, relay_settings=FAST)
    d = submit(h, "DD.03")
    official = wait_for(lambda: store.dossier(d["id"]))["code"]
    # The province's bank matched a transfer (by the note on the QR): the central server marks it paid.
    out = subprocess.run([sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())",
                          "central", "payment", "--db", str(store.path), "--dossier", official,
                          "--reference", "FT26330777"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    item = json.loads(out.stdout)
    assert item["payment"]["amount"] == 80000  # the catalog's fee
    fee = wait_for(lambda: (call(h, "GET", f"/dossiers/{d['id']}/fee", "kiosk").json()["fee"] or {}).get("payment"))
    assert (fee["source"], fee["method"], fee["reference"], fee["receipt"]["number"]) == (
        "central", "transfer", "FT26330777", 1)
    staff = call(h, "GET", f"/payments/{fee['id']}").json()
    assert staff["payer"] == PAYER and staff["id"] == item["payment"]["id"]
    # The clerk can no longer take it again; the province cannot mark it twice either.
    assert pay(h, d).status_code == 409
    with pytest.raises(Exception, match="already_paid|đã nộp phí"):
        store.mark_paid(official, reference="FT-other")
    # A later status change carries the payment again, and a feed reset replays everything: still one payment.
    store.set_status(official, "processing")
    wait_for(lambda: call(h, "GET", f"/dossiers/{d['id']}", "kiosk").json()["status"] == "processing")
    store.bump_epoch()
    h.hub.relay.pull_feeds_now()
    wait_for(lambda: h.store.read("SELECT epoch FROM feed_cursors WHERE kind = 'status'")[0][0] == store.epoch)
    assert h.store.read("SELECT COUNT(*) FROM payments")[0][0] == 1
    assert h.store.read("SELECT COUNT(*) FROM events WHERE type = 'payment.recorded'")[0][0] == 1
    # The hub's event goes up and finds the payment already there: one payment at the province.
    wait_for(lambda: h.hub.sync_status()["backlog"] == 0)
    assert len(store.payments(site="BNI-TTHCC")) == 1


def test_a_counter_payment_reaches_the_central_server_once(make_hub, central) -> None:  # noqa: ANN001
    server, url = central
    store = server.app.state.store
    h = make_hub(example=True, central_url=url, relay_settings=FAST)
    d = submit(h, "YT.02")
    p = pay(h, d, method="cash", collector="Trần Văn Đức").json()
    wait_for(lambda: h.hub.sync_status()["backlog"] == 0 and store.payments(site="BNI-TTHCC"))
    # The relay may send a batch again (a lost answer): the central server keeps one payment, one event.
    rows = h.store.rows("SELECT seq, id, type, data FROM events WHERE type = 'payment.recorded'")
    assert h.hub.relay._post_events(rows) == []  # noqa: SLF001 - a repeat of the same event
    assert [x["id"] for x in store.payments(site="BNI-TTHCC")] == [p["id"]]
    assert store.payments()[0]["amount"] == 1_000_000 and store.payments()[0]["method"] == "cash"
    assert store.counts(site="BNI-TTHCC")["events"] == len(list(store.export("events", site="BNI-TTHCC")))
    events = [e for e in store.export("events", site="BNI-TTHCC") if e["content"]["type"] == "payment.recorded"]
    assert len(events) == 1 and PAYER not in orjson.dumps(events[0]).decode()
    with pytest.raises(Exception, match="already_paid|đã nộp phí"):
        store.mark_paid(d["id"], reference="FT1")
