"""The SQL of the hub's own tables — the outbox and its dead letters, the central server's feeds, dossier
links and statuses, device heartbeats — in one place, for the hub and the relay.

Reads return rows read by column name (sqlite3.Row). Writes are returned as statements (`Op`), never run
here: the hub hands them to the store's writer, which commits them with the events they cause in one
transaction (ARCHITECTURE rules 1 and 2). Reads run on whichever connection the caller owns: the hub's reader,
or the relay's own connection in its thread (WAL: readers never block the writer).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

Op = tuple[str, Sequence[Any]]
"""A statement and its parameters, for the store's writer."""
Reader = Callable[[str, Sequence[Any]], list[sqlite3.Row]]
"""Runs a query and returns its rows by name."""

OUTBOX = "central"
"""The outbox's name: how far the central server has answered for the event log."""

_ADVANCE = ("INSERT INTO outbox (name, sent_seq, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
            "sent_seq = MAX(outbox.sent_seq, excluded.sent_seq), updated_at = excluded.updated_at")
_DEAD = ("INSERT INTO dead_letters (seq, event_id, type, status, code, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?) "
         "ON CONFLICT(seq, code) DO NOTHING")
_LINK = ("UPDATE dossiers SET code = ?, linked_at = ?, status = CASE WHEN status = 'submitted' THEN ? ELSE status END "
         "WHERE id = ? AND code IS NULL")
_FEED_PUT = ("INSERT INTO feed_items (kind, key, seq, body) VALUES (?, ?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET "
             "seq = excluded.seq, body = excluded.body WHERE excluded.seq > feed_items.seq")
_FEED_DELETE = "DELETE FROM feed_items WHERE kind = ? AND key = ? AND seq < ?"
_FEED_CLEAR = "DELETE FROM feed_items WHERE kind = ?"
_FEED_CURSOR = ("INSERT INTO feed_cursors (kind, epoch, cursor, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(kind) DO UPDATE SET "
                "cursor = CASE WHEN excluded.epoch != feed_cursors.epoch THEN excluded.cursor "
                "ELSE MAX(feed_cursors.cursor, excluded.cursor) END, epoch = excluded.epoch, updated_at = excluded.updated_at")
# The timeline keeps every status the hub has seen (of its own dossiers); a re-delivered page adds nothing.
_STATUS_HISTORY = ("INSERT OR IGNORE INTO dossier_status (dossier_id, status, at) "
                   "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM dossiers WHERE id = ?)")
_STATUS = ("UPDATE dossiers SET code = COALESCE(code, ?), linked_at = COALESCE(linked_at, ?), status = ?, status_at = ? "
           "WHERE id = ? AND (status_at IS NULL OR status_at <= ?)")
_DEVICE = ("INSERT INTO devices (name, role, version, boot, uptime_s, last_seen) VALUES (?, ?, ?, ?, ?, ?) "
           "ON CONFLICT(name, role) DO UPDATE SET version = excluded.version, boot = excluded.boot, "
           "uptime_s = excluded.uptime_s, last_seen = excluded.last_seen")


def named_reader(conn: sqlite3.Connection) -> Reader:
    """A Reader on a connection the caller owns (its rows by name; the connection's own rows untouched)."""

    def read(sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        cur = conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(sql, params).fetchall()

    return read


class HubTables:
    """Reads of the hub's tables, by name, over a Reader; and the statements that change them."""

    def __init__(self, read: Reader) -> None:
        self.read = read

    # ------------------------------------------------------------------ outbox and dead letters
    def notice_to_send(self, notice_id: str) -> sqlite3.Row | None:
        """A notice with its recipient (phone, or booking whose number the central server holds): kind, text,
        at, phone, booking_id. None when the subscription was withdrawn or erased meanwhile, or has no recipient."""
        rows = self.read("SELECT n.kind, n.text, n.at, s.phone, s.booking_id FROM notices n "
                         "JOIN notice_subscriptions s ON s.id = n.subscription_id WHERE n.id = ? "
                         "AND s.withdrawn_at IS NULL AND s.erased_at IS NULL "
                         "AND (s.phone != '' OR s.booking_id IS NOT NULL)", (notice_id,))
        return rows[0] if rows else None

    def sent_seq(self) -> int:
        """The outbox cursor: every event up to it was answered by the central server."""
        rows = self.read("SELECT sent_seq FROM outbox WHERE name = ?", (OUTBOX,))
        return int(rows[0]["sent_seq"]) if rows else 0

    def unsent_events(self, after: int, limit: int) -> list[sqlite3.Row]:
        """Logged events after the cursor, in order: seq, id, type, at, data."""
        return self.read("SELECT seq, id, type, at, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))

    def backlog(self, after: int) -> tuple[int, float | None]:
        """How many events wait to be sent, and when the oldest of them happened."""
        row = self.read("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM events WHERE seq > ?", (after,))[0]
        return int(row["n"]), row["oldest"]

    def dead_letter_count(self) -> int:
        """Events the central server rejected."""
        return int(self.read("SELECT COUNT(*) AS n FROM dead_letters", ())[0]["n"])

    def dead_letters(self) -> list[sqlite3.Row]:
        """Every dead letter: seq, event_id, type, status, code, reason, at."""
        return self.read("SELECT seq, event_id, type, status, code, reason, at FROM dead_letters ORDER BY seq", ())

    @staticmethod
    def advance(seq: int, now: float) -> Op:
        """Move the outbox cursor to `seq` (never back)."""
        return _ADVANCE, (OUTBOX, seq, now)

    @staticmethod
    def dead(seq: int, event_id: str, etype: str, status: int | None, code: str, reason: str, now: float) -> Op:
        """Dead-letter an event (once per event and error code)."""
        return _DEAD, (seq, event_id, etype, status, code, reason, now)

    # ------------------------------------------------------------------ dossiers going up
    def dossier_to_send(self, dossier_id: str) -> sqlite3.Row | None:
        """A dossier's upstream body and when its personal data was erased (None: no such dossier)."""
        rows = self.read("SELECT body, erased_at FROM dossiers WHERE id = ?", (dossier_id,))
        return rows[0] if rows else None

    def unlinked(self, dossier_id: str) -> bool:
        """Whether the dossier exists and has no official code yet."""
        rows = self.read("SELECT code FROM dossiers WHERE id = ?", (dossier_id,))
        return bool(rows) and rows[0]["code"] is None

    def unlinked_count(self) -> int:
        """Dossiers still known by their provisional code only."""
        return int(self.read("SELECT COUNT(*) AS n FROM dossiers WHERE code IS NULL", ())[0]["n"])

    @staticmethod
    def link(dossier_id: str, code: str, status: str, now: float) -> Op:
        """Give a dossier its official code (once)."""
        return _LINK, (code, now, status, dossier_id)

    # ------------------------------------------------------------------ feeds coming down
    def feed_cursor(self, kind: str) -> tuple[int | None, int]:
        """(epoch, cursor) of a feed; (None, 0) before its first page."""
        rows = self.read("SELECT epoch, cursor FROM feed_cursors WHERE kind = ?", (kind,))
        return (int(rows[0]["epoch"]), int(rows[0]["cursor"])) if rows else (None, 0)

    def feed_cursors(self) -> list[sqlite3.Row]:
        """Every feed's kind, epoch, cursor and when it was last pulled (updated_at)."""
        return self.read("SELECT kind, epoch, cursor, updated_at FROM feed_cursors", ())

    def feed_bodies(self, kind: str) -> list[str]:
        """The JSON bodies of a feed's items, by key."""
        return [r["body"] for r in self.read("SELECT body FROM feed_items WHERE kind = ? ORDER BY key", (kind,))]

    def status_pulled_at(self) -> float | None:
        """When the hub last heard the central server's status feed."""
        rows = self.read("SELECT updated_at FROM feed_cursors WHERE kind = 'status'", ())
        return rows[0]["updated_at"] if rows and rows[0]["updated_at"] else None

    @staticmethod
    def feed_clear(kind: str) -> Op:
        """Forget a feed's items (a new epoch on the server)."""
        return _FEED_CLEAR, (kind,)

    @staticmethod
    def feed_put(kind: str, key: str, seq: int, body: str) -> Op:
        """Keep an item (a newer one never overwritten by an older)."""
        return _FEED_PUT, (kind, key, seq, body)

    @staticmethod
    def feed_delete(kind: str, key: str, seq: int) -> Op:
        """Drop an item deleted upstream (unless a newer version is kept)."""
        return _FEED_DELETE, (kind, key, seq)

    @staticmethod
    def feed_advance(kind: str, epoch: int, cursor: int, now: float) -> Op:
        """Move a feed's cursor (reset with a new epoch, else never back)."""
        return _FEED_CURSOR, (kind, epoch, cursor, now)

    @staticmethod
    def dossier_status(dossier_id: Any, code: Any, status: Any, at: Any, now: float) -> list[Op]:
        """A status the central server gave one of this hub's dossiers: the row (unless it knows a newer one)
        and the timeline entry."""
        return [(_STATUS, (code, now, status, at, dossier_id, at)),
                (_STATUS_HISTORY, (dossier_id, status, at, dossier_id))]

    # ------------------------------------------------------------------ reports
    def day_by_service(self, day: str) -> list[sqlite3.Row]:
        """A day's real tickets per service: service, issued, served, no_show, waiting, wait_s and service_s
        (averages in seconds, None without data)."""
        return self.read(
            "SELECT service, COUNT(*) AS issued, SUM(status = 'done') AS served, SUM(status = 'skipped') AS no_show, "
            "SUM(status = 'waiting') AS waiting, AVG(CASE WHEN called_at IS NOT NULL THEN called_at - issued_at END) "
            "AS wait_s, AVG(CASE WHEN status = 'done' AND finished_at IS NOT NULL THEN finished_at - called_at END) "
            "AS service_s FROM tickets WHERE day = ? AND test = 0 GROUP BY service ORDER BY service", (day,))

    def test_tickets(self, day: str) -> int:
        """A day's test tickets (commissioning)."""
        return int(self.read("SELECT COUNT(*) AS n FROM tickets WHERE day = ? AND test = 1", (day,))[0]["n"])

    # ------------------------------------------------------------------ devices
    def devices(self) -> list[sqlite3.Row]:
        """Every device's last heartbeat: name, role, version, boot, uptime_s, last_seen."""
        return self.read("SELECT name, role, version, boot, uptime_s, last_seen FROM devices", ())

    @staticmethod
    def device_seen(name: str, role: str, version: str | None, boot: str | None, uptime_s: float | None,
                    last_seen: float) -> Op:
        """Record a device's heartbeat."""
        return _DEVICE, (name, role, version, boot, uptime_s, last_seen)
