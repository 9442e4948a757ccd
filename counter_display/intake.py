"""What the receive form (counter_display.receive) holds and makes, Qt-free: the catalog search, the
procedure's duration and fee in words, the request (POST /dossiers's body and its checks), the appointment
slip and its printing, and a dossier the hub stored. The fee step (counter_display.fee) reads `Received`."""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from motcua.catalog import search_entries
from printer_drivers.layouts import processing_time_text

from . import texts

if TYPE_CHECKING:
    from printer_drivers.connection import JobResult, Printer
    from printer_drivers.layouts import AppointmentSlip

log = logging.getLogger(__name__)

_NOTE_MAX = 2000
_PHONE = re.compile(r"^\+?[0-9 .()-]{8,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# ---------------------------------------------------------------------------------------- catalog search
def search_procedures(procedures: Sequence[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """Procedures matching a query typed with or without diacritics, best first; all of them for no query."""
    if not query.strip():
        return list(procedures)
    return [dict(p) for p in search_entries(procedures, query)]


def duration_text(procedure: dict[str, Any]) -> str:
    """The processing time as the slip states it ("10 ngày làm việc", "Trong ngày làm việc")."""
    return processing_time_text(procedure)


def fee_text(procedure: dict[str, Any]) -> str:
    """The fee in đồng, or "không"."""
    fee = procedure.get("fee") or 0
    text = f"{int(fee):,}".replace(",", ".") + " đ" if fee else texts.RECEIVE_FEE_NONE.vi
    note = procedure.get("fee_note")
    return f"{text} ({note})" if note else text


# ---------------------------------------------------------------------------------------- the request
@dataclass(frozen=True)
class ReceivedDocument:
    """One paper document the clerk received: how many originals and copies."""

    name: str
    originals: int = 1
    copies: int = 0


@dataclass(frozen=True)
class ReceiveRequest:
    """Everything the form holds for one dossier; `body()` is POST /dossiers's body."""

    dossier_id: str
    procedure: dict[str, Any]
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    documents: tuple[ReceivedDocument, ...] = ()
    sets: int = 1
    delivery: str = "center"
    delivery_address: str = ""
    note: str = ""
    ticket_id: str | None = None

    def problems(self) -> list[texts.Text]:
        """What keeps the form from being sent (empty: fine)."""
        missing, bad = [], []
        if not self.procedure:
            missing.append(texts.RECEIVE_NEED_PROCEDURE)
        if not self.name.strip():
            missing.append(texts.RECEIVE_NAME)
        if self.procedure and not self.documents:
            missing.append(texts.RECEIVE_NEED_DOCUMENT)
        if self.delivery == "post" and not self.delivery_address.strip():
            missing.append(texts.RECEIVE_POST_ADDRESS)
        digits = self.id_number.replace(" ", "")
        if digits and not (digits.isdigit() and len(digits) in (9, 12)):
            bad.append(texts.RECEIVE_ID)
        if self.phone and not _PHONE.match(self.phone.strip()):
            bad.append(texts.RECEIVE_PHONE)
        if self.email and not _EMAIL.match(self.email.strip()):
            bad.append(texts.RECEIVE_EMAIL)
        out = []
        if missing:
            out.append(texts.RECEIVE_MISSING.format(fields=", ".join(t.vi for t in missing)))
        if bad:
            out.append(texts.RECEIVE_BAD.format(fields=", ".join(t.vi for t in bad)))
        return out

    def received_note(self) -> str:
        """The documents and sets as text: the hub's dossier has no field for paper documents yet."""
        items = "; ".join(f"{i}) {d.name}: {d.originals} bản chính, {d.copies} bản sao"
                          for i, d in enumerate(self.documents, start=1))
        text = f"Số bộ: {self.sets}. Thành phần hồ sơ: {items}."
        if self.note.strip():
            text += f" Ghi chú: {self.note.strip()}"
        return text[:_NOTE_MAX]

    def body(self) -> dict[str, Any]:
        """POST /api/v1/dossiers: the same body on every try (the hub compares a repeat with the first)."""
        return {
            "id": self.dossier_id,
            "procedure": self.procedure["code"],
            "applicant": {"name": self.name.strip(), "id_number": self.id_number.replace(" ", ""),
                          "phone": self.phone.strip(), "email": self.email.strip(), "address": self.address.strip()},
            "files": [],  # paper documents at the counter; their list travels in the note
            "delivery": self.delivery,
            "delivery_address": self.delivery_address.strip() if self.delivery == "post" else "",
            "note": self.received_note(),
            "ticket_id": self.ticket_id,
        }


# ---------------------------------------------------------------------------------------- the slip
def parse_time(value: str | None) -> datetime | None:
    """An ISO time from the hub, or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def make_slip(req: ReceiveRequest, dossier: dict[str, Any], site: dict[str, Any], *, clerk: str = "") -> AppointmentSlip:
    """The appointment slip (Mẫu 01) of a dossier the hub has just stored, with the documents received."""
    from printer_drivers.layouts import SubmittedDocument, slip_for_dossier

    docs: list[SubmittedDocument] = []
    for d in req.documents:
        if d.originals:
            docs.append(SubmittedDocument(d.name, d.originals, True))
        if d.copies:
            docs.append(SubmittedDocument(d.name, d.copies, False))
    # The form is what the clerk just confirmed with the citizen: its delivery choice is the slip's.
    dossier = {**dossier, "delivery": req.delivery, "delivery_address": req.delivery_address.strip()}
    return slip_for_dossier(dossier=dossier, procedure=req.procedure, site=site, documents=docs, sets=req.sets,
                            receiver=clerk)


_FAULTS = {"paper_out": "paper_out", "cover_open": "cover_open", "timeout": "printer_unknown",
           "no_status": "printer_unknown", "unknown": "printer_unknown"}


def print_slip(printer: Printer, slip: AppointmentSlip, copies: Sequence[str]) -> JobResult:
    """Lay out the copies on the printer's paper and print them (worker thread; never raises for the printer)."""
    from printer_drivers.layouts import slip_job

    job = slip_job(slip, paper=printer.paper, copies=tuple(copies))  # type: ignore[arg-type]
    return printer.print_job(job)


def printer_fault(result: JobResult) -> str:
    """The hub's device-fault kind for a failed print."""
    code = result.error_code or result.outcome.value
    return _FAULTS.get(code, "printer_unknown" if result.outcome.value == "unknown" else "printer_offline")


# ---------------------------------------------------------------------------------------- the scanner

@dataclass
class Received:
    """A dossier the hub stored, with the form that made it and its slip."""

    request: ReceiveRequest
    dossier: dict[str, Any]
    slip: Any = None
    printed: bool | None = None
    print_message: str = ""
