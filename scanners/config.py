"""Device settings for cameras and serial QR scanners (a `[camera]` / `[scanner]` table in a device file).

The device apps embed these models in their own configuration; `open_camera` and `open_serial_scanner`
turn them into drivers (closed: the caller opens them and owns their lifecycle).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scanners import texts
from scanners.errors import ScannerConfigError

_INDEX = re.compile(r"^(?:video:)?(\d{1,3})$")


class CameraConfig(BaseModel):
    """The kiosk or counter camera."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = "0"
    """A camera index ("0"), a device path ("/dev/video0") or "folder:PATH" (images, for the demo and tests)."""
    width: int = Field(1280, ge=160, le=4096)
    """Requested frame width in pixels (the camera may pick the nearest it supports)."""
    height: int = Field(720, ge=120, le=4096)
    """Requested frame height in pixels."""
    fps: int | None = Field(None, ge=1, le=120)
    """Requested frame rate; None keeps the camera's default."""
    loop: bool = False
    """Folder camera only: start again at the first image after the last one."""


class SerialScannerConfig(BaseModel):
    """A handheld QR scanner in USB serial (CDC) mode."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    port: str
    """The serial device: /dev/ttyACM0, better a stable /dev/serial/by-id/... link, or COM3 on Windows."""
    baudrate: int = Field(9600, ge=1200, le=921600)
    """Ignored by true USB CDC devices, needed by USB-serial bridges."""
    reconnect_interval_s: float = Field(2.0, gt=0, le=60)
    """How often to try to reopen the port after the scanner was unplugged."""


@dataclass(frozen=True)
class CameraSource:
    """A parsed camera source."""

    kind: Literal["index", "device", "folder"]
    index: int = 0
    path: Path | None = None

    def __str__(self) -> str:
        if self.kind == "index":
            return f"#{self.index}"
        return f"folder:{self.path}" if self.kind == "folder" else str(self.path)


def parse_camera_source(source: str | int) -> CameraSource:
    """Parse "0", "video:0", "/dev/video0", a video file path, or "folder:PATH"; raises ScannerConfigError."""
    if isinstance(source, int) and not isinstance(source, bool):
        if 0 <= source <= 999:
            return CameraSource("index", index=source)
        raise ScannerConfigError(texts.ERR_CAMERA_SOURCE.format(source=source))
    text = str(source).strip()
    m = _INDEX.match(text)
    if m:
        return CameraSource("index", index=int(m.group(1)))
    if text.startswith("folder:"):
        rest = text[len("folder:"):]
        if rest.startswith("//"):
            rest = rest[2:]
        if not rest:
            raise ScannerConfigError(texts.ERR_CAMERA_SOURCE.format(source=text))
        return CameraSource("folder", path=Path(rest).expanduser())
    if text and ("/" in text or "\\" in text):
        return CameraSource("device", path=Path(text).expanduser())
    raise ScannerConfigError(texts.ERR_CAMERA_SOURCE.format(source=text))
