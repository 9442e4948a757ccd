"""What the rating screen and the rating keypad share (no Qt): the session of one counter, the device's own
SQLite outbox of ratings, and the thread that sends them to the hub.

A touch is stored in the device's SQLite file first (WAL, synchronous=FULL), then sent: a hub outage between
"Hoàn thành" and the touch, or during the send, loses nothing, and a rating is sent with the id made at the
touch, so a re-send after a lost answer is one rating at the hub (it answers a repeat with the first answer).
The session refuses a second touch for the same ticket and a touch after the asking time, before anything
reaches the hub; the hub refuses them again (409) whatever a device does.
"""
from __future__ import annotations

import enum
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from motcua.ratings import check_rating
from sync.files import private_dir, private_sqlite

log = logging.getLogger(__name__)


class SessionState(enum.Enum):
    """What the rating device is doing."""

    IDLE = "idle"
    """Nobody to rate: the counter's name and the clerk serving."""
    ASKING = "asking"
    """A ticket of this counter was just served: the three levels."""
    REASONS = "reasons"
    """'Không hài lòng' was touched: the reasons as chips, then send."""
    THANKS = "thanks"


TAKING_STATES = frozenset({SessionState.ASKING, SessionState.REASONS})


class Outcome(enum.Enum):
    """What became of a touch."""

    STORED = "stored"
    NOTHING_TO_RATE = "nothing_to_rate"
    """No ticket is waiting for a rating: nothing was served, the asking time passed, or it was rated already."""
    ALREADY_RATED = "already_rated"


@dataclass(slots=True)
class Asked:
    """The served ticket the device asks about."""

    ticket_id: str
    display: str
    clerk: str | None
    since: float


@dataclass(frozen=True, slots=True)
class PendingRating:
    """A rating kept on the device until the hub has it."""

    id: str
    ticket: str
    level: str
    reasons: tuple[str, ...]
    channel: str
    rated_at: float


class RatingOutbox:
    """The device's ratings not yet stored by the hub, and the tickets it has rated (SQLite, owner-only)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        private_dir(self.path.parent)
        private_sqlite(self.path)
        self._conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=10)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, ticket TEXT NOT NULL UNIQUE, "
                           "level TEXT NOT NULL, reasons TEXT NOT NULL, channel TEXT NOT NULL, rated_at REAL NOT NULL)")
        self._conn.execute("CREATE TABLE IF NOT EXISTS rated (ticket TEXT PRIMARY KEY, id TEXT NOT NULL, "
                           "outcome TEXT NOT NULL, at REAL NOT NULL)")
        self._lock = threading.Lock()

    def put(self, r: PendingRating) -> bool:
        """Keep a rating (durably) until it is sent; False when this ticket was rated on this device already."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                if self._conn.execute("SELECT 1 FROM rated WHERE ticket = ? UNION ALL SELECT 1 FROM pending "
                                      "WHERE ticket = ?", (r.ticket, r.ticket)).fetchone():
                    self._conn.execute("ROLLBACK")
                    return False
                self._conn.execute("INSERT INTO pending (id, ticket, level, reasons, channel, rated_at) VALUES "
                                   "(?, ?, ?, ?, ?, ?)", (r.id, r.ticket, r.level, orjson.dumps(list(r.reasons)).decode(),
                                                         r.channel, r.rated_at))
                self._conn.execute("COMMIT")
            except sqlite3.Error:
                self._conn.execute("ROLLBACK")
                raise
        return True

    def pending(self, limit: int = 50) -> list[PendingRating]:
        """Ratings still to send, oldest touch first."""
        with self._lock:
            rows = self._conn.execute("SELECT id, ticket, level, reasons, channel, rated_at FROM pending "
                                      "ORDER BY rated_at LIMIT ?", (limit,)).fetchall()
        return [PendingRating(r[0], r[1], r[2], tuple(orjson.loads(r[3])), r[4], float(r[5])) for r in rows]

    def settle(self, r: PendingRating, outcome: str, at: float) -> None:
        """The hub answered for a rating (stored, or refused for good): drop it from the outbox, remember the ticket."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute("DELETE FROM pending WHERE id = ?", (r.id,))
            self._conn.execute("INSERT OR IGNORE INTO rated (ticket, id, outcome, at) VALUES (?, ?, ?, ?)",
                               (r.ticket, r.id, outcome, at))
            # A day's worth is plenty to refuse a second touch; older rows only grow the file.
            self._conn.execute("DELETE FROM rated WHERE at < ?", (at - 7 * 86400,))
            self._conn.execute("COMMIT")

    def count(self) -> int:
        """Ratings waiting to be sent."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM pending").fetchone()[0])

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()


class RatingSender:
    """Sends the outbox to the hub on its own thread; after an outage it tries again every `retry_s`.

    `on_change(pending_count, online)` runs on the sender thread: a Qt app turns it into a signal.
    """

    def __init__(self, outbox: RatingOutbox, client: Any, *, now: Callable[[], float], retry_s: float = 2.0,
                 on_change: Callable[[int, bool], None] | None = None) -> None:
        self.outbox = outbox
        self.client = client
        self.now = now
        self.retry_s = retry_s
        self.on_change = on_change
        self.online = True
        self.sent = 0
        self.refused = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> RatingSender:
        """Start the thread (it sends what an earlier run left at once)."""
        self._thread = threading.Thread(target=self._run, name="rating-sender", daemon=True)
        self._thread.start()
        return self

    def wake(self) -> None:
        """Send now (a new rating was stored)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop the thread (what is not sent stays in the outbox for the next run)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread.ident is not None:  # a stop may come in the middle of start
            self._thread.join(5)

    def drain(self) -> bool:
        """Send what is pending; True when the outbox is empty afterwards (False: the hub is unreachable)."""
        from sync.client import HubAuthError, HubError, HubUnavailable

        for r in self.outbox.pending():
            try:
                # The touch's age, not its time: both ends of it are on this device's clock, so the hub can date
                # it on its own clock however far off ours is.
                self.client.rate(rating_id=r.id, ticket=r.ticket, level=r.level, reasons=list(r.reasons),
                                 channel=r.channel, age_s=self.now() - r.rated_at)
            except HubUnavailable:
                self._state(False)
                return False
            except HubAuthError as exc:
                # The token is wrong or of another counter: keep the rating until a technician fixes it.
                log.error("the hub refused the rating device's token (%s %s): ratings are kept", exc.status, exc.code)
                self._state(False)
                return False
            except HubError as exc:
                if exc.status == 503:
                    self._state(False)
                    return False
                # Refused for good (already rated, too late, not served): it will never be taken.
                log.warning("rating %s of ticket %s refused by the hub: %s", r.id, r.ticket, exc.code)
                self.outbox.settle(r, exc.code, self.now())
                self.refused += 1
                continue
            self.outbox.settle(r, "stored", self.now())
            self.sent += 1
        self._state(True)
        return True

    def _state(self, online: bool) -> None:
        self.online = online
        if self.on_change is not None:
            self.on_change(self.outbox.count(), online)

    def _run(self) -> None:
        while not self._stop.is_set():
            ok = self.drain()
            self._wake.wait(None if ok and not self.outbox.count() else self.retry_s)
            self._wake.clear()


@dataclass(slots=True)
class RatingSession:
    """One counter's rating device: which served ticket it asks about, and until when (injected clock)."""

    counter: int
    outbox: RatingOutbox
    now: Callable[[], float]
    channel: str = "screen"
    ask_s: float = 60.0
    thanks_s: float = 5.0
    state: SessionState = SessionState.IDLE
    asked: Asked | None = None
    until: float = 0.0
    last_outcome: Outcome | None = None
    on_stored: Callable[[PendingRating], None] | None = None
    recent: list[str] = field(default_factory=list)
    """Tickets this session asked about, newest last (a ticket completed twice is asked about once)."""

    def served(self, *, ticket_id: str, display: str, counter: int, clerk: str | None, test: bool = False) -> bool:
        """A ticket was completed (the hub's `ticket.completed`): ask about it if it is this counter's."""
        if counter != self.counter or test or ticket_id in self.recent:
            return False
        self.recent = [*self.recent[-49:], ticket_id]
        self.asked = Asked(ticket_id, display, clerk, self.now())
        self.state = SessionState.ASKING
        self.until = self.now() + self.ask_s
        return True

    def want_reasons(self) -> bool:
        """'Không hài lòng' touched on a screen: show the reasons (the asking time starts again)."""
        if not self.tick() or self.state not in TAKING_STATES:
            return False
        self.state = SessionState.REASONS
        self.until = self.now() + self.ask_s
        return True

    def touch(self, level: str, reasons: Sequence[str] = ()) -> Outcome:
        """The citizen chose a level: keep the rating on the device (then the sender sends it) and say thanks."""
        clean = check_rating(level, reasons)
        self.tick()
        if self.state not in TAKING_STATES or self.asked is None:
            self.last_outcome = Outcome.NOTHING_TO_RATE
            return self.last_outcome
        r = PendingRating(str(uuid.uuid4()), self.asked.ticket_id, level, clean, self.channel, self.now())
        stored = self.outbox.put(r)
        self.state = SessionState.THANKS
        self.until = self.now() + self.thanks_s
        self.last_outcome = Outcome.STORED if stored else Outcome.ALREADY_RATED
        if stored and self.on_stored is not None:
            self.on_stored(r)
        return self.last_outcome

    def tick(self) -> bool:
        """Go back to idle when the asking or thanking time is over; True while a touch would still count."""
        if self.state != SessionState.IDLE and self.now() >= self.until:
            self._idle()
        return self.state in TAKING_STATES

    def _idle(self) -> None:
        self.state = SessionState.IDLE
        self.asked = None
        self.until = 0.0
