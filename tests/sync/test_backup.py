"""`motcua backup` / `motcua restore` and the hub's backup before a migration, over real SQLite files and a hub
on loopback (the whole chapter, with real processes and installed units, is tests/test_operations.py)."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from motcua.cli import main as motcua
from sync.backup import (
    DATABASE,
    MANIFEST,
    BackupError,
    HubRunning,
    backup_into,
    create_backup,
    restore_backup,
    verify_backup,
)
from sync.store import MIGRATIONS, SCHEMA_VERSION, SiteStore, StoreError, migrate


def put_dossier(h, files: list[bytes]) -> dict:  # noqa: ANN001
    """A dossier with its files through the hub's API, as a kiosk sends it."""
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {h.tokens['kiosk']}"
    refs = []
    for i, data in enumerate(files):
        sha = hashlib.sha256(data).hexdigest()
        assert s.put(f"{h.url}/api/v1/files/{sha}", data=data, timeout=5).status_code == 201
        refs.append({"sha256": sha, "name": f"trang-{i + 1}.jpg", "mime": "image/jpeg"})
    r = s.post(f"{h.url}/api/v1/dossiers", json={
        "id": str(uuid.uuid4()), "procedure": "DD.03", "files": refs,
        "applicant": {"name": "Nguyễn Thị Hồng Nhung", "id_number": "027190001234", "phone": "0912345678"}}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_backup_of_a_busy_hub_is_consistent_and_has_every_dossier_file(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    files = [os.urandom(200_000), os.urandom(50_000)]
    d = put_dossier(h, files)
    kiosk = h.client("kiosk")
    for _ in range(20):
        kiosk.issue("DD")
    # Kiosks keep issuing numbers while the backup runs: the online backup copies one snapshot.
    stop = threading.Event()
    issued: list[str] = []

    def busy() -> None:
        c = h.client("kiosk")
        while not stop.is_set():
            issued.append(c.issue("TPHT").id)

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        result, _ = backup_into(h.db, tmp_path / "backups")
    finally:
        stop.set()
        worker.join()
    assert issued, "the hub kept working during the backup"
    m = verify_backup(result.path)
    assert m["schema_version"] == SCHEMA_VERSION and m["dossiers"] == 1 and m["files"] == 2
    copy = result.path / DATABASE
    # A snapshot: every ticket's number is consistent with the event log of the same copy.
    n_tickets = rows(copy, "SELECT COUNT(*) FROM tickets")[0][0]
    n_issue_events = rows(copy, "SELECT COUNT(*) FROM events WHERE type = 'ticket.issued'")[0][0]
    assert n_tickets == n_issue_events == m["tickets"] >= 20
    for data in files:
        sha = hashlib.sha256(data).hexdigest()
        assert (result.path / "blobs" / sha[:2] / sha).read_bytes() == data
    assert rows(copy, "SELECT id FROM dossiers") == [(d["id"],)]
    # The copy stands alone (no -wal beside it), and personal data is for the hub's user only.
    assert not Path(str(copy) + "-wal").exists()
    assert (result.path.stat().st_mode & 0o777) == 0o700
    assert all((p.stat().st_mode & 0o777) == (0o700 if p.is_dir() else 0o600) for p in result.path.rglob("*"))


def test_verify_finds_any_damage(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    data = os.urandom(10_000)
    put_dossier(h, [data])
    good, _ = backup_into(h.db, tmp_path / "b")
    sha = hashlib.sha256(data).hexdigest()
    blob = good.path / "blobs" / sha[:2] / sha

    def damaged(change) -> str:  # noqa: ANN001
        bad = tmp_path / f"bad-{uuid.uuid4().hex[:6]}"
        import shutil

        shutil.copytree(good.path, bad)
        change(bad)
        with pytest.raises(BackupError) as err:
            verify_backup(bad)
        return str(err.value)

    def flip(p: Path) -> None:
        b = bytearray(p.read_bytes())
        b[len(b) // 2] ^= 0x01
        p.write_bytes(bytes(b))

    rel = blob.relative_to(good.path)
    assert "damaged" in damaged(lambda b: flip(b / rel))
    assert "missing" in damaged(lambda b: (b / rel).unlink())
    assert "damaged" in damaged(lambda b: flip(b / DATABASE))
    assert "no manifest.json" in damaged(lambda b: (b / MANIFEST).unlink())

    def edit_manifest(b: Path) -> None:
        m = json.loads((b / MANIFEST).read_text())
        m["parts"][1]["path"] = "../../etc/passwd"
        (b / MANIFEST).write_text(json.dumps(m))

    assert "bad part path" in damaged(edit_manifest)
    verify_backup(good.path)  # the original is untouched
    assert motcua(["backup", "verify", str(good.path)]) == 0


def test_restore_refuses_a_running_hub_then_puts_everything_back(make_hub, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    kiosk = h.client("kiosk")
    tickets = [kiosk.issue("DD").id for _ in range(3)]
    data = os.urandom(30_000)
    d = put_dossier(h, [data])
    assert motcua(["backup", "--db", str(h.db), "--to", str(tmp_path / "b")]) == 0
    path = Path(capsys.readouterr().out.split("verified: ")[1].splitlines()[0])
    later = kiosk.issue("DD").id  # made after the backup: not in it
    # The running hub holds the database: no restore under it.
    assert motcua(["restore", "--from", str(path), "--db", str(h.db)]) == 1
    assert "stop it first" in capsys.readouterr().err
    with pytest.raises(HubRunning):
        restore_backup(path, h.db)
    assert h.client().ticket(later).id == later
    h.stop()
    r = restore_backup(path, h.db)
    # What was there is moved aside, never deleted; the restored database gets no stale -wal from it.
    assert r.files == 1 and {p.name.split(".replaced-")[0] for p in r.moved_aside} >= {h.db.name}
    assert all(p.exists() for p in r.moved_aside)
    assert not Path(str(h.db) + "-wal").exists()
    h.start()
    c = h.client()
    assert [c.ticket(t).id for t in tickets] == tickets
    with pytest.raises(Exception, match="404|not_found|Không"):
        c.ticket(later)
    assert c.dossier(d["id"]).files[0].sha256 == hashlib.sha256(data).hexdigest()
    sha = hashlib.sha256(data).hexdigest()
    assert (Path(str(h.db) + ".blobs") / sha[:2] / sha).read_bytes() == data


def test_restore_over_a_crashed_hub_ignores_its_leftover_wal(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    migrate(db).conn.close()
    good = create_backup(db, tmp_path / "good")
    # A hub killed mid-write leaves a -wal whose frames belong to the old file only.
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO meta (key, value) VALUES ('crashed', 'yes')")
    conn.commit()
    target = tmp_path / "other" / "site.db"
    target.parent.mkdir()
    for suffix in ("", "-wal", "-shm"):
        target.with_name("site.db" + suffix).write_bytes(Path(str(db) + suffix).read_bytes())
    conn.close()
    assert rows(target, "SELECT value FROM meta WHERE key = 'crashed'") == [("yes",)]
    restore_backup(good.path, target)
    assert rows(target, "SELECT value FROM meta WHERE key = 'crashed'") == []
    assert rows(target, "PRAGMA integrity_check") == [("ok",)]


def test_restore_refuses_a_database_newer_than_this_program(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    migrate(db).conn.close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    b = create_backup(db, tmp_path / "b")
    with pytest.raises(BackupError, match="newer than this program"):
        restore_backup(b.path, tmp_path / "new" / "site.db")
    assert not (tmp_path / "new" / "site.db").exists()
    assert restore_backup(b.path, tmp_path / "new" / "site.db", force=True).db.exists()


def test_keep_removes_only_older_backups_of_that_database(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    migrate(db).conn.close()
    folder = tmp_path / "backups"
    made = [backup_into(db, folder, now=1_790_000_000 + i * 86400)[0].path for i in range(4)]
    other = create_backup(db, folder / "keep-me")  # not one of the dated backups: left alone
    stale = folder / "site-20200101-000000.partial"  # what a crash left long ago
    stale.mkdir()
    os.utime(stale, (time.time() - 3 * 86400,) * 2)
    newest, gone = backup_into(db, folder, keep=2, now=1_790_000_000 + 9 * 86400)
    assert sorted(p.name for p in folder.iterdir()) == sorted([made[3].name, newest.path.name, other.path.name])
    assert set(gone) == {*made[:3], stale}


def test_lost_and_damaged_files_are_reported(make_hub, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    a, b = os.urandom(5000), os.urandom(5000)
    put_dossier(h, [a, b])
    blobs = Path(str(h.db) + ".blobs")
    sa, sb = hashlib.sha256(a).hexdigest(), hashlib.sha256(b).hexdigest()
    (blobs / sa[:2] / sa).unlink()  # a file of a dossier the central server has not received yet: lost
    (blobs / sb[:2] / sb).write_bytes(b"overwritten")
    assert motcua(["backup", "--db", str(h.db), "--to", str(tmp_path / "b"), "--json"]) == 1
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert report["lost_files"] == [sa] and report["damaged_files"] == [sb] and not report["ok"]
    assert sa in out.err and sb in out.err
    verify_backup(report["path"])  # what could be saved is a sound backup


def _old_database(path: Path, version: int) -> None:
    """A database as an older motcua-edge left it: the first `version` migrations only."""
    conn = sqlite3.connect(path)
    for v in range(version):
        conn.executescript(MIGRATIONS[v])
        conn.execute(f"PRAGMA user_version = {v + 1}")
    conn.execute("INSERT INTO tokens (hash, role, name, created_at) VALUES ('h', 'admin', 'old', 1)")
    conn.commit()
    conn.close()


def test_the_hub_backs_up_before_it_migrates(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    old = SCHEMA_VERSION - 1
    _old_database(db, old)
    blobs = Path(str(db) + ".blobs")
    store = SiteStore(db)  # what `motcua hub` does at start
    store.close()
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    [backup] = (tmp_path / "backups").iterdir()
    assert backup.name.startswith(f"site-pre-migration-v{old}-v{SCHEMA_VERSION}-")
    m = verify_backup(backup)
    assert m["schema_version"] == old and m["reason"].startswith("pre-migration")
    assert rows(backup / DATABASE, "SELECT name FROM tokens") == [("old",)]
    # The way back: the previous version's database, as it was.
    restore_backup(backup, tmp_path / "rollback" / "site.db")
    assert rows(tmp_path / "rollback" / "site.db", "PRAGMA user_version") == [(old,)]
    assert not blobs.exists() or not any(blobs.iterdir())
    # A new database needs no backup; an up-to-date one neither.
    SiteStore(tmp_path / "new.db").close()
    SiteStore(db).close()
    assert len(list((tmp_path / "backups").iterdir())) == 1


def test_no_migration_without_its_backup(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    _old_database(db, SCHEMA_VERSION - 1)
    (tmp_path / "backups").write_text("a file where the backups folder should be")
    with pytest.raises(StoreError, match="nothing was changed"):
        SiteStore(db)
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION - 1,)]


def test_pre_migration_backups_keep_the_newest_three(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    for _ in range(5):
        db.unlink(missing_ok=True)
        _old_database(db, SCHEMA_VERSION - 1)
        migrate(db).conn.close()
    assert len(list((tmp_path / "backups").iterdir())) == 3


def test_a_hub_does_not_start_during_a_restore(tmp_path: Path) -> None:
    import fcntl

    db = tmp_path / "site.db"
    migrate(db).conn.close()
    with open(str(db) + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # what restore_backup holds
        with pytest.raises(StoreError, match="restore"):
            SiteStore(db)
    SiteStore(db).close()


def test_files_are_linked_on_the_same_disk_and_copied_to_another(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    h = make_hub(example=True)
    data = os.urandom(40_000)
    put_dossier(h, [data])
    sha = hashlib.sha256(data).hexdigest()
    hub_file = Path(str(h.db) + ".blobs") / sha[:2] / sha
    nights = [backup_into(h.db, tmp_path / "backups", now=1_790_000_000 + i * 86400)[0].path for i in range(2)]
    # Same disk: every night's backup shares the hub's file (it never changes in place) instead of a copy.
    inodes = {(p / "blobs" / sha[:2] / sha).stat().st_ino for p in nights}
    assert inodes == {hub_file.stat().st_ino}
    # The hub deletes the file (retention): the backups still have it, whole.
    hub_file.unlink()
    for p in nights:
        verify_backup(p)
        assert (p / "blobs" / sha[:2] / sha).read_bytes() == data
    # Another disk gets a copy of its own.
    other = Path("/dev/shm")
    if not other.is_dir() or os.stat(other).st_dev == os.stat(tmp_path).st_dev or not os.access(other, os.W_OK):
        pytest.skip("no second file system (/dev/shm) to copy to")
    restore_backup(nights[0], tmp_path / "again" / "site.db")
    again = tmp_path / "again" / "site.db"
    target = other / f"motcua-test-{uuid.uuid4().hex[:8]}"
    try:
        first = backup_into(again, target, now=1_790_000_000)[0].path / "blobs" / sha[:2] / sha
        assert first.read_bytes() == data and first.stat().st_nlink == 1
        # The next night on that disk links to the previous night's copy...
        second = backup_into(again, target, now=1_790_086_400)[0].path / "blobs" / sha[:2] / sha
        assert second.stat().st_ino == first.stat().st_ino
        # ...but a file the hub has purged since is not carried on.
        (Path(str(again) + ".blobs") / sha[:2] / sha).unlink()
        third, _ = backup_into(again, target, now=1_790_172_800)
        assert not (third.path / "blobs" / sha[:2] / sha).exists()
        assert third.manifest["missing_files"] == [sha]
    finally:
        import shutil

        shutil.rmtree(target, ignore_errors=True)
