"""python-escpos's profile cache: processes that start together on an empty cache, or after a writer was
killed mid-write, still import the printer drivers (the kiosk died at start in the endurance run)."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

IMPORT = "import printer_drivers.connection; print('ok')"


def start(cache: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, ESCPOS_CAPABILITIES_PICKLE_DIR=str(cache))
    return subprocess.Popen([sys.executable, "-c", IMPORT], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_truncated_cache_left_by_a_killed_writer_is_rebuilt(tmp_path: Path) -> None:
    pickle = tmp_path / f"{platform.python_version()}.capabilities.pickle"
    pickle.write_bytes(b"\x80\x02}q\x00(X")  # the first bytes of a dump, newer than the profile database
    proc = start(tmp_path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and out.strip() == "ok", err[-500:]
    assert pickle.stat().st_size > 10000


def test_devices_starting_together_on_an_empty_cache(tmp_path: Path) -> None:
    procs = [start(tmp_path) for _ in range(4)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.strip() == "ok", err[-500:]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
