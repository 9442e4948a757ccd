"""Screenshots of the kiosk's public-computer mode and of "are you still there?" (issue 17), at 1080×1920, with
the measures kiosk.form_screens checks the submission's steps by: the procedure looked up and its guidance
sheet printed, a print the A4 printer could not make, and the countdown over a half-filled form.

    .venv/bin/python docs/forms/make_screens.py     # the README's pictures (these with the form's steps)
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from kiosk.form_screens import FormShots, StepLayout, measure, settle_until


def capture_public_screens(out: Path, *, hub_url: str, token: str, clock: Callable[[], float], a4_dir: Path,
                           unreachable_a4: str) -> FormShots:
    """The look-up's procedure page with its guidance sheet printed (to a file printer), the same page when
    the A4 printer cannot be reached (`unreachable_a4`, e.g. a cups:// address where nothing listens), and the
    countdown over the declaration form; PNGs in out/."""
    from kiosk import texts as T
    from kiosk.app import KioskWindow
    from kiosk.backend import DossierBackend, KioskBackend
    from kiosk.screens import _config, _dispose
    from printer_drivers.a4_printer import A4PrinterConfig
    from ui.qt import QApplication

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    cache = out / ".kiosk-cache.db"
    written: list[tuple[Path, StepLayout]] = []
    service_px = 0
    for name, a4 in (("14-guidance", f"file://{a4_dir}"), ("15-print-failed", unreachable_a4)):
        cfg = _config(hub_url, token, printer="dummy:", cache=cache, orientation="portrait", w=1080, h=1920)
        cfg = cfg.model_copy(update={"a4_printer": A4PrinterConfig(address=a4, follow_s=2)})
        backend = KioskBackend(cfg)
        win = KioskWindow(cfg, backend, clock=clock, start_worker=False, dossiers=DossierBackend(backend, camera=None))
        try:
            win.site = backend.load_site()
            win._retranslate()  # noqa: SLF001 - driven synchronously for the pictures
            win.show()
            win._update_services()  # noqa: SLF001 - the home screen's service buttons, to measure their text
            service_px = min(b.font().pixelSize() for b in win.service_buttons.values())
            d = win.dossier
            assert d is not None
            d.backend.load_catalog()
            d.open_catalog(submit=False)  # "Tra cứu thủ tục": browsing, nothing is submitted
            for ch in "ly lich tu phap":
                d.c_search.press(ch)
            d.pick_result(0)
            preview, message = d.form.p_preview, d.guide.message
            settle_until(app, lambda: not preview.pixmap().isNull())  # noqa: B023 - used before the loop moves on
            d.guide.print_sheet()
            printing = T.FORM_PRINTING(win.lang)
            settle_until(app, lambda: message.text() != printing, timeout_s=20)  # noqa: B023 - as above
            written.append(_shot(app, win, out, name))
            if name == "14-guidance":
                _still_there(app, win, out, written)
        finally:
            _dispose(win, backend)
    cache.unlink(missing_ok=True)
    written.sort(key=lambda shot: int(shot[1].name.split("-")[0]))
    return FormShots(written, service_px)


def _still_there(app: object, win: object, out: Path, written: list[tuple[Path, StepLayout]]) -> None:
    """The declaration form, typed in by hand, left alone: the countdown over it."""
    from kiosk.app import KioskWindow

    assert isinstance(win, KioskWindow) and win.dossier is not None
    d = win.dossier
    d.start_submission()
    d._ask("name")  # noqa: SLF001 - the citizen types their details (no camera here)
    for ch in "nguyeenx thij hoongf nhung":
        d.fields["vi"].press(ch)
    d.submit_answer(skip=False)
    for ch in "027190001234":
        d.fields["digits"].press(ch)
    d.submit_answer(skip=False)  # the number given: the form comes next
    assert win.page == "form"
    win.last_touch = win.clock() - 200  # left alone…
    win.still_there.show(win.clock() - 7)  # …and seven seconds into the countdown
    win.still_there.tick(win.clock())
    written.append(_shot(app, win, out, "16-still-there"))
    win.still_there.keep()


def _shot(app: object, win: object, out: Path, name: str) -> tuple[Path, StepLayout]:
    from kiosk.app import KioskWindow

    assert isinstance(win, KioskWindow)
    for _ in range(5):
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)
    path = win.screenshot(out / f"kiosk-form-{name}.png")
    return path, measure(win, name, path)
