"""`motcua hub` and `motcua token`: run the site hub, manage device tokens."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from motcua.config import ConfigError, load_site_config
from motcua.logs import LEVELS
from motcua.logs import setup as setup_logging
from sync.store import ROLES, StoreError, create_token, list_tokens, open_existing, revoke_token

log = logging.getLogger(__name__)


def build_app(config_path: str | Path, db_path: str | Path, *, clock=None, heartbeat_s: float = 15.0,  # type: ignore[no-untyped-def]
              commissioning: bool = False):
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
    return create_app(hub)


def main(argv: list[str]) -> int:
    """motcua hub --config SITE.toml --db PATH [--host H] [--port 8470] | --check-config [--db PATH]."""
    ap = argparse.ArgumentParser(prog="motcua hub", description="Máy chủ trạm / run the site hub.")
    ap.add_argument("--config", required=True, help="site configuration (TOML), e.g. assets/site.example.toml")
    ap.add_argument("--db", default=None, help="SQLite database file (created if missing); required to run")
    ap.add_argument("--check-config", action="store_true",
                    help="validate the site file (and --db, read-only) and exit: 0 fine, 2 not; the hub does not start")
    ap.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    ap.add_argument("--port", type=int, default=8470, help="port (default 8470)")
    ap.add_argument("--central", default=None, help="central case server URL (overrides [central].url)")
    ap.add_argument("--central-token", default=None, help="central server token (overrides [central].token)")
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
        app = build_app(args.config, args.db, clock=clock, commissioning=args.commissioning)
    except ConfigError as exc:
        print(f"motcua hub: cấu hình sai / bad configuration: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"motcua hub: cơ sở dữ liệu / database: {exc}", file=sys.stderr)
        return 2
    hub = app.state.hub
    hub.reload_on_sighup = True  # `kill -HUP` / `systemctl reload` re-reads the site file
    if args.central:
        hub.central_url = args.central
    if args.central_token:
        hub.central_token = args.central_token
    if args.sync_backoff_max is not None:
        hub.relay_settings["backoff_max_s"] = args.sync_backoff_max
        hub.relay_settings["backoff_base_s"] = min(0.5, args.sync_backoff_max / 4)
    if args.sync_feed_interval is not None:
        hub.relay_settings["feed_interval_s"] = args.sync_feed_interval
    from sync.server import make_server

    make_server(app, host=args.host, port=args.port, log_level=level, root_logging=True).run()
    return 0


def token_main(argv: list[str]) -> int:
    """motcua token create|list|revoke --db PATH ..."""
    ap = argparse.ArgumentParser(prog="motcua token", description="Mã thiết bị / device tokens.")
    sub = ap.add_subparsers(dest="action", required=True)
    c = sub.add_parser("create", help="print a new device token (shown once)")
    c.add_argument("--db", required=True, help="the hub's database (the path given to motcua hub --db)")
    c.add_argument("--role", required=True, choices=ROLES)
    c.add_argument("--name", required=True, help="which device, e.g. 'Ki-ốt sảnh 1'")
    c.add_argument("--counter", type=int, default=None, help="limit a counter token to this counter number")
    c.add_argument("--config", default=None,
                   help="the site file, to check --counter against (default: what the hub recorded in the "
                        "database at its last start)")
    c.add_argument("--create", action="store_true", help="make the database if it does not exist yet")
    ls = sub.add_parser("list", help="list tokens (without secrets)")
    ls.add_argument("--db", required=True)
    rv = sub.add_parser("revoke", help="revoke a token by the id shown by list")
    rv.add_argument("--db", required=True)
    rv.add_argument("id")
    args = ap.parse_args(argv)
    try:
        if args.action == "create":
            check_token_target(args.db, role=args.role, counter=args.counter, config_path=args.config,
                               create=args.create)
            token = create_token(args.db, role=args.role, name=args.name, counter=args.counter)
            print(f"Mã thiết bị mới ({args.role}, {args.name}) / new device token: {token}")
        elif args.action == "list":
            open_existing(args.db).conn.close()  # a mistyped path is an error, not a new empty database
            for t in list_tokens(args.db):
                state = "revoked" if t.get("revoked_at") else "active"
                where = f" (quầy {t['counter']})" if t.get("counter") else ""
                print(f"{t['id']}  {t['role']:<8} {state:<8} {t['name']}{where}")
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
