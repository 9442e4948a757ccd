""""Bạn còn ở đó không? / Are you still there?": the countdown before a kiosk page is reset for being left
alone (issue 17).

After a page's idle time, an overlay covers the window with a large countdown and a large "Tiếp tục /
Continue" button. A touch anywhere keeps everything as it was (the window's event filter sees it); at zero
the window's idle reset runs (`go_home(clear=True)`, which forgets the citizen, the form and the pages). The
home page never shows it: it holds nobody's data. Driven by the window's `tick()` and its injected clock.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

from kiosk import texts as T
from kiosk.booking import BOOKING_PAGES
from kiosk.config import KioskSection
from kiosk.dossier import DOSSIER_PAGES
from kiosk.notify import NOTIFY_PAGES
from ui.qt import QPushButton, Qt, QVBoxLayout, QWidget
from ui.widgets import TouchKit


class IdleWindow(Protocol):
    """What the countdown uses of the kiosk window."""

    kit: TouchKit
    lang: str
    page: str
    last_touch: float
    clock: Callable[[], float]

    def go_home(self, *, clear: bool) -> None:
        """The idle reset."""

    def width(self) -> int:
        """The window's width in pixels."""

    def height(self) -> int:
        """The window's height in pixels."""


def idle_limit(page: str, settings: KioskSection) -> float | None:
    """How long a page may be left alone before the countdown; None for the pages that never show it (the
    home page, and the ticket, fault and error pages, which go home on their own timers)."""
    if page in DOSSIER_PAGES:
        return settings.dossier_idle_timeout_s  # a citizen typing a form or photographing pages gets longer
    if page in ("priority", "pin", "tech", *BOOKING_PAGES, *NOTIFY_PAGES):
        return settings.idle_timeout_s
    return None


class StillThere:
    """The countdown overlay, and when a page's idle time has run out."""

    def __init__(self, window: IdleWindow, parent: QWidget, *, seconds: float,
                 limit: Callable[[str], float | None], on_show: Callable[[], None] | None = None) -> None:
        self.window = window
        self.seconds = seconds
        """How long the countdown runs before the reset."""
        self.limit = limit
        """A page's idle time before the countdown (None: the page has none, as the home page)."""
        self.on_show = on_show
        self.shown_at: float | None = None
        kit, t = window.kit, window.kit.theme
        self.overlay = QWidget(parent)
        self.overlay.setObjectName("still_there")
        self.overlay.setStyleSheet(f"QWidget#still_there {{ background: {t.bg}; border: 6px solid {t.accent};"
                                   " border-radius: 24px; }")
        self.overlay.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        lay = QVBoxLayout(self.overlay)
        lay.setContentsMargins(kit.mm(8), kit.mm(8), kit.mm(8), kit.mm(8))
        lay.setSpacing(kit.mm(4))
        self.title = kit.label("", size=10, bold=True, color=t.accent)
        self.body = kit.label("", size=7.5)
        self.count = kit.label("", size=40, bold=True, color=t.warn)
        self.count.setObjectName("still_there_count")
        self.button: QPushButton = kit.button("", size=10, color=t.ok, min_h_mm=40)
        self.button.setObjectName("still_there_continue")
        self.button.clicked.connect(self.keep)
        lay.addStretch(1)
        for w in (self.title, self.body, self.count):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.button)
        self.overlay.hide()

    @property
    def showing(self) -> bool:
        """Whether the countdown is on screen."""
        return self.shown_at is not None

    def left(self, now: float) -> int:
        """Whole seconds left on the countdown (what the big number shows)."""
        if self.shown_at is None:
            return 0
        return max(0, math.ceil(self.seconds - (now - self.shown_at)))

    def tick(self, now: float) -> None:
        """Show the countdown once the page's idle time is over, update it, keep on a touch, reset at zero."""
        w = self.window
        limit = self.limit(w.page)
        if limit is None:
            self.hide()  # the home page (or a timed page) never shows it
            return
        if self.shown_at is None:
            if now - w.last_touch >= limit:
                self.show(now)
            return
        if w.last_touch >= self.shown_at:  # shown only after the idle time: any touch since is newer
            self.keep()  # a touch anywhere: the citizen is still there
            return
        if self.left(now) <= 0:
            self.hide()
            w.go_home(clear=True)  # the idle reset: the citizen's data leaves the screen and memory
            return
        self._texts(now)

    def show(self, now: float) -> None:
        """Cover the window with the countdown."""
        self.shown_at = now
        w = self.window
        margin = int(w.width() * 0.06)
        self.overlay.setGeometry(margin, int(w.height() * 0.2), w.width() - 2 * margin, int(w.height() * 0.6))
        self._texts(now)
        self.overlay.raise_()
        self.overlay.show()
        if self.on_show is not None:
            self.on_show()

    def keep(self) -> None:
        """"Tiếp tục": everything stays as it was, and the idle time starts again."""
        self.window.last_touch = self.window.clock()
        self.hide()

    def hide(self) -> None:
        """Take the countdown off the screen."""
        self.shown_at = None
        self.overlay.hide()

    def _texts(self, now: float) -> None:
        lang = self.window.lang
        # Said in both languages whatever was chosen: the citizen may not be the one who chose.
        self.title.setText(T.STILL_THERE.both())
        self.body.setText(T.STILL_THERE_BODY(lang))
        self.count.setText(T.STILL_THERE_SECONDS(lang, n=self.left(now)))
        self.button.setText(T.STILL_THERE_CONTINUE(lang))
