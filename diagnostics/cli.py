"""`motcua diag`: technician checks — this machine, the hub and its sync, the printer, the camera, the
scanner — in plain Vietnamese, with what to do when something is wrong.

    motcua diag                                  # this machine only
    motcua diag --config /etc/motcua/kiosk.toml  # and the devices and hub a device file names
    motcua diag --hub http://10.0.0.5:8470 --token T --printer tcp://10.0.0.50:9100 --json
"""
from __future__ import annotations

import argparse
import enum
import importlib
import json
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motcua import __version__
from motcua.text import Text

ROOT = Path(__file__).resolve().parent.parent


class Status(enum.Enum):
    """How a check came out."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


MARK = {Status.OK: "✔", Status.WARN: "!", Status.FAIL: "✘", Status.SKIP: "·"}


@dataclass
class Check:
    """One check's result: what was looked at, how it came out, what to do."""

    name: Text
    status: Status
    detail: str = ""
    advice: Text | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {"name": self.name.vi, "name_en": self.name.en, "status": self.status.value, "detail": self.detail,
                "advice": None if self.advice is None else {"vi": self.advice.vi, "en": self.advice.en},
                "data": self.data}


def _check(name: Text, fn: Callable[[], Check]) -> Check:
    try:
        return fn()
    except Exception as exc:  # a check that breaks is itself a finding, never a traceback
        return Check(name, Status.FAIL, f"{type(exc).__name__}: {exc}")


# -- this machine ------------------------------------------------------------------------------------------
def check_python() -> Check:
    """Python and the libraries the devices load."""
    name = Text("Python và thư viện", "Python and libraries")
    versions: dict[str, str] = {"python": sys.version.split()[0], "motcua-edge": __version__}
    missing = []
    for mod in ("fastapi", "uvicorn", "pydantic", "sqlite_utils", "PySide6", "escpos", "serial", "zxingcpp",
                "cv2", "PIL", "holidays", "orjson"):
        try:
            m = importlib.import_module(mod)
            versions[mod] = str(getattr(m, "__version__", "") or getattr(m, "VERSION", "") or "?")
        except Exception:  # noqa: BLE001 - any import failure is "missing" for the technician
            missing.append(mod)
    if missing:
        return Check(name, Status.FAIL, "thiếu / missing: " + ", ".join(missing),
                     Text("Chạy lại ./install.sh", "Run ./install.sh again"), versions)
    return Check(name, Status.OK, f"Python {versions['python']}, motcua-edge {__version__}", data=versions)


def check_fonts() -> Check:
    """The bundled Vietnamese font (without it Qt draws boxes and tickets cannot be rendered)."""
    name = Text("Phông chữ tiếng Việt", "Vietnamese font")
    fonts = [ROOT / "assets" / "fonts" / f for f in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")]
    missing = [f.name for f in fonts if not f.exists()]
    if missing:
        return Check(name, Status.FAIL, "thiếu / missing: " + ", ".join(missing),
                     Text("Cài lại bản phần mềm đầy đủ (thư mục assets/fonts)", "Reinstall (assets/fonts)"))
    return Check(name, Status.OK, ", ".join(f.name for f in fonts))


def check_voice() -> Check:
    """espeak-ng with its Vietnamese voice (the board's announcements)."""
    import subprocess

    name = Text("Giọng đọc tiếng Việt (espeak-ng)", "Vietnamese voice (espeak-ng)")
    exe = shutil.which("espeak-ng")
    if exe is None:
        return Check(name, Status.WARN, "espeak-ng not found",
                     Text("apt-get install espeak-ng (chỉ cần cho màn hình sảnh)", "apt-get install espeak-ng"))
    out = subprocess.run([exe, "--voices=vi"], capture_output=True, text=True, timeout=10).stdout
    if " vi " not in out and "vi-vn" not in out:
        return Check(name, Status.WARN, "no Vietnamese voice", Text("Cài gói espeak-ng-data", "Install espeak-ng-data"))
    return Check(name, Status.OK, exe)


def check_disk(path: Path) -> Check:
    """Free disk space where the database and caches live."""
    name = Text("Dung lượng đĩa", "Disk space")
    usage = shutil.disk_usage(path)
    free_gb = usage.free / 2**30
    data = {"path": str(path), "free_gb": round(free_gb, 2)}
    if free_gb < 0.5:
        return Check(name, Status.FAIL, f"{free_gb:.2f} GB free", Text("Giải phóng dung lượng đĩa ngay",
                                                                     "Free disk space now"), data)
    if free_gb < 2:
        return Check(name, Status.WARN, f"{free_gb:.1f} GB free", Text("Sắp hết dung lượng đĩa", "Disk nearly full"), data)
    return Check(name, Status.OK, f"{free_gb:.1f} GB free ({path})", data=data)


def check_sqlite() -> Check:
    """SQLite with WAL (the hub's durability depends on it)."""
    name = Text("SQLite", "SQLite")
    conn = sqlite3.connect(":memory:")
    version = conn.execute("SELECT sqlite_version()").fetchone()[0]
    conn.close()
    return Check(name, Status.OK, version, data={"version": version})


# -- the hub -----------------------------------------------------------------------------------------------
def check_hub(url: str, token: str | None) -> list[Check]:
    """The hub answers, how fast, and how its sync with the province is doing."""
    import requests

    name = Text("Máy chủ trạm (hub)", "Site hub")
    t0 = time.monotonic()
    try:
        health = requests.get(url.rstrip("/") + "/api/v1/health", timeout=3).json()
    except (requests.RequestException, ValueError) as exc:
        return [Check(name, Status.FAIL, f"{url}: {type(exc).__name__}",
                      Text("Kiểm tra dây mạng, địa chỉ IP của máy chủ trạm và dịch vụ motcua-hub",
                           "Check the cable, the hub's address and the motcua-hub service"))]
    ms = (time.monotonic() - t0) * 1000
    checks = [Check(name, Status.OK if ms < 200 else Status.WARN, f"{url} — {health.get('site')}, {ms:.0f} ms",
                    data={"health": health, "ms": round(ms, 1)})]
    if not token:
        return checks
    sync_name = Text("Đồng bộ với hệ thống của tỉnh", "Sync with the province")
    r = requests.get(url.rstrip("/") + "/api/v1/sync", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    if r.status_code in (401, 403):
        checks.append(Check(Text("Mã thiết bị", "Device token"), Status.FAIL, f"HTTP {r.status_code}",
                            Text("Tạo mã mới: motcua token create", "Make a new token: motcua token create")))
        return checks
    st = r.json()
    age_min = int((st.get("oldest_unsent_age_s") or 0) // 60)
    if st.get("state") == "disabled":
        checks.append(Check(sync_name, Status.WARN, "chưa cấu hình / not configured",
                            Text("Điền [central] url và token trong cấu hình trung tâm", "Set [central] in the site file"),
                            st))
    elif st.get("dead_letters"):
        checks.append(Check(sync_name, Status.WARN, f"{st['dead_letters']} bản ghi bị từ chối / rejected",
                            Text("Xem GET /api/v1/sync/dead-letters và báo quản trị", "See the dead letters"), st))
    elif st.get("backlog") and age_min >= 10:
        checks.append(Check(sync_name, Status.WARN, f"tồn {st['backlog']} bản ghi, lâu nhất {age_min} phút; "
                                                    f"lỗi: {st.get('last_error') or '—'}",
                            Text("Kiểm tra kết nối Internet của trung tâm; dữ liệu vẫn an toàn và sẽ tự gửi lại",
                                 "Check the Internet link; nothing is lost, it resends by itself"), st))
    else:
        checks.append(Check(sync_name, Status.OK, f"tồn {st.get('backlog', 0)} / backlog", data=st))
    return checks


# -- devices -----------------------------------------------------------------------------------------------
def check_printer(address: str, *, paper_mm: int | None = None, profile: str | None = None) -> Check:
    """The printer's status (DLE EOT) and its driver's snapshot."""
    from printer_drivers.connection import Printer
    from printer_drivers.errors import PrinterError
    from printer_drivers.status import PRINTABLE_STATES

    name = Text("Máy in", "Printer")
    printer = Printer(address, paper_mm=paper_mm, profile=profile)
    try:
        status = printer.status()
    except PrinterError as exc:
        return Check(name, Status.FAIL, f"{printer.address.redacted()}: {exc.message_vi}",
                     Text("Kiểm tra nguồn, cáp và địa chỉ máy in; in thử: motcua print sample --layout test",
                          "Check power, cable and address; test: motcua print sample --layout test"),
                     printer.diagnostics())
    finally:
        diag = printer.diagnostics()
        printer.close()
    state = status.state
    if state in PRINTABLE_STATES or (not status.readable and printer.address.scheme in ("file", "dummy")):
        st = Status.WARN if state.value == "paper_low" else Status.OK
        return Check(name, st, f"{diag['address']}: {state.text.vi}", data=diag)
    if state.value == "unknown":
        return Check(name, Status.WARN, f"{diag['address']}: {state.text.vi}",
                     Text("Máy in không trả lời trạng thái; in thử để kiểm tra", "No status answer; print a test page"),
                     diag)
    return Check(name, Status.FAIL, f"{diag['address']}: {state.text.vi}",
                 Text("Thay giấy / đóng nắp / bật máy in rồi in thử", "Paper, cover or power; then print a test page"),
                 diag)


def check_camera(source: str) -> Check:
    """The camera opens and gives a frame."""
    from scanners.camera import open_camera
    from scanners.config import CameraConfig

    name = Text("Camera", "Camera")
    cam = open_camera(CameraConfig(source=source))
    try:
        cam.open()
        frame = cam.read()
        diag = cam.diagnostics()
    finally:
        cam.close()
    if frame is None:
        return Check(name, Status.FAIL, f"{source}: không có hình / no frame",
                     Text("Cắm lại camera; kiểm tra quyền nhóm video", "Replug the camera; check the video group"), diag)
    return Check(name, Status.OK, f"{source}: {frame.shape[1]}×{frame.shape[0]}", data=diag)


def check_serial_port(port: str) -> Check:
    """A serial device (QR scanner, keypad, LED display) is present and can be opened."""
    import serial

    name = Text(f"Cổng nối tiếp {port}", f"Serial port {port}")
    if not Path(port).exists():
        return Check(name, Status.FAIL, "không thấy thiết bị / not found",
                     Text("Cắm lại thiết bị; dùng đường dẫn /dev/serial/by-id/…", "Replug; use /dev/serial/by-id/…"))
    try:
        with serial.Serial(port, timeout=0.2):
            pass
    except (serial.SerialException, OSError) as exc:
        return Check(name, Status.FAIL, str(exc), Text("Thêm người dùng vào nhóm dialout", "Add the user to dialout"))
    return Check(name, Status.OK, "mở được / opens")


# -- running them ------------------------------------------------------------------------------------------
def run_checks(*, config: Path | None = None, hub: str | None = None, token: str | None = None,
               printer: str | None = None, camera: str | None = None, serial_ports: list[str] | None = None
               ) -> list[Check]:
    """Every check that applies to what was named (a device file names its hub, printer, camera, ports)."""
    paper_mm = profile = None
    ports = list(serial_ports or [])
    if config is not None:
        from motcua.config import load_toml_section

        data = load_toml_section(config)
        h = data.get("hub", {})
        hub = hub or h.get("url")
        token = token or h.get("token")
        p = data.get("printer") or {}
        printer = printer or p.get("address")
        paper_mm, profile = p.get("paper_mm"), p.get("profile")
        camera = camera or (data.get("camera") or {}).get("source")
        for section in ("scanner", "keypad"):
            port = (data.get(section) or {}).get("port")
            if port:
                ports.append(str(port))
    checks = [_check(Text("Python", "Python"), check_python), _check(Text("Phông", "Fonts"), check_fonts),
              _check(Text("Giọng đọc", "Voice"), check_voice), _check(Text("SQLite", "SQLite"), check_sqlite),
              _check(Text("Đĩa", "Disk"), lambda: check_disk(Path.home()))]
    if hub:
        try:
            checks += check_hub(hub, token)
        except Exception as exc:  # noqa: BLE001
            checks.append(Check(Text("Máy chủ trạm", "Hub"), Status.FAIL, str(exc)))
    if printer:
        checks.append(_check(Text("Máy in", "Printer"), lambda: check_printer(printer, paper_mm=paper_mm,
                                                                              profile=profile)))
    if camera:
        checks.append(_check(Text("Camera", "Camera"), lambda: check_camera(str(camera))))
    for port in ports:
        checks.append(_check(Text("Cổng nối tiếp", "Serial port"), lambda port=port: check_serial_port(port)))
    return checks


def main(argv: list[str]) -> int:
    """motcua diag [--json] [--config DEVICE.toml] [--hub URL --token T] [--printer URL] [--camera SRC]."""
    ap = argparse.ArgumentParser(prog="motcua diag", description="Kiểm tra kỹ thuật / technician checks.")
    ap.add_argument("--json", action="store_true", help="one JSON object (for scripts and remote support)")
    ap.add_argument("--config", type=Path, help="a device file (kiosk, board, counter): checks what it names")
    ap.add_argument("--hub", help="hub URL, e.g. http://10.0.0.5:8470")
    ap.add_argument("--token", help="a device token (for the sync check)")
    ap.add_argument("--printer", help="printer address, e.g. tcp://10.0.0.50:9100")
    ap.add_argument("--camera", help="camera source: 0, /dev/video0, folder:PATH")
    ap.add_argument("--serial", action="append", default=[], help="a serial port to open (repeatable)")
    args = ap.parse_args(argv)
    from motcua.config import ConfigError

    try:
        checks = run_checks(config=args.config, hub=args.hub, token=args.token, printer=args.printer,
                            camera=args.camera, serial_ports=args.serial)
    except ConfigError as exc:
        print(f"motcua diag: cấu hình sai / bad configuration: {exc}", file=sys.stderr)
        return 2
    failed = any(c.status is Status.FAIL for c in checks)
    if args.json:
        print(json.dumps({"ok": not failed, "checks": [c.as_dict() for c in checks]}, ensure_ascii=False, indent=2))
    else:
        for c in checks:
            print(f"{MARK[c.status]} {c.name.vi:<34} {c.detail}")
            if c.advice is not None and c.status in (Status.FAIL, Status.WARN):
                print(f"    → {c.advice.vi}")
        print("\nKết quả: " + ("CÓ LỖI cần xử lý / problems found" if failed else "ổn / all good"))
    return 1 if failed else 0
