"""Short voice prompts for each step of the kiosk (issue 17): choose a procedure, show the card, fill the form,
photograph the pages, check, done, take the ticket, and "are you still there?".

Spoken with espeak-ng through ui.tts, the engine and WAV cache the board's announcer uses, with numbers read
the Vietnamese way by motcua.speech ("giấy tờ thứ tư, trong năm giấy tờ", "a mười lăm"). A new step's prompt
replaces the one still playing (never two voices at once); the kiosk setting `voice_prompts = false` keeps
the kiosk silent. Nothing personal is ever spoken: the prompts are fixed sentences with counts and the ticket
number (which the board announces aloud anyway) — never a name, an ID number, an address or a dossier code.
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import texts as T
from motcua.speech import read_display, read_number, read_ordinal
from ui.audio import HISTORY_KEPT, AudioPlayer
from ui.tts import EspeakSynthesizer, PhraseCache, Synthesizer

if TYPE_CHECKING:
    from kiosk.config import KioskSection

log = logging.getLogger(__name__)

CACHE_FILES = 300
"""WAVs kept on disk: the fixed prompts are a dozen, but each ticket number makes its own sentence and a
kiosk runs for weeks (the cache prunes the least recently used beyond this, ui.tts.PhraseCache)."""

PROMPT_OF_PAGE = {"catalog": "choose", "identify": "card", "form": "form", "form_field": "form",
                  "documents": "pages", "review": "review", "submitted": "done", "ticket": "ticket"}
"""Which prompt a page says; the form's field editor is the form's step (no prompt after each field)."""


@dataclass(frozen=True, slots=True)
class Prompt:
    """One prompt asked for: its step key and the Vietnamese sentence."""

    key: str
    text: str


def step_words(i: int, n: int) -> str:
    """"Bước hai, trong sáu bước. ": the step indicator ("Bước 2/6"), read aloud."""
    return T.SAY_STEP("vi", i=read_number(i), n=read_number(n))


def prompt_text(key: str, *, step: tuple[int, int] | None = None, page: tuple[int, int] | None = None,
                ticket: str | None = None) -> str:
    """The Vietnamese sentence of a prompt, numbers as words (`step` and `page` are (i, n))."""
    head = step_words(*step) if step else ""
    if key == "choose":
        return T.SAY_CHOOSE("vi")
    if key == "card":
        return head + T.SAY_CARD("vi")
    if key == "form":
        return head + T.SAY_FORM("vi")
    if key == "pages":
        i, n = page or (1, 1)
        return head + T.SAY_PAGES("vi", i=read_ordinal(i), n=read_number(n))
    if key == "review":
        return head + T.SAY_REVIEW("vi")
    if key == "done":
        return T.SAY_DONE("vi")
    if key == "ticket":
        # The ticket number is public (the board calls it aloud); a display it cannot read is left out.
        try:
            spoken = read_display(ticket or "")
        except ValueError:
            return T.PLEASE_TAKE("vi")
        return T.SAY_TICKET("vi", number=spoken)
    if key == "still_there":
        return T.SAY_STILL_THERE("vi")
    raise ValueError(f"no prompt {key!r}")


class VoicePrompts:
    """Says one prompt at a time: synthesised off the GUI thread, played on the kiosk's speaker.

    Thread-safe: `say()` runs on the GUI thread, the synthesis on this object's own thread, and the player's
    `on_done` may come from either. A prompt asked for while an older one is still being made or played wins:
    the older one is cut short or never starts.
    """

    def __init__(self, *, enabled: bool, player: AudioPlayer, cache: PhraseCache, voice: str = "vi",
                 submit: Callable[[Callable[[], None]], Any] | None = None) -> None:
        self.enabled = enabled
        self.player = player
        self.cache = cache
        self.voice = voice
        self._pool: ThreadPoolExecutor | None = None
        if submit is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-voice")
            submit = self._pool.submit
        self._submit = submit
        self._lock = threading.Lock()
        self._generation = 0
        self._playing = False
        self.last_key: str | None = None
        """The step whose prompt was said last (a page shown again within its step says nothing)."""
        self.said: deque[Prompt] = deque(maxlen=HISTORY_KEPT)
        """The latest prompts asked for, oldest first (bounded: the kiosk runs for weeks)."""
        self.errors: deque[str] = deque(maxlen=20)

    @classmethod
    def from_settings(cls, settings: KioskSection, *, player: AudioPlayer, cache_dir: Path,
                      synthesizer: Synthesizer | None = None) -> VoicePrompts:
        """The kiosk's prompts as its device file sets them (espeak-ng unless a synthesizer is given)."""
        synth = synthesizer or EspeakSynthesizer(speed_wpm=settings.voice_speed_wpm)
        cache = PhraseCache(cache_dir, synth, speed_wpm=settings.voice_speed_wpm, max_files=CACHE_FILES)
        return cls(enabled=settings.voice_prompts, player=player, cache=cache, voice=settings.voice)

    def prime(self) -> None:
        """Play a moment of silence now, at start: the sound output opens its device (and files) before the first
        citizen, not while the kiosk is already serving (a late first prompt, and open files that seem to grow)."""
        if self.enabled:
            try:
                self.player.play(self.cache.silence(50), lambda: None)
            except Exception as exc:  # noqa: BLE001 - a kiosk without sound still works
                log.warning("the sound output could not be opened: %s", exc)

    def say(self, key: str, text: str, *, step: bool = True) -> Prompt | None:
        """Speak a prompt now, replacing any other; None when prompts are off. A prompt that is no step's
        ("are you still there?") leaves `last_key` alone: after "Tiếp tục" the step is not said again."""
        if step:
            self.last_key = key
        if not self.enabled:
            return None
        prompt = Prompt(key, text)
        with self._lock:
            self._generation += 1
            generation = self._generation
            self.said.append(prompt)
            playing, self._playing = self._playing, False
        if playing:
            self.player.stop()  # the old step's prompt is cut short: a new one replaces it
        self._submit(lambda: self._make_and_play(generation, text))
        return prompt

    def _make_and_play(self, generation: int, text: str) -> None:
        try:
            path = self.cache.get(text, voice=self.voice)
        except Exception as exc:  # noqa: BLE001 - a kiosk without speech still works; the technician sees why
            msg = getattr(exc, "message", str(exc))
            log.warning("a voice prompt could not be made: %s", msg)
            self.errors.append(msg)
            return
        with self._lock:
            if generation != self._generation:
                return  # a newer prompt was asked for while this one was being made
            # Hazard: the player is stopped only from say() and stop(), on the GUI thread (a Qt player is not
            # thread-safe); here, on the synthesis thread, it is only asked to play (queued to its thread).
            self._playing = True
        try:
            self.player.play(path, lambda: self._done(generation))
        except Exception as exc:  # noqa: BLE001
            log.warning("a voice prompt could not be played: %s", exc)
            self.errors.append(str(exc))
            self._done(generation)

    def _done(self, generation: int) -> None:
        with self._lock:
            if generation == self._generation:
                self._playing = False

    def stop(self) -> None:
        """Silence now (the citizen left: nothing more is said for them)."""
        with self._lock:
            self._generation += 1
            playing, self._playing = self._playing, False
        self.last_key = None
        if playing:
            self.player.stop()

    def close(self) -> None:
        """Stop and end the synthesis thread."""
        self.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def diagnostics(self) -> dict[str, object]:
        """For the technician: on or off, the cache's figures, the latest errors (prompts carry no personal data)."""
        return {"enabled": self.enabled, "voice": self.voice, "said": len(self.said), "cache_hits": self.cache.hits,
                "cache_misses": self.cache.misses, "cache_pruned": self.cache.pruned, "errors": list(self.errors)[-5:]}


def page_prompt(page: str, *, dossier: Any = None, ticket: str | None = None) -> Prompt | None:
    """The prompt of a page as the window shows it (None: that page says nothing).

    `dossier` is the window's kiosk.dossier.DossierScreens (its draft gives the step and the page counts);
    `ticket` the display of the number on screen.
    """
    key = PROMPT_OF_PAGE.get(page)
    if key is None:
        return None
    step = page_no = None
    if dossier is not None and key in ("card", "form", "pages", "review"):
        step = _step_of(dossier, {"card": "id", "form": "form", "pages": "docs", "review": "review"}[key])
        if key == "pages" and dossier.draft is not None:
            photos = getattr(dossier, "photos", dossier)  # the document pages (kiosk.photos) count the documents
            page_no = (photos.doc_index + 1, len(dossier.draft.procedure.documents))
    if key == "pages" and page_no is not None:
        key = f"pages-{page_no[0]}"  # each document is its own prompt
    text = prompt_text(key.split("-")[0], step=step, page=page_no, ticket=ticket)
    return Prompt(key, text)


def _step_of(dossier: Any, step_key: str) -> tuple[int, int] | None:
    """(i, n) of a step of the submission, as the step indicator counts them (kiosk.dossier.step_text)."""
    from kiosk.declaration import form_of
    from kiosk.dossier import STEP_KEYS

    procedure = dossier.procedure
    keys = [k for k in STEP_KEYS if k != "form" or (procedure is not None and form_of(procedure))]
    return (keys.index(step_key) + 1, len(keys)) if step_key in keys else None


def speak_page(voice: VoicePrompts, page: str, *, dossier: Any = None, ticket: str | None = None) -> None:
    """A page was shown: say its step's prompt, once per step (the home page silences the kiosk)."""
    if page == "home":
        voice.stop()
        return
    prompt = page_prompt(page, dossier=dossier, ticket=ticket)
    if prompt is None:
        voice.last_key = None
    elif prompt.key != voice.last_key:
        voice.say(prompt.key, prompt.text)
