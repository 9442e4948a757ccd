"""The central server's booking page in a real headless Chromium (no script on the page): a citizen picks a
center, a service, a day and a time, gives name, CCCD and phone with consent to notices, gets a code and a QR,
and cancels; the place is free again. MOTCUA_SCREENSHOTS=DIR keeps the 390×844 screenshots (the README's)."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, chromium_path
from support import local, small_site

from motcua.booking import capacity_document
from motcua.clock import ManualClock
from motcua.config import parse_site_config
from sync.central.app import CentralSettings, create_central_app
from sync.central.store import CentralStore
from sync.server import ServerThread

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (./install.sh --dev)")


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[ServerThread, CentralStore]]:
    clock = ManualClock(local(2026, 11, 26, 9, 0))
    store = CentralStore(tmp_path / "central.db", dev_tokens=True)
    site = small_site()
    site["site"]["name_en"] = "Test center"
    doc = capacity_document(parse_site_config(site))
    store.ingest_events(site="TEST", events=[{"id": "offer-0001", "seq": 1, "type": "booking.capacity",
                                              "at": clock.time(), "capacity": doc}])
    server = ServerThread(create_central_app(store, CentralSettings(clock=clock.time))).start()
    yield server, store
    server.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    b = Browser(tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()


def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path / "screens")


def submit(browser: Browser, form: str) -> None:
    """Submit a form as a tap on its button does, and wait for the next page."""
    browser.eval(f"window.__old = 1; document.getElementById({form!r}).querySelector('button').click()", gesture=True)
    deadline = time.monotonic() + 10
    while True:
        try:
            if browser.eval("window.__old === undefined && document.readyState === 'complete'"):
                return
        except RuntimeError:
            pass  # the page is changing under the evaluation
        assert time.monotonic() < deadline, "the form did not lead to a new page"
        time.sleep(0.05)


def test_the_booking_page_books_and_cancels(central, browser: Browser, tmp_path: Path) -> None:  # noqa: ANN001
    server, store = central
    browser.goto(f"{server.url}/book")
    assert browser.eval("document.getElementById('site').value") == "TEST"  # the only center is chosen
    assert browser.eval("document.scripts.length") == 0
    browser.eval("document.getElementById('service').value = 'B'; document.getElementById('day').value = '2026-11-27'")
    submit(browser, "choose")
    assert browser.eval("location.search").startswith("?site=TEST&service=B&day=2026-11-27")
    free = browser.eval("[...document.querySelectorAll('input[name=slot]:not([disabled])')].map(e => e.value)")
    assert free[:2] == ["07:30", "08:00"] and "12:00" not in free
    browser.eval("document.querySelector('input[name=slot][value=\"09:00\"]').checked = true;"
                 "document.getElementById('name').value = 'Lê Thị Thu';"
                 "document.getElementById('id_number').value = '001190001234';"
                 "document.getElementById('phone').value = '0912345678';"
                 "document.getElementById('notify').checked = true")
    browser.screenshot(shots(tmp_path) / "booking-form.png")
    weight = sum(n for _, n in browser.loaded())
    submit(browser, "booking")
    assert "/book/" in browser.eval("location.pathname")
    code = browser.text("code")
    assert len(code) == 8 and code.isdigit()
    assert browser.eval("document.querySelector('#qr svg') !== null")
    assert "09:00–09:30, 27/11/2026" in browser.text("when") and browser.text("service") == "Tư pháp - Hộ tịch"
    page = browser.eval("document.body.innerText")
    assert "001190001234" not in page and "0912345678" not in page and "09******78" in page
    assert 0 < weight <= 30 * 1024
    browser.screenshot(shots(tmp_path) / "booking-done.png")
    booking_id = browser.eval("location.pathname").rsplit("/", 1)[1]
    assert store.booking(booking_id)["status"] == "booked"  # type: ignore[index]
    submit(browser, "cancel")
    assert browser.text("cancelled").startswith("Đã hủy lịch hẹn")
    assert store.booking(booking_id)["status"] == "cancelled"  # type: ignore[index]
    slot = next(s for s in store.slots(site="TEST", service="B", day=__import__("datetime").date(2026, 11, 27),
                                       now=local(2026, 11, 26, 9, 0).timestamp()) if s["slot"] == "09:00")
    assert slot["free"] == 3  # the place is free again
    assert browser.eval("document.getElementById('cancel') === null")  # nothing left to cancel


def test_a_full_slot_cannot_be_chosen_and_a_refusal_keeps_the_form(central, browser: Browser) -> None:  # noqa: ANN001
    server, store = central
    day = __import__("datetime").date(2026, 11, 27)
    now = local(2026, 11, 26, 9, 0).timestamp()
    for i in range(3):  # B's 09:00 slot takes 3
        store.book(site="TEST", service="B", day=day, slot="09:00", name="X", phone="", id_number=f"00119000{i:04d}",
                   notify=False, now=now)
    browser.goto(f"{server.url}/book?site=TEST&service=B&day=2026-11-27")
    assert browser.eval("document.querySelector('input[name=slot][value=\"09:00\"]').disabled")
    # The same citizen books B again that day: refused, told why, the form kept (never the ID number).
    browser.eval("document.querySelector('input[name=slot][value=\"10:00\"]').checked = true;"
                 "document.getElementById('name').value = 'Lê Thị Thu';"
                 "document.getElementById('id_number').value = '001190000001'")
    submit(browser, "booking")
    assert "đã đặt lịch dịch vụ này" in browser.text("error")
    assert browser.eval("document.getElementById('name').value") == "Lê Thị Thu"
    assert browser.eval("document.getElementById('id_number').value") == ""
