"""What the kiosk's screen tests share: touching buttons and on-screen keys, a kiosk's settings against a test
hub, windows opened and closed, a hub relaying to a central server, and the pictures put under the camera."""
from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import cv2

from kiosk.app import KioskWindow
from kiosk.appointment import AppointmentBackend
from kiosk.backend import DossierBackend, KioskBackend
from kiosk.config import KioskConfig, hash_pin, parse_kiosk_config
from scanners import synthetic
from sync.localsite import LocalCentral
from ui.qt import Qt
from ui.tts import write_silence

RELAY_FAST = {"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.5}
"""The hub's relay polling often, so a dossier reaches the central server within a test's patience."""


def click(qtbot: Any, button: Any) -> None:
    """Touch a button, as a citizen can: only one that is on screen and enabled (a page just switched to may
    take an event-loop turn to show)."""
    try:
        qtbot.waitUntil(lambda: button.isVisible() and button.isEnabled(), timeout=3000)
    except TimeoutError:
        raise AssertionError(f"not on screen or greyed: {button.objectName() or button.text()}") from None
    touch(qtbot, button)


def touch(qtbot: Any, button: Any) -> None:
    """Press whatever is there, hidden or greyed (a double touch, a touch on a button that just went grey)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_keys(qtbot: Any, field: Any, text: str) -> None:
    """Type on a field's on-screen keyboard, key by key (Telex for the Vietnamese one)."""
    for ch in text:
        click(qtbot, field.keys[ch.lower()])


class SilentSynth:
    """A speech synthesizer that writes a short silence: the voice's bookkeeping without espeak-ng."""

    def synthesize(self, text: str, *, voice: str, out: Path) -> None:
        write_silence(out, 0.1)


def kiosk_settings(hub: Any, printer_address: str, tmp_path: Path, *, a4: str | None = None,
                   a4_follow_s: float = 1, **kiosk: Any) -> KioskConfig:
    """A portrait kiosk against the test hub and the TCP printer; `kiosk` adds or overrides [kiosk] keys."""
    doc: dict[str, Any] = {
        "hub": {"url": hub.url, "token": hub.tokens["kiosk"], "timeout_s": 3},
        "printer": {"address": printer_address},
        "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
        "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin("1234", iterations=1000),
                  "cache_db": str(tmp_path / "kiosk-cache.db"), "issue_retry_s": 0, **kiosk},
    }
    if a4 is not None:
        doc["a4_printer"] = {"address": a4, "follow_s": a4_follow_s}
    return parse_kiosk_config(doc)


class Windows:
    """Opens kiosk windows on the screen and closes every one of them (and its backend) at the end."""

    def __init__(self, qtbot: Any, clock: Callable[[], float] | None = None) -> None:
        self.qtbot, self.clock = qtbot, clock
        self.made: list[tuple[KioskWindow, KioskBackend, Any]] = []

    def open(self, cfg: KioskConfig, *, camera: Any = None, voice: Any = None,
             appointments: bool = False) -> tuple[KioskWindow, KioskBackend]:
        """The window shown and its site read from the hub (`appointments`: with the booking check-in page,
        reading the same camera)."""
        backend = KioskBackend(cfg)
        extra: dict[str, Any] = {"voice": voice} if voice is not None else {}
        if appointments:
            extra["appointments"] = AppointmentBackend(backend, camera=camera)
        if self.clock is not None:
            extra["clock"] = self.clock
        win = KioskWindow(cfg, backend, dossiers=DossierBackend(backend, camera=camera), **extra)
        self.qtbot.addWidget(win)
        win.show()
        self.qtbot.waitUntil(lambda: win.site is not None, timeout=10000)
        self.made.append((win, backend, voice))
        return win, backend

    def close(self) -> None:
        for win, backend, voice in self.made:
            win.allow_close = True
            win.close()
            if voice is not None:
                voice.close()
            backend.close()


@contextmanager
def hub_with_central(make_hub: Any, tmp_path: Path) -> Any:
    """(hub, central): the example site's hub relaying to a fresh central server."""
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    try:
        yield make_hub(example=True, central_url=central.url, relay_settings=RELAY_FAST), central
    finally:
        central.stop()


def camera_folder(folder: Path, *, pages: int) -> synthetic.Citizen:
    """The citizen's card first, then the document pages, in the order they are shown to the camera."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(3)
    citizen = synthetic.random_citizen(rng)
    frame = synthetic.photograph(synthetic.draw_card(citizen, rng=rng), rng=rng, fault=synthetic.Degradation.ROTATION)
    cv2.imwrite(str(folder / "000-card.png"), frame)
    for i, photo in enumerate(synthetic.document_photo_set(pages, seed=5), start=1):
        cv2.imwrite(str(folder / f"{i:03d}-page.jpg"), photo.image)
    return citizen
