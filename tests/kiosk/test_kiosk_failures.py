"""The kiosk tells failures apart (issue 10): a refused token is "out of service" for the citizen and a
cause for the technician, not "offline"; the citizen never reads an address or an exception; the kiosk
says honestly when the hub goes and when it is back. A real hub and a TCP printer on 127.0.0.1."""
from __future__ import annotations

import logging
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from support import PAPER_OUT, READY, RunningHub

from kiosk.app import REFUSED_RETRY_S, KioskWindow
from kiosk.backend import DossierBackend, DossierDraft, KioskBackend
from kiosk.config import hash_pin, parse_kiosk_config
from motcua.clock import ManualClock
from sync.store import create_token, revoke_token
from ui.qt import QLabel, QPushButton, Qt

PIN = "2468"

#: What a citizen must never read: an address, a port, an exception's name or its library's words.
LEAKS = [re.compile(p) for p in (
    r"://", r"\b\d{1,3}(?:\.\d{1,3}){3}\b", r"\b[A-Za-z][\w.-]*:\d{2,5}\b", r"localhost",
    r"\b\w*(?:Error|Exception|Unavailable|Timeout)\b", r"Errno", r"Traceback", r"HTTPConnectionPool",
    r"Max retries", r"[Cc]onnection refused", r"urllib3", r"requests\.", r"\b40[13]\b", r"Bearer",
)]


def visible_texts(win: KioskWindow) -> list[str]:
    """Every text on the kiosk's screen now (labels and buttons a citizen can see)."""
    out = []
    for w in win.findChildren(QLabel) + win.findChildren(QPushButton):
        if w.isVisibleTo(win) and w.text():
            out.append(w.text())
    return out


def assert_plain(win: KioskWindow) -> None:
    texts = visible_texts(win)
    assert texts
    for text in texts:
        for pattern in LEAKS:
            assert not pattern.search(text), (pattern.pattern, text)


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Made:
    def __init__(self, win: KioskWindow, backend: KioskBackend, qtbot: Any) -> None:
        self.win, self.backend, self.qtbot = win, backend, qtbot

    def wait_page(self, page: str, timeout: int = 10000) -> None:
        self.qtbot.waitUntil(lambda: self.win.page == page, timeout=timeout)

    def click(self, button: Any) -> None:
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def technician_page(self) -> None:
        for _ in range(5):
            self.click(self.win.corner)
        assert self.win.page == "pin"
        for d in PIN:
            self.click(self.win.pin_buttons[d])
        self.click(self.win.pin_buttons["ok"])
        assert self.win.page == "tech"
        self.qtbot.waitUntil(lambda: self.win.technician.status is not None, timeout=5000)


@pytest.fixture
def start(qtbot, tmp_path: Path, clock: ManualClock) -> Callable[..., Made]:  # noqa: ANN001
    made: list[Made] = []

    def factory(hub: RunningHub, *, token: str | None = None, printer: str = "dummy:", wait_site: bool = True,
                dossiers: bool = False) -> Made:
        cfg = parse_kiosk_config({
            "hub": {"url": hub.url, "token": token or hub.tokens["kiosk"], "timeout_s": 2},
            "printer": {"address": printer},
            "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
            "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin(PIN, iterations=1000),
                      "cache_db": str(tmp_path / "cache.db"), "hub_retry_s": 1, "issue_retry_s": 0.5},
        })
        backend = KioskBackend(cfg)
        win = KioskWindow(cfg, backend, clock=clock.time,
                          dossiers=DossierBackend(backend) if dossiers else None)
        qtbot.addWidget(win)
        win.show()
        m = Made(win, backend, qtbot)
        made.append(m)
        if wait_site:
            qtbot.waitUntil(lambda: win.site is not None and win.site.online, timeout=10000)
        return m

    yield factory
    for m in made:
        m.win.allow_close = True
        m.win.close()
        m.backend.close()


def tickets(hub: RunningHub) -> list[dict[str, Any]]:
    r = requests.get(hub.url + "/api/v1/tickets", timeout=5, headers={"Authorization": f"Bearer {hub.tokens['admin']}"})
    return r.json()["tickets"]


def test_a_wrong_token_is_out_of_service_not_offline(start, hub: RunningHub, caplog, clock) -> None:  # noqa: ANN001
    caplog.set_level(logging.INFO)
    wrong = "kiosk_this-token-was-never-made"
    k = start(hub, token=wrong, wait_site=False)
    k.wait_page("out_of_service")
    assert "Ki-ốt đang bảo trì\nThis kiosk is out of service" == k.win.technician.o_title.text()
    shown = "\n".join(visible_texts(k.win))
    assert "gián đoạn" not in shown and "Mất kết nối" not in shown and "kết nối lại" not in shown
    assert not k.win.offline_badge.isVisibleTo(k.win)
    assert_plain(k.win)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "kiosk.backend"]
    assert len(errors) == 1 and "refused" in errors[0].getMessage() and "401" in errors[0].getMessage()
    assert wrong not in caplog.text  # the token itself is never logged
    # Asked again every REFUSED_RETRY_S; still refused, still one ERROR line, still out of service.
    clock.advance(REFUSED_RETRY_S + 1)
    k.win.tick()
    k.qtbot.wait(300)
    assert k.win.page == "out_of_service"
    assert len([r for r in caplog.records if r.levelno == logging.ERROR and r.name == "kiosk.backend"]) == 1
    # The technician page (corner taps, PIN) names the cause; never the token.
    k.technician_page()
    cause = k.win.technician.t_hub_state.text()
    assert "401" in cause and "[hub] token" in cause and wrong not in cause
    assert hub.url in k.win.technician.t_hub.text()
    k.click(k.win.technician.t_back)
    assert k.win.page == "out_of_service"


def test_a_token_of_another_role_is_found_before_a_citizen_touches(start, hub: RunningHub, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.INFO)
    k = start(hub, token=hub.tokens["board"], wait_site=False)  # a board may read /site, not issue numbers
    k.wait_page("out_of_service")
    assert tickets(hub) == []  # finding out issued nothing
    assert any(r.levelno == logging.ERROR and "403" in r.getMessage() for r in caplog.records)
    k.technician_page()
    cause = k.win.technician.t_hub_state.text()
    assert "403" in cause and "màn hình" in cause and "board role" in cause


def test_a_token_revoked_while_running_turns_the_kiosk_out_of_service(start, hub: RunningHub, clock) -> None:  # noqa: ANN001
    token = create_token(hub.db, role="kiosk", name="Ki-ốt sẽ bị thu hồi")
    k = start(hub, token=token)
    assert k.win.page == "home"
    from sync.store import hash_token

    assert revoke_token(hub.db, hash_token(token)[:12]) == 1
    hub.restart()  # the hub reads its tokens afresh
    k.click(k.win.service_buttons["A"])
    k.wait_page("out_of_service")
    assert tickets(hub) == []


def test_an_accepted_token_again_brings_the_kiosk_back(start, hub: RunningHub, clock) -> None:  # noqa: ANN001
    k = start(hub, token=hub.tokens["board"], wait_site=False)
    k.wait_page("out_of_service")
    # The technician gives the hub's kiosk role to this name (here: the same token, made a kiosk's).
    import sqlite3

    from sync.store import hash_token

    db = sqlite3.connect(hub.db)
    db.execute("UPDATE tokens SET role = 'kiosk' WHERE hash = ?", (hash_token(hub.tokens["board"]),))
    db.commit()
    db.close()
    hub.restart()
    clock.advance(REFUSED_RETRY_S + 1)
    k.win.tick()
    k.wait_page("home")
    k.click(k.win.service_buttons["A"])
    k.wait_page("ticket")


@pytest.mark.parametrize("failure", ["hub down", "printer unreachable", "wrong token", "paper out"])
def test_citizens_read_plain_words_for_every_failure(failure: str, start, hub: RunningHub,  # noqa: ANN001
                                                     tcp_printer, clock) -> None:  # noqa: ANN001
    if failure == "printer unreachable":
        printer = f"tcp://127.0.0.1:{closed_port()}"
    else:
        printer = tcp_printer([PAPER_OUT if failure == "paper out" else READY])[1]
    k = start(hub, printer=printer, token="kiosk_wrong-wrong-wrong" if failure == "wrong token" else None,
              wait_site=failure != "wrong token")
    if failure == "hub down":
        hub.stop()
        k.click(k.win.service_buttons["A"])
        k.wait_page("hub_down")
        assert "gián đoạn" in k.win.h_title.text() and "unavailable" in k.win.h_title.text()
        assert "reconnecting" in k.win.h_body.text()
        hub.start()
    elif failure == "wrong token":
        k.wait_page("out_of_service")
    else:
        k.click(k.win.service_buttons["A"])
        k.wait_page("fault")
        want = "Máy in hết giấy\nThe printer is out of paper" if failure == "paper out" else \
            "Máy in đang không hoạt động\nThe printer is not working"
        assert k.win.ticket.f_reason.text() == want
        assert k.win.result.fault_vi  # the driver's own words went to the log and the hub...
        assert k.win.result.fault_vi not in k.win.ticket.f_reason.text() or failure == "paper out"  # ...not the screen
        assert k.win.ticket.f_number.text() == "1001"  # the number was issued all the same
        assert_plain(k.win)
        # The printer check without a citizen: the badge is plain words too.
        clock.advance(61)
        k.win.go_home(clear=False)
        k.win.tick()
        k.qtbot.waitUntil(lambda: k.win.printer_badge.isVisibleTo(k.win), timeout=5000)
    assert_plain(k.win)
    if k.win.page == "home":
        k.click(k.win.lang_button)  # a citizen who chose English reads no more than one in Vietnamese
        assert_plain(k.win)


def test_the_slip_of_a_dossier_names_no_printer_address(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    hub = make_hub(example=True)
    cfg = parse_kiosk_config({
        "hub": {"url": hub.url, "token": hub.tokens["kiosk"], "timeout_s": 2},
        "printer": {"address": f"tcp://127.0.0.1:{closed_port()}"},
        "kiosk": {"technician_pin_hash": hash_pin(PIN, iterations=1000), "cache_db": str(tmp_path / "c.db")},
    })
    backend = KioskBackend(cfg)
    try:
        backend.load_site()
        dossiers = DossierBackend(backend)
        procedure = next(p for p in dossiers.load_catalog() if p.documents)
        draft = DossierDraft(procedure, name="Nguyễn Văn An", id_number="001090012345", phone="0912345678")
        result = dossiers.submit(draft)
        assert result.dossier is not None and not result.printed
        assert result.fault_vi == "Máy in đang không hoạt động"  # what the screen quotes
        assert "tcp://" not in result.fault_vi and "127.0.0.1" not in result.fault_vi
        fault = hub.client("counter").device_faults()[0]
        assert fault.fault == "printer_offline" and "127.0.0.1" in fault.message  # the technician's detail
    finally:
        backend.close()


def test_the_kiosk_says_when_the_hub_goes_and_when_it_is_back(start, hub: RunningHub, clock) -> None:  # noqa: ANN001
    k = start(hub)
    assert not k.win.offline_badge.isVisibleTo(k.win)
    port = hub.port
    hub.stop()
    clock.advance(21)  # the kiosk asks the hub every 20 s while nobody touches it
    k.win.tick()
    k.qtbot.waitUntil(lambda: k.win.offline_badge.isVisibleTo(k.win), timeout=10000)
    assert k.win.offline_badge.text() == "Mất kết nối\nOffline" and k.win.page == "home"
    assert_plain(k.win)
    hub.start()
    assert hub.port == port  # the same address, as after a hub restart
    kiosk2 = hub.client("counter")
    kiosk2.issue("A")
    kiosk2.issue("A")
    clock.advance(21)
    k.win.tick()
    k.qtbot.waitUntil(lambda: not k.win.offline_badge.isVisibleTo(k.win), timeout=10000)
    assert k.win.site.online and "Đang chờ: 2" in k.win.service_buttons["A"].text()
    k.click(k.win.service_buttons["A"])
    k.wait_page("ticket")
    assert k.win.ticket.t_number.text() == "1003"
