"""Screenshots of the manager's console for the headless demo: a manager signs in through the real sign-in form
of a running hub, and each page is captured at 1366×768 in headless Chromium (when it is installed)."""
from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PAGES = (
    ("console-live.png", "/console/live", "document.getElementById('t-waiting') !== null", False),
    ("console-report.png", "/console/reports?period={month}", "document.getElementById('s-issued') !== null", True),
    ("console-report-services.png", "/console/reports?view=services&period={month}",
     "document.getElementById('tbl-services') !== null", False),
    ("console-report-counters.png", "/console/reports?view=counters&period={month}",
     "document.getElementById('tbl-counters') !== null", False),
    ("console-forecast.png", "/console/forecast", "document.getElementById('f-total') !== null", True),
    ("console-operations.png", "/console/operations", "document.getElementById('audit') !== null", True),
)
"""(file, path, what shows the page is drawn, full page or the screen only)."""


def console_screenshots(folder: Path, hub_url: str, db: Path, *, month: str, timeout_s: float = 240.0) -> list[Path]:
    """Sign in with a new manager token and capture each console page into `folder`; [] without Chromium."""
    from diagnostics.browser import Browser, chromium_path
    from sync.store import create_token

    if chromium_path() is None:
        log.info("no chromium: the console's screenshots are left out")
        return []
    token = create_token(db, role="manager", name="demo manager")
    profile = Path(tempfile.mkdtemp(prefix="motcua-console-"))
    written: list[Path] = []
    b = Browser(profile, width=1366, height=768, mobile=False)
    try:
        b.goto(f"{hub_url}/console/sign-in")
        b.eval("document.querySelector('details.token-signin').open = true")  # the token form, under the account's
        b.eval(f"document.getElementById('token').value = {token!r}")
        b.eval("document.getElementById('go-token').click()", gesture=True)
        b.wait_for("location.pathname === '/console/live'", timeout=30)
        for name, path, ready, full in PAGES:
            b.goto(hub_url + path.format(month=month), timeout=timeout_s)
            b.wait_for(ready, timeout=timeout_s)
            written.append(b.screenshot(folder / name, full_page=full))
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)
    return written
