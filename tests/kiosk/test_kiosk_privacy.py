"""Issue 11 at the kiosk: it forgets the applicant, the slip and any typed text at the idle reset and at
"Xong" (checked by inspecting every widget and walking the window's, its dossier screens' and backends'
objects), shows the slip's look-up code, and its look-up works with the reduced (status) view. Issue 17: the
live camera's frames, the card's picture, the pages taken and their thumbnails go at the idle reset too, and
none of them reaches the log."""
from __future__ import annotations

import dataclasses
import sys
import types
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from kiosk_support import SilentSynth, Windows, camera_folder, click, kiosk_settings, type_keys
from support import READY, as_json

from kiosk.app import KioskWindow
from kiosk.keyboard import TextField
from kiosk.voice import VoicePrompts
from motcua.clock import ManualClock
from motcua.contract import DossierRequest
from ui.audio import NullPlayer
from ui.qt import QImage, QLabel, QPixmap, QPushButton, QWidget
from ui.tts import PhraseCache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "printer_drivers"))
from escpos_parse import parse  # noqa: E402

PNG = b"\x89PNG"


@pytest.fixture
def kiosk(qtbot, make_hub, tcp_printer, tmp_path, clock):  # noqa: ANN001, ANN201
    hub = make_hub(example=True)
    printer, address = tcp_printer([READY])
    windows = Windows(qtbot, clock.time)
    # The voice prompts too (issue 17): the walk below checks they hold nothing of the citizen's.
    voice = VoicePrompts(enabled=True, player=NullPlayer(), submit=lambda job: job(),
                         cache=PhraseCache(tmp_path / "voice", SilentSynth()))
    win, _backend = windows.open(kiosk_settings(hub, address, tmp_path), voice=voice)
    yield win, hub, printer
    windows.close()


def fill_in(qtbot: Any, win: KioskWindow, *, until: str = "review") -> dict[str, str]:
    """Pick Cấp bản sao trích lục hộ tịch (no declaration form: each answer has its own question page), type the
    applicant on the on-screen keyboards, skip the pages (no camera),
    ask for the result by post; returns what was typed, as the kiosk holds it."""
    d = win.dossier
    assert d is not None
    click(qtbot, d.submit_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    type_keys(qtbot, d.c_search, "ban sao trich luc")
    click(qtbot, d.c_result_buttons[0])
    click(qtbot, d.p_submit)
    click(qtbot, d.i_type)
    for field, text in (("vi", "nguyeenx thij hoongf nhung"), ("digits", "027190001234"), ("digits", "0912345678"),
                        ("plain", "nhung.hong@mail.vn")):
        type_keys(qtbot, d.fields[field], text)
        click(qtbot, d.a_next)
    while win.page == "documents":
        click(qtbot, d.photos.d_skip)
    click(qtbot, d.v_post)
    type_keys(qtbot, d.fields["vi"], "so 7 phoos huees")
    if until == "ask":
        return typed(d)
    click(qtbot, d.a_next)
    assert win.page == "review"
    return typed(d)


def typed(d: Any) -> dict[str, str]:
    draft = d.draft
    return {"name": draft.name, "id_number": draft.id_number, "phone": draft.phone, "email": draft.email,
            "delivery_address": draft.delivery_address or d.fields["vi"].text(), "procedure": "trích lục"}


def leftovers(win: KioskWindow, needles: list[str]) -> list[str]:
    """Where any needle (or a PNG: a slip or a photograph) is still held: widget texts and pictures, the
    keyboards' buffers, and the objects reachable from the window, its dossier screens and the backends."""
    found: list[str] = []
    folded = [n.lower() for n in needles if n]

    def check(where: str, text: str) -> None:
        low = text.lower()
        found.extend(f"{where}: {text[:80]!r}" for n in folded if n in low)

    for w in win.findChildren(QWidget):
        name = w.objectName() or type(w).__name__
        if isinstance(w, QLabel):
            check(f"label {name}", w.text())
            if not w.pixmap().isNull():
                found.append(f"label {name} holds a picture")
        elif isinstance(w, QPushButton):
            check(f"button {name}", w.text())
        if isinstance(w, TextField):
            check(f"keyboard {name}", w.raw)
    seen: set[int] = set()

    def walk(obj: Any, path: str, depth: int) -> None:
        if id(obj) in seen or depth > 9:
            return
        seen.add(id(obj))
        if isinstance(obj, str):
            check(path, obj)
        elif isinstance(obj, bytes | bytearray | memoryview):
            data = bytes(obj)
            if data.startswith(PNG):
                found.append(f"{path}: a PNG of {len(data)} bytes")
            for n in folded:
                if n.encode() in data.lower():
                    found.append(f"{path}: bytes with {n!r}")
        elif isinstance(obj, np.ndarray):
            if obj.size:
                found.append(f"{path}: a picture (array {obj.shape})")  # a camera frame, or a judged copy of one
        elif isinstance(obj, QPixmap | QImage):
            if not obj.isNull():
                found.append(f"{path}: a picture ({type(obj).__name__})")
        elif isinstance(obj, int | float | complex | bool | type(None) | types.ModuleType | type | types.FunctionType |
                        types.BuiltinFunctionType | types.MethodType):
            return
        elif isinstance(obj, dict):
            for k, v in list(obj.items()):
                walk(k, f"{path}[key]", depth + 1)
                walk(v, f"{path}[{k!r}]", depth + 1)
        elif isinstance(obj, list | tuple | set | frozenset | deque):
            for i, v in enumerate(list(obj)):
                walk(v, f"{path}[{i}]", depth + 1)
        else:
            if dataclasses.is_dataclass(obj):
                for f in dataclasses.fields(obj):
                    walk(getattr(obj, f.name, None), f"{path}.{f.name}", depth + 1)
            for k, v in list(getattr(obj, "__dict__", {}).items()):
                walk(v, f"{path}.{k}", depth + 1)

    walk(win, "window", 0)
    return found


def test_xong_forgets_the_applicant_the_slip_and_the_typed_text(kiosk, qtbot) -> None:  # noqa: ANN001
    win, hub, printer = kiosk
    d = win.dossier
    entered = fill_in(qtbot, win)
    assert entered["name"] == "nguyễn thị hồng nhung" and entered["delivery_address"] == "so 7 phố huế"
    assert [p.key for p in win.voice.said][-1] == "review"  # prompts were said: the walk below sees them
    click(qtbot, d.r_send)
    qtbot.waitUntil(lambda: win.page == "submitted", timeout=15000)
    dossier = as_json(d.last_result.dossier)
    # The citizen reads the code and the look-up code on screen and on the slip.
    assert d.s_code.text() == dossier["code"] and d.s_lookup.text() == f"Mã tra cứu: {dossier['lookup_code']}"
    assert d.last_result.printed and d.last_result.slip_png.startswith(PNG)
    qtbot.waitUntil(lambda: len(printer.job) > 0, timeout=5000)
    # The slip's look-up QR (this procedure has a fee: its VietQR is printed too).
    assert any(q.endswith(f"/d/{dossier['id']}") for q in parse(bytes(printer.job)).qr_payloads)
    needles = [*entered.values(), dossier["code"], dossier["lookup_code"], dossier["id"]]
    needles.remove("trích lục")  # the procedure is no secret, but it is asserted to go as well below
    before = leftovers(win, needles)
    assert any(x.startswith("window.dossier.last_result.slip_png") for x in before)  # the walk reaches the slip
    assert any("applicant" in x for x in before), "the check must see the dossier before the reset"
    click(qtbot, d.s_done)
    assert win.page == "home"
    assert leftovers(win, needles) == []
    assert d.draft is None and d.last_result is None and d.procedure is None


def test_idle_reset_forgets_a_half_entered_dossier(kiosk, qtbot, clock: ManualClock) -> None:  # noqa: ANN001
    win, *_ = kiosk
    entered = fill_in(qtbot, win, until="ask")  # typing the delivery address, then walking away
    needles = [v for k, v in entered.items() if k != "procedure"]
    assert leftovers(win, needles)
    clock.advance(win.config.kiosk.dossier_idle_timeout_s + 1)
    win.tick()  # "are you still there?" (kiosk.idle), untouched: the reset
    clock.advance(win.config.kiosk.still_there_s)
    win.tick()
    assert win.page == "home"
    assert leftovers(win, needles) == []


def test_lookup_with_the_status_view_then_idle_reset(kiosk, qtbot, clock: ManualClock) -> None:  # noqa: ANN001
    win, hub, _ = kiosk
    sent = as_json(hub.client("counter").submit_dossier(DossierRequest.model_validate({
        "procedure": "DD.03", "applicant": {"name": "Trần Văn Đại", "id_number": "001203004567", "phone": "0987654321"}})))
    click(qtbot, win.lookup.lookup_button)
    type_keys(qtbot, win.lookup.l_field, sent["code"])
    click(qtbot, win.lookup.l_go)
    type_keys(qtbot, win.lookup.k_field, sent["lookup_code"])
    click(qtbot, win.lookup.k_go)
    qtbot.waitUntil(lambda: win.page == "lookup_result", timeout=10000)
    assert win.lookup.lr_code.text() == sent["code"] and win.lookup.lr_status.text() == "Đã nộp tại trung tâm"
    needles = ["Trần Văn Đại", "001203004567", "0987654321"]
    assert leftovers(win, needles) == []  # the kiosk never received them
    assert leftovers(win, [sent["code"], sent["lookup_code"]])
    clock.advance(win.config.kiosk.dossier_idle_timeout_s + 1)
    win.tick()  # "are you still there?" (kiosk.idle), untouched: the reset
    clock.advance(win.config.kiosk.still_there_s)
    win.tick()
    assert win.page == "home"
    assert leftovers(win, [sent["code"], sent["lookup_code"]]) == []


def test_idle_reset_forgets_the_camera_frames_the_pages_and_their_thumbnails(make_hub, tcp_printer, qtbot,  # noqa: ANN001
                                                                             tmp_path, clock, caplog) -> None:
    import logging

    from scanners.camera import FileCamera

    caplog.set_level(logging.DEBUG)
    hub = make_hub(example=True)
    _, address = tcp_printer([READY])
    citizen = camera_folder(tmp_path / "camera", pages=2)
    camera = FileCamera(tmp_path / "camera" / "000-card.png")
    windows = Windows(qtbot, clock.time)
    win, _backend = windows.open(kiosk_settings(hub, address, tmp_path), camera=camera)
    try:
        d = win.dossier
        click(qtbot, d.submit_button)
        qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
        type_keys(qtbot, d.c_search, "ban sao trich luc")
        click(qtbot, d.c_result_buttons[0])
        click(qtbot, d.p_submit)
        qtbot.waitUntil(lambda: d.card_live.frames > 0, timeout=10000)
        assert leftovers(win, []), "the check must see the card's frame"
        click(qtbot, d.i_capture)
        qtbot.waitUntil(lambda: win.page == "ask", timeout=15000)
        type_keys(qtbot, d.fields["digits"], "0912345678")
        click(qtbot, d.a_next)
        click(qtbot, d.a_skip)
        for n, name in ((1, "001-page.jpg"), (2, "002-page.jpg")):
            camera.show(tmp_path / "camera" / name)
            seen = d.photos.live.frames
            qtbot.waitUntil(lambda seen=seen: d.photos.live.frames >= seen + 2, timeout=10000)
            click(qtbot, d.photos.d_capture)
            qtbot.waitUntil(lambda n=n: len(d.draft.pages) == n and not win.busy, timeout=10000)
        click(qtbot, d.photos.thumbs[0])  # the first page, large, on screen
        assert win.page == "page_view"
        needles = [citizen.name, citizen.id, "0912345678"]
        before = leftovers(win, needles)
        assert any("thumb" in x or "Thumb" in x for x in before) or len(d.photos.thumbs) == 2
        assert any(".pages[" in x for x in before) and any("page_view_picture" in x for x in before)
        camera.show(None)  # the citizen took the page and walked away (the kiosk's own references stay walked)
        clock.advance(win.config.kiosk.dossier_idle_timeout_s + 1)
        win.tick()  # "are you still there?" (kiosk.idle), untouched: the reset
        clock.advance(win.config.kiosk.still_there_s)
        win.tick()
        assert win.page == "home"
        assert leftovers(win, needles) == []
        assert d.photos.thumbs == [] and d.photos.feed.frame() is None and d.card_feed.frame() is None
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert citizen.name not in logged and citizen.id not in logged and "0912345678" not in logged
    finally:
        windows.close()
