"""The tracking page in a real headless Chromium: it updates by itself within a second of a call, alerts with
vibration, survives a hub restart, falls back to polling without EventSource, and weighs at most 30 KB.

MOTCUA_SCREENSHOTS=DIR keeps the 390×844 screenshots (waiting, called, served) there (the README's)."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, chromium_path
from support import RunningHub

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (./install.sh --dev)")

VIBRATIONS = "window.__vibrations = []; navigator.vibrate = function (p) { window.__vibrations.push(p); return true; };"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    b = Browser(tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()


def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path / "screens")


def test_the_page_updates_within_a_second_of_a_call_and_weighs_at_most_30_kb(
        hub: RunningHub, browser: Browser, tmp_path: Path) -> None:
    kiosk, clerk = hub.client("kiosk"), hub.client("counter")
    kiosk.issue("A")
    mine = kiosk.issue("A")
    browser.before_each_page(VIBRATIONS)
    browser.goto(f"{hub.url}/t/{mine.id}")
    assert browser.text("num") == mine.display and browser.text("ahead") == "1"
    weight = sum(n for _, n in browser.loaded())
    assert 0 < weight <= 30 * 1024, browser.loaded()
    assert all(u.startswith(hub.url) for u in browser.requested()), browser.requested()  # nothing from elsewhere
    browser.eval("document.getElementById('sound').click()", gesture=True)  # the citizen allows sound and vibration
    browser.wait_for("document.getElementById('sound').textContent === 'Âm báo và rung đã bật'")
    browser.eval("window.__loaded = 1")
    browser.screenshot(shots(tmp_path) / "tracking-waiting.png")

    clerk.call_next(2)  # the one ahead
    took = browser.wait_for("document.getElementById('ahead').textContent === '0'", timeout=1.0)
    assert took < 1.0 and browser.text("wait") == "sắp đến lượt"
    t0 = time.monotonic()
    clerk.call_next(3)
    browser.wait_for("!document.getElementById('call').hidden", timeout=1.0)
    assert time.monotonic() - t0 < 1.0
    assert browser.text("call-text") == f"Mời số {mine.display} đến Quầy 3"
    assert browser.text("call-sub") == f"Number {mine.display}, please go to counter 3"
    assert browser.eval("window.__vibrations") == [80, [400, 150, 400, 150, 800]]  # the tap's buzz, then the call
    assert browser.eval("window.__loaded") == 1  # no reload happened
    browser.screenshot(shots(tmp_path) / "tracking-called.png")

    clerk.recall(3)  # a recall alerts again
    browser.wait_for("window.__vibrations.length === 3", timeout=1.0)
    browser.eval("document.getElementById('ok').click()", gesture=True)
    browser.eval("document.getElementById('lang').click()", gesture=True)  # English, remembered on the phone
    assert browser.text("status") == f"Number {mine.display}, please go to counter 3"
    clerk.complete(3)
    browser.wait_for("document.getElementById('card').className === 's-done'", timeout=1.0)
    assert browser.text("status") == "Served. Thank you!" and browser.text("sub") == "Đã phục vụ xong. Cảm ơn bạn!"
    assert browser.eval("document.getElementById('call').hidden")
    browser.eval("document.getElementById('lang').click()", gesture=True)
    browser.screenshot(shots(tmp_path) / "tracking-served.png")


def test_the_page_survives_a_hub_restart(hub: RunningHub, browser: Browser) -> None:
    mine = hub.client("kiosk").issue("A")
    browser.goto(f"{hub.url}/t/{mine.id}")
    browser.eval("window.__loaded = 1")
    hub.restart()  # the same port; the page's stream breaks and comes back by itself
    hub.client("counter").call_next(1)
    browser.wait_for("!document.getElementById('call').hidden", timeout=15.0)
    assert browser.text("call-text") == f"Mời số {mine.display} đến Quầy 1"
    assert browser.eval("window.__loaded") == 1
    # Once it is back, a call reaches the page within a second again.
    other = hub.client("kiosk").issue("A")
    browser.goto(f"{hub.url}/t/{other.id}")
    browser.wait_for("document.getElementById('status').textContent === 'Đang chờ đến lượt'")
    t0 = time.monotonic()
    hub.client("counter").call_next(2)
    browser.wait_for("!document.getElementById('call').hidden", timeout=1.0)
    assert time.monotonic() - t0 < 1.0


def test_without_eventsource_the_page_polls(hub: RunningHub, browser: Browser) -> None:
    mine = hub.client("kiosk").issue("A")
    # The page's clock 50 times faster (its poll every 10 s, every 0.2 s here): the test waits for the poll, not time.
    browser.before_each_page("delete window.EventSource; const later = window.setTimeout;"
                             "window.setTimeout = (f, ms, ...a) => later(f, (ms || 0) / 50, ...a);")
    browser.goto(f"{hub.url}/t/{mine.id}")
    hub.client("counter").call_next(1)
    browser.wait_for("!document.getElementById('call').hidden", timeout=15.0)
    assert any(u.endswith(f"/t/{mine.id}/state") for u in browser.requested())
    assert not any(u.endswith("/events") for u in browser.requested())
