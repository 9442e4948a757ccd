"""Endurance-test hooks of the board, the counter panel and the keypad bridge (see motcua.automation).

Off unless MOTCUA_DUMP_DIR / MOTCUA_AUTOPILOT are set. A dump (SIGUSR1) writes what the device shows: the
board's numbers, the panel's labels, the LEDs' numbers. The panel's autopilot clicks its own buttons with
real mouse events (QTest), the same path as the clerk's mouse; the board and the bridge need none (their
input is the hub's events and the keypad's serial lines).
"""
from __future__ import annotations

import random
import signal
from typing import TYPE_CHECKING, Any

from motcua.automation import DumpHook, Pause, autopilot_from_env, dump_hook_from_env, process_stats
from ui.automation import click, poll_dumps

if TYPE_CHECKING:
    from .board import BoardController, BoardView
    from .counter import CounterPanel
    from .hardware import CounterBridge


# ------------------------------------------------------------------------------------------ board
def board_state(view: BoardView, ctl: BoardController) -> dict[str, object]:
    """What the board shows: online mark, latest call, each counter's number, waiting per service."""
    st = view.state
    latest = st.latest
    return {
        "online": view.online,
        "site_name": st.site_name,
        "day": st.day,
        "last_seq": st.last_seq,
        "latest": None if latest is None else {"display": latest.display, "counter": latest.counter,
                                               "service": latest.service, "recall": latest.recall},
        "counters": {str(n): {"current": st.counters[n].current, "state": st.counters[n].state}
                     for n in st.visible_counters()},
        "waiting": {code: st.waiting.get(code, 0) for code in st.visible_services()},
        "recent": [c.display for c in st.recent[:8]],
        "tracked_tickets": len(st._status),  # noqa: SLF001 - a size, to watch for growth
        "diagnostics": ctl.diagnostics(),
        "process": process_stats(),
    }


def install_board(view: BoardView, ctl: BoardController) -> DumpHook | None:
    """The board's dump hook, when MOTCUA_DUMP_DIR is set."""
    hook = dump_hook_from_env("board")
    if hook is not None:
        poll_dumps(view, hook, lambda: board_state(view, ctl), view)
    return hook


# ------------------------------------------------------------------------------------------ panel
def panel_state(panel: CounterPanel) -> dict[str, object]:
    """What the clerk sees: the page, the number, the counts, the offline badge, the message line."""
    page = {0: "pin", 1: "counter"}.get(panel.stack.currentIndex(), "receive")
    view = panel.view
    cur = view.current if view else None
    return {
        "page": page,
        "clerk": panel.clerk,
        "number": panel.number_label.text(),
        "service": panel.service_label.text(),
        "waiting": panel.waiting_label.text(),
        "served": panel.served_label.text(),
        "offline": not panel.offline.isHidden(),
        "status": panel.status.text(),
        "sync": panel.sync_label.text(),
        "faults": [panel.faults_list.item(i).text() for i in range(panel.faults_list.count())],
        "view": {"current": cur.display if cur else None, "state": view.state if view else None,
                 "waiting": view.waiting if view else None},
        "busy": panel.busy,
        "online": panel.online,
        "process": process_stats(),
    }


class PanelAutopilot:
    """Clicks the panel's buttons like a busy clerk: mostly "call next", sometimes recall, no-show,
    complete, pause and resume; signs in with the first clerk's PIN when the PIN page shows."""

    WEIGHTS = {"next": 60, "complete": 12, "recall": 10, "skip": 10, "pause": 4}

    def __init__(self, panel: CounterPanel, *, interval_s: float, seed: int = 0) -> None:
        from ui.qt import QTimer

        self.panel = panel
        self.rng = random.Random(seed)
        self.clicks: dict[str, int] = {}
        self.pause = Pause()
        self.pause.install_signal()
        self.timer = QTimer(panel)
        self.timer.timeout.connect(self.step)
        self.timer.start(max(20, int(interval_s * 1000)))

    def _click(self, button: Any, what: str) -> None:
        click(button)
        self.clicks[what] = self.clicks.get(what, 0) + 1

    def step(self) -> None:
        """One click, if the panel is idle."""
        from ui.qt import QTest

        p = self.panel
        if self.pause.paused or not p.isVisible() or p.busy:
            return
        if p.clerk is None:
            if p.config.clerks:
                p.pin.clear()
                QTest.keyClicks(p.pin, p.config.clerks[0].pin)
                self._click(p.sign_in_button, "sign_in")
            return
        if p.stack.currentIndex() != 1:
            return
        if p.view is not None and p.view.state == "paused":
            self._click(p.buttons["pause"], "resume")
            return
        enabled = [n for n in self.WEIGHTS if p.buttons[n].isEnabled()]
        if not enabled:
            return
        name = self.rng.choices(enabled, weights=[self.WEIGHTS[n] for n in enabled])[0]
        self._click(p.buttons[name], name)


def install_panel(panel: CounterPanel) -> tuple[DumpHook | None, PanelAutopilot | None]:
    """The panel's dump hook and autopilot, as the environment asks (none by default)."""
    hook = dump_hook_from_env("panel")
    cfg = autopilot_from_env()
    pilot = PanelAutopilot(panel, interval_s=cfg[0], seed=cfg[1]) if cfg else None
    if hook is not None:
        def state() -> dict[str, object]:
            out = panel_state(panel)
            out["autopilot"] = {"clicks": dict(pilot.clicks), "paused": pilot.pause.paused} if pilot else None
            return out

        poll_dumps(panel, hook, state, panel)
    return hook, pilot


# ------------------------------------------------------------------------------------------ keypad bridge
def bridge_state(bridge: CounterBridge) -> dict[str, object]:
    """What the counter hardware shows: each LED's number, the keypad's link, the lines handled."""
    diag = bridge.diagnostics()
    return {
        "leds": {str(d["counter"]): d["showing"] for d in diag["leds"]},
        "handled": diag["handled"],
        "last_reply": diag["last_reply"],
        "faulty": sorted(bridge.faulty),
        "diagnostics": diag,
        "process": process_stats(),
    }


def install_bridge(bridge: CounterBridge) -> DumpHook | None:
    """The bridge's dump hook (no Qt: the SIGUSR1 handler writes it, on the otherwise idle main thread)."""
    hook = dump_hook_from_env("bridge")
    if hook is not None:
        signal.signal(signal.SIGUSR1, lambda _s, _f: hook.write(bridge_state(bridge)))
        hook.write(bridge_state(bridge))
    return hook
