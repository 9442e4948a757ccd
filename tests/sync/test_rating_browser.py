"""The phone's rating in a real headless Chromium (issue 13): from the served ticket's tracking page to the
rating page, one touch, the thanks; the link is gone afterwards and the page no longer offers the levels.

MOTCUA_SCREENSHOTS=DIR keeps the 390×844 screenshots (rating-phone, rating-phone-thanks) there (the README's)."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, chromium_path
from support import RunningHub

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (./install.sh --dev)")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    b = Browser(tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()


def test_a_phone_rates_a_served_ticket_once(hub: RunningHub, browser: Browser, tmp_path: Path) -> None:
    shots = Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path / "screens")
    t = hub.client("kiosk").issue("A")
    clerk = hub.client("counter")
    clerk.call_next(1)
    clerk.complete(1)
    # The public address of the example is hub.test: follow the link on this hub.
    browser.goto(f"{hub.url}/t/{t.id}")
    href = browser.eval("document.getElementById('rate').getAttribute('href')")
    assert href == f"http://hub.test/t/{t.id}/rate" and browser.eval("document.getElementById('rate').hidden") is False
    browser.goto(f"{hub.url}/t/{t.id}/rate")
    assert browser.text("msg") == "Bạn hài lòng với việc giải quyết thủ tục hôm nay?"
    browser.screenshot(shots / "rating-phone.png")
    browser.eval("document.querySelector('button[value=very_satisfied]').click()", gesture=True)
    browser.wait_for("document.getElementById('msg') && document.getElementById('msg').textContent === "
                     "'Cảm ơn bạn đã đánh giá!'")
    browser.screenshot(shots / "rating-phone-thanks.png")
    with sqlite3.connect(hub.db) as conn:
        assert conn.execute("SELECT ticket_id, level, channel FROM ratings").fetchall() == [
            (t.id, "very_satisfied", "phone")]
    browser.goto(f"{hub.url}/t/{t.id}/rate")  # back again: no second rating on offer
    assert browser.text("msg") == "Số này đã được đánh giá. Cảm ơn bạn!"
    assert browser.eval("document.querySelector('form')") is None
    browser.goto(f"{hub.url}/t/{t.id}")
    assert browser.eval("document.getElementById('rate').hidden") is True
