"""Kiosk screenshots, rendered offscreen through the real code paths: home, a ticket shown, a printer
fault (a paper-out printer), the hub unreachable, the token refused (out of service, and the technician
page behind the PIN), in portrait and landscape.

The pictures are made against a running hub given by URL and token: the demo's (demo.artefacts) and the
README's (docs/kiosk/make_screens.py, which starts a hub for the example site).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig, hash_pin, parse_kiosk_config

SIZES = (("portrait", 1080, 1920), ("landscape", 1920, 1080))


def _config(hub_url: str, token: str, *, printer: str, cache: Path, orientation: str, w: int, h: int) -> KioskConfig:
    return parse_kiosk_config({
        "hub": {"url": hub_url, "token": token, "timeout_s": 2},
        "printer": {"address": printer},
        "screen": {"orientation": orientation, "width_px": w, "height_px": h, "fullscreen": False},
        "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin("0000", iterations=1000),
                  "cache_db": str(cache), "issue_retry_s": 0},
    })


def _dispose(win: Any, backend: Any) -> None:
    """Close a window made for pictures, with its worker and its backend."""
    win.allow_close = True
    win.close()
    win.worker.shutdown()
    backend.close()


def capture_screens(out: Path, *, hub_url: str, token: str, clock: Callable[[], float], service: str,
                    priority: str | None = None, printer: str = "dummy:",
                    on_printed: Callable[..., None] | None = None) -> list[Path]:
    """Render the kiosk screens at both orientations into out/; returns the files written.

    Issues real tickets at the hub (one per orientation, plus one on a paper-out printer).
    """
    from kiosk.app import KioskWindow
    from kiosk.backend import KioskBackend
    from ui.qt import QApplication

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    cache = out / ".kiosk-cache.db"

    def settle() -> None:
        for _ in range(5):
            app.processEvents()
            time.sleep(0.01)

    for orientation, w, h in SIZES:
        cfg = _config(hub_url, token, printer=printer, cache=cache, orientation=orientation, w=w, h=h)
        backend = KioskBackend(cfg, on_printed=on_printed)
        win = KioskWindow(cfg, backend, clock=clock, start_worker=False)
        try:
            win.show_site(backend.load_site())  # synchronously, for the pictures
            win.show()
            settle()
            written.append(win.screenshot(out / f"kiosk-{orientation}-home.png"))
            win.show_result(backend.take_number(service, priority=priority))
            settle()
            written.append(win.screenshot(out / f"kiosk-{orientation}-ticket.png"))
            fault_cfg = _config(hub_url, token, printer="dummy:?state=paper_out", cache=cache,
                                orientation=orientation, w=w, h=h)
            faulty = KioskBackend(fault_cfg)
            faulty.site = backend.site
            result = faulty.take_number(service)
            win.show_result(result)
            settle()
            written.append(win.screenshot(out / f"kiosk-{orientation}-printer-fault.png"))
            faulty.client.report_device(None, device=cfg.kiosk.name)  # the technician changed the roll
            faulty.close()
            down_cfg = _config("http://127.0.0.1:9", token, printer="dummy:", cache=cache, orientation=orientation,
                               w=w, h=h)
            down = KioskBackend(down_cfg)
            down.site = backend.site
            quiet = logging.getLogger("kiosk.backend")
            level = quiet.level
            quiet.setLevel(logging.ERROR)  # the hub is unreachable on purpose here
            win.backend = down  # the window's own retries must see the same unreachable hub
            try:
                # Its own setting (issue_retry_s 0), as the window passes it: the default retries an unreachable hub
                # for 6 s of real time, a wait for nothing in every orientation.
                win.show_result(down.take_number(service, retry_for_s=down_cfg.kiosk.issue_retry_s))
                settle()
            finally:
                quiet.setLevel(level)
                win.backend = backend
            settle()
            written.append(win.screenshot(out / f"kiosk-{orientation}-hub-down.png"))
            down.close()
            written += _refused_screens(win, out, orientation, _config(
                hub_url, "kiosk_not-a-token-of-this-hub", printer="dummy:", cache=cache, orientation=orientation,
                w=w, h=h), settle)
        finally:
            _dispose(win, backend)
    cache.unlink(missing_ok=True)
    return written


def _refused_screens(win: Any, out: Path, orientation: str, cfg: KioskConfig, settle: Callable[[], None]) -> list[Path]:
    """A kiosk whose token the hub refuses: the citizen's "out of service" and the technician's page."""
    from kiosk.backend import KioskBackend
    from sync.client import HubAuthError

    refused = KioskBackend(cfg)
    quiet = logging.getLogger("kiosk.backend")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # refused on purpose here
    backend, win.backend = win.backend, refused
    try:
        try:
            refused.load_site()
        except HubAuthError:
            pass
        win.go_home(clear=True)
        settle()
        written = [win.screenshot(out / f"kiosk-{orientation}-out-of-service.png")]
        win.technician.on_status(refused.technician_status())  # synchronously, for the pictures
        win.show_page("tech")
        settle()
        written.append(win.screenshot(out / f"kiosk-{orientation}-technician.png"))
    finally:
        quiet.setLevel(level)
        win.backend = backend
        refused.close()
        win.go_home(clear=True)
    return written


def capture_dossier_screens(out: Path, *, hub_url: str, token: str, clock: Callable[[], float],
                            camera_dir: Path, printer: str = "dummy:", procedure_query: str = "ban sao trich luc",
                            lookup_key: str | None = None) -> list[Path]:
    """Render each step of a kiosk self-submission (portrait), driven through the real screens, plus the
    slip's preview; the camera is a folder's pictures (a card photo, then the document pages), each put in front of
    the live camera in turn."""
    from kiosk.app import KioskWindow
    from kiosk.backend import DossierBackend, KioskBackend
    from scanners.camera import IMAGE_SUFFIXES, FileCamera
    from ui.qt import QApplication

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    cache = out / ".kiosk-cache.db"
    cfg = _config(hub_url, token, printer=printer, cache=cache, orientation="portrait", w=1080, h=1920)
    backend = KioskBackend(cfg)
    pictures = sorted(p for p in camera_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    camera = FileCamera()
    dossiers = DossierBackend(backend, camera=camera)
    win = KioskWindow(cfg, backend, clock=clock, start_worker=False, dossiers=dossiers)
    written: list[Path] = []

    def until(done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 10
        while not done() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)

    def shot(name: str) -> None:
        for _ in range(5):
            app.processEvents()
            time.sleep(0.01)
        written.append(win.screenshot(out / f"kiosk-dossier-{name}.png"))

    try:
        win.show_site(backend.load_site())  # synchronously, for the pictures
        win.show()
        d = win.dossier
        assert d is not None
        dossiers.load_catalog()
        d.open_catalog(submit=True)
        for ch in procedure_query:
            d.c_search.press(ch)
        shot("1-catalog")
        d.pick_result(0)
        shot("2-procedure")
        camera.show(pictures[0])  # the card, held up to the live camera
        d.start_submission()
        until(lambda: d.card_live is not None and d.card_live.frames > 0)
        shot("3-identify")
        d.read_card_now()
        until(lambda: win.page != "identify")
        for ch in "0912345678":
            d.fields["digits"].press(ch)
        shot("4-phone")
        d.submit_answer(skip=False)
        d.submit_answer(skip=True)  # no email
        live = d.photos.live
        assert live is not None
        for i, picture in enumerate(pictures[1:]):
            if win.page != "documents":
                break
            camera.show(picture)
            seen = live.frames
            until(lambda seen=seen: live.frames > seen + 1)  # type: ignore[misc]
            d.photos.capture()
            until(lambda i=i: d.draft is None or len(d.draft.pages) > i)  # type: ignore[misc]
            if i == 0:
                until(lambda: not win.busy)
                shot("5-document")
            d.photos.next_document()
        shot("6-delivery")
        d.choose_delivery("center")
        shot("7-review")
        draft = d.draft
        assert draft is not None
        result = dossiers.submit(draft)
        d.on_submitted(result)
        shot("8-submitted")
        if result.slip_png:
            (out / "slip-kiosk.png").write_bytes(result.slip_png)
            written.append(out / "slip-kiosk.png")
        if result.dossier is not None:
            win.go_home(clear=True)
            lk = win.lookup
            assert lk is not None
            lk.open_lookup()
            lk.stop_slip_reading()  # the code is typed
            code = result.dossier.code
            lk.ask_lookup_code(code)  # a typed code: the slip's look-up code is asked for
            for ch in result.dossier.lookup_code.lower():
                lk.k_field.press(ch)
            shot("9-lookup-code")
            lk.on_lookup(True, dossiers.lookup(lookup_key or code, result.dossier.lookup_code))
            shot("9-lookup")
    finally:
        _dispose(win, backend)
    cache.unlink(missing_ok=True)
    return written
