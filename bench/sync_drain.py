#!/usr/bin/env python3
"""Sync drain benchmark: a hub offline with a backlog of events and dossiers with files, then the central
server comes up; how long until the outbox is empty and every dossier has its official code. Prints JSON.

    .venv/bin/python bench/sync_drain.py [--events 10000] [--dossiers 100] [--mb-per-dossier 1]

Hub and central server are separate processes (`motcua hub`, `motcua central`, synchronous=FULL) on
loopback. Target (issue 6): 10,000 events and 100 dossiers of 1 MB drain in at most 10 s.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sync.localsite import CentralProcess, HubProcess, always_open_site_toml  # noqa: E402

SITE = always_open_site_toml(code="BENCH", name="Trung tâm thử đồng bộ", agency_code="000.00.12.H04",
                             central_token="dev-central-token-BENCH", services={"DKKD": "Đăng ký kinh doanh", "S2": "Dịch vụ 2"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=10_000, help="events in the backlog (dossier events included)")
    ap.add_argument("--dossiers", type=int, default=100)
    ap.add_argument("--mb-per-dossier", type=float, default=1.0)
    ap.add_argument("--files-per-dossier", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="motcua-sync-bench-"))
    (tmp / "site.toml").write_text(SITE, encoding="utf-8")
    db = tmp / "hub.db"
    # The central server's port is known before it starts: the hub queues for it while it is down.
    central = CentralProcess(tmp / "central.db", dev_tokens=True, log_level="error")
    hub = HubProcess(tmp / "site.toml", db, roles=("kiosk", "counter", "admin"), token_name="bench",
                     central_url=central.url, sync_backoff_max=0.2, log_level="error")
    tokens, hub_url = hub.tokens, hub.url
    hub.start()
    try:
        # The backlog, made while the central server is down.
        tickets = args.events - args.dossiers
        per = tickets // 8

        def kiosk(i: int) -> None:
            s = requests.Session()
            s.headers["Authorization"] = f"Bearer {tokens['kiosk']}"
            for k in range(per + (1 if i < tickets % 8 else 0)):
                s.post(hub_url + "/api/v1/tickets", json={"service": ("DKKD", "S2")[k % 2]}, timeout=10).raise_for_status()

        threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {tokens['counter']}"
        file_bytes = int(args.mb_per_dossier * 1_000_000 / args.files_per_dossier)
        total_bytes = 0
        for i in range(args.dossiers):
            files = []
            for j in range(args.files_per_dossier):
                data = os.urandom(file_bytes)
                sha = hashlib.sha256(data).hexdigest()
                s.put(f"{hub_url}/api/v1/files/{sha}", data=data, timeout=30).raise_for_status()
                files.append({"sha256": sha, "name": f"ho-so-{i}-{j}.pdf", "mime": "application/pdf"})
                total_bytes += len(data)
            s.post(hub_url + "/api/v1/dossiers", timeout=10, json={
                "id": str(uuid.uuid4()), "procedure": "DKKD.01", "files": files,
                "applicant": {"name": f"Trần Thị {i}", "id_number": f"{i:012d}"}}).raise_for_status()
        for t in threads:
            t.join()
        admin = requests.Session()
        admin.headers["Authorization"] = f"Bearer {tokens['admin']}"
        before = admin.get(hub_url + "/api/v1/sync", timeout=5).json()
        # The link returns.
        central.start()
        t0 = time.perf_counter()
        while True:
            st = admin.get(hub_url + "/api/v1/sync", timeout=5).json()
            if st["backlog"] == 0 and st["dossiers_unlinked"] == 0:
                break
            if time.perf_counter() - t0 > 120:
                raise RuntimeError(f"no drain in 120 s: {st}")
            time.sleep(0.02)
        drain = time.perf_counter() - t0
        print(json.dumps({
            "backlog_events": before["backlog"], "dossiers": args.dossiers, "file_bytes": total_bytes,
            "drain_s": round(drain, 3), "events_per_s": round(before["backlog"] / drain, 1),
            "mb_per_s": round(total_bytes / 1e6 / drain, 1), "target_s": 10.0, "ok": drain <= 10.0,
            "after": {k: st[k] for k in ("backlog", "oldest_unsent_age_s", "dead_letters", "dossiers_unlinked")},
            "cpu_count": os.cpu_count(),
        }, indent=2))
    finally:
        hub.stop()
        central.stop(timeout=15)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
