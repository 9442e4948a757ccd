"""The kiosk's offer of notices by phone (pytest-qt, a real hub on 127.0.0.1): nothing is recorded unless the
citizen presses the consent button under the text; then the hub holds the number for that ticket, with the
consent text, and the number leaves the window at once."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import pytest
from kiosk_support import click
from support import READY, RunningHub

from kiosk.app import KioskWindow
from kiosk.backend import KioskBackend
from kiosk.config import hash_pin, parse_kiosk_config
from motcua.clock import ManualClock


@dataclass
class Kiosk:
    hub: RunningHub
    win: KioskWindow
    clock: ManualClock
    qtbot: Any

    def wait_page(self, page: str) -> None:
        self.qtbot.waitUntil(lambda: self.win.page == page, timeout=10000)


@pytest.fixture
def kiosk(qtbot, make_hub, tcp_printer, tmp_path, clock):  # noqa: ANN001, ANN201
    made: list[tuple[KioskWindow, KioskBackend]] = []

    def factory() -> Kiosk:
        hub = make_hub()
        _, address = tcp_printer([READY])
        cfg = parse_kiosk_config({
            "hub": {"url": hub.url, "token": hub.tokens["kiosk"], "timeout_s": 2},
            "printer": {"address": address, "paper_mm": 80},
            "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
            "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin("2468", iterations=1000),
                      "cache_db": str(tmp_path / "cache.db"), "idle_timeout_s": 30, "ticket_display_s": 8},
        })
        backend = KioskBackend(cfg)
        win = KioskWindow(cfg, backend, clock=clock.time)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.site is not None and win.site.online, timeout=10000)
        made.append((win, backend))
        return Kiosk(hub, win, clock, qtbot)

    yield factory
    for win, backend in made:
        win.allow_close = True
        win.close()
        backend.close()


def subscriptions(k) -> list[tuple]:  # noqa: ANN001
    return sqlite3.connect(k.hub.db).execute("SELECT ticket_id, phone, consent FROM notice_subscriptions").fetchall()


def test_a_citizen_leaves_a_phone_with_consent(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    click(k.qtbot, k.win.service_buttons["A"])
    k.wait_page("ticket")
    ticket = k.win.result.ticket
    assert k.win.notify.button.isVisibleTo(k.win)
    click(k.qtbot, k.win.notify.button)
    assert k.win.page == "notify" and "chỉ để báo lượt gọi" in k.win.notify.consent.text()
    for ch in "09123":
        click(k.qtbot, k.win.notify.field.keys[ch])
    click(k.qtbot, k.win.notify.agree)
    assert "10 chữ số" in k.win.notify.msg.text() and subscriptions(k) == []
    for ch in "45678":
        click(k.qtbot, k.win.notify.field.keys[ch])
    click(k.qtbot, k.win.notify.agree)
    assert k.win.notify.field.text() == ""  # the number left the screen at once
    k.qtbot.waitUntil(lambda: k.win.notify.done, timeout=5000)
    [(ticket_id, phone, consent)] = subscriptions(k)
    assert ticket is not None and ticket_id == ticket.id and phone == "0912345678" and consent.startswith("Tôi đồng ý")
    assert "Đã đăng ký" in k.win.notify.msg.text()
    k.clock.advance(31)
    k.win.tick()  # "are you still there?" (kiosk.idle), untouched: the reset
    k.clock.advance(k.win.config.kiosk.still_there_s)
    k.win.tick()
    assert k.win.page == "home" and k.win.notify.msg.text() == "" and k.win.notify.ticket_id is None


def test_going_back_records_nothing(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    click(k.qtbot, k.win.service_buttons["B"])
    k.wait_page("ticket")
    click(k.qtbot, k.win.notify.button)
    for ch in "0912345678":
        click(k.qtbot, k.win.notify.field.keys[ch])
    click(k.qtbot, k.win.notify.back)
    assert k.win.page == "home" and subscriptions(k) == [] and k.win.notify.field.text() == ""
