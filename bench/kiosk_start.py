#!/usr/bin/env python3
"""Kiosk benchmark: cold start to first frame, and resident memory after 100 numbers. Prints JSON.

A hub (example site, always-open clock) runs in this process; the kiosk runs as a fresh child process,
offscreen, with a virtual printer, and takes 100 numbers through its window's own touch path.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from ui.qt import QApplication, QEvent, QObject
app = QApplication([])
from kiosk.app import KioskWindow
from kiosk.backend import KioskBackend
from kiosk.config import load_kiosk_config
cfg = load_kiosk_config(sys.argv[1])
first_frame = {}

class Paint(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and "t" not in first_frame:
            first_frame["t"] = time.time()
        return False

backend = KioskBackend(cfg)
win = KioskWindow(cfg, backend)
spy = Paint()
win.installEventFilter(spy)
win.show()
deadline = time.time() + 20
while ("t" not in first_frame or win.site is None) and time.time() < deadline:
    app.processEvents()
    time.sleep(0.001)
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
rss_start = rss_mb()
codes = [s.code for s in win.site.doc.services]
taken = 0
t0 = time.time()
for i in range(100):
    win.touch_service(codes[i % len(codes)])
    while win.busy:
        app.processEvents()
        time.sleep(0.001)
    if win.page in ("ticket", "fault"):
        taken += 1
    win.go_home(clear=True)
    app.processEvents()
elapsed = time.time() - t0
print(json.dumps({"first_frame_at": first_frame.get("t"), "rss_start_mb": round(rss_start, 1),
                  "rss_after_100_mb": round(rss_mb(), 1), "numbers_taken": taken,
                  "seconds_per_number": round(elapsed / 100, 4)}))
win.allow_close = True
win.close()
"""


def main() -> int:
    from kiosk.config import hash_pin
    from motcua.clock import VIETNAM_TZ, ManualClock
    from motcua.config import example_site_config_path, load_site_config
    from sync.localsite import LocalSite

    tmp = Path(tempfile.mkdtemp(prefix="motcua-kiosk-bench-"))
    config = load_site_config(example_site_config_path())
    clock = ManualClock(datetime(2026, 12, 3, 9, 0, tzinfo=VIETNAM_TZ))
    runs = []
    with LocalSite(tmp, config=config, clock=clock, central=False, roles=("kiosk",), token_name="bench") as site:
        token = site.tokens["kiosk"]
        device = tmp / "kiosk.toml"
        device.write_text(
            f'[hub]\nurl = "{site.url}"\ntoken = "{token}"\n[printer]\naddress = "dummy:"\n'
            f'[screen]\nfullscreen = false\n'
            f'[kiosk]\ntechnician_pin_hash = "{hash_pin("0000", iterations=1000)}"\n'
            f'cache_db = "{tmp / "cache.db"}"\n', encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        for _ in range(3):
            t0 = time.time()
            out = subprocess.run([sys.executable, "-c", CHILD, str(device)], capture_output=True, text=True,
                                 env=env, timeout=300)
            if out.returncode != 0:
                print(out.stderr[-3000:], file=sys.stderr)
                return 1
            child = json.loads(out.stdout.strip().splitlines()[-1])
            child["cold_start_to_first_frame_s"] = round(child.pop("first_frame_at") - t0, 3)
            runs.append(child)
    result = {
        "runs": runs,
        "cold_start_to_first_frame_s": min(r["cold_start_to_first_frame_s"] for r in runs),
        "cold_start_to_first_frame_s_max": max(r["cold_start_to_first_frame_s"] for r in runs),
        "rss_after_100_numbers_mb": max(r["rss_after_100_mb"] for r in runs),
        "targets": {"cold_start_s": 1.5, "rss_mb": 250},
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
