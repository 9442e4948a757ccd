"""What plays speech, Qt-free: the player protocol the board's announcer (counter_display.announce) and the
kiosk's voice prompts (kiosk.voice) talk to,
a player that plays nothing (a board without speakers, the headless demo), a virtual sound card on an
injected clock for tests, and reading a WAV's length. The Qt player is ui.player."""
from __future__ import annotations

import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


def wav_duration(path: Path) -> float:
    """Length of a WAV file in seconds (from its header)."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


class AudioPlayer(Protocol):
    """Plays one WAV at a time; calls `on_done` (from any thread) when it ends or fails."""

    def play(self, path: Path, on_done: Callable[[], None]) -> None:
        """Start playing; must not block."""
        ...

    def stop(self) -> None:
        """Stop at once (on_done is still called)."""
        ...

    def diagnostics(self) -> dict[str, object]:
        """State for the technician tool."""
        ...


#: How many past announcements (and clips) an Announcer or a NullPlayer remembers; older ones are forgotten.
HISTORY_KEPT = 200


class NullPlayer:
    """Plays nothing and finishes at once (headless demo, a board without speakers)."""

    def __init__(self) -> None:
        self.played: deque[Path] = deque(maxlen=HISTORY_KEPT)
        """The latest clips (bounded: a board without speakers runs for months)."""
        self.count = 0

    def play(self, path: Path, on_done: Callable[[], None]) -> None:
        """Record the clip and finish."""
        self.played.append(path)
        self.count += 1
        on_done()

    def stop(self) -> None:
        """Nothing to stop."""

    def diagnostics(self) -> dict[str, object]:
        """How many clips it was given."""
        return {"player": "null", "played": self.count}


@dataclass
class PlayedClip:
    """One clip as a RecordingPlayer played it."""

    path: Path
    start: float
    duration: float

    @property
    def end(self) -> float:
        """When it ended."""
        return self.start + self.duration


class RecordingPlayer:
    """A virtual sound card on an injected clock: each clip lasts its WAV's real duration.

    `finish()` advances the clock to the end of the current clip and reports it done, so tests walk
    through a whole queue without sleeping.
    """

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.clips: list[PlayedClip] = []
        self.current: PlayedClip | None = None
        self._on_done: Callable[[], None] | None = None

    def play(self, path: Path, on_done: Callable[[], None]) -> None:
        """Start a clip now; fails the test if another is still playing."""
        if self.current is not None:
            raise AssertionError(f"overlap: {path.name} started while {self.current.path.name} plays")
        self.current = PlayedClip(path, self.clock.time(), wav_duration(path))
        self.clips.append(self.current)
        self._on_done = on_done

    def finish(self) -> bool:
        """Let the current clip play to its end; False when nothing was playing."""
        clip, done = self.current, self._on_done
        if clip is None or done is None:
            return False
        self.clock.set(clip.end)
        self.current, self._on_done = None, None
        done()
        return True

    def stop(self) -> None:
        """Cut the current clip short."""
        done = self._on_done
        self.current, self._on_done = None, None
        if done:
            done()

    def diagnostics(self) -> dict[str, object]:
        """How many clips it played."""
        return {"player": "recording", "played": len(self.clips)}
