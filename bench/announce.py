#!/usr/bin/env python3
"""Announcement latency: from a call event reaching the board to the start of audio. Prints one JSON object.

    .venv/bin/python bench/announce.py [--calls 20]

A hub on 127.0.0.1 (fixed clock, fresh database); the board's real path: the feed thread receives the
SSE event, hands it to the GUI thread as a Qt signal, the state applies it, the announcer queues the
call and starts the chime on QtMultimedia while the sentence is synthesised with espeak-ng. Measured per
call: to the play request (the announcer hands the first clip to the player), to the player reporting
"playing", and to the sentence's WAV being ready (cold cache: espeak-ng runs; warm: a cached file).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchlib import stats  # noqa: E402

LIMIT_MS = 150.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=20)
    args = ap.parse_args()

    from counter_display.announce import Announcer, EspeakSynthesizer, PhraseCache
    from counter_display.board import BoardController, BoardView, make_state
    from counter_display.config import AnnouncerSettings, BoardConfig, parse_device_config
    from counter_display.player import make_player
    from motcua.clock import VIETNAM_TZ, ManualClock
    from motcua.config import example_site_config_path, load_site_config
    from sync.client import HubClient
    from sync.localsite import LocalSite
    from ui.application import app

    qapp = app()
    tmp = Path(tempfile.mkdtemp(prefix="motcua-announce-bench-"))
    clock = ManualClock(datetime(2026, 11, 26, 9, 0, tzinfo=VIETNAM_TZ))
    config = load_site_config(example_site_config_path())
    site = LocalSite(tmp, config=config, clock=clock, central=False, roles=("kiosk", "board", "counter"),
                     token_name="bench").start()
    tokens = site.tokens
    cfg: BoardConfig = parse_device_config(BoardConfig, {"hub": {"url": site.url, "token": tokens["board"]},
                                                         "board": {"announce_max_age_s": 3600}}, path="bench")
    settings = AnnouncerSettings(cache_dir=tmp / "cache")
    synth = EspeakSynthesizer()
    player = make_player()
    view = BoardView(make_state(cfg), settings=cfg, clock=clock)
    received: dict[int, float] = {}
    started: dict[str, float] = {}
    playing: dict[str, float] = {}
    ready: dict[str, float] = {}
    current: dict[str, str] = {}

    class TimedCache(PhraseCache):
        def get(self, text: str, *, voice: str) -> Path:
            path = super().get(text, voice=voice)
            ready.setdefault(current.get("key", ""), time.perf_counter())
            return path

    def on_start(a) -> None:  # noqa: ANN001
        started[a.display] = time.perf_counter()

    ann = Announcer(settings=settings, player=player, cache=TimedCache(tmp / "cache", synth), on_start=on_start)
    if hasattr(player, "on_playing"):
        player.on_playing = lambda _p: playing.setdefault(current.get("key", ""), time.perf_counter())
    ctl = BoardController(config=cfg, view=view, announcer=ann, clock=clock)
    original = ctl.bridge.hub_event.emit

    def stamped(ev) -> None:  # noqa: ANN001 - runs on the feed thread, as the event arrives
        received[ev.seq] = time.perf_counter()
        original(ev)

    board_client = HubClient(site.url, tokens["board"])
    from ui.feed import HubFeed

    ctl.feed = HubFeed(board_client, on_snapshot=ctl.bridge.snapshot.emit, on_event=stamped,
                       on_state=ctl.bridge.online.emit).start()
    kiosk, counter = HubClient(site.url, tokens["kiosk"]), HubClient(site.url, tokens["counter"])

    def pump(until, timeout: float = 10.0) -> bool:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            qapp.processEvents()
            if until():
                return True
            time.sleep(0.0005)
        return False

    pump(lambda: view.state.site_name != "")
    results: dict[str, dict[str, list[float]]] = {}
    for phase in ("cold", "warm"):
        to_request, to_playing, to_ready = [], [], []
        for i in range(args.calls):
            if phase == "cold":
                kiosk.issue("DD")
            display = str(1001 + i)
            current["key"] = f"{phase}{i}"
            if phase == "cold":
                t = counter.call_next(1)
                assert t is not None and t.display == display, t
            else:
                # The same numbers again (a recall): cached sentences.
                counter.recall(1)
                display = view.state.counters[1].current or display
            seq = counter.board().last_seq
            if not pump(lambda d=display, q=seq: d in started and q in received):
                raise SystemExit(f"no announcement for {display}")
            pump(lambda: current["key"] in ready, 5)
            if hasattr(player, "on_playing"):
                pump(lambda: current["key"] in playing, 3)
            t0 = received[seq]
            to_request.append((started.pop(display) - t0) * 1000)
            if current["key"] in playing:
                to_playing.append((playing[current["key"]] - t0) * 1000)
            if current["key"] in ready:
                to_ready.append((ready[current["key"]] - t0) * 1000)
            ann.skip_all()
            pump(lambda: ann.pending() == 0, 3)
        results[phase] = {"to_request": to_request, "to_playing": to_playing, "to_ready": to_ready}
    ctl.feed.stop()
    site.stop()
    worst = max(max(r["to_playing"] or r["to_request"]) for r in results.values())
    out = {
        "benchmark": "announce",
        "calls_per_phase": args.calls,
        "limit_ms": LIMIT_MS,
        "player": player.diagnostics(),
        "espeak_ng_syntheses": synth.calls,
        "cold": {"event_to_play_request_ms": stats(results["cold"]["to_request"]),
                 "event_to_audio_playing_ms": stats(results["cold"]["to_playing"]),
                 "event_to_sentence_wav_ready_ms": stats(results["cold"]["to_ready"])},
        "warm": {"event_to_play_request_ms": stats(results["warm"]["to_request"]),
                 "event_to_audio_playing_ms": stats(results["warm"]["to_playing"]),
                 "event_to_sentence_wav_ready_ms": stats(results["warm"]["to_ready"])},
        "worst_event_to_audio_ms": round(worst, 2),
        "ok": worst <= LIMIT_MS,
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
