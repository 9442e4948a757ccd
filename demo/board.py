"""The board's and the announcer's demo artefacts (`board_artefacts`, one of demo.artefacts.ARTEFACT_HOOKS).

From the events the demo's board subscription saw: DIR/announcements.jsonl (one line per call: `at`,
`display`, `counter`, `text`, `wav`), DIR/audio/ (one WAV per distinct call, each sentence synthesised
once), and DIR/screens/ (the board at 1920×1080 and 3840×2160 and a counter panel, drawn offscreen
from the final state). Everything comes from `run.events`, not from the hub: the same drawing makes the
README's pictures (docs/counter_display/make_screens.py).
"""
from __future__ import annotations

import json
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_display.announce import EspeakSynthesizer, PhraseCache, call_phrases, ensure_chime, join_wavs
from counter_display.config import AnnouncerSettings, default_cache_dir
from counter_display.state import BoardState
from demo.model import DemoRun
from motcua.config import SiteConfig
from motcua.contract import CounterDetail, SiteDocument

log = logging.getLogger(__name__)


def site_document(config: SiteConfig) -> SiteDocument:
    """The parts of GET /site the board uses, from the site configuration."""
    return SiteDocument.model_validate({
        "site": {"code": config.site.code, "name": config.site.name}, "display": config.display.model_dump(),
        "services": [{"code": s.code, "name": s.name} for s in config.services],
        "counters": [{"number": c.number, "name": c.label, "services": list(c.services)} for c in config.counters]})


def board_from_events(config: SiteConfig, events: list[dict[str, Any]]) -> BoardState:  # the log's event JSON
    """The board's final state after these events (dicts with seq, type and the event data)."""
    state = BoardState()
    state.load_site(site_document(config))
    for ev in events:
        state.apply(int(ev["seq"]), str(ev["type"]), ev)
    return state


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "", text) or "x"


def write_audio(out: Path, calls: list[tuple[str, int]], *, settings: AnnouncerSettings | None = None,
                workers: int = 4) -> dict[tuple[str, int], Path]:
    """One WAV per distinct (display, counter) under out/audio/: chime and sentence, each phrase made once."""
    settings = settings or AnnouncerSettings()
    audio = out / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    # The phrase cache outlives the demo folder, so a second run synthesises nothing.
    cache_dir = settings.cache_dir or default_cache_dir("announcer")
    cache = PhraseCache(cache_dir, EspeakSynthesizer(speed_wpm=settings.speed_wpm), speed_wpm=settings.speed_wpm)
    chime = ensure_chime(settings.chime)
    distinct = list(dict.fromkeys(calls))

    def make(key: tuple[str, int]) -> tuple[tuple[str, int], Path]:
        display, counter = key
        target = audio / f"call-{_safe(display)}-q{counter}.wav"
        parts = [chime] if chime else []
        parts += [cache.get(text, voice=voice) for voice, text in call_phrases(display, counter, settings)]
        return key, join_wavs(parts, target)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, (os.cpu_count() or 2) * 2))) as pool:
        return dict(pool.map(make, distinct))


def _iso(ts: float, config: SiteConfig) -> str:
    return datetime.fromtimestamp(ts, config.tz).isoformat(timespec="seconds")


def write_announcements(out: Path, config: SiteConfig, events: list[dict[str, Any]],  # the log's event JSON
                        *, settings: AnnouncerSettings | None = None) -> int:
    """DIR/announcements.jsonl and DIR/audio/; returns the number of calls."""
    settings = settings or AnnouncerSettings()
    calls = [ev for ev in events if ev.get("type") in ("ticket.called", "ticket.recalled") and ev.get("ticket")]
    keys = [(ev["ticket"]["display"], int(ev["counter"])) for ev in calls]
    wavs = write_audio(out, keys, settings=settings) if settings.enabled else {}
    with (out / "announcements.jsonl").open("w", encoding="utf-8") as f:
        for ev, key in zip(calls, keys):
            (_, text), *_ = call_phrases(key[0], key[1], settings)
            wav = wavs.get(key)
            f.write(json.dumps({"at": _iso(float(ev.get("at") or 0), config), "display": key[0], "counter": key[1],
                                "text": text, "wav": str(wav.relative_to(out)) if wav else None,
                                "recall": ev["type"] == "ticket.recalled", "seq": ev["seq"]},
                               ensure_ascii=False) + "\n")
    return len(calls)


def panel_view(state: BoardState, number: int, config: SiteConfig,
               events: list[dict[str, Any]]) -> CounterDetail:  # the log's event JSON
    """GET /counters/N for one counter, from the board state and the events."""
    view = state.counters[number]
    cfg = config.counter(number)
    services = list(cfg.services) if cfg else []
    current = None
    if view.current_id:
        current = next((ev["ticket"] for ev in reversed(events)
                        if (ev.get("ticket") or {}).get("id") == view.current_id), None)
    return CounterDetail.model_validate({"number": number, "name": view.name, "state": view.state, "current": current,
                                         "served": view.served, "services": services,
                                         "waiting": sum(state.waiting.get(s, 0) for s in services)})


def render_screens(out: Path, config: SiteConfig, state: BoardState, events: list[dict[str, Any]],  # event JSON
                   *, at: float, counter: int | None = None) -> list[Path]:
    """Board (1920×1080, 3840×2160) and counter panel PNGs under out/screens/."""
    from counter_display.board import render_board
    from counter_display.counter import render_panel

    screens = out / "screens"

    class _At:
        def time(self) -> float:
            return at

    paths = [render_board(state, screens / "board.png", clock=_At()),
             render_board(state, screens / "board-3840x2160.png", width=3840, height=2160, clock=_At())]
    if counter is None:
        busy = [c for c in state.counters.values() if c.current] or list(state.counters.values())
        counter = max(busy, key=lambda c: c.served).number if busy else config.counters[0].number
    view = panel_view(state, counter, config, events)
    paths.append(render_panel(view, screens / "counter.png", services=site_document(config).services,
                              faults=list(state.faults.values()), now=at))
    return paths


def board_artefacts(out: Path, run: DemoRun) -> None:
    """The demo hook: announcements, audio and screens from a finished simulated morning."""
    events = sorted(run.events, key=lambda e: e["seq"])
    config = run.config
    n = write_announcements(out, config, events)
    state = board_from_events(config, events)
    last = max((float(e.get("at") or 0) for e in events), default=run.clock.time())
    render_screens(out, config, state, events, at=last)
    log.info("board demo: %d calls announced, screens in %s", n, out / "screens")

