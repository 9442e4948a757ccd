"""Offline speech for the device apps: espeak-ng run as a program, and a bounded cache of one WAV per
sentence, with the WAV helpers they share. Qt-free. The board's announcer (counter_display.announce) and the
kiosk's voice prompts (kiosk.voice) both speak through this, so a sentence sounds the same on either; the
words themselves (numbers read the Vietnamese way) come from motcua.speech.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import threading
import wave
from pathlib import Path
from typing import Protocol

from motcua.text import Text
from sync.files import private_dir

log = logging.getLogger(__name__)

#: espeak-ng writes 22 050 Hz mono 16-bit; the chime and the silences use the same format so that
#: clips can be joined into one file byte for byte.
RATE = 22050

NO_TTS = Text("Không tìm thấy espeak-ng: cài gói espeak-ng để đọc số", "espeak-ng not found: install espeak-ng")


class TtsError(Exception):
    """Speech could not be synthesised; `message` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------- WAV helpers
def write_silence(path: Path, seconds: float, *, rate: int = RATE) -> Path:
    """A silent mono 16-bit WAV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(rate * seconds))
    return path


def join_wavs(parts: list[Path], out: Path) -> Path:
    """Concatenate WAV files of the same format into one (written atomically)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
    params = None
    with wave.open(str(tmp), "wb") as w:
        for p in parts:
            with wave.open(str(p), "rb") as r:
                fmt = (r.getnchannels(), r.getsampwidth(), r.getframerate())
                if params is None:
                    params = fmt
                    w.setnchannels(fmt[0])
                    w.setsampwidth(fmt[1])
                    w.setframerate(fmt[2])
                elif fmt != params:
                    raise ValueError(f"{p}: WAV format {fmt} differs from {params}")
                w.writeframes(r.readframes(r.getnframes()))
    os.replace(tmp, out)
    return out


# ---------------------------------------------------------------------------------- synthesis
class Synthesizer(Protocol):
    """Turns a sentence into a WAV file."""

    def synthesize(self, text: str, *, voice: str, out: Path) -> None:
        """Write `text` spoken with `voice` to `out`."""
        ...


class EspeakSynthesizer:
    """espeak-ng, run as a program (offline; Vietnamese voices vi, vi-vn-x-central, vi-vn-x-south)."""

    def __init__(self, *, speed_wpm: int = 150, executable: str | None = None) -> None:
        self.speed_wpm = speed_wpm
        self.executable = executable or shutil.which("espeak-ng") or shutil.which("espeak")
        self.calls = 0

    def synthesize(self, text: str, *, voice: str, out: Path) -> None:
        """Run espeak-ng once; the text goes on stdin so nothing in it is taken for an option."""
        if not self.executable:
            raise TtsError(str(NO_TTS))
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            proc = subprocess.run([self.executable, "-v", voice, "-s", str(self.speed_wpm), "-w", str(tmp), "--stdin"],
                                  input=text.encode("utf-8"), capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TtsError(f"espeak-ng: {exc}") from exc
        if proc.returncode != 0 or not tmp.exists():
            tmp.unlink(missing_ok=True)
            raise TtsError(f"espeak-ng: {proc.stderr.decode(errors='replace').strip() or proc.returncode}")
        os.replace(tmp, out)
        self.calls += 1

    def diagnostics(self) -> dict[str, object]:
        """Which engine, and how many sentences it made."""
        return {"engine": "espeak-ng", "executable": self.executable, "speed_wpm": self.speed_wpm,
                "synthesized": self.calls}


PRUNE_EVERY = 100
"""New sentences between two looks at the cache's size."""


def _touch(path: Path) -> None:
    """Mark a cached sentence as just used (its mtime orders the pruning)."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache still plays; only the pruning order suffers


class PhraseCache:
    """One WAV per distinct (voice, speed, sentence), synthesised once and kept on disk."""

    def __init__(self, folder: Path, synthesizer: Synthesizer, *, speed_wpm: int = 150,
                 max_files: int = 3000) -> None:
        self.folder = folder
        self.synth = synthesizer
        self.speed_wpm = speed_wpm
        self.max_files = max_files
        self.hits = 0
        self.misses = 0
        self.pruned = 0
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def path_for(self, text: str, *, voice: str) -> Path:
        """Where the sentence's WAV lives (whether made yet or not)."""
        key = hashlib.sha1(f"{voice}|{self.speed_wpm}|{text}".encode()).hexdigest()[:20]
        return self.folder / f"{voice}-{key}.wav"

    def get(self, text: str, *, voice: str) -> Path:
        """The WAV of a sentence, synthesising it on first use (thread-safe, once per phrase)."""
        path = self.path_for(text, voice=voice)
        if path.exists():
            self.hits += 1
            _touch(path)
            return path
        with self._lock:
            lock = self._locks.setdefault(path.name, threading.Lock())
        try:
            with lock:
                if path.exists():
                    self.hits += 1
                    return path
                private_dir(self.folder)  # a device cache: owner-only like the others (~/.cache/motcua)
                self.synth.synthesize(text, voice=voice, out=path)
                self.misses += 1
                if self.misses % PRUNE_EVERY == 0:
                    self.prune()
                return path
        finally:
            # One lock per phrase only while it is being made: a board meets thousands of distinct calls.
            with self._lock:
                if self._locks.get(path.name) is lock:
                    del self._locks[path.name]

    def prune(self) -> int:
        """Delete the least recently used sentences beyond `max_files`; returns how many went.

        Every ticket number makes its own sentence, so a board meets thousands a week and would fill its
        disk over months. Recently used files (anything queued or playing) are the newest and are kept."""
        try:
            files = [(p.stat().st_mtime, p) for p in self.folder.glob("*.wav") if not p.name.startswith("silence-")]
        except OSError as exc:
            log.warning("cannot list the speech cache %s: %s", self.folder, exc)
            return 0
        excess = len(files) - self.max_files
        if excess <= 0:
            return 0
        files.sort(key=lambda f: f[0])
        gone = 0
        for _, p in files[:excess]:
            try:
                p.unlink()
                gone += 1
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("cannot prune %s: %s", p.name, exc)
        self.pruned += gone
        return gone

    def silence(self, ms: int) -> Path:
        """A cached silent clip of `ms` milliseconds."""
        path = self.folder / f"silence-{ms}ms.wav"
        if not path.exists():
            private_dir(self.folder)
            write_silence(path, ms / 1000.0)
        return path
