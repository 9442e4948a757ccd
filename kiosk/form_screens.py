"""Screenshots of a self-submission with a declaration form (issue 17), each step at 1080×1920, and the
measures they are checked by: how much of the screen a step leaves empty, the smallest touch target (mm),
and the smallest text a citizen reads beside the home screen's service names.

    .venv/bin/python docs/forms/make_screens.py     # the README's pictures (a hub for the example site)

Driven through the real screens against a running hub given by URL and token, like kiosk.screens (the demo's,
demo.forms, and the README's); the camera is a folder's pictures (a card, then the pages), each put in front of
the live camera in turn (scanners.camera.FileCamera).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BACKGROUND = (11, 42, 74)
"""The kiosk's background colour (#0b2a4a): a band of the screen holding only this is empty."""
BAND_PX = 24


@dataclass(frozen=True, slots=True)
class StepLayout:
    """What a screenshot of one step is checked by."""

    name: str
    filled: float
    """The share of the screen's height (in bands of BAND_PX) that shows something other than background."""
    smallest_target_mm: float
    """The smallest visible button (its shorter side), in millimetres on this screen."""
    smallest_text_px: int
    """The smallest font of a visible label or button a citizen reads (keyboard keys aside)."""
    step: str = ""
    """The step indicator the page shows ("Bước 3/6: Liên hệ"), empty when it shows none."""


def measure(win: Any, name: str, png: Path) -> StepLayout:
    """The layout measures of the window's current page and its screenshot."""
    from PIL import Image

    from ui.qt import QLabel, QPushButton

    img = Image.open(png).convert("RGB")
    w, h = img.size
    bands = 0
    filled = 0
    for top in range(0, h, BAND_PX):
        bands += 1
        band = img.crop((0, top, w, min(h, top + BAND_PX)))
        colours = band.getcolors(maxcolors=4096) or [(1, (0, 0, 0))]
        if any(c != BACKGROUND and n > w // 50 for n, c in colours):
            filled += 1
    page = win.pages[win.page]
    visible = [b for b in page.findChildren(QPushButton) if b.isVisibleTo(win)]
    visible.append(win.help.button)
    smallest = min(min(b.width(), b.height()) for b in visible) / win.px_per_mm
    texts = [x for x in page.findChildren(QLabel) + page.findChildren(QPushButton)
             if x.isVisibleTo(win) and x.text().strip() and not x.objectName().startswith("key_")]
    small_text = min((x.font().pixelSize() for x in texts), default=0)
    step = next((x.text() for x in page.findChildren(QLabel, "step") if x.isVisibleTo(win) and x.text()), "")
    return StepLayout(name, filled / bands, round(smallest, 1), small_text, step)


def settle_until(app: Any, done: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Let worker results arrive until `done` (or the time limit: the picture then shows what there is)."""
    deadline = time.monotonic() + timeout_s
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


@dataclass
class FormShots:
    """The steps' pictures and measures, and the home screen's service-name size they are held to."""

    steps: list[tuple[Path, StepLayout]]
    service_text_px: int


def capture_form_screens(out: Path, *, hub_url: str, token: str, clock: Callable[[], float], camera_dir: Path,
                         a4_dir: Path) -> FormShots:
    """Each step of a declaration for the judicial record certificate (TPHT.07), as PNGs in out/."""
    from kiosk import texts as T
    from kiosk.app import KioskWindow
    from kiosk.backend import DossierBackend, KioskBackend
    from kiosk.declaration_print import declaration_preview
    from kiosk.screens import _config, _dispose
    from printer_drivers.a4_printer import A4PrinterConfig
    from scanners.camera import IMAGE_SUFFIXES, FileCamera
    from ui.qt import QApplication

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    cache = out / ".kiosk-cache.db"
    cfg = _config(hub_url, token, printer="dummy:", cache=cache, orientation="portrait", w=1080, h=1920)
    cfg = cfg.model_copy(update={"a4_printer": A4PrinterConfig(address=f"file://{a4_dir}")})
    backend = KioskBackend(cfg)
    pictures = sorted(p for p in camera_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    camera = FileCamera()
    dossiers = DossierBackend(backend, camera=camera)
    win = KioskWindow(cfg, backend, clock=clock, start_worker=False, dossiers=dossiers)
    written: list[tuple[Path, StepLayout]] = []
    service_px = 0

    def shot(name: str) -> None:
        for _ in range(5):
            app.processEvents()
            time.sleep(0.01)
        path = win.screenshot(out / f"kiosk-form-{name}.png")
        written.append((path, measure(win, name, path)))

    try:
        win.site = backend.load_site()
        win._retranslate()  # noqa: SLF001 - driven synchronously for the pictures
        win.show()
        d = win.dossier
        assert d is not None
        win._update_services()  # noqa: SLF001 - the home screen's service buttons, to measure their text
        service_px = min(b.font().pixelSize() for b in win.service_buttons.values())
        dossiers.load_catalog()
        d.open_catalog(submit=True)
        for ch in "ly lich tu phap":
            d.c_search.press(ch)
        d.pick_result(0)
        settle_until(app, lambda: not d.form.p_preview.pixmap().isNull())  # the blank form, drawn off the GUI thread
        shot("1-procedure")
        camera.show(pictures[0])  # the card, held up to the camera
        d.start_submission()
        assert d.card_live is not None
        settle_until(app, lambda: d.card_live.frames > 0)  # type: ignore[union-attr]
        shot("2-identify")
        d.read_card_now()  # the button (the live view would after a second held still, on the kiosk's clock)
        settle_until(app, lambda: win.page != "identify")
        f = d.form
        shot("3-form-prefilled")
        f.finish()
        shot("4-form-missing")
        f.edit("birthplace")
        for ch in "xax ddaij ddoongf, tinhr bawcs ninh":
            f.e_fields["vi"].press(ch)
        shot("5-field-text")
        f.save()
        f.edit("id_issued")
        shot("6-field-date")
        f.save()
        f.edit("certificate")
        shot("7-field-choice")
        f._pick_choice(0)  # noqa: SLF001
        for key, typed in (("phone", "0912345678"), ("purpose", "boor sung hoof sow xin vieecj lamf"),
                           ("signed_at", "bawcs ninh")):
            f.edit(key)
            field = f.e_fields["digits" if key == "phone" else "vi"]
            for ch in typed:
                field.press(ch)
            f.save()
        f.page_index = 0
        f._render_form()  # noqa: SLF001
        shot("8-form-complete")
        f.finish()
        d.submit_answer(skip=False)  # the phone, from the form
        d.submit_answer(skip=True)  # no email
        photos, live = d.photos, d.photos.live
        assert live is not None and d.draft is not None
        for n, picture in enumerate(pictures[1:3], start=1):  # two pages of the card's copy
            camera.show(picture)
            seen = live.frames
            settle_until(app, lambda seen=seen: live.frames > seen + 1)  # type: ignore[misc]
            if n == 1:
                shot("9-document")
            photos.capture()
            settle_until(app, lambda n=n: len(d.draft.pages) == n if d.draft else True)  # type: ignore[misc]
        settle_until(app, lambda: live.frames > 0 and not win.busy)
        shot("10-pages")
        photos.open_page(1)
        shot("11-page")
        photos.delete()  # the second page was the same side again
        while win.page == "documents":
            photos.next_document()
        d.choose_delivery("center")
        draft = d.draft
        assert draft is not None
        f.fill_review(draft, declaration_preview(draft, f.today()))
        shot("12-review")
        result = dossiers.submit(draft)
        d.on_submitted(result)
        settle_until(app, lambda: d.form.a4_label.text() != T.FORM_PRINTING(win.lang))  # the A4 page, printed
        shot("13-submitted")
    finally:
        _dispose(win, backend)
    cache.unlink(missing_ok=True)
    return FormShots(written, service_px)
