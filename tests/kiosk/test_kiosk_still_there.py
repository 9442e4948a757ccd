"""Issue 17, "Bạn còn ở đó không? / Are you still there?": before a page left alone is reset, a large countdown
and a large "Tiếp tục / Continue" button; a touch keeps everything (the typed form too); no touch, and at zero
the idle reset forgets the citizen; the home screen never shows it. On the injected clock, never sleeping."""
from __future__ import annotations

from typing import Any

import pytest
from kiosk_support import SilentSynth, Windows, click, kiosk_settings, type_keys
from support import READY

from kiosk.app import KioskWindow
from kiosk.voice import VoicePrompts, prompt_text
from motcua.clock import ManualClock
from ui.audio import NullPlayer
from ui.qt import QPoint, Qt
from ui.tts import PhraseCache


@pytest.fixture
def kiosk(qtbot, make_hub, tcp_printer, tmp_path, clock):  # noqa: ANN001, ANN201
    hub = make_hub(example=True)
    _printer, address = tcp_printer([READY])
    windows = Windows(qtbot, clock.time)
    voice = VoicePrompts(enabled=True, player=NullPlayer(), cache=PhraseCache(tmp_path / "voice", SilentSynth()),
                         submit=lambda job: job())
    cfg = kiosk_settings(hub, address, tmp_path, idle_timeout_s=30, dossier_idle_timeout_s=120, still_there_s=20)
    yield windows.open(cfg, voice=voice)[0]
    windows.close()


def start_typing(qtbot: Any, win: KioskWindow) -> None:
    """Đăng ký khai sinh, the applicant's name half typed on the Telex keyboard."""
    d = win.dossier
    click(qtbot, d.submit_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    type_keys(qtbot, d.c_search, "dang ky khai sinh")
    click(qtbot, d.c_result_buttons[0])
    click(qtbot, d.p_submit)
    click(qtbot, d.i_type)
    type_keys(qtbot, d.fields["vi"], "nguyeenx thij hoongf")
    assert win.page == "ask" and d.fields["vi"].text() == "nguyễn thị hồng"


def test_continue_keeps_the_typed_form(kiosk, qtbot, clock: ManualClock) -> None:  # noqa: ANN001
    win = kiosk
    start_typing(qtbot, win)
    st = win.still_there
    clock.advance(119)
    win.tick()
    assert not st.showing
    clock.advance(1)
    win.tick()
    assert st.showing and st.overlay.isVisible() and win.page == "ask"
    assert st.count.text() == "20 giây" and st.title.text() == "Bạn còn ở đó không?\nAre you still there?"
    assert win.voice.said[-1].text == prompt_text("still_there")  # said aloud too
    # Large: the number and the button fill the middle of the screen, the button well over 12 mm.
    assert st.count.font().pixelSize() >= win.kit.font(30).pixelSize()
    assert st.button.height() / win.px_per_mm >= 30 and st.button.width() > win.width() * 0.6
    assert st.overlay.height() > win.height() * 0.5
    clock.advance(7.5)
    win.tick()
    assert st.count.text() == "13 giây"  # counted down on the injected clock
    click(qtbot, st.button)  # "Tiếp tục"
    assert not st.overlay.isVisible() and win.page == "ask"
    assert win.dossier.fields["vi"].text() == "nguyễn thị hồng" and win.dossier.draft is not None
    # The idle time starts again from the touch: the countdown comes back only after another full wait…
    clock.advance(119)
    win.tick()
    assert not st.showing
    clock.advance(1)
    win.tick()
    assert st.showing
    # …and a touch anywhere (not only on the button) keeps the citizen's work too.
    qtbot.mouseClick(st.overlay, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    win.tick()
    assert not st.showing and win.page == "ask" and win.dossier.fields["vi"].text() == "nguyễn thị hồng"
    clock.advance(60)
    win.tick()
    assert not st.showing and win.page == "ask"


def test_no_touch_resets_and_forgets(kiosk, qtbot, clock: ManualClock) -> None:  # noqa: ANN001
    win = kiosk
    start_typing(qtbot, win)
    clock.advance(120)
    win.tick()
    st = win.still_there
    assert st.showing
    clock.advance(19.5)
    win.tick()
    assert st.showing and win.page == "ask" and st.count.text() == "1 giây"
    clock.advance(0.5)
    win.tick()
    assert win.page == "home" and not st.showing and not st.overlay.isVisible()
    assert win.dossier.draft is None and win.dossier.procedure is None
    assert all(f.text() == "" for f in win.dossier.fields.values())


def test_the_home_screen_never_shows_the_countdown(kiosk, qtbot, clock: ManualClock) -> None:  # noqa: ANN001
    win = kiosk
    for _ in range(10):
        clock.advance(600)
        win.tick()
        assert win.page == "home" and not win.still_there.showing and not win.still_there.overlay.isVisible()
    # A chosen language on the home page still goes back quietly (nothing of a citizen's is kept there).
    click(qtbot, win.lang_button)
    clock.advance(31)
    win.tick()
    assert win.lang == "vi" and not win.still_there.overlay.isVisible()
    # The short pages count down after the short idle time: the priority choice after 30 s.
    click(qtbot, win.priority_button)
    clock.advance(30)
    win.tick()
    assert win.page == "priority" and win.still_there.showing
    clock.advance(20)
    win.tick()
    assert win.page == "home" and not win.still_there.showing
