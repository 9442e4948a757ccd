"""The live feed from the hub: a background thread that fetches the snapshot (GET /site, /board) and
then follows the event stream, reconnecting with Last-Event-ID so nothing is missed or doubled.

Qt-free. Callbacks run on the feed thread: a Qt app hands them to `ui.bridge.FeedBridge`, whose signals
reach the GUI thread (ARCHITECTURE rule 8); never touch widgets from them.
"""
from __future__ import annotations

import enum
import logging
import random
import threading
from collections.abc import Callable
from typing import Any

from motcua.contract import BoardState, SiteDocument
from sync.client import HubAuthError, HubClient, HubError, HubEvent, HubUnavailable

log = logging.getLogger(__name__)


class FeedState(enum.Enum):
    """Where the feed is."""

    STARTING = "starting"
    ONLINE = "online"
    OFFLINE = "offline"
    REFUSED = "refused"
    """The hub answers but refuses the device's token (401/403): a technician must fix the token."""
    STOPPED = "stopped"


ONLINE_STATES = frozenset({FeedState.ONLINE})


class HubFeed:
    """Snapshot, then events, forever; `on_state(True/False)` tells the UI to hide/show its offline mark,
    `on_refused(HubAuthError)` that the hub refuses the token (then it asks again every `refused_retry_s`)."""

    def __init__(self, client: HubClient, *, on_snapshot: Callable[[SiteDocument, BoardState], None],
                 on_event: Callable[[HubEvent], None], on_state: Callable[[bool], None] | None = None,
                 on_refused: Callable[[HubAuthError], None] | None = None, max_backoff: float = 10.0,
                 read_timeout: float = 45.0, refused_retry_s: float = 30.0) -> None:
        self.client = client
        self.on_snapshot = on_snapshot
        self.on_event = on_event
        self.on_state = on_state
        self.on_refused = on_refused
        self.refused_retry_s = refused_retry_s
        self.max_backoff = max_backoff
        self.read_timeout = read_timeout
        self.state = FeedState.STARTING
        self.stop_event = threading.Event()
        self.last_seq: int | None = None
        self.events_seen = 0
        self.snapshots = 0
        self.last_error = ""
        self._sub: Any = None
        self._thread: threading.Thread | None = None

    def _set(self, online: bool) -> None:
        new = FeedState.ONLINE if online else FeedState.OFFLINE
        if new != self.state:
            self.state = new
            if self.on_state:
                self.on_state(online)

    def _refused(self, exc: HubAuthError) -> None:
        # Logged once at ERROR (the technician's cue), not at every retry.
        if self.state is not FeedState.REFUSED:
            log.error("the hub refused this device's token (%s %s: %s): fix [hub] token in the device file",
                      exc.status, exc.code, exc.message)
            self.state = FeedState.REFUSED
            if self.on_refused:
                self.on_refused(exc)
        self.last_error = str(exc)
        self.stop_event.wait(self.refused_retry_s)

    def start(self) -> HubFeed:
        """Run in a daemon thread."""
        self._thread = threading.Thread(target=self.run, name="hub-feed", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and wait for the thread."""
        self.stop_event.set()
        if self._sub is not None:
            self._sub.close()
        if self._thread is not None:
            self._thread.join(timeout)
        self.state = FeedState.STOPPED

    def _snapshot(self) -> None:
        attempt = 0
        while not self.stop_event.is_set():
            try:
                site, board = self.client.site(), self.client.board()
                self.on_snapshot(site, board)
                self.last_seq = board.last_seq
                self.snapshots += 1
                return
            except HubAuthError as exc:
                self._refused(exc)
            except (HubUnavailable, HubError) as exc:
                self.last_error = str(exc)
                log.info("hub snapshot failed: %s", exc)
                self._set(False)
                self.stop_event.wait(random.uniform(0, min(self.max_backoff, 0.25 * 2 ** attempt)))
                attempt = min(attempt + 1, 8)

    def run(self) -> None:
        """The thread body."""
        while not self.stop_event.is_set():
            if self.last_seq is None:
                self._snapshot()
                if self.stop_event.is_set():
                    return
            self._sub = self.client.events(last_event_id=self.last_seq, stop=self.stop_event, on_state=self._set,
                                           max_backoff=self.max_backoff, read_timeout=self.read_timeout)
            try:
                for ev in self._sub:
                    self.last_seq = ev.seq
                    self.events_seen += 1
                    try:
                        self.on_event(ev)
                    except Exception:  # noqa: BLE001 - one bad event must not end the board's feed
                        log.exception("board could not apply event %s %s", ev.seq, ev.type)
            except HubAuthError as exc:
                self._refused(exc)
                self.last_seq = None  # the snapshot after a refusal asks the token again
            except HubError as exc:
                # e.g. the hub's database replaced (Last-Event-ID beyond its log): start over from a
                # fresh snapshot.
                self.last_error = str(exc)
                log.warning("event stream refused: %s; taking a fresh snapshot", exc)
                self.last_seq = None
                self.stop_event.wait(1.0)

    def diagnostics(self) -> dict[str, object]:
        """Feed state for the technician tool (the token is not included)."""
        return {"hub": self.client.base, "state": self.state.value, "last_seq": self.last_seq,
                "events_seen": self.events_seen, "snapshots": self.snapshots,
                "reconnects": getattr(self._sub, "reconnects", 0), "last_error": self.last_error}
