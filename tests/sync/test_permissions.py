"""Data at rest is owner-only whatever the umask: the hub's and the central server's SQLite files (with
-wal and -shm) and blob folders, and the devices' caches under ~/.cache/motcua — created by the real
code paths under the most permissive umask (0), then their modes read back."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from support import RunningHub, small_site

from motcua.config import parse_site_config
from sync.central.app import create_central_app
from sync.central.store import CentralStore
from sync.client import DeviceCache
from sync.hub import Hub
from sync.server import ServerThread
from sync.store import SiteStore


@pytest.fixture
def umask0() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def sqlite_files(db: Path) -> dict[str, int]:
    """The modes of a database and its journals (which must exist: the test wrote through WAL)."""
    files = {db.name: mode(db)}
    for suffix in ("-wal", "-shm"):
        p = Path(str(db) + suffix)
        assert p.exists(), p
        files[p.name] = mode(p)
    return files


def test_hub_database_and_files(umask0: None, make_hub: Callable[..., RunningHub]) -> None:
    hub = make_hub()
    hub.client("kiosk").issue("A")
    sha = hub.client("counter").upload_file(b"%PDF-1.4 giay to cua cong dan")
    db = hub.db
    assert set(sqlite_files(db).values()) == {0o600}
    blobs = Path(str(db) + ".blobs")
    blob = blobs / sha[:2] / sha
    assert (mode(blobs), mode(blob.parent), mode(blob)) == (0o700, 0o700, 0o600)


def test_central_database_blobs_and_partial_uploads(umask0: None, tmp_path: Path) -> None:
    with ServerThread(create_central_app(CentralStore(tmp_path / "central.db", dev_tokens=True))) as central:
        h = {"Authorization": "Bearer dev-central-token-TEST"}
        whole, part = b"ho so day du" * 100, b"ho so dang gui" * 100
        for data, sent in ((whole, len(whole)), (part, 10)):
            sha = hashlib.sha256(data).hexdigest()
            r = requests.put(f"{central.url}/api/v1/blobs/{sha}", params={"offset": 0, "size": len(data)},
                             data=data[:sent], headers=h, timeout=5)
            assert r.status_code in (201, 202)
        store: CentralStore = central.app.state.store
        assert set(sqlite_files(tmp_path / "central.db").values()) == {0o600}
        final = store.blob_path(hashlib.sha256(whole).hexdigest())
        partial = store.partial_path(hashlib.sha256(part).hexdigest())
        assert (mode(store.blob_dir), mode(final.parent), mode(final)) == (0o700, 0o700, 0o600)
        assert (mode(partial.parent), mode(partial)) == (0o700, 0o600)


def test_device_caches(umask0: None, tmp_path: Path) -> None:
    from counter_display.announce import PhraseCache
    from counter_display.state import BoardState

    home = tmp_path / "home" / ".cache"  # the cache folders do not exist yet: all are made by the code
    cache = DeviceCache(home / "motcua" / "kiosk-cache.db")
    cache.put("site", {"code": "TEST"})
    assert (mode(home / "motcua"), *sqlite_files(cache.path).values()) == (0o700, 0o600, 0o600, 0o600)
    cache.close()
    board = home / "motcua" / "board" / "board-cache.db"
    BoardState().save(board)
    assert (mode(board.parent), mode(board)) == (0o700, 0o600)

    class Synth:
        def synthesize(self, text: str, *, voice: str, out: Path) -> None:
            out.write_bytes(b"RIFF")

    phrases = PhraseCache(home / "motcua" / "announcer", Synth())
    wav = phrases.get("Mời công dân có số thứ tự một nghìn", voice="vi")
    assert mode(wav.parent) == 0o700


def test_loose_files_from_an_earlier_run_are_tightened(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        db = tmp_path / "site.db"
        conn = sqlite3.connect(db)  # as an earlier version made it: 0644
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE x (y)")
        (tmp_path / "site.db.blobs" / "ab").mkdir(parents=True)
        assert mode(db) == 0o644 and mode(tmp_path / "site.db.blobs") == 0o755
        conn.close()
    finally:
        os.umask(old)
    store = SiteStore(db)
    try:
        Hub(parse_site_config(small_site()), store)  # what `motcua hub` does at start
        assert mode(db) == 0o600 and mode(Path(str(db) + "-wal")) == 0o600
        assert mode(tmp_path / "site.db.blobs") == 0o700
    finally:
        store.close()
