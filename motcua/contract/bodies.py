"""What devices send: request bodies of the hub's API (unknown fields refused)."""
from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from motcua.contract.kinds import FaultKind


class Body(BaseModel):
    """A request body a device sends: unknown fields are refused (422)."""

    model_config = ConfigDict(extra="forbid")


def _uuid(value: str | None) -> str | None:
    # The pattern lets "-" * 36 through; uuid.UUID is the judge (a 422 here, not a 500 later).
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError("expected a UUID such as 7c9e6679-7425-40de-944b-e07fc1f90ae7") from None


class IssueRequest(Body):
    """Lấy số: which service, and a priority category if the citizen has one."""

    service: str = Field(min_length=1, max_length=32)
    priority: str | None = Field(None, max_length=32)
    channel: Literal["kiosk", "counter", "web", "admin"] | None = None
    request_id: str | None = Field(None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                   description="idempotency key: a retry with the same key returns the same ticket")


class TransferRequest(Body):
    """Chuyển số sang dịch vụ khác."""

    service: str = Field(min_length=1, max_length=32)


class DeviceReport(Body):
    """Sự cố thiết bị: a device says what is wrong (fault) or that it is fine again (fault = null)."""

    device: str | None = Field(None, max_length=64, description="device name; defaults to the token's name")
    fault: FaultKind | None
    message: str = Field("", max_length=500)
    details: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    boot: str | None = Field(None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                             description="the id of the reporting process's current run (it changes at each start)")


class HeartbeatFault(Body):
    """A fault the device knows it has now."""

    device: str | None = Field(None, max_length=64, description="the part at fault; defaults to the token's name")
    fault: FaultKind
    message: str = Field("", max_length=500)


class DeviceHeartbeat(Body):
    """Nhịp tim thiết bị: a device says it is alive (its name is its token's name; no personal data)."""

    role: Literal["kiosk", "board", "counter", "bridge", "rating"] = Field(
        description="the kind of app: kiosk, board, counter panel, the keypad/LED bridge, or a rating screen")
    version: str = Field("", max_length=32)
    boot: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                      description="the id of this run of the device process: a new one means it restarted")
    uptime_s: float = Field(ge=0, le=10 * 365 * 86400)
    faults: list[HeartbeatFault] | None = Field(None, max_length=20, description="faults it has now; null: none to add")


class FaultClear(Body):
    """Xoá sự cố: the faults of one device (by its name or the name of the device that reported them), or all."""

    device: str | None = Field(None, min_length=1, max_length=64)
    all: bool = False


class TicketRef(Body):
    """A ticket of today, by id or by its number (and service when numbers repeat)."""

    ticket: str | None = Field(None, max_length=64)
    display: str | None = Field(None, max_length=16)
    service: str | None = Field(None, max_length=32)


class FileRef(Body):
    """A file of a dossier, uploaded first with PUT /files/{sha256}."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(min_length=1, max_length=255, description="the file's name as the citizen knows it")
    mime: str = Field("application/octet-stream", max_length=100)


class Applicant(Body):
    """Người nộp hồ sơ (from the form or the CCCD's QR)."""

    name: str = Field(min_length=1, max_length=200)
    id_number: str = Field("", max_length=20, description="CCCD number")
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=200)
    address: str = Field("", max_length=500)


class HelpRequestBody(Body):
    """Gọi cán bộ hỗ trợ: a kiosk asks for a clerk (the kiosk is the token's name; nobody's data)."""

    id: str | None = Field(None, description="a UUID made by the kiosk, so that a retry is the same request")

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str | None) -> str | None:
        return _uuid(value)


class HelpAck(Body):
    """A clerk takes a help request, from their counter (a counter-bound token's own counter wins)."""

    counter: int | None = Field(None, ge=1, le=9999)


class FilledDeclaration(Body):
    """Tờ khai điện tử: the procedure's declaration form as filled in (personal data, like the applicant)."""

    form: str = Field(min_length=1, max_length=40, description="the form's id in the catalog (the procedure's `form.id`)")
    version: int = Field(1, ge=1, le=10000)
    values: dict[str, str] = Field(max_length=200, description="field key -> text (dates YYYY-MM-DD)")


Delivery = Literal["center", "post", "online"]
"""How the result is returned: at the center, by post, online."""


class DossierRequest(Body):
    """Nộp hồ sơ: the procedure, the applicant, the files (already uploaded) and how the result is returned.

    `id` is a UUID the device makes before its first try, so that a retry after a lost answer is
    recognised (same id and body: the first answer; same id, other body: 422). The one place a
    POST /dossiers body is built: devices make one of these (`HubClient.submit_dossier`), the hub parses it.
    """

    id: str | None = Field(None, pattern=r"^[0-9a-fA-F-]{32,36}$", description="a UUID")
    procedure: str = Field(min_length=1, max_length=64)
    applicant: Applicant
    files: list[FileRef] = Field(default_factory=list, max_length=100)
    delivery: Delivery = "center"
    delivery_address: str = Field("", max_length=500)
    ticket_id: str | None = Field(None, max_length=64)
    note: str = Field("", max_length=2000)
    due_at: float | None = Field(None, ge=0, le=4102444800, allow_inf_nan=False,
                                 description="the promised return time (Unix seconds), if the clerk set one")
    declaration: FilledDeclaration | None = Field(None, description="the filled declaration form, when the "
                                                                    "procedure has one")

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str | None) -> str | None:
        return _uuid(value)

    def wire(self) -> dict[str, Any]:
        """The JSON body as sent: the fields a device left at their defaults are left out, as before."""
        return self.model_dump(mode="json", exclude_none=True)


class PaymentRequest(Body):
    """Thu phí: the clerk took a dossier's fee, in cash or by a transfer (with the bank's reference).

    `id` is a UUID the device makes before its first try: a retry after a lost answer gets the first answer.
    `payer` (default: the applicant) and `collector` go on the receipt only, never into events.
    """

    id: str = Field(pattern=r"^[0-9a-fA-F-]{32,36}$", description="a UUID")
    method: Literal["cash", "transfer"]
    reference: str = Field("", max_length=64, description="the bank's transaction reference (transfers)")
    amount: int | None = Field(None, ge=1, le=999_999_999_999,
                               description="the amount the clerk saw; refused if it is not the fee")
    payer: str = Field("", max_length=200)
    collector: str = Field("", max_length=200)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        return _uuid(value) or value


class CommissioningRequest(Body):
    """Chạy thử: turn commissioning mode on (every number is a test ticket) or off."""

    on: bool


class CheckinRequest(Body):
    """Tôi đã đặt lịch: a booking to check in, by the QR's text, its typed code, or the CCCD it was made with."""

    qr: str | None = Field(None, max_length=500, description="the booking QR's text (its page's address or its id)")
    code: str | None = Field(None, min_length=4, max_length=16, pattern=r"^\d+$")
    id_number: str | None = Field(None, min_length=9, max_length=20, pattern=r"^\d+$",
                                  description="the CCCD number (from the card's QR); matched, never stored")
    request_id: str | None = Field(None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class SubscribeRequest(Body):
    """Nhận thông báo: a citizen leaves a phone number, with their consent, for a ticket or a dossier."""

    ticket_id: str | None = Field(None, min_length=8, max_length=64)
    dossier_id: str | None = Field(None, min_length=8, max_length=64)
    phone: str = Field(min_length=9, max_length=20, pattern=r"^[0-9 +.-]+$")
    consent: bool = Field(description="the citizen agreed to the consent text shown (sync.hub.notices.CONSENT_TEXT)")
