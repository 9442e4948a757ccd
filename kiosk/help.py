"""The kiosk's "Gọi cán bộ hỗ trợ / Call staff" button, on every screen: it asks the hub for a clerk (the
request names this kiosk, nobody's data), then follows the request until a clerk takes it.

States: idle → asking (the call is on its way) → called (the hub has it; the kiosk asks every few seconds
whether it is still open) → taken (a clerk acknowledged it; shown for a while) → idle. A second touch while
called changes nothing: the hub keeps one open request per kiosk.
"""
from __future__ import annotations

import enum
import logging
import uuid
from typing import Any

from kiosk import texts as T
from kiosk.host import KioskHost
from ui.qt import QTimer

log = logging.getLogger(__name__)

POLL_MS = 2000
TAKEN_SHOWN_S = 20.0


class HelpState(enum.Enum):
    """Where this kiosk's call for help is."""

    IDLE = "idle"
    ASKING = "asking"
    CALLED = "called"
    TAKEN = "taken"
    FAILED = "failed"


COLORS = {HelpState.IDLE: "#8c2a22", HelpState.ASKING: "#8c2a22", HelpState.CALLED: "#b36b00",
          HelpState.TAKEN: "#1f6f5c", HelpState.FAILED: "#8c2a22"}
WORDS = {HelpState.IDLE: T.HELP_BUTTON, HelpState.ASKING: T.HELP_CALLED, HelpState.CALLED: T.HELP_CALLED,
         HelpState.TAKEN: T.HELP_TAKEN, HelpState.FAILED: T.HELP_FAILED}


class HelpButton:
    """The button in the window's header and its request's life (the hub calls run on the window's worker)."""

    def __init__(self, host: KioskHost) -> None:
        self.host = host
        self.state = HelpState.IDLE
        self.request_id = ""
        self.taken_at = 0.0
        self.button = host.kit.button("", size=7.5, color=COLORS[HelpState.IDLE], min_h_mm=16)
        self.button.setObjectName("help_button")
        self.button.clicked.connect(self.press)
        self.timer = QTimer(self.button)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.retranslate()

    def retranslate(self) -> None:
        """The button's words for its state, in the window's language."""
        self.button.setText(WORDS[self.state](self.host.lang))
        self.button.setStyleSheet(self.host.kit.button_style(COLORS[self.state]))

    def _set(self, state: HelpState) -> None:
        self.state = state
        self.retranslate()

    def press(self) -> None:
        """Ask for a clerk (once; touches while a request is open change nothing)."""
        client = self.host.backend.client
        if self.state in (HelpState.ASKING, HelpState.CALLED) or client is None:
            return
        self.request_id = str(uuid.uuid4())
        self._set(HelpState.ASKING)
        request_id = self.request_id
        self.host.run(lambda: client.request_help(request_id), self._asked, self._not_asked)

    def _asked(self, value: Any) -> None:
        self.request_id = value.id  # the hub's open request of this kiosk, if there was one already
        self._set(HelpState.CALLED)
        self.timer.start()

    def _not_asked(self, exc: Exception) -> None:
        log.warning("the help request did not reach the hub: %s", type(exc).__name__)
        self._set(HelpState.FAILED)

    def _poll(self) -> None:
        client = self.host.backend.client
        if self.state is HelpState.CALLED and client is not None:
            self.host.run(client.help_requests, self._open_now, lambda _exc: None)  # offline: ask again later
        elif self.state is HelpState.TAKEN and self.host.clock() - self.taken_at >= TAKEN_SHOWN_S:
            self.timer.stop()
            self._set(HelpState.IDLE)

    def _open_now(self, value: Any) -> None:
        if self.state is HelpState.CALLED and all(h.id != self.request_id for h in value):
            self.taken_at = self.host.clock()
            self._set(HelpState.TAKEN)
