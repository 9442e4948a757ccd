#!/usr/bin/env python3
"""Reports benchmark: the monthly report and the forecast over 12 weeks × ~2,000 tickets a day, and the hub's
ticket issuing while reports run. Prints one JSON object.

    .venv/bin/python bench/reports.py [--weeks 12] [--per-day 2000] [--repeats 3] [--keep DIR]

- monthly_report_s: the last whole month's report (figures, charts and the A4 PDF without the forecast
  pages), in a warm process (its closed days already read: analytics.tally.DayCache); the median of --repeats
  runs. monthly_report_uncached_s: the same reading every day afresh (the first report of a month). The full
  PDF with forecast and plan is reported apart (monthly_pdf_with_plan_s), and so is a cold process (imports
  included).
- forecast_fit_s: the 14-day forecast for every service (history read, GLM fits, 4-week backtest), warm.
- issue_p99_idle_ms / issue_p99_during_report_ms: POST /api/v1/tickets at a steady rate on one keep-alive
  connection against a real `motcua hub` process (synchronous=FULL) on a copy of the history, idle and while
  a worker process (analytics.jobs.ReportRunner: its own read-only connection, SCHED_IDLE) renders monthly
  reports back to back; phases alternate, each figure is the median over --repeats phases. A control phase
  runs a process that only burns CPU at the same idle priority (issue_p99_during_cpu_spinner_ms).

The history is written through the hub's own code (sync.history.seed_history); --keep DIR keeps it for the
next run. The load average is printed: the machine is shared, so compare runs made under similar load.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def bench_site_toml() -> str:
    """The example center open day and night (the hub issues at any hour of the run) and without daily quotas."""
    from motcua.config import example_site_config_path

    text = example_site_config_path().read_text(encoding="utf-8")
    text = re.sub(r"^daily_quota = \d+\n", "", text, flags=re.M)
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        text = re.sub(rf"^{day} = \[.*\]$", f'{day} = ["00:00-24:00"]', text, flags=re.M)
    text = re.sub(r'^url = "http://127.0.0.1:8480"$', 'url = ""', text, flags=re.M)
    return text


def seeded(workdir: Path, weeks: int, per_day: float) -> tuple[Path, dict[str, object]]:
    """A database with `weeks` weeks of history up to yesterday (reused when --keep already holds it)."""
    from motcua.config import example_site_config_path, load_site_config
    from sync.history import seed_history

    db = workdir / f"history-{weeks}w-{int(per_day)}.db"
    marker = db.with_suffix(".json")
    if db.exists() and marker.exists():
        return db, json.loads(marker.read_text())
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    # Seed with the example's real hours (the shape of a day); the hub of the run uses the open-all-day copy.
    config = load_site_config(example_site_config_path())
    config = config.model_copy(update={"services": [s.model_copy(update={"daily_quota": None}) for s in config.services]})
    t0 = time.perf_counter()
    res = seed_history(db, config, weeks=weeks, until=date.today(), per_day=per_day)
    info = {"first": res.first.isoformat(), "last": res.last.isoformat(), "open_days": res.open_days,
            "tickets": res.tickets, "dossiers": res.dossiers, "seed_s": round(time.perf_counter() - t0, 1),
            "tickets_per_open_day": round(res.tickets / max(1, res.open_days))}
    marker.write_text(json.dumps(info))
    return db, info


def last_whole_month(last: date) -> str:
    """The latest month that ends on or before `last`."""
    first_of = last.replace(day=1)
    if (last + timedelta(days=1)).day == 1:
        return f"{last.year}-{last.month:02d}"
    prev = first_of - timedelta(days=1)
    return f"{prev.year}-{prev.month:02d}"


def warm_timings(db: Path, month: str, repeats: int) -> dict[str, object]:
    from analytics import jobs
    from analytics.pdf import report_pdf
    from analytics.periods import Period
    from analytics.report import build
    from motcua.config import example_site_config_path, load_site_config

    config = load_site_config(example_site_config_path())
    period = Period.parse(month)
    issued_on = period.last + timedelta(days=1)
    # Warm-up: imports (matplotlib, statsmodels) and the fonts, as a console process that has served once.
    rep = jobs.report(db, config, period)
    report_pdf(rep, issued_on=issued_on)
    jobs.demand_forecast(db, config, start=issued_on)
    compute, full, fits, with_plan, uncached = [], [], [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        report_pdf(build(db, config, period, cache=None), issued_on=issued_on)
        uncached.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rep = jobs.report(db, config, period)
        t1 = time.perf_counter()
        pdf = report_pdf(rep, issued_on=issued_on)
        t2 = time.perf_counter()
        compute.append(t1 - t0)
        full.append(t2 - t0)
        t0 = time.perf_counter()
        fc = jobs.demand_forecast(db, config, start=issued_on)
        fits.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        jobs.monthly_pdf(db, config, period, issued_on=issued_on)
        with_plan.append(time.perf_counter() - t0)
    return {"monthly_report_s": round(statistics.median(full), 3),
            "monthly_report_compute_s": round(statistics.median(compute), 3),
            "monthly_report_uncached_s": round(statistics.median(uncached), 3),
            "monthly_pdf_with_plan_s": round(statistics.median(with_plan), 3),
            "forecast_fit_s": round(statistics.median(fits), 3),
            "runs_s": {"monthly_report": [round(x, 3) for x in full], "forecast_fit": [round(x, 3) for x in fits],
                       "monthly_report_uncached": [round(x, 3) for x in uncached]},
            "month": month, "month_tickets": rep.total.issued, "pdf_bytes": len(pdf),
            "forecast_backtest": {"wape": fc.total.backtest.wape, "mape": fc.total.backtest.mape,
                                  "weeks": fc.total.backtest.weeks}}


def cold_timing(db: Path, month: str) -> float:
    """A fresh process: imports, fonts and all (what the first report after a restart costs)."""
    code = ("import time, sys; t=time.perf_counter(); from datetime import timedelta; from analytics import jobs; "
            "from analytics.pdf import report_pdf; from analytics.periods import Period; "
            "from motcua.config import example_site_config_path, load_site_config; "
            "c=load_site_config(example_site_config_path()); p=Period.parse(sys.argv[2]); "
            "r=jobs.report(sys.argv[1], c, p); report_pdf(r, issued_on=p.last+timedelta(days=1)); "
            "print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code, str(db), month], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 3)


async def issue_phase(host: str, port: int, token: str, seconds: float, rate: float) -> list[float]:
    """POST /tickets at a steady rate (open loop) on one keep-alive connection; latencies in seconds."""
    from hub_load import Conn

    conn = Conn(host, port, token)
    await conn.open()
    # Services numbered with four digits (1001-9999): thousands of numbers a day to spare.
    bodies = [json.dumps({"service": s}).encode() for s in ("DD", "TPHT", "GTVT", "DKKD", "XD", "LDTBXH", "TNMT", "YT")]
    lat: list[float] = []
    t_next = time.perf_counter()
    stop = t_next + seconds
    k = 0
    while t_next < stop:
        await asyncio.sleep(max(0.0, t_next - time.perf_counter()))
        t0 = time.perf_counter()
        status, body = await conn.request("POST", "/api/v1/tickets", bodies[k % len(bodies)])
        lat.append(time.perf_counter() - t0)
        if status != 201:
            raise RuntimeError(f"issue failed: {status} {body[:200]!r}")
        k += 1
        t_next += 1.0 / rate
    conn.close()
    return lat


SPINNER = ("import os, sys, time\ntry:\n    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))\n"
           "except (AttributeError, OSError):\n    pass\nos.nice(19)\nend = time.time() + float(sys.argv[1])\n"
           "while time.time() < end:\n    pass\n")
"""A process that only burns CPU at the report worker's priority (the control phase)."""


def p99_ms(lat: list[float]) -> float:
    s = sorted(lat)
    return round(s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))] * 1000, 2)


def issue_under_reports(db: Path, workdir: Path, month: str, *, seconds: float, rate: float,
                        repeats: int, port: int = 0) -> dict[str, object]:
    from analytics.jobs import ReportRunner, monthly_pdf_file
    from sync.server import free_port
    from sync.store import create_token

    run_db = workdir / "hub-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(run_db) + suffix).unlink(missing_ok=True)
    shutil.copy(db, run_db)
    site = workdir / "bench-site.toml"
    site.write_text(bench_site_toml(), encoding="utf-8")
    token = create_token(run_db, role="admin", name="bench")
    port = port or free_port()
    motcua = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]
    proc = subprocess.Popen(motcua + ["hub", "--config", str(site), "--db", str(run_db), "--host", "127.0.0.1",
                                      "--port", str(port), "--log-level", "warning"], cwd=ROOT)
    idle: list[float] = []
    during: list[float] = []
    spin: list[float] = []
    reports_done = 0
    try:
        import requests

        for _ in range(400):
            try:
                requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=0.5)
                break
            except requests.RequestException:
                time.sleep(0.05)
        asyncio.run(issue_phase("127.0.0.1", port, token, 2.0, rate))  # warm the hub's paths
        with ReportRunner() as runner:
            runner.submit(monthly_pdf_file, str(db), str(site), month, str(workdir / "warm.pdf"),
                          date.today().isoformat()).result()  # the worker's imports, before measuring
            for _ in range(repeats):
                idle.append(p99_ms(asyncio.run(issue_phase("127.0.0.1", port, token, seconds, rate))))
                stop = threading.Event()
                count = [0]

                def reports(stop: threading.Event = stop, count: list[int] = count) -> None:
                    # Reports back to back on the database the hub is writing (its own read-only connection).
                    while not stop.is_set():
                        runner.submit(monthly_pdf_file, str(run_db), str(site), month, str(workdir / "during.pdf"),
                                      date.today().isoformat()).result()
                        count[0] += 1

                th = threading.Thread(target=reports, daemon=True)
                th.start()
                time.sleep(0.3)  # the first report is under way
                during.append(p99_ms(asyncio.run(issue_phase("127.0.0.1", port, token, seconds, rate))))
                stop.set()
                th.join(120)
                reports_done += count[0]
                # Control: the same idle-priority worker burning CPU without touching the database. When this
                # costs the hub as much as a report does, the cost is the shared CPU, not the database.
                spinner = subprocess.Popen([sys.executable, "-c", SPINNER, str(seconds + 1)])
                time.sleep(0.3)
                spin.append(p99_ms(asyncio.run(issue_phase("127.0.0.1", port, token, seconds, rate))))
                spinner.wait(30)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"issue_p99_idle_ms": statistics.median(idle), "issue_p99_during_report_ms": statistics.median(during),
            "issue_p99_during_cpu_spinner_ms": statistics.median(spin), "issue_p99_idle_runs_ms": idle,
            "issue_p99_during_runs_ms": during, "issue_p99_spinner_runs_ms": spin, "issue_rate_per_s": rate,
            "issue_phase_s": seconds, "reports_during_phases": reports_done}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weeks", type=int, default=12)
    ap.add_argument("--per-day", type=float, default=2150.0,
                    help="numbers issued on an ordinary Wednesday (2,150 gives ~2,000 a day over the open days)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=25.0, help="length of each issuing phase")
    ap.add_argument("--rate", type=float, default=40.0, help="tickets issued per second during a phase")
    ap.add_argument("--port", type=int, default=0, help="the hub's port (default: any free port)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the seeded history in this folder (and reuse it)")
    args = ap.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="motcua-reports-"))
    workdir.mkdir(parents=True, exist_ok=True)
    result: dict[str, object] = {"cpu_count": os.cpu_count(), "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
    db, info = seeded(workdir, args.weeks, args.per_day)
    result["history"] = info
    month = last_whole_month(date.fromisoformat(str(info["last"])))
    result.update(warm_timings(db, month, args.repeats))
    result["monthly_report_cold_process_s"] = cold_timing(db, month)
    result.update(issue_under_reports(db, workdir, month, seconds=args.seconds, rate=args.rate, repeats=args.repeats,
                                      port=args.port))
    idle, during = float(result["issue_p99_idle_ms"]), float(result["issue_p99_during_report_ms"])  # type: ignore[arg-type]
    result["issue_p99_ratio"] = round(during / idle, 3) if idle else None
    result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
