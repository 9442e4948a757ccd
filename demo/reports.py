"""The manager's side of the demo: weeks of past traffic before the morning (`--history-weeks N`), and after it
the month's report, the forecast and the console's pages as a manager sees them (an artefact hook)."""
from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from demo.model import DemoRun
from motcua.clock import local_datetime
from motcua.config import SiteConfig

log = logging.getLogger(__name__)


def seed_demo_history(db: Path, config: SiteConfig, *, weeks: int, until: datetime) -> dict[str, Any]:
    """Weeks of past traffic before the demo's first day, through the hub's own code (sync.history), counted as
    already sent to the province; what was seeded, with the last event's sequence."""
    from sync.history import seed_history

    res = seed_history(db, config, weeks=weeks, until=until.date(), per_day=600.0, mark_sent=True)
    con = sqlite3.connect(db)
    try:
        last_seq = int(con.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])
    finally:
        con.close()
    return {"weeks": weeks, "first": res.first.isoformat(), "last": res.last.isoformat(), "open_days": res.open_days,
            "tickets": res.tickets, "dossiers": res.dossiers, "last_seq": last_seq}


def write_reports(out: Path, run: DemoRun) -> None:
    """DIR/reports/ (the month's report as PDF with the forecast and counter plan, XLSX, the forecast as JSON) and
    DIR/screens/console-*.png (when Chromium is installed); each file is listed in `run.reports`."""
    if not run.history:
        return
    from analytics import jobs
    from analytics.export import report_xlsx
    from analytics.periods import Period
    from diagnostics.console_shots import console_screenshots

    last = datetime.fromisoformat(run.history["last"]).date()
    first = datetime.fromisoformat(run.history["first"]).date()
    # The month so far; early in a month, the last four weeks instead (a report of two days says little).
    start = last.replace(day=1) if last.day >= 7 else last - timedelta(days=27)
    period = Period.between(max(first, start), last)
    folder = out / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    pdf, rep, fc, _ = jobs.monthly_pdf(run.db, run.config, period, issued_on=last + timedelta(days=1))
    (folder / "report.pdf").write_bytes(pdf)
    (folder / "report.xlsx").write_bytes(report_xlsx(rep))
    run.reports.extend(["reports/report.pdf", "reports/report.xlsx"])
    if fc is not None:
        (folder / "forecast.json").write_text(json.dumps(fc.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
        run.reports.append("reports/forecast.json")
    if run.hub is not None:
        from sync.hub.console import console_of

        # A demo runs on a PC that is busy with it: the report worker at a low priority, not on idle time only.
        console_of(run.hub).runner_options = {"nice": 10, "idle": False}
    month = local_datetime(run.start, run.config.tz).strftime("%Y-%m")
    for shot in console_screenshots(out / "screens", run.hub_url, run.db, month=month):
        run.reports.append(str(shot.relative_to(out)))
