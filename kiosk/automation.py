"""The kiosk's endurance-test hooks (see motcua.automation): a screen dump on SIGUSR1, and an autopilot
that touches the screen's buttons on a timer.

Both are off unless MOTCUA_DUMP_DIR / MOTCUA_AUTOPILOT are set. The autopilot sends real mouse presses to
the buttons (QTest), so a touch goes through the window's event filter (idle timer) and the button's
`clicked` exactly as a citizen's finger would; it never calls the window's methods directly.
"""
from __future__ import annotations

import random
from typing import TYPE_CHECKING

from motcua.automation import DumpHook, Pause, autopilot_from_env, dump_hook_from_env, process_stats
from ui.automation import click, poll_dumps
from ui.qt import QObject, QPushButton, QTimer

if TYPE_CHECKING:
    from kiosk.app import KioskWindow


def kiosk_state(win: KioskWindow) -> dict[str, object]:
    """What the kiosk shows now, as JSON for the test harness: page, badges, the service buttons' texts, the
    last ticket."""
    site = win.site.doc if win.site else None
    ticket = win.result.ticket if win.result is not None and win.result.ticket else None
    return {
        "page": win.page,
        "busy": win.busy,
        "center": win.center_label.text(),
        "offline_badge": not win.offline_badge.isHidden(),
        "printer_badge": not win.printer_badge.isHidden(),
        "site_online": bool(win.site and win.site.online),
        "issuing_open": site.issuing_open if site else None,
        "services": {code: b.text() for code, b in win.service_buttons.items()},
        "waiting": {s.code: s.waiting for s in site.services} if site else {},
        "tickets_taken": win.tickets_taken,
        "last_ticket": {"id": ticket.id, "display": ticket.display} if ticket else None,
        "shown_number": win.ticket.t_number.text() if win.page == "ticket" else None,
        "process": process_stats(),
    }


class KioskAutopilot(QObject):
    """Touches the kiosk like a stream of citizens: a service (now and then a priority first), and the
    way back from an error or printer-fault page."""

    def __init__(self, win: KioskWindow, *, interval_s: float, seed: int = 0) -> None:
        super().__init__(win)
        self.win = win
        self.rng = random.Random(seed)
        self.touches: dict[str, int] = {}
        self.pause = Pause()
        self.pause.install_signal()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.step)
        self.timer.start(max(20, int(interval_s * 1000)))

    def touch(self, button: QPushButton, what: str) -> None:
        """A finger on a button: press and release at its centre."""
        click(button)
        self.touches[what] = self.touches.get(what, 0) + 1

    def step(self) -> None:
        """One touch, chosen from what the screen shows now."""
        w = self.win
        if self.pause.paused or w.busy or not w.isVisible():
            return
        if w.page == "home":
            buttons = [b for b in w.service_buttons.values() if b.isEnabled()]
            if not buttons:
                return
            open_ = [b for b in buttons if not b.property("unavailable")]
            if not open_:
                # Closed hours: a citizen still touches now and then and reads the "closed" page.
                if self.rng.random() < 0.1:
                    self.touch(self.rng.choice(buttons), "closed_service")
                return
            if w.priority is None and w.category_buttons and self.rng.random() < 0.15:
                self.touch(w.priority_button, "priority")
                return
            self.touch(self.rng.choice(open_), "service")
        elif w.page == "priority" and w.category_buttons:
            self.touch(self.rng.choice(list(w.category_buttons.values())), "category")
        elif w.page == "error":
            self.touch(w.e_back, "error_back")
        elif w.page == "fault":
            self.touch(w.ticket.f_done, "fault_done")
        # "ticket" and "hub_down" move on by themselves; a dossier or PIN page times out to home.


def install(win: KioskWindow) -> tuple[DumpHook | None, KioskAutopilot | None]:
    """Start the hooks the environment asks for (none by default)."""
    hook = dump_hook_from_env("kiosk")
    pilot_cfg = autopilot_from_env()
    pilot = KioskAutopilot(win, interval_s=pilot_cfg[0], seed=pilot_cfg[1]) if pilot_cfg else None
    if hook is not None:
        def state() -> dict[str, object]:
            out = kiosk_state(win)
            out["autopilot"] = {"touches": dict(pilot.touches), "paused": pilot.pause.paused} if pilot else None
            return out

        poll_dumps(win, hook, state, win)
    return hook, pilot
