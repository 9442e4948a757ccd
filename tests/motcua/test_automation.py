"""The endurance hooks' plumbing: off by default, dumps on SIGUSR1 with a rising count, the autopilot switch."""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from motcua.automation import DumpHook, Pause, autopilot_from_env, dump_hook_from_env, process_stats


def test_hooks_are_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTCUA_DUMP_DIR", raising=False)
    monkeypatch.delenv("MOTCUA_AUTOPILOT", raising=False)
    assert dump_hook_from_env("board") is None and autopilot_from_env() is None
    for bad in ("", "0", "-1", "soon"):
        monkeypatch.setenv("MOTCUA_AUTOPILOT", bad)
        assert autopilot_from_env() is None
    monkeypatch.setenv("MOTCUA_AUTOPILOT", "0.5")
    monkeypatch.setenv("MOTCUA_AUTOPILOT_SEED", "7")
    assert autopilot_from_env() == (0.5, 7)


def test_a_dump_on_sigusr1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_DUMP_DIR", str(tmp_path))
    hook = dump_hook_from_env("panel")
    assert isinstance(hook, DumpHook)
    previous = signal.getsignal(signal.SIGUSR1)
    try:
        hook.install_signal()
        assert not hook.take_request()
        os.kill(os.getpid(), signal.SIGUSR1)
        assert hook.take_request() and not hook.take_request()
    finally:
        signal.signal(signal.SIGUSR1, previous)
    hook.write({"number": "1001"}, lambda path: Path(path).write_bytes(b"\x89PNG"))
    hook.write({"number": "1002"})
    state = json.loads((tmp_path / "panel.json").read_text(encoding="utf-8"))
    assert state["dump"] == 2 and state["number"] == "1002" and state["pid"] == os.getpid()
    assert (tmp_path / "panel.png").read_bytes() == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["panel.json", "panel.png"]  # no temporary files left


def test_pause_flips_and_process_stats() -> None:
    p = Pause()
    p.flip()
    assert p.paused
    p.flip()
    assert not p.paused
    st = process_stats()
    assert st["rss"] > 10 * 1024 * 1024 and st["fds"] >= 3 and st["threads"] >= 1
