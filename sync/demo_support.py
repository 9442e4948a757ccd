"""What `motcua demo` needs to run the reference central server beside the hub and report `synced`."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sync.server import ServerThread


def start_central(tmp_dir: str | Path) -> tuple[ServerThread, str]:
    """Start the reference central server on 127.0.0.1 (a fresh, seeded store in tmp_dir); returns it and its URL."""
    from sync.central.app import create_central_app
    from sync.central.store import CentralStore

    db = Path(tmp_dir) / "central.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    server = ServerThread(create_central_app(CentralStore(db))).start()
    return server, server.url


def wait_synced(hub: Any, *, timeout: float = 15.0) -> bool:
    """Wait until the hub's outbox is empty and every dossier has its official code (True if so)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = hub.sync_status()
        if st["backlog"] == 0 and st["dossiers_unlinked"] == 0 and st["state"] == "ok":
            return True
        time.sleep(0.1)
    return False


def count_synced(central: ServerThread, *, site: str) -> int:
    """Tickets plus dossiers of the site that the central server holds."""
    counts = central.app.state.store.counts(site=site)
    return int(counts["tickets"] + counts["dossiers"])
