"""The citizen's rating box on a serial port, and the clerk's sign-in lines of the call keypad (issue 13).

No Qt: `motcua counter --headless` runs it beside the call keypad and the LED displays (counter_display.hardware).

Rating box line protocol (ASCII, one line each way, CR LF or LF; 9600 8N1 by default). The common 3-4 button
boxes light their buttons when asked and blink a "thank you" LED::

    bridge → box   ASK 1023         a ticket of this counter was just served: light the buttons
                   IDLE             nothing to rate (rated, or the asking time is over): lights off
    box → bridge   RATE 3           Rất hài lòng (very satisfied)     → OK THANKS   (blink the thank-you LED)
                   RATE 2           Hài lòng (satisfied)              → OK THANKS
                   RATE 1           Không hài lòng (not satisfied)    → OK THANKS
                   PING             → OK PONG
                   anything else    → ERR <reason>: NONE (nothing to rate now), RATED, BAD_COMMAND

A rating is kept in the bridge's SQLite outbox and sent by a background thread (counter_display.rating_core):
the box's answer does not wait for the hub, and a hub outage loses nothing. After an unplug the port is
reopened and the box is told again what it should show (ASK or IDLE).
(The call keypad's SIGNIN / SIGNOUT lines are counter_display.keypad_sign_in.)
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from motcua.ratings import KEYPAD_LEVELS

from . import texts
from .config import CounterConfig, default_cache_dir
from .hardware import CONNECTED_STATES, SerialLink, traffic
from .rating_core import Outcome, RatingOutbox, RatingSender, RatingSession, SessionState

log = logging.getLogger(__name__)

class RatingKeypadBridge:
    """The coordinator of a counter's rating box: hub events → ASK/IDLE, box lines → ratings kept and sent."""

    def __init__(self, config: CounterConfig, client: Any, *, now: Callable[[], float] | None = None,
                 retry_s: float = 1.0, follow_events: bool = True) -> None:
        settings = config.rating_keypad
        assert settings is not None, "no [rating_keypad] in the counter's file"
        self.counter = config.counter.number
        self.client = client
        self.now = now or time.time
        self.retry_s = retry_s
        self.follow_events = follow_events
        self.link = SerialLink(settings.port, baud=settings.baud, name="rating-keypad")
        cache = settings.cache or default_cache_dir("rating") / f"keypad-{self.counter}.db"
        self.outbox = RatingOutbox(cache)
        self.session = RatingSession(counter=self.counter, outbox=self.outbox, now=self.now, channel="keypad",
                                     ask_s=settings.ask_s, thanks_s=2.0)
        self.sender = RatingSender(self.outbox, client, now=self.now, retry_s=retry_s)
        self.session.on_stored = lambda r: self.sender.wake()
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        """The session is touched by the keypad thread, the feed thread and the tick: one at a time."""
        self.threads: list[threading.Thread] = []
        self.feed: Any = None
        self.shown = ""
        """The last state line the box was sent (ASK … or IDLE), sent again after a replug."""
        self.handled = 0
        self.faulty = False

    # ---------------------------------------------------------------- box lines
    def handle_line(self, line: str) -> str:
        """Act on one line from the box; returns the answer (without CR LF)."""
        parts = line.strip().upper().split()
        if parts == ["PING"]:
            return "OK PONG"
        if len(parts) != 2 or parts[0] != "RATE" or not parts[1].isdigit() or int(parts[1]) not in KEYPAD_LEVELS:
            return "ERR BAD_COMMAND"
        with self.lock:
            outcome = self.session.touch(KEYPAD_LEVELS[int(parts[1])])
        if outcome is Outcome.STORED:
            return "OK THANKS"
        return "ERR RATED" if outcome is Outcome.ALREADY_RATED else "ERR NONE"

    def _state_line(self) -> str:
        asked = self.session.asked
        return f"ASK {asked.display}" if self.session.state == SessionState.ASKING and asked else "IDLE"

    def _show(self, *, force: bool = False) -> None:
        """Tell the box what to show when it changed (or again, after a replug)."""
        line = self._state_line()
        if (line != self.shown or force) and self.link.write(line.encode("ascii", "replace") + b"\r\n"):
            self.shown = line
            traffic.info("rating box ← %s", line)

    # ---------------------------------------------------------------- hub events
    def on_event(self, ev: Any) -> None:
        """The hub's live events (feed thread): ask after this counter's completions.

        The next call does not end the question: "call next" completes one citizen and calls the next at once,
        and the one leaving rates while the next walks up (the asking time ends it, or the next completion)."""
        data = ev.data
        if data.get("counter") != self.counter:
            return
        ticket = data.get("ticket") or {}
        with self.lock:
            if ev.type == "ticket.completed" and isinstance(ticket.get("id"), str):
                self.session.served(ticket_id=ticket["id"], display=str(ticket.get("display", "")),
                                    counter=self.counter, clerk=data.get("clerk"), test=bool(ticket.get("test")))
            self._show()

    # ---------------------------------------------------------------- threads
    def _loop(self) -> None:
        buf = b""
        was_connected = False
        while not self.stop_event.is_set():
            if not self.link.open():
                was_connected = False
                self._report(texts.RATE_KEYPAD_UNPLUGGED.format(port=self.link.port))
                self.stop_event.wait(self.retry_s)
                continue
            self._report(None)
            with self.lock:
                self.session.tick()
                self._show(force=not was_connected)  # a box plugged back in is told its state again
            was_connected = self.link.state in CONNECTED_STATES
            chunk = self.link.read_available(256)
            if not chunk:
                if self.link.state not in CONNECTED_STATES:
                    buf = b""
                continue
            buf += chunk
            while (m := re.search(rb"\r\n|\n|\r", buf)) is not None:
                raw, buf = buf[:m.start()], buf[m.end():]
                if not raw.strip():
                    continue
                reply = self.handle_line(raw.decode("ascii", "replace"))
                self.handled += 1
                traffic.info("rating box %r → %s", raw, reply)
                self.link.write(reply.encode("ascii") + b"\r\n")
            if len(buf) > 256:  # line noise
                buf = b""

    def _report(self, problem: texts.Text | None) -> None:
        """Tell the hub that the box is unplugged, or back (once per change)."""
        if (problem is not None) == self.faulty:
            return
        self.faulty = problem is not None
        try:
            self.client.report_device("keypad_offline" if problem else None, message=str(problem or ""),
                                      device=f"counter{self.counter}-rating-keypad",
                                      details={"problem": "unplugged"} if problem else None)
        except Exception as exc:  # noqa: BLE001 - reporting is best effort
            log.warning("could not report the rating box: %s", exc)

    def start(self) -> RatingKeypadBridge:
        """Start the box's thread, the sender and (unless told not to) the hub's live feed."""
        th = threading.Thread(target=self._loop, name="rating-keypad", daemon=True)
        self.threads.append(th)
        th.start()
        self.sender.start()
        if self.follow_events:
            from ui.feed import HubFeed

            self.feed = HubFeed(self.client, on_snapshot=lambda s, b: None, on_event=self.on_event).start()
        return self

    def stop(self) -> None:
        """Stop the threads; close the port and the outbox (what is not sent stays in it)."""
        self.stop_event.set()
        if self.feed is not None:
            self.feed.stop()
        for th in self.threads:
            if th.ident is not None:  # started (a stop may come in the middle of start)
                th.join(3)
        self.sender.stop()
        self.link.close()
        self.outbox.close()

    def diagnostics(self) -> dict[str, str | int]:
        """The box's port, what it shows, and the ratings waiting to be sent (no token, no ticket ids)."""
        return {"counter": self.counter, "port": self.link.port, "state": self.link.state.value, "showing": self.shown,
                "handled": self.handled, "pending": self.outbox.count(), "sent": self.sender.sent,
                "refused": self.sender.refused}
