"""The manager's console reaches the lobby board live (issue 14): a notice sent from the console shows on the
board over the recent calls until its time is up, the ticker changes, and the console's guides playlist
replaces the board's own. A real hub over HTTP, the console's forms with their CSRF token, the board's feed."""
from __future__ import annotations

import os
import re
from pathlib import Path

import requests
from support import RunningHub

from counter_display.board import BoardController, BoardView, GuidePlayer, make_state, render_board
from counter_display.config import BoardConfig, GuideSettings, parse_device_config
from sync.hub.staff import add_staff
from ui.qt import QImage

PASSWORD = "mật-khẩu-đủ-dài-1"


def console(hub: RunningHub) -> tuple[requests.Session, str]:
    add_staff(hub.db, code="QL01", name="Mai", pin=None, role="manager", password=PASSWORD)
    s = requests.Session()
    form = re.search(r'name="csrf" value="([^"]+)"', s.get(f"{hub.url}/console/sign-in").text)
    assert form
    r = s.post(f"{hub.url}/console/sign-in", data={"user": "QL01", "password": PASSWORD, "csrf": form.group(1)},
               allow_redirects=False)
    assert r.status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', s.get(f"{hub.url}/console/operations").text)
    assert csrf
    return s, csrf.group(1)


def test_the_board_shows_the_consoles_notice_and_ticker_live_and_drops_the_notice_when_it_ends(
        qtbot, hub: RunningHub, tmp_path: Path) -> None:  # noqa: ANN001
    cfg = parse_device_config(BoardConfig, {"hub": {"url": hub.url, "token": hub.tokens["board"]}}, path="board.toml")
    view = BoardView(make_state(cfg), settings=cfg, clock=hub.clock)
    qtbot.addWidget(view)
    view.resize(1920, 1080)
    view.show()
    ctl = BoardController(config=cfg, view=view, announcer=None, clock=hub.clock, cache_path=tmp_path / "b.json")
    ctl.start(hub.client("board"))
    s, csrf = console(hub)
    kiosk, clerk = hub.client("kiosk"), hub.client("counter")
    for svc in ("A", "A", "B", "A"):
        kiosk.issue(svc)
    try:
        qtbot.waitUntil(lambda: view.state.site_name != "" and view.online, timeout=5000)
        clerk.call_next(1)
        clerk.call_next(2)
        base = f"{hub.url}/console/operations"
        assert s.post(f"{base}/ticker", data={"csrf": csrf, "text": "Thứ Bảy làm việc buổi sáng"},
                      allow_redirects=False).status_code == 303
        assert s.post(f"{base}/notice", data={"csrf": csrf, "text": "Mời công dân số 1005 đến quầy hướng dẫn",
                                              "text_en": "Number 1005, please come to the help desk",
                                              "minutes": "10"}, allow_redirects=False).status_code == 303
        assert s.post(f"{base}/guides", data={"csrf": csrf, "items": str(tmp_path / "huong-dan.png")},
                      allow_redirects=False).status_code == 303
        qtbot.waitUntil(lambda: view.state.guides != [], timeout=5000)
        assert view.state.ticker == "Thứ Bảy làm việc buổi sáng"
        view.repaint()
        texts = [t for t, _ in view.painted]
        assert "Mời công dân số 1005 đến quầy hướng dẫn" in texts
        assert "Number 1005, please come to the help desk" in texts and "THÔNG BÁO · NOTICE" in texts
        assert "Thứ Bảy làm việc buổi sáng" in texts  # the ticker
        shots = Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path)
        shot = render_board(view.state, shots / "board-notice.png", clock=hub.clock, config=cfg)
        img = QImage(str(shot))
        px = img.pixelColor(1180 + 20, 545 + 200)  # inside the notice panel (over the recent calls)
        assert (px.red(), px.green(), px.blue()) == (0xFF, 0xF3, 0xCD)
        # The console's playlist replaces the board's own (empty here).
        player = GuidePlayer(view, GuideSettings())
        player.next()
        assert player.index == 0 and view.state.guides == [str(tmp_path / "huong-dan.png")]
        hub.clock.advance(minutes=11)
        view.repaint()
        assert "Mời công dân số 1005 đến quầy hướng dẫn" not in [t for t, _ in view.painted]
    finally:
        ctl.stop()
