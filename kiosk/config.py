"""The kiosk's device file (TOML): hub, printer, screen and kiosk settings, validated with pydantic."""
from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from motcua.config import ConfigError, _explain, load_toml_section
from printer_drivers.a4_printer import A4PrinterConfig
from scanners.config import CameraConfig

if TYPE_CHECKING:
    from sync.client import HubClient


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HubSection(_M):
    """Where the site hub is."""

    url: str = Field(pattern=r"^https?://")
    """Base URL of the hub, e.g. http://192.168.1.10:8470 (https://… when the hub serves HTTPS)."""
    token: str = Field(min_length=8)
    """A kiosk token from `motcua token create --role kiosk`."""
    timeout_s: float = Field(4.0, gt=0, le=60)
    ca_file: str | None = None
    """The site CA (ca.crt from `motcua tls init`) that the hub's HTTPS certificate must be signed by;
    relative to this file's folder. Without it only the system's trusted CAs are accepted."""

    def client(self) -> HubClient:
        """A hub client with this kiosk's address, token, timeout and site CA."""
        from sync.client import HubClient

        return HubClient(self.url, self.token, timeout=self.timeout_s, ca_file=self.ca_file)


class PrinterSection(_M):
    """The ticket printer."""

    address: str = "dummy:"
    """usb://VID:PID, serial:///dev/ttyUSB0?baud=19200, tcp://HOST:9100, file:///path, dummy:"""
    paper_mm: Literal[58, 80] = 80
    profile: str | None = None
    """A python-escpos profile name (e.g. TM-T20II); default: a generic 80 mm printer."""


class ScreenSection(_M):
    """The touchscreen."""

    orientation: Literal["portrait", "landscape"] = "portrait"
    width_px: int = Field(1080, ge=320, le=7680)
    height_px: int = Field(1920, ge=320, le=7680)
    diagonal_in: float = Field(21.5, ge=7, le=100)
    """Physical diagonal, to size touch targets in millimetres."""
    fullscreen: bool = True
    hide_cursor: bool = True


class KioskSection(_M):
    """Behaviour."""

    name: str = "Ki-ốt"
    language: Literal["vi", "en"] = "vi"
    idle_timeout_s: float = Field(30, ge=5, le=600)
    """Back to the home screen after this long without a touch."""
    ticket_display_s: float = Field(8, ge=3, le=60)
    dossier_idle_timeout_s: float = Field(120, ge=20, le=1200)
    """A dossier in progress is abandoned (and forgotten) after this long without a touch."""
    fault_display_s: float = Field(40, ge=10, le=300)
    hub_retry_s: float = Field(3, ge=0.5, le=60)
    """How often the "system unavailable" screen checks whether the hub is back."""
    site_refresh_s: float = Field(20, ge=1, le=600)
    """How often the home screen refreshes the waiting counts, opening and quotas from the hub."""
    issue_retry_s: float = Field(6, ge=0, le=30)
    """How long a touch keeps retrying a lost answer (with the same request id) before giving up."""
    technician_pin_hash: str = Field(min_length=10)
    """`motcua kiosk --hash-pin PIN` prints this (pbkdf2_sha256$iterations$salt$hash)."""
    cache_db: str = "~/.cache/motcua/kiosk-cache.db"
    """Where the kiosk keeps the last site data it saw, to start while the hub is down."""
    large_text: bool = False
    still_there_s: float = Field(20, ge=5, le=120)
    """How long "Bạn còn ở đó không? / Are you still there?" counts down before a page left alone is reset."""
    voice_prompts: bool = True
    """Short spoken prompts for each step (espeak-ng, kiosk.voice); false: the kiosk stays silent."""
    voice: str = Field("vi", pattern=r"^[a-z]{2,3}(-[a-z0-9]+)*$")
    """The espeak-ng voice of the prompts: vi, vi-vn-x-central or vi-vn-x-south."""
    voice_speed_wpm: int = Field(150, ge=80, le=300)
    """How fast the prompts are spoken (words per minute)."""

    @field_validator("technician_pin_hash")
    @classmethod
    def _pin(cls, value: str) -> str:
        parts = value.split("$")
        if len(parts) != 4 or parts[0] != "pbkdf2_sha256" or not parts[1].isdigit():
            raise ValueError("expected pbkdf2_sha256$ITERATIONS$SALT$HASH (run: motcua kiosk --hash-pin 1234)")
        return value


class KioskConfig(_M):
    """The whole device file."""

    hub: HubSection
    printer: PrinterSection = Field(default_factory=PrinterSection)
    screen: ScreenSection = Field(default_factory=ScreenSection)
    kiosk: KioskSection
    camera: CameraConfig | None = None
    """The camera that reads citizen-ID cards and photographs documents (none: typing only)."""
    a4_printer: A4PrinterConfig | None = None
    """The A4 printer for filled declarations and forms (none: the citizen signs at the counter)."""

    @property
    def cache_path(self) -> Path:
        """The device cache file."""
        return Path(os.path.expanduser(self.kiosk.cache_db))


def hash_pin(pin: str, *, iterations: int = 200_000, salt: str | None = None) -> str:
    """A PIN hash for the device file."""
    salt = salt or os.urandom(8).hex()
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def check_pin(pin: str, stored: str) -> bool:
    """Whether a typed PIN matches the stored hash."""
    _, iterations, salt, digest = stored.split("$")
    got = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(got.encode(), digest.encode())


def parse_kiosk_config(data: dict[str, Any], *, path: str | Path = "<kiosk config>") -> KioskConfig:  # raw TOML
    """Validate a mapping; ConfigError names the key."""
    from pydantic import ValidationError

    try:
        return KioskConfig.model_validate(data)
    except ValidationError as exc:
        key, msg = _explain(exc.errors()[0])
        raise ConfigError(path, key, msg) from None


def load_kiosk_config(path: str | Path) -> KioskConfig:
    """Read and validate a kiosk device file (hub.ca_file is taken from the file's folder and must exist)."""
    from sync.tls import resolve_ca_file

    cfg = parse_kiosk_config(load_toml_section(path), path=path)
    ca = resolve_ca_file(cfg.hub.ca_file, base=Path(path).resolve().parent, path=path, key="hub.ca_file")
    return cfg.model_copy(update={"hub": cfg.hub.model_copy(update={"ca_file": ca})})
