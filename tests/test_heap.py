"""motcua.heap: a device's C heap gives image-sized buffers back to the system (glibc), measured in a child
process's resident anonymous memory after a morning's worth of freed frames between long-lived objects."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from motcua import heap

CHILD = r"""
import json, sys
from motcua import heap
tuned = heap.tune() if sys.argv[1] == "1" else False
def anon():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon"):
            return int(line.split()[1]) * 1024
keep, before = [], anon()
for _ in range(30):
    frames = [bytearray(300_000) for _ in range(40)]   # what Qt draws a call into, freed after it
    keep.append(bytearray(2000))                      # something small that lives on, after them
    del frames
retained = anon() - before
trimmed = heap.trim() if tuned else False
print(json.dumps({"tuned": tuned, "retained": retained, "after_trim": anon() - before}))
"""

pytestmark = pytest.mark.skipif(not heap.enabled(), reason="glibc only")


def run(tune: bool) -> dict:
    env = {**os.environ, "MOTCUA_HEAP_TUNE": "1"}
    out = subprocess.run([sys.executable, "-c", CHILD, "1" if tune else "0"], env=env, capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def test_freed_frames_go_back_to_the_system_once_tuned() -> None:
    tuned, untuned = run(True), run(False)
    assert tuned["tuned"] is True
    # 360 MB of frames came and went: the tuned heap keeps almost none of it (the small objects: 60 KB).
    assert tuned["retained"] < 3 * 1024 * 1024, tuned
    # glibc's default (its mmap threshold raised by the first frees) keeps megabytes of them resident.
    assert untuned["retained"] > tuned["retained"] + 4 * 1024 * 1024, (tuned, untuned)


def test_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_HEAP_TUNE", "0")
    assert not heap.enabled() and not heap.trim()
    assert heap.Trimmer(every_s=0.01).start()._thread is None


def test_the_trimmer_trims_on_its_own_thread() -> None:
    trimmer = heap.Trimmer(every_s=0.01).start()
    try:
        for _ in range(500):
            if trimmer.trims >= 2:
                break
            trimmer._stop.wait(0.01)
        assert trimmer.trims >= 2
    finally:
        trimmer.stop()
