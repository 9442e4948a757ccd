"""Announcements: the call text, espeak-ng synthesis with a WAV cache per phrase, and a queue that plays
calls one at a time, in order, with recalls heard again (durations measured from the WAV files)."""
from __future__ import annotations

import subprocess
import sys
import threading
import wave
from pathlib import Path

import pytest

from counter_display.announce import (
    AnnouncementState,
    Announcer,
    EspeakSynthesizer,
    PhraseCache,
    TtsError,
    call_phrases,
    join_wavs,
    main,
    synth_chime,
    wav_duration,
)
from counter_display.audio import HISTORY_KEPT, NullPlayer, RecordingPlayer
from counter_display.config import DEFAULT_CHIME, AnnouncerSettings
from motcua.clock import ManualClock

ROOT = Path(__file__).resolve().parents[2]

TRICKY = {  # DOMAIN.md "Reading numbers aloud"
    "1023": "một nghìn không trăm hai mươi ba", "0015": "mười lăm", "0021": "hai mươi mốt",
    "0105": "một trăm linh năm", "1005": "một nghìn không trăm linh năm",
    "1015": "một nghìn không trăm mười lăm", "2000": "hai nghìn", "0010": "mười", "A015": "a mười lăm",
}


@pytest.mark.parametrize("display,words", sorted(TRICKY.items()))
def test_call_text_reads_numbers_as_words(display: str, words: str) -> None:
    (voice, text), = call_phrases(display, 5, AnnouncerSettings())
    assert voice == "vi"
    assert text == f"Mời công dân có số thứ tự {words} đến quầy số năm"
    assert not any(ch.isdigit() for ch in text)


def test_southern_english_and_custom_wording() -> None:
    s = AnnouncerSettings(dialect="south", voice="vi-vn-x-south", english=True,
                          template="Xin mời số {number} tới quầy {counter}")
    (v1, vi), (v2, en) = call_phrases("1005", 12, s)
    assert (v1, vi) == ("vi-vn-x-south", "Xin mời số một ngàn không trăm lẻ năm tới quầy mười hai")
    assert v2 == "en" and en == "Ticket number one zero zero five, please go to counter twelve"
    with pytest.raises(ValueError):
        AnnouncerSettings(template="Mời số {so}")


class CountingSynth:
    """espeak-ng, counting the sentences it really made."""

    def __init__(self) -> None:
        self.inner = EspeakSynthesizer()
        self.texts: list[str] = []
        self.lock = threading.Lock()

    def synthesize(self, text: str, *, voice: str, out: Path) -> None:
        with self.lock:
            self.texts.append(text)
        self.inner.synthesize(text, voice=voice, out=out)


@pytest.fixture
def synth() -> CountingSynth:
    return CountingSynth()


def make(tmp_path: Path, synth: CountingSynth, clock: ManualClock, **settings) -> tuple[Announcer, RecordingPlayer]:
    player = RecordingPlayer(clock)
    s = AnnouncerSettings(cache_dir=tmp_path / "cache", **settings)
    return Announcer(settings=s, player=player, cache=PhraseCache(tmp_path / "cache", synth), clock=clock), player


def drain(ann: Announcer, player: RecordingPlayer) -> None:
    """Play the queue to its end on the virtual clock (waiting only for synthesis)."""
    for _ in range(500):
        ann._pool.submit(lambda: None).result(5)  # synthesis queued so far is done
        if not player.finish() and ann.pending() == 0:
            return
    raise AssertionError("queue did not drain")


def test_calls_play_in_order_without_overlap_and_recall_repeats(tmp_path: Path, synth: CountingSynth) -> None:
    clock = ManualClock(1_800_000_000.0)
    speaking: list[bool] = []
    ann, player = make(tmp_path, synth, clock)
    ann.on_speaking = speaking.append
    a = ann.announce("1023", 5)
    b = ann.announce("1024", 6)
    c = ann.announce("1023", 5, recall=True)  # gọi lại: heard again, after the others
    assert player.current is not None and player.current.path == DEFAULT_CHIME  # audio starts at once
    drain(ann, player)
    assert [x.state for x in (a, b, c)] == [AnnouncementState.DONE] * 3
    clips = player.clips
    # No overlap: each clip starts exactly when the previous one ended (durations from the WAV files).
    for prev, nxt in zip(clips, clips[1:]):
        assert nxt.start == pytest.approx(prev.end)
        assert prev.duration == pytest.approx(wav_duration(prev.path)) and prev.duration > 0
    # Order: chime, sentence, gap for each call, in the order asked.
    assert [p.path for p in clips] == a.clips + b.clips + c.clips
    assert [len(x.clips) for x in (a, b, c)] == [3, 3, 3]
    assert a.clips[0] == DEFAULT_CHIME and a.clips[2].name == "silence-400ms.wav"
    assert a.clips[1] == c.clips[1] != b.clips[1]  # the recall reuses the cached phrase
    assert a.started_at < b.started_at < c.started_at
    assert b.started_at == pytest.approx(sum(x.duration for x in a_clips(clips, a)) + a.started_at)
    spoken = wav_duration(a.clips[1])
    assert 2.0 < spoken < 8.0  # a whole Vietnamese sentence, not a digit string
    assert synth.texts.count(a.text) == 1 and len(synth.texts) == 2  # one synthesis per distinct phrase
    assert speaking == [True, False]
    assert clock.time() == pytest.approx(clips[-1].end)


def a_clips(clips, ann):
    return [x for x in clips if x.path in ann.clips][: len(ann.clips)]


def test_english_after_vietnamese_and_repeat(tmp_path: Path, synth: CountingSynth) -> None:
    clock = ManualClock(0.0)
    ann, player = make(tmp_path, synth, clock, english=True, repeat=2, chime=None, gap_ms=0)
    a = ann.announce("A015", 3)
    drain(ann, player)
    vi, en = (ann.cache.path_for(t, voice=v) for v, t in a.phrases)
    assert [c.path for c in player.clips] == [vi, en, vi, en, ann.cache.silence(1)]


def test_a_call_queued_while_one_plays_waits_for_it(tmp_path: Path, synth: CountingSynth) -> None:
    clock = ManualClock(0.0)
    ann, player = make(tmp_path, synth, clock)
    ann.announce("1001", 1)
    ann._pool.submit(lambda: None).result(5)
    player.finish()  # chime over, sentence starts
    ann.announce("1002", 2)
    ann._pool.submit(lambda: None).result(5)
    assert ann.pending() == 2 and player.current is not None
    assert len(player.clips) == 2  # the second call did not cut in
    drain(ann, player)
    assert [c.path.name for c in player.clips].count("chime.wav") == 2


def test_failed_synthesis_is_reported_and_the_queue_goes_on(tmp_path: Path, clock: ManualClock) -> None:
    class Broken:
        def synthesize(self, text: str, *, voice: str, out: Path) -> None:
            if "một nghìn không trăm linh một" in text:
                raise TtsError("espeak-ng: no voice")
            EspeakSynthesizer().synthesize(text, voice=voice, out=out)

    player = RecordingPlayer(clock)
    ann = Announcer(settings=AnnouncerSettings(), player=player, cache=PhraseCache(tmp_path, Broken()), clock=clock)
    a, b = ann.announce("1001", 1), ann.announce("1002", 1)
    drain(ann, player)
    assert a.state == AnnouncementState.FAILED and b.state == AnnouncementState.DONE
    assert list(ann.errors) == ["espeak-ng: no voice"]
    assert ann.diagnostics()["errors"] == ["espeak-ng: no voice"]


def test_null_player_runs_a_long_queue_without_recursion(tmp_path: Path, synth: CountingSynth) -> None:
    ann = Announcer(settings=AnnouncerSettings(max_waiting=1000), player=NullPlayer(),
                    cache=PhraseCache(tmp_path, synth))
    for i in range(300):
        ann.announce(f"{1001 + i % 3}", 1)
    ann._pool.submit(lambda: None).result(10)
    for _ in range(200):
        if ann.pending() == 0:
            break
        threading.Event().wait(0.01)
    assert ann.pending() == 0 and ann.player.count == 900 and len(synth.texts) == 3


def test_the_phrase_cache_keeps_no_lock_per_phrase(tmp_path: Path, synth: CountingSynth) -> None:
    # It kept one lock per distinct sentence ever spoken (each call's number and counter make one).
    cache = PhraseCache(tmp_path, synth)
    for i in range(40):
        cache.get(f"Mời công dân có số thứ tự {1001 + i} đến quầy số 5", voice="vi")
    cache.get("Mời công dân có số thứ tự 1001 đến quầy số 5", voice="vi")
    assert cache.misses == 40 and cache.hits == 1 and cache._locks == {}


def test_a_burst_of_calls_speaks_the_latest_and_skips_the_backlog(tmp_path: Path, synth: CountingSynth) -> None:
    # Eight counters pressing "next" at opening time: reading every call one after another would keep the
    # lobby listening to calls minutes old. The one playing finishes; only the latest `max_waiting` wait.
    clock = ManualClock(0.0)
    ann, player = make(tmp_path, synth, clock, max_waiting=3)
    calls = [ann.announce(f"{1001 + i}", 1 + i % 8) for i in range(10)]
    assert calls[0].state == AnnouncementState.PLAYING  # the chime started at once
    drain(ann, player)
    assert [c.state for c in calls] == ([AnnouncementState.DONE] + [AnnouncementState.SKIPPED] * 6
                                        + [AnnouncementState.DONE] * 3)
    assert ann.skipped == 6 and ann.diagnostics()["skipped"] == 6
    assert [c.path for c in player.clips] == [p for c in (calls[0], *calls[7:]) for p in c.clips]


class TinySynth:
    """A stand-in that writes a small file at once (what is tested here is the cache, not the voice)."""

    def synthesize(self, text: str, *, voice: str, out: Path) -> None:
        out.write_bytes(text.encode())


def test_the_phrase_cache_keeps_the_recently_used_sentences_and_prunes_the_rest(tmp_path: Path) -> None:
    # Every ticket number makes its own sentence: a board meets thousands a week and runs for months.
    cache = PhraseCache(tmp_path, TinySynth(), max_files=50)
    silence = cache.silence(400)
    often = cache.get("Mời số 1001 đến quầy 1", voice="vi")
    for i in range(1, 250):
        cache.get(f"Mời số {1001 + i} đến quầy 2", voice="vi")
        if i % 10 == 0:
            assert cache.get("Mời số 1001 đến quầy 1", voice="vi") == often  # used again: kept
    kept = sorted(tmp_path.glob("vi-*.wav"))
    assert cache.misses == 250 and cache.pruned == 150  # pruned at the 100th and the 200th new sentence
    assert len(kept) == 100 and often.exists() and silence.exists()
    newest = cache.path_for("Mời số 1250 đến quầy 2", voice="vi")
    oldest = cache.path_for("Mời số 1002 đến quầy 2", voice="vi")
    assert newest.exists() and not oldest.exists()
    assert cache.get("Mời số 1002 đến quầy 2", voice="vi") == oldest and oldest.exists()  # made again on demand


def test_a_long_running_announcer_remembers_only_the_latest_calls(tmp_path: Path, synth: CountingSynth) -> None:
    # A board announces thousands of calls a week: the history, the errors and a speakerless player's
    # record of clips were lists that grew for as long as the board ran.
    ann = Announcer(settings=AnnouncerSettings(max_waiting=1000), player=NullPlayer(),
                    cache=PhraseCache(tmp_path, synth))
    total = HISTORY_KEPT + 150
    for i in range(total):
        ann.announce(f"{1001 + i % 3}", 1 + i % 2)
    ann._pool.submit(lambda: None).result(10)
    for _ in range(300):
        if ann.pending() == 0:
            break
        threading.Event().wait(0.01)
    assert ann.pending() == 0
    assert len(ann.history) == HISTORY_KEPT and ann.history[-1].display == f"{1001 + (total - 1) % 3}"
    assert ann.announced == total and ann.diagnostics()["announced"] == total
    assert len(ann.player.played) == HISTORY_KEPT and ann.player.count == 3 * total


def test_wav_cache_and_render(tmp_path: Path, synth: CountingSynth) -> None:
    cache = PhraseCache(tmp_path, synth)
    p1 = cache.get("Mời công dân có số thứ tự mười lăm đến quầy số năm", voice="vi")
    p2 = cache.get("Mời công dân có số thứ tự mười lăm đến quầy số năm", voice="vi")
    assert p1 == p2 and cache.misses == 1 and cache.hits == 1
    with wave.open(str(p1)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
    ann = Announcer(settings=AnnouncerSettings(), player=NullPlayer(), cache=cache)
    out = ann.render("0015", 5, tmp_path / "call.wav")
    assert wav_duration(out) == pytest.approx(wav_duration(DEFAULT_CHIME) + wav_duration(p1), abs=1e-3)
    with pytest.raises(ValueError):
        join_wavs([p1, synth_chime(tmp_path / "c8k.wav", rate=8000)], tmp_path / "bad.wav")


def test_shipped_chime_is_the_generated_one(tmp_path: Path) -> None:
    made = synth_chime(tmp_path / "chime.wav")
    assert made.read_bytes() == DEFAULT_CHIME.read_bytes()
    assert 1.0 < wav_duration(DEFAULT_CHIME) < 2.0


def test_cli_text_only_and_wav(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert main(["--display", "1023", "--counter", "5", "--text-only"]) == 0
    assert capsys.readouterr().out.strip() == "Mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số năm"
    out = tmp_path / "call.wav"
    assert main(["--display", "1023", "--counter", "5", "--wav", str(out), "--english"]) == 0
    assert wav_duration(out) > 4
    assert main(["--display", "12ab", "--counter", "5", "--text-only"]) == 2
    proc = subprocess.run([sys.executable, "-m", "motcua.cli", "announce", "--display", "105", "--counter", "2",
                           "--text-only", "--south"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "Mời công dân có số thứ tự một trăm lẻ năm đến quầy số hai"
