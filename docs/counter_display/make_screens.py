"""Re-make the screenshots and the call WAV of this folder:

    .venv/bin/python docs/counter_display/make_screens.py

A hub on 127.0.0.1 with the example site, a fixed clock (Thursday 26 November 2026, 09:41), a morning's
worth of calls; then the same rendering the demo uses (demo.board.render_screens).
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

from counter_display.announce import Announcer  # noqa: E402
from counter_display.audio import NullPlayer  # noqa: E402
from counter_display.config import AnnouncerSettings  # noqa: E402
from demo.board import board_from_events, render_screens  # noqa: E402
from motcua.clock import VIETNAM_TZ, ManualClock  # noqa: E402
from motcua.config import example_site_config_path, load_site_config  # noqa: E402
from sync.client import HubClient  # noqa: E402
from sync.localsite import LocalSite  # noqa: E402


def main() -> None:
    out = Path(__file__).resolve().parent
    config = load_site_config(example_site_config_path())
    tmp = Path(tempfile.mkdtemp())
    clock = ManualClock(datetime(2026, 11, 26, 8, 30, tzinfo=VIETNAM_TZ))
    site = LocalSite(config=config, clock=clock, central=False, token_name="docs").start()
    tokens = site.tokens
    events: list[dict] = []
    sub = HubClient(site.url, tokens["board"]).events(last_event_id=0)
    th = threading.Thread(target=lambda: [events.append({"seq": e.seq, **e.data}) for e in sub], daemon=True)
    th.start()
    k, c = HubClient(site.url, tokens["kiosk"]), HubClient(site.url, tokens["counter"])
    rng = random.Random(3)
    codes = [s.code for s in config.services]
    for _ in range(90):
        k.issue(rng.choice(codes))
        clock.advance(20)
    for n in range(1, 16):
        if n == 9:
            c.pause(9)
            continue
        c.call_next(n)
        clock.advance(40)
    for n in (1, 2, 4, 5, 6, 11, 3):
        c.call_next(n)
        clock.advance(90)
    c.recall(3)
    k.report_device("paper_low", message="Máy in ki-ốt 2 sắp hết giấy", device="kiosk-2")
    last = c.board()["last_seq"]
    deadline = time.monotonic() + 10
    while (not events or events[-1]["seq"] < last) and time.monotonic() < deadline:
        time.sleep(0.02)
    sub.close()
    site.stop()
    state = board_from_events(config, events)
    at = datetime(2026, 11, 26, 9, 41, tzinfo=VIETNAM_TZ).timestamp()
    paths = render_screens(tmp, config, state, events, at=at, counter=3)
    for p in paths:
        name = {"board.png": "board-1920x1080.png", "counter.png": "counter-panel.png"}.get(p.name, p.name)
        p.replace(out / name)
    state.counters[9].state = "paused"
    from counter_display.board import render_board

    class At:
        def time(self) -> float:
            return at

    render_board(state, out / "board-offline-1920x1080.png", clock=At(), online=False, highlight=False)
    ann = Announcer(settings=AnnouncerSettings(cache_dir=tmp / "cache"), player=NullPlayer())
    ann.render("1023", 5, out / "call-1023-quay-5.wav")
    ann.close()
    print("\n".join(sorted(str(p.relative_to(ROOT)) for p in out.iterdir() if p.suffix in (".png", ".wav"))))


if __name__ == "__main__":
    main()
