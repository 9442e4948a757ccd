"""Site configuration (cấu hình trung tâm): a TOML file validated with pydantic.

A bad file stops the program at start with a `ConfigError` naming the file, the key and what was
expected — a technician must be able to fix it without reading Python.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""

    def __init__(self, path: str | Path, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: {key}: {problem}" if key else f"{path}: {problem}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(_Model):
    """One working session of a day, minutes since local midnight, end exclusive."""

    start_min: int
    end_min: int

    @classmethod
    def parse(cls, text: str) -> Span:
        """Parse "07:30-11:30"."""
        m = _SPAN.match(text.strip())
        if not m:
            raise ValueError(f"expected a span like \"07:30-11:30\", got {text!r}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or (h1 == 24 and m1) or (h2 == 24 and m2):
            raise ValueError(f"not a time of day in {text!r}")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise ValueError(f"the end must be after the start in {text!r}")
        return cls(start_min=start, end_min=end)

    def __str__(self) -> str:
        return f"{self.start_min // 60:02d}:{self.start_min % 60:02d}-{self.end_min // 60:02d}:{self.end_min % 60:02d}"


_DEFAULT_DAY = ["07:30-11:30", "13:00-17:00"]


class Hours(_Model):
    """Giờ làm việc: sessions per weekday, and when the kiosks may issue numbers."""

    mon: list[Span] = Field(default_factory=lambda: [Span.parse(s) for s in _DEFAULT_DAY])
    tue: list[Span] = Field(default_factory=lambda: [Span.parse(s) for s in _DEFAULT_DAY])
    wed: list[Span] = Field(default_factory=lambda: [Span.parse(s) for s in _DEFAULT_DAY])
    thu: list[Span] = Field(default_factory=lambda: [Span.parse(s) for s in _DEFAULT_DAY])
    fri: list[Span] = Field(default_factory=lambda: [Span.parse(s) for s in _DEFAULT_DAY])
    sat: list[Span] = Field(default_factory=list)
    sun: list[Span] = Field(default_factory=list)
    issue_early_min: int = Field(15, ge=0, le=240)
    """Kiosks start issuing this many minutes before the first session opens."""
    stop_issuing_before_close_min: int = Field(15, ge=0, le=240)
    """Kiosks stop issuing this many minutes before the last session closes."""
    issue_during_breaks: bool = True
    """Whether numbers are issued during the lunch break (for the afternoon session)."""

    @field_validator("mon", "tue", "wed", "thu", "fri", "sat", "sun", mode="before")
    @classmethod
    def _spans(cls, value: Any) -> Any:
        if isinstance(value, list):
            spans = [Span.parse(v) if isinstance(v, str) else v for v in value]
            for a, b in zip(spans, spans[1:]):
                if isinstance(a, Span) and isinstance(b, Span) and b.start_min < a.end_min:
                    raise ValueError("sessions must be in order and must not overlap")
            return spans
        return value

    def sessions(self, weekday: int) -> list[Span]:
        """Sessions of an ISO weekday (Monday = 1)."""
        return list(getattr(self, WEEKDAYS[weekday - 1]))

    def issuing_at(self, weekday: int, minute_of_day: int) -> bool:
        """Whether a kiosk may issue a number at this local weekday and minute."""
        spans = self.sessions(weekday)
        if not spans:
            return False
        first = spans[0].start_min - self.issue_early_min
        last = spans[-1].end_min - self.stop_issuing_before_close_min
        if not first <= minute_of_day < last:
            return False
        if self.issue_during_breaks:
            return True
        return any(s.start_min - self.issue_early_min <= minute_of_day < s.end_min for s in spans)


class Service(_Model):
    """Một lĩnh vực / quầy dịch vụ: a queue with its own daily numbering."""

    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    """Short code used in the API and the database (letters, digits, - and _)."""
    name: str = Field(min_length=1)
    """Vietnamese name shown on the kiosk and the board."""
    name_en: str = ""
    """English name (the kiosk's language toggle)."""
    first_number: int = Field(1, ge=0)
    """First number of each day."""
    prefix: str = Field("", pattern=r"^[A-Z]?$")
    """Optional letter before the number ("A015")."""
    digits: int = Field(4, ge=1, le=6)
    """Zero-padded width of the number."""
    daily_quota: int | None = Field(None, ge=1)
    """At most this many kiosk numbers a day (None: no limit)."""
    weight: float = Field(1.0, gt=0, le=100)
    """Fairness weight: a ticket of a weight-2 service counts as having waited twice as long."""
    average_service_s: float = Field(300.0, gt=0, le=14400)
    """Expected minutes at the counter, in seconds, until observed times replace it."""

    @model_validator(mode="after")
    def _fits(self) -> Service:
        if self.first_number > 10**self.digits - 1:
            raise ValueError(f"first_number {self.first_number} does not fit in {self.digits} digits")
        return self

    @property
    def last_number(self) -> int:
        """The largest number that fits the display width."""
        return 10**self.digits - 1

    def display(self, number: int) -> str:
        """What is printed and announced for a number ("1023", "A015")."""
        return f"{self.prefix}{number:0{self.digits}d}"


class Counter(_Model):
    """Quầy: a desk with a clerk, serving some services."""

    number: int = Field(ge=1, le=999)
    """The number on the sign over the counter."""
    name: str = ""
    """Shown on screens; defaults to "Quầy N"."""
    services: list[str] = Field(min_length=1)
    """Service codes this counter serves, most important first."""
    policy: Literal["weighted", "ordered"] = "weighted"
    """weighted: the longest (weighted) wait across its services; ordered: its services in order."""

    @property
    def label(self) -> str:
        """The counter's name for people."""
        return self.name or f"Quầy {self.number}"


class PriorityCategory(_Model):
    """Đối tượng ưu tiên."""

    code: str = Field(pattern=r"^[a-z0-9_-]{1,32}$")
    name: str = Field(min_length=1)
    name_en: str = ""


DEFAULT_PRIORITY_CATEGORIES = [
    PriorityCategory(code="elderly", name="Người cao tuổi (từ 60 tuổi)", name_en="Elderly (60+)"),
    PriorityCategory(code="disability", name="Người khuyết tật", name_en="People with disabilities"),
    PriorityCategory(code="pregnant", name="Phụ nữ mang thai", name_en="Pregnant women"),
    PriorityCategory(code="small_child", name="Người đưa con nhỏ dưới 36 tháng tuổi",
                     name_en="People with a child under 36 months"),
    PriorityCategory(code="merit", name="Người có công với cách mạng",
                     name_en="People with meritorious services to the revolution"),
    PriorityCategory(code="appointment", name="Đã đặt lịch hẹn", name_en="Booked appointment"),
]


class QueueSettings(_Model):
    """Queue policy knobs."""

    max_priority_streak: int = Field(3, ge=1, le=100)
    """At most this many priority tickets in a row at one counter while walk-ins wait."""
    service_time_smoothing: float = Field(0.2, gt=0, le=1)
    """Weight of the newest observed service time in the running average."""


class Display(_Model):
    """Texts shown on screens and tickets (Vietnamese first)."""

    welcome: str = "Xin kính chào quý khách"
    welcome_en: str = "Welcome"
    ticket_footer: str = "Vui lòng chờ đến lượt. Xin cảm ơn!"
    ticker: str = ""


class Central(_Model):
    """The province's central case server."""

    url: str = ""
    token: str = ""
    file_retention_days: float = Field(7.0, ge=0, le=3650)
    """Dossier files stay on the hub this long after the central server confirmed the dossier, then go."""
    ca_file: str = ""
    """A CA file (PEM) the central server's HTTPS certificate must chain to, when it is not publicly
    trusted (a province's own CA); relative to the site file's folder. Empty: the system's CAs."""
    allow_insecure: bool = False
    """Allow an http:// url to a central server that is not on this machine (dossiers would cross the
    network in clear). Off: the hub refuses to start with such a url."""


class Tls(_Model):
    """HTTPS for the hub's main listener: files made by `motcua tls init` (relative to the site file)."""

    cert: str = Field(min_length=1)
    """The hub's certificate (hub.crt)."""
    key: str = Field(min_length=1)
    """Its private key (hub.key, readable by the hub's user only)."""


class PublicListener(_Model):
    """The public pages (/t/…, /d/…) on a listener of their own, apart from the device API."""

    port: int | None = Field(None, ge=1, le=65535)
    """Serve the public pages on this port too (none: no separate listener)."""
    host: str = "0.0.0.0"
    """The address that listener binds (e.g. the interface facing the guest Wi-Fi)."""
    on_main: bool = True
    """Keep serving the public pages on the main listener as well."""
    tls_cert: str = ""
    """A certificate for the public listener that citizens' phones trust (a public CA's, not the site
    CA's); empty: plain HTTP there. Relative to the site file's folder."""
    tls_key: str = ""
    """Its private key."""

    @model_validator(mode="after")
    def _pair(self) -> PublicListener:
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("give both tls_cert and tls_key, or neither")
        return self


class Limits(_Model):
    """What one device or address may take of the hub, so that nothing on the LAN can wear it down."""

    streams_per_token: int = Field(4, ge=1, le=1000)
    """At most this many live event streams (GET /events) open at once per device token; more get 429."""
    auth_failures_burst: int = Field(20, ge=1, le=100000)
    """Failed authentications an address may make in a row before the hub refuses it (429)."""
    auth_failures_per_minute: float = Field(12.0, gt=0, le=100000)
    """After the burst, an address may fail this many times a minute."""


class PaymentAccount(_Model):
    """Tài khoản thu phí, lệ phí: the bank account citizens' transfers go to (VietQR) and the receipts' agency."""

    bank_bin: str = Field(pattern=r"^\d{6}$")
    """The bank's 6-digit NAPAS BIN (970415 VietinBank, 970418 BIDV, 970436 Vietcombank, ...)."""
    account: str = Field(pattern=r"^[0-9A-Za-z]{1,19}$")
    """The account number (letters and digits, at most 19)."""
    name: str = Field("", max_length=100)
    """The account holder as the bank shows it, printed beside the QR so the payer can check it."""
    bank_name: str = Field("", max_length=100)
    """The bank's name for people ("VietinBank - CN Bắc Ninh")."""
    agency: str = Field("", max_length=200)
    """Đơn vị thu: the collecting agency printed on receipts (default: [site].agency)."""
    tax_code: str = Field("", pattern=r"^[0-9-]{0,14}$")
    """The collecting agency's tax code (mã số thuế), printed on receipts."""
    services: list[str] = Field(default_factory=list)
    """Site services whose fees go to this account; empty: every service no other account names."""
    receipt_form: str = Field("", max_length=20)
    """Mẫu số of the receipt form (empty: a blank for the clerk)."""
    receipt_series: str = Field("", max_length=20)
    """Ký hiệu of the receipts (empty: a blank); the hub numbers receipts per series and year."""


class Privacy(_Model):
    """Personal data on the hub (Decree 13/2023/NĐ-CP on personal data protection)."""

    retention_days: float = Field(30.0, ge=0, le=3650)
    """A dossier's personal fields and files are erased this many days after the central server confirmed it
    (its codes, procedure, dates and status stay, so look-ups keep working)."""
    lookup_burst: int = Field(10, ge=1, le=100000)
    """Public dossier look-ups by code, or that find nothing (/d/…, kiosks, boards), one address may make at
    once..."""
    lookup_per_minute: float = Field(10.0, gt=0, le=100000)
    """...and then per minute (429 beyond: guessing a look-up code stays slow and visible)."""


class RatingSettings(_Model):
    """Đánh giá mức độ hài lòng (issue 13): how long after the service a rating is taken."""

    window_s: float = Field(180.0, ge=10, le=3600)
    """At the counter (rating screen, rating keypad): seconds after "Hoàn thành" a touch still counts."""
    phone_window_s: float = Field(86400.0, ge=60, le=7 * 86400)
    """On the ticket's tracking page (the citizen's phone): seconds after the service."""
class Bookings(_Model):
    """Đặt lịch hẹn: the slots this site offers for booking ahead through the central server (motcua.booking)."""

    enabled: bool = True
    """Publish capacity to the central server, and check in the bookings that come back."""
    slot_minutes: int = Field(30, ge=5, le=240)
    """Length of one slot (provincial portals use 15 to 30 minutes)."""
    share: float = Field(0.5, ge=0, le=1)
    """The part of the counters' capacity offered for booking (the rest stays for walk-ins)."""
    early_min: int = Field(15, ge=0, le=240)
    """A booking is honoured from this many minutes before its slot starts..."""
    late_min: int = Field(15, ge=0, le=240)
    """...to this many minutes after; outside that window the citizen gets a normal number."""
    days_ahead: int = Field(14, ge=1, le=90)
    """How far ahead citizens may book."""
    services: list[str] = Field(default_factory=list)
    """Services that take bookings (empty: every service)."""


class SiteInfo(_Model):
    """The center itself."""

    code: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$")
    name: str = Field(min_length=1)
    name_en: str = ""
    agency: str = ""
    """The agency line on slips (cơ quan chủ quản)."""
    agency_code: str = ""
    """Electronic code of the receiving agency, used in dossier codes."""
    address: str = ""
    place: str = ""
    """Địa danh: the place in the date line of reports ("Bắc Ninh, ngày 30 tháng 11 năm 2026")."""
    timezone: str = "Asia/Ho_Chi_Minh"
    public_url: str = "http://127.0.0.1:8470"
    """Base address citizens' phones reach; tracking QR codes point under it."""

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (for example \"Asia/Ho_Chi_Minh\")") from None
        return value


class SiteConfig(_Model):
    """Everything the hub knows about its center."""

    site: SiteInfo
    hours: Hours = Field(default_factory=Hours)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    services: list[Service] = Field(min_length=1)
    counters: list[Counter] = Field(min_length=1)
    priority_categories: list[PriorityCategory] = Field(
        default_factory=lambda: list(DEFAULT_PRIORITY_CATEGORIES))
    display: Display = Field(default_factory=Display)
    central: Central = Field(default_factory=Central)
    tls: Tls | None = None
    """HTTPS for the hub (none: plain HTTP, fine on loopback and for the demo)."""
    public: PublicListener = Field(default_factory=PublicListener)
    limits: Limits = Field(default_factory=Limits)
    payment_accounts: list[PaymentAccount] = Field(default_factory=list)
    """Receiving accounts for fees by transfer (VietQR); none: fees are taken in cash only."""
    privacy: Privacy = Field(default_factory=Privacy)
    ratings: RatingSettings = Field(default_factory=RatingSettings)
    bookings: Bookings = Field(default_factory=Bookings)
    _services_by_code: dict[str, Service] = PrivateAttr(default_factory=dict)
    _counters_by_number: dict[int, Counter] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> SiteConfig:
        codes = [s.code for s in self.services]
        for i, code in enumerate(codes):
            if code in codes[:i]:
                raise ValueError(f"services[{i}].code: duplicate service code {code!r}")
        numbers = [c.number for c in self.counters]
        for i, n in enumerate(numbers):
            if n in numbers[:i]:
                raise ValueError(f"counters[{i}].number: duplicate counter number {n}")
        known = set(codes)
        for i, c in enumerate(self.counters):
            for j, s in enumerate(c.services):
                if s not in known:
                    raise ValueError(f"counters[{i}].services[{j}]: unknown service {s!r}; "
                                     f"expected one of {', '.join(codes)}")
        named: dict[str, int] = {}
        for i, account in enumerate(self.payment_accounts):
            for j, s in enumerate(account.services):
                if s not in known:
                    raise ValueError(f"payment_accounts[{i}].services[{j}]: unknown service {s!r}; "
                                     f"expected one of {', '.join(codes)}")
                if s in named:
                    raise ValueError(f"payment_accounts[{i}].services[{j}]: service {s!r} already has "
                                     f"payment_accounts[{named[s]}]")
                named[s] = i
        defaults = [i for i, a in enumerate(self.payment_accounts) if not a.services]
        if len(defaults) > 1:
            raise ValueError(f"payment_accounts[{defaults[1]}].services: only one account may leave services empty "
                             f"(the default account is payment_accounts[{defaults[0]}])")
        for j, s in enumerate(self.bookings.services):
            if s not in known:
                raise ValueError(f"bookings.services[{j}]: unknown service {s!r}; expected one of {', '.join(codes)}")
        pcodes = [p.code for p in self.priority_categories]
        if len(set(pcodes)) != len(pcodes):
            raise ValueError("priority_categories: duplicate code")
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The hub's local zone (numbering rolls over at its midnight)."""
        return ZoneInfo(self.site.timezone)

    def service(self, code: str) -> Service | None:
        """A service by code."""
        return self._services_by_code.get(code)

    def counter(self, number: int) -> Counter | None:
        """A counter by number."""
        return self._counters_by_number.get(number)

    def payment_account(self, service: str) -> PaymentAccount | None:
        """The account a service's fees go to: the one naming the service, else the default one, else None."""
        for account in self.payment_accounts:
            if service in account.services:
                return account
        return next((a for a in self.payment_accounts if not a.services), None)

    def model_post_init(self, __context: Any) -> None:
        self._services_by_code = {s.code: s for s in self.services}
        self._counters_by_number = {c.number: c for c in self.counters}


def _key(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _explain(err: Any) -> tuple[str, str]:
    loc = tuple(p for p in err.get("loc", ()) if p not in ("function-after[_fits()]",))
    msg = str(err.get("msg", "invalid"))
    msg = msg.removeprefix("Value error, ")
    # A model-level check reports "key: problem" in its message: lift the key out.
    m = re.match(r"^([A-Za-z_][\w.\[\]]*): (.*)$", msg, re.DOTALL)
    key = _key(loc)
    if m and ("[" in m.group(1) or "." in m.group(1) or m.group(1) == "priority_categories"):
        key = (key + "." if key else "") + m.group(1)
        msg = m.group(2)
    if err.get("type") == "missing":
        msg = "required key is missing"
    elif err.get("type") == "extra_forbidden":
        msg = "unknown key (check the spelling)"
    elif "input" in err and err.get("type") not in ("value_error",):
        msg = f"{msg}; got {err['input']!r}"
    return key, msg


def parse_site_config(data: dict[str, Any], *, path: str | Path = "<site config>") -> SiteConfig:
    """Validate an already-parsed mapping; raises ConfigError naming the first bad key."""
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        key, msg = _explain(exc.errors()[0])
        more = len(exc.errors()) - 1
        raise ConfigError(path, key, msg + (f" (and {more} more problem(s))" if more else "")) from None


def load_site_config(path: str | Path) -> SiteConfig:
    """Read and validate a site TOML file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(p, "", f"cannot read the file ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(p, "", "the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(p, "", f"not valid TOML: {exc}") from None
    return parse_site_config(data, path=p)


def load_toml_section(path: str | Path) -> dict[str, Any]:
    """Read any TOML file, raising ConfigError with the file name on failure."""
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(p, "", f"cannot read the file ({exc.strerror})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(p, "", f"not valid TOML: {exc}") from None


def example_site_config_path() -> Path:
    """The shipped example configuration (assets/site.example.toml)."""
    return Path(__file__).resolve().parent.parent / "assets" / "site.example.toml"
