"""What the console's browser tests share (tests/sync/test_console_browser.py, test_console_ops_browser.py): the
example site, the manager's account, and the small steps they take in the page. Their fixtures (a hub with the
manager's account, a desktop Chromium) are in tests/sync/conftest.py."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from browser import Browser, chromium_path

from motcua.config import example_site_config_path, load_site_config

CONFIG = load_site_config(example_site_config_path())
MANAGER = "QL01"
MANAGER_NAME = "Nguyễn Thị Hoa"
PASSWORD = "Mật-khẩu-của-Hoa-2026"

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (./install.sh --dev)")


def shots(tmp_path: Path) -> Path:
    """Where screenshots go: MOTCUA_SCREENSHOTS (the README's docs/console/), else the test's own folder."""
    return Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path / "screens")


def sign_in(b: Browser, user: str = MANAGER, password: str = PASSWORD) -> None:
    """Fill the sign-in form the browser shows and send it."""
    b.eval(f"document.getElementById('user').value = {user!r}")
    b.eval(f"document.getElementById('password').value = {password!r}")
    b.eval("document.getElementById('go').click()", gesture=True)


def cell(b: Browser, selector: str) -> str:
    """The text of the first element the selector finds ('' when none)."""
    return str(b.eval(f"(document.querySelector({selector!r}) || {{}}).textContent || ''"))


def table_rows(b: Browser, table_id: str) -> list[list[str]]:
    """The texts of a table's body cells, row by row."""
    return b.eval(f"[...document.querySelectorAll('#{table_id} tbody tr')].map(r => "  # type: ignore[no-any-return]
                  "[...r.children].map(c => c.textContent))")


def submit(b: Browser, element_id: str) -> None:
    """Click a form's button and wait for the page that answers it; no error shown."""
    b.eval("window.__old = 1")  # gone once the form's answer has loaded
    b.eval(f"document.getElementById({element_id!r}).click()", gesture=True)
    b.wait_for("window.__old === undefined && document.readyState === 'complete' && "
               "(document.getElementById('done') !== null || document.getElementById('error') !== null)", timeout=10)
    assert b.eval("document.getElementById('error') === null"), b.text("error")


def wait_download(folder: Path, suffix: str, timeout: float = 120.0) -> Path:
    """The finished download with this suffix."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} download in {folder}: {list(folder.iterdir())}")
