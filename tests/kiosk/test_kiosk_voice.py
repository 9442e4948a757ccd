"""Issue 17, voice prompts at the kiosk: each step of a self-submission (and the ticket) says its short
Vietnamese prompt through the board's speech engine (ui.tts, espeak-ng) with numbers read the Vietnamese way;
a new prompt replaces the one playing; nothing personal is spoken; `voice_prompts = false` keeps the kiosk
silent; the WAVs are cached and their number bounded. The sound card is ui.audio.RecordingPlayer on the
injected clock (it fails on any overlap)."""
from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kiosk_support import Windows, camera_folder, click, kiosk_settings
from support import READY

from kiosk import texts as T
from kiosk.app import KioskWindow
from kiosk.config import hash_pin, parse_kiosk_config
from kiosk.voice import CACHE_FILES, VoicePrompts, prompt_text
from motcua.clock import ManualClock
from motcua.config import ConfigError
from motcua.speech import read_ordinal
from scanners.camera import FolderCamera
from ui.audio import HISTORY_KEPT, NullPlayer, RecordingPlayer
from ui.tts import PRUNE_EVERY, EspeakSynthesizer, PhraseCache, write_silence

ESPEAK = EspeakSynthesizer()


class CountingSynth:
    """Writes a short silent WAV per sentence and remembers what it was asked (where espeak-ng's sound is no
    matter: the cache's bounds are about files and calls)."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def synthesize(self, text: str, *, voice: str, out: Path) -> None:
        self.texts.append(text)
        write_silence(out, 0.2 + len(text) / 400)


def settings(tmp_path: Path, **kiosk: Any) -> Any:
    return parse_kiosk_config({
        "hub": {"url": "http://127.0.0.1:9", "token": "kiosk_not-used"},
        "kiosk": {"technician_pin_hash": hash_pin("1234", iterations=1000),
                  "cache_db": str(tmp_path / "kiosk-cache.db"), **kiosk}})


# ------------------------------------------------------------------ the words
def test_prompts_read_numbers_the_vietnamese_way() -> None:
    assert prompt_text("card", step=(1, 6)) == ("Bước một, trong sáu bước. Mời đặt thẻ căn cước dưới máy ảnh, "
                                                "mặt có mã QR hướng lên, trong khung vàng.")
    assert prompt_text("pages", step=(4, 5), page=(4, 15)) == (
        "Bước bốn, trong năm bước. Mời chụp giấy tờ thứ tư, trong mười lăm giấy tờ. Đặt giấy tờ vào khung rồi "
        "chạm Chụp ảnh.")
    assert prompt_text("pages", page=(1, 25)).startswith("Mời chụp giấy tờ thứ nhất, trong hai mươi lăm giấy tờ.")
    assert prompt_text("pages", page=(21, 21)).startswith("Mời chụp giấy tờ thứ hai mươi mốt, trong hai mươi mốt")
    assert prompt_text("ticket", ticket="A015") == "Mời nhận phiếu bên dưới. Số thứ tự của quý khách là a mười lăm."
    assert prompt_text("ticket", ticket="B1005").endswith("là bê một nghìn không trăm linh năm.")
    assert prompt_text("ticket", ticket="not a ticket") == T.PLEASE_TAKE.vi  # never the digits one by one
    assert prompt_text("review", step=(6, 6)) == "Bước sáu, trong sáu bước. Mời kiểm tra lại hồ sơ, rồi chạm Gửi hồ sơ."
    assert prompt_text("done") == "Hồ sơ đã được tiếp nhận. Mời nhận giấy hẹn ở máy in bên dưới."
    assert prompt_text("still_there") == "Quý khách còn ở đó không? Chạm Tiếp tục để làm tiếp."
    every = [prompt_text(k, step=(2, 6), page=(3, 7), ticket="C007")
             for k in ("choose", "card", "form", "pages", "review", "done", "ticket", "still_there")]
    assert not any(ch.isdigit() for text in every for ch in text)  # espeak-ng is given words, never digits
    assert [read_ordinal(n) for n in (1, 2, 4, 14, 21, 105)] == [
        "thứ nhất", "thứ hai", "thứ tư", "thứ mười bốn", "thứ hai mươi mốt", "thứ một trăm linh năm"]
    with pytest.raises(ValueError):
        read_ordinal(0)
    with pytest.raises(ValueError, match="no prompt"):
        prompt_text("shout")


def test_the_settings_are_validated_and_name_the_key(tmp_path: Path) -> None:
    cfg = settings(tmp_path).kiosk
    assert (cfg.voice_prompts, cfg.voice, cfg.voice_speed_wpm, cfg.still_there_s) == (True, "vi", 150, 20)
    assert settings(tmp_path, voice="vi-vn-x-south").kiosk.voice == "vi-vn-x-south"
    for key, bad in (("voice", "vi; rm -rf"), ("voice_speed_wpm", 20), ("voice_prompts", "maybe"),
                     ("still_there_s", 1)):
        with pytest.raises(ConfigError) as err:
            parse_kiosk_config({"hub": {"url": "http://127.0.0.1:9", "token": "kiosk_not-used"},
                                "kiosk": {"technician_pin_hash": hash_pin("1", iterations=1000), key: bad}},
                               path="kiosk.toml")
        assert f"kiosk.{key}" in str(err.value) and "kiosk.toml" in str(err.value)


# ------------------------------------------------------------------ one prompt at a time
def test_a_new_prompt_replaces_the_old_one_and_never_overlaps(tmp_path: Path, clock: ManualClock) -> None:
    jobs: list[Callable[[], None]] = []
    player = RecordingPlayer(clock)  # raises on an overlap
    synth = CountingSynth()
    voice = VoicePrompts(enabled=True, player=player, cache=PhraseCache(tmp_path / "v", synth), submit=jobs.append)
    voice.say("card", prompt_text("card", step=(1, 6)))
    voice.say("form", prompt_text("form", step=(2, 6)))  # the citizen moved on before the first was made
    for job in jobs:
        job()
    jobs.clear()
    assert len(player.clips) == 1 and player.current is not None  # only the newer one plays
    first = player.current
    clock.advance(0.3)
    voice.say("pages-1", prompt_text("pages", step=(4, 6), page=(1, 2)))  # while the form's prompt plays
    jobs.pop()()
    assert len(player.clips) == 2 and player.current is not first
    assert first.duration > 0.3  # …so the form's prompt was cut short, not talked over
    assert player.finish() and not player.finish()
    assert not voice.errors and voice.cache.misses == 3
    voice.stop()
    assert player.current is None


def test_prompts_are_made_once_and_the_cache_stays_bounded(tmp_path: Path) -> None:
    synth = CountingSynth()
    cfg = settings(tmp_path).kiosk
    voice = VoicePrompts.from_settings(cfg, player=NullPlayer(), cache_dir=tmp_path / "voice", synthesizer=synth)
    voice._submit = lambda job: job()  # noqa: SLF001 - made on this thread, to count without waiting
    for _ in range(50):  # fifty citizens at the card step: one synthesis
        voice.say("card", prompt_text("card", step=(1, 6)))
    assert len(synth.texts) == 1 and voice.cache.hits == 49
    for n in range(1, 1200):  # weeks of tickets: each number is its own sentence
        voice.say("ticket", prompt_text("ticket", ticket=f"A{n:03d}"))
    wavs = list((tmp_path / "voice").glob("*.wav"))
    assert len(synth.texts) == 1200
    assert len(wavs) <= CACHE_FILES + PRUNE_EVERY and voice.cache.pruned >= 1200 - CACHE_FILES - PRUNE_EVERY
    assert len(voice.said) == HISTORY_KEPT and voice.player.count == 1249  # type: ignore[attr-defined]
    # The card's prompt was used long ago: pruned, it is made again (the same sentence, the same file name).
    voice.say("card", prompt_text("card", step=(1, 6)))
    assert synth.texts[-1] == prompt_text("card", step=(1, 6))
    voice.close()


# ------------------------------------------------------------------ through the real window
@pytest.fixture
def kiosk(qtbot, make_hub, tcp_printer, tmp_path, clock):  # noqa: ANN001, ANN201
    hub = make_hub(example=True)
    _printer, address = tcp_printer([READY, READY, READY])
    windows = Windows(qtbot, clock.time)

    def make(*, voice_on: bool = True, synth: Any = ESPEAK) -> tuple[KioskWindow, VoicePrompts, RecordingPlayer]:
        folder = tmp_path / "camera"
        citizen = camera_folder(folder, pages=3)
        cfg = kiosk_settings(hub, address, tmp_path, voice_prompts=voice_on)
        player = RecordingPlayer(clock)
        voice = VoicePrompts.from_settings(cfg.kiosk, player=player, cache_dir=tmp_path / "voice", synthesizer=synth)
        voice._submit = lambda job: job()  # noqa: SLF001 - synthesised at once: the test reads what is playing
        win, _backend = windows.open(cfg, camera=FolderCamera(folder=folder), voice=voice)
        win.citizen = citizen  # type: ignore[attr-defined]  # what must never be spoken
        return win, voice, player

    yield make
    windows.close()


def walk_submission(qtbot: Any, win: KioskWindow) -> Any:
    """Judicial record certificate (LLTP, with a declaration form) from the catalog to the submitted page;
    returns the submit result."""
    d = win.dossier
    assert d is not None
    click(qtbot, d.submit_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    for ch in "ly lich tu phap":
        click(qtbot, d.c_search.keys[ch])
    click(qtbot, d.c_result_buttons[0])
    click(qtbot, d.p_submit)
    d.stop_card_reading()  # the card is shown below, at once, instead of on the camera's timer
    d.on_card(d.backend.read_card())
    f = d.form
    for key, value in (("birthplace", "Xã Đại Đồng, tỉnh Bắc Ninh"), ("phone", "0912345678"), ("certificate", "1"),
                       ("purpose", "Bổ sung hồ sơ xin việc làm"), ("signed_at", "Bắc Ninh")):
        f.edit(key)
        assert win.page == "form_field"
        f.save(value)
    click(qtbot, f.f_continue)
    click(qtbot, d.a_next)  # the phone, from the form
    click(qtbot, d.a_skip)  # no e-mail
    while win.page == "documents":
        d.photos.on_page(d.backend.capture_page(d.photos.d_name.text()))
        d.photos.next_document()
    click(qtbot, d.v_center)
    assert win.page == "review"
    click(qtbot, d.r_send)
    qtbot.waitUntil(lambda: win.page == "submitted", timeout=15000)
    return d.last_result


def test_each_step_says_its_prompt_once_and_nothing_personal(kiosk, qtbot) -> None:  # noqa: ANN001
    win, voice, player = kiosk()
    result = walk_submission(qtbot, win)
    keys = [p.key for p in voice.said]
    assert keys == ["choose", "card", "form", "pages-2", "review", "done"]  # the form itself is not
    said = {p.key: p.text for p in voice.said}  # photographed: the card's copy is the 2nd document of two
    assert said["card"] == prompt_text("card", step=(1, 6)) and said["card"].startswith("Bước một, trong sáu bước.")
    assert said["form"].startswith("Bước hai, trong sáu bước. Mời kiểm tra tờ khai.")
    assert said["pages-2"] == ("Bước bốn, trong sáu bước. Mời chụp giấy tờ thứ hai, trong hai giấy tờ. Đặt giấy tờ "
                               "vào khung rồi chạm Chụp ảnh.")  # as the page's title counts: "Chụp giấy tờ 2/2"
    assert said["review"] == "Bước sáu, trong sáu bước. Mời kiểm tra lại hồ sơ, rồi chạm Gửi hồ sơ."
    assert said["done"] == T.SAY_DONE.vi
    # Spoken by espeak-ng, one WAV each, played one after another: each new step cut the last one short.
    assert len(player.clips) == len(keys) and not voice.errors
    for clip in player.clips:
        with wave.open(str(clip.path), "rb") as w:
            assert w.getnframes() / w.getframerate() > 1.0
    citizen = win.citizen  # type: ignore[attr-defined]
    dossier = result.dossier
    secrets = [citizen.name, citizen.id, citizen.address, "0912345678", "Đại Đồng", dossier.code, dossier.lookup_code]
    everything = " ".join(p.text for p in voice.said).lower()
    assert [s for s in secrets if s and s.lower() in everything] == []
    # "Xong": the kiosk falls silent; a number taken says the ticket's prompt with the number in words.
    click(qtbot, win.dossier.s_done)
    assert win.page == "home" and player.current is None
    service = next(iter(win.service_buttons))
    click(qtbot, win.service_buttons[service])
    qtbot.waitUntil(lambda: win.page == "ticket", timeout=10000)
    display = win.result.ticket.display
    assert voice.said[-1].key == "ticket" and voice.said[-1].text == prompt_text("ticket", ticket=display)
    assert not any(ch.isdigit() for ch in voice.said[-1].text)


def test_the_setting_turns_the_prompts_off(kiosk, qtbot) -> None:  # noqa: ANN001
    synth = CountingSynth()
    win, voice, player = kiosk(voice_on=False, synth=synth)
    assert not voice.enabled
    walk_submission(qtbot, win)
    assert list(voice.said) == [] and synth.texts == [] and player.clips == []


def test_prompts_are_made_off_the_calling_thread(tmp_path: Path) -> None:
    import threading

    made_on: list[str] = []

    class ThreadNoting(CountingSynth):
        def synthesize(self, text: str, *, voice: str, out: Path) -> None:
            made_on.append(threading.current_thread().name)
            super().synthesize(text, voice=voice, out=out)

    player = NullPlayer()
    voice = VoicePrompts(enabled=True, player=player, cache=PhraseCache(tmp_path / "v", ThreadNoting()))
    voice.prime()  # at start: the sound output opened with a moment of silence, nothing synthesised
    assert player.count == 1 and player.played[-1].name == "silence-50ms.wav" and made_on == []
    voice.say("choose", prompt_text("choose"))
    assert voice._pool is not None  # noqa: SLF001
    voice._pool.submit(lambda: None).result(timeout=30)  # noqa: SLF001 - the synthesis thread has caught up
    assert made_on and made_on[0].startswith("kiosk-voice") and made_on[0] != threading.current_thread().name
    assert player.count == 2
    voice.close()
