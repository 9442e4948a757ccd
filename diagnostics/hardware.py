"""The devices a file names: printers, the camera, serial ports (keypad, LED displays, scanner, printer).

Every check here only looks: a serial port is opened without configuring it (no baud rate change under
a running keypad bridge) and closed at once; a `file://` printer is not opened at all (see
`printer_drivers.transports._FileTransport.probe`).
"""
from __future__ import annotations

import errno
import fcntl
import grp
import os
import pwd
import stat
from pathlib import Path

from diagnostics import texts
from diagnostics.report import Check, Status
from diagnostics.texts import Text

BY_ID = Path("/dev/serial/by-id")


# -- printers --------------------------------------------------------------------------------------------
def check_printer(address: str, *, paper_mm: int | None = None, profile: str | None = None) -> Check:
    """The printer's status (DLE EOT) and its driver's snapshot; a file or /dev/usb/lp0 is only looked at."""
    from printer_drivers.connection import Printer
    from printer_drivers.errors import PrinterError
    from printer_drivers.status import PRINTABLE_STATES, PrinterState

    name = texts.PRINTER
    try:
        printer = Printer(address, paper_mm=paper_mm, profile=profile)
    except PrinterError as exc:
        return Check(name, Status.FAIL, exc.text, texts.FIX_PRINTER, {"address": address})
    where = printer.address.redacted()
    try:
        status = printer.status()
    except PrinterError as exc:
        advice = texts.FIX_PRINTER_PERMISSION if "permission" in exc.message_en.lower() else texts.FIX_PRINTER
        return Check(name, Status.FAIL, exc.text, advice, {**printer.diagnostics(), "error": exc.code,
                                                            "detail": exc.detail},
                     command=f"motcua print sample --layout test --printer '{where}'")
    finally:
        diag = printer.diagnostics()
        printer.close()
    state = status.state
    if not status.readable and printer.address.scheme == "file":
        target = Path(printer.address.target)
        device = target.exists() and not target.is_file()
        detail = texts.PRINTER_DEVICE if device else texts.PRINTER_FILE
        return Check(name, Status.OK, f"{where}: {detail}", texts.FIX_PRINTER_TEST, diag)
    if state in PRINTABLE_STATES or (not status.readable and printer.address.scheme == "dummy"):
        st = Status.WARN if state is PrinterState.PAPER_LOW else Status.OK
        return Check(name, st, f"{where}: {state.text}", texts.FIX_PRINTER_STATE, diag)
    if state is PrinterState.UNKNOWN:
        return Check(name, Status.WARN, f"{where}: {state.text}", texts.FIX_PRINTER_UNKNOWN, diag,
                     command=f"motcua print sample --layout test --printer '{where}'")
    return Check(name, Status.FAIL, f"{where}: {state.text}", texts.FIX_PRINTER_STATE, diag,
                 command=f"motcua print sample --layout test --printer '{where}'")


def check_a4_printer(address: str) -> Check:
    """The A4 printer's state as CUPS reports it (a file printer: its folder); nothing is printed."""
    from printer_drivers.a4_printer import CupsA4Printer, PrinterState, open_a4_printer

    name = texts.A4_PRINTER
    try:
        printer = open_a4_printer(address)
    except ValueError as exc:
        return Check(name, Status.FAIL, str(exc), texts.FIX_A4_PRINTER, {"address": address})
    status = printer.status()
    diag = printer.diagnostics()
    if status.ready:
        return Check(name, Status.OK, f"{address}: {status.state.value}", None, diag)
    fault = status.fault
    detail = Text(f"{address}: {fault.vi}", f"{address}: {fault.en}") if fault else f"{address}: {status.state.value}"
    command = None
    if isinstance(printer, CupsA4Printer):
        server = f" -h {printer.host}:{printer.port or 631}" if printer.host else ""
        if status.state is PrinterState.PAUSED:
            command = f"cupsenable{server} {printer.queue}"
        elif status.state is PrinterState.REJECTING:
            command = f"cupsaccept{server} {printer.queue}"
        else:
            command = f"lpstat{server} -p"
    return Check(name, Status.FAIL, detail, texts.FIX_A4_PRINTER, diag, command=command)


# -- the camera ------------------------------------------------------------------------------------------
def check_camera(source: str) -> Check:
    """The camera opens and gives a frame."""
    from scanners.camera import open_camera
    from scanners.config import CameraConfig

    cam = open_camera(CameraConfig(source=source))
    try:
        cam.open()
        frame = cam.read()
        diag = cam.diagnostics()
    finally:
        cam.close()
    if frame is None:
        return Check(texts.CAMERA, Status.FAIL, f"{source}: {texts.CAMERA_NO_FRAME}", texts.FIX_CAMERA, diag)
    return Check(texts.CAMERA, Status.OK, f"{source}: {frame.shape[1]}×{frame.shape[0]}", data=diag)


# -- serial ports ----------------------------------------------------------------------------------------
def _stable_names() -> dict[str, str]:
    """The real device of each /dev/serial/by-id name."""
    try:
        return {str(p): os.path.realpath(p) for p in sorted(BY_ID.iterdir())}
    except OSError:
        return {}


def _user() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def _group_of(path: str) -> tuple[str, bool]:
    """The port's group, and whether this user is listed in it (a new member must log in again)."""
    gid = os.stat(path).st_gid
    try:
        g = grp.getgrgid(gid)
    except KeyError:
        return str(gid), False
    return g.gr_name, _user() in g.gr_mem


def _serial_name(port: str, role: str | None) -> Text:
    if role and role in texts.SERIAL_ROLE:
        r = texts.SERIAL_ROLE[role]
        return Text(f"{texts.SERIAL.vi} ({r.vi}) {port}", f"{texts.SERIAL.en} ({r.en}) {port}")
    return Text(f"{texts.SERIAL.vi} {port}", f"{texts.SERIAL.en} {port}")


def _denied(name: Text, port: str) -> Check:
    group, listed = _group_of(port)
    user = _user()
    advice = (texts.FIX_SERIAL_RELOGIN if listed else texts.FIX_SERIAL_GROUP).format(group=group)
    return Check(name, Status.FAIL, texts.SERIAL_DENIED.format(user=user, group=group), advice,
                 {"port": port, "user": user, "group": group, "listed": listed},
                 command=None if listed else f"sudo usermod -aG {group} {user}")


def check_serial_port(port: str, role: str | None = None) -> Check:
    """A serial device (keypad, LED display, scanner, printer) is there, this user may open it, it is free."""
    name = _serial_name(port, role)
    stable = _stable_names()
    data: dict[str, object] = {"port": port, "role": role, "by_id": sorted(stable)}
    if not os.path.exists(port):
        detail: Text | str = texts.SERIAL_MISSING
        if stable:
            detail = f"{texts.SERIAL_MISSING}; {texts.SERIAL_BY_ID.format(names=', '.join(stable))}"
        return Check(name, Status.FAIL, detail, texts.FIX_SERIAL_MISSING, data, command=f"ls -l {BY_ID}/")
    if not stat.S_ISCHR(os.stat(port).st_mode):
        return Check(name, Status.FAIL, texts.SERIAL_NOT_TTY, texts.FIX_SERIAL_MISSING, data)
    if not os.access(port, os.R_OK | os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        return _denied(name, port)
    try:
        # Not pyserial: it would set the baud rate and lines of a port a running bridge is using.
        fd = os.open(port, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            return _denied(name, port)
        if exc.errno == errno.EBUSY:
            return Check(name, Status.FAIL, texts.SERIAL_BUSY, texts.FIX_SERIAL_BUSY.format(port=port), data,
                         command=f"fuser -v {port}")
        return Check(name, Status.FAIL, texts.SERIAL_GONE.format(why=exc.strerror or exc), texts.FIX_SERIAL_MISSING,
                     data)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        in_use = False
    except OSError:
        in_use = True  # the scanner driver holds its port exclusively while the app runs
    finally:
        os.close(fd)  # closing also drops our lock
    data["in_use"] = in_use
    real = os.path.realpath(port)
    better = [n for n, dev in stable.items() if dev == real]
    if not port.startswith(str(BY_ID)) and better:
        return Check(name, Status.WARN, texts.SERIAL_UNSTABLE.format(port=port),
                     texts.FIX_SERIAL_BY_ID.format(stable=better[0]), data)
    return Check(name, Status.OK, texts.SERIAL_IN_USE if in_use else texts.SERIAL_OK, data=data)
