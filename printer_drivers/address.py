"""Printer addresses: a URL parsed and checked (AddressError with a Vietnamese message), its paper, and
its form for logs.

Addresses (ARCHITECTURE.md, "Public contracts"): `usb://VID:PID`, `serial:///dev/ttyUSB0?baud=19200`, `tcp://HOST:9100`,
`file:///path/out.bin`, `cups://QUEUE`, `win32://NAME`, `dummy:`. Any of them may add
`?profile=TM-T20II&paper=58` (python-escpos profile, paper width in mm).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from printer_drivers import texts
from printer_drivers.document import DEFAULT_PROFILE, Paper
from printer_drivers.errors import AddressError

SCHEMES = ("usb", "serial", "tcp", "file", "cups", "win32", "dummy")


@dataclass(frozen=True)
class PrinterAddress:
    """A parsed printer address."""

    scheme: str
    target: str
    """host:port, device path, file path, VID:PID or queue name."""
    options: dict[str, str] = field(default_factory=dict)
    url: str = ""

    @classmethod
    def parse(cls, url: str) -> PrinterAddress:
        """Parse an address; raises AddressError with a Vietnamese message."""
        url = url.strip()
        if url in ("dummy", "dummy:", "dummy://"):
            return cls("dummy", "", {}, "dummy:")
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise AddressError(texts.ERR_UNSUPPORTED_SCHEME.format(scheme=scheme or url))
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if scheme in ("file", "serial"):
            target = unquote(parts.netloc + parts.path)
        elif scheme == "dummy":
            target = ""
        else:
            target = unquote(parts.netloc or parts.path.lstrip("/"))
        if scheme != "dummy" and not target:
            raise AddressError(texts.ERR_ADDRESS.format(detail=url))
        address = cls(scheme, target, options, url)
        address._check()
        return address

    def _check(self) -> None:
        bad = texts.ERR_ADDRESS
        if self.scheme == "tcp":
            host, _, port = self.target.rpartition(":")
            if not host:
                host, port = self.target, "9100"
            if not port.isdigit() or not 0 < int(port) < 65536:
                raise AddressError(bad.format(detail=f"{self.url} (port)"))
        elif self.scheme == "usb":
            vid, _, pid = self.target.partition(":")
            try:
                int(vid, 16), int(pid, 16)
            except ValueError:
                raise AddressError(bad.format(detail=f"{self.url} (usb://VID:PID in hex)")) from None
        elif self.scheme == "serial":
            baud = self.options.get("baud", "19200")
            if not baud.isdigit():
                raise AddressError(bad.format(detail=f"{self.url} (baud)"))

    @property
    def host_port(self) -> tuple[str, int]:
        """TCP host and port (default 9100)."""
        host, _, port = self.target.rpartition(":")
        if not host:
            return self.target, 9100
        return host.strip("[]"), int(port)

    def paper(self, *, width_mm: int | None = None, profile: str | None = None) -> Paper:
        """The paper from the arguments, else from `?paper=&profile=`, else 80 mm and the default
        profile."""
        try:
            mm = width_mm or int(self.options.get("paper", "80"))
        except ValueError:
            mm = -1
        return Paper(width_mm=mm, profile=profile or self.options.get("profile", DEFAULT_PROFILE))

    def redacted(self) -> str:
        """The address for logs and diagnostics (no user:password of a network address)."""
        parts = urlsplit(self.url)
        if parts.password:
            return self.url.replace(parts.password, "***")
        return self.url
