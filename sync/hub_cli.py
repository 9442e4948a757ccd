"""`motcua hub` and `motcua token`: run the site hub, manage device tokens."""
from __future__ import annotations

import argparse
import gc
import logging
import re
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from motcua.clock import VIETNAM_TZ, iso
from motcua.config import ConfigError, load_site_config
from motcua.logs import LEVELS
from motcua.logs import setup as setup_logging
from sync.hub_transport import check_transport
from sync.store import (
    KEEP_EXPIRY,
    ROLES,
    StoreError,
    create_token,
    list_tokens,
    open_existing,
    revoke_token,
    rotate_token,
)

log = logging.getLogger(__name__)


def build_app(config_path: str | Path, db_path: str | Path, *, clock=None, heartbeat_s: float = 15.0,  # type: ignore[no-untyped-def]
              commissioning: bool = False, docs: bool = False, public_pages: bool = True):
    """The hub's ASGI app for a config file and a database (raises ConfigError on a bad config)."""
    from sync.hub import Hub, create_app
    from sync.store import SiteStore

    config = load_site_config(config_path)
    store = SiteStore(db_path)
    try:
        hub = Hub(config, store, clock=clock, heartbeat_s=heartbeat_s, config_path=config_path,
                  commissioning=commissioning)
    except BaseException:
        store.close()
        raise
    return create_app(hub, docs=docs, public_pages=public_pages)


def main(argv: list[str]) -> int:
    """motcua hub --config SITE.toml --db PATH [--host H] [--port 8470] | --check-config [--db PATH]."""
    ap = argparse.ArgumentParser(prog="motcua hub", description="Máy chủ trạm / run the site hub.")
    ap.add_argument("--config", required=True, help="site configuration (TOML), e.g. assets/site.example.toml")
    ap.add_argument("--db", default=None, help="SQLite database file (created if missing); required to run")
    ap.add_argument("--check-config", action="store_true",
                    help="validate the site file (and --db, read-only) and exit: 0 fine, 2 not; the hub does not start")
    ap.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    ap.add_argument("--port", type=int, default=8470, help="port (default 8470)")
    ap.add_argument("--tls-cert", default=None, help="serve HTTPS with this certificate (overrides [tls] cert; "
                                                     "see `motcua tls init`)")
    ap.add_argument("--tls-key", default=None, help="the certificate's private key (overrides [tls] key)")
    ap.add_argument("--public-port", type=int, default=None,
                    help="also serve the public pages (/t/…, /d/…), and nothing else, on this port ([public] port)")
    ap.add_argument("--public-host", default=None, help="the public listener's address ([public] host, default 0.0.0.0)")
    ap.add_argument("--no-public-on-main", action="store_true",
                    help="serve the public pages only on the public listener ([public] on_main = false)")
    ap.add_argument("--docs", action="store_true", help="serve the API description at /docs, /redoc and /openapi.json")
    ap.add_argument("--central", default=None, help="central case server URL (overrides [central].url)")
    ap.add_argument("--central-token", default=None, help="central server token (overrides [central].token)")
    ap.add_argument("--central-ca-file", default=None, help="CA file for the central server's certificate "
                                                            "(overrides [central] ca_file)")
    ap.add_argument("--allow-insecure-central", action="store_true",
                    help="allow an http:// central server on another machine ([central] allow_insecure)")
    ap.add_argument("--log-level", default=None, choices=LEVELS,
                    help="debug, info, warning or error (default: $MOTCUA_LOG_LEVEL, else info)")
    ap.add_argument("--commissioning", action="store_true",
                    help="chạy thử: numbers at any hour, each a test ticket (THỬ / TEST) left out of reports and "
                         "of the central server's tally")
    # Test and benchmark knobs (not for production): a clock running fast from a given start, relay timings.
    ap.add_argument("--clock-start", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--clock-speed", type=float, default=1.0, help=argparse.SUPPRESS)
    ap.add_argument("--sync-backoff-max", type=float, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--sync-feed-interval", type=float, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.check_config:
        from sync.check_config import check_config_main

        return check_config_main(args.config, args.db)
    if args.db is None:
        ap.error("--db is required to run the hub")
    level = setup_logging(args.log_level)
    clock = None
    if args.clock_start:
        from datetime import datetime

        from motcua.clock import ScaledClock

        clock = ScaledClock(datetime.fromisoformat(args.clock_start), speed=args.clock_speed)
    try:
        transport = check_transport(load_site_config(args.config), args.config, args)
        app = build_app(args.config, args.db, clock=clock, commissioning=args.commissioning, docs=args.docs,
                        public_pages=transport.public_on_main)
    except ConfigError as exc:
        print(f"motcua hub: cấu hình sai / bad configuration: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"motcua hub: cơ sở dữ liệu / database: {exc}", file=sys.stderr)
        return 2
    hub = app.state.hub
    hub.reload_on_sighup = True  # `kill -HUP` / `systemctl reload` re-reads the site file
    hub.central_url = transport.central_url
    hub.central_ca_file = transport.central_ca_file
    if args.central_token:
        hub.central_token = args.central_token
    if args.sync_backoff_max is not None:
        hub.relay_settings["backoff_max_s"] = args.sync_backoff_max
        hub.relay_settings["backoff_base_s"] = min(0.5, args.sync_backoff_max / 4)
    if args.sync_feed_interval is not None:
        hub.relay_settings["feed_interval_s"] = args.sync_feed_interval
    from sync.hub import create_public_app
    from sync.server import make_server

    extra = []
    if transport.public is not None:
        extra.append(replace(transport.public, app=create_public_app(hub)))
    try:
        server = make_server(app, host=args.host, port=args.port, log_level=level, root_logging=True,
                             certfile=transport.certfile, keyfile=transport.keyfile, extra=extra)
    except OSError as exc:
        print(f"motcua hub: không mở được cổng / cannot listen: {exc}", file=sys.stderr)
        return 2
    if transport.certfile:
        log.info("serving HTTPS with %s", transport.certfile)
    # What exists now (modules, the app, the configuration, the day loaded) lives as long as the process: out
    # of the cyclic collector's way, its full passes walk only what came after. Without this each full pass
    # walked the whole program, tens of ms every few thousand requests (issue 11's load figures). Frozen
    # objects are still freed by reference counting when dropped; only cycles among them would stay.
    gc.collect()
    gc.freeze()
    server.run()
    return 0


_SPAN = re.compile(r"^(\d+(?:\.\d+)?)\s*([dhm])$")
_UNIT_S = {"d": 86400, "h": 3600, "m": 60}


def parse_span(text: str) -> float:
    """Seconds in a span such as 90d, 12h or 30m."""
    m = _SPAN.match(text.strip().lower())
    if not m:
        raise ValueError(f"{text!r}: expected a span such as 90d, 12h or 30m")
    return float(m.group(1)) * _UNIT_S[m.group(2)]


def parse_expiry(text: str, *, now: float) -> float:
    """When a token made now stops working: a span (90d, 12h) from now, or a date (the token works until
    that day begins, Asia/Ho_Chi_Minh) or an ISO date and time."""
    try:
        return now + parse_span(text)
    except ValueError:
        pass
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r}: expected a span (90d, 12h, 30m) or a date (2027-06-30) "
                         "or a date and time (2027-06-30T17:00)") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=VIETNAM_TZ)
    if at.timestamp() <= now:
        raise ValueError(f"{text!r} is already past")
    return at.timestamp()


def _expiry_arg(text: str) -> float:
    try:
        return parse_expiry(text, now=time.time())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _span_arg(text: str) -> float:
    try:
        return parse_span(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _scope(t: dict[str, object]) -> str:
    if t.get("counter"):
        return f" (quầy {t['counter']} / counter {t['counter']})"
    if t.get("any_counter"):
        return " (mọi quầy / any counter)"
    return ""


def token_main(argv: list[str]) -> int:
    """motcua token create|list|revoke|rotate --db PATH ..."""
    ap = argparse.ArgumentParser(prog="motcua token", description="Mã thiết bị / device tokens.")
    sub = ap.add_subparsers(dest="action", required=True)
    c = sub.add_parser("create", help="print a new device token (shown once)")
    c.add_argument("--db", required=True, help="the hub's database (the path given to motcua hub --db)")
    c.add_argument("--role", required=True, choices=ROLES)
    c.add_argument("--name", required=True, help="which device, e.g. 'Ki-ốt sảnh 1'")
    scope = c.add_mutually_exclusive_group()
    scope.add_argument("--counter", type=int, default=None, help="a counter token for this counter number only")
    scope.add_argument("--any-counter", action="store_true",
                       help="a counter token that may act on every counter (without it or --counter, on none)")
    c.add_argument("--expires", type=_expiry_arg, default=None, metavar="WHEN",
                   help="stop working after a span (90d, 12h, 30m) or at a date (2027-06-30: when that day "
                        "begins) or date and time (2027-06-30T17:00); default: never")
    c.add_argument("--config", default=None,
                   help="the site file, to check --counter against (default: what the hub recorded in the "
                        "database at its last start)")
    c.add_argument("--create", action="store_true", help="make the database if it does not exist yet")
    ls = sub.add_parser("list", help="list tokens (without secrets)")
    ls.add_argument("--db", required=True)
    rv = sub.add_parser("revoke", help="revoke a token by the id shown by list (a running hub stops taking it within a second)")
    rv.add_argument("--db", required=True)
    rv.add_argument("id")
    ro = sub.add_parser("rotate", help="print a new token for the same device (role, name, counter); the old one "
                                       "stops working at once, or after --grace")
    ro.add_argument("--db", required=True)
    ro.add_argument("id", help="the id shown by list")
    ro.add_argument("--expires", type=_expiry_arg, default=KEEP_EXPIRY, metavar="WHEN",
                    help="when the new token stops working (as for create); default: when the old one would have")
    ro.add_argument("--grace", type=_span_arg, default=0.0, metavar="SPAN",
                    help="keep the old token working this long (e.g. 10m) while the device is updated; default: 0")
    args = ap.parse_args(argv)
    try:
        if args.action == "create":
            if args.role != "counter" and args.any_counter:
                ap.error("--any-counter is for --role counter")
            check_token_target(args.db, role=args.role, counter=args.counter, config_path=args.config,
                               create=args.create)
            token = create_token(args.db, role=args.role, name=args.name, counter=args.counter,
                                 any_counter=args.any_counter, expires_at=args.expires)
            if args.role == "counter" and args.counter is None and not args.any_counter:
                print("Lưu ý: mã này không gọi số ở quầy nào (thêm --counter N) / note: this token acts on no counter "
                      "(add --counter N, or --any-counter)", file=sys.stderr)
            until = f", hết hạn / expires {iso(args.expires, VIETNAM_TZ)}" if args.expires else ""
            print(f"Mã thiết bị mới ({args.role}, {args.name}{_scope(vars(args))}{until}) / new device token: {token}")
        elif args.action == "list":
            open_existing(args.db).conn.close()  # a mistyped path is an error, not a new empty database
            now = time.time()
            for t in list_tokens(args.db):
                exp = t.get("expires_at")
                state = ("revoked" if t.get("revoked_at") else "expired" if exp is not None and exp <= now else "active")
                until = f"  until {iso(exp, VIETNAM_TZ)}" if exp is not None and state == "active" else ""
                print(f"{t['id']}  {t['role']:<8} {state:<8} {t['name']}{_scope(t)}{until}")
        elif args.action == "rotate":
            open_existing(args.db).conn.close()
            token, old = rotate_token(args.db, args.id, expires_at=args.expires, grace_s=args.grace)
            when = f"sau / in {args.grace:g} s" if args.grace else "ngay / now"
            print(f"Mã cũ {old['id']} ngừng hoạt động {when} / the old token stops working {when.split(' / ')[1]}")
            print(f"Mã thiết bị mới ({old['role']}, {old['name']}{_scope(old)}) / new device token: {token}")
        else:
            open_existing(args.db).conn.close()
            n = revoke_token(args.db, args.id)
            print(f"revoked {n} token(s)")
            return 0 if n else 1
    except StoreError as exc:
        print(f"motcua token: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"motcua token: cấu hình sai / bad configuration: {exc}", file=sys.stderr)
    except ValueError as exc:
        print(f"motcua token: {exc}", file=sys.stderr)
        return 2
    return 0


def check_token_target(db: str | Path, *, role: str, counter: int | None, config_path: str | Path | None,
                       create: bool) -> None:
    """Refuse a token for a database that does not exist (a typo) or for a counter the site does not have.

    The site's counters come from `--config` when given, else from what the hub recorded in the database at
    its last start: a technician at the hub PC need not find the site file, and a database the hub has
    never run on (just made with --create) asks for the file the hub will use.
    """
    from sync.store import site_record

    if counter is not None and role != "counter":
        raise StoreError(f"--counter chỉ dùng với --role counter / --counter is for counter tokens, not {role}")
    if counter is not None and counter < 1:
        raise StoreError(f"--counter {counter}: số quầy từ 1 / counter numbers start at 1")
    handle = open_existing(db, create=create)
    try:
        recorded = site_record(handle.conn)
    finally:
        handle.conn.close()
    site = load_site_config(config_path) if config_path else None
    if site is not None and recorded is not None and recorded.get("code") != site.site.code:
        raise StoreError(f"{db} là cơ sở dữ liệu của trạm {recorded.get('code')}, {config_path} là của trạm "
                         f"{site.site.code} / the database and the site file are of different sites")
    if counter is None:
        return
    if site is not None:
        numbers, source = [c.number for c in site.counters], str(config_path)
    elif recorded is not None:
        numbers, source = [int(n) for n in recorded.get("counters", [])], f"{db} (recorded by the hub)"
    else:
        raise StoreError("máy chủ trạm chưa chạy với cơ sở dữ liệu này nên chưa biết các quầy; thêm --config SITE.toml / "
                         "the hub has not run on this database yet, so it does not know the site's counters: "
                         "add --config SITE.toml")
    if counter not in numbers:
        raise StoreError(f"trạm không có quầy {counter} / the site has no counter {counter} (counters in {source}: "
                         f"{', '.join(str(n) for n in sorted(numbers))})")
