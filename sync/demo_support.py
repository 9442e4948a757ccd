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
    # The demo's hub uses the example site's development token: accept it (a real central server does not).
    server = ServerThread(create_central_app(CentralStore(db, dev_tokens=True))).start()
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


def always_open_site_toml(*, code: str, name: str, services: dict[str, str], counters: int = 1,
                          agency_code: str = "", central_url: str = "", central_token: str = "") -> str:
    """A site file open day and night (benchmarks and process-level tests run at any hour): the services
    ({code: name}, six-digit numbers from 1) and `counters` counters that each serve all of them."""
    lines = [f'[site]\ncode = "{code}"\nname = "{name}"']
    if agency_code:
        lines.append(f'agency_code = "{agency_code}"')
    lines.append("[hours]")
    lines += [f'{day} = ["00:00-24:00"]' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    lines.append("issue_early_min = 0\nstop_issuing_before_close_min = 0")
    if central_url or central_token:
        lines.append("[central]")
        if central_url:
            lines.append(f'url = "{central_url}"')
        if central_token:
            lines.append(f'token = "{central_token}"')
    for svc_code, svc_name in services.items():
        lines.append(f'[[services]]\ncode = "{svc_code}"\nname = "{svc_name}"\nfirst_number = 1\ndigits = 6')
    all_codes = ", ".join(f'"{c}"' for c in services)
    for n in range(1, counters + 1):
        lines.append(f"[[counters]]\nnumber = {n}\nservices = [{all_codes}]")
    return "\n".join(lines) + "\n"
