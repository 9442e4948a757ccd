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
from sync.store.migrations import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)



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
