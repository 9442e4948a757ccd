"""Log levels per role and the journal's priorities (motcua.logs)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.cli import main as motcua

SCRIPT = """
import logging
from motcua.logs import setup
print(setup(), flush=True)
log = logging.getLogger("motcua.test")
log.debug("debug line")
log.info("info line")
log.warning("warning line")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("failed")
"""


def run(tmp_path: Path, env: dict[str, str], *, journal: bool) -> tuple[str, str]:
    """Run SCRIPT with stderr to a file; with journal=True, JOURNAL_STREAM names that file, as systemd does."""
    err = tmp_path / "stderr"
    with open(err, "wb") as f:
        st = os.fstat(f.fileno())
        full = {k: v for k, v in os.environ.items() if k not in ("JOURNAL_STREAM", "MOTCUA_LOG_LEVEL")} | env
        if journal:
            full["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
        out = subprocess.run([sys.executable, "-c", SCRIPT], stderr=f, stdout=subprocess.PIPE, text=True, env=full,
                             check=True, timeout=30).stdout
    return out.strip(), err.read_text()


def test_journal_lines_carry_their_priority(tmp_path: Path) -> None:
    level, err = run(tmp_path, {"MOTCUA_LOG_LEVEL": "info"}, journal=True)
    assert level == "info"
    lines = err.splitlines()
    assert "<6>INFO motcua.test: info line" in lines and "<4>WARNING motcua.test: warning line" in lines
    assert not any("debug line" in x for x in lines)
    # Every line of a traceback is an error in the journal, not an info line of its own.
    tb = [x for x in lines if x.startswith("<3>")]
    assert tb[0] == "<3>ERROR motcua.test: failed" and any("ZeroDivisionError" in x for x in tb)
    assert all(x.startswith(("<6>", "<4>", "<3>")) for x in lines)


def test_the_level_comes_from_the_environment(tmp_path: Path) -> None:
    level, err = run(tmp_path, {"MOTCUA_LOG_LEVEL": "WARNING"}, journal=True)
    assert level == "warning" and "info line" not in err and "<4>WARNING motcua.test: warning line" in err
    level, err = run(tmp_path, {"MOTCUA_LOG_LEVEL": "debug"}, journal=False)
    assert level == "debug" and "debug line" in err
    # Outside the journal (a terminal, a file) lines have their own time and no priority prefix.
    assert not err.startswith("<") and " DEBUG motcua.test: debug line" in err
    level, err = run(tmp_path, {"MOTCUA_LOG_LEVEL": "loud"}, journal=False)
    assert level == "info" and "MOTCUA_LOG_LEVEL='loud' is not one of" in err


def test_an_inherited_journal_stream_is_not_mistaken(tmp_path: Path) -> None:
    # A child whose stderr was redirected still inherits JOURNAL_STREAM: it names another file.
    env = {"MOTCUA_LOG_LEVEL": "info", "JOURNAL_STREAM": "1:1"}
    _, err = run(tmp_path, env, journal=False)
    assert "INFO motcua.test: info line" in err and "<6>" not in err


@pytest.mark.parametrize("role", ["hub", "central", "kiosk", "board", "counter"])
def test_every_role_takes_a_log_level(role: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        motcua([role, "--help"])
    assert exc.value.code == 0
    assert "--log-level" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        motcua([role, "--log-level", "loud"])
    assert exc.value.code == 2 and "invalid choice: 'loud'" in capsys.readouterr().err
