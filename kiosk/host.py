"""What the kiosk's screens (ticket, dossier, look-up, technician) may use of the window: this protocol, and
nothing else — no private helpers of the window, and no import of kiosk.app (which imports them); with two
helpers over it that the dossier screens share."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from kiosk import texts as T

if TYPE_CHECKING:
    from kiosk.backend import KioskBackend
    from ui.qt import QPushButton, QVBoxLayout
    from ui.widgets import TouchKit


class KioskHost(Protocol):
    """The kiosk window as its screens see it."""

    kit: TouchKit
    """Sizes in millimetres, fonts, the label and button factories, and the theme (`kit.theme`)."""
    backend: KioskBackend
    """The hub, the printer and the cache. Read it at each use: the screenshots swap it."""
    lang: str
    """The language the citizen chose ("vi" or "en"); texts come from kiosk.texts."""
    busy: bool
    """True while an operation the citizen started runs: a second touch does nothing."""
    page: str
    """The page on screen."""
    clock: Callable[[], float]

    def add_page(self, name: str) -> QVBoxLayout:
        """A new page of the window's stack, by name; returns its layout to fill."""

    def add_home_button(self, button: QPushButton) -> None:
        """Put a button in the home page's row for the further services (under the queue's services)."""

    def show_page(self, name: str) -> None:
        """Switch to a page."""

    def go_home(self, *, clear: bool) -> None:
        """Back to the home page; with clear, forget everything about the last citizen."""

    def run(self, op: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None] | None = None) -> None:
        """The worker: op() off the GUI thread, then on_done(result) or on_error(exc) on it."""

    def take_number(self, service: str) -> None:
        """Issue a number of a service, as a touch on its home-page button does."""

    def exit_to_desktop(self) -> None:
        """Close the kiosk (the technician, after the PIN)."""


def run_then_idle(host: KioskHost, op: Callable[[], Any], answer: Callable[[bool, Any], None]) -> None:
    """op() on the window's worker; then, on the GUI thread, the kiosk is no longer busy and
    answer(ok, result or exception) runs (the dossier screens' operations: a touch waits for them)."""
    def done(value: Any) -> None:
        host.busy = False
        answer(True, value)

    def failed(exc: Exception) -> None:
        host.busy = False
        answer(False, exc)

    host.run(op, done, failed)


def back_button(host: KioskHost, target: str = "home") -> QPushButton:
    """"Huỷ" / "Cancel": back to a page, or home forgetting the citizen."""
    b = host.kit.button(T.CANCEL(host.lang), size=7.5, min_h_mm=16)
    b.clicked.connect(lambda: host.go_home(clear=True) if target == "home" else host.show_page(target))
    return b
