"""Re-make the declaration-form pictures of this folder:

    .venv/bin/python docs/forms/make_screens.py [--out docs/forms]

A hub on 127.0.0.1 for the example site (sync.localsite, no central server), a fixed clock (Thursday
3 December 2026, 09:40); then the kiosk's own screenshot code (kiosk.form_screens), which the demo uses too.
Prints each step's measures: how much of the screen it fills, its smallest touch target and smallest text.
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

from kiosk.form_screens import capture_form_screens  # noqa: E402
from kiosk.public_screens import capture_public_screens  # noqa: E402
from motcua.clock import VIETNAM_TZ, ManualClock  # noqa: E402
from scanners import synthetic  # noqa: E402
from sync.localsite import LocalSite  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Render the README's declaration-form screenshots into --out."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args(argv)
    clock = ManualClock(datetime(2026, 12, 3, 9, 40, tzinfo=VIETNAM_TZ))
    tmp = Path(tempfile.mkdtemp(prefix="motcua-form-screens-"))
    camera = tmp / "camera"
    synthetic.write_photo_folder(camera, count=1, seed=3)
    synthetic.write_document_folder(camera, 2, seed=5)
    with LocalSite(clock=clock, central=False, roles=("kiosk",), token_name="Ki-ốt sảnh 1") as site:
        shots = capture_form_screens(args.out, hub_url=site.url, token=site.tokens["kiosk"], clock=clock.time,
                                     camera_dir=camera, a4_dir=tmp / "a4")
        # Public-computer mode and "are you still there?" (kiosk.public_screens); port 9: nothing listens there.
        public = capture_public_screens(args.out, hub_url=site.url, token=site.tokens["kiosk"], clock=clock.time,
                                        a4_dir=tmp / "a4-public", unreachable_a4="cups://127.0.0.1:9/A4")
        shots.steps.extend(public.steps)
    print(f"home screen's service names: {shots.service_text_px} px")
    for path, m in shots.steps:
        print(f"{path}  filled {m.filled:.0%}  smallest target {m.smallest_target_mm} mm  "
              f"smallest text {m.smallest_text_px} px")
    return 0


if __name__ == "__main__":
    sys.exit(main())
