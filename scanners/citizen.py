"""What a scanned code means: a citizen ID card (CCCD) payload, a malformed one, or other text.

Pure (no device libraries): the camera path and the serial path both end here, with the raw bytes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from motcua.cccd import CccdError, CitizenId, parse_cccd_bytes
from scanners.errors import BadCitizenId, ScannerError

#: A CCCD payload starts with an ID number (9–12 digits, allowing for a mistyped one) and a "|", or
#: has at least six "|"; anything else (a dossier slip's QR, a URL, a barcode) is plain text.
_CCCD_START = re.compile(rb"^\s*[0-9]{9,12}\s*\|")


def looks_like_cccd(raw: bytes) -> bool:
    """Whether the bytes are meant to be a CCCD payload (so a parse failure is an error, not text)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return bool(_CCCD_START.match(raw)) or raw.count(b"|") >= 6


@dataclass(frozen=True, slots=True, repr=False)
class Scan:
    """One scanned code: a citizen's card (`citizen`), a bad card payload (`error`) or plain `text`."""

    raw: bytes
    source: str
    """"camera", "image", "serial" (and the decoder or port in `detail`)."""
    format: str = ""
    """Symbology when known (cameras); serial scanners do not say."""
    citizen: CitizenId | None = None
    error: ScannerError | None = None
    detail: str = ""

    @property
    def kind(self) -> str:
        """"cccd", "invalid" or "text"."""
        if self.citizen is not None:
            return "cccd"
        return "invalid" if self.error is not None else "text"

    @property
    def text(self) -> str:
        """The content as text (UTF-8; undecodable bytes shown as U+FFFD)."""
        return self.raw.decode("utf-8", errors="replace")

    def to_json_dict(self) -> dict[str, Any]:
        """As `motcua scan image --json` prints it: personal data only in "cccd"."""
        out: dict[str, Any] = {"kind": self.kind, "format": self.format}
        if self.citizen is not None:
            out["cccd"] = self.citizen.to_json_dict()
        elif self.error is not None:
            out["error"] = {"code": self.error.code, "reason": self.error.detail, "message": str(self.error.text)}
        else:
            out["text"] = self.text
        return out

    def __repr__(self) -> str:
        # Hazard: never log a citizen's data; the kind and the size are enough to debug.
        return f"Scan(kind={self.kind!r}, source={self.source!r}, format={self.format!r}, bytes={len(self.raw)})"


def interpret(raw: bytes, *, source: str, format: str = "", detail: str = "", today: date | None = None) -> Scan:
    """Classify and parse one code's bytes; never raises for bad content (the error is in the Scan)."""
    raw = bytes(raw)
    if looks_like_cccd(raw):
        try:
            citizen = parse_cccd_bytes(raw, today=today)
        except CccdError as exc:
            return Scan(raw=raw, source=source, format=format, detail=detail, error=BadCitizenId(exc))
        return Scan(raw=raw, source=source, format=format, detail=detail, citizen=citizen)
    return Scan(raw=raw, source=source, format=format, detail=detail)
