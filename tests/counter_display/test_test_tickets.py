"""Test tickets of commissioning mode (issue 10) are marked "VÉ THỬ · TEST" on the lobby board and the counter
panel. A real hub over HTTP."""
from __future__ import annotations

from typing import Any

import requests
from support import RunningHub

from counter_display import texts
from counter_display.board import BoardView
from counter_display.config import CounterConfig, parse_device_config
from counter_display.counter import CounterPanel
from counter_display.state import BoardState
from ui.qt import QImage, QPainter, Qt

MARK = f"{texts.TEST_TICKET.vi} · {texts.TEST_TICKET.en}"


def commissioning(hub: RunningHub, on: bool) -> None:
    r = requests.post(f"{hub.url}/api/v1/admin/commissioning", json={"on": on}, timeout=5,
                      headers={"Authorization": f"Bearer {hub.tokens['admin']}"})
    assert r.status_code == 200, r.text


def painted_texts(view: BoardView) -> list[str]:
    """Every text the board draws (the view's one text primitive), painted offscreen at 1920x1080."""
    drawn: list[str] = []
    original = view._text  # noqa: SLF001

    def record(p: Any, rect: Any, text: str, *args: Any, **kw: Any) -> None:
        drawn.append(text)
        original(p, rect, text, *args, **kw)

    view._text = record  # type: ignore[method-assign]  # noqa: SLF001
    view.resize(1920, 1080)
    img = QImage(1920, 1080, QImage.Format.Format_RGB32)
    p = QPainter(img)
    view.paint(p)
    p.end()
    return drawn


def test_board_marks_test_tickets_from_the_snapshot_and_from_events(qtbot, hub: RunningHub) -> None:  # noqa: ANN001
    kiosk, clerk, board = hub.client("kiosk"), hub.client("counter"), hub.client("board")
    kiosk.issue("A")
    commissioning(hub, True)
    test = kiosk.issue("A")
    assert test.test and test.display == "9999"
    clerk.call_next(1)  # 1001, a real one
    clerk.call_next(2)  # 9999, the test one
    state = BoardState()
    state.load_site(board.site())
    state.load_board(board.board())
    assert [(c.display, c.test) for c in state.recent] == [("9999", True), ("1001", False)]
    view = BoardView(state, clock=hub.clock)
    qtbot.addWidget(view)
    texts_drawn = painted_texts(view)
    assert texts_drawn.count(MARK) == 1  # beside the big 9999, not beside 1001 in the list
    # From live events: the call of a real ticket after the test one is not marked.
    last = state.last_seq
    commissioning(hub, False)
    clerk.call_next(2)  # completes 9999; nobody waits
    assert kiosk.issue("A").display == "1002"
    clerk.call_next(2)
    for ev in board.events(last_event_id=last, read_timeout=5):
        state.apply(ev.seq, ev.type, ev.data)
        if ev.type == "ticket.called":
            break
    assert (state.latest.display, state.latest.test) == ("1002", False)
    assert painted_texts(view).count(MARK) == 1  # 9999 is now in the recent list, still marked


def test_counter_panel_marks_a_test_ticket(qtbot, hub: RunningHub) -> None:  # noqa: ANN001
    commissioning(hub, True)
    hub.client("kiosk").issue("A")
    data = {"hub": {"url": hub.url, "token": hub.tokens["counter"]}, "counter": {"number": 1, "poll_s": 600}}
    panel = CounterPanel(parse_device_config(CounterConfig, data, path="c.toml"), hub.client("counter"))
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        qtbot.mouseClick(panel.buttons["next"], Qt.MouseButton.LeftButton)
    assert panel.number_label.text() == "9999"
    assert panel.service_label.text() == f"Đất đai · {texts.TEST_TICKET.vi} / {texts.TEST_TICKET.en}"
