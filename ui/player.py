"""The Qt sound player for announcements and voice prompts (QtMultimedia), behind ui.audio.AudioPlayer.

`play()` may be called from any thread (the synthesis worker finishes a sentence and the queue moves
on): the request is handed to the player's own thread through a queued signal.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ui.audio import NullPlayer, wav_duration
from ui.qt import QObject, QTimer, QUrl, Signal, multimedia

log = logging.getLogger(__name__)


class QtAudioPlayer(QObject):
    """QMediaPlayer + QAudioOutput; a watchdog ends a clip that never reports its end (no sound card)."""

    _request = Signal(object, object)

    def __init__(self, *, volume: float = 1.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        mm = multimedia()
        if mm is None:
            raise RuntimeError("QtMultimedia is not available")
        self._player = mm.QMediaPlayer(self)
        self._output = mm.QAudioOutput(self)
        self._output.setVolume(volume)
        self._player.setAudioOutput(self._output)
        self._end_status = mm.QMediaPlayer.MediaStatus.EndOfMedia
        self._invalid_status = mm.QMediaPlayer.MediaStatus.InvalidMedia
        self._playing_state = mm.QMediaPlayer.PlaybackState.PlayingState
        self._on_done: Callable[[], None] | None = None
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._timed_out)
        self._player.mediaStatusChanged.connect(self._status)
        self._player.errorOccurred.connect(self._error)
        self._player.playbackStateChanged.connect(self._state)
        self._request.connect(self._start)
        self.played = 0
        self.errors: list[str] = []
        self.last_start_latency_s: float | None = None
        self._asked_at = 0.0
        self.on_playing: Callable[[Path], None] | None = None
        self._path: Path | None = None

    def play(self, path: Path, on_done: Callable[[], None]) -> None:
        """Queue the clip on the player's thread."""
        self._request.emit(path, on_done)

    def _start(self, path: Path, on_done: Callable[[], None]) -> None:
        self._on_done = on_done
        self._path = path
        self._asked_at = time.perf_counter()
        try:
            duration = wav_duration(path)
        except (OSError, EOFError, ValueError):
            duration = 10.0
        self._watchdog.start(int((duration + 2.0) * 1000))
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()

    def _state(self, state: Any) -> None:
        if state == self._playing_state and self._path is not None:
            self.last_start_latency_s = time.perf_counter() - self._asked_at
            if self.on_playing:
                self.on_playing(self._path)

    def _status(self, status: Any) -> None:
        if status == self._end_status:
            self._finish()
        elif status == self._invalid_status:
            self.errors.append(f"invalid media {self._path}")
            self._finish()

    def _error(self, *args: Any) -> None:
        self.errors.append(str(args[-1]) if args else "error")
        log.warning("audio error: %s", args)
        self._finish()

    def _timed_out(self) -> None:
        log.warning("no end of playback reported for %s; moving on", self._path)
        self.errors.append(f"timeout {self._path}")
        self._player.stop()
        self._finish()

    def _finish(self) -> None:
        self._watchdog.stop()
        if self._path is not None:
            # Let go of the clip: the player keeps a played file open until its next source, which holds one
            # more descriptor for as long as the device is quiet and keeps a file the cache pruned on disk.
            self._path = None
            self._player.setSource(QUrl())
        done, self._on_done = self._on_done, None
        if done is not None:
            self.played += 1
            done()

    def set_volume(self, volume: float) -> None:
        """0..1."""
        self._output.setVolume(volume)

    def stop(self) -> None:
        """Stop playback now."""
        self._player.stop()
        self._finish()

    def diagnostics(self) -> dict[str, object]:
        """Audio device and recent errors."""
        dev = self._output.device()
        return {"player": "qt", "device": dev.description() if dev is not None else None, "played": self.played,
                "errors": self.errors[-5:], "last_start_latency_s": self.last_start_latency_s}


def make_player(*, volume: float = 1.0) -> Any:
    """A Qt player, or a NullPlayer when QtMultimedia cannot load (logged)."""
    try:
        return QtAudioPlayer(volume=volume)
    except RuntimeError as exc:
        log.error("no audio: %s", exc)
        return NullPlayer()


def play_blocking(path: Path) -> int:
    """Play one WAV and return when it ends (motcua announce --play)."""
    from ui.application import app

    a = app()
    player = make_player()
    done = {"v": False}
    player.play(path, lambda: done.__setitem__("v", True))
    deadline = time.monotonic() + wav_duration(path) + 5
    while not done["v"] and time.monotonic() < deadline:
        a.processEvents()
        time.sleep(0.01)
    return 0 if done["v"] else 1
