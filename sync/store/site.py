"""The site database: SQLite (WAL, synchronous=FULL) through sqlite-utils, a versioned schema, and a
group-commit writer thread.

The hub is the only writer (ARCHITECTURE rule 1). Each `Change` of the queue engine becomes its domain rows
plus one event-log row; changes that arrive together are committed in one SQLite transaction (group
commit), so a burst of kiosks pays for one fsync instead of one each. A change is acknowledged to its
caller only after that commit returns.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from motcua.queue import Change, CounterState, CounterStatus, Event, Ticket, TicketStatus
from sync.backup import BackupError, HubLock
from sync.store.casework import CaseTables
from sync.store.schema import IDENTITY_KEY, LOOKUP_SECRET_KEY, StoreError, connect, migrate, read_meta, site_record
from sync.store.tables import HubTables, named_reader
from sync.store.tokens import TOKEN_ID_LEN, TokenRecord, hash_token

log = logging.getLogger(__name__)

_TICKET_COLS = ("id", "day", "number_service", "number", "display", "service", "priority", "channel",
                "status", "issued_at", "called_at", "counter", "finished_at", "recalls", "transfers", "test", "not_before")
_UPSERT_TICKET = (
    f"INSERT INTO tickets ({', '.join(_TICKET_COLS)}) VALUES ({', '.join('?' * len(_TICKET_COLS))}) "
    "ON CONFLICT(id) DO UPDATE SET service=excluded.service, priority=excluded.priority, "
    "status=excluded.status, called_at=excluded.called_at, counter=excluded.counter, "
    "finished_at=excluded.finished_at, recalls=excluded.recalls, transfers=excluded.transfers")
_UPSERT_COUNTER = (
    "INSERT INTO counters (number, state, current, priority_streak, served, day, changed_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(number) DO UPDATE SET state=excluded.state, "
    "current=excluded.current, priority_streak=excluded.priority_streak, served=excluded.served, "
    "day=excluded.day, changed_at=excluded.changed_at")
_INSERT_EVENT = "INSERT INTO events (seq, id, type, at, ticket_id, data) VALUES (?, ?, ?, ?, ?, ?)"


def ticket_row(t: Ticket) -> tuple[Any, ...]:
    """A ticket as a row tuple in _TICKET_COLS order."""
    return (t.id, t.day, t.number_service, t.number, t.display, t.service, t.priority, t.channel,
            t.status.value, t.issued_at, t.called_at, t.counter, t.finished_at, t.recalls, t.transfers, int(t.test),
            t.not_before)


def ticket_from_row(r: Sequence[Any]) -> Ticket:
    """A ticket from a row tuple in _TICKET_COLS order."""
    return Ticket(id=r[0], day=r[1], number_service=r[2], number=r[3], display=r[4], service=r[5],
                  priority=r[6], channel=r[7], status=TicketStatus(r[8]), issued_at=r[9], called_at=r[10],
                  counter=r[11], finished_at=r[12], recalls=r[13], transfers=r[14], test=bool(r[15]),
                  not_before=r[16])


def counter_row(c: CounterStatus) -> tuple[Any, ...]:
    """A counter's state as a row tuple."""
    return (c.number, c.state.value, c.current, c.priority_streak, c.served, c.day, c.changed_at)


@dataclass(slots=True)
class EncodedEvent:
    """An event ready for the log and for live subscribers."""

    seq: int
    type: str
    payload: bytes
    """The JSON object sent as SSE data and stored in the log."""
    frame: bytes = b""
    """The server-sent event, made once for every subscriber (sync.hub.live.sse_frame); empty until then."""


def encode_event(ev: Event) -> EncodedEvent:
    """Serialise an event once, for the log row and for SSE."""
    body = {"seq": ev.seq, "id": ev.id, "type": ev.type, "at": ev.at}
    body.update(ev.data)
    return EncodedEvent(ev.seq, ev.type, orjson.dumps(body))


@dataclass(slots=True)
class _Batch:
    tickets: list[tuple[Any, ...]]
    counters: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    encoded: list[EncodedEvent]
    future: asyncio.Future[None] | None
    ops: Sequence[tuple[str, Sequence[Any]]] = ()
    """Extra statements committed in the same transaction (dossier rows, relay bookkeeping)."""


_RESET: Any = object()


class SiteStore:
    """The hub's database: schema, reads, and the group-commit writer thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # Held while the hub runs: `motcua restore` refuses to replace the database under it.
        self.lock = HubLock(self.path)
        try:
            self.lock.acquire()
        except BackupError as exc:
            raise StoreError(str(exc)) from None
        try:
            self.db = migrate(self.path)
        except BaseException:
            self.lock.release()
            raise
        self._read = connect(self.path)
        self._read_lock = threading.Lock()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.on_committed: Callable[[list[EncodedEvent]], None] | None = None
        """Called on the event loop after each commit with the committed events, in order."""
        self.on_failed: Callable[[BaseException], None] | None = None
        """Called on the event loop when a commit fails (the engine must reload from the database)."""
        self.failed = False
        self.device_faults: dict[str, dict[str, Any]] = {}
        """Active device faults found by the last load_day (rebuilt from the event log)."""
        self.commits = 0
        self.batched_changes = 0
        self.tables = HubTables(self.rows)
        """The hub's own tables (outbox, dead letters, feeds, dossier links, devices) by name."""
        self.cases = CaseTables(self.rows)
        """The dossier and payment tables by name."""

    # ------------------------------------------------------------------ reads
    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read query on the reader connection."""
        with self._read_lock:
            return self._read.execute(sql, params).fetchall()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query on the reader connection; its rows by column name."""
        with self._read_lock:
            return named_reader(self._read)(sql, params)

    def load_day(self, day: str) -> tuple[list[Ticket], list[CounterStatus], int, list[dict[str, Any]]]:
        """Today's tickets and counters, the last event sequence, and the latest calls."""
        tickets = [ticket_from_row(r) for r in self.read(
            f"SELECT {', '.join(_TICKET_COLS)} FROM tickets WHERE day = ?", (day,))]
        counters = [CounterStatus(number=r[0], state=CounterState(r[1]), current=r[2], priority_streak=r[3],
                                  served=r[4], day=r[5], changed_at=r[6])
                    for r in self.read("SELECT number, state, current, priority_streak, served, day, changed_at "
                                       "FROM counters")]
        last_seq = self.read("SELECT COALESCE(MAX(seq), 0) FROM events")[0][0]
        by_id = {t.id: t for t in tickets}
        faults: dict[str, dict[str, Any]] = {}
        for (data,) in self.read("SELECT data FROM events WHERE type IN ('device.fault', 'device.ok') ORDER BY seq"):
            d = orjson.loads(data)["device"]
            if d.get("fault"):
                faults[d["device"]] = d
            else:
                faults.pop(d["device"], None)
        self.device_faults = faults
        calls = []
        for (data,) in reversed(self.read(
                "SELECT data FROM events WHERE type IN ('ticket.called', 'ticket.recalled') "
                "ORDER BY seq DESC LIMIT 50")):
            d = orjson.loads(data)
            tk = d.get("ticket") or {}
            if tk.get("id") in by_id:
                calls.append({"display": tk.get("display"), "counter": d.get("counter"),
                              "service": tk.get("service"), "at": tk.get("called_at"), "ticket_id": tk.get("id"),
                              **({"recall": True} if d.get("type") == "ticket.recalled" else {}),
                              **({"test": True} if tk.get("test") else {}),
                              **({"booked": True} if tk.get("slot_at") else {})})
        return tickets, counters, int(last_seq), calls

    def last_day(self) -> str | None:
        """The latest local day the database has tickets or counters of (None: a new database)."""
        row = self.read("SELECT MAX(d) FROM (SELECT MAX(day) AS d FROM tickets UNION ALL SELECT MAX(day) FROM counters)")
        return row[0][0] if row and row[0][0] else None

    def ticket(self, ticket_id: str) -> Ticket | None:
        """One ticket of any day."""
        rows = self.read(f"SELECT {', '.join(_TICKET_COLS)} FROM tickets WHERE id = ?", (ticket_id,))
        return ticket_from_row(rows[0]) if rows else None

    def events_after(self, seq: int, *, limit: int = 1000, until: int | None = None) -> list[EncodedEvent]:
        """Logged events with a sequence above seq (and at most until), in order."""
        if until is None:
            rows = self.read("SELECT seq, type, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        else:
            rows = self.read("SELECT seq, type, data FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                             (seq, until, limit))
        return [EncodedEvent(r[0], r[1], r[2].encode() if isinstance(r[2], str) else r[2]) for r in rows]

    # ------------------------------------------------------------------ identity and site record
    @property
    def identity(self) -> str:
        """The database's identity (a UUID made when it was created); the central server knows the site by it."""
        with self._read_lock:
            return read_meta(self._read, IDENTITY_KEY) or ""

    @property
    def lookup_secret(self) -> bytes:
        """The secret the slips' look-up codes are derived from (made once with the database, schema 5)."""
        with self._read_lock:
            return bytes.fromhex(read_meta(self._read, LOOKUP_SECRET_KEY) or "")

    def site_record(self) -> dict[str, Any] | None:
        """What the hub recorded of its site file at its last start or reload (code, services, counters)."""
        with self._read_lock:
            return site_record(self._read)

    # ------------------------------------------------------------------ tokens
    def token_lookup(self, token: str) -> tuple[str, str, int | None] | None:
        """(role, name, counter) of a valid token, or None."""
        rows = self.read("SELECT role, name, counter FROM tokens WHERE hash = ? AND revoked_at IS NULL",
                         (hash_token(token),))
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def token_record(self, token: str) -> TokenRecord | None:
        """Everything the hub needs to know of an unrevoked token (it may have expired), or None."""
        rows = self.read("SELECT hash, role, name, counter, any_counter, expires_at FROM tokens "
                         "WHERE hash = ? AND revoked_at IS NULL", (hash_token(token),))
        if not rows:
            return None
        h, role, name, counter, any_counter, expires_at = rows[0]
        return TokenRecord(id=h[:TOKEN_ID_LEN], role=role, name=name, counter=counter, any_counter=bool(any_counter),
                           expires_at=expires_at)

    def revoked_token(self, token: str) -> TokenRecord | None:
        """The record of a token that was revoked, or None (unknown, or not revoked)."""
        rows = self.read("SELECT hash, role, name, counter, any_counter, expires_at FROM tokens "
                         "WHERE hash = ? AND revoked_at IS NOT NULL", (hash_token(token),))
        if not rows:
            return None
        h, role, name, counter, any_counter, expires_at = rows[0]
        return TokenRecord(id=h[:TOKEN_ID_LEN], role=role, name=name, counter=counter, any_counter=bool(any_counter),
                           expires_at=expires_at)

    def active_token_ids(self) -> set[str]:
        """The ids of the tokens not revoked (expired ones included)."""
        return {r[0] for r in self.read(f"SELECT substr(hash, 1, {TOKEN_ID_LEN}) FROM tokens WHERE revoked_at IS NULL")}

    def tokens_generation(self) -> int:
        """A number that every token change (create, revoke, rotate) bumps, by any process."""
        rows = self.read("SELECT value FROM meta WHERE key = 'tokens_generation'")
        return int(rows[0][0]) if rows else 0

    # ------------------------------------------------------------------ writer
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the writer thread; results are delivered on `loop`."""
        self._loop = loop
        self._thread = threading.Thread(target=self._run, name="motcua-store-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then stop the writer thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def close(self) -> None:
        """Stop writing and close the connections."""
        self.stop()
        with self._read_lock:
            self._read.close()
        self.db.conn.close()
        self.lock.release()

    def _prepare(self, changes: Iterable[Change]) -> tuple[list[Any], list[Any], list[Any], list[EncodedEvent]]:
        tickets: list[Any] = []
        counters: list[Any] = []
        events: list[Any] = []
        encoded: list[EncodedEvent] = []
        for ch in changes:
            tickets.extend(ticket_row(t) for t in ch.tickets)
            counters.extend(counter_row(c) for c in ch.counters)
            enc = encode_event(ch.event)
            encoded.append(enc)
            events.append((ch.event.seq, ch.event.id, ch.event.type, ch.event.at,
                           ch.ticket.id if ch.ticket else None, enc.payload.decode()))
        return tickets, counters, events, encoded

    def submit(self, changes: Iterable[Change], *,
               ops: Sequence[tuple[str, Sequence[Any]]] = ()) -> asyncio.Future[None]:
        """Queue changes (and extra statements) for the next commit, on the event loop; resolves once durable.

        Everything that writes the database goes through here, so the writer thread is the only writer
        connection in use: the relay thread hands its bookkeeping to the loop, which submits it here.
        """
        assert self._loop is not None, "store not started"
        fut: asyncio.Future[None] = self._loop.create_future()
        if self.failed:
            fut.set_exception(StoreError("the database is recovering from a failed write"))
            return fut
        t, c, e, enc = self._prepare(changes)
        self._queue.put(_Batch(t, c, e, enc, fut, ops))
        return fut

    def write_now(self, changes: Iterable[Change], *, ops: Sequence[tuple[str, Sequence[Any]]] = ()) -> None:
        """Commit changes synchronously (tools and tests; not while the writer thread runs)."""
        t, c, e, enc = self._prepare(changes)
        self._commit([_Batch(t, c, e, enc, None, ops)])

    def _commit(self, batches: list[_Batch]) -> None:
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            tickets = [r for b in batches for r in b.tickets]
            counters = [r for b in batches for r in b.counters]
            events = [r for b in batches for r in b.events]
            if tickets:
                conn.executemany(_UPSERT_TICKET, tickets)
            if counters:
                conn.executemany(_UPSERT_COUNTER, counters)
            if events:
                conn.executemany(_INSERT_EVENT, events)
            for b in batches:
                for sql, params in b.ops:
                    conn.execute(sql, params)
            conn.execute("COMMIT")
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise
        self.commits += 1
        self.batched_changes += len(batches)

    def _run(self) -> None:
        assert self._loop is not None
        poisoned = False
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                break
            if first is _RESET:
                poisoned = False
                continue
            batches = [first]
            # Take everything that queued up while the previous commit ran: one fsync for all of it.
            while len(batches) < 512:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                if nxt is _RESET:
                    # Batches before the reset were computed on lost state; those after it are sound.
                    if poisoned:
                        self._hand_back(batches, StoreError("discarded after a failed write"))
                        batches = []
                    poisoned = False
                    continue
                batches.append(nxt)
            if not batches:
                continue
            if poisoned:
                self._hand_back(batches, StoreError("discarded after a failed write"))
                continue
            try:
                self._commit(batches)
            except BaseException as exc:
                log.exception("commit of %d change(s) failed", len(batches))
                poisoned = True
                self.failed = True
                self._hand_back(batches, exc)
                continue
            self._hand_back(batches, None)

    def _hand_back(self, batches: list[_Batch], error: BaseException | None) -> None:
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(self._resolve, batches, error)
        except RuntimeError:  # the loop closed during shutdown
            pass

    def _resolve(self, batches: list[_Batch], error: BaseException | None) -> None:
        if error is None:
            if self.on_committed is not None:
                self.on_committed([e for b in batches for e in b.encoded])
            for b in batches:
                if b.future is not None and not b.future.done():
                    b.future.set_result(None)
            return
        for b in batches:
            if b.future is not None and not b.future.done():
                b.future.set_exception(error if isinstance(error, StoreError) else StoreError(str(error)))
        if self.failed:
            # Reload the engine from what is durable, then let the writer accept new work.
            self.failed = False
            if self.on_failed is not None:
                self.on_failed(error)
            self._queue.put(_RESET)
