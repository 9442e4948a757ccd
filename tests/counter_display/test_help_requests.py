"""Issue 17, "Gọi cán bộ hỗ trợ / Call staff": a citizen touches the kiosk's button; the request reaches a
counter panel and the lobby board within a second (the hub's event stream, real feeds); a clerk takes it and it
leaves both screens, and the kiosk says staff are on the way. The request names the kiosk, nobody's data."""
from __future__ import annotations

import time

import requests
from support import RunningHub

from counter_display.board import BoardController, BoardView, make_state
from counter_display.config import BoardConfig, CounterConfig, parse_device_config
from counter_display.counter import CounterPanel, follow_hub
from kiosk.app import KioskWindow
from kiosk.backend import KioskBackend
from kiosk.config import hash_pin, parse_kiosk_config
from kiosk.help import HelpState
from sync.client import HubClient
from ui.bridge import FeedBridge
from ui.qt import Qt


def kiosk_window(qtbot, hub: RunningHub, tmp_path) -> KioskWindow:  # noqa: ANN001
    cfg = parse_kiosk_config({
        "hub": {"url": hub.url, "token": hub.tokens["kiosk"], "timeout_s": 3},
        "printer": {"address": "dummy:"},
        "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
        "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin("1234", iterations=1000),
                  "cache_db": str(tmp_path / "kiosk-cache.db")},
    })
    win = KioskWindow(cfg, KioskBackend(cfg), clock=hub.clock.time)
    qtbot.addWidget(win)
    win.show()
    return win


def test_help_reaches_the_panel_and_the_board_within_a_second_and_clears_when_taken(
        qtbot, hub: RunningHub, tmp_path) -> None:  # noqa: ANN001
    board_cfg = parse_device_config(BoardConfig, {"hub": {"url": hub.url, "token": hub.tokens["board"]}, "board": {}},
                                    path="board.toml")
    view = BoardView(make_state(board_cfg), settings=board_cfg, clock=hub.clock)
    qtbot.addWidget(view)
    view.resize(1920, 1080)
    view.show()
    board = BoardController(config=board_cfg, view=view, announcer=None, clock=hub.clock)
    board.start(hub.client("board"))
    panel = CounterPanel(parse_device_config(CounterConfig, {"hub": {"url": hub.url, "token": hub.tokens["counter"]},
                                                             "counter": {"number": 1, "poll_s": 600}}, path="c.toml"),
                         hub.client("counter"))
    qtbot.addWidget(panel)
    panel.show()
    feed = follow_hub(panel, HubClient(hub.url, hub.tokens["counter"], timeout=2), FeedBridge(panel))
    win = kiosk_window(qtbot, hub, tmp_path)
    try:
        qtbot.waitUntil(lambda: view.online and panel.view is not None and panel.view.number == 1
                        and win.site is not None, timeout=10000)
        assert not panel.help_panel.isVisible() and view.state.open_help() == []
        assert win.help.button.text() == "Gọi cán bộ hỗ trợ"
        # The citizen touches the button.
        start = time.monotonic()
        qtbot.mouseClick(win.help.button, Qt.MouseButton.LeftButton)
        assert win.help.button.text() == "Đã gọi cán bộ, xin chờ"  # feedback at once
        qtbot.waitUntil(lambda: bool(panel.help_panel.lines()) and bool(view.state.open_help()), timeout=1000)
        elapsed = time.monotonic() - start
        assert elapsed < 1.0, elapsed
        device = hub.client("board").help_requests()[0].device  # the kiosk token's name
        assert panel.help_panel.lines() == [f"{device} cần hỗ trợ (từ 09:00)"]
        view.repaint()
        assert f"Cán bộ hỗ trợ xin mời đến: {device}" in [text for text, _ in view.painted]
        # A second touch (or a second kiosk session) is the same request.
        qtbot.waitUntil(lambda: win.help.state is HelpState.CALLED, timeout=3000)
        again = hub.client("kiosk").request_help()
        assert again.id == win.help.request_id and len(hub.client("board").help_requests()) == 1
        # A clerk takes it: it leaves the panel and the board within a second; the kiosk hears of it.
        [row] = panel.help_panel.rows.values()
        ack = row.findChildren(type(win.help.button))[0]
        start = time.monotonic()
        qtbot.mouseClick(ack, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not panel.help_panel.isVisible() and not view.state.open_help(), timeout=1000)
        assert time.monotonic() - start < 1.0
        qtbot.waitUntil(lambda: win.help.state is HelpState.TAKEN, timeout=5000)
        assert win.help.button.text() == "Cán bộ đang đến"
        # What the events carried: the kiosk's name and times, the counter that took it.
        rows = hub.store.read("SELECT type, data FROM events WHERE type LIKE 'help.%' ORDER BY seq")
        assert [r[0] for r in rows] == ["help.requested", "help.acknowledged"]
        assert '"counter":1' in rows[1][1].replace(" ", "")
    finally:
        board.stop()
        feed.stop()
        panel.close_worker()
        win.allow_close = True
        win.close()


def test_open_requests_survive_a_hub_restart_and_only_staff_take_them(hub: RunningHub) -> None:
    kiosk = hub.client("kiosk")
    first = kiosk.request_help()
    assert kiosk.request_help().id == first.id  # one open request per kiosk
    hub.restart()
    board = hub.client("board")
    assert [h.id for h in board.help_requests()] == [first.id]
    assert [h.id for h in board.board().help_requests] == [first.id]
    # A kiosk or a board cannot take a request; a clerk can, once.
    for role in ("kiosk", "board"):
        r = requests.post(f"{hub.url}/api/v1/help/{first.id}/ack", timeout=5,
                          headers={"Authorization": f"Bearer {hub.tokens[role]}"})
        assert r.status_code == 403
    taken = hub.client("counter").acknowledge_help(first.id)
    assert taken.acknowledged_at is not None and taken.device == first.device
    r = requests.post(f"{hub.url}/api/v1/help/{first.id}/ack", timeout=5,
                      headers={"Authorization": f"Bearer {hub.tokens['counter']}"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert board.help_requests() == []
