"""What the hub answers: typed views of tickets, counters, the board, the site, dossiers, fees, devices, sync."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from motcua.contract.kinds import CounterState, EventType, FaultKind, TicketStatus


class Wire(BaseModel):
    """An answer of the hub: typed fields, unknown ones kept (a newer hub may add some)."""

    model_config = ConfigDict(extra="allow")


class ErrorDetail(Wire):
    """`code` is stable (programs branch on it); `message` is "Vietnamese / English" for people."""

    code: str
    message: str


class ErrorBody(Wire):
    """Every 4xx/5xx answer of the hub: {"error": {"code", "message"}} (ARCHITECTURE rule 10)."""

    error: ErrorDetail


class TicketView(Wire):
    """Phiếu số: a ticket as the hub returns it (ARCHITECTURE.md's ticket shape)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    number: int
    display: str
    """What is printed and announced ("1023")."""
    service: str
    priority: str | None = None
    status: TicketStatus
    issued_at: str
    called_at: str | None = None
    counter: int | None = None
    position: int | None = None
    ahead: int | None = None
    estimated_wait_s: int | None = None
    tracking_url: str
    channel: str | None = None
    recalls: int = 0
    finished_at: str | None = None
    test: bool = False
    """A test ticket of commissioning mode (chạy thử)."""
    slot_at: str | None = None
    """A booking checked in on time: its slot's start, from which it goes ahead of walk-ins."""


class TicketList(Wire):
    """GET /tickets: today's tickets in queue order."""

    day: str
    tickets: list[TicketView]


class CurrentTicket(Wire):
    """The number a counter serves now, as boards show it."""

    id: str
    display: str
    service: str


class CounterView(Wire):
    """Quầy: a counter as boards and events show it."""

    number: int
    name: str = ""
    state: CounterState
    current: CurrentTicket | None = None
    served: int = 0


class CounterDetail(Wire):
    """GET /counters/{n}: a counter, its services, how many wait for them and its current ticket in full."""

    number: int
    name: str
    state: CounterState
    current: TicketView | None = None
    served: int = 0
    services: list[str]
    waiting: int
    waiting_booked: int = 0
    """Of `waiting`, the numbers booked ahead (đặt lịch hẹn) and checked in on time."""


class RecentCall(Wire):
    """One call on the board's list of recent calls."""

    display: str
    counter: int
    service: str
    at: str | None = None
    ticket_id: str | None = None
    recall: bool = False
    test: bool = False
    booked: bool = False
    """The number was booked ahead (đặt lịch hẹn) and checked in on time."""


class DeviceFault(Wire):
    """Sự cố: an active (or, in a device.ok event, ended) fault of a device. Never personal data."""

    device: str
    role: str = ""
    fault: FaultKind | None
    message: str = ""
    at: str | None = None
    details: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    by: str | None = None
    """The name of the token that reported it."""
    boot: str | None = None
    """The run of the reporting process."""
    was: FaultKind | None = None
    """An ended fault (device.ok): what it was."""
    cleared: str | None = None
    """An ended fault: why (a restart, a technician)."""
    cleared_by: str | None = None
    """An ended fault: who cleared it."""


class HelpRequestInfo(Wire):
    """Một yêu cầu hỗ trợ: a kiosk asked for a clerk (sync.hub.help); acknowledged_at once a clerk took it."""

    id: str
    device: str
    """The kiosk's name ("Ki-ốt sảnh 1")."""
    requested_at: str
    acknowledged_at: str | None = None
    by: str | None = None
    counter: int | None = None


class BoardState(Wire):
    """GET /board: what a lobby board shows."""

    day: str
    recent_calls: list[RecentCall]
    counters: list[CounterView]
    waiting: dict[str, int]
    issuing_open: bool
    last_seq: int
    device_faults: list[DeviceFault] = Field(default_factory=list)
    help_requests: list[HelpRequestInfo] = Field(default_factory=list)
    """Kiosks' open help requests (gọi cán bộ hỗ trợ), oldest first."""


class SiteInfo(Wire):
    """The center itself, as the site file states it."""

    code: str
    name: str
    name_en: str = ""
    agency: str = ""
    agency_code: str = ""
    address: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    public_url: str = ""
    place: str = ""
    """Địa danh: the place in a date line ("Bắc Ninh, ngày 30 tháng 11 năm 2026")."""


class ServiceInfo(Wire):
    """Dịch vụ: one queue of the site, with today's numbers."""

    code: str
    name: str
    name_en: str = ""
    prefix: str = ""
    digits: int = 3
    first_number: int = 1
    daily_quota: int | None = None
    quota_left: int | None = None
    waiting: int = 0
    average_service_s: int = 0
    paused: bool = False
    """The manager paused issuing for this service (the kiosk shows it paused; the hub refuses with 409)."""


class CounterInfo(Wire):
    """A counter as the site file configures it."""

    number: int
    name: str
    services: list[str]
    policy: str = ""


class PriorityCategory(Wire):
    """Đối tượng ưu tiên."""

    code: str
    name: str
    name_en: str = ""


class DisplayTexts(Wire):
    """Texts shown on screens and tickets (Vietnamese first)."""

    welcome: str = ""
    welcome_en: str = ""
    ticket_footer: str = ""
    ticker: str = ""
    notice: str = ""
    """A one-off notice from the console for the lobby boards (Vietnamese), shown until `notice_until`."""
    notice_en: str = ""
    notice_until: str | None = None
    """ISO time the notice ends (None: no notice)."""
    guides: list[str] = Field(default_factory=list)
    """The console's guides playlist (paths or http URLs on the boards); empty: each board's own."""


class SiteDocument(Wire):
    """GET /site: the center, its hours, services, counters, priority categories and texts."""

    site: SiteInfo
    hours: dict[str, list[str]] = Field(default_factory=dict)
    issuing_open: bool = True
    commissioning: bool = False
    services: list[ServiceInfo]
    counters: list[CounterInfo]
    priority_categories: list[PriorityCategory] = Field(default_factory=list)
    display: DisplayTexts = Field(default_factory=DisplayTexts)
    now: str | None = None

    def service(self, code: str) -> ServiceInfo | None:
        """One service by its code."""
        return next((s for s in self.services if s.code == code), None)

    def counter(self, number: int) -> CounterInfo | None:
        """One counter by its number."""
        return next((c for c in self.counters if c.number == number), None)


class WhoAmI(Wire):
    """GET /whoami: whose token this is."""

    role: str
    name: str
    counter: int | None = None
    any_counter: bool = False


class DeviceInfo(Wire):
    """GET /devices: a device, when it was last heard from and its active faults."""

    device: str
    role: str
    version: str | None = None
    last_seen: str | None = None
    age_s: float | None = None
    faults: list[DeviceFault] = Field(default_factory=list)


class FaultChange(Wire):
    """A fault a heartbeat started or ended: the device's entry and the event's type."""

    type: EventType
    device: str
    fault: FaultKind | None = None


class HeartbeatReply(Wire):
    """POST /devices/heartbeat: the hub took it, and the fault changes it caused."""

    device: str
    role: str
    changes: list[FaultChange] = Field(default_factory=list)


class SyncError(Wire):
    """The last failure of the relay."""

    at: str | None = None
    message: str


class FeedCursor(Wire):
    """How far the hub read one of the central server's feeds."""

    epoch: int | None = None
    cursor: int = 0
    updated_at: str | None = None


class SyncStatus(Wire):
    """GET /sync: backlog, the oldest unsent event's age, last success and error, dead letters."""

    backlog: int
    oldest_unsent_age_s: float
    last_success: str | None = None
    last_error: SyncError | None = None
    dead_letters: int
    state: str
    central_url: str | None = None
    identity: str | None = None
    sent_seq: int = 0
    last_seq: int = 0
    dossiers_unlinked: int = 0
    feeds: dict[str, FeedCursor] = Field(default_factory=dict)


class ProcessingTimeSpec(Wire):
    """Thời hạn giải quyết: working days or working hours (0: within the working day)."""

    value: float = 0
    unit: Literal["days", "hours"] = "days"
    note: str = ""


class DocumentSpec(Wire):
    """Thành phần hồ sơ: a required document, how many originals (bản chính) and copies (bản sao)."""

    name: str
    originals: int = 1
    copies: int = 0
    note: str = ""


class Procedure(Wire):
    """Thủ tục hành chính: one procedure of the central server's catalog (or the shipped one)."""

    code: str
    service: str = ""
    name: str
    field: str = ""
    processing_time: ProcessingTimeSpec = Field(default_factory=ProcessingTimeSpec)
    cutoff: str | None = None
    fee: int = 0
    """Phí, lệ phí in đồng (0: free)."""
    fee_note: str = ""
    documents: list[DocumentSpec] = Field(default_factory=list)
    delivery: list[str] = Field(default_factory=lambda: ["center"])
    level: str = ""
    legal_basis: str = ""
    """Căn cứ pháp lý: the laws and decrees the procedure rests on, as its guidance sheet prints them."""
    form: dict[str, Any] | None = None
    """The declaration form (tờ khai điện tử) in the JSON form motcua.forms reads (`form_from_dict`), when the
    procedure has one; devices read it with motcua.forms.form_of."""


class Catalog(Wire):
    """GET /catalog: the procedures this site handles."""

    epoch: int | None = None
    cursor: int = 0
    source: str = "central"
    procedures: list[Procedure] = Field(default_factory=list)

    def procedure(self, code: str) -> Procedure | None:
        """One procedure by its code."""
        return next((p for p in self.procedures if p.code == code), None)


class Account(Wire):
    """Tài khoản thu: where a fee's transfer goes, as screens and receipts show it."""

    bank_bin: str
    account: str
    name: str = ""
    bank_name: str = ""
    agency: str = ""
    tax_code: str = ""
    receipt_form: str = ""
    receipt_series: str = ""


class Receipt(Wire):
    """Biên lai: a receipt's series, year and number."""

    series: str = ""
    year: int
    number: int


class Payment(Wire):
    """A recorded payment as events and dossier views carry it: no payer, no collector."""

    id: str
    dossier_id: str
    dossier_code: str | None = None
    day: str
    procedure: str
    amount: int
    method: Literal["cash", "transfer"]
    reference: str = ""
    source: str = ""
    account: str | None = None
    receipt: Receipt
    counter: int | None = None
    paid_at: str | None = None


class PaymentReceipt(Payment):
    """GET /payments/{id} and POST /dossiers/{key}/payments (staff): what the receipt prints."""

    amount_text: str = ""
    words: str = ""
    procedure_name: str = ""
    account_info: Account | None = None
    agency: str = ""
    tax_code: str = ""
    receipt_form: str = ""
    collector: str = ""
    payer: str = ""


class Fee(Wire):
    """Phí, lệ phí of a dossier: the amount, in figures and words, the VietQR to pay it and whether it is paid."""

    amount: int
    amount_text: str
    words: str
    note: str = ""
    qr: str | None = None
    account: Account | None = None
    paid: bool = False
    payment: Payment | None = None


class TimelineStep(Wire):
    """One step of a dossier's history."""

    status: str
    at: str | None = None


class FileInfo(Wire):
    """A stored file of a dossier."""

    sha256: str
    name: str
    mime: str = "application/octet-stream"
    size: int = 0


class DossierStatusView(Wire):
    """What kiosks, boards and the public see of a dossier: codes, procedure, dates, status, a masked name."""

    id: str
    provisional_code: str
    code: str
    official_code: str | None = None
    provisional: bool = True
    day: str = ""
    procedure: str
    status: str
    submitted_at: str | None = None
    status_at: str | None = None
    linked_at: str | None = None
    due_at: str | None = None
    qr: str = ""
    lookup_url: str = ""
    applicant_masked: str = ""
    timeline: list[TimelineStep] = Field(default_factory=list)
    status_as_of: str | None = None
    procedure_name: str | None = None
    fee: Fee | None = None


class ApplicantView(Wire):
    """Người nộp hồ sơ as the staff view shows it (personal data: staff only)."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


class DossierStaffView(DossierStatusView):
    """The staff (counter, admin) view of a dossier, and a submission's answer: everything, with its look-up code."""

    applicant: ApplicantView = Field(default_factory=ApplicantView)
    files: list[FileInfo] = Field(default_factory=list)
    delivery: str = "center"
    delivery_address: str = ""
    lookup_code: str = ""
    erased_at: str | None = None
    declaration: dict[str, Any] | None = None
    """The filled declaration form ({"form", "version", "values"}), when the procedure has one; personal data."""


class Guides(Wire):
    """GET /guides: guides and notices from the central server."""

    epoch: int | None = None
    cursor: int = 0
    guides: list[dict[str, Any]] = Field(default_factory=list)
    """Each guide as the central server wrote it (its content is the province's, shown as it comes)."""


class UploadedFile(Wire):
    """PUT /files/{sha256}: the file is stored."""

    sha256: str
    size: int


class EventEnvelope(Wire):
    """One event of the log and of the live stream: its sequence, id, type and time, then its data's keys
    (ticket, counter, device, dossier, payment, site, sync, ...) at the top level, as the log stores it."""

    seq: int
    id: str
    type: EventType | str = Field(union_mode="left_to_right")
    """An EventType; a string when a newer hub sends a type this device does not know."""
    at: float

    @property
    def data(self) -> dict[str, Any]:
        """The event's own keys (without seq, id, type, at)."""
        return dict(self.model_extra or {})
