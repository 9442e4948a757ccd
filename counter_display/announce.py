"""Voice announcements (đọc số): call text, and a queue that plays calls one after another without overlap.
Synthesis with espeak-ng and its WAV cache per phrase are ui.tts's (the kiosk's voice prompts share them).

No Qt here: the board hands the queue a Qt player (ui.player); tests and the headless demo
use `RecordingPlayer` / `NullPlayer` (ui.audio). `motcua announce` is `main()`.

Timeline of one call: chime → Vietnamese sentence → (English sentence) → a short silence. The chime is
a ready file, so audio starts at once while the sentence is synthesised in the background; a cached
sentence is ready before the chime ends anyway.
"""
from __future__ import annotations

import argparse
import enum
import functools
import logging
import math
import struct
import sys
import threading
import wave
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motcua.clock import Clock, SystemClock
from motcua.speech import call_text, call_text_en
from ui.audio import HISTORY_KEPT, AudioPlayer, NullPlayer, wav_duration

# Synthesis and its cache live in ui.tts (shared with the kiosk's voice prompts); named here too, as before.
from ui.tts import RATE, EspeakSynthesizer, PhraseCache, Synthesizer, TtsError, join_wavs, write_silence

from . import texts
from .config import DEFAULT_CHIME, AnnouncerSettings, default_cache_dir

log = logging.getLogger(__name__)

__all__ = ["RATE", "Announcement", "AnnouncementState", "Announcer", "EspeakSynthesizer", "PhraseCache",
           "Synthesizer", "TtsError", "call_phrases", "ensure_chime", "join_wavs", "main", "synth_chime",
           "wav_duration", "write_silence"]


# ---------------------------------------------------------------------------------- call text
def call_phrases(display: str, counter: int | str, settings: AnnouncerSettings) -> list[tuple[str, str]]:
    """The sentences of one call as (voice, text): Vietnamese, then English if configured."""
    vi = call_text(display, counter, template=settings.template, dialect=settings.dialect,
                   four_as_tu=settings.four_as_tu)
    out = [(settings.voice, vi)]
    if settings.english:
        out.append(("en", call_text_en(display, counter, template=settings.template_en)))
    return out


# ---------------------------------------------------------------------------------- WAV helpers
def synth_chime(path: Path, *, rate: int = RATE) -> Path:
    """The two-tone call chime (ding–dong, E6 then C6 with a soft bell decay), mono 16-bit."""
    def tone(freq: float, seconds: float) -> list[float]:
        n = int(rate * seconds)
        out = []
        for i in range(n):
            t = i / rate
            env = min(1.0, t / 0.008) * math.exp(-3.2 * t)
            # fundamental with a little of the octave and the fifth above: a bell rather than a beep
            s = (math.sin(2 * math.pi * freq * t) + 0.35 * math.sin(4 * math.pi * freq * t)
                 + 0.12 * math.sin(6 * math.pi * freq * t))
            out.append(env * s / 1.47)
        return out

    samples = tone(1318.5, 0.55) + tone(1046.5, 0.95)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(max(-1.0, min(1.0, s * 0.7)) * 32767)) for s in samples))
    return path


def ensure_chime(path: Path | None) -> Path | None:
    """The chime file; the shipped one is re-made if missing (it is generated, not recorded)."""
    if path is None:
        return None
    if not path.exists():
        if path == DEFAULT_CHIME:
            synth_chime(path)
        else:
            log.warning("chime %s not found; announcing without it", path)
            return None
    return path


# ---------------------------------------------------------------------------------- the queue
class AnnouncementState(enum.Enum):
    """Where an announcement is."""

    QUEUED = "queued"
    PLAYING = "playing"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    """Never spoken: more calls came than `max_waiting` while it waited (it stays on the screen)."""


@dataclass
class Announcement:
    """One call to be heard: its sentences and the clips that make it."""

    display: str
    counter: int | str
    phrases: list[tuple[str, str]]
    recall: bool = False
    at: float = 0.0
    """When it was asked for (clock time)."""
    started_at: float | None = None
    """When its first clip began to play."""
    state: AnnouncementState = AnnouncementState.QUEUED
    clips: list[Path] = field(default_factory=list)
    """The clips actually played, in order."""

    @property
    def text(self) -> str:
        """The Vietnamese sentence."""
        return self.phrases[0][1]


_Clip = Path | Future[Path]


class Announcer:
    """Queues calls and plays them one at a time: no overlap, in order; a recall is heard again.

    Thread-safe: `announce()` may be called from the event thread; the player's `on_done` may come from
    any thread. Sentences are synthesised on a worker thread as soon as a call is queued.
    """

    def __init__(self, *, settings: AnnouncerSettings, player: AudioPlayer, cache: PhraseCache | None = None,
                 clock: Clock | None = None, on_speaking: Callable[[bool], None] | None = None,
                 on_start: Callable[[Announcement], None] | None = None) -> None:
        self.settings = settings
        self.player = player
        self.clock = clock or SystemClock()
        folder = settings.cache_dir or default_cache_dir("announcer")
        self.cache = cache or PhraseCache(folder, EspeakSynthesizer(speed_wpm=settings.speed_wpm),
                                          speed_wpm=settings.speed_wpm, max_files=settings.cache_max_files)
        self.chime = ensure_chime(settings.chime)
        self.on_speaking = on_speaking
        self.on_start = on_start
        # Bounded: a board announces thousands of calls a week and runs for months.
        self.history: deque[Announcement] = deque(maxlen=HISTORY_KEPT)
        """The latest announcements, oldest first (at most HISTORY_KEPT)."""
        self.announced = 0
        self.skipped = 0
        self.errors: deque[str] = deque(maxlen=50)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
        self._lock = threading.RLock()
        self._clips: deque[tuple[Announcement, _Clip]] = deque()
        self._busy = False
        self._speaking = False
        self._driving = False
        self._again = False

    def phrases(self, display: str, counter: int | str) -> list[tuple[str, str]]:
        """The sentences of a call with this announcer's settings."""
        return call_phrases(display, counter, self.settings)

    def prepare(self, display: str, counter: int | str) -> None:
        """Synthesise a call's sentences now (warm the cache), without playing."""
        for voice, text in self.phrases(display, counter):
            self.cache.get(text, voice=voice)

    def announce(self, display: str, counter: int | str, *, recall: bool = False) -> Announcement:
        """Queue a call; it plays after those already queued."""
        ann = Announcement(display=display, counter=counter, phrases=self.phrases(display, counter),
                           recall=recall, at=self.clock.time())
        if not self.settings.enabled:
            ann.state = AnnouncementState.DONE
            return ann
        clips: list[tuple[Announcement, _Clip]] = []
        if self.chime is not None:
            clips.append((ann, self.chime))
        for _ in range(self.settings.repeat):
            for voice, text in ann.phrases:
                clips.append((ann, self._pool.submit(self.cache.get, text, voice=voice)))
        clips.append((ann, self.cache.silence(max(1, self.settings.gap_ms))))
        with self._lock:
            self.history.append(ann)
            self.announced += 1
            self._clips.extend(clips)
            self._skip_backlog()
        self._advance()
        return ann

    def _skip_backlog(self) -> None:
        """Keep at most `max_waiting` calls waiting (the one playing does not count): drop the oldest."""
        waiting = list({id(a): a for a, _ in self._clips if a.state == AnnouncementState.QUEUED}.values())
        excess = waiting[: max(0, len(waiting) - self.settings.max_waiting)]
        if not excess:
            return
        drop = {id(a) for a in excess}
        kept: deque[tuple[Announcement, _Clip]] = deque()
        for ann, clip in self._clips:
            if id(ann) in drop:
                if isinstance(clip, Future):
                    clip.cancel()
            else:
                kept.append((ann, clip))
        self._clips = kept
        for ann in excess:
            ann.state = AnnouncementState.SKIPPED
        self.skipped += len(excess)
        log.info("%d call(s) not spoken: more than %d were waiting", len(excess), self.settings.max_waiting)

    def pending(self) -> int:
        """Announcements queued or playing."""
        with self._lock:
            queued = {id(a) for a, _ in self._clips}
            return len(queued) + sum(1 for a in self.history if a.state == AnnouncementState.PLAYING
                                     and id(a) not in queued)

    def _set_speaking(self, on: bool) -> None:
        if on != self._speaking:
            self._speaking = on
            if self.on_speaking:
                try:
                    self.on_speaking(on)
                except Exception:  # noqa: BLE001 - a UI callback must not stop the announcer
                    log.exception("on_speaking callback failed")

    def _advance(self) -> None:
        # A trampoline: a player that finishes synchronously (NullPlayer) re-enters here; the outer
        # call keeps looping instead of recursing once per clip.
        with self._lock:
            if self._driving:
                self._again = True
                return
            self._driving = True
        try:
            while True:
                with self._lock:
                    self._again = False
                    if self._busy:
                        return
                    if not self._clips:
                        self._set_speaking(False)
                        return
                    ann, clip = self._clips[0]
                    if isinstance(clip, Future) and not clip.done():
                        clip.add_done_callback(lambda _f: self._advance())
                        return
                    self._clips.popleft()
                    try:
                        path = clip.result() if isinstance(clip, Future) else clip
                    except Exception as exc:  # noqa: BLE001 - report, skip the clip, keep the queue going
                        msg = getattr(exc, "message", str(exc))
                        log.error("announcement %s → %s: %s", ann.display, ann.counter, msg)
                        self.errors.append(msg)
                        ann.state = AnnouncementState.FAILED
                        self._finish_if_last(ann)
                        continue
                    if ann.state == AnnouncementState.QUEUED:
                        ann.state = AnnouncementState.PLAYING
                        ann.started_at = self.clock.time()
                        self._set_speaking(True)
                        if self.on_start:
                            self.on_start(ann)
                    ann.clips.append(path)
                    self._busy = True
                    current = ann
                done: Callable[[], None] = functools.partial(self._clip_done, current)
                try:
                    self.player.play(path, done)
                except Exception as exc:  # noqa: BLE001
                    log.error("player failed on %s: %s", path, exc)
                    self.errors.append(str(texts.NO_AUDIO.format(detail=exc)))
                    self._clip_done(current)
                with self._lock:
                    if not self._again and self._busy:
                        return
        finally:
            with self._lock:
                self._driving = False
                again = self._again
            if again:
                self._advance()

    def _finish_if_last(self, ann: Announcement) -> None:
        if not any(a is ann for a, _ in self._clips) and ann.state != AnnouncementState.FAILED:
            ann.state = AnnouncementState.DONE

    def _clip_done(self, ann: Announcement) -> None:
        with self._lock:
            self._busy = False
            self._finish_if_last(ann)
        self._advance()

    def skip_all(self) -> None:
        """Drop what is queued and cut the current clip short (the queue stays usable)."""
        with self._lock:
            dropped = {id(a): a for a, _ in self._clips}
            self._clips.clear()
        for a in dropped.values():
            if a.state in (AnnouncementState.QUEUED, AnnouncementState.PLAYING):
                a.state = AnnouncementState.DONE
        self.player.stop()

    def close(self) -> None:
        """Stop playing and drop the queue."""
        with self._lock:
            self._clips.clear()
        self.player.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def render(self, display: str, counter: int | str, out: Path) -> Path:
        """One WAV file of a whole call (chime, sentences), as it would be heard."""
        parts: list[Path] = []
        chime = self.chime
        if chime is not None:
            parts.append(chime)
        for voice, text in self.phrases(display, counter):
            parts.append(self.cache.get(text, voice=voice))
        return join_wavs(parts, out)

    def diagnostics(self) -> dict[str, object]:
        """Queue, cache and player state (redacted: no tokens here)."""
        synth = getattr(self.cache.synth, "diagnostics", None)
        return {"enabled": self.settings.enabled, "voice": self.settings.voice, "pending": self.pending(),
                "announced": self.announced, "skipped": self.skipped, "cache_pruned": self.cache.pruned,
                "cache_hits": self.cache.hits, "cache_misses": self.cache.misses,
                "cache_dir": str(self.cache.folder), "errors": list(self.errors)[-5:],
                "synthesizer": synth() if synth else None, "player": self.player.diagnostics()}


# ---------------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    """`motcua announce --display 1023 --counter 5 [--text-only] [--wav OUT]`."""
    ap = argparse.ArgumentParser(prog="motcua announce", description="Câu gọi số / a call announcement")
    ap.add_argument("--display", required=True, help="số thứ tự như in trên phiếu / the ticket display, e.g. 1023")
    ap.add_argument("--counter", required=True, help="số quầy / the counter number")
    ap.add_argument("--text-only", action="store_true", help="chỉ in câu gọi / print the text only")
    ap.add_argument("--wav", type=Path, help="ghi âm thanh ra tệp WAV / write the audio to this WAV")
    ap.add_argument("--play", action="store_true", help="phát ra loa / play it on the speakers")
    ap.add_argument("--south", action="store_true", help="đọc giọng miền Nam / Southern reading")
    ap.add_argument("--voice", help="giọng espeak-ng / espeak-ng voice (vi, vi-vn-x-central, vi-vn-x-south)")
    ap.add_argument("--english", action="store_true", help="thêm câu tiếng Anh / add the English sentence")
    ap.add_argument("--template", help="mẫu câu / call template with {number} and {counter}")
    ap.add_argument("--no-chime", action="store_true", help="không có chuông / no chime")
    args = ap.parse_args(argv)
    counter: int | str = int(args.counter) if args.counter.strip().isdigit() else args.counter
    opts: dict[str, Any] = {"dialect": "south" if args.south else "north", "english": args.english}  # keyword arguments
    if args.voice or args.south:
        opts["voice"] = args.voice or "vi-vn-x-south"
    if args.template:
        opts["template"] = args.template
    if args.no_chime:
        opts["chime"] = None
    try:
        settings = AnnouncerSettings(**opts)
        phrases = call_phrases(args.display, counter, settings)
    except ValueError as exc:
        print(f"motcua announce: {exc}", file=sys.stderr)
        return 2
    for _, text in phrases:
        print(text)
    if args.text_only or not (args.wav or args.play):
        return 0
    ann = Announcer(settings=settings, player=NullPlayer())
    try:
        if args.wav:
            ann.render(args.display, counter, args.wav)
            print(f"→ {args.wav} ({wav_duration(args.wav):.2f} s)", file=sys.stderr)
        if args.play:
            from ui.player import play_blocking

            out = args.wav or (ann.cache.folder / "last-call.wav")
            if not args.wav:
                ann.render(args.display, counter, out)
            return play_blocking(out)
    except TtsError as exc:
        print(f"motcua announce: {exc.message}", file=sys.stderr)
        return 1
    finally:
        ann.close()
    return 0
