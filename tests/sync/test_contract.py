"""The wire contract (motcua.contract) describes what the hub really sends: every answer a device reads
parses into its model with nothing left over (no field the contract does not name, at any depth), every
event in the log has a known EventType, and the typed client returns the same data as the raw JSON."""
from __future__ import annotations

import uuid
from typing import Any, TypeVar

import orjson
import requests
from pydantic import BaseModel

from motcua import contract as c

M = TypeVar("M", bound=BaseModel)


def exact(model: type[M], data: Any) -> M:
    """`data` as `model`, failing on any field the contract does not name (the models themselves allow them)."""
    parsed = model.model_validate(data)
    left = _extras(parsed, model.__name__)
    assert not left, f"{model.__name__}: fields the contract does not name: {left}"
    return parsed


def _extras(value: Any, where: str) -> list[str]:
    if isinstance(value, BaseModel):
        out = [f"{where}.{k}" for k in (value.model_extra or {})
               if not isinstance(value, c.EventEnvelope)]  # an event's own keys are its data
        for name in type(value).model_fields:
            out += _extras(getattr(value, name), f"{where}.{name}")
        return out
    if isinstance(value, list):
        return [e for i, v in enumerate(value) for e in _extras(v, f"{where}[{i}]")]
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in _extras(v, f"{where}[{k}]")]
    return []


def get(h, path: str, role: str = "admin", **kw: Any) -> Any:  # noqa: ANN001
    r = requests.get(f"{h.url}/api/v1{path}", headers={"Authorization": f"Bearer {h.tokens[role]}"}, timeout=10, **kw)
    assert r.status_code == 200, r.text
    return r.json()


def test_every_answer_a_device_reads_is_described_by_the_contract(make_hub) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    kiosk, counter = h.client("kiosk"), h.client("counter")
    site = exact(c.SiteDocument, get(h, "/site", "kiosk"))
    assert site.services and site.counters
    number = site.counters[0].number
    service = site.counters[0].services[0]
    ticket = kiosk.issue(service, priority=site.priority_categories[0].code)
    assert isinstance(ticket, c.TicketView) and ticket.status == c.TicketStatus.WAITING
    exact(c.TicketView, get(h, f"/tickets/{ticket.id}"))
    exact(c.TicketList, get(h, "/tickets"))
    called = counter.call_next(number)
    assert called is not None and called.id == ticket.id and called.status == "called"
    exact(c.CounterDetail, get(h, f"/counters/{number}"))
    exact(c.BoardState, get(h, "/board", "board"))
    exact(c.WhoAmI, get(h, "/whoami", "counter"))
    kiosk.report_device(c.FaultKind.PAPER_OUT, message="hết giấy")
    kiosk.heartbeat(role="kiosk", uptime_s=12.0, faults=[{"fault": "paper_out"}])
    board = exact(c.BoardState, get(h, "/board", "board"))
    assert board.device_faults[0].fault == c.FaultKind.PAPER_OUT
    exact(c.DeviceInfo, get(h, "/devices")["devices"][0])
    exact(c.SyncStatus, get(h, "/sync"))
    catalog = exact(c.Catalog, get(h, "/catalog", "kiosk"))
    assert catalog.procedure("DD.03") is not None
    # A dossier with a fee, through the one body model, then paid: the staff view, the status view, the fee.
    body = c.DossierRequest(id=str(uuid.uuid4()), procedure="DD.03",
                            applicant=c.Applicant(name="Nguyễn Văn An", id_number="027190001234"))
    r = requests.post(f"{h.url}/api/v1/dossiers", headers={"Authorization": f"Bearer {h.tokens['counter']}"},
                      json=body.wire(), timeout=10)
    assert r.status_code == 201, r.text
    staff = exact(c.DossierStaffView, r.json())
    assert staff.fee is not None and staff.fee.amount_text == "80.000 đ"
    paid = requests.post(f"{h.url}/api/v1/dossiers/{staff.id}/payments",
                         headers={"Authorization": f"Bearer {h.tokens['counter']}"},
                         json={"id": str(uuid.uuid4()), "method": "cash"}, timeout=10)
    assert paid.status_code == 201, paid.text
    receipt = exact(c.PaymentReceipt, paid.json())
    exact(c.PaymentReceipt, get(h, f"/payments/{receipt.id}", "counter"))
    exact(c.DossierStaffView, get(h, f"/dossiers/{staff.id}", "counter"))
    seen_by_kiosk = get(h, f"/dossiers/{staff.id}", "kiosk")
    status = exact(c.DossierStatusView, seen_by_kiosk)
    assert status.fee is not None and status.fee.paid and "applicant" not in seen_by_kiosk
    # An error, in the one shape.
    r = requests.post(f"{h.url}/api/v1/tickets", headers={"Authorization": f"Bearer {h.tokens['kiosk']}"},
                      json={"service": "NOPE"}, timeout=10)
    assert r.status_code == 404 and exact(c.ErrorBody, r.json())
    # Every event in the log is an envelope of a known type.
    rows = h.store.read("SELECT data FROM events ORDER BY seq")
    types = set()
    for (data,) in rows:
        ev = exact(c.EventEnvelope, orjson.loads(data))
        assert isinstance(ev.type, c.EventType), ev.type
        types.add(ev.type)
    assert {c.EventType.TICKET_ISSUED, c.EventType.TICKET_CALLED, c.EventType.DEVICE_FAULT,
            c.EventType.DOSSIER_SUBMITTED, c.EventType.PAYMENT_RECORDED} <= types


def test_event_types_and_fault_kinds_keep_their_wire_strings() -> None:
    # The event log of every hub in the field holds these strings: renaming one loses history.
    assert [e.value for e in c.EventType][:8] == [
        "day.started", "ticket.issued", "ticket.called", "ticket.recalled", "ticket.completed", "ticket.skipped",
        "ticket.transferred", "ticket.restored"]
    assert c.EventType.TICKET_CALLED == "ticket.called" and f"{c.EventType.SITE_CHANGED}" == "site.changed"
    assert orjson.dumps([c.EventType.DEVICE_OK, c.FaultKind.PAPER_OUT]) == b'["device.ok","paper_out"]'
    assert c.EventType.of_feed("catalog") is c.EventType.SYNC_CATALOG
    # The one mapping of a failed print to the fault a device reports.
    assert c.print_fault("paper_out") is c.FaultKind.PAPER_OUT and c.print_fault("cover_open") is c.FaultKind.COVER_OPEN
    assert c.print_fault("write_failed") is c.FaultKind.PRINTER_OFFLINE
    assert c.print_fault("write_failed", unknown=True) is c.FaultKind.PRINTER_OFFLINE  # it failed: no doubt
    assert c.print_fault("timeout") is c.FaultKind.PRINTER_UNKNOWN
    assert c.print_fault("something_new", unknown=True) is c.FaultKind.PRINTER_UNKNOWN
    assert c.print_fault("something_new") is c.FaultKind.PRINTER_OFFLINE
