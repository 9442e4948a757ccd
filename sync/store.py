"""The site database: SQLite (WAL, synchronous=FULL) through sqlite-utils, a versioned schema, and a
group-commit writer thread.

The hub is the only writer (ARCHITECTURE rule 1). Each `Change` of the queue engine becomes its domain rows
plus one event-log row; changes that arrive together are committed in one SQLite transaction (group
commit), so a burst of kiosks pays for one fsync instead of one each. A change is acknowledged to its
caller only after that commit returns.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import queue
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import sqlite_utils

from motcua.queue import Change, CounterState, CounterStatus, Event, Ticket, TicketStatus
from sync.backup import BackupError, HubLock, pre_migration_backup
from sync.files import private_sqlite

log = logging.getLogger(__name__)

ROLES = ("kiosk", "board", "counter", "admin", "metrics")
"""Token roles; `metrics` may only read /metrics (a Prometheus server's token)."""

# Each entry migrates the schema from version i to i+1. Never edit a shipped entry: append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        number_service TEXT NOT NULL,
        number INTEGER NOT NULL,
        display TEXT NOT NULL,
        service TEXT NOT NULL,
        priority TEXT,
        channel TEXT NOT NULL,
        status TEXT NOT NULL,
        issued_at REAL NOT NULL,
        called_at REAL,
        counter INTEGER,
        finished_at REAL,
        recalls INTEGER NOT NULL DEFAULT 0,
        transfers INTEGER NOT NULL DEFAULT 0,
        UNIQUE (day, number_service, number)
    );
    CREATE INDEX tickets_day ON tickets (day);
    CREATE TABLE counters (
        number INTEGER PRIMARY KEY,
        state TEXT NOT NULL,
        current TEXT,
        priority_streak INTEGER NOT NULL DEFAULT 0,
        served INTEGER NOT NULL DEFAULT 0,
        day TEXT NOT NULL,
        changed_at REAL
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        at REAL NOT NULL,
        ticket_id TEXT,
        data TEXT NOT NULL
    );
    CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        counter INTEGER,
        created_at REAL NOT NULL,
        revoked_at REAL
    );
    """,
    # 2: sync with the central server (issue 6). Dossiers (hồ sơ) and their files (content-addressed blobs on
    # disk, named by sha256); the outbox cursor (the events table itself is the outbox, ARCHITECTURE rule 2) and
    # its dead letters; feed cursors and the feed items the devices read (catalog, calendar, guides).
    """
    CREATE TABLE dossiers (
        id TEXT PRIMARY KEY,
        provisional_code TEXT NOT NULL UNIQUE,
        code TEXT UNIQUE,
        day TEXT NOT NULL,
        procedure TEXT NOT NULL,
        status TEXT NOT NULL,
        body TEXT NOT NULL,
        submitted_at REAL NOT NULL,
        status_at REAL,
        linked_at REAL
    );
    CREATE INDEX dossiers_day ON dossiers (day);
    CREATE TABLE dossier_files (
        dossier_id TEXT NOT NULL REFERENCES dossiers (id),
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        mime TEXT NOT NULL,
        PRIMARY KEY (dossier_id, position)
    );
    CREATE TABLE outbox (
        name TEXT PRIMARY KEY,
        sent_seq INTEGER NOT NULL,
        updated_at REAL
    );
    CREATE TABLE dead_letters (
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        status INTEGER,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (seq, code)
    );
    CREATE TABLE feed_cursors (
        kind TEXT PRIMARY KEY,
        epoch INTEGER NOT NULL,
        cursor INTEGER NOT NULL,
        updated_at REAL
    );
    CREATE TABLE feed_items (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    """,
    # 3: each dossier status the hub has seen, for the citizen's status timeline.
    """
    CREATE TABLE dossier_status (
        dossier_id TEXT NOT NULL,
        status TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (dossier_id, status, at)
    );
    """,
    # 4: guards (issue 10). The database's identity, a random UUID made once, here, when the database is
    # created (or upgraded): the central server registers it for the site at the first sync and refuses any
    # other database for that site. A backup restored elsewhere keeps it. Test tickets of commissioning mode.
    """
    INSERT INTO meta (key, value) SELECT 'identity', lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
        || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random() % 4), 1)
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
        WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'identity');
    ALTER TABLE tickets ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: device tokens that expire, counter tokens that may act on any counter only when made so explicitly
    # (tokens made before this version without --counter keep acting on any counter: that was the rule they
    # were made under), and a generation number that every token change bumps, so that a running hub sees a
    # revocation at once without reading the tokens table on each request.
    """
    ALTER TABLE tokens ADD COLUMN expires_at REAL;
    ALTER TABLE tokens ADD COLUMN any_counter INTEGER NOT NULL DEFAULT 0;
    UPDATE tokens SET any_counter = 1 WHERE role = 'counter' AND counter IS NULL;
    INSERT OR IGNORE INTO meta (key, value) VALUES ('tokens_generation', '0');
    """,
    # 6: the device registry (issue 10): the last heartbeat of each device (its token's name and the kind of
    # app), so that "last seen" survives a hub restart. `boot` is the id of the device's current run: a new
    # one means the device restarted, and the faults its earlier run left behind are cleared.
    """
    CREATE TABLE devices (
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        version TEXT,
        boot TEXT,
        uptime_s REAL,
        last_seen REAL NOT NULL,
        PRIMARY KEY (name, role)
    );
    """,
    # 7: fees (issue 16). One payment per dossier: marked at the counter (cash, or a transfer with the bank's
    # reference) or confirmed by the central server's status feed; a provisional receipt number per series and
    # year. `payer` and `collector` are for the receipt and staff views only: never in an event.
    """
    CREATE TABLE payments (
        id TEXT PRIMARY KEY,
        dossier_id TEXT NOT NULL UNIQUE REFERENCES dossiers (id),
        day TEXT NOT NULL,
        procedure TEXT NOT NULL,
        amount INTEGER NOT NULL,
        method TEXT NOT NULL,
        reference TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        receipt_series TEXT NOT NULL DEFAULT '',
        receipt_year INTEGER NOT NULL,
        receipt_no INTEGER NOT NULL,
        counter INTEGER,
        collector TEXT NOT NULL DEFAULT '',
        payer TEXT NOT NULL DEFAULT '',
        paid_at REAL NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (receipt_series, receipt_year, receipt_no)
    );
    CREATE INDEX payments_day ON payments (day);
    """,
    # 8: personal data (issue 11). The audit log of who read a dossier's personal data (token name, role,
    # client address, which dossier, when: never the data itself). When a dossier's personal fields and
    # files were erased (retention). The secret the slips' look-up codes are derived from (HMAC of the
    # dossier id), made here once; a restored backup keeps it, so printed codes keep working. Dossier
    # events already in the log lose the applicant, files, delivery address, note and ticket: the relay
    # now builds the upstream dossier from the dossiers table, and devices never needed them.
    """
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        token_name TEXT NOT NULL,
        role TEXT NOT NULL,
        client TEXT NOT NULL,
        action TEXT NOT NULL,
        dossier_id TEXT NOT NULL
    );
    CREATE INDEX audit_at ON audit (at);
    ALTER TABLE dossiers ADD COLUMN erased_at REAL;
    INSERT INTO meta (key, value) SELECT 'lookup_secret', lower(hex(randomblob(32)))
        WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'lookup_secret');
    UPDATE events SET data = json_set(json_remove(data, '$.dossier.applicant', '$.dossier.files',
            '$.dossier.delivery', '$.dossier.delivery_address', '$.dossier.note', '$.dossier.ticket_id'),
        '$.dossier.status', 'submitted')
        WHERE type = 'dossier.submitted' AND json_type(data, '$.dossier.applicant') IS NOT NULL;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

_TICKET_COLS = ("id", "day", "number_service", "number", "display", "service", "priority", "channel",
                "status", "issued_at", "called_at", "counter", "finished_at", "recalls", "transfers", "test")
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


class StoreError(Exception):
    """The database could not be written; nothing of the failed batch was kept."""


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the site database with the pragmas every connection needs (the file owner-only, 0600)."""
    if not readonly:
        private_sqlite(path)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.execute("PRAGMA busy_timeout = 10000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def migrate(path: str | Path) -> sqlite_utils.Database:
    """Create or upgrade the schema; returns a sqlite-utils handle on the migrated database."""
    conn = connect(path)
    db = sqlite_utils.Database(conn)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: the database has schema version {version}, newer than this program's "
                         f"{SCHEMA_VERSION}; install the newer motcua-edge")
    if 0 < version < SCHEMA_VERSION:
        _backup_before_migrating(conn, path, version)
    for v in range(version, SCHEMA_VERSION):
        log.info("migrating %s to schema version %d", path, v + 1)
        conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in MIGRATIONS[v].split(";"):
                if stmt.strip():
                    conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {v + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return db


def _backup_before_migrating(conn: sqlite3.Connection, path: str | Path, version: int) -> None:
    """Back up an existing database before changing its schema: the way back to the previous version."""
    try:
        where = pre_migration_backup(path, from_version=version, to_version=SCHEMA_VERSION)
    except (BackupError, OSError, sqlite3.Error) as exc:
        conn.close()
        raise StoreError(f"{path}: không sao lưu được trước khi nâng cấp CSDL, chưa thay đổi gì / the backup before "
                         f"migrating from schema version {version} to {SCHEMA_VERSION} failed, nothing was changed: "
                         f"{exc}") from exc
    log.warning("backed up %s to %s before migrating it from schema version %d to %d", path, where, version,
                SCHEMA_VERSION)


def ticket_row(t: Ticket) -> tuple[Any, ...]:
    """A ticket as a row tuple in _TICKET_COLS order."""
    return (t.id, t.day, t.number_service, t.number, t.display, t.service, t.priority, t.channel,
            t.status.value, t.issued_at, t.called_at, t.counter, t.finished_at, t.recalls, t.transfers, int(t.test))


def ticket_from_row(r: Sequence[Any]) -> Ticket:
    """A ticket from a row tuple in _TICKET_COLS order."""
    return Ticket(id=r[0], day=r[1], number_service=r[2], number=r[3], display=r[4], service=r[5],
                  priority=r[6], channel=r[7], status=TicketStatus(r[8]), issued_at=r[9], called_at=r[10],
                  counter=r[11], finished_at=r[12], recalls=r[13], transfers=r[14], test=bool(r[15]))


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

    # ------------------------------------------------------------------ reads
    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read query on the reader connection."""
        with self._read_lock:
            return self._read.execute(sql, params).fetchall()

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
                              **({"test": True} if tk.get("test") else {})})
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


IDENTITY_KEY = "identity"
SITE_KEY = "site"
LOOKUP_SECRET_KEY = "lookup_secret"
PUT_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"


def read_meta(conn: sqlite3.Connection, key: str) -> str | None:
    """A value of the meta table (None when absent)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def site_record(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The site summary the hub records at start: {"code", "name", "services", "counters", "recorded_at"}."""
    text = read_meta(conn, SITE_KEY)
    if not text:
        return None
    try:
        record: dict[str, Any] = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return record


def open_existing(path: str | Path, *, create: bool = False) -> sqlite_utils.Database:
    """Migrate an existing site database; refuse a missing one (a mistyped path) unless create is set.

    Hazard: sqlite3 creates any path it is given, so without this check a typo makes a new, empty
    database that the hub never reads (the token made in it is refused as invalid).
    """
    p = Path(path)
    if not p.exists():
        if not create:
            raise StoreError(f"không có cơ sở dữ liệu {p} / no database at {p}: check the path (the hub's --db), "
                             "or add --create to make a new one")
        if not p.parent.is_dir():
            raise StoreError(f"không có thư mục {p.parent} / no folder {p.parent}")
    elif p.is_dir():
        raise StoreError(f"{p} là thư mục / {p} is a folder, not a database file")
    else:
        try:
            probe = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
            try:
                version = probe.execute("PRAGMA user_version").fetchone()[0]
                tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{p} không phải cơ sở dữ liệu của trạm / is not a site database ({exc})") from None
        if version == 0 and tables:
            raise StoreError(f"{p} không phải cơ sở dữ liệu của trạm / is not a site database "
                             f"(it holds other tables: {', '.join(sorted(tables)[:5])})")
    return migrate(p)


def hash_token(token: str) -> str:
    """Tokens are stored as their SHA-256, never in clear."""
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN_ID_LEN = 12
"""A token's id (shown by `token list`, given to `revoke` and `rotate`): the first hex digits of its hash."""


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """A device token as stored: never the secret, only what it allows."""

    id: str
    role: str
    name: str
    counter: int | None
    any_counter: bool
    expires_at: float | None


def _bump_tokens_generation(conn: sqlite3.Connection) -> None:
    # In the same transaction as the token change: a hub that sees the new number sees the change.
    conn.execute("INSERT INTO meta (key, value) VALUES ('tokens_generation', '1') ON CONFLICT(key) DO UPDATE "
                 "SET value = CAST(value AS INTEGER) + 1")


def _check_scope(role: str, counter: int | None, any_counter: bool) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (counter is not None or any_counter) and role != "counter":
        raise ValueError("--counter and --any-counter are for counter tokens")
    if counter is not None and any_counter:
        raise ValueError("give either --counter N or --any-counter, not both")
    if counter is not None and not 0 < counter < 1_000_000:
        raise ValueError("--counter: expected a counter number from 1")


def _insert_token(conn: sqlite3.Connection, *, role: str, name: str, counter: int | None, any_counter: bool,
                  expires_at: float | None, now: float) -> str:
    token = f"{role}_{secrets.token_urlsafe(24)}"
    conn.execute("INSERT INTO tokens (hash, role, name, counter, any_counter, expires_at, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (hash_token(token), role, name, counter, int(any_counter), expires_at, now))
    return token


def create_token(path: str | Path, *, role: str, name: str, counter: int | None = None, any_counter: bool = False,
                 expires_at: float | None = None, now: float | None = None) -> str:
    """Make a new device token and store its hash (the token itself is shown once).

    A counter token acts on counter `counter` only, or on any counter with `any_counter`; with neither it
    reads and issues numbers but acts on no counter.
    """
    _check_scope(role, counter, any_counter)
    db = migrate(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        token = _insert_token(db.conn, role=role, name=name, counter=counter, any_counter=any_counter,
                              expires_at=expires_at, now=time.time() if now is None else now)
        _bump_tokens_generation(db.conn)
        db.conn.execute("COMMIT")
    finally:
        db.conn.close()
    return token


def _id_pattern(token_id: str) -> str:
    # A short or empty id would match many tokens (LIKE 'ab%', or '%' for all of them): refuse it.
    if not re.fullmatch(r"[0-9a-f]{8,64}", token_id):
        raise StoreError(f"token id {token_id!r}: expected the id shown by `motcua token list` (12 hex digits)")
    return token_id + "%"


def list_tokens(path: str | Path) -> list[dict[str, Any]]:
    """Tokens (without their secret) for the admin."""
    db = migrate(path)
    rows = list(db["tokens"].rows)
    db.conn.close()
    return [{k: v for k, v in r.items() if k != "hash"} | {"id": r["hash"][:TOKEN_ID_LEN]} for r in rows]


def revoke_token(path: str | Path, token_id: str, *, now: float | None = None) -> int:
    """Revoke tokens whose id starts with token_id; returns how many (a running hub stops taking them within a second)."""
    pattern = _id_pattern(token_id)
    db = migrate(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        n = db.conn.execute("UPDATE tokens SET revoked_at = ? WHERE hash LIKE ? AND revoked_at IS NULL",
                            (time.time() if now is None else now, pattern)).rowcount
        if n:
            _bump_tokens_generation(db.conn)
        db.conn.execute("COMMIT")
    finally:
        db.conn.close()
    return n


KEEP_EXPIRY: Any = object()
"""rotate_token's default: the new token expires when the old one would have."""


def rotate_token(path: str | Path, token_id: str, *, expires_at: float | None | Any = KEEP_EXPIRY,
                 grace_s: float = 0.0, now: float | None = None) -> tuple[str, dict[str, Any]]:
    """A new secret for the same device (role, name, counter scope); the old one stops working after grace_s.

    Returns the new token and the old one's listing. With grace_s = 0 (the default) the old secret is
    revoked in the same transaction: a rotation is usually made because a secret may have leaked.
    """
    pattern = _id_pattern(token_id)
    at = time.time() if now is None else now
    db = migrate(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            rows = db.conn.execute("SELECT hash, role, name, counter, any_counter, expires_at FROM tokens "
                                   "WHERE hash LIKE ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                                   (pattern, at)).fetchall()
            if len(rows) != 1:
                raise StoreError(f"token id {token_id!r}: {'no active token' if not rows else 'several tokens'} "
                                 "with this id (see `motcua token list`)")
            h, role, name, counter, any_counter, old_expiry = rows[0]
            new_expiry = old_expiry if expires_at is KEEP_EXPIRY else expires_at
            token = _insert_token(db.conn, role=role, name=name, counter=counter, any_counter=bool(any_counter),
                                  expires_at=new_expiry, now=at)
            if grace_s > 0:
                until = at + grace_s if old_expiry is None else min(old_expiry, at + grace_s)
                db.conn.execute("UPDATE tokens SET expires_at = ? WHERE hash = ?", (until, h))
            else:
                db.conn.execute("UPDATE tokens SET revoked_at = ? WHERE hash = ?", (at, h))
            _bump_tokens_generation(db.conn)
            db.conn.execute("COMMIT")
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
    finally:
        db.conn.close()
    return token, {"id": h[:TOKEN_ID_LEN], "role": role, "name": name, "counter": counter,
                   "any_counter": bool(any_counter), "expires_at": new_expiry}
