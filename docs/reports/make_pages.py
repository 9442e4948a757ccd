#!/usr/bin/env python3
"""Regenerate the report pictures in this folder: 12 weeks of the example center's history (written through the
hub's own code), the November 2026 report as PDF, and some of its pages as PNG (needs pdftoppm, poppler-utils).

    .venv/bin/python docs/reports/make_pages.py
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))


def main() -> None:
    from analytics import jobs
    from analytics.periods import Period
    from motcua.config import example_site_config_path, load_site_config
    from sync.history import seed_history

    config = load_site_config(example_site_config_path())
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "site.db"
        seed_history(db, config, weeks=12, until=date(2026, 12, 1), per_day=600.0)
        pdf, *_ = jobs.monthly_pdf(db, config, Period.month(2026, 11), issued_on=date(2026, 11, 30))
        out = Path(tmp) / "report.pdf"
        out.write_bytes(pdf)
        exe = shutil.which("pdftoppm")
        if exe is None:
            raise SystemExit("pdftoppm is needed (apt install poppler-utils)")
        for page, name in ((1, "report-page-1"), (2, "report-charts"), (4, "report-forecast"), (5, "report-plan")):
            subprocess.run([exe, "-png", "-r", "100", "-f", str(page), "-l", str(page), "-singlefile", str(out),
                            str(HERE / name)], check=True)
        print(f"wrote {', '.join(p.name for p in sorted(HERE.glob('*.png')))}")


if __name__ == "__main__":
    main()
