"""What the manager's console asks of the analytics, as jobs for `analytics.jobs.ReportRunner`'s worker process:
a report page (figures, tables and charts), a download (XLSX, CSV, PDF), the forecast page (forecast, backtest
and counter plan with its chart).

Every function here is a module-level function of plain, picklable arguments (a path, the SiteConfig, text
and numbers) so that the hub can hand it to the worker; none runs in the hub's own process (the hazard is
told in analytics.jobs).
"""
from __future__ import annotations

import base64
import logging
import sqlite3
from datetime import date, timedelta
from typing import Any

from analytics import charts, jobs
from analytics.export import report_tables, summary_rows
from analytics.periods import Period
from analytics.staffing import DEFAULT_SERVICE_LEVEL
from motcua.config import SiteConfig

log = logging.getLogger(__name__)

EXPORTS = ("xlsx", "csv", "pdf")

MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def warm(db: str | None = None, config: SiteConfig | None = None, today: str | None = None) -> bool:
    """Import what the jobs use (numpy, statsmodels, matplotlib, fpdf2) and, given the database, read the closed
    days of this month and the last into the day cache, so that the first page opened is quick."""
    import fpdf  # noqa: F401
    import statsmodels.api  # noqa: F401
    import xlsxwriter  # noqa: F401

    charts._plt()  # noqa: SLF001 - fonts registered once per process
    if db and config is not None and today:
        from analytics.report import DAY_CACHE
        from analytics.source import SourceError, reading, site_calendar

        last = date.fromisoformat(today)
        first = (last.replace(day=1) - timedelta(days=1)).replace(day=1)
        try:
            with reading(db) as conn:
                DAY_CACHE.days(conn, first, last, site_calendar(config, conn))
        except (SourceError, sqlite3.Error) as exc:  # a warm-up: the report itself will say what is wrong
            log.warning("report worker warm-up could not read %s: %s", db, exc)
    return True


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def report_page(db: str, config: SiteConfig, period_key: str, target_s: float) -> dict[str, Any]:
    """A period's report for the console: the Report itself, its tables, its summary and its charts (data URIs)."""
    period = Period.parse(period_key)
    rep = jobs.report(db, config, period, wait_target_s=target_s)
    figures = {
        "daily": charts.daily_chart(rep, width_in=9.0),
        "heatmap": charts.heatmap_chart(rep, width_in=9.0),
        "waits": charts.waits_chart(rep, width_in=9.0),
        "counters": charts.counters_chart(rep, width_in=9.0),
    }
    return {"report": rep, "tables": {t.name: t for t in report_tables(rep)}, "summary": summary_rows(rep),
            "charts": {k: _data_uri(v) for k, v in figures.items()}}


def forecast_page(db: str, config: SiteConfig, start_iso: str, target_s: float,
                  level: float = DEFAULT_SERVICE_LEVEL) -> dict[str, Any]:
    """The next 14 days' forecast from `start_iso`, its backtest, the counter plan and their charts."""
    start = date.fromisoformat(start_iso)
    fc = jobs.demand_forecast(db, config, start=start)
    plan = jobs.staffing_plan(db, config, fc, target_s=target_s, level=level)
    return {"forecast": fc, "plan": plan,
            "charts": {"forecast": _data_uri(charts.forecast_chart(fc, width_in=9.0)),
                       "staffing": _data_uri(charts.staffing_chart(plan, width_in=9.0))}}


def download(db: str, config: SiteConfig, period_key: str, fmt: str, target_s: float, issued_on_iso: str,
             table: str = "services") -> bytes:
    """A period's report as XLSX (every table), CSV (one table by name) or the printable A4 PDF."""
    from analytics.export import report_csv, report_xlsx

    period = Period.parse(period_key)
    if fmt == "pdf":
        data, _, _, _ = jobs.monthly_pdf(db, config, period, issued_on=date.fromisoformat(issued_on_iso),
                                         wait_target_s=target_s)
        return data
    rep = jobs.report(db, config, period, wait_target_s=target_s)
    if fmt == "xlsx":
        return report_xlsx(rep)
    if fmt == "csv":
        return report_csv(rep, table)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(EXPORTS)}")


def plan_download(db: str, config: SiteConfig, start_iso: str, target_s: float, issued_on_iso: str) -> bytes:
    """The printable forecast and counter plan (A4 PDF) from `start_iso`."""
    from analytics.pdf import plan_pdf

    start = date.fromisoformat(start_iso)
    fc = jobs.demand_forecast(db, config, start=start)
    sp = jobs.staffing_plan(db, config, fc, target_s=target_s)
    heading = jobs.report(db, config, Period.day(start))
    return plan_pdf(heading, fc, sp, issued_on=date.fromisoformat(issued_on_iso))
