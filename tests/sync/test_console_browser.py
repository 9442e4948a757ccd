"""The manager's console in a real headless Chromium at 1366×768: sign in, watch the live page while numbers are
issued and called, open each report and the forecast, download XLSX, CSV and PDF and check their figures against
the hub's database. Four weeks of history are seeded first through the hub's own code (sync.history).

MOTCUA_SCREENSHOTS=DIR keeps the screenshots there (the README's: docs/console/)."""
from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
import time
import uuid
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
    needs_chromium,
    shots,
    sign_in,
    table_rows,
    wait_download,
)
from support import RunningHub, db_rows

from sync.history import seed_history
from sync.hub.staff import add_staff

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


RATED = {"NV001": ["very_satisfied"] * 5 + ["satisfied"] * 3, "NV002": ["very_satisfied", "satisfied", "satisfied",
         "unsatisfied", "unsatisfied", "unsatisfied"], "NV003": ["unsatisfied", "unsatisfied", "satisfied"]}
"""Ratings seeded per clerk in November (levels as the counters' screens store them)."""


def seed_ratings(db: Path) -> None:
    """Ratings of tickets each clerk served to the end in the history, as the hub stores them (one per ticket),
    and one of October's (outside the month's report)."""
    con = sqlite3.connect(db)
    try:
        served = ("SELECT s.ticket_id, s.day, s.counter, s.clerk, t.service, s.ended_at FROM service_segments s "
                  "JOIN tickets t ON t.id = s.ticket_id WHERE s.clerk = ? AND s.outcome = 'done' AND s.day LIKE ? "
                  "ORDER BY s.day, s.ticket_id LIMIT ?")
        for clerk, levels in [*RATED.items(), ("NV002", ["very_satisfied"])]:
            month = "2026-10-%" if len(levels) == 1 else "2026-11-%"
            tickets = con.execute(served, (clerk, month, len(levels))).fetchall()
            assert len(tickets) == len(levels), f"{clerk} served too few in {month}"
            con.executemany("INSERT INTO ratings (id, ticket_id, day, counter, clerk, service, level, reasons, channel, "
                            "rated_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'screen', ?, ?)",
                            [(uuid.uuid4().hex, tid, day, counter, c, service, level,
                              '["waiting_time"]' if level == "unsatisfied" else "[]", end + 20, end + 21)
                             for (tid, day, counter, c, service, end), level in zip(tickets, levels, strict=True)])
        con.commit()
    finally:
        con.close()


def share_text(x: float | None) -> str:
    """A share as the console writes it: "62,5%"."""
    return "–" if x is None else f"{x * 100:.1f}%".replace(".", ",")


def test_the_report_by_clerk_shows_each_clerks_ratings_as_the_database_has_them(
        history: Path, tmp_path: Path, console_hub: Callable[[Path], RunningHub], console_browser: Browser) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    db = tmp_path / "site.db"
    shutil.copy(history, db)
    seed_ratings(db)
    hub = console_hub(db)
    # Today: NV001 signs in at a counter, serves a citizen who rates the service there; the hub attributes it.
    add_staff(db, code="NV001", name="Lê Văn Bình", pin="1357")
    counter = CONFIG.counters[0]
    clerk = hub.client("counter")
    clerk.sign_in(counter.number, staff="NV001", pin="1357")
    hub.client("kiosk").issue(counter.services[0])
    served = clerk.call_next(counter.number)
    assert served is not None
    hub.clock.advance(minutes=4)
    clerk.complete(counter.number)
    clerk.rate(rating_id=uuid.uuid4().hex, ticket=served.id, level="unsatisfied", reasons=["guidance"])

    want = {str(c): (int(n), int(ok) / int(n)) for c, n, ok in db_rows(
        db, "SELECT clerk, COUNT(*), SUM(level IN ('very_satisfied', 'satisfied')) FROM ratings "
            "WHERE day BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY clerk")}
    assert want == {"NV001": (9, 8 / 9), "NV002": (6, 3 / 6), "NV003": (3, 1 / 3)}  # today's went to NV001

    downloads = tmp_path / "downloads"
    browser = console_browser
    browser.allow_downloads(downloads)
    browser.goto(f"{hub.url}/console/reports?view=clerks&period=2026-11")
    sign_in(browser, MANAGER)
    browser.wait_for("document.getElementById('tbl-clerks') !== null", timeout=120)
    heads = browser.eval("[...document.querySelectorAll('#tbl-clerks thead th')].map(h => h.firstChild.textContent)")
    n_col, share_col = heads.index("Lượt đánh giá"), heads.index("Tỷ lệ hài lòng")
    shown = {r[0]: (int(r[n_col].replace(".", "")), r[share_col]) for r in table_rows(browser, "tbl-clerks")}
    assert set(want) <= set(shown)
    for code, (n, share) in shown.items():
        assert (n, share) == ((want[code][0], share_text(want[code][1])) if code in want else (0, "–")), code
    assert shown["NV001"] == (9, "88,9%") and shown["NV002"] == (6, "50,0%")
    names = dict(db_rows(db, "SELECT code, name FROM staff"))
    assert {r[0]: r[1] for r in table_rows(browser, "tbl-clerks")} == {c: names[c] for c in shown}
    browser.screenshot(shots(tmp_path) / "console-report-clerks.png", full_page=True)

    browser.eval("document.getElementById('dl-csv').click()", gesture=True)
    raw = wait_download(downloads, ".csv").read_bytes()
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    head = table[0]
    n_col, share_col = head.index("Lượt đánh giá / Ratings"), head.index("Tỷ lệ hài lòng / Satisfied share")
    from_csv = {r[0]: (int(r[n_col]), float(r[share_col]) if r[share_col] else None) for r in table[1:]}
    assert set(from_csv) == set(shown)
    for code, (n, share) in from_csv.items():
        w_n, w_share = want.get(code, (0, None))
        assert n == w_n and (share is None if w_share is None else share == pytest.approx(w_share, abs=5e-5)), code
    browser.eval("document.getElementById('dl-xlsx').click()", gesture=True)
    sheet = openpyxl.load_workbook(wait_download(downloads, ".xlsx"))["Can bo"]
    xrows = list(sheet.iter_rows(values_only=True))
    n_col, share_col = xrows[0].index("Lượt đánh giá / Ratings"), xrows[0].index("Tỷ lệ hài lòng / Satisfied share")
    from_xlsx = {r[0]: (r[n_col], r[share_col]) for r in xrows[1:]}
    assert {c: v[0] for c, v in from_xlsx.items()} == {c: want.get(c, (0, None))[0] for c in shown}
    for code, (_n, share) in want.items():
        assert from_xlsx[code][1] == pytest.approx(share, abs=5e-5), code
