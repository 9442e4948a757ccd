"""The kiosk against a real hub on 127.0.0.1 and a TCP printer on 127.0.0.1 (pytest-qt, offscreen)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from kiosk_support import click, touch
from support import PAPER_OUT, READY, FakePrinter, RunningHub, local, small_site

from kiosk.app import KioskWindow
from kiosk.backend import KioskBackend
from kiosk.config import KioskConfig, hash_pin, parse_kiosk_config
from motcua.clock import ManualClock

PIN = "2468"
PIN_HASH = hash_pin(PIN, iterations=1000)


@dataclass
class Kiosk:
    hub: RunningHub
    win: KioskWindow
    backend: KioskBackend
    printer: FakePrinter
    clock: ManualClock
    qtbot: Any

    def tickets(self) -> list[dict[str, Any]]:
        r = requests.get(self.hub.url + "/api/v1/tickets", timeout=5,
                         headers={"Authorization": f"Bearer {self.hub.tokens['admin']}"})
        return r.json()["tickets"]

    def wait_page(self, page: str, timeout: int = 10000) -> None:
        self.qtbot.waitUntil(lambda: self.win.page == page, timeout=timeout)

    def refresh(self) -> None:
        before = self.win.site
        self.win.refresh_site()
        self.qtbot.waitUntil(lambda: self.win.site is not before, timeout=5000)


def kiosk_config(hub_url: str, token: str, printer: str, tmp_path: Path, **kiosk: Any) -> KioskConfig:
    return parse_kiosk_config({
        "hub": {"url": hub_url, "token": token, "timeout_s": 2},
        "printer": {"address": printer, "paper_mm": 80},
        "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
        "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": PIN_HASH, "cache_db": str(tmp_path / "cache.db"),
                  "idle_timeout_s": 30, "ticket_display_s": 8, "hub_retry_s": 1, "issue_retry_s": 0.5,
                  **kiosk},
    })


@pytest.fixture
def kiosk(qtbot, make_hub, tcp_printer, tmp_path, clock) -> Callable[..., Kiosk]:  # noqa: ANN001
    made: list[Kiosk] = []

    def factory(data: dict[str, Any] | None = None, *, script: list | None = None) -> Kiosk:
        hub = make_hub(data or small_site())
        fake, address = tcp_printer(script or [READY])
        cfg = kiosk_config(hub.url, hub.tokens["kiosk"], address, tmp_path)
        backend = KioskBackend(cfg)
        win = KioskWindow(cfg, backend, clock=clock.time)
        qtbot.addWidget(win)
        win.show()
        k = Kiosk(hub, win, backend, fake, clock, qtbot)
        qtbot.waitUntil(lambda: win.site is not None and win.site.online, timeout=10000)
        made.append(k)
        return k

    yield factory
    for k in made:
        k.win.allow_close = True
        k.win.close()
        k.backend.close()


def test_take_a_number_prints_and_shows_it(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    click(k.qtbot, k.win.service_buttons["A"])
    assert k.win.overlay.isVisible()  # feedback at once, before the hub has answered
    assert not k.win.service_buttons["A"].isEnabled()
    k.wait_page("ticket")
    [t] = k.tickets()
    assert k.win.ticket.t_number.text() == t["display"] == "1001"
    assert "Đất đai" in k.win.ticket.t_service.text()
    assert k.win.result.printed and k.win.result.print_outcome == "printed"
    assert len(k.printer.job) > 2000 and b"\x1dv0" in bytes(k.printer.job)  # a raster ticket reached the printer
    assert not k.win.ticket.t_qr.pixmap().isNull()
    # The number stays ~8 seconds, then home.
    k.clock.advance(7)
    k.win.tick()
    assert k.win.page == "ticket"
    k.clock.advance(1.5)
    k.win.tick()
    assert k.win.page == "home" and k.win.ticket.t_number.text() == ""


def test_priority_number_needs_one_more_touch(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    click(k.qtbot, k.win.priority_button)
    assert k.win.page == "priority"
    click(k.qtbot, k.win.category_buttons["elderly"])
    assert k.win.page == "home" and "Người cao tuổi" in k.win.priority_label.text()
    click(k.qtbot, k.win.service_buttons["B"])
    k.wait_page("ticket")
    [t] = k.tickets()
    assert t["priority"] == "elderly" and t["display"] == "B001"
    assert "Người cao tuổi" in k.win.ticket.t_priority.text()


def test_double_touch_makes_one_ticket(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    click(k.qtbot, k.win.service_buttons["A"])
    touch(k.qtbot, k.win.service_buttons["A"])  # greyed at once: the second touch lands on a disabled button
    k.win.touch_service("A")
    touch(k.qtbot, k.win.service_buttons["B"])
    k.wait_page("ticket")
    k.qtbot.wait(300)
    assert len(k.tickets()) == 1


def test_paper_out_still_issues_shows_the_number_and_reports_the_fault(kiosk) -> None:  # noqa: ANN001
    k = kiosk(script=[PAPER_OUT])
    click(k.qtbot, k.win.service_buttons["A"])
    k.wait_page("fault")
    [t] = k.tickets()
    assert k.win.ticket.f_number.text() == t["display"]
    assert "hết giấy" in k.win.ticket.f_reason.text()
    assert not k.win.ticket.f_qr.pixmap().isNull() and not k.win.ticket.f_preview.pixmap().isNull()
    faults = k.hub.client("counter").device_faults()
    assert faults and faults[0].device == "Ki-ốt sảnh 1" and faults[0].fault == "paper_out"
    # Shown longer than a normal ticket, then home.
    k.clock.advance(20)
    k.win.tick()
    assert k.win.page == "fault"
    click(k.qtbot, k.win.ticket.f_done)
    assert k.win.page == "home"
    # Paper loaded again: the next ticket prints and the fault clears at the hub.
    k.printer.script = [READY]
    click(k.qtbot, k.win.service_buttons["A"])
    k.wait_page("ticket")
    assert k.hub.client("counter").device_faults() == []


def test_hub_down_then_back(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    k.hub.stop()
    click(k.qtbot, k.win.service_buttons["A"])
    k.wait_page("hub_down")
    assert "gián đoạn" in k.win.h_title.text()
    k.hub.start()
    assert k.tickets() == []  # nothing half-issued
    k.clock.advance(2)
    k.win.tick()
    k.wait_page("home")
    assert k.win.site.online
    click(k.qtbot, k.win.service_buttons["A"])
    k.wait_page("ticket")
    assert [t["display"] for t in k.tickets()] == ["1001"]


def test_kiosk_starts_from_its_cache_when_the_hub_is_down(kiosk, tmp_path, qtbot, clock) -> None:  # noqa: ANN001
    k = kiosk()
    k.hub.stop()
    cfg = k.win.config
    backend = KioskBackend(cfg)
    win = KioskWindow(cfg, backend, clock=clock.time)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.site is not None, timeout=10000)
    assert not win.site.online and win.offline_badge.isVisibleTo(win)
    assert set(win.service_buttons) == {"A", "B", "C"}
    win.allow_close = True


def test_idle_reset_clears_the_citizen(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    click(k.qtbot, k.win.lang_button)
    assert k.win.lang == "en" and k.win.home_title.text() == "Choose a service to take a number"
    click(k.qtbot, k.win.priority_button)
    assert k.win.page == "priority"
    k.clock.advance(29)
    k.win.tick()
    assert k.win.page == "priority"
    k.clock.advance(2)
    k.win.tick()  # "are you still there?" first (kiosk.idle), then the reset
    assert k.win.page == "priority" and k.win.still_there.showing
    k.clock.advance(k.win.config.kiosk.still_there_s)
    k.win.tick()
    assert k.win.page == "home" and k.win.lang == "vi" and k.win.priority is None
    assert "Đất đai" in k.win.service_buttons["A"].text()


def test_closed_hours_and_quota(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    for _ in range(3):
        k.hub.client("kiosk").issue("C")  # C's daily quota is 3
    k.refresh()
    assert "Đã hết số hôm nay" in k.win.service_buttons["C"].text()
    click(k.qtbot, k.win.service_buttons["C"])
    assert k.win.page == "error"
    assert len(k.tickets()) == 3
    k.win.go_home(clear=True)
    k.clock.set(local(2026, 11, 26, 18, 0))
    k.refresh()
    assert all("Ngoài giờ cấp số" in b.text() for b in k.win.service_buttons.values())
    assert k.win.closed_banner.isVisibleTo(k.win)
    click(k.qtbot, k.win.service_buttons["A"])
    assert k.win.page == "error" and len(k.tickets()) == 3


def test_pin_exit(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    k.win.close()
    assert k.win.isVisible()  # no way out without the PIN
    for _ in range(4):
        click(k.qtbot, k.win.corner)
    assert k.win.page == "home"
    click(k.qtbot, k.win.corner)
    assert k.win.page == "pin"
    for d in "1111":
        click(k.qtbot, k.win.pin_buttons[d])
    click(k.qtbot, k.win.pin_buttons["ok"])
    assert k.win.isVisible() and "không đúng" in k.win.p_msg.text()
    for d in PIN:
        click(k.qtbot, k.win.pin_buttons[d])
    click(k.qtbot, k.win.pin_buttons["ok"])
    # The PIN opens the technician page (the hub and the printer, asked afresh); its button exits.
    assert k.win.page == "tech" and k.win.isVisible()
    k.qtbot.waitUntil(lambda: k.win.technician.status is not None, timeout=5000)
    assert "mã thiết bị hợp lệ" in k.win.technician.t_hub_state.text()
    assert "Sẵn sàng" in k.win.technician.t_printer_state.text()
    click(k.qtbot, k.win.technician.t_exit)
    assert not k.win.isVisible()


def test_touch_targets_are_at_least_12_mm(kiosk) -> None:  # noqa: ANN001
    from ui.qt import QPushButton

    k = kiosk()
    k.qtbot.wait(50)
    for page in ("home", "priority", "pin"):
        k.win.show_page(page)
        k.qtbot.wait(20)
        buttons = [b for b in k.win.pages[page].findChildren(QPushButton) if b.isVisibleTo(k.win)]
        assert buttons
        for b in buttons:
            assert min(b.width(), b.height()) >= k.win.mm(12), (page, b.text(), b.size())
    assert k.win.corner.width() >= k.win.mm(12)


def test_printer_fault_and_recovery_noticed_without_a_citizen(kiosk) -> None:  # noqa: ANN001
    k = kiosk(script=[PAPER_OUT])
    counter = k.hub.client("counter")
    k.clock.advance(61)
    k.win.tick()
    k.qtbot.waitUntil(lambda: counter.device_faults() != [], timeout=5000)
    assert counter.device_faults()[0].fault == "paper_out"
    k.qtbot.waitUntil(lambda: k.win.printer_badge.isVisibleTo(k.win), timeout=5000)
    k.printer.script = [READY]  # the roll was replaced
    k.clock.advance(61)
    k.win.tick()
    k.qtbot.waitUntil(lambda: counter.device_faults() == [], timeout=5000)
    k.qtbot.waitUntil(lambda: not k.win.printer_badge.isVisibleTo(k.win), timeout=5000)


def test_large_text_mode_and_reset(kiosk) -> None:  # noqa: ANN001
    k = kiosk()
    before = k.win.service_buttons["A"].font().pixelSize()
    click(k.qtbot, k.win.large_button)
    assert k.win.service_buttons["A"].font().pixelSize() >= before * 1.25
    k.clock.advance(31)
    k.win.tick()
    assert k.win.service_buttons["A"].font().pixelSize() == before


def test_a_service_paused_from_the_console_shows_paused_and_issues_nothing(kiosk) -> None:  # noqa: ANN001
    import re

    k = kiosk()
    s = requests.Session()
    csrf = re.search(r'name="csrf" value="([^"]+)"', s.get(f"{k.hub.url}/console/sign-in").text)
    assert csrf
    assert s.post(f"{k.hub.url}/console/sign-in", data={"token": k.hub.tokens["admin"], "csrf": csrf.group(1)},
                  allow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', s.get(f"{k.hub.url}/console/operations").text)
    assert csrf
    r = s.post(f"{k.hub.url}/console/operations/service", data={"csrf": csrf.group(1), "code": "A", "action": "pause"},
               allow_redirects=False)
    assert r.status_code == 303
    # Before the kiosk hears of it: a touch reaches the hub, which refuses; the citizen reads the kiosk's words.
    click(k.qtbot, k.win.service_buttons["A"])
    k.wait_page("error")
    assert k.win.e_body.text() == ("Lĩnh vực này đang tạm dừng cấp số. Xin quý khách hỏi cán bộ hướng dẫn.\n"
                                   "Issuing for this service is paused. Please ask the staff at the help desk.")
    k.qtbot.waitUntil(lambda: k.win.site is not None and k.win.site.service("A").paused, timeout=5000)
    k.win.go_home(clear=True)
    assert "Tạm dừng cấp số" in k.win.service_buttons["A"].text()
    assert k.win.service_buttons["A"].property("unavailable") and not k.win.service_buttons["B"].property("unavailable")
    click(k.qtbot, k.win.service_buttons["A"])
    assert k.win.page == "error" and "tạm dừng cấp số" in k.win.e_body.text() and k.tickets() == []
