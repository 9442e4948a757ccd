"""What a caller asks of the analytics (the console, `motcua report`, the benchmark), with the I/O done here:
a report, the forecast, the counter plan, the monthly PDF; and a runner that does them in a process of
their own.

Hazard for the console: a report is CPU work in Python. Run inside the hub's process it would hold the
GIL against the hub's event loop and delay every ticket issued meanwhile. `ReportRunner` runs jobs in
a separate worker process at the idle CPU priority (SCHED_IDLE, nice 19), reading the database on its own read-only
connection, so the hub's writer and its event loop never wait for a report.
"""
from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from analytics.forecast import Forecast, forecast, load_history
from analytics.periods import Period
from analytics.report import DEFAULT_WAIT_TARGET_S, Report, build
from analytics.source import reading, site_calendar
from analytics.staffing import DEFAULT_SERVICE_LEVEL, StaffingPlan, observed_service_times, plan
from motcua.config import SiteConfig, load_site_config

log = logging.getLogger(__name__)
T = TypeVar("T")

HISTORY_WEEKS = 12


def report(db: str | Path, config: SiteConfig, period: Period, *, wait_target_s: float = DEFAULT_WAIT_TARGET_S,
           generated_at: float | None = None) -> Report:
    """The report of a period."""
    return build(db, config, period, wait_target_s=wait_target_s, generated_at=generated_at)


def demand_forecast(db: str | Path, config: SiteConfig, *, start: date, weeks: int = HISTORY_WEEKS,
                    horizon: int = 14) -> Forecast:
    """The forecast of `horizon` days from `start`, from the `weeks` weeks before it."""
    with reading(db) as conn:
        calendar = site_calendar(config, conn)
        history = load_history(conn, config, calendar, last=start - timedelta(days=1), weeks=weeks)
    return forecast(history, config, calendar, start=start, horizon=horizon)


def staffing_plan(db: str | Path, config: SiteConfig, fc: Forecast, *, target_s: float = DEFAULT_WAIT_TARGET_S,
                  level: float = DEFAULT_SERVICE_LEVEL, weeks: int = HISTORY_WEEKS) -> StaffingPlan:
    """Counters per service and hour for a forecast, with the service times observed before it."""
    with reading(db) as conn:
        times = observed_service_times(conn, last=fc.days[0] - timedelta(days=1), weeks=weeks)
    return plan(fc, config, times, target_s=target_s, level=level)


def monthly_pdf(db: str | Path, config: SiteConfig, period: Period, *, issued_on: date, with_plan: bool = True,
                wait_target_s: float = DEFAULT_WAIT_TARGET_S) -> tuple[bytes, Report, Forecast | None,
                                                                      StaffingPlan | None]:
    """The printable report of a period; with_plan adds the forecast and the counter plan from the next day on."""
    from analytics.pdf import report_pdf

    rep = report(db, config, period, wait_target_s=wait_target_s)
    fc = sp = None
    if with_plan:
        fc = demand_forecast(db, config, start=period.last + timedelta(days=1))
        sp = staffing_plan(db, config, fc, target_s=wait_target_s)
    return report_pdf(rep, issued_on=issued_on, forecast=fc, plan=sp), rep, fc, sp


def config_for(db: str | Path, config_path: str | Path | None) -> SiteConfig:
    """The site file given, else the one the hub recorded in its database at its last start."""
    if config_path:
        return load_site_config(config_path)
    from analytics.source import open_readonly

    conn = open_readonly(db)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'site'").fetchone()
    finally:
        conn.close()
    import orjson

    recorded = orjson.loads(row[0]).get("config") if row and row[0] else None
    if not recorded:
        raise ValueError(f"{db}: máy chủ trạm chưa ghi tệp cấu hình, hãy dùng --config / the hub recorded no site "
                         "file: give --config SITE.toml")
    return load_site_config(recorded)


# ------------------------------------------------------------------ running apart from the hub


def _worker_init(nice: int, idle: bool = True) -> None:
    # SCHED_IDLE: the worker runs only on CPU time nothing else wants, and any hub thread that wakes up takes
    # the core at once (a nice level alone still shares time slices with the hub). Where it is not available,
    # the lowest nice level. Hazard: on a machine that is never idle the worker waits for ever; idle=False there.
    if idle:
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except (AttributeError, OSError):
            pass
    try:
        os.nice(nice)
    except OSError:  # not allowed to change priority: run at the same one
        pass
    # One BLAS thread: a report's arrays are small, and threads would fight the hub for the cores.
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"


class ReportRunner:
    """Runs analytics jobs in one worker process at a lower CPU priority; `submit` returns a Future."""

    def __init__(self, *, nice: int = 19, workers: int = 1, idle: bool = True) -> None:
        # spawn, not fork: forking a process that runs an asyncio loop and threads (the hub) is unsafe.
        ctx = multiprocessing.get_context("spawn")
        self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                                            initializer=_worker_init, initargs=(nice, idle))

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[T]:
        """Run fn(*args, **kwargs) in the worker (fn and its arguments must be picklable: module functions)."""
        return self._pool.submit(fn, *args, **kwargs)

    def close(self, *, now: bool = False) -> None:
        """Stop the worker; now=True ends a job it is running instead of waiting for it (a hub that stops)."""
        if now:
            # A worker holds nothing but a read-only connection: ending it loses nothing. Python 3.14 has
            # terminate_workers(); before it, the pool's own table of processes (private, hence getattr).
            for proc in list((getattr(self._pool, "_processes", None) or {}).values()):
                proc.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ReportRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def monthly_pdf_file(db: str, config_path: str, month: str, out: str, issued_on: str) -> dict[str, Any]:
    """Worker entry point (picklable): write a month's PDF to `out`; returns a few figures."""
    config = load_site_config(config_path)
    period = Period.parse(month)
    data, rep, fc, _ = monthly_pdf(db, config, period, issued_on=date.fromisoformat(issued_on))
    Path(out).write_bytes(data)
    return {"bytes": len(data), "issued": rep.total.issued, "forecast_fit_s": fc.fit_seconds if fc else None}
