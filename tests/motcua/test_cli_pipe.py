"""Every `motcua` subcommand stops quietly when the reader of its output goes away (`... | head`)."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from motcua.cli import EXIT_PIPE_CLOSED

ROOT = Path(__file__).resolve().parents[2]


def run_into_closed_pipe(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """Run `motcua ARGS` with stdout a real pipe whose read end is closed before the first byte."""
    r, w = os.pipe()
    os.close(r)
    try:
        return subprocess.run([sys.executable, "-m", "motcua.cli", *args], stdout=w, stderr=subprocess.PIPE,
                              cwd=ROOT, timeout=timeout, check=False)
    finally:
        os.close(w)


def quiet(proc: subprocess.CompletedProcess[bytes]) -> None:
    err = proc.stderr.decode(errors="replace")
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err, err
    assert proc.returncode == EXIT_PIPE_CLOSED, (proc.returncode, err)


@pytest.fixture
def central_db(tmp_path: Path) -> Path:
    """A central store holding 3,000 tickets: far more output than a pipe's 64 KB buffer."""
    from sync.central.store import CentralStore

    db = tmp_path / "central.db"
    store = CentralStore(db)
    events = [{"id": str(uuid.uuid4()), "seq": i, "type": "ticket.issued", "at": 1_790_000_000 + i,
               "ticket": {"id": f"t-{i:05d}", "display": f"{1000 + i}", "service": "DD"}} for i in range(1, 3001)]
    store.ingest_events(site="TEST", events=events)
    store.close()
    return db


@pytest.mark.parametrize("args", [
    ["--help"],
    ["calendar", "due", "--received", "2026-11-23T09:00", "--duration", "3d"],
    ["announce", "--display", "1023", "--counter", "5", "--text-only"],
    ["diag", "--json"],
    ["print", "status", "--printer", "dummy:", "--json"],
    ["hub", "--check-config", "--config", "assets/site.example.toml"],
], ids=lambda a: " ".join(a[:2]))
def test_subcommands_stop_quietly_on_a_closed_pipe(args: list[str]) -> None:
    quiet(run_into_closed_pipe(*args))


def test_token_list_and_central_export_stop_quietly(tmp_path: Path, central_db: Path) -> None:
    from sync.store import create_token

    site_db = tmp_path / "site.db"
    create_token(site_db, role="kiosk", name="Ki-ốt 1")
    quiet(run_into_closed_pipe("token", "list", "--db", str(site_db)))
    quiet(run_into_closed_pipe("central", "export", "--db", str(central_db), "--kind", "tickets"))


def test_central_export_into_head(central_db: Path) -> None:
    """The finding as reported: the reader takes one line, then closes while the export still writes."""
    export = subprocess.Popen([sys.executable, "-m", "motcua.cli", "central", "export", "--db", str(central_db),
                               "--kind", "tickets"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert export.stdout is not None and export.stderr is not None
    first = export.stdout.readline()
    export.stdout.close()
    err = export.stderr.read().decode(errors="replace")
    code = export.wait(60)
    assert first.startswith(b'{"content"')
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err, err
    assert code == EXIT_PIPE_CLOSED
