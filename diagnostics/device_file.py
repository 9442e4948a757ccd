"""A device file as its app sees it: which device it is for, valid or not, and what it names.

Validation goes through the apps' own loaders (`kiosk.config`, `counter_display.config`, the hub's
`motcua.config`), so `motcua diag` accepts exactly the files the apps accept and reports the app's own
error (file, key, what was expected). A file the app refuses is still read leniently for what it names
(hub, token, printer, ports), so one run shows every problem at once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diagnostics import texts
from diagnostics.report import Check, Status
from diagnostics.texts import Text
from motcua.config import ConfigError, load_toml_section
from sync.check_config import config_error_finding

KINDS = ("kiosk", "board", "counter", "site")
#: Tables only one kind of file has (the site's [[counters]] is a list; a counter file has [counter]).
_MARKERS: dict[str, frozenset[str]] = {
    "site": frozenset({"site", "services", "counters", "hours", "queue", "priority_categories", "central",
                       "display"}),
    "kiosk": frozenset({"kiosk", "screen", "camera"}),
    "counter": frozenset({"counter", "clerks", "keypad", "leds", "scanner"}),
    "board": frozenset({"board", "guides"}),
}


@dataclass(frozen=True)
class PrinterTarget:
    """A printer a file names."""

    address: str
    paper_mm: int | None = None
    profile: str | None = None


@dataclass(frozen=True)
class PortTarget:
    """A serial port a file names, and what is on it (keypad, led, scanner, printer)."""

    path: str
    role: str


@dataclass
class DeviceFile:
    """What a device file names, whether or not the app accepts it."""

    path: Path
    kind: str | None
    valid: bool = False
    hub_url: str | None = None
    token: str | None = None
    ca_file: str | None = None
    """[hub] ca_file: the site CA for a hub on https://."""
    printers: list[PrinterTarget] = field(default_factory=list)
    camera: str | None = None
    a4_printer: str | None = None
    """[a4_printer] address: the A4 printer of a kiosk (cups:// or file://)."""
    ports: list[PortTarget] = field(default_factory=list)
    counter: int | None = None
    """A counter file's own counter."""
    acts_for: list[int] = field(default_factory=list)
    """Counters this device calls for (its own and its keypad's)."""
    shows: list[int] = field(default_factory=list)
    """Counters whose numbers it shows (LED displays, a board's filter)."""
    services: list[str] = field(default_factory=list)
    """Services a board's filter names."""


def detect_kind(data: dict[str, Any]) -> tuple[str | None, Text | None]:
    """The kind of a parsed file from its tables; (None, why) when it cannot be told."""
    tables = set(data)
    found = [k for k, marks in _MARKERS.items() if tables & marks]
    # A site file's [display] or [central] alone must not outvote a device's own table.
    if len(found) > 1 and "site" in found and not tables & {"site", "services", "counters"}:
        found.remove("site")
    if len(found) == 1:
        return found[0], None
    names = ", ".join(sorted(tables)) or "—"
    if found:
        return None, texts.KIND_AMBIGUOUS.format(tables=names)
    if tables and tables <= {"hub", "announcer"}:
        return "board", None  # a board needs nothing but its hub: the defaults do the rest
    return None, texts.KIND_UNKNOWN.format(tables=names)


def _loader(kind: str) -> Callable[[Path], Any]:
    if kind == "kiosk":
        from kiosk.config import load_kiosk_config

        return load_kiosk_config
    if kind == "board":
        from counter_display.config import load_board_config

        return load_board_config
    from counter_display.config import load_counter_config

    return load_counter_config


def read_device_file(path: Path, kind: str | None = None) -> tuple[DeviceFile, Check]:
    """Detect (unless given), validate with the app's loader, and collect what the file names."""
    try:
        data = load_toml_section(path)
    except ConfigError as exc:
        f = config_error_finding(texts.DEVICE_FILE, exc, fix_key=texts.FIX_DEVICE_KEY, fix_file=texts.FIX_DEVICE_FILE)
        return DeviceFile(path, kind), Check(f.name, Status.FAIL, f.detail, f.advice, f.data)
    why = None
    if kind is None:
        kind, why = detect_kind(data)
    if kind is None:
        return DeviceFile(path, None), Check(texts.DEVICE_FILE, Status.FAIL, why or "", texts.FIX_KIND,
                                             {"file": str(path), "tables": sorted(data)})
    try:
        config = _loader(kind)(path)
    except ConfigError as exc:
        f = config_error_finding(texts.DEVICE_FILE, exc, fix_key=texts.FIX_DEVICE_KEY, fix_file=texts.FIX_DEVICE_FILE)
        device = _lenient(path, kind, data)
        return device, Check(f.name, Status.FAIL, f.detail, f.advice, {**f.data, "kind": kind})
    device = _from_config(path, kind, config)
    return device, Check(texts.DEVICE_FILE, Status.OK, texts.with_kind(texts.DEVICE_FILE_OK, kind),
                         data={"file": str(path), "kind": kind})


def _serial_path(address: str) -> str | None:
    """The device of a serial:// printer address."""
    if not address.startswith("serial://"):
        return None
    from printer_drivers.connection import PrinterAddress

    try:
        return PrinterAddress.parse(address).target
    except ValueError:
        return None


def _from_config(path: Path, kind: str, cfg: Any) -> DeviceFile:
    """What a validated file names (the app's own model)."""
    d = DeviceFile(path, kind, valid=True, hub_url=cfg.hub.url, token=cfg.hub.token, ca_file=cfg.hub.ca_file)
    if kind == "kiosk":
        d.printers.append(PrinterTarget(cfg.printer.address, cfg.printer.paper_mm, cfg.printer.profile))
        d.camera = cfg.camera.source if cfg.camera is not None else None
        d.a4_printer = cfg.a4_printer.address if cfg.a4_printer is not None else None
    elif kind == "board":
        d.shows, d.services = list(cfg.board.counters), list(cfg.board.services)
    else:
        d.counter = cfg.counter.number
        d.acts_for = sorted({cfg.counter.number, *(cfg.keypad.counters if cfg.keypad else [])})
        if cfg.keypad is not None:
            d.ports.append(PortTarget(cfg.keypad.port, "keypad"))
        for led in cfg.leds:
            d.ports.append(PortTarget(led.port, "led"))
            d.shows.append(led.counter or cfg.counter.number)
        if cfg.scanner is not None:
            d.ports.append(PortTarget(cfg.scanner.port, "scanner"))
        if cfg.printer is not None:
            d.printers.append(PrinterTarget(cfg.printer.address, cfg.printer.paper_mm, cfg.printer.profile))
    for p in d.printers:
        port = _serial_path(p.address)
        if port:
            d.ports.append(PortTarget(port, "printer"))
    return d


def _lenient(path: Path, kind: str, data: dict[str, Any]) -> DeviceFile:
    """What a file the app refuses still names, taking only values of the right type."""
    def table(name: str) -> dict[str, Any]:
        v = data.get(name)
        return v if isinstance(v, dict) else {}

    def text(v: Any) -> str | None:
        return v if isinstance(v, str) and v else None

    def number(v: Any) -> int | None:
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    hub = table("hub")
    ca = text(hub.get("ca_file"))
    d = DeviceFile(path, kind, hub_url=text(hub.get("url")), token=text(hub.get("token")),
                   ca_file=str(path.resolve().parent / Path(ca).expanduser()) if ca else None)
    printer = table("printer")
    if text(printer.get("address")):
        d.printers.append(PrinterTarget(printer["address"], number(printer.get("paper_mm")),
                                        text(printer.get("profile"))))
    d.camera = text(table("camera").get("source"))
    d.a4_printer = text(table("a4_printer").get("address"))
    d.counter = number(table("counter").get("number"))
    keypad = table("keypad")
    if text(keypad.get("port")):
        d.ports.append(PortTarget(keypad["port"], "keypad"))
    leds = data.get("leds")
    for led in leds if isinstance(leds, list) else []:
        if isinstance(led, dict) and text(led.get("port")):
            d.ports.append(PortTarget(led["port"], "led"))
    if text(table("scanner").get("port")):
        d.ports.append(PortTarget(table("scanner")["port"], "scanner"))
    for p in d.printers:
        port = _serial_path(p.address)
        if port:
            d.ports.append(PortTarget(port, "printer"))
    if d.counter is not None:
        extra = keypad.get("counters")
        d.acts_for = sorted({d.counter, *(n for n in (extra if isinstance(extra, list) else []) if number(n))})
    return d
