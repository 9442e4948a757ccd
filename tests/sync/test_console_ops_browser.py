"""The console's operations page in a real headless Chromium at 1366×768: a manager signs in with a staff code and
password, pauses a service, closes a counter and sends a notice to the boards by clicking the page's own forms
(their CSRF tokens), and reads each action back in the page's audit table and the hub's state.

MOTCUA_SCREENSHOTS=DIR keeps the screenshots there (the README's: docs/console/)."""
from __future__ import annotations

from pathlib import Path

import pytest
from browser import Browser
from console_support import CONFIG, MANAGER, MANAGER_NAME, needs_chromium, shots, sign_in, submit
from support import RunningHub

pytestmark = needs_chromium


@pytest.fixture
def hub(console_hub, tmp_path: Path) -> RunningHub:  # noqa: ANN001
    return console_hub(tmp_path / "site.db")  # type: ignore[no-any-return]


def test_a_manager_pauses_a_service_closes_a_counter_and_sends_a_notice_from_the_page(
        hub: RunningHub, console_browser: Browser, tmp_path: Path) -> None:
    browser = console_browser
    browser.goto(f"{hub.url}/console/operations")
    assert browser.eval("location.pathname") == "/console/sign-in"
    browser.screenshot(shots(tmp_path) / "console-signin-account.png")
    sign_in(browser)
    browser.wait_for("location.pathname === '/console/operations' && document.getElementById('audit') !== null")
    assert browser.text("who") == MANAGER_NAME

    service = CONFIG.services[0].code
    counter = CONFIG.counters[0].number
    submit(browser, f"pause-{service}")
    assert browser.eval(f"document.getElementById('resume-{service}') !== null")
    assert hub.hub.operations.paused == {service}
    submit(browser, f"close-{counter}")
    assert browser.eval(f"document.getElementById('open-{counter}') !== null")
    assert hub.hub.engine.counters[counter].state.value == "paused"
    browser.eval("document.getElementById('notice-vi').value = 'Hệ thống mạng tỉnh đang bảo trì, hồ sơ vẫn nhận bình thường'")
    browser.eval("document.getElementById('notice-en').value = 'Province network maintenance: dossiers are still accepted'")
    browser.eval("document.getElementById('notice-minutes').value = '20'")
    submit(browser, "notice-send")
    assert "Hệ thống mạng tỉnh đang bảo trì" in browser.text("notice-now")
    actions = browser.eval("[...document.querySelectorAll('#audit td.action')].map(td => td.dataset.action)")
    assert actions == ["notice.send", "counter.close", "service.pause"]  # newest first
    who = browser.eval("[...document.querySelectorAll('#audit tbody tr')].map(r => r.children[1].textContent)")
    assert who == [MANAGER] * 3
    assert all(u.startswith(hub.url) for u in browser.requested())  # nothing from elsewhere
    browser.screenshot(shots(tmp_path) / "console-operations.png", full_page=True)
