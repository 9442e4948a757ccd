"""The board app on the GUI thread: a real hub's events through the feed, the state, the view and the
announcer; the offline mark; screenshots at TV sizes; the demo hook."""
from __future__ import annotations

import json
import time
import wave
from pathlib import Path

import pytest
from support import RunningHub

from counter_display.announce import Announcer, EspeakSynthesizer, PhraseCache
from counter_display.audio import RecordingPlayer
from counter_display.board import BoardController, BoardView, make_state, playlist, render_board
from counter_display.config import AnnouncerSettings, BoardConfig, GuideSettings, parse_device_config
from demo.board import board_artefacts, board_from_events
from ui.qt import QImage


def board_config(hub: RunningHub, **board) -> BoardConfig:
    return parse_device_config(BoardConfig, {"hub": {"url": hub.url, "token": hub.tokens["board"]}, "board": board},
                               path="board.toml")


def test_calls_reach_the_view_and_the_announcer_once(qtbot, hub: RunningHub, tmp_path: Path) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    for _ in range(3):
        k.issue("A")
    cfg = board_config(hub)
    view = BoardView(make_state(cfg), settings=cfg, clock=hub.clock)
    qtbot.addWidget(view)
    player = RecordingPlayer(hub.clock)
    ann = Announcer(settings=AnnouncerSettings(cache_dir=tmp_path), player=player,
                    cache=PhraseCache(tmp_path, EspeakSynthesizer()), clock=hub.clock)
    ctl = BoardController(config=cfg, view=view, announcer=ann, clock=hub.clock, cache_path=tmp_path / "b.json")
    ctl.start(hub.client("board"))
    try:
        qtbot.waitUntil(lambda: view.state.site_name != "" and view.online, timeout=5000)
        c.call_next(1)
        c.call_next(2)
        c.recall(1)
        qtbot.waitUntil(lambda: len(ann.history) == 3, timeout=5000)
        assert [(a.display, a.counter, a.recall) for a in ann.history] == [("1001", 1, False), ("1002", 2, False),
                                                                           ("1001", 1, True)]
        assert view.state.latest.display == "1001" and view.state.latest.recall
        assert view.highlight_until > hub.clock.time()
        hub.stop()
        qtbot.waitUntil(lambda: not view.online, timeout=10000)
        hub.start()
        c = hub.client("counter")
        c.call_next(3)
        qtbot.waitUntil(lambda: len(ann.history) == 4 and view.online, timeout=10000)
        assert ann.history[-1].display == "1003"
        ctl.flush()
        assert cached_board(tmp_path / "b.json")["recent"][0]["display"] == "1003"
    finally:
        ctl.stop()


def test_old_calls_after_an_outage_are_shown_but_not_spoken(qtbot, hub: RunningHub, tmp_path: Path) -> None:
    cfg = board_config(hub, announce_max_age_s=60)
    view = BoardView(make_state(cfg), settings=cfg, clock=hub.clock)
    qtbot.addWidget(view)
    ann = Announcer(settings=AnnouncerSettings(enabled=False), player=RecordingPlayer(hub.clock))
    ctl = BoardController(config=cfg, view=view, announcer=ann, clock=hub.clock)
    from sync.client import HubEvent

    hub.clock.advance(600)
    t = {"id": "x", "display": "1001", "service": "A", "status": "called"}
    ctl.on_event(HubEvent(1, "ticket.called", {"ticket": t, "counter": 1, "at": hub.clock.time() - 300}))
    ctl.on_event(HubEvent(2, "ticket.recalled", {"ticket": t, "counter": 1, "at": hub.clock.time() - 5}))
    assert [c.display for c in view.state.recent] == ["1001", "1001"] and ctl.calls_announced == 1


def test_a_boards_clock_that_is_off_judges_calls_on_the_hubs_time(qtbot, hub: RunningHub, tmp_path: Path) -> None:
    # A lobby PC without NTP runs 10 minutes late (or early): live calls must still be spoken and calls
    # replayed after an outage still not, judged on the hub's time from the last snapshot.
    from motcua.clock import ManualClock
    from sync.client import HubEvent

    cfg = board_config(hub, announce_max_age_s=60)
    k, c = hub.client("kiosk"), hub.client("counter")
    k.issue("A")
    for skew in (-600.0, 600.0):
        board_clock = ManualClock(hub.clock.time() + skew)
        view = BoardView(make_state(cfg), settings=cfg, clock=board_clock)
        qtbot.addWidget(view)
        ann = Announcer(settings=AnnouncerSettings(enabled=False), player=RecordingPlayer(board_clock))
        ctl = BoardController(config=cfg, view=view, announcer=ann, clock=board_clock)
        ctl.on_snapshot(c.site(), c.board())
        assert ctl.hub_offset_s == pytest.approx(-skew, abs=2)
        t = {"id": "x", "display": "1001", "service": "A", "status": "called"}
        # sequence numbers after the snapshot's (older ones are already in it)
        ctl.on_event(HubEvent(10_001, "ticket.called", {"ticket": t, "counter": 1, "at": hub.clock.time() - 2}))
        ctl.on_event(HubEvent(10_002, "ticket.recalled", {"ticket": t, "counter": 1, "at": hub.clock.time() - 300}))
        assert ctl.calls_announced == 1, skew


def test_screens_at_tv_sizes(hub: RunningHub, tmp_path: Path) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    k.issue("A")
    k.issue("B")
    c.call_next(1)
    state = make_state()
    state.load_site(c.site())
    state.load_board(c.board())
    for w, h in ((1920, 1080), (3840, 2160)):
        p = render_board(state, tmp_path / f"b{w}.png", width=w, height=h, clock=hub.clock, online=False)
        img = QImage(str(p))
        assert (img.width(), img.height()) == (w, h)
        # the highlighted latest call is painted (orange) where the big number goes
        px = img.pixelColor(int(w * 0.05), int(h * 0.2))
        assert (px.red(), px.green(), px.blue()) == (0xE4, 0x57, 0x2E)


def test_guides_playlist_from_a_folder(tmp_path: Path) -> None:
    for name in ("b.png", "a.mp4", "notes.txt", "c.jpg"):
        (tmp_path / name).write_bytes(b"")
    assert [Path(p).name for p in playlist(GuideSettings(folder=tmp_path))] == ["a.mp4", "b.png", "c.jpg"]
    assert playlist(GuideSettings(items=["http://hub/g1.mp4"])) == ["http://hub/g1.mp4"]
    assert playlist(GuideSettings()) == []


class FakeRun:
    def __init__(self, hub: RunningHub, events: list[dict]) -> None:
        self.events, self.config, self.clock = events, hub.config, hub.clock


def test_demo_hook_writes_announcements_audio_and_screens(hub: RunningHub, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    k, c = hub.client("kiosk"), hub.client("counter")
    for _ in range(4):
        k.issue("A")
    k.issue("B")
    c.call_next(1)
    c.call_next(2)
    c.recall(2)
    c.call_next(3)
    c.call_next(1)
    events = []
    import threading

    sub = hub.client("board").events(last_event_id=0)
    th = threading.Thread(target=lambda: [events.append({"seq": e.seq, **e.data}) for e in sub], daemon=True)
    th.start()
    last = hub.hub.events.last_seq
    import time

    deadline = time.monotonic() + 10
    while (not events or events[-1]["seq"] < last) and time.monotonic() < deadline:
        time.sleep(0.01)
    sub.close()
    out = tmp_path / "demo"
    out.mkdir()
    board_artefacts(out, FakeRun(hub, events))
    lines = [json.loads(x) for x in (out / "announcements.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(x["display"], x["counter"]) for x in lines] == [("1001", 1), ("1002", 2), ("1002", 2), ("B001", 3),
                                                            ("1003", 1)]
    assert lines[0]["text"] == "Mời công dân có số thứ tự một nghìn không trăm linh một đến quầy số một"
    assert lines[0]["at"].startswith("2026-11-26T09:00:00")
    assert lines[1]["wav"] == lines[2]["wav"]  # a recall reuses the call's WAV
    assert len(list((out / "audio").glob("*.wav"))) == 4
    for x in lines:
        with wave.open(str(out / x["wav"])) as w:
            assert w.getnframes() / w.getframerate() > 3
    for name in ("board.png", "board-3840x2160.png", "counter.png"):
        assert QImage(str(out / "screens" / name)).width() > 400
    state = board_from_events(hub.config, events)
    assert state.counters[1].current == "1003" and state.waiting["A"] == 1


def test_board_main_runs_against_a_hub_and_quits(qtbot, hub: RunningHub, tmp_path: Path) -> None:
    from counter_display import board, board_main
    from ui.qt import QApplication, QTimer

    img = QImage(64, 36, QImage.Format.Format_RGB32)
    img.fill(0x336699)
    (tmp_path / "guides").mkdir()
    img.save(str(tmp_path / "guides" / "01.png"))
    cfg = tmp_path / "board.toml"
    cfg.write_text(f'[hub]\nurl = "{hub.url}"\ntoken = "{hub.tokens["board"]}"\n[board]\nfullscreen = false\n'
                   f'cache_dir = "cache"\n[announcer]\nenabled = false\n[guides]\nfolder = "guides"\n',
                   encoding="utf-8")
    hub.client("kiosk").issue("A")
    hub.client("counter").call_next(1)
    seen = {}
    deadline = time.monotonic() + 30

    def check_and_quit() -> None:
        # Polled: the board is closed once it shows the hub's call and a guide (or after 30 s, when the
        # asserts below say what it lacked), so a slow machine waits longer instead of failing.
        views = [w for w in QApplication.topLevelWidgets() if isinstance(w, board.BoardView) and w.isVisible()]
        seen["latest"] = views[0].state.latest.display if views and views[0].state.latest else None
        seen["guide"] = views[0].guide_image is not None if views else False
        if views and (seen["latest"] and seen["guide"] or time.monotonic() > deadline):
            poll.stop()
            for v in views:
                v.close()

    poll = QTimer()
    poll.timeout.connect(check_and_quit)
    poll.start(100)
    assert board_main.main(["--config", str(cfg)]) == 0
    assert seen["latest"] == "1001" and seen["guide"]
    assert (tmp_path / "cache" / "board-cache.db").exists()


def cached_board(path):  # noqa: ANN001, ANN201
    """What the board left in its SQLite cache."""
    from sync.client import DeviceCache

    cache = DeviceCache(path)
    try:
        return cache.get("board")[0]
    finally:
        cache.close()
