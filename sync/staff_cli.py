"""`motcua staff add|list|disable|password|role|summary --db PATH`: the site's clerks, managers and admins, and
their service and rating figures.

Writes the hub's database directly (like `motcua token`): a running hub sees a new clerk or a disabled one at
the next sign-in. PINs and console passwords are read from the terminal (not echoed) unless --pin-stdin or
--password-stdin is given, never from the command line, where `ps` and the shell history would show them.
A manager or admin (--role) signs in to the manager's console with the staff code and the password.
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
from sync.hub.accounts import set_password, set_role
from sync.hub.errors import ApiError
from sync.hub.ratings import summary_from
from sync.hub.staff import STAFF_ROLES, add_staff, disable_staff, list_staff
from sync.store import StoreError, connect, open_existing


def _pin(args: argparse.Namespace) -> str:
    if args.pin_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass("Mã PIN (4-8 chữ số) / PIN (4-8 digits): ")
    if getpass.getpass("Nhập lại / again: ") != first:
        raise ValueError("hai lần nhập PIN khác nhau / the two PINs differ")
    return first


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu trang quản lý (ít nhất 10 ký tự) / console password (10+ characters): ")
    if getpass.getpass("Nhập lại / again: ") != first:
        raise ValueError("hai lần nhập mật khẩu khác nhau / the two passwords differ")
    return first


def _add(args: argparse.Namespace) -> str:
    """`add`: a clerk asks for a PIN; a manager or admin for a password (and a PIN with --with-pin)."""
    if args.pin_stdin and args.password_stdin:
        # Both from standard input: the PIN on the first line, the password on the second.
        pin: str | None = sys.stdin.readline().strip()
        password: str | None = sys.stdin.readline().rstrip("\n")
    else:
        pin = _pin(args) if args.role == "clerk" or args.with_pin or args.pin_stdin else None
        password = _password(args) if args.role != "clerk" or args.password_stdin else None
    member = add_staff(args.db, code=args.code, name=args.name, pin=pin, card=args.card, role=args.role,
                       password=password)
    return f"Đã thêm cán bộ / added {member.role} {member.code} ({member.name})"


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
    a.add_argument("--role", choices=STAFF_ROLES, default="clerk",
                   help="clerk (counter only), manager or admin (also the console: asks for a password)")
    a.add_argument("--with-pin", action="store_true", help="a manager or admin who also signs in at counters")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the console password from standard input (after the PIN's line with --pin-stdin)")
    pw = sub.add_parser("password", help="a new console password for a manager or admin (asks for it)")
    pw.add_argument("--db", required=True)
    pw.add_argument("--password-stdin", action="store_true")
    pw.add_argument("code")
    ro = sub.add_parser("role", help="change a staff member's role (clerk, manager, admin)")
    ro.add_argument("--db", required=True)
    ro.add_argument("--role", choices=STAFF_ROLES, required=True)
    ro.add_argument("code")
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
            print(_add(args))
        elif args.action in ("password", "role"):
            open_existing(args.db).conn.close()
            done = (set_password(args.db, args.code, _password(args)) if args.action == "password"
                    else set_role(args.db, args.code, args.role))
            if not done:
                print(f"motcua staff: không có cán bộ đang hoạt động mã {args.code} / no active staff member "
                      f"{args.code}", file=sys.stderr)
                return 1
            print(f"Đã cập nhật / updated {args.code}")
        elif args.action == "list":
            open_existing(args.db).conn.close()
            rows = list_staff(args.db)
            if args.json:
                print(json.dumps(rows, ensure_ascii=False))
            for r in [] if args.json else rows:
                where = f"quầy / counter {r['counter']}" if r["counter"] is not None else "-"
                print(f"{r['code']:<10} {r['role']:<8} {'disabled' if r['disabled'] else 'active':<8} {where:<16} "
                      f"{r['name']}")
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
