"""The board and the counter panel tell failures apart (issue 10): a refused token is not "offline"; the
board labels a call with the ticket's own service and lays its counter tiles out right for every number
width; `board --screenshot` draws the hub's state; both say honestly when the hub goes and comes back.
A real hub on 127.0.0.1."""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from support import RunningHub, small_site

from counter_display import texts
from counter_display.board import BoardController, BoardView, make_state, render_board
from counter_display.config import BoardConfig, CounterConfig, parse_device_config
from counter_display.counter import CounterPanel, follow_hub
from counter_display.state import BoardState, CounterView
from sync.client import HubAuthError, HubClient, HubError, HubUnavailable
from ui.bridge import FeedBridge
from ui.feed import FeedState
from ui.qt import QFontMetrics, QImage, QPainter

WRONG = "board_this-token-was-never-made"
#: What a visitor must never read on the board: an address, a port, an exception's name or its words.
LEAKS = [re.compile(p) for p in (r"://", r"\b\d{1,3}(?:\.\d{1,3}){3}\b", r"\b[A-Za-z][\w.-]*:\d{2,5}\b",
                                 r"\b\w*(?:Error|Exception|Unavailable|Timeout)\b", r"Errno", r"\b40[13]\b",
                                 r"[Cc]onnection refused", r"HTTPConnectionPool")]


def assert_plain(drawn: list[str]) -> None:
    for text in drawn:
        for pattern in LEAKS:
            assert not pattern.search(text), (pattern.pattern, text)


def painted(view: BoardView, w: int = 1920, h: int = 1080) -> list[str]:
    """Paint the board as the screen would and return every text drawn."""
    view.resize(w, h)
    img = QImage(w, h, QImage.Format.Format_RGB32)
    p = QPainter(img)
    view.paint(p)
    p.end()
    return [t for t, _ in view.painted]


def board_config(hub: RunningHub, token: str | None = None, **board: Any) -> BoardConfig:
    return parse_device_config(BoardConfig, {"hub": {"url": hub.url, "token": token or hub.tokens["board"]},
                                             "board": {"cache_dir": board.pop("cache_dir", None), **board}},
                               path="board.toml")


def start_board(qtbot: Any, hub: RunningHub, token: str | None = None, **feed: Any) -> BoardController:
    cfg = board_config(hub, token)
    view = BoardView(make_state(cfg), settings=cfg, clock=hub.clock)
    qtbot.addWidget(view)
    ctl = BoardController(config=cfg, view=view, announcer=None, clock=hub.clock)
    ctl.start(HubClient(hub.url, token or hub.tokens["board"], timeout=2), max_backoff=0.3, **feed)
    return ctl


# ---------------------------------------------------------------------- the client's three errors
def test_the_client_tells_unreachable_refused_token_and_refused_request_apart(hub: RunningHub) -> None:
    with pytest.raises(HubAuthError) as wrong:
        HubClient(hub.url, WRONG).site()
    assert wrong.value.status == 401 and isinstance(wrong.value, HubError)  # old `except HubError` still works
    with pytest.raises(HubAuthError) as role:
        hub.client("board").issue("A")
    assert role.value.status == 403 and role.value.text.en == "the board role may not do this"
    with pytest.raises(HubError) as refused:
        hub.client("kiosk").issue("NOPE")
    assert not isinstance(refused.value, HubAuthError) and refused.value.code == "unknown_service"
    with pytest.raises(HubAuthError):
        list(HubClient(hub.url, WRONG).events(last_event_id=0))
    port = hub.port
    hub.stop()
    with pytest.raises(HubUnavailable):
        HubClient(f"http://127.0.0.1:{port}", hub.tokens["kiosk"], timeout=1).site()
    hub.start()


# ---------------------------------------------------------------------- the board
def test_the_board_shows_a_refused_token_as_out_of_service(qtbot, hub: RunningHub, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.INFO)
    ctl = start_board(qtbot, hub, WRONG, refused_retry_s=0.2)
    try:
        qtbot.waitUntil(lambda: ctl.view.refused is not None, timeout=5000)
        qtbot.wait(600)  # a few more refusals
        drawn = painted(ctl.view)
        assert texts.BOARD_REFUSED.vi in drawn and texts.BOARD_REFUSED.en in drawn
        assert texts.BOARD_OFFLINE.vi not in drawn
        assert_plain(drawn)
        assert ctl.feed.state is FeedState.REFUSED
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1 and "401" in errors[0].getMessage() and "[hub] token" in errors[0].getMessage()
        assert WRONG not in caplog.text
    finally:
        ctl.stop()


def test_the_board_labels_a_call_with_the_tickets_own_service(qtbot, make_hub) -> None:  # noqa: ANN001
    site = small_site(counters=[{"number": 1, "services": ["A"]},
                                {"number": 2, "name": "Quầy 2 - Đất đai", "services": ["A", "B"]}])
    hub = make_hub(site)
    hub.client("kiosk").issue("B")
    ctl = start_board(qtbot, hub)
    try:
        qtbot.waitUntil(lambda: ctl.view.online and ctl.state.site_name != "", timeout=5000)
        hub.client("counter").call_next(2)
        qtbot.waitUntil(lambda: ctl.state.latest is not None, timeout=5000)
        assert ctl.state.latest.display == "B001"
        assert latest_block(ctl.view) == ["B001", "Quầy 2", "Tư pháp - Hộ tịch"]  # not the counter's "Đất đai"
        hub.client("counter").recall(2)
        qtbot.waitUntil(lambda: ctl.state.latest.recall, timeout=5000)
        assert latest_block(ctl.view) == ["B001", "Quầy 2", f"{texts.BOARD_RECALL.vi} · Tư pháp - Hộ tịch"]
    finally:
        ctl.stop()


def latest_block(view: BoardView) -> list[str]:
    """The newest call as drawn: its number, "Quầy N" and the line under it."""
    drawn = painted(view)
    head = drawn.index(f"{texts.BOARD_NOW_SERVING.vi}  ·  {texts.BOARD_NOW_SERVING.en}")
    return drawn[head + 1:head + 4]


COUNTER_SETS = {"1 digit": [1, 2, 3], "2 digits": list(range(1, 13)), "3 digits": [7, 42, 108, 115],
                "30 counters": list(range(100, 130))}
DISPLAYS = ["101", "1004", "B012", "AB123", "TP0001", "A12", "TPHT01"]


@pytest.mark.parametrize("name", list(COUNTER_SETS))
def test_counter_tiles_keep_label_and_number_apart_for_every_width(qtbot, name: str, tmp_path: Path) -> None:  # noqa: ANN001
    numbers = COUNTER_SETS[name]
    state = BoardState(site_name="Trung tâm", services={"A": "Đất đai"})
    for i, n in enumerate(numbers):
        current = DISPLAYS[i % len(DISPLAYS)] if i % 5 != 4 else None
        state.counters[n] = CounterView(n, f"Quầy {n}", state="open" if current else ("paused" if i % 2 else "closed"),
                                        current=current)
    view = BoardView(state)
    qtbot.addWidget(view)
    drawn = painted(view)
    tiles = view.counter_tiles()
    assert [t.number for t in tiles] == numbers
    for t in tiles:
        c = state.counters[t.number]
        assert t.label == f"Quầy {t.number}" and t.label in drawn
        assert t.value == (c.current or (texts.BOARD_PAUSED.vi if c.state == "paused" else texts.BOARD_CLOSED.vi))
        for rect, text, font in ((t.label_rect, t.label, t.label_font), (t.value_rect, t.value, t.value_font)):
            assert t.cell.contains(rect), (t.label, rect, t.cell)
            assert QFontMetrics(font).horizontalAdvance(text) <= rect.width() + 0.5, (text, rect.width())
            assert QFontMetrics(font).height() <= rect.height()
        # The number starts well clear of the label: never "Quầy 11004".
        assert t.value_rect.left() - t.label_rect.right() >= max(12.0, t.cell.height() * 0.25) - 0.01
        value_ink = t.value_rect.right() - QFontMetrics(t.value_font).horizontalAdvance(t.value)
        label_ink = t.label_rect.left() + QFontMetrics(t.label_font).horizontalAdvance(t.label)
        assert value_ink - label_ink >= 12, (t.label, t.value)
        assert t.label_font.pixelSize() >= min(16, t.cell.height() * 0.3)
        if c.current:
            assert t.value_font.pixelSize() >= t.label_font.pixelSize()  # the number is the larger text
    # One number size for all tiles: the numbers line up.
    assert len({t.value_font.pixelSize() for t in tiles if state.counters[t.number].current}) == 1
    render_board(state, tmp_path / f"tiles-{name.replace(' ', '-')}.png")


def test_board_screenshot_fetches_the_hub_state(hub: RunningHub, tmp_path: Path, caplog) -> None:  # noqa: ANN001
    from counter_display import board_main

    hub.client("kiosk").issue("A")
    hub.client("counter").call_next(1)

    def run(token: str, out: str) -> tuple[int, QImage]:
        cfg = tmp_path / f"{out}.toml"
        # a generous timeout: on a loaded machine the hub may take more than 2 s to answer the snapshot
        cfg.write_text(f'[hub]\nurl = "{hub_url}"\ntoken = "{token}"\ntimeout_s = 10\n[board]\n'
                       f'cache_dir = "cache-{out}"\n[announcer]\nenabled = false\n', encoding="utf-8")
        code = board_main.main(["--config", str(cfg), "--screenshot", str(tmp_path / f"{out}.png")])
        return code, QImage(str(tmp_path / f"{out}.png"))

    def latest_drawn(img: QImage) -> bool:  # the newest call's block, highlighted (no cache: only the hub has it)
        px = img.pixelColor(int(img.width() * 0.05), int(img.height() * 0.2))
        return (px.red(), px.green(), px.blue()) == (0xE4, 0x57, 0x2E)

    def marked(img: QImage) -> bool:  # the offline/out-of-service mark at the right end of the ticker
        px = img.pixelColor(1900, 1046)
        return (px.red(), px.green(), px.blue()) == (0x3A, 0x0D, 0x12)

    hub_url = hub.url
    code, img = run(hub.tokens["board"], "up")
    assert code == 0 and latest_drawn(img) and not marked(img)
    caplog.set_level(logging.INFO)
    code, img = run(WRONG, "refused")
    assert code == 1 and marked(img) and not latest_drawn(img)
    assert any(r.levelno == logging.ERROR and "refused" in r.getMessage() for r in caplog.records)
    hub.stop()
    code, img = run(hub.tokens["board"], "down")
    assert code == 0 and marked(img) and not latest_drawn(img)
    hub.start()


def test_the_board_says_when_the_hub_goes_and_when_it_is_back(qtbot, hub: RunningHub) -> None:  # noqa: ANN001
    hub.client("kiosk").issue("A")
    ctl = start_board(qtbot, hub)
    try:
        qtbot.waitUntil(lambda: ctl.view.online and ctl.state.site_name != "", timeout=5000)
        assert texts.BOARD_OFFLINE.vi not in painted(ctl.view)
        port = hub.port
        hub.stop()
        qtbot.waitUntil(lambda: not ctl.view.online, timeout=10000)
        drawn = painted(ctl.view)
        assert texts.BOARD_OFFLINE.vi in drawn and texts.BOARD_OFFLINE.en in drawn
        assert_plain(drawn)
        hub.start()
        assert hub.port == port
        hub.client("kiosk").issue("B")
        hub.client("counter").call_next(3)  # B001 (ordered: B first)
        qtbot.waitUntil(lambda: ctl.view.online and ctl.state.latest is not None, timeout=10000)
        drawn = painted(ctl.view)
        assert texts.BOARD_OFFLINE.vi not in drawn
        assert ctl.state.latest.display == "B001" and "B001" in drawn and "Tư pháp - Hộ tịch" in drawn
        assert ctl.state.counters[3].current == "B001" and ctl.state.waiting == {"A": 1, "B": 0, "C": 0}
    finally:
        ctl.stop()


# ---------------------------------------------------------------------- the counter panel
def make_panel(qtbot: Any, hub: RunningHub, token: str, number: int = 1) -> CounterPanel:
    cfg = parse_device_config(CounterConfig, {"hub": {"url": hub.url, "token": token},
                                              "counter": {"number": number, "poll_s": 600}}, path="c.toml")
    panel = CounterPanel(cfg, HubClient(hub.url, token, timeout=2))
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_the_panel_names_a_refused_token_and_logs_it(qtbot, hub: RunningHub, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.INFO)
    panel = make_panel(qtbot, hub, WRONG)
    with qtbot.waitSignal(panel.changed, timeout=5000):
        panel.refresh()
    assert panel.offline.isVisibleTo(panel) and panel.offline.text() == texts.PANEL_REFUSED.vi
    status = panel.status.text()
    assert "401" in status and "[hub] token" in status and "Mã thiết bị không hợp lệ" in status
    assert "invalid device token" in status and WRONG not in status
    assert "Mất kết nối" not in status
    assert [r.levelno for r in caplog.records if r.name == "counter_display.counter"] == [logging.ERROR]
    assert WRONG not in caplog.text


def test_the_panel_names_a_token_of_another_role(qtbot, hub: RunningHub) -> None:  # noqa: ANN001
    hub.client("kiosk").issue("A")
    panel = make_panel(qtbot, hub, hub.tokens["kiosk"])
    with qtbot.waitSignal(panel.changed, timeout=5000):
        panel.refresh()  # a kiosk's token may read the counter...
    assert not panel.offline.isVisibleTo(panel)
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        panel.act("next")  # ...not call a number
    assert "403" in panel.status.text() and "ki-ốt" in panel.status.text() and "kiosk role" in panel.status.text()
    assert panel.offline.isVisibleTo(panel) and panel.offline.text() == texts.PANEL_REFUSED.vi


def test_the_panel_names_a_token_of_another_counter(qtbot, hub: RunningHub) -> None:  # noqa: ANN001
    from sync.store import create_token

    hub.client("kiosk").issue("A")
    panel = make_panel(qtbot, hub, create_token(hub.db, role="counter", name="Quầy 2", counter=2), number=1)
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        panel.act("next")
    assert "403" in panel.status.text() and "quầy 2" in panel.status.text() and "counter 2" in panel.status.text()
    assert panel.offline.text() == texts.PANEL_REFUSED.vi
    assert hub.client("admin").counter(1).current is None  # nothing was called


def test_the_panel_says_when_the_hub_goes_and_when_it_is_back(qtbot, hub: RunningHub) -> None:  # noqa: ANN001
    panel = make_panel(qtbot, hub, hub.tokens["counter"])
    bridge = FeedBridge(panel)
    feed = follow_hub(panel, HubClient(hub.url, hub.tokens["counter"], timeout=2), bridge, max_backoff=0.3)
    try:
        qtbot.waitUntil(lambda: panel.view is not None and panel.view.number == 1 and panel.online, timeout=5000)
        assert panel.sync_label.text() == texts.SYNC_DISABLED.vi
        port = hub.port
        hub.stop()
        # No click, no poll (poll_s is 600): the feed tells the panel at once.
        qtbot.waitUntil(lambda: panel.offline.isVisibleTo(panel), timeout=10000)
        assert panel.offline.text() == texts.PANEL_OFFLINE.vi
        assert panel.sync_label.text() == texts.SYNC_UNKNOWN.vi  # no stale "up to date" while unreachable
        hub.start()
        assert hub.port == port
        hub.client("kiosk").issue("A")
        hub.client("kiosk").issue("B")
        qtbot.waitUntil(lambda: not panel.offline.isVisibleTo(panel) and panel.view is not None and panel.view.waiting == 2,
                        timeout=10000)
        assert panel.status.text() == "" and panel.waiting_label.text() == "Đang chờ: 2"
        assert panel.sync_label.text() == texts.SYNC_DISABLED.vi
        with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
            panel.act("next")
        assert panel.number_label.text() == "1001" and not panel.offline.isVisibleTo(panel)
    finally:
        feed.stop()
        panel.close_worker()
