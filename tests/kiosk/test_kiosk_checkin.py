"""The kiosk's appointment check-in screen (pytest-qt, offscreen) against a real hub relaying to the reference
central server, both on 127.0.0.1, and a TCP printer: a citizen whose service the manager paused is told plainly
that their booking is kept, nothing is printed, and the same code gets the booked number once issuing resumes."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from booking_support import Console, Pair, booking_pair
from support import READY, local

from kiosk.app import KioskWindow
from kiosk.appointment import AppointmentBackend
from kiosk.backend import KioskBackend
from kiosk.config import hash_pin, parse_kiosk_config
from motcua.clock import ManualClock


@pytest.fixture
def pair(tmp_path, make_hub, clock: ManualClock) -> Iterator[Callable[..., Pair]]:  # noqa: ANN001
    with booking_pair(tmp_path, make_hub, clock) as factory:
        yield factory


@pytest.fixture
def kiosk_for(qtbot, tcp_printer, tmp_path: Path, clock: ManualClock) -> Iterator[Callable[[Pair], Any]]:  # noqa: ANN001
    made: list[tuple[KioskWindow, KioskBackend]] = []

    def make(p: Pair) -> tuple[KioskWindow, Any]:
        printer, address = tcp_printer([READY])
        cfg = parse_kiosk_config({
            "hub": {"url": p.hub.url, "token": p.hub.tokens["kiosk"], "timeout_s": 5},
            "printer": {"address": address, "paper_mm": 80},
            "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
            "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin("2468", iterations=1000),
                      "cache_db": str(tmp_path / "cache.db"), "idle_timeout_s": 600, "hub_retry_s": 1},
        })
        backend = KioskBackend(cfg)
        # No camera: the citizen types the booking code (the QR and the card take the same way to the hub).
        win = KioskWindow(cfg, backend, clock=clock.time, appointments=AppointmentBackend(backend, camera=None))
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.site is not None and win.site.online, timeout=15000)
        made.append((win, backend))
        return win, printer

    yield make
    for win, backend in made:
        win.allow_close = True
        win.close()
        backend.close()


def click(qtbot, button) -> None:  # noqa: ANN001
    from ui.qt import Qt

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_booked_citizen_of_a_paused_service_is_told_the_booking_is_kept_then_checks_in_once_resumed(
        pair, kiosk_for, qtbot) -> None:  # noqa: ANN001
    p = pair()  # 09:00 on Thursday 26/11/2026
    booked = p.book("09:00")
    p.hub_has(booked["id"])
    console = Console(p.hub.url, p.hub.tokens["admin"])
    console.service("A", "pause")
    win, printer = kiosk_for(p)
    assert win.booking is not None
    click(qtbot, win.booking.button)
    assert win.page == "booking"
    for ch in booked["code"]:
        click(qtbot, win.booking.field.keys[ch])
    click(qtbot, win.booking.confirm)
    qtbot.waitUntil(lambda: not win.busy and win.booking.last is not None, timeout=10000)
    assert win.page == "booking" and win.booking.last.error_code == "service_paused"
    assert win.booking.msg.text() == ("Dịch vụ đang tạm dừng cấp số. Lịch hẹn của bạn vẫn được giữ, xin hỏi cán bộ "
                                      "hướng dẫn.\nIssuing for this service is paused. Your booking is kept; please "
                                      "ask the staff.")
    assert win.booking.last.take.ticket is None and not printer.job  # nothing issued, nothing printed
    assert rows(p.hub.db, "SELECT COUNT(*) FROM booking_checkins") == [(0,)]
    assert console.bookings_due("A") == 1

    p.clock.set(local(2026, 11, 26, 9, 5))
    console.service("A", "resume")
    click(qtbot, win.booking.confirm)  # the code is still typed in: the citizen touches again
    qtbot.waitUntil(lambda: win.page == "ticket", timeout=10000)
    result = win.booking.last
    assert result is not None and result.take.ticket is not None and result.take.printed
    assert result.verdict == "on_time" and not result.repeat
    assert result.take.ticket.priority == "appointment" and result.take.ticket.service == "A"
    assert len(printer.job) > 2000  # this time a ticket reached the printer
    assert win.ticket.t_number.text() == result.take.ticket.display
    assert win.ticket.t_priority.text().startswith("Đã đặt lịch lúc 09:00")
    assert rows(p.hub.db, "SELECT ticket_id FROM booking_checkins") == [(result.take.ticket.id,)]
    assert console.bookings_due("A") == 0
