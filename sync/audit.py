"""Nhật ký truy cập và điều hành: the audit log of who read which dossier's personal data, and of who used which
operational control of the manager's console (open/close a counter, pause a service, ticker, guides, notice).

The hub writes one row per staff read of a dossier (token name, role, client address, action, dossier id)
through its writer, before it answers; the rows name the dossier, never its data. A console control is a row
of the same log (one place to look, one command), with dossier_id '' and `detail` saying what changed, written
in the same transaction as the change itself (sync.hub.operations). This module reads them:
for the admin API (`GET /api/v1/admin/audit`) and for `motcua audit`:

    motcua audit --since DATE [--until DATE] [--db PATH | --hub URL --token ADMIN] [--json] [--kind KIND]
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from motcua.clock import VIETNAM_TZ, iso

Read = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]

ACTIONS = {"dossier.read": "xem hồ sơ / read",
           "counter.open": "mở quầy / open counter", "counter.close": "đóng quầy / close counter",
           "service.pause": "tạm dừng cấp số / pause issuing", "service.resume": "cấp số lại / resume issuing",
           "ticker.set": "dòng chữ chạy / ticker", "guides.set": "danh sách hướng dẫn / guides playlist",
           "notice.send": "thông báo lên màn hình / board notice"}
KINDS = {"dossier": ("dossier.",), "operations": ("counter.", "service.", "ticker.", "guides.", "notice.")}
"""`motcua audit --kind`: reads of personal data, or the console's operational controls."""


def parse_since(text: str, tz: ZoneInfo) -> float:
    """A day ("2026-11-26": its local midnight) or an ISO time (local when it has no offset), as Unix time."""
    text = text.strip()
    try:
        if len(text) == 10:
            ts = datetime.combine(date.fromisoformat(text), time(0), tzinfo=tz).timestamp()
        else:
            at = datetime.fromisoformat(text)
            ts = (at if at.tzinfo else at.replace(tzinfo=tz)).timestamp()
        datetime.fromtimestamp(ts, tz)  # shown back in local time: years 1 and 9999 may not fit
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"{text[:40]!r}: expected YYYY-MM-DD or an ISO time") from None
    return ts


def read_audit(read: Read, *, since: float, until: float | None = None, limit: int = 10000,
               tz: ZoneInfo = VIETNAM_TZ, kind: str | None = None, newest_first: bool = False) -> list[dict[str, Any]]:
    """Audit entries from `since` (to `until`), oldest first: {"at", "token", "role", "client", "action",
    "dossier_id", "code", "detail"} — the code is the dossier's current one, for people to find it."""
    prefixes = KINDS.get(kind or "", ("",))
    like = " OR ".join("a.action LIKE ?" for _ in prefixes)
    rows = read("SELECT a.at, a.token_name, a.role, a.client, a.action, a.dossier_id, "
                "COALESCE(d.code, d.provisional_code), a.detail FROM audit a LEFT JOIN dossiers d "
                "ON d.id = a.dossier_id AND a.dossier_id != '' "
                f"WHERE a.at >= ? AND (? IS NULL OR a.at < ?) AND ({like}) "
                f"ORDER BY a.seq {'DESC' if newest_first else ''} LIMIT ?",
                (since, until, until, *(p + "%" for p in prefixes), limit))
    return [{"at": iso(r[0], tz), "token": r[1], "role": r[2], "client": r[3], "action": r[4], "dossier_id": r[5],
             "code": r[6], "detail": r[7]} for r in rows]


def format_entry(e: dict[str, Any]) -> str:
    """One line of `motcua audit`."""
    at = str(e["at"])[:19].replace("T", " ")
    head = f"{at}  {e['role']:<8} {e['token']!s:<24} {e['client']:<16} {ACTIONS.get(e['action'], e['action'])}  "
    if not e.get("dossier_id"):  # an operational control: what changed
        return head + str(e.get("detail") or "")
    return head + f"{e.get('code') or '-'}  {e['dossier_id']}"


class AuditError(Exception):
    """The audit log cannot be read (a wrong path, an old database, a refused token)."""


def from_db(path: str | Path, *, since: float, until: float | None, kind: str | None = None) -> list[dict[str, Any]]:
    """Read the audit log straight from a hub database (read-only; the hub may be running)."""
    p = Path(path)
    if not p.is_file():
        raise AuditError(f"không có cơ sở dữ liệu {p} / no database at {p} (the hub's --db)")
    try:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        raise AuditError(f"{p}: {exc}") from None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "audit" not in tables:
            raise AuditError(f"{p} chưa có nhật ký truy cập (cơ sở dữ liệu cũ hoặc không phải của trạm) / has no audit "
                             "log: not a site database, or one the hub has not opened since its upgrade")
        if "detail" not in {r[1] for r in conn.execute("PRAGMA table_info(audit)")}:
            raise AuditError(f"{p}: chưa nâng cấp (mở máy chủ trạm một lần) / not upgraded yet: start the hub once")
        return read_audit(lambda sql, params: conn.execute(sql, params).fetchall(), since=since, until=until,
                          kind=kind)
    except sqlite3.DatabaseError as exc:
        raise AuditError(f"{p}: {exc}") from None
    finally:
        conn.close()


def from_hub(url: str, token: str, *, since: float, until: float | None,
             kind: str | None = None) -> list[dict[str, Any]]:
    """Read the audit log from a running hub (GET /api/v1/admin/audit with an admin token)."""
    import requests

    params: dict[str, Any] = {"since": datetime.fromtimestamp(since, VIETNAM_TZ).isoformat(), "limit": 10000}
    if until is not None:
        params["until"] = datetime.fromtimestamp(until, VIETNAM_TZ).isoformat()
    if kind:
        params["kind"] = kind
    try:
        r = requests.get(url.rstrip("/") + "/api/v1/admin/audit", params=params, timeout=15,
                         headers={"Authorization": f"Bearer {token}"})
    except requests.RequestException as exc:
        raise AuditError(f"không kết nối được máy chủ trạm {url} / cannot reach the hub: {type(exc).__name__}") from None
    if r.status_code != 200:
        try:
            message = r.json()["error"]["message"]
        except Exception:  # noqa: BLE001 - a proxy's page
            message = f"HTTP {r.status_code}"
        raise AuditError(f"máy chủ trạm từ chối / the hub refused: {message}")
    entries: list[dict[str, Any]] = r.json()["entries"]
    return entries


def main(argv: list[str]) -> int:
    """motcua audit --since DATE [--until DATE] [--db PATH | --hub URL --token ADMIN] [--json]."""
    ap = argparse.ArgumentParser(prog="motcua audit", description="Nhật ký truy cập và điều hành / who read which "
                                 "dossier's personal data, and who used which control of the console, when and "
                                 "from where.")
    ap.add_argument("--since", required=True, help="from this day (YYYY-MM-DD, Vietnam time) or ISO time")
    ap.add_argument("--until", default=None, help="up to (not including) this day or ISO time")
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="the hub's database (read-only; the hub may be running)")
    where.add_argument("--hub", help="a running hub's address, e.g. http://127.0.0.1:8470 (with --token)")
    ap.add_argument("--token", default=None, help="an admin token of that hub")
    ap.add_argument("--json", action="store_true", help="print a JSON array of entries")
    ap.add_argument("--kind", choices=sorted(KINDS), default=None,
                    help="only reads of personal data (dossier) or only the console's controls (operations)")
    args = ap.parse_args(argv)
    try:
        since = parse_since(args.since, VIETNAM_TZ)
        until = parse_since(args.until, VIETNAM_TZ) if args.until else None
    except ValueError as exc:
        print(f"motcua audit: {exc}", file=sys.stderr)
        return 2
    try:
        if args.db:
            entries = from_db(args.db, since=since, until=until, kind=args.kind)
        else:
            if not args.token:
                print("motcua audit: --hub cần --token (mã quản trị) / --hub needs --token ADMIN", file=sys.stderr)
                return 2
            entries = from_hub(args.hub, args.token, since=since, until=until, kind=args.kind)
    except AuditError as exc:
        print(f"motcua audit: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=1))
    elif not entries:
        print("Không có mục nào trong nhật ký / no entries in that time")
    else:
        for e in entries:
            print(format_entry(e))
    return 0
