"""`motcua diag`: technician checks — this machine, a device file as its app reads it, the hub (token,
site, sync with the province), printers, camera and serial ports, a site file and its database — each
line in Vietnamese with English, with what to do under a problem. Exit 0 when nothing failed, 1 when
something did, 2 for bad usage.

    motcua diag                                  # this machine only
    motcua diag --config /etc/motcua/kiosk.toml  # and everything a device file names (kiosk, board, counter)
    motcua diag --site /etc/motcua/site.toml --db /var/lib/motcua/site.db
    motcua diag --hub http://10.0.0.5:8470 --token T --printer tcp://10.0.0.50:9100 --json
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from diagnostics import texts
from diagnostics.device_file import KINDS, DeviceFile, detect_kind, read_device_file
from diagnostics.hardware import check_camera, check_printer, check_serial_port
from diagnostics.hub_checks import HubContext, run_hub_checks
from diagnostics.machine import check_disk, check_fonts, check_python, check_sqlite, check_voice
from diagnostics.qt_check import check_qt
from diagnostics.report import MARK, Check, Report, Status, _check
from diagnostics.texts import Text

__all__ = ["MARK", "Check", "Status", "run_checks", "main"]

#: This machine's checks, in order: (name if it breaks, check).
MACHINE_CHECKS: list[tuple[Text, Callable[[], Check | list[Check]]]] = [
    (texts.PYTHON, check_python),
    (texts.QT_BINDING, check_qt),
    (texts.FONTS, check_fonts),
    (texts.VOICE, check_voice),
    (texts.SQLITE, check_sqlite),
    (texts.DISK, lambda: check_disk(Path.home())),
]


def run_checks(*, config: Path | None = None, kind: str | None = None, site: Path | None = None,
               db: Path | None = None, hub: str | None = None, token: str | None = None, printer: str | None = None,
               camera: str | None = None, serial_ports: list[str] | None = None,
               timeout_s: float = 5.0, ca_file: str | None = None) -> tuple[list[Check], str | None]:
    """Every check that applies to what was named; returns the checks and the kind of `config`."""
    checks: list[Check] = []
    for name, fn in MACHINE_CHECKS:
        checks += _check(name, fn)
    device: DeviceFile | None = None
    if config is not None and kind != "site":
        if kind is None:
            kind = _peek_kind(config)
        if kind == "site":
            site = site or config
        else:
            device, found = read_device_file(config, kind)
            kind = device.kind
            checks.append(found)
    elif config is not None:
        site = site or config
    if site is not None:
        from diagnostics.site_checks import check_site

        checks += _check(texts.KIND["site"], lambda: check_site(site, db, timeout_s=timeout_s))
    elif db is not None:
        from diagnostics.site_checks import _as_check
        from sync.check_config import check_database

        checks += [_as_check(f) for f in check_database(db)]
    hub = hub or (device.hub_url if device else None)
    token = token or (device.token if device else None)
    if hub:
        checks += run_hub_checks(HubContext(hub, token, device, timeout_s=timeout_s, ca_file=ca_file))
    printers = [(p.address, p.paper_mm, p.profile) for p in device.printers] if device else []
    if printer:
        printers = [(printer, None, None)] + [p for p in printers if p[0] != printer]
    for address, paper_mm, profile in printers:
        checks += _check(texts.PRINTER, lambda a=address, m=paper_mm, p=profile:  # type: ignore[misc]
                         check_printer(a, paper_mm=m, profile=p))
    if device is not None and device.a4_printer:
        from diagnostics.hardware import check_a4_printer

        a4 = device.a4_printer
        checks += _check(texts.A4_PRINTER, lambda: check_a4_printer(a4))
    camera = camera or (device.camera if device else None)
    if camera:
        checks += _check(texts.CAMERA, lambda: check_camera(str(camera)))
    ports = [(p.path, p.role) for p in device.ports] if device else []
    ports += [(p, None) for p in serial_ports or [] if p not in {q for q, _ in ports}]
    for port, role in ports:
        checks += _check(texts.SERIAL, lambda port=port, role=role: check_serial_port(port, role))  # type: ignore[misc]
    return checks, kind


def _peek_kind(path: Path) -> str | None:
    """Whether a --config file is a site file (read by the hub) or a device file (read by its app)."""
    from motcua.config import ConfigError, load_toml_section

    try:
        return detect_kind(load_toml_section(path))[0]
    except ConfigError:
        return None  # the device-file check reports the unreadable file


def main(argv: list[str]) -> int:
    """motcua diag [--json] [--config FILE [--kind K]] [--site SITE.toml] [--db PATH] [--hub URL --token T]
    [--printer URL] [--camera SRC] [--serial PORT]."""
    ap = argparse.ArgumentParser(prog="motcua diag", description="Kiểm tra kỹ thuật / technician checks.")
    ap.add_argument("--json", action="store_true", help="one JSON object (for scripts and remote support)")
    ap.add_argument("--config", type=Path, help="a device file (kiosk, board, counter) or a site file")
    ap.add_argument("--kind", choices=KINDS, help="which kind --config is (default: told from its tables)")
    ap.add_argument("--site", type=Path, help="a site file (as the hub reads it)")
    ap.add_argument("--db", type=Path, help="the hub's database (opened read-only)")
    ap.add_argument("--hub", help="hub URL, e.g. http://10.0.0.5:8470 (default: the device file's)")
    ap.add_argument("--token", help="a device token (default: the device file's)")
    ap.add_argument("--ca-file", help="the site CA (ca.crt) for a hub on https:// (default: the device file's)")
    ap.add_argument("--printer", help="printer address, e.g. tcp://10.0.0.50:9100")
    ap.add_argument("--camera", help="camera source: 0, /dev/video0, folder:PATH")
    ap.add_argument("--serial", action="append", default=[], help="a serial port to check (repeatable)")
    ap.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for each network answer")
    args = ap.parse_args(argv)
    checks, kind = run_checks(config=args.config, kind=args.kind, site=args.site, db=args.db, hub=args.hub,
                              token=args.token, printer=args.printer, camera=args.camera,
                              serial_ports=args.serial, timeout_s=args.timeout, ca_file=args.ca_file)
    report = Report(checks, config=str(args.config or args.site or "") or None,
                    kind=kind or ("site" if args.site else None))
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines()))
    sys.stdout.flush()
    return 1 if report.failed else 0
