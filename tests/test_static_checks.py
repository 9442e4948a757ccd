"""mypy on the domain and the hub (STYLE.md), ruff on the whole tree."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_motcua_and_sync() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_ruff() -> None:
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "motcua", "sync", "diagnostics", "demo", "bench", "kiosk",
                           "printer_drivers", "counter_display", "scanners"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
