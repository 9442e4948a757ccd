"""Backups of the site hub (sao lưu): the database through SQLite's online backup API plus the dossier files.

A backup is a folder:

    manifest.json          what is inside: schema version, counts, and the sha256 and size of every part
    database.sqlite3       a consistent copy of the hub's database, taken while the hub runs (WAL allows it)
    blobs/ab/ab12…         the dossier files the copy refers to (content-addressed, named by their sha256)

It is written as `NAME.partial`, verified (integrity_check on the copy, every file hashed again from disk)
and only then renamed to NAME, so a folder without `.partial` is a complete backup. Restoring verifies it
again, refuses to replace the database of a hub that is running, and moves what it replaces aside instead
of deleting it.

A running hub holds a shared lock on `<db>.lock` (`HubLock`); a restore takes it exclusively. Backups hold
personal data (names, CCCD numbers, document photos): folders are 0700 and files 0600 whatever the umask.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motcua import __version__
from sync.files import fsync_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows (the demo): no flock, so a restore cannot see a running hub
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

FORMAT = "motcua-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.sqlite3"
BLOBS = "blobs"
PRE_MIGRATION_KEEP = 3
"""Pre-migration backups kept per database (the newest ones); scheduled backups have their own --keep."""
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup could not be made, verified or restored; the message says what and where (vi / en)."""


class HubRunning(BackupError):
    """The hub that owns the database is running (it holds `<db>.lock`)."""


@dataclass
class BackupResult:
    """A finished, verified backup."""

    path: Path
    manifest: dict[str, Any]
    damaged: list[str] = field(default_factory=list)
    """Dossier files on the hub whose content no longer matches their sha256 (left out of the backup)."""
    lost: list[str] = field(default_factory=list)
    """Files of dossiers not yet confirmed by the central server that are missing on the hub."""


def blob_dir_of(db: Path) -> Path:
    """Where the hub keeps a database's dossier files (sync.hub.dossiers uses the same rule)."""
    return Path(str(db) + ".blobs")


# ---------------------------------------------------------------------------------------------- the hub's lock
class HubLock:
    """A shared lock on `<db>.lock` for as long as a hub uses the database; restore takes it exclusively."""

    def __init__(self, db: str | Path) -> None:
        self.path = Path(str(db) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the shared lock; BackupError if a restore holds the database."""
        if fcntl is None:  # pragma: no cover
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            # Not being able to lock must not keep a site without its hub: say so and run.
            log.warning("cannot open %s (%s): a restore will not see that this hub runs", self.path, exc)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BackupError(f"{self.path}: đang khôi phục bản sao lưu vào cơ sở dữ liệu này / a restore into "
                              "this database is under way; start the hub when it has finished") from None
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (the hub stopped)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextlib.contextmanager
def _exclusive(db: Path, *, force: bool) -> Iterator[None]:
    """Hold `<db>.lock` exclusively (no hub may start meanwhile); HubRunning if a hub holds it."""
    path = Path(str(db) + ".lock")
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        # Made by root (sudo motcua restore), the lock file must still open for the hub's user.
        _adopt(path, like=path.parent)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not force:
                raise HubRunning(
                    f"{db}: máy chủ trạm đang chạy trên cơ sở dữ liệu này; dừng nó trước "
                    "(systemctl stop motcua-hub) / the hub is running on this database; stop it first "
                    "(systemctl stop motcua-hub), or pass --force to replace it anyway") from None
            log.warning("%s: replacing the database of a running hub (--force): restart the hub now", db)
        yield
    finally:
        os.close(fd)  # releases the lock


# ---------------------------------------------------------------------------------------------- files
def _sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _copy_hashed(src: Path, dst: Path) -> tuple[str, int]:
    """Copy a file (0600, fsynced), hashing what was read; returns (sha256, size)."""
    h = hashlib.sha256()
    size = 0
    dst.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(src, "rb") as f, os.fdopen(fd, "wb") as out:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return h.hexdigest(), size


def _link_or_copy(src: Path, dst: Path, *, may_link: bool, previous: Path | None = None) -> tuple[str, int]:
    """A dossier file into a backup: a hard link on the same disk, else a copy; returns (sha256, size).

    The hub never changes a file in place (a new one is renamed over, a purge unlinks), and a backup is
    never changed once written, so a link keeps the content as it is now at no cost in space: fourteen
    nightly backups of a center's files take the room of one. On another disk the file is linked from the
    previous backup there, if it has it, else copied. Only files the hub still has are taken (a purged
    file is not carried on from backup to backup). Linked only when this process owns the file and keeps
    the backup (`may_link`: no chown to come), so making the backup private never touches another's file.
    """
    dst.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    size = src.stat().st_size  # FileNotFoundError: purged or lost
    if may_link:
        here = dst.parent.stat().st_dev
        for candidate in (src, *([previous] if previous is not None else [])):
            try:
                st = candidate.stat()
            except FileNotFoundError:
                continue
            if (st.st_dev, st.st_uid, st.st_size) != (here, os.geteuid(), size):
                continue
            try:
                os.link(candidate, dst)
            except OSError:  # a file system without hard links, a limit on links: copy
                continue
            got = _sha256_file(dst)
            if got[0] == dst.name:
                return got
            dst.unlink()  # a damaged earlier copy is not passed on
    return _copy_hashed(src, dst)


def _new_owner(like: Path) -> tuple[int, int] | None:
    """Run as root, the owner of `like` that what we write there gets (None: it stays ours)."""
    if os.geteuid() != 0:
        return None
    st = like.stat()
    return None if (st.st_uid, st.st_gid) == (0, 0) else (st.st_uid, st.st_gid)


def _adopt(path: Path, *, like: Path) -> None:
    """Run as root, give what we wrote to the owner of `like` (a restore by `sudo` must leave files the
    hub's user can write; a backup written into a folder belongs to that folder's owner)."""
    owner = _new_owner(like)
    if owner is None:
        return
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.chown(p, *owner, follow_symlinks=False)


def _private(root: Path) -> None:
    """Folders 0700 and files 0600 under root (mkdir's parents get the umask's mode, not ours)."""
    for p in [root, *root.rglob("*")]:
        os.chmod(p, 0o700 if p.is_dir() else 0o600)


def _fsync_tree(root: Path) -> None:
    for d in sorted({p.parent for p in root.rglob("*")} | {root}, key=lambda p: len(p.parts), reverse=True):
        fsync_dir(d)


# ---------------------------------------------------------------------------------------------- backup
def _open_source(db: Path) -> sqlite3.Connection:
    if not db.is_file():
        raise BackupError(f"{db}: không có cơ sở dữ liệu / no database at this path")
    with open(db, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{db}: không phải tệp SQLite / not a SQLite database")
    # A normal connection: in WAL mode even a reader needs the -shm file, and it never blocks the hub's writer.
    conn = sqlite3.connect(str(db), timeout=30.0)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _facts(conn: sqlite3.Connection) -> dict[str, Any]:
    """Schema version and counts of a database (no personal data)."""
    def count(sql: str) -> int:
        try:
            return int(conn.execute(sql).fetchone()[0] or 0)
        except sqlite3.OperationalError:  # an older schema without that table
            return 0

    return {"schema_version": int(conn.execute("PRAGMA user_version").fetchone()[0]),
            "tickets": count("SELECT COUNT(*) FROM tickets"), "dossiers": count("SELECT COUNT(*) FROM dossiers"),
            "last_event_seq": count("SELECT MAX(seq) FROM events")}


def _referenced_blobs(conn: sqlite3.Connection) -> tuple[list[str], set[str]]:
    """Every file the dossiers refer to, and those of dossiers the central server has not confirmed."""
    try:
        every = [r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM dossier_files ORDER BY sha256")]
        pending = {r[0] for r in conn.execute(
            "SELECT DISTINCT f.sha256 FROM dossier_files f JOIN dossiers d ON d.id = f.dossier_id WHERE d.code IS NULL")}
    except sqlite3.OperationalError:
        return [], set()
    return every, pending


def create_backup(db: str | Path, dest: str | Path, *, reason: str = "manual",
                  previous: Path | None = None) -> BackupResult:
    """Back up a hub database and its dossier files into `dest` (a new folder), verified.

    `previous`: an earlier backup on the same disk whose files may be linked instead of copied.
    """
    db, dest = Path(db), Path(dest)
    if dest.exists():
        raise BackupError(f"{dest}: đã tồn tại / already exists")
    partial = dest.with_name(dest.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(mode=0o700, parents=True)
    try:
        result = _write_backup(db, partial, reason=reason, may_link=_new_owner(dest.parent) is None,
                               previous=previous)
        _private(partial)
        verify_backup(partial)
        _fsync_tree(partial)
        os.replace(partial, dest)
        fsync_dir(dest.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _adopt(dest, like=dest.parent)
    result.path = dest
    log.info("backup of %s written to %s (%d file(s))", db, dest, len(result.manifest["parts"]) - 1)
    return result


def _write_backup(db: Path, out: Path, *, reason: str, may_link: bool, previous: Path | None) -> BackupResult:
    src = _open_source(db)
    copy_path = out / DATABASE
    try:
        dst = sqlite3.connect(str(copy_path))
        try:
            os.chmod(copy_path, 0o600)
            # One step (pages=-1): a read transaction on a snapshot. Stepping page by page would restart
            # whenever the hub commits, and a busy hub commits all the time.
            src.backup(dst)
            # The copy stands alone: no -wal/-shm beside it, whatever mode the hub's file is in.
            dst.execute("PRAGMA journal_mode = DELETE")
            facts = _facts(dst)
            blobs, pending = _referenced_blobs(dst)
        finally:
            dst.close()
    finally:
        src.close()
    sha, size = _sha256_file(copy_path)
    parts: list[dict[str, Any]] = [{"path": DATABASE, "sha256": sha, "size": size}]
    blob_dir = blob_dir_of(db)
    missing: list[str] = []
    damaged: list[str] = []
    for digest in blobs:
        source = blob_dir / digest[:2] / digest
        rel = f"{BLOBS}/{digest[:2]}/{digest}"
        try:
            got, n = _link_or_copy(source, out / rel, may_link=may_link,
                                   previous=previous / rel if previous is not None else None)
        except FileNotFoundError:
            # Purged after the central server confirmed its dossier ([central] file_retention_days), or lost.
            missing.append(digest)
            continue
        if got != digest:
            (out / rel).unlink()
            damaged.append(digest)
            log.error("dossier file %s on the hub does not match its sha256 (%s): left out of the backup", digest, got)
            continue
        parts.append({"path": rel, "sha256": got, "size": n})
    lost = [d for d in missing if d in pending]
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "reason": reason,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "host": socket.gethostname(),
        "motcua_version": __version__, "source": str(db.resolve()), **facts,
        "files": len(parts) - 1, "missing_files": missing, "lost_files": lost, "damaged_files": damaged,
        "parts": parts,
    }
    fd = os.open(out / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    return BackupResult(path=out, manifest=manifest, damaged=damaged, lost=lost)


def verify_backup(path: str | Path) -> dict[str, Any]:
    """Check a backup folder: its manifest, every part's size and sha256, and integrity_check on the copy.

    Returns the manifest; raises BackupError naming the first thing that is wrong.
    """
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path}: không phải bản sao lưu (thiếu {MANIFEST}) / not a backup (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path / MANIFEST}: không đọc được / unreadable: {exc}") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("parts"), list):
        raise BackupError(f"{path / MANIFEST}: không phải bản sao lưu motcua / not a motcua backup manifest")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(f"{path}: bản sao lưu của phiên bản mới hơn / made by a newer motcua-edge "
                          f"(format {manifest['format_version']}); use that version to restore it")
    parts = manifest["parts"]
    if not parts or parts[0].get("path") != DATABASE:
        raise BackupError(f"{path / MANIFEST}: thiếu cơ sở dữ liệu / the manifest lists no database")
    for part in parts:
        rel = str(part.get("path", ""))
        target = (path / rel).resolve()
        if not rel or path.resolve() not in target.parents:
            raise BackupError(f"{path / MANIFEST}: đường dẫn không hợp lệ / bad part path {rel!r}")
        try:
            sha, size = _sha256_file(target)
        except FileNotFoundError:
            raise BackupError(f"{path / rel}: thiếu tệp / missing") from None
        if (sha, size) != (part.get("sha256"), part.get("size")):
            raise BackupError(f"{path / rel}: hỏng (mã băm hoặc kích thước không khớp) / damaged: its sha256 or "
                              "size does not match the manifest")
        if rel.startswith(f"{BLOBS}/") and Path(rel).name != sha:
            raise BackupError(f"{path / rel}: tên tệp không khớp nội dung / the file name is not its sha256")
    # Read-only, so that checking a backup never writes to it.
    conn = sqlite3.connect(f"file:{path / DATABASE}?mode=ro", uri=True)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path / DATABASE}: cơ sở dữ liệu hỏng / damaged database: {exc}") from None
    finally:
        conn.close()
    if result != ["ok"]:
        raise BackupError(f"{path / DATABASE}: integrity_check: {'; '.join(map(str, result[:5]))}")
    if version != manifest.get("schema_version"):
        raise BackupError(f"{path / MANIFEST}: schema_version {manifest.get('schema_version')} but the database "
                          f"says {version}")
    return dict(manifest)


# ---------------------------------------------------------------------------------------------- naming and retention
_STAMP = r"\d{8}-\d{6}(?:-\d+)?"


def _stamp(now: float | None = None) -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now is None else now))


def _new_dir(folder: Path, name: str) -> Path:
    dest = folder / name
    n = 2
    while dest.exists() or dest.with_name(dest.name + ".partial").exists():
        dest = folder / f"{name}-{n}"
        n += 1
    return dest


def _backups(folder: Path, pattern: str) -> list[Path]:
    """Complete backups in `folder` whose names match `pattern`, oldest first."""
    rx = re.compile(pattern)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_dir() and rx.fullmatch(p.name) and (p / MANIFEST).is_file()]

    def key(p: Path) -> tuple[str, int]:
        m = re.search(r"(\d{8}-\d{6})(?:-(\d+))?$", p.name)
        return (m.group(1), int(m.group(2) or 1)) if m else (p.name, 0)

    return sorted(found, key=key)


def prune(folder: Path, pattern: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups matching `pattern` (and stale .partial folders); returns what went."""
    gone = []
    for old in _backups(folder, pattern)[:-keep] if keep > 0 else []:
        shutil.rmtree(old)
        gone.append(old)
    rx = re.compile(pattern + r"\.partial")
    for p in folder.iterdir() if folder.is_dir() else []:
        # A .partial a day old is what a crash or a full disk left; a younger one may be a backup under way.
        if p.is_dir() and rx.fullmatch(p.name) and time.time() - p.stat().st_mtime > 86400:
            shutil.rmtree(p, ignore_errors=True)
            gone.append(p)
    for p in gone:
        log.info("removed old backup %s", p)
    return gone


def backup_into(db: str | Path, folder: str | Path, *, keep: int | None = None,
                now: float | None = None) -> tuple[BackupResult, list[Path]]:
    """A dated backup `folder/<db name>-YYYYmmdd-HHMMSS`, then the older ones beyond `keep` removed."""
    db, folder = Path(db), Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    pattern = re.escape(db.stem) + "-" + _STAMP
    earlier = _backups(folder, pattern)
    result = create_backup(db, _new_dir(folder, f"{db.stem}-{_stamp(now)}"), reason="manual",
                           previous=earlier[-1] if earlier else None)
    gone = prune(folder, pattern, keep) if keep else []
    return result, gone


def pre_migration_backup(db: str | Path, *, from_version: int, to_version: int) -> Path:
    """The backup the hub takes before it migrates an existing database (kept: the newest 3)."""
    db = Path(db)
    folder = db.parent / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    name = f"{db.stem}-pre-migration-v{from_version}-v{to_version}-{_stamp()}"
    result = create_backup(db, _new_dir(folder, name), reason=f"pre-migration v{from_version} -> v{to_version}")
    try:
        prune(folder, re.escape(db.stem) + r"-pre-migration-v\d+-v\d+-" + _STAMP, PRE_MIGRATION_KEEP)
    except OSError as exc:  # an old backup we may not delete must not stop the hub
        log.warning("cannot remove old pre-migration backups in %s: %s", folder, exc)
    return result.path


# ---------------------------------------------------------------------------------------------- restore
@dataclass
class RestoreResult:
    """What a restore put back and what it moved aside."""

    db: Path
    manifest: dict[str, Any]
    files: int
    moved_aside: list[Path]


def restore_backup(src: str | Path, db: str | Path, *, force: bool = False) -> RestoreResult:
    """Verify a backup and put its database and dossier files at `db` (what was there is moved aside)."""
    # Here, not at the top: importing sync.store runs its package, which imports this module.
    from sync.store.migrations import SCHEMA_VERSION

    src, db = Path(src), Path(db)
    manifest = verify_backup(src)
    if manifest.get("schema_version", 0) > SCHEMA_VERSION and not force:
        raise BackupError(f"{src}: cơ sở dữ liệu phiên bản {manifest['schema_version']}, mới hơn phiên bản "
                          f"{SCHEMA_VERSION} của chương trình này / the database has schema version "
                          f"{manifest['schema_version']}, newer than this program's {SCHEMA_VERSION}: "
                          "install the motcua-edge that made the backup")
    db.parent.mkdir(parents=True, exist_ok=True)
    blob_dir = blob_dir_of(db)
    with _exclusive(db, force=force):
        tag = uuid.uuid4().hex[:8]
        stage_db = db.with_name(f".{db.name}.restore-{tag}")
        stage_blobs = blob_dir.with_name(f".{blob_dir.name}.restore-{tag}")
        try:
            stage_blobs.mkdir(mode=0o700)
            files = 0
            for part in manifest["parts"]:
                rel = part["path"]
                target = stage_db if rel == DATABASE else stage_blobs / Path(rel).relative_to(BLOBS)
                if _copy_hashed(src / rel, target) != (part["sha256"], part["size"]):
                    raise BackupError(f"{src / rel}: thay đổi trong khi khôi phục / changed while being restored")
                files += rel != DATABASE
            _private(stage_blobs)
            _fsync_tree(stage_blobs)
            moved = _move_aside(db, blob_dir)
            os.replace(stage_db, db)
            os.replace(stage_blobs, blob_dir)
            fsync_dir(db.parent)
        finally:
            if stage_db.exists():
                stage_db.unlink()
            shutil.rmtree(stage_blobs, ignore_errors=True)
        _adopt(db, like=db.parent)
        _adopt(blob_dir, like=db.parent)
    log.info("restored %s from %s (%d file(s)); moved aside: %s", db, src, files, [str(p) for p in moved])
    return RestoreResult(db=db, manifest=manifest, files=files, moved_aside=moved)


def _move_aside(db: Path, blob_dir: Path) -> list[Path]:
    """Rename the current database (with its -wal and -shm: a stale -wal beside the restored file would be
    replayed into it) and its files to `*.replaced-STAMP`, never deleting them."""
    stamp = _stamp()
    aside = db.with_name(f"{db.name}.replaced-{stamp}")
    n = 2
    while aside.exists():
        aside = db.with_name(f"{db.name}.replaced-{stamp}-{n}")
        n += 1
    moved = []
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db) + suffix)
        if p.exists():
            target = Path(str(aside) + suffix)
            os.replace(p, target)
            moved.append(target)
    if blob_dir.exists():
        target = Path(str(aside) + ".blobs")
        os.replace(blob_dir, target)
        moved.append(target)
    return moved


# ---------------------------------------------------------------------------------------------- command line
def _summary(m: dict[str, Any]) -> str:
    return (f"  phiên bản CSDL {m.get('schema_version')}, {m.get('tickets')} phiếu, {m.get('dossiers')} hồ sơ, "
            f"{m.get('files')} tệp / schema {m.get('schema_version')}, {m.get('tickets')} tickets, "
            f"{m.get('dossiers')} dossiers, {m.get('files')} files")


def backup_main(argv: list[str]) -> int:
    """motcua backup --db PATH --to DIR [--keep N] [--json] | motcua backup verify PATH [--json]."""
    import argparse

    if argv and argv[0] == "verify":
        ap = argparse.ArgumentParser(prog="motcua backup verify",
                                     description="Kiểm tra một bản sao lưu / verify a backup folder.")
        ap.add_argument("path", type=Path, help="the backup folder")
        ap.add_argument("--json", action="store_true", help="print the manifest as JSON")
        args = ap.parse_args(argv[1:])
        try:
            manifest = verify_backup(args.path)
        except BackupError as exc:
            print(f"✘ {exc}", file=sys.stderr)
            return 1
        if args.json:
            print(json.dumps({"ok": True, "path": str(args.path), **manifest}, ensure_ascii=False))
        else:
            print(f"✔ Bản sao lưu tốt / the backup is sound: {args.path} ({manifest.get('created_at')})")
            print(_summary(manifest))
        return 0
    ap = argparse.ArgumentParser(
        prog="motcua backup", description="Sao lưu máy chủ trạm (CSDL và tệp hồ sơ), được cả khi đang chạy / back up "
        "the site hub's database and dossier files, also while it runs. `motcua backup verify PATH` checks one.")
    ap.add_argument("--db", required=True, type=Path, help="the hub's database, e.g. /var/lib/motcua/site.db")
    ap.add_argument("--to", required=True, type=Path,
                    help="folder that receives a dated backup folder <db name>-YYYYmmdd-HHMMSS")
    ap.add_argument("--keep", type=int, default=None, help="then keep only the newest N backups of this database there")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    if args.keep is not None and args.keep < 1:
        ap.error("--keep must be at least 1")
    try:
        result, gone = backup_into(args.db, args.to, keep=args.keep)
    except (BackupError, OSError, sqlite3.Error) as exc:
        print(f"✘ motcua backup: {exc}", file=sys.stderr)
        return 1
    m = result.manifest
    if args.json:
        print(json.dumps({"ok": not (result.lost or result.damaged), "path": str(result.path),
                          "removed": [str(p) for p in gone], **m}, ensure_ascii=False))
    else:
        print(f"✔ Đã sao lưu và kiểm tra / backed up and verified: {result.path}")
        print(_summary(m))
        if m["missing_files"]:
            print(f"  {len(m['missing_files'])} tệp đã xóa theo hạn lưu giữ / files already purged after "
                  "the central server confirmed their dossiers")
        for p in gone:
            print(f"  đã xóa bản cũ / removed old backup: {p}")
    for digest in result.lost:
        print(f"! thiếu tệp của hồ sơ chưa gửi lên tỉnh / missing file of a dossier not yet sent upstream: {digest}",
              file=sys.stderr)
    for digest in result.damaged:
        print(f"! tệp hồ sơ trên máy chủ trạm bị hỏng / a dossier file on the hub is damaged: {digest}", file=sys.stderr)
    return 1 if result.lost or result.damaged else 0


def restore_main(argv: list[str]) -> int:
    """motcua restore --from BACKUP --db PATH [--force]."""
    import argparse

    ap = argparse.ArgumentParser(
        prog="motcua restore", description="Khôi phục máy chủ trạm từ bản sao lưu / restore the site hub's database "
        "and dossier files from a backup folder (stop the hub first).")
    ap.add_argument("--from", dest="source", required=True, type=Path, help="the backup folder")
    ap.add_argument("--db", required=True, type=Path, help="where the hub's database goes, e.g. /var/lib/motcua/site.db")
    ap.add_argument("--force", action="store_true",
                    help="replace the database even if a hub is running on it, or if it is newer than this program")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    try:
        r = restore_backup(args.source, args.db, force=args.force)
    except (BackupError, OSError, sqlite3.Error) as exc:
        print(f"✘ motcua restore: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"ok": True, "db": str(r.db), "files": r.files, "moved_aside": [str(p) for p in r.moved_aside],
                          "backup": r.manifest}, ensure_ascii=False))
        return 0
    print(f"✔ Đã khôi phục / restored: {r.db} ← {args.source} ({r.manifest.get('created_at')})")
    print(_summary(r.manifest))
    for p in r.moved_aside:
        print(f"  bản cũ để lại ở / the previous one was moved to: {p}")
    print("→ Khởi động máy chủ trạm / start the hub: systemctl start motcua-hub")
    return 0
