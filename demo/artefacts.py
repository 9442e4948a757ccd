"""What each role leaves in the headless demo's folder after the simulated morning.

`ARTEFACT_HOOKS` lists them: each is called with (out_dir, DemoRun) while the hub still runs, so that
screenshots go through the devices' real code against the real hub. A role that joins the demo adds its
writer here. One hook that fails is counted in `failed` and does not stop the others.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from demo.board import board_artefacts
from demo.forms import form_artefacts
from demo.model import DemoRun
from demo.ratings import rating_artefacts

log = logging.getLogger(__name__)

ArtefactHook = Callable[[Path, DemoRun], None]


def kiosk_screens(out: Path, run: DemoRun) -> None:
    """DIR/screens/kiosk-*.png: the kiosk's screens and each self-submission step, driven through its real
    code offscreen (they issue real tickets and submit a real dossier at the hub)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.screens import capture_dossier_screens, capture_screens
    from scanners import synthetic

    capture_screens(out / "screens", hub_url=run.hub_url, token=run.tokens["kiosk"], clock=run.clock.time,
                    service=run.config.services[0].code)
    camera = out / "camera" / "screens"
    synthetic.write_photo_folder(camera, count=1, seed=31)
    synthetic.write_document_folder(camera, 4, seed=32)
    capture_dossier_screens(out / "screens", hub_url=run.hub_url, token=run.tokens["kiosk"], clock=run.clock.time,
                            camera_dir=camera)


def kiosk_booking_screen(out: Path, run: DemoRun) -> None:
    """DIR/screens/kiosk-booking.png: the kiosk's appointment check-in page (demo.bookings)."""
    from demo.bookings import booking_screen

    booking_screen(out, run)


def reports(out: Path, run: DemoRun) -> None:
    """DIR/reports/ and DIR/screens/console-*.png after a seeded history (demo.reports)."""
    from demo.reports import write_reports

    write_reports(out, run)


ARTEFACT_HOOKS: tuple[ArtefactHook, ...] = (kiosk_screens, kiosk_booking_screen, board_artefacts, reports,
                                             rating_artefacts, form_artefacts)
"""In order: the kiosk's screens take real tickets at the hub first, and the board's subscription sees them too."""


def write_artefacts(out: Path, run: DemoRun, hooks: tuple[ArtefactHook, ...] = ARTEFACT_HOOKS) -> None:
    """Call each hook; a failure is logged, counted in run.failed and named in run.errors."""
    for hook in hooks:
        name = getattr(hook, "__name__", repr(hook))
        try:
            hook(out, run)
        except Exception as exc:  # one broken artefact must not hide the others
            log.exception("demo artefact %s failed", name)
            run.fail(f"artefact {name}: {exc}")
