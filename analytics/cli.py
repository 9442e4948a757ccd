"""`motcua report`: the manager's reports, forecast and counter plan from a hub's database, for technicians
and for printing without the console.

    motcua report month --db site.db --month 2026-11 --pdf bao-cao-11-2026.pdf [--xlsx F] [--csv DIR] [--json F]
    motcua report period --db site.db --period 2026-W48 --xlsx tuan-48.xlsx
    motcua report forecast --db site.db --from 2026-12-01 --pdf ke-hoach.pdf [--json F]

The database is read on a read-only connection: it is safe while the hub runs. The site file is the one
the hub recorded at its last start unless --config names another.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, type=Path, help="the hub's database (read only)")
    p.add_argument("--config", type=Path, default=None, help="the site file (default: the one the hub recorded)")
    p.add_argument("--target-min", type=float, default=15.0, help="waiting-time target in minutes (default 15)")
    p.add_argument("--issued-on", default=None, help="the date on the heading (default: today)")


def _outputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pdf", type=Path, help="write the printable A4 report")
    p.add_argument("--png", type=Path, help="with --pdf: its first page as PNG (needs pdftoppm, poppler-utils)")
    p.add_argument("--xlsx", type=Path, help="write the Excel workbook")
    p.add_argument("--csv", type=Path, help="write each table as CSV into this folder")
    p.add_argument("--json", type=Path, help="write the figures as JSON ('-' for standard output)")
    p.add_argument("--no-plan", action="store_true", help="leave the forecast and the counter plan out of the PDF")


def main(argv: list[str]) -> int:
    """motcua report month|period|forecast ..."""
    ap = argparse.ArgumentParser(prog="motcua report", description="Báo cáo, dự báo và bố trí quầy / reports, "
                                 "forecast and counter plan from the hub's database (read only).")
    sub = ap.add_subparsers(dest="what", required=True)
    m = sub.add_parser("month", help="báo cáo tháng / a month's report")
    _common(m)
    m.add_argument("--month", required=True, help="YYYY-MM")
    _outputs(m)
    p = sub.add_parser("period", help="báo cáo ngày, tuần, khoảng / a day, ISO week or range")
    _common(p)
    p.add_argument("--period", required=True, help="2026-11-26, 2026-W48, 2026-11 or 2026-11-01..2026-11-15")
    _outputs(p)
    f = sub.add_parser("forecast", help="dự báo 14 ngày và số quầy / 14-day forecast and counter plan")
    _common(f)
    f.add_argument("--from", dest="start", required=True, help="the first forecast day, YYYY-MM-DD")
    f.add_argument("--weeks", type=int, default=12, help="weeks of history (default 12)")
    f.add_argument("--pdf", type=Path, help="write the printable plan")
    f.add_argument("--json", type=Path, help="write forecast and plan as JSON ('-' for standard output)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from analytics.source import SourceError
    from motcua.config import ConfigError

    try:
        return _run(args)
    except (SourceError, ConfigError, ValueError) as exc:
        print(f"motcua report: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from analytics import jobs
    from analytics.periods import Period

    config = jobs.config_for(args.db, args.config)
    target = args.target_min * 60
    issued_on = date.fromisoformat(args.issued_on) if args.issued_on else date.today()
    if args.what == "forecast":
        fc = jobs.demand_forecast(args.db, config, start=date.fromisoformat(args.start), weeks=args.weeks)
        sp = jobs.staffing_plan(args.db, config, fc, target_s=target)
        if args.pdf:
            from analytics.pdf import plan_pdf

            last = jobs.report(args.db, config, Period.day(fc.days[0]))
            args.pdf.write_bytes(plan_pdf(last, fc, sp, issued_on=issued_on))
        if args.json:
            _write_json(args.json, {"forecast": fc.to_dict(), "plan": sp.to_dict()})
        bt = fc.total.backtest
        print(f"forecast {fc.days[0]}..{fc.days[-1]}: {sum(fc.total.daily):.0f} numbers; backtest WAPE "
              f"{(bt.wape or 0) * 100:.1f}%, MAPE {(bt.mape or 0) * 100:.1f}% ({bt.weeks} weeks); fit {fc.fit_seconds:.2f} s",
              file=sys.stderr)
        return 0
    period = Period.parse(args.month if args.what == "month" else args.period)
    if args.pdf:
        data, rep, _, _ = jobs.monthly_pdf(args.db, config, period, issued_on=issued_on, with_plan=not args.no_plan,
                                             wait_target_s=target)
        args.pdf.write_bytes(data)
        if args.png:
            _first_page_png(args.pdf, args.png)
    else:
        rep = jobs.report(args.db, config, period, wait_target_s=target)
    if args.xlsx:
        from analytics.export import report_xlsx

        args.xlsx.write_bytes(report_xlsx(rep))
    if args.csv:
        from analytics.export import report_tables, table_csv

        args.csv.mkdir(parents=True, exist_ok=True)
        for t in report_tables(rep):
            (args.csv / f"{t.name}.csv").write_bytes(table_csv(t))
    if args.json:
        _write_json(args.json, rep.to_dict())
    print(f"report {period.key}: {rep.total.issued} issued, {rep.total.served} served, "
          f"{rep.dossiers.total} dossiers", file=sys.stderr)
    return 0


def _write_json(target: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    if str(target) == "-":
        print(text)
    else:
        target.write_text(text + "\n", encoding="utf-8")


def _first_page_png(pdf: Path, png: Path) -> None:
    """Render page 1 with poppler's pdftoppm (what a technician has; the hub does not need it)."""
    import shutil
    import subprocess

    exe = shutil.which("pdftoppm")
    if exe is None:
        raise ValueError("--png cần pdftoppm (apt install poppler-utils) / --png needs pdftoppm (poppler-utils)")
    stem = png.with_suffix("")
    subprocess.run([exe, "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True)
