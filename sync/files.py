"""File helpers for the hub's, the central server's and the devices' data at rest.

Personal data (Decree 13/2023/NĐ-CP) sits in the SQLite files and the blob folders, so they are made
owner-only — files 0600, folders 0700 — whatever the process's umask: a umask only ever narrows what
`open`/`mkdir` ask for, and a service started by hand with umask 022 would otherwise leave every
citizen's CCCD world-readable. Modes are set explicitly (fchmod/chmod), never left to the umask.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def fsync_dir(path: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(str(path), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _tighten(path: Path, mode: int) -> None:
    """chmod to `mode` when the file allows more; a file of another user is left alone with a warning."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if st.st_mode & 0o777 == mode:
        return
    try:
        os.chmod(path, mode)
    except PermissionError:
        log.warning("cannot make %s owner-only (mode %o, owner uid %d)", path, st.st_mode & 0o777, st.st_uid)


def private_dir(path: str | Path) -> Path:
    """Create a folder (and any missing parents) owner-only (0700); an existing leaf is tightened to 0700.

    Parents that already exist are not touched: /var/lib or a home folder is not ours to change.
    """
    p = Path(path)
    missing: list[Path] = []
    cur = p
    while not cur.exists():
        missing.append(cur)
        if cur.parent == cur:
            break
        cur = cur.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:  # another thread or process made it meanwhile
            pass
        _tighten(d, PRIVATE_DIR)
    _tighten(p, PRIVATE_DIR)
    return p


def open_private(path: str | Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_EXCL) -> int:
    """os.open a file created owner-only (0600) whatever the umask; returns the descriptor."""
    fd = os.open(str(path), flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    except OSError:
        os.close(fd)
        raise
    return fd


def private_sqlite(path: str | Path) -> Path:
    """Make a SQLite database file owner-only before SQLite opens it (creating it empty if missing).

    SQLite gives the -wal and -shm files it creates the database file's own mode, so a 0600 database
    keeps its journals 0600 too; journals left by an earlier, looser run are tightened here as well.
    """
    p = Path(path)
    if str(p) in ("", ":memory:") or str(p).startswith("file:"):
        return p
    if not p.exists():
        try:
            os.close(open_private(p, os.O_RDWR | os.O_CREAT))
        except FileNotFoundError:
            return p  # no such folder: let SQLite report it in its own words
    else:
        _tighten(p, PRIVATE_FILE)
    for suffix in SQLITE_SIDE_FILES:
        _tighten(Path(str(p) + suffix), PRIVATE_FILE)
    return p
