"""The console's operations page in a real headless Chromium at 1366×768: a manager signs in with a staff code and
password, pauses a service, closes a counter and sends a notice to the boards by clicking the page's own forms
(their CSRF tokens), and reads each action back in the page's audit table and the hub's state.

MOTCUA_SCREENSHOTS=DIR keeps the screenshots there (the README's: docs/console/)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, chromium_path
from support import RunningHub, local

from motcua.clock import ManualClock
from motcua.config import example_site_config_path, load_site_config
from sync.hub.staff import add_staff

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (./install.sh --dev)")

CONFIG = load_site_config(example_site_config_path())
PASSWORD = "Mật-khẩu-của-Hoa-2026"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningHub]:
    h = RunningHub(CONFIG, tmp_path / "site.db", ManualClock(local(2026, 11, 26, 9, 0)), central_url="")
    add_staff(h.db, code="QL01", name="Nguyễn Thị Hoa", pin=None, role="manager", password=PASSWORD)
    try:
        yield h
    finally:
        h.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    b = Browser(tmp_path / "profile", width=1366, height=768, mobile=False)
    try:
        yield b
    finally:
        b.close()


def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path / "screens")


def click(b: Browser, element_id: str) -> None:
    b.eval("window.__old = 1")  # gone once the form's answer has loaded
    b.eval(f"document.getElementById({element_id!r}).click()", gesture=True)
    b.wait_for("window.__old === undefined && document.readyState === 'complete' && "
               "(document.getElementById('done') !== null || document.getElementById('error') !== null)", timeout=10)
    assert b.eval("document.getElementById('error') === null"), b.text("error")


def test_a_manager_pauses_a_service_closes_a_counter_and_sends_a_notice_from_the_page(
        hub: RunningHub, browser: Browser, tmp_path: Path) -> None:
    browser.goto(f"{hub.url}/console/operations")
    assert browser.eval("location.pathname") == "/console/sign-in"
    browser.screenshot(shots(tmp_path) / "console-signin-account.png")
    browser.eval("document.getElementById('user').value = 'QL01'")
    browser.eval(f"document.getElementById('password').value = {PASSWORD!r}")
    browser.eval("document.getElementById('go').click()", gesture=True)
    browser.wait_for("location.pathname === '/console/operations' && document.getElementById('audit') !== null")
    assert browser.text("who") == "Nguyễn Thị Hoa"

    service = CONFIG.services[0].code
    counter = CONFIG.counters[0].number
    click(browser, f"pause-{service}")
    assert browser.eval(f"document.getElementById('resume-{service}') !== null")
    assert hub.hub.operations.paused == {service}
    click(browser, f"close-{counter}")
    assert browser.eval(f"document.getElementById('open-{counter}') !== null")
    assert hub.hub.engine.counters[counter].state.value == "paused"
    browser.eval("document.getElementById('notice-vi').value = 'Hệ thống mạng tỉnh đang bảo trì, hồ sơ vẫn nhận bình thường'")
    browser.eval("document.getElementById('notice-en').value = 'Province network maintenance: dossiers are still accepted'")
    browser.eval("document.getElementById('notice-minutes').value = '20'")
    click(browser, "notice-send")
    assert "Hệ thống mạng tỉnh đang bảo trì" in browser.text("notice-now")
    actions = browser.eval("[...document.querySelectorAll('#audit td.action')].map(td => td.dataset.action)")
    assert actions == ["notice.send", "counter.close", "service.pause"]  # newest first
    who = browser.eval("[...document.querySelectorAll('#audit tbody tr')].map(r => r.children[1].textContent)")
    assert who == ["QL01"] * 3
    assert all(u.startswith(hub.url) for u in browser.requested())  # nothing from elsewhere
    browser.screenshot(shots(tmp_path) / "console-operations.png", full_page=True)
