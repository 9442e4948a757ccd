#!/usr/bin/env python3
"""Endurance benchmark: the real board, kiosk, counter panel and keypad bridge processes against a real hub
process for a long while — a simulated week (mornings at a fast clock, idle nights across midnight, a closed
Sunday), with a hub restart and a network cut (alternately reset and silent) every working day. Prints JSON:
duration, calls, per process RSS at start / after warm-up / at the end, open files, restarts survived, alive,
and whether its screen still showed the hub's state at the end.

    .venv/bin/python bench/soak.py [--minutes 30] [--out DIR] [--port 19100]

The harness is tests/soak_harness.py (the short run in the suite uses the same code). Target (issue 10):
at least 30 minutes and 20,000 calls, every device alive, memory and open files flat after warm-up.
Exit status 1 when a device died, grew, or showed a wrong state.
"""
from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from soak_plan import SoakConfig, week_plan  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0, help="wall time of the simulated week (default 30)")
    ap.add_argument("--out", type=Path, help="keep the run's folder (logs, screens, database) here")
    ap.add_argument("--port", type=int, default=19100, help="the hub's port; the device links take the next four")
    ap.add_argument("--issue-per-s", type=float, default=30.0, help="tickets a second from the other kiosks")
    ap.add_argument("--calls-per-s", type=float, default=16.0, help="calls a second by the other counters")
    ap.add_argument("--no-announcer", action="store_true", help="the board without voice announcements")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = ap.parse_args()
    from soak_harness import Soak

    cfg = SoakConfig(days=week_plan(args.minutes * 60), issue_per_s=args.issue_per_s,
                     other_calls_per_s=args.calls_per_s, sample_s=5.0, window_fraction=0.15,
                     rss_allow_bytes=6 * 1024 * 1024, rss_allow_ratio=0.05, announcer=not args.no_announcer,
                     port=args.port, settle_s=30.0)
    # SIGTERM ends the run like Ctrl-C: the device and hub processes are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda _s, _f: sys.exit(143))
    folder = args.out or Path(tempfile.mkdtemp(prefix="motcua-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()

    def log(msg: str) -> None:
        if not args.quiet:
            print(f"[{time.monotonic() - t0:7.1f} s] {msg}", file=sys.stderr, flush=True)

    try:
        with Soak(folder, cfg, log=log) as soak:
            report = soak.run()
    finally:
        if args.out is None:
            shutil.rmtree(folder, ignore_errors=True)
    report["wall_s"] = round(time.monotonic() - t0, 1)
    report["folder"] = str(folder) if args.out else None
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
