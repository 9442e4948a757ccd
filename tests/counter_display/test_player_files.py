"""The Qt sound player lets go of a clip once it has played: a board or kiosk that speaks thousands of clips a day
must not keep the last one open (one more descriptor while quiet, and a pruned cache file kept on disk)."""
from __future__ import annotations

import os
import struct
import wave
from pathlib import Path

import pytest

from ui.qt import multimedia

pytestmark = pytest.mark.skipif(multimedia() is None, reason="QtMultimedia is not available")


def open_files() -> list[str]:
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            out.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # closed between the listing and the read
            continue
    return out


def test_a_played_clip_is_closed(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    from ui.player import QtAudioPlayer

    clips = []
    for i in range(3):
        clip = tmp_path / f"clip-{i}.wav"
        with wave.open(str(clip), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(22050)
            w.writeframes(struct.pack("<h", 0) * 2205)
        clips.append(clip)
    player = QtAudioPlayer()
    finished: list[Path] = []
    for clip in clips:
        player.play(clip, lambda clip=clip: finished.append(clip))
        qtbot.waitUntil(lambda clip=clip: clip in finished, timeout=15000)
    assert player.played == 3
    assert not [f for f in open_files() if f.endswith(".wav")], open_files()
