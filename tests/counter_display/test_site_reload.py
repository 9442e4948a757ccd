"""Devices follow a reloaded site file (issue 10): the counter panel and the board hear `site.changed` and
show the new names and texts without a restart. A real hub over HTTP."""
from __future__ import annotations

from pathlib import Path

import requests
from support import RunningHub, small_site, toml_text

from counter_display.config import CounterConfig, parse_device_config
from counter_display.counter import CounterPanel
from counter_display.state import BoardState
from ui.qt import Qt


def test_counter_panel_and_board_refresh_on_site_changed(qtbot, hub: RunningHub, tmp_path: Path) -> None:  # noqa: ANN001
    site = small_site()
    path = tmp_path / "site.toml"
    path.write_text(toml_text(site), encoding="utf-8")
    hub.hub.config_path = path  # the hub of the fixture was built from the same mapping
    hub.client("kiosk").issue("A")
    data = {"hub": {"url": hub.url, "token": hub.tokens["counter"]}, "counter": {"number": 1, "poll_s": 600}}
    panel = CounterPanel(parse_device_config(CounterConfig, data, path="c.toml"), hub.client("counter"))
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        qtbot.mouseClick(panel.buttons["next"], Qt.MouseButton.LeftButton)
    assert panel.service_label.text() == "Đất đai"
    board = BoardState()
    board.load_site(hub.client("board").site())
    board.load_board(hub.client("board").board())

    site["services"][0]["name"] = "Đất đai - Nhà ở"
    site["display"] = {"ticker": "Sáng thứ Bảy làm việc bình thường"}
    path.write_text(toml_text(site), encoding="utf-8")
    r = requests.post(f"{hub.url}/api/v1/admin/reload", timeout=5,
                      headers={"Authorization": f"Bearer {hub.tokens['admin']}"})
    assert r.status_code == 200 and set(r.json()["changed"]) == {"services.A.name", "display"}
    event = next(ev for ev in hub.client("board").events(last_event_id=board.last_seq, read_timeout=5)
                 if ev.type == "site.changed")
    board.apply(event.seq, event.type, event.data)
    assert board.services["A"] == "Đất đai - Nhà ở" and board.ticker == "Sáng thứ Bảy làm việc bình thường"
    with qtbot.waitSignal(panel.changed, timeout=5000):
        panel.on_event(event)
    assert panel.service_label.text() == "Đất đai - Nhà ở"
