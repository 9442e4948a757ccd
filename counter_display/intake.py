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

from motcua import formats
from motcua.catalog import search_procedures as _search
from motcua.contract import Applicant, DossierRequest, DossierStaffView, FaultKind, Procedure, SiteDocument, print_fault

from . import texts

if TYPE_CHECKING:
    from printer_drivers.connection import JobResult, Printer
    from printer_drivers.layouts import AppointmentSlip

log = logging.getLogger(__name__)

_NOTE_MAX = 2000
_PHONE = re.compile(r"^\+?[0-9 .()-]{8,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# ---------------------------------------------------------------------------------------- catalog search
def search_procedures(procedures: Sequence[Procedure], query: str) -> list[Procedure]:
    """Procedures matching a query typed with or without diacritics, best first; all of them for no query."""
    if not query.strip():
        return list(procedures)
    return _search(procedures, query)


def duration_text(procedure: Procedure) -> str:
    """The processing time as the slip states it ("10 ngày làm việc", "Trong ngày làm việc")."""
    return formats.processing_time(procedure.processing_time.value, procedure.processing_time.unit).vi


def fee_text(procedure: Procedure) -> str:
    """The fee ("8.000 đ"), or "không", with its note."""
    return formats.fee_text(procedure.fee, procedure.fee_note, free=texts.RECEIVE_FEE_NONE).vi


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
    procedure: Procedure | None
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

    def body(self) -> DossierRequest:
        """POST /api/v1/dossiers: the same body on every try (the hub compares a repeat with the first)."""
        assert self.procedure is not None, "problems() first"
        return DossierRequest(
            id=self.dossier_id, procedure=self.procedure.code,
            applicant=Applicant(name=self.name.strip(), id_number=self.id_number.replace(" ", ""),
                                phone=self.phone.strip(), email=self.email.strip(), address=self.address.strip()),
            files=[],  # paper documents at the counter; their list travels in the note
            delivery=self.delivery,  # type: ignore[arg-type]
            delivery_address=self.delivery_address.strip() if self.delivery == "post" else "",
            note=self.received_note(), ticket_id=self.ticket_id)


# ---------------------------------------------------------------------------------------- the slip
def parse_time(value: str | None) -> datetime | None:
    """An ISO time from the hub, or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def make_slip(req: ReceiveRequest, dossier: DossierStaffView, site: SiteDocument | None, *,
              clerk: str = "") -> AppointmentSlip:
    """The appointment slip (Mẫu 01) of a dossier the hub has just stored, with the documents received."""
    from printer_drivers.layouts import SubmittedDocument, slip_for_dossier

    docs: list[SubmittedDocument] = []
    for d in req.documents:
        if d.originals:
            docs.append(SubmittedDocument(d.name, d.originals, True))
        if d.copies:
            docs.append(SubmittedDocument(d.name, d.copies, False))
    # The form is what the clerk just confirmed with the citizen: its delivery choice is the slip's.
    # The slip's layout reads the hub's documents as JSON (printer_drivers knows no contract models).
    shown = {**dossier.model_dump(mode="json"), "delivery": req.delivery,
             "delivery_address": req.delivery_address.strip()}
    return slip_for_dossier(dossier=shown, procedure=req.procedure.model_dump(mode="json") if req.procedure else {},
                            site=site.model_dump(mode="json") if site else {}, documents=docs, sets=req.sets,
                            receiver=clerk)


def print_slip(printer: Printer, slip: AppointmentSlip, copies: Sequence[str]) -> JobResult:
    """Lay out the copies on the printer's paper and print them (worker thread; never raises for the printer)."""
    from printer_drivers.layouts import slip_job

    job = slip_job(slip, paper=printer.paper, copies=tuple(copies))  # type: ignore[arg-type]
    return printer.print_job(job)


def printer_fault(result: JobResult) -> FaultKind:
    """The hub's device-fault kind for a failed print (motcua.contract.print_fault, as the kiosk's)."""
    return print_fault(result.error_code or result.outcome.value, unknown=result.outcome.value == "unknown")


# ---------------------------------------------------------------------------------------- the scanner

@dataclass
class Received:
    """A dossier the hub stored, with the form that made it and its slip."""

    request: ReceiveRequest
    dossier: DossierStaffView
    slip: Any = None
    printed: bool | None = None
    print_message: str = ""
