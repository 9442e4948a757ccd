"""`motcua demo`: a hub on 127.0.0.1:PORT with the reference central server beside it, simulated citizens
and clerks, and the device windows when there is a display. Databases and printed tickets stay in
`demo-data/` between runs."""
from __future__ import annotations

import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from demo.model import DemoOptions, DemoRun, demo_start
from demo.morning import simulate
from motcua.clock import ScaledClock
from motcua.config import example_site_config_path, load_site_config
from sync.localsite import LocalSite

INTERACTIVE_SPEED = 5.0
"""The interactive clock runs this much faster than real time: calls come often enough to watch."""


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "vnc", "eglfs", "linuxfb")))


def _has_tickets(db: Path) -> bool:
    import sqlite3

    if not db.exists():
        return False
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return bool(con.execute("SELECT COUNT(*) FROM tickets").fetchone()[0])
    except sqlite3.OperationalError:  # no tickets table yet
        return False
    finally:
        con.close()


def run_interactive(options: DemoOptions) -> int:
    """The hub and the simulation until Ctrl-C (or `stop_after_s`); the kiosk window beside them on a display."""
    from sync.client import wait_for_hub

    data_dir = options.data_dir
    config = load_site_config(options.config or example_site_config_path())
    clock = ScaledClock(demo_start(config) + timedelta(hours=1, minutes=30), speed=INTERACTIVE_SPEED)
    started = clock.time()
    # The API description is on for the demo (loopback only): a new user finds the API there.
    site = LocalSite(data_dir, config=config, clock=clock, token_name="demo", hub_port=options.port,
                     docs=True, hub_db="demo-hub.db")
    if options.history_weeks and not _has_tickets(site.db):  # a demo database that has its past keeps it
        from demo.reports import seed_demo_history

        seeded = seed_demo_history(site.db, config, weeks=options.history_weeks, until=demo_start(config))
        print(f"  lịch sử / history: {seeded['weeks']} tuần / weeks, {seeded['tickets']} số / tickets "
              f"({seeded['first']} - {seeded['last']}); bảng điều hành / console: /console")
    with site:
        url = site.url
        run = DemoRun(config=site.config, hub_url=url, db=site.db, tokens=site.tokens, clock=clock,
                      start=started, out=data_dir)
        print(f"motcua-edge demo — {config.site.name}")
        print(f"  hub:      {url}/api/v1/health   (API docs: {url}/docs)")
        print(f"  database: {site.db}")
        print(f"  central:  {site.central_url}/api/v1/health   (reference central case server)")
        for role, tok in site.tokens.items():
            print(f"  token {role:<8} {tok}")
        print(f"  Mô phỏng công dân lấy số và quầy gọi số (đồng hồ nhanh gấp {INTERACTIVE_SPEED:g} lần). Ctrl-C để dừng.")
        print(f"  Simulated citizens and clerks, clock {INTERACTIVE_SPEED:g}x real time. Ctrl-C stops.")
        sys.stdout.flush()
        if wait_for_hub(url, timeout=20):
            threading.Thread(target=lambda: simulate(run, minutes=8 * 60, speed=INTERACTIVE_SPEED, seed=1,
                                                     arrivals_per_min=3.0),
                             daemon=True, name="demo-simulation").start()
        try:
            if options.windows and _has_display():
                return _run_windows(run, data_dir=data_dir, stop_after_s=options.stop_after_s)
            if options.windows:
                print("  (không có màn hình: chỉ chạy máy chủ trạm / no display: the device windows are not shown)")
            deadline = None if options.stop_after_s is None else time.monotonic() + options.stop_after_s
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.5)
            return 0
        except KeyboardInterrupt:
            return 0


def _run_windows(run: DemoRun, *, data_dir: Path, stop_after_s: float | None) -> int:
    """The kiosk window (and later roles' windows) on this display, in the main thread."""
    from kiosk.app import KioskWindow
    from kiosk.backend import KioskBackend, write_printed
    from kiosk.config import hash_pin, parse_kiosk_config
    from ui.qt import QApplication, QTimer

    app = QApplication.instance() or QApplication(sys.argv[:1])
    cfg = parse_kiosk_config({
        "hub": {"url": run.hub_url, "token": run.tokens["kiosk"]},
        "printer": {"address": "dummy:"},
        "screen": {"orientation": "portrait", "width_px": 720, "height_px": 1280, "diagonal_in": 14,
                   "fullscreen": False, "hide_cursor": False},
        "kiosk": {"name": "Ki-ốt demo", "technician_pin_hash": hash_pin("0000", iterations=1000),
                  "cache_db": str(data_dir / "kiosk-cache.db")},
    })
    backend = KioskBackend(cfg, on_printed=write_printed(data_dir / "printed"))
    kiosk = KioskWindow(cfg, backend, clock=run.clock.time)
    kiosk.allow_close = True  # a demo window closes normally
    kiosk.setWindowTitle("motcua-edge — ki-ốt (demo)")
    kiosk.show()
    print(f"  Ki-ốt: cửa sổ đã mở; phiếu in ra được lưu ở {data_dir / 'printed'} / kiosk window open")
    if stop_after_s is not None:
        QTimer.singleShot(int(stop_after_s * 1000), app.quit)
    code = app.exec()
    backend.close()
    return int(code)
