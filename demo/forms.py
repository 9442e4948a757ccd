"""The declaration forms' part of the headless demo (an artefact hook, demo.artefacts): a citizen fills and
submits the judicial record request through its form at the kiosk, the A4 page goes to the virtual A4
printer, and a kiosk's help request is raised and taken by a clerk.

Writes DIR/screens/kiosk-form-*.png (each step), DIR/printed/a4/*.pdf (the declaration as printed) and
DIR/help.json (the request as the counter and the board saw it, and its acknowledgement).
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from demo.model import DemoRun

log = logging.getLogger(__name__)


def form_artefacts(out: Path, run: DemoRun) -> None:
    """Called after the simulated morning, the hub still running."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.form_screens import capture_form_screens
    from scanners import synthetic
    from sync.client import HubClient

    camera = out / "camera" / "form"
    synthetic.write_photo_folder(camera, count=1, seed=41)
    synthetic.write_document_folder(camera, 2, seed=42)
    shots = capture_form_screens(out / "screens", hub_url=run.hub_url, token=run.tokens["kiosk"],
                                 clock=run.clock.time, camera_dir=camera, a4_dir=out / "printed" / "a4")
    log.info("declaration form: %d screens, %d A4 page(s)", len(shots.steps),
             len(list((out / "printed" / "a4").glob("*.pdf"))))
    kiosk, board, counter = (HubClient(run.hub_url, run.tokens[r]) for r in ("kiosk", "board", "counter"))
    try:
        asked = kiosk.request_help()
        seen = [h.model_dump() for h in board.help_requests()]
        taken = counter.acknowledge_help(asked.id, counter=1)
        left = [h.model_dump() for h in board.help_requests()]
    finally:
        for c in (kiosk, board, counter):
            c.close()
    (out / "help.json").write_text(json.dumps({"requested": asked.model_dump(), "open_seen_by_board": seen,
                                               "acknowledged": taken.model_dump(), "open_after": left},
                                              ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
