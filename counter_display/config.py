"""Device configuration of the board and the counter (TOML validated with pydantic).

A bad file stops the program at start with `motcua.config.ConfigError`, naming the file and the key.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from motcua.config import ConfigError, load_toml_section
from motcua.speech import CALL_TEMPLATE, CALL_TEMPLATE_EN
from scanners.config import SerialScannerConfig

if TYPE_CHECKING:
    from sync.client import HubClient

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
DEFAULT_CHIME = ASSETS / "sounds" / "chime.wav"


def default_cache_dir(role: str) -> Path:
    """Where a device keeps its caches (XDG_CACHE_HOME/motcua/ROLE)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "motcua" / role


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HubSettings(_Model):
    """How the device reaches the site hub."""

    url: str = "http://127.0.0.1:8470"
    """The hub's address (http://HOST:8470)."""
    token: str = Field(min_length=1)
    """The device token (motcua token create --role board|counter)."""
    timeout_s: float = Field(5.0, gt=0, le=60)
    """Timeout of one request."""
    ca_file: str | None = None
    """The site CA (ca.crt from `motcua tls init`) that the hub's HTTPS certificate must be signed by;
    relative to this file's folder. Without it only the system's trusted CAs are accepted."""

    def client(self) -> HubClient:
        """A hub client with this device's address, token, timeout and site CA."""
        from sync.client import HubClient

        return HubClient(self.url, self.token, timeout=self.timeout_s, ca_file=self.ca_file)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError(f"expected an address starting with http:// or https://, got {v!r}")
        return v.rstrip("/")


class AnnouncerSettings(_Model):
    """Voice announcements (đọc số)."""

    enabled: bool = True
    """Speak the calls."""
    voice: str = "vi"
    """espeak-ng voice: vi (Northern), vi-vn-x-central, vi-vn-x-south."""
    dialect: Literal["north", "south"] = "north"
    """Number reading: north ("linh", "nghìn") or south ("lẻ", "ngàn")."""
    four_as_tu: bool = False
    """Read 4 after "mươi" as "tư" (24 "hai mươi tư")."""
    template: str = CALL_TEMPLATE
    """The call sentence; {number} and {counter} are spoken, {display} and {counter_label} as printed."""
    english: bool = False
    """Also announce in English after the Vietnamese."""
    template_en: str = CALL_TEMPLATE_EN
    """The English call sentence."""
    chime: Path | None = DEFAULT_CHIME
    """A WAV played before each call (empty: none)."""
    speed_wpm: int = Field(150, ge=80, le=400)
    """espeak-ng speaking rate, words per minute."""
    repeat: int = Field(1, ge=1, le=3)
    """How many times each call is spoken."""
    gap_ms: int = Field(400, ge=0, le=5000)
    """Silence between two announcements."""
    volume: float = Field(1.0, ge=0, le=1)
    """Announcement volume (0..1)."""
    cache_dir: Path | None = None
    """Where synthesised phrases are kept (default: ~/.cache/motcua/announcer)."""
    max_waiting: int = Field(6, ge=1, le=1000)
    """Calls waiting to be spoken at most; when more come at once, the oldest waiting ones are skipped
    (they stay on the screen): a lobby needs the latest calls heard now, not a backlog read for minutes."""
    cache_max_files: int = Field(3000, ge=50, le=1_000_000)
    """Sentences kept in the cache; the least recently used go first (every ticket number makes one)."""

    @field_validator("chime", mode="before")
    @classmethod
    def _chime(cls, v: Any) -> Any:
        if v == "":
            return None
        return v

    @field_validator("template", "template_en")
    @classmethod
    def _template(cls, v: str) -> str:
        from motcua.speech import call_text

        try:
            call_text("1023", 5, template=v) if "{" in v else None
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        return v


class GuideSettings(_Model):
    """The guides area: a playlist of images and videos."""

    folder: Path | None = None
    """A folder of images (.png/.jpg) and videos (.mp4/.webm), played in name order."""
    items: list[str] = Field(default_factory=list)
    """Explicit playlist (paths or http URLs); used instead of the folder when given."""
    image_s: float = Field(10.0, ge=1, le=600)
    """How long each image stays."""
    duck_volume: float = Field(0.15, ge=0, le=1)
    """Video volume while an announcement plays."""
    volume: float = Field(0.6, ge=0, le=1)
    """Video volume otherwise."""


class BoardSettings(_Model):
    """What the lobby board shows."""

    services: list[str] = Field(default_factory=list)
    """Show only these services (codes); empty: all. One floor's board lists its floor's services."""
    counters: list[int] = Field(default_factory=list)
    """Show only these counters; empty: all (or those serving `services`)."""
    recent: int = Field(8, ge=1, le=30)
    """How many recent calls are listed."""
    highlight_s: float = Field(8.0, ge=0, le=120)
    """How long the latest call stays highlighted."""
    fullscreen: bool = True
    """Open full screen (a TV); false for a window."""
    screen: int = Field(0, ge=0, le=16)
    """Which screen to use when several are attached."""
    title: str = ""
    """A title instead of the site name (e.g. "Tầng 2")."""
    announce_max_age_s: float = Field(120.0, ge=0, le=3600)
    """Calls older than this when they reach the board (after an outage) are shown but not spoken."""
    cache_dir: Path | None = None
    """Where the last board state is kept for an offline start (default: ~/.cache/motcua/board)."""


class BoardConfig(_Model):
    """motcua board --config BOARD.toml."""

    hub: HubSettings
    board: BoardSettings = Field(default_factory=BoardSettings)
    announcer: AnnouncerSettings = Field(default_factory=AnnouncerSettings)
    guides: GuideSettings = Field(default_factory=GuideSettings)


class Clerk(_Model):
    """A clerk who may sign in at the counter."""

    name: str = Field(min_length=1)
    pin: str = Field(pattern=r"^\d{4,8}$")
    """4 to 8 digits."""


class PanelSettings(_Model):
    """The clerk's counter panel."""

    number: int = Field(ge=1, le=999)
    """This counter's number (the sign over the desk)."""
    always_on_top: bool = True
    """Keep the small window above the clerk's other programs."""
    announce: bool = False
    """Also speak calls on this PC (when there is no lobby board with speakers)."""
    poll_s: float = Field(20.0, ge=1, le=600)
    """Refresh the waiting count at least this often (events refresh it too)."""
    citizen_screen: int | None = Field(None, ge=0, le=16)
    """The screen facing the citizen (0 = the first), where the fee's QR opens full screen; none (no second
    screen yet): a large window beside the panel that the clerk turns to the citizen or drags to a screen."""
    staff_sign_in: bool = False
    """Clerks sign in at the hub with their staff code and PIN, or staff card (`motcua staff add`): every call,
    completion and rating of this counter names the clerk. Replaces [[clerks]] (a local PIN list)."""


class KeypadSettings(_Model):
    """A call keypad on a serial port (line protocol: NEXT 5 / OK 1023)."""

    port: str = Field(min_length=1)
    """Serial device: /dev/ttyUSB0, COM3, or a pty path in tests."""
    baud: int = 9600
    """Baud rate (8N1)."""
    counters: list[int] = Field(default_factory=list)
    """Counters this keypad may act for; empty: the panel's counter only."""


class RatingKeypadSettings(_Model):
    """A citizen's rating box on a serial port (issue 13; line protocol: ASK 1023 / RATE 3 / OK THANKS)."""

    port: str = Field(min_length=1)
    """Serial device: /dev/ttyUSB0, COM3, or a pty path in tests."""
    baud: int = 9600
    """Baud rate (8N1)."""
    ask_s: float = Field(60.0, ge=5, le=600)
    """How long the buttons stay lit for a rating after "Hoàn thành"."""
    cache: Path | None = None
    """The box's ratings kept until the hub has them (default: ~/.cache/motcua/rating/keypad-N.db)."""


class LedSettings(_Model):
    """An LED number display over a counter."""

    counter: int | None = Field(None, ge=1, le=999)
    """Which counter's number it shows (default: the panel's counter)."""
    port: str = Field(min_length=1)
    """Serial device (RS-485 adapter for Modbus displays)."""
    mode: Literal["modbus", "ascii"] = "modbus"
    """modbus: Modbus RTU, function 06 to `register`; ascii: the number as text and CR LF."""
    baud: int = 9600
    """Baud rate (8N1)."""
    address: int = Field(1, ge=1, le=247)
    """Modbus slave address."""
    register_address: int = Field(0, ge=0, le=0xFFFF)
    """Modbus holding register that takes the number."""
    digits: int = Field(4, ge=1, le=8)
    """ASCII mode: width, right-aligned."""
    blank_when_free: bool = True
    """Show nothing (Modbus: 0) when the counter has no current ticket."""


class SlipPrinterSettings(_Model):
    """The counter's printer for appointment slips (giấy tiếp nhận hồ sơ và hẹn trả kết quả)."""

    address: str = Field(min_length=1)
    """usb://VID:PID, serial:///dev/ttyUSB0?baud=19200, tcp://HOST:9100, file:///path/out.bin, cups://QUEUE, dummy:"""
    paper_mm: Literal[58, 80] = 80
    """Roll width."""
    profile: str | None = None
    """A python-escpos profile name (e.g. TM-T20II); default: a generic printer for the paper width."""
    copies: list[Literal["archive", "customer"]] = Field(default_factory=lambda: ["archive", "customer"],
                                                         min_length=1, max_length=4)
    """Which copies to print, in order: "archive" (Liên: Lưu) and "customer" (Liên: Giao khách hàng)."""

    @field_validator("address")
    @classmethod
    def _address(cls, v: str) -> str:
        from printer_drivers.connection import PrinterAddress

        try:
            PrinterAddress.parse(v)
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        return v


class CounterConfig(_Model):
    """motcua counter --config COUNTER.toml (the panel, and with --headless the keypad/LED bridge)."""

    hub: HubSettings
    counter: PanelSettings
    clerks: list[Clerk] = Field(default_factory=list)
    """Clerks who may sign in; empty: no PIN asked."""
    announcer: AnnouncerSettings = Field(default_factory=lambda: AnnouncerSettings(enabled=False))
    keypad: KeypadSettings | None = None
    leds: list[LedSettings] = Field(default_factory=list)
    rating_keypad: RatingKeypadSettings | None = None
    """A citizen's rating box bridged by `motcua counter --headless` (issue 13)."""
    printer: SlipPrinterSettings | None = None
    """The slip printer; without it a received dossier is stored but no slip is printed."""
    scanner: SerialScannerConfig | None = None
    """A handheld QR scanner in USB serial (CDC) mode, for citizen ID cards (CCCD)."""

    @model_validator(mode="after")
    def _check(self) -> CounterConfig:
        ports = [(d.port, d.mode) for d in self.leds]
        for i, (port, mode) in enumerate(ports):
            for other_port, other_mode in ports[:i]:
                if port == other_port and (mode == "ascii" or other_mode == "ascii"):
                    raise ValueError(f"leds[{i}].port: an ASCII display cannot share {port} with another display")
        if self.keypad and any(d.port == self.keypad.port for d in self.leds):
            raise ValueError("keypad.port: the keypad and an LED display cannot share a port")
        if self.scanner and ((self.keypad and self.keypad.port == self.scanner.port)
                             or any(d.port == self.scanner.port for d in self.leds)):
            raise ValueError("scanner.port: the scanner cannot share a port with the keypad or an LED display")
        return self


M = TypeVar("M", bound=BaseModel)


def _key(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def parse_device_config(model: type[M], data: dict[str, Any], *, path: str | Path) -> M:  # raw TOML
    """Validate a parsed TOML mapping; ConfigError names the file and the first bad key."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = _key(tuple(err.get("loc", ())))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if ": " in msg and msg.split(": ", 1)[0].replace(".", "").replace("[", "").replace("]", "").isalnum():
            sub, msg = msg.split(": ", 1)
            key = f"{key}.{sub}" if key else sub
        if err.get("type") == "missing":
            msg = "required key is missing"
        elif err.get("type") == "extra_forbidden":
            msg = "unknown key (check the spelling)"
        elif "input" in err and err.get("type") != "value_error":
            msg = f"{msg}; got {err['input']!r}"
        raise ConfigError(path, key, msg) from None


def _resolve(base: Path, p: Path | None) -> Path | None:
    if p is None:
        return None
    p = p.expanduser()
    return p if p.is_absolute() else (base / p)


def load_board_config(path: str | Path) -> BoardConfig:
    """Read BOARD.toml (relative paths are taken from the file's folder)."""
    p = Path(path)
    cfg = parse_device_config(BoardConfig, load_toml_section(p), path=p)
    base = p.resolve().parent
    ann = cfg.announcer.model_copy(update={"chime": _resolve(base, cfg.announcer.chime),
                                           "cache_dir": _resolve(base, cfg.announcer.cache_dir)})
    guides = cfg.guides.model_copy(update={"folder": _resolve(base, cfg.guides.folder)})
    board = cfg.board.model_copy(update={"cache_dir": _resolve(base, cfg.board.cache_dir)})
    return cfg.model_copy(update={"announcer": ann, "guides": guides, "board": board, "hub": _hub(cfg.hub, base, p)})


def load_counter_config(path: str | Path) -> CounterConfig:
    """Read COUNTER.toml."""
    p = Path(path)
    cfg = parse_device_config(CounterConfig, load_toml_section(p), path=p)
    base = p.resolve().parent
    ann = cfg.announcer.model_copy(update={"chime": _resolve(base, cfg.announcer.chime),
                                           "cache_dir": _resolve(base, cfg.announcer.cache_dir)})
    return cfg.model_copy(update={"announcer": ann, "hub": _hub(cfg.hub, base, p)})


def _hub(hub: HubSettings, base: Path, path: Path) -> HubSettings:
    """[hub] with its ca_file taken from the device file's folder (ConfigError if it is not there)."""
    from sync.tls import resolve_ca_file

    return hub.model_copy(update={"ca_file": resolve_ca_file(hub.ca_file, base=base, path=path, key="hub.ca_file")})
