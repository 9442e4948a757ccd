"""Re-make the kiosk pictures of this folder:

    .venv/bin/python docs/kiosk/make_screens.py [--out docs/kiosk]

A hub on 127.0.0.1 for the example site (sync.localsite, no central server), a fixed clock (Thursday
3 December 2026, 09:40), a morning's worth of tickets; then the kiosk's own screenshot code
(kiosk.screens.capture_screens and capture_dossier_screens), which the demo uses too.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

from kiosk.screens import capture_dossier_screens, capture_screens  # noqa: E402
from motcua.clock import VIETNAM_TZ, ManualClock  # noqa: E402
from scanners import synthetic  # noqa: E402
from sync.localsite import LocalSite  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Render the README's kiosk screenshots into --out."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args(argv)
    clock = ManualClock(datetime(2026, 12, 3, 9, 40, tzinfo=VIETNAM_TZ))
    with LocalSite(clock=clock, central=False, roles=("kiosk",), token_name="Ki-ốt sảnh 1") as site:
        token = site.tokens["kiosk"]
        seed = site.client("kiosk")
        for code, n in (("DD", 14), ("TPHT", 6), ("DKKD", 3), ("GTVT", 9), ("XD", 2), ("TKQ", 4)):
            for _ in range(n):
                seed.issue(code)
                clock.advance(20)
        seed.close()
        files = capture_screens(args.out, hub_url=site.url, token=token, clock=clock.time, service="DD")
        camera = Path(tempfile.mkdtemp(prefix="motcua-screens-")) / "camera"
        synthetic.write_photo_folder(camera, count=1, seed=3)
        synthetic.write_document_folder(camera, 4, seed=5)
        files += capture_dossier_screens(args.out, hub_url=site.url, token=token, clock=clock.time,
                                         camera_dir=camera)
    for f in files:
        print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
