"""Issue 15's process-level test: `motcua central` and `motcua hub` as separate processes with the fault proxy
between them, citizens booking on the central server's public API, the real kiosk window (pytest-qt) checking
them in by the booking QR and the ID card (a folder camera) and by the typed code, and a counter calling them.

- on time: the ticket is of the appointment category and the counter calls it ahead of walk-ins who came first;
- early and late: a normal number, with the reason on the kiosk's screen;
- bookings made while the hub is cut from the central server reach it when the link returns, and with the link
  down again the hub still checks in what it received; every check-in reaches the central server exactly once.

The hub's clock starts at 10:00 of a working day two days ahead (the central server books on the real clock)."""
from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import requests
from harness import Hub, assert_exactly_once, running
from support import READY

from kiosk.app import KioskWindow
from kiosk.appointment import AppointmentBackend
from kiosk.backend import KioskBackend
from kiosk.config import hash_pin, parse_kiosk_config
from motcua.clock import VIETNAM_TZ
from scanners import synthetic
from scanners.camera import FolderCamera


def booking_day() -> datetime:
    """10:00 on a weekday two or more days ahead, in Vietnam."""
    d = datetime.now(VIETNAM_TZ).date() + timedelta(days=2)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return datetime(d.year, d.month, d.day, 10, 0, tzinfo=VIETNAM_TZ)


def book(central_url: str, day: datetime, slot: str, id_number: str) -> dict[str, Any]:
    r = requests.post(f"{central_url}/api/v1/public/bookings", timeout=10, json={
        "site": "FAULT", "service": "DD", "day": day.date().isoformat(), "slot": slot, "name": "Phạm Thu Trang",
        "phone": "0987654321", "id_number": id_number, "notify": False})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def on_hub(hub: Hub, booking_id: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = hub.session("counter").get(hub.url + "/api/v1/bookings", timeout=5)
        if any(b["id"] == booking_id for b in r.json()["bookings"]):
            return
        time.sleep(0.1)
    raise AssertionError(f"booking {booking_id} did not reach the hub")


def show_to_camera(folder: Path, text: str | None = None, *, card: synthetic.Citizen | None = None) -> None:
    """What the citizen holds up to the kiosk's camera next: a booking QR on a phone, their ID card, or nothing."""
    for old in folder.glob("*.png"):
        old.unlink()
    if text is None and card is None:
        return
    if card is not None:
        import random

        rng = random.Random(9)
        frame = synthetic.photograph(synthetic.draw_card(card, rng=rng), rng=rng, fault=synthetic.Degradation.ROTATION)
    else:
        assert text is not None
        qr = np.array(synthetic.qr_image(text.encode(), border=4))
        frame = cv2.cvtColor(cv2.resize(qr, (qr.shape[1] * 8, qr.shape[0] * 8), interpolation=cv2.INTER_NEAREST),
                             cv2.COLOR_GRAY2BGR)
    cv2.imwrite(str(folder / "000-shown.png"), frame)


@pytest.fixture
def kiosk_for(qtbot, tcp_printer, tmp_path):  # noqa: ANN001, ANN201
    made: list[tuple[KioskWindow, KioskBackend]] = []

    def make(hub: Hub) -> tuple[KioskWindow, Path]:
        _, address = tcp_printer([READY])
        cfg = parse_kiosk_config({
            "hub": {"url": hub.url, "token": hub.tokens["kiosk"], "timeout_s": 5},
            "printer": {"address": address, "paper_mm": 80},
            "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
            "kiosk": {"name": "Ki-ốt đặt lịch", "technician_pin_hash": hash_pin("2468", iterations=1000),
                      "cache_db": str(tmp_path / "kiosk-cache.db"), "idle_timeout_s": 600, "hub_retry_s": 1},
        })
        folder = tmp_path / "camera"
        folder.mkdir(exist_ok=True)
        backend = KioskBackend(cfg)
        win = KioskWindow(cfg, backend, appointments=AppointmentBackend(backend, camera=FolderCamera(folder=folder)))
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.site is not None and win.site.online, timeout=15000)
        made.append((win, backend))
        return win, folder

    yield make
    for win, backend in made:
        win.allow_close = True
        win.close()
        backend.close()


def check_in(qtbot, win: KioskWindow, *, code: str | None = None) -> dict[str, Any]:  # noqa: ANN001
    """Touch "Tôi đã đặt lịch", then either wait for the camera or type the code; the ticket on screen."""
    assert win.booking is not None
    win.go_home(clear=True)
    qtbot.mouseClick(win.booking.button, _left())
    assert win.page == "booking"
    if code is not None:
        for ch in code:
            qtbot.mouseClick(win.booking.field.keys[ch], _left())
        qtbot.mouseClick(win.booking.confirm, _left())
    qtbot.waitUntil(lambda: win.page == "ticket", timeout=20000)
    result = win.booking.last
    assert result is not None and result.take.ticket is not None and result.take.printed
    assert win.ticket.t_number.text() == result.take.ticket.display
    return {"ticket": result.take.ticket.model_dump(mode="json"), "verdict": result.verdict, "line": win.ticket.t_priority.text()}


def _left() -> Any:
    from ui.qt import Qt

    return Qt.MouseButton.LeftButton


def test_book_at_central_check_in_at_the_kiosk_and_the_counter_calls_it(tmp_path: Path, qtbot, kiosk_for) -> None:  # noqa: ANN001
    day = booking_day()
    with running(tmp_path, clock_start=day.replace(minute=1).isoformat(), clock_speed=1.0) as (central, proxy, hub):
        hub.start()
        deadline = time.monotonic() + 30
        while not requests.get(central.url + "/api/v1/public/booking/sites", timeout=5).json()["sites"]:
            assert time.monotonic() < deadline, "the hub's offer did not reach the central server"
            time.sleep(0.1)
        card = synthetic.random_citizen(__import__("random").Random(15))
        on_time_qr = book(central.url, day, "10:00", "001090000001")
        on_time_card = book(central.url, day, "10:00", card.id)
        # Cut from the central server while these are booked: they arrive when the link returns.
        proxy.set("refuse")
        on_time_code = book(central.url, day, "10:00", "001090000003")
        early = book(central.url, day, "11:00", "001090000004")
        late = book(central.url, day, "09:30", "001090000005")
        time.sleep(1.5)
        assert hub.sync()["last_error"]
        proxy.set("pass")
        for b in (on_time_qr, on_time_card, on_time_code, early, late):
            on_hub(hub, b["id"])
        # Walk-ins who came before the booked citizens.
        kiosk_http = hub.session("kiosk")
        walk_ins = [kiosk_http.post(hub.url + "/api/v1/tickets", json={"service": "DD"}, timeout=5).json()
                    for _ in range(2)]
        # Cut again: the hub checks in what it has received.
        proxy.set("refuse")
        win, folder = kiosk_for(hub)
        show_to_camera(folder, f"{central.url}/book/{on_time_qr['id']}")
        by_qr = check_in(qtbot, win)
        show_to_camera(folder, card=card)
        by_card = check_in(qtbot, win)
        show_to_camera(folder)  # nothing in front of the camera: the citizen types
        by_code = check_in(qtbot, win, code=on_time_code["code"])
        for got in (by_qr, by_card, by_code):
            assert got["verdict"] == "on_time" and got["ticket"]["priority"] == "appointment"
            assert got["line"].startswith("Đã đặt lịch lúc 10:00")
        came_early = check_in(qtbot, win, code=early["code"])
        came_late = check_in(qtbot, win, code=late["code"])
        assert came_early["verdict"] == "early" and came_early["ticket"]["priority"] is None
        assert "sớm hơn giờ hẹn 11:00" in came_early["line"] and "từ 10:45" in came_early["line"]
        assert came_late["verdict"] == "late" and came_late["ticket"]["priority"] is None
        assert "sau giờ hẹn 09:30" in came_late["line"] and "đến 09:45" in came_late["line"]
        # The counter calls the bookings in their window (from 10:00), ahead of the walk-ins who came first
        # (at most max_priority_streak = 3 in a row), then the rest in the order they came.
        counter = hub.session("counter")
        called = [counter.post(hub.url + "/api/v1/counters/1/next", timeout=5).json()["id"] for _ in range(7)]
        booked_ids = [by_qr["ticket"]["id"], by_card["ticket"]["id"], by_code["ticket"]["id"]]
        assert called == [*booked_ids, walk_ins[0]["id"], walk_ins[1]["id"], came_early["ticket"]["id"],
                          came_late["ticket"]["id"]]
        # The link returns: every check-in reaches the central server once, and marks its booking.
        proxy.set("pass")
        hub.wait_drained()
        deadline = time.monotonic() + 30
        ids = [on_time_qr, on_time_card, on_time_code, early, late]
        while time.monotonic() < deadline:
            states = [requests.get(f"{central.url}/api/v1/public/bookings/{b['id']}", timeout=5).json()["status"]
                      for b in ids]
            if states == ["checked_in"] * 5:
                break
            time.sleep(0.1)
        assert states == ["checked_in"] * 5
        assert_exactly_once(hub, central)
