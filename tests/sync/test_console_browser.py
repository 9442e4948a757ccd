"""The manager's console in a real headless Chromium at 1366×768: sign in, watch the live page while numbers are
issued and called, open each report and the forecast, download XLSX, CSV and PDF and check their figures against
the hub's database. Four weeks of history are seeded first through the hub's own code (sync.history).

MOTCUA_SCREENSHOTS=DIR keeps the screenshots there (the README's: docs/console/)."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from browser import Browser
from console_support import (
    CONFIG,
    MANAGER,
    MANAGER_NAME,
    cell,
    db_rows,
    needs_chromium,
    shots,
    sign_in,
    table_rows,
    wait_download,
)
from support import RunningHub

from sync.history import seed_history

pytestmark = needs_chromium

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four weeks of the example site's traffic up to yesterday (seeded once for the module)."""
    db = tmp_path_factory.mktemp("console") / "site.db"
    seed_history(db, CONFIG, weeks=4, until=TODAY, per_day=300, seed=5)
    return db


@pytest.fixture
def site(history: Path, tmp_path: Path, console_hub: Callable[[Path], RunningHub]) -> tuple[RunningHub, str]:
    """A hub on a copy of the history, 09:00 today, and the manager's account (staff code, PASSWORD)."""
    db = tmp_path / "site.db"
    shutil.copy(history, db)
    return console_hub(db), MANAGER


def issued_by_service(db: Path, first: str, last: str) -> dict[str, int]:
    return dict(db_rows(db, "SELECT number_service, COUNT(*) FROM tickets WHERE day BETWEEN ? AND ? AND test = 0 "
                            "GROUP BY number_service", (first, last)))  # type: ignore[arg-type]


def test_sign_in_and_watch_the_live_page_while_numbers_are_issued_and_called(
        site: tuple[RunningHub, str], console_browser: Browser, tmp_path: Path) -> None:
    browser = console_browser
    hub, manager = site
    browser.goto(f"{hub.url}/console/live")
    assert browser.eval("location.pathname") == "/console/sign-in"  # not signed in: the sign-in form
    sign_in(browser, manager, "not-her-password")
    browser.wait_for("document.getElementById('error') !== null")
    assert "Sai mã cán bộ hoặc mật khẩu" in browser.text("error") and "Wrong staff code" in browser.text("error")
    browser.screenshot(shots(tmp_path) / "console-signin.png")
    sign_in(browser, manager)
    browser.wait_for("location.pathname === '/console/live' && document.getElementById('t-waiting') !== null")
    assert browser.text("who") == MANAGER_NAME
    assert browser.eval("document.cookie") == ""  # the session cookie is HttpOnly: no script can read it
    browser.eval("window.__loaded = 1")

    kiosk, clerk = hub.client("kiosk"), hub.client("counter")
    a = [kiosk.issue("TPHT") for _ in range(3)] + [kiosk.issue("DD")]
    t0 = time.monotonic()
    browser.wait_for("document.getElementById('t-waiting').textContent === '4'", timeout=5)
    assert time.monotonic() - t0 < 5
    assert cell(browser, "tr[data-service='TPHT'] .waiting") == "3"
    assert cell(browser, "tr[data-service='DD'] .waiting") == "1"
    hub.clock.advance(minutes=7)  # the longest wait grows with the hub's clock
    counter = next(c.number for c in CONFIG.counters if "TPHT" in c.services)
    called = clerk.call_next(counter)
    assert called is not None and called.display == a[0].display
    browser.wait_for(f"(document.querySelector(\"tr[data-counter='{counter}'] .current\") || {{}}).textContent "
                     f"=== {called.display!r}", timeout=5)
    assert browser.text("t-waiting") == "3" and cell(browser, "tr[data-service='TPHT'] .waiting") == "2"
    assert cell(browser, f"tr[data-counter='{counter}'] .state").startswith("Đang mở")
    assert cell(browser, "tr[data-service='TPHT'] .longest").startswith("7:")  # 7 minutes and a few seconds
    waiting = db_rows(hub.db, "SELECT COUNT(*) FROM tickets WHERE day = ? AND status = 'waiting'", (TODAY.isoformat(),))
    assert int(browser.text("t-waiting")) == waiting[0][0]
    clerk.complete(counter)
    browser.wait_for(f"(document.querySelector(\"tr[data-counter='{counter}'] .current\") || {{}}).textContent === '–'",
                     timeout=5)
    assert browser.text("t-served") == "1"
    for _ in range(2):
        clerk.call_next(counter)
    browser.wait_for("document.getElementById('t-waiting').textContent === '1'", timeout=5)
    assert browser.eval("window.__loaded") == 1  # updated in place, never reloaded
    assert all(u.startswith(hub.url) for u in browser.requested())  # nothing from elsewhere
    browser.screenshot(shots(tmp_path) / "console-live.png")

    browser.eval("document.getElementById('signout').click()", gesture=True)
    browser.wait_for("location.pathname === '/console/sign-in'")
    browser.goto(f"{hub.url}/console/reports")
    assert browser.eval("location.pathname") == "/console/sign-in"


def test_each_report_and_its_downloads_match_the_database(
        site: tuple[RunningHub, str], console_browser: Browser, tmp_path: Path) -> None:
    browser = console_browser
    openpyxl = pytest.importorskip("openpyxl")
    hub, manager = site
    hub.client("kiosk").issue("DD")  # today counts too
    downloads = tmp_path / "downloads"
    browser.allow_downloads(downloads)
    browser.goto(f"{hub.url}/console/reports?period=2026-11")
    sign_in(browser, manager)  # back to the asked page after signing in
    browser.wait_for("document.getElementById('s-issued') !== null", timeout=120)
    assert browser.eval("location.search") == "?period=2026-11"
    issued = issued_by_service(hub.db, "2026-11-01", "2026-11-30")
    total = sum(issued.values())
    assert total > 3000
    assert browser.text("s-issued") == f"{total:,}".replace(",", ".")
    served = db_rows(hub.db, "SELECT COUNT(*) FROM tickets WHERE day LIKE '2026-11-%' AND test = 0 AND status = 'done'")
    assert browser.text("s-served") == f"{served[0][0]:,}".replace(",", ".")
    assert browser.eval("document.getElementById('chart-daily').naturalWidth") > 1000  # drawn by the hub
    assert browser.eval("document.getElementById('chart-heatmap').naturalWidth") > 1000
    assert all(u.startswith(hub.url) or u.startswith("data:") for u in browser.requested())
    browser.screenshot(shots(tmp_path) / "console-report-summary.png", full_page=True)

    browser.eval("document.getElementById('tab-services').click()", gesture=True)
    browser.wait_for("document.getElementById('tbl-services') !== null", timeout=60)
    rows = table_rows(browser, "tbl-services")
    shown = {r[0]: int(r[2].replace(".", "")) for r in rows if r[0] != "*"}
    assert {k: v for k, v in shown.items() if v} == issued
    browser.screenshot(shots(tmp_path) / "console-report-services.png", full_page=True)

    browser.eval("document.getElementById('tab-counters').click()", gesture=True)
    browser.wait_for("document.getElementById('tbl-counters') !== null", timeout=60)
    rows = table_rows(browser, "tbl-counters")
    by_counter = dict(db_rows(hub.db, "SELECT counter, COUNT(*) FROM tickets WHERE day LIKE '2026-11-%' AND test = 0 "
                                      "AND status = 'done' GROUP BY counter"))
    assert {int(r[0]): int(r[2].replace(".", "")) for r in rows if r[2] != "0"} == by_counter
    assert browser.eval("document.getElementById('chart-counters').naturalWidth") > 1000
    browser.screenshot(shots(tmp_path) / "console-report-counters.png")

    browser.eval("document.getElementById('tab-clerks').click()", gesture=True)
    browser.wait_for("document.querySelector('#tbl-clerks, #no-clerks') !== null", timeout=60)
    browser.eval("document.getElementById('tab-dossiers').click()", gesture=True)
    browser.wait_for("document.getElementById('tbl-dossiers') !== null", timeout=60)
    dossiers = db_rows(hub.db, "SELECT COUNT(*) FROM dossiers WHERE day LIKE '2026-11-%'")[0][0]
    last = browser.eval("[...document.querySelectorAll('#tbl-dossiers tbody tr')].pop().lastElementChild.textContent")
    assert int(last.replace(".", "")) == dossiers > 0
    browser.screenshot(shots(tmp_path) / "console-report-dossiers.png")

    # Downloads, through the browser's own session: the links on the page.
    browser.eval("document.getElementById('tab-services').click()", gesture=True)
    browser.wait_for("document.getElementById('tbl-services') !== null", timeout=60)
    browser.eval("document.getElementById('dl-xlsx').click()", gesture=True)
    xlsx = wait_download(downloads, ".xlsx")
    assert xlsx.name == "bao-cao-2026-11.xlsx"
    sheet = openpyxl.load_workbook(xlsx)["Linh vuc"]
    from_xlsx = {r[0]: r[2] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] != "*" and r[2]}
    assert from_xlsx == issued
    browser.eval("document.getElementById('dl-csv').click()", gesture=True)
    raw = wait_download(downloads, ".csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["Mã / Code", "Tên / Name", "Số phát / Issued"]
    assert {r[0]: int(r[2]) for r in table[1:] if r[0] != "*" and r[2] != "0"} == issued
    assert [r for r in table if r[0] == "*"][0][2] == str(total)
    browser.eval("document.getElementById('dl-pdf').click()", gesture=True)
    pdf = wait_download(downloads, ".pdf", timeout=180)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "tháng 11 năm 2026" in text
        assert f"{total:,}".replace(",", ".") in text  # the numbers issued, as the summary prints them


def test_the_forecast_page_shows_its_backtest_and_the_counter_plan(
        site: tuple[RunningHub, str], console_browser: Browser, tmp_path: Path) -> None:
    browser = console_browser
    hub, manager = site
    downloads = tmp_path / "downloads"
    browser.allow_downloads(downloads)
    browser.goto(f"{hub.url}/console/forecast")
    sign_in(browser, manager)
    browser.wait_for("document.getElementById('f-total') !== null", timeout=180)
    assert browser.eval("document.getElementById('f-start').value") == "2026-11-27"  # tomorrow by default
    wape = browser.text("f-wape")
    assert wape.endswith("%") and 0 < float(wape[:-1].replace(",", ".")) < 40  # the backtest error, stated
    days = browser.eval("[...document.querySelectorAll('#tbl-forecast thead th')].length")
    assert days == 1 + 14 + 1  # service, 14 days, backtest
    plan = browser.eval("[...document.querySelectorAll('#tbl-staffing tbody tr')].map(r => "
                        "[...r.children].slice(2).map(c => c.textContent))")
    assert len(plan) == len(CONFIG.services)
    assert max(int(v) for row in plan for v in row if v.isdigit()) >= 1  # counters to open on working days
    assert browser.eval("document.getElementById('chart-staffing').naturalWidth") > 1000
    browser.screenshot(shots(tmp_path) / "console-forecast.png", full_page=True)
    browser.eval("document.getElementById('dl-plan').click()", gesture=True)
    assert wait_download(downloads, ".pdf", timeout=180).read_bytes().startswith(b"%PDF")


def test_a_tablet_sees_the_live_page_without_scrolling_sideways(
        site: tuple[RunningHub, str], tmp_path: Path) -> None:
    hub, manager = site
    b = Browser(tmp_path / "tablet", width=800, height=1280, mobile=True)
    try:
        b.goto(f"{hub.url}/console/live")
        sign_in(b, manager)
        b.wait_for("document.getElementById('t-waiting') !== null")
        assert b.eval("document.documentElement.scrollWidth <= window.innerWidth + 1")
        b.screenshot(shots(tmp_path) / "console-live-tablet.png")
    finally:
        b.close()
