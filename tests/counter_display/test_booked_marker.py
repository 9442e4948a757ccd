"""The board and the counter panel show that a number was booked ahead (đặt lịch hẹn), with a real central server
and a real hub over HTTP on 127.0.0.1 (one injected clock): a citizen books at the central server, the booking
comes down the feed, checks in at the hub, waits beside a walk-in, and is called. The counter panel marks the
booked number it serves ("Đặt lịch 09:00") and counts the booked ones waiting; the board marks it on the big call
and in the recent calls ("ĐẶT LỊCH · BOOKED"), live and from the /board snapshot; a walk-in gets no mark.
MOTCUA_SCREENSHOTS=DIR keeps the pictures (the README's docs/counter_display/board-booked.png and counter-booked.png)."""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from booking_support import booking_pair
from support import RunningHub

from counter_display.board import BoardController, BoardView, make_state, render_board
from counter_display.config import BoardConfig, CounterConfig, parse_device_config
from counter_display.counter import CounterPanel
from counter_display.state import BoardState
from motcua.clock import ManualClock
from ui.qt import QImage, QPainter, Qt

MARK = "ĐẶT LỊCH · BOOKED"


@pytest.fixture
def site(tmp_path: Path, make_hub: Callable[..., RunningHub], clock: ManualClock) -> Iterator[tuple[RunningHub, str]]:
    with booking_pair(tmp_path, make_hub, clock) as pair:
        p = pair()
        yield p.hub, p.central.url



def book_and_check_in(hub: RunningHub, central_url: str) -> str:
    """Book 09:00 today at the central server, wait for it at the hub, check in by code: the ticket's display."""
    r = requests.post(f"{central_url}/api/v1/public/bookings", timeout=5, json={
        "site": "TEST", "service": "A", "day": "2026-11-26", "slot": "09:00", "name": "Đỗ Thị Hương",
        "phone": "0912345678", "id_number": "001090000123", "notify": True})
    assert r.status_code == 201, r.text
    booking = r.json()
    deadline = time.monotonic() + 15
    while not sqlite3.connect(hub.db).execute("SELECT 1 FROM feed_items WHERE kind = 'bookings' AND key = ?",
                                              (booking["id"],)).fetchall():
        assert time.monotonic() < deadline, "the booking did not reach the hub"
        time.sleep(0.05)
    checked = hub.client("kiosk").checkin_booking(code=booking["code"])
    assert checked["verdict"] == "on_time"
    return str(checked["ticket"]["display"])


def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path / "screens")


def marks(view: BoardView) -> list[tuple[float, float]]:
    """Paint the board as the TV would; where it painted the booked mark: (x, y) of each, on the 1920×1080 grid."""
    img = QImage(1920, 1080, QImage.Format.Format_RGB32)
    p = QPainter(img)
    try:
        view.paint(p)
    finally:
        p.end()
    return [(r.left(), r.top()) for text, r in view.painted if text == MARK]


def test_a_booked_number_is_marked_on_the_counter_panel_and_the_board(qtbot, site, tmp_path: Path) -> None:  # noqa: ANN001
    hub, central_url = site
    walk_in = hub.client("kiosk").issue("A").display
    booked = book_and_check_in(hub, central_url)
    assert (walk_in, booked) == ("1001", "1002")

    cfg = parse_device_config(BoardConfig, {"hub": {"url": hub.url, "token": hub.tokens["board"]}}, path="board.toml")
    view = BoardView(make_state(cfg), settings=cfg, clock=hub.clock)
    view.resize(1920, 1080)
    qtbot.addWidget(view)
    ctl = BoardController(config=cfg, view=view, clock=hub.clock, announcer=None)
    ctl.start(hub.client("board"))
    panel = CounterPanel(parse_device_config(CounterConfig, {
        "hub": {"url": hub.url, "token": hub.tokens["counter"]}, "counter": {"number": 1, "poll_s": 600},
        "clerks": [{"name": "Nguyễn Thị Lan", "pin": "2468"}]}, path="c.toml"), hub.client("counter"))
    qtbot.addWidget(panel)
    panel.show()
    try:
        qtbot.waitUntil(lambda: view.state.site_name != "" and view.online, timeout=5000)
        qtbot.keyClicks(panel.pin, "2468")
        with qtbot.waitSignal(panel.changed, timeout=5000):
            qtbot.mouseClick(panel.sign_in_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.view is not None and panel.view.waiting == 2, timeout=5000)
        # The waiting line: two numbers, one of them booked.
        assert panel.waiting_label.text() == "Đang chờ: 2 (1 đặt lịch)"
        assert panel.booked_label.isHidden()

        # The booked number goes first (its slot has started): the panel and the board mark it.
        with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
            qtbot.mouseClick(panel.buttons["next"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.view is not None and panel.view.current is not None
                        and panel.view.current.display == booked, timeout=5000)
        assert panel.booked_label.isVisible() and panel.booked_label.text() == "Đặt lịch 09:00 · Booked for 09:00"
        assert panel.waiting_label.text() == "Đang chờ: 1"
        shots(tmp_path).mkdir(parents=True, exist_ok=True)
        assert panel.grab().save(str(shots(tmp_path) / "counter-booked.png"))
        qtbot.waitUntil(lambda: view.state.latest is not None and view.state.latest.display == booked, timeout=5000)
        assert view.state.latest.booked
        assert len(marks(view)) == 1 and marks(view)[0][0] < 1150  # on the big call, left half
        board_png = render_board(view.state, shots(tmp_path) / "board-booked.png", clock=hub.clock)

        # The walk-in next: no mark on the panel nor on the big call; the booked one keeps its mark in the list.
        with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
            qtbot.mouseClick(panel.buttons["next"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.view is not None and panel.view.current is not None
                        and panel.view.current.display == walk_in, timeout=5000)
        assert panel.booked_label.isHidden() and "Đặt lịch" not in panel.service_label.text()
        qtbot.waitUntil(lambda: view.state.latest is not None and view.state.latest.display == walk_in, timeout=5000)
        assert not view.state.latest.booked and [c.booked for c in view.state.recent] == [False, True]
        (x, y), = marks(view)  # one mark, on the recent calls' first row (the booked number's)
        row = [r for text, r in view.painted if text == booked and r.left() > 1170]
        assert x > 1170 and len(row) == 1 and row[0].top() <= y <= row[0].bottom()
        render_board(view.state, shots(tmp_path) / "board-booked-recent.png", clock=hub.clock)
    finally:
        ctl.stop()
        panel.close_worker()

    # A board that starts now reads the same from GET /board (recent_calls carry `booked`).
    fresh = BoardState()
    fresh.load_board(hub.client("board").board())
    assert [(c.display, c.booked) for c in fresh.recent] == [(walk_in, False), (booked, True)]
    img = QImage(str(board_png))
    assert (img.width(), img.height()) == (1920, 1080)
