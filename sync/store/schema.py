"""The site database's schema and connections: SQLite (WAL, synchronous=FULL) through sqlite-utils, a
versioned schema migrated in order, the meta table (identity, site record) and opening an existing file."""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import sqlite_utils

from sync.backup import BackupError, pre_migration_backup
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
    # disk, named by sha256); the outbox cursor (the events table itself is the outbox, DESIGN rule 2) and
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
