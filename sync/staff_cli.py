"""`motcua staff add|list|disable|summary --db PATH`: the site's clerks, and their service and rating figures.

Writes the hub's database directly (like `motcua token`): a running hub sees a new clerk or a disabled one at
the next sign-in. PINs are read from the terminal (not echoed) unless --pin-stdin is given, never from the
command line, where `ps` and the shell history would show them.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sqlite3
import sys
from datetime import datetime
from typing import Any

from motcua.clock import VIETNAM_TZ
from sync.hub.errors import ApiError
from sync.hub.ratings import summary_from
from sync.hub.staff import add_staff, disable_staff, list_staff
from sync.store import StoreError, connect, open_existing


def _pin(args: argparse.Namespace) -> str:
    if args.pin_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass("Mã PIN (4-8 chữ số) / PIN (4-8 digits): ")
    if getpass.getpass("Nhập lại / again: ") != first:
        raise ValueError("hai lần nhập PIN khác nhau / the two PINs differ")
    return first


def summary(db: str, *, first: str, last: str, by: str) -> dict[str, Any]:
    """The ratings summary read from a hub database (as GET /api/v1/ratings/summary answers it)."""
    open_existing(db).conn.close()
    conn = connect(db, readonly=True)
    try:
        def read(sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
            return conn.execute(sql, params).fetchall()

        def name(code: str | None) -> str | None:
            row = conn.execute("SELECT name FROM staff WHERE code = ?", (code,)).fetchone()
            return str(row[0]) if row else None

        return summary_from(read, first=first, last=last, by=by, names=name)
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    """motcua staff add|list|disable|summary."""
    ap = argparse.ArgumentParser(prog="motcua staff", description="Cán bộ một cửa / the site's clerks.")
    sub = ap.add_subparsers(dest="action", required=True)
    a = sub.add_parser("add", help="a clerk who may sign in at the counters (asks for the PIN)")
    a.add_argument("--db", required=True, help="the hub's database (the path given to motcua hub --db)")
    a.add_argument("--code", required=True, help="staff code (mã cán bộ), e.g. NV001")
    a.add_argument("--name", required=True, help="the clerk's name as the counter shows it")
    a.add_argument("--card", default=None, help="the code the counter's scanner reads from the staff card")
    a.add_argument("--pin-stdin", action="store_true", help="read the PIN from the first line of standard input")
    ls = sub.add_parser("list", help="clerks and where they are signed in now")
    ls.add_argument("--db", required=True)
    ls.add_argument("--json", action="store_true")
    d = sub.add_parser("disable", help="the clerk can no longer sign in (their history stays)")
    d.add_argument("--db", required=True)
    d.add_argument("code")
    s = sub.add_parser("summary", help="served, service times, no-shows, transfers and ratings, as JSON")
    s.add_argument("--db", required=True)
    s.add_argument("--from", dest="first", default=None, help="first local day (YYYY-MM-DD; default: today in Việt Nam)")
    s.add_argument("--to", dest="last", default=None, help="last local day (default: --from)")
    s.add_argument("--by", choices=("clerk", "counter", "service"), default="clerk")
    args = ap.parse_args(argv)
    try:
        if args.action == "add":
            open_existing(args.db).conn.close()
            member = add_staff(args.db, code=args.code, name=args.name, pin=_pin(args), card=args.card)
            print(f"Đã thêm cán bộ / added clerk {member.code} ({member.name})")
        elif args.action == "list":
            open_existing(args.db).conn.close()
            rows = list_staff(args.db)
            if args.json:
                print(json.dumps(rows, ensure_ascii=False))
            for r in [] if args.json else rows:
                where = f"quầy / counter {r['counter']}" if r["counter"] is not None else "-"
                print(f"{r['code']:<10} {'disabled' if r['disabled'] else 'active':<8} {where:<16} {r['name']}")
        elif args.action == "disable":
            open_existing(args.db).conn.close()
            if not disable_staff(args.db, args.code):
                print(f"motcua staff: không có cán bộ đang hoạt động mã {args.code} / no active clerk {args.code}",
                      file=sys.stderr)
                return 1
            print(f"Đã khoá cán bộ / disabled clerk {args.code}")
        else:
            first = args.first or datetime.now(VIETNAM_TZ).date().isoformat()  # the site's local day
            print(json.dumps(summary(args.db, first=first, last=args.last or first, by=args.by), ensure_ascii=False,
                             indent=2))
    except (StoreError, sqlite3.Error) as exc:
        print(f"motcua staff: {exc}", file=sys.stderr)
        return 2
    except ApiError as exc:
        print(f"motcua staff: {exc.message}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"motcua staff: {exc}", file=sys.stderr)
        return 2
    return 0
