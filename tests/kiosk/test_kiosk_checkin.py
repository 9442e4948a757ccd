"""The kiosk's appointment check-in screen (pytest-qt, offscreen) against a real hub relaying to the reference
central server, both on 127.0.0.1, and a TCP printer: a citizen whose service the manager paused is told plainly
that their booking is kept, nothing is printed, and the same code gets the booked number once issuing resumes."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from booking_support import Console, Pair, booking_pair
from kiosk_support import Windows, click, kiosk_settings, type_keys
from support import READY, db_rows, local

from motcua.clock import ManualClock


@pytest.fixture
def pair(tmp_path, make_hub, clock: ManualClock) -> Iterator[Callable[..., Pair]]:  # noqa: ANN001
    with booking_pair(tmp_path, make_hub, clock) as factory:
        yield factory


@pytest.fixture
def windows(qtbot, clock: ManualClock) -> Iterator[Windows]:  # noqa: ANN001
    w = Windows(qtbot, clock.time)
    yield w
    w.close()


def test_a_booked_citizen_of_a_paused_service_is_told_the_booking_is_kept_then_checks_in_once_resumed(
        pair, windows: Windows, tcp_printer, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    p = pair()  # 09:00 on Thursday 26/11/2026
    booked = p.book("09:00")
    p.hub_has(booked["id"])
    console = Console(p.hub.url, p.hub.tokens["admin"])
    console.service("A", "pause")
    printer, address = tcp_printer([READY])
    # No camera: the citizen types the booking code (a QR or a card takes the same way to the hub). The idle
    # reset is far off: the hub's clock moves on while the citizen waits for issuing to resume.
    win, _ = windows.open(kiosk_settings(p.hub, address, tmp_path, idle_timeout_s=600), appointments=True)
    qtbot.waitUntil(lambda: win.site is not None and win.site.online, timeout=10000)
    assert win.booking is not None
    click(qtbot, win.booking.button)
    assert win.page == "booking"
    type_keys(qtbot, win.booking.field, booked["code"])
    click(qtbot, win.booking.confirm)
    qtbot.waitUntil(lambda: not win.busy and win.booking.last is not None, timeout=10000)
    assert win.page == "booking" and win.booking.last.error_code == "service_paused"
    assert win.booking.msg.text() == ("Dịch vụ đang tạm dừng cấp số. Lịch hẹn của bạn vẫn được giữ, xin hỏi cán bộ "
                                      "hướng dẫn.\nIssuing for this service is paused. Your booking is kept; please "
                                      "ask the staff.")
    assert win.booking.last.take.ticket is None and not printer.job  # nothing issued, nothing printed
    assert db_rows(p.hub.db, "SELECT COUNT(*) FROM booking_checkins") == [(0,)]
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
    assert db_rows(p.hub.db, "SELECT ticket_id FROM booking_checkins") == [(result.take.ticket.id,)]
    assert console.bookings_due("A") == 0
