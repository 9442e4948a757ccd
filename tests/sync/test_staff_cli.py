"""`motcua staff add|list|disable|summary` on a hub database (issue 13)."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from sync.store import migrate

PY = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]


def staff(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PY, "staff", *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_add_list_disable_and_summary(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    migrate(db).conn.close()
    r = staff("add", "--db", str(db), "--code", "NV001", "--name", "Nguyễn Thị Lan", "--pin-stdin", stdin="2468\n")
    assert r.returncode == 0 and "NV001" in r.stdout
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT pin_hash FROM staff").fetchone()
    assert "2468" not in stored
    assert staff("add", "--db", str(db), "--code", "NV002", "--name", "X", "--pin-stdin", stdin="12\n").returncode == 2
    listed = json.loads(staff("list", "--db", str(db), "--json").stdout)
    assert [(s["code"], s["name"], s["disabled"]) for s in listed] == [("NV001", "Nguyễn Thị Lan", False)]
    assert staff("disable", "--db", str(db), "NV001").returncode == 0
    assert staff("disable", "--db", str(db), "NV001").returncode == 1
    out = staff("summary", "--db", str(db), "--from", "2026-11-01", "--to", "2026-11-30", "--by", "service")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["total"]["ratings"] == 0
    missing = staff("list", "--db", str(tmp_path / "nope.db"))
    assert missing.returncode == 2 and "nope.db" in missing.stderr
