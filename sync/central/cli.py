"""`motcua central`: run the reference central case server and administer its store.

    motcua central --db PATH [--host H] [--port 8480] [--tls-cert C --tls-key K] [--dev-tokens]
                   [--site-quota 50G] [--site-quota-for SITE=SIZE] [--upload-max-age-hours 24] [--docs]
                   [--retention-days 90] [--public-burst 30] [--public-per-minute 30] [--reminder-at 16:00|off]
    motcua central token create --db PATH --site CODE
    motcua central status --db PATH --dossier CODE --set received|processing|supplement|done|returned
    motcua central payment --db PATH --dossier CODE --reference REF [--amount N] [--method transfer|cash]
    motcua central export --db PATH --kind tickets|dossiers [--site CODE]
    motcua central epoch --db PATH --bump
    motcua central catalog --db PATH [--put FILE.json] [--delete CODE]
    motcua central site list --db PATH [--site CODE]
    motcua central site release --db PATH --site CODE
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import time as dt_time
from pathlib import Path

from motcua.forms import FormError, form_of
from motcua.logs import LEVELS
from motcua.logs import setup as setup_logging
from sync.central.app import CentralSettings
from sync.central.store import STATUSES, CentralError, CentralStore

log = logging.getLogger(__name__)


def build_central_app(db_path: str | Path, *, dev_tokens: bool = False, settings: CentralSettings | None = None):  # type: ignore[no-untyped-def]
    """The central server's ASGI app over a database file (created and seeded if new)."""
    from sync.central.app import create_central_app

    return create_central_app(CentralStore(db_path, dev_tokens=dev_tokens), settings)


def parse_size(text: str) -> int | None:
    """A size like 50G, 500M, 2T or 1048576 (bytes), with 0 or "none" for no limit."""
    t = text.strip().upper().removesuffix("B")
    if t in ("0", "NONE", "UNLIMITED"):
        return None
    units = {"K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    mult = units.get(t[-1:], 1)
    number = t[:-1] if t[-1:] in units else t
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size like 50G, 500M or 1048576, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a size cannot be negative: {text!r}")
    return int(value * mult)


def _site_quota(text: str) -> tuple[str, int | None]:
    site, sep, size = text.partition("=")
    if not sep or not site:
        raise argparse.ArgumentTypeError(f"expected SITE=SIZE (e.g. BNI-TTHCC=200G), got {text!r}")
    return site, parse_size(size)


def _serve(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="motcua central", description="Máy chủ hồ sơ trung tâm tham chiếu / "
                                 "run the reference central case server "
                                 "(subcommands: token, status, payment, export, epoch, catalog, site).")
    ap.add_argument("--db", required=True, help="SQLite database file (created and seeded if missing)")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=8480, help="port (default 8480)")
    ap.add_argument("--tls-cert", default=None, help="serve HTTPS with this certificate (PEM)")
    ap.add_argument("--tls-key", default=None, help="the certificate's private key (PEM)")
    ap.add_argument("--dev-tokens", action="store_true",
                    help="also accept the development tokens dev-central-token-SITE for any site (demo and tests "
                         "only: anyone who knows a site's code could send as that site)")
    ap.add_argument("--no-dev-tokens", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old scripts
    ap.add_argument("--site-quota", type=parse_size, default=CentralSettings.site_quota_bytes,
                    help="bytes of files each site may store, e.g. 50G (default 50G; 0 for no limit)")
    ap.add_argument("--site-quota-for", type=_site_quota, action="append", default=[], metavar="SITE=SIZE",
                    help="another quota for one site (repeat), e.g. BNI-TTHCC=200G")
    ap.add_argument("--upload-max-age-hours", type=float, default=CentralSettings.upload_max_age_s / 3600,
                    help="delete uploads left unfinished this long (default 24)")
    ap.add_argument("--docs", action="store_true", help="serve the API description at /docs and /openapi.json")
    ap.add_argument("--log-level", default=None, choices=LEVELS,
                    help="debug, info, warning or error (default: $MOTCUA_LOG_LEVEL, else info)")
    ap.add_argument("--notices-file", default=None, metavar="PATH",
                    help="deliver notices to citizens as JSON lines in this file, numbers masked (default: "
                         "DB.notices.jsonl next to the database, unless --notify-url is given)")
    ap.add_argument("--notify-url", default=None, metavar="URL",
                    help="deliver notices through Apprise: a URL with {phone} where the "
                         "recipient goes, e.g. twilio://SID:TOKEN@FROM/{phone}")
    ap.add_argument("--retention-days", type=float, default=90.0,
                    help="erase a dossier's personal fields and files this many days after its result was "
                         "returned (default 90; Decree 13/2023/NĐ-CP)")
    ap.add_argument("--public-burst", type=int, default=CentralSettings.public_burst,
                    help="requests one address may make at once to the booking page and API (default "
                         f"{CentralSettings.public_burst}; 0: no limit)")
    ap.add_argument("--public-per-minute", type=float, default=CentralSettings.public_per_minute,
                    help=f"...and then per minute (default {CentralSettings.public_per_minute:g}); past that, 429")
    ap.add_argument("--reminder-at", default="16:00", metavar="HH:MM",
                    help="remind citizens who booked with a phone and consent at this time the day before "
                         "(default 16:00; 'off': no reminders)")
    args = ap.parse_args(argv)
    reminder_at = None
    if args.reminder_at.strip().lower() not in ("off", "none", ""):
        try:
            reminder_at = dt_time.fromisoformat(args.reminder_at.strip())
        except ValueError:
            ap.error(f"--reminder-at: expected HH:MM or 'off', got {args.reminder_at!r}")
    if args.public_burst < 0 or args.public_per_minute <= 0:
        ap.error("--public-burst must be >= 0 and --public-per-minute > 0")
    if args.retention_days < 0:
        ap.error("--retention-days must be >= 0")
    level = setup_logging(args.log_level)
    if args.dev_tokens and args.no_dev_tokens:
        ap.error("--dev-tokens and --no-dev-tokens contradict each other")
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("give both --tls-cert and --tls-key")
    certfile = keyfile = None
    if args.tls_cert:
        from motcua.config import ConfigError
        from sync.tls import check_server_files

        try:
            certfile, keyfile = check_server_files(args.tls_cert, args.tls_key, base=Path.cwd(), path="motcua central",
                                                   keys=("--tls-cert", "--tls-key"))
        except ConfigError as exc:
            print(f"motcua central: {exc}", file=sys.stderr)
            return 2
    from sync.central.notices import AppriseNotifier, FileNotifier, Notifier

    notifier: Notifier
    if args.notify_url:
        try:
            notifier = AppriseNotifier(args.notify_url)
        except (ImportError, ValueError) as exc:
            print(f"motcua central: --notify-url: {exc}", file=sys.stderr)
            return 2
    else:
        notifier = FileNotifier(Path(args.notices_file or f"{args.db}.notices.jsonl"))
    settings = CentralSettings(site_quota_bytes=args.site_quota, site_quotas=dict(args.site_quota_for),
                               upload_max_age_s=args.upload_max_age_hours * 3600, docs=args.docs,
                               retention_days=args.retention_days, notifier=notifier,
                               public_burst=args.public_burst, public_per_minute=args.public_per_minute,
                               reminder_at=reminder_at)
    app = build_central_app(args.db, dev_tokens=args.dev_tokens, settings=settings)
    if args.dev_tokens:
        log.warning("development tokens are on: dev-central-token-SITE is accepted for any site")
    from sync.server import make_server

    make_server(app, host=args.host, port=args.port, log_level=level, root_logging=True, certfile=certfile,
                keyfile=keyfile).run()
    return 0


def main(argv: list[str]) -> int:
    """Entry point of `motcua central`."""
    if not argv or argv[0] not in ("token", "status", "payment", "export", "epoch", "catalog", "site"):
        return _serve(argv)
    action, rest = argv[0], argv[1:]
    ap = argparse.ArgumentParser(prog=f"motcua central {action}")
    if action == "token":
        ap.add_argument("what", choices=["create"])
        ap.add_argument("--db", required=True)
        ap.add_argument("--site", required=True, help="the site's code ([site].code of its configuration)")
    elif action == "status":
        ap.add_argument("--db", required=True)
        ap.add_argument("--dossier", required=True, help="official code, provisional code or id")
        ap.add_argument("--set", required=True, choices=STATUSES, dest="status")
    elif action == "payment":
        ap.add_argument("--db", required=True)
        ap.add_argument("--dossier", required=True, help="official code, provisional code or id")
        ap.add_argument("--reference", required=True, help="the bank's transaction reference")
        ap.add_argument("--amount", type=int, default=None, help="đồng (default: the procedure's fee in the catalog)")
        ap.add_argument("--method", choices=["transfer", "cash"], default="transfer")
    elif action == "export":
        ap.add_argument("--db", required=True)
        ap.add_argument("--kind", required=True, choices=["tickets", "dossiers", "events"])
        ap.add_argument("--site", default=None)
    elif action == "site":
        ap.add_argument("what", choices=["list", "release"],
                        help="list: the hub database each site syncs from; release: forget it (a lost hub)")
        ap.add_argument("--db", required=True)
        ap.add_argument("--site", default=None, help="the site's code ([site].code); required by release")
    elif action == "epoch":
        ap.add_argument("--db", required=True)
        ap.add_argument("--bump", action="store_true", help="compact the feeds under a new epoch (sites resync)")
    else:
        ap.add_argument("--db", required=True)
        ap.add_argument("--put", default=None, help="a JSON file with one procedure or a list of them")
        ap.add_argument("--delete", default=None, metavar="CODE", help="withdraw a procedure")
    args = ap.parse_args(rest)
    store = CentralStore(args.db)
    try:
        if action == "token":
            print(store.create_token(site=args.site))
        elif action == "status":
            item = store.set_status(args.dossier, args.status)
            print(json.dumps(item, ensure_ascii=False))
        elif action == "payment":
            item = store.mark_paid(args.dossier, reference=args.reference, amount=args.amount, method=args.method)
            print(json.dumps(item, ensure_ascii=False))
        elif action == "export":
            out = sys.stdout
            for row in store.export(args.kind, site=args.site):
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        elif action == "site":
            return _site(store, args.what, args.site)
        elif action == "epoch":
            print(store.bump_epoch() if args.bump else store.epoch)
        else:
            if args.put:
                data = json.loads(Path(args.put).read_text(encoding="utf-8"))
                entries = data if isinstance(data, list) else [data]
                for p in entries:  # every form checked before any is put: a bad file changes nothing
                    form_of(p)  # a declaration form that devices could not read is refused here (FormError)
                for p in entries:
                    store.put_feed_item("catalog", p["code"], p)
            if args.delete and not store.delete_feed_item("catalog", args.delete):
                print(f"no procedure {args.delete}", file=sys.stderr)
                return 1
    except CentralError as exc:
        print(f"motcua central {action}: {exc.message}", file=sys.stderr)
        return 1
    except FormError as exc:
        print(f"motcua central {action}: {args.put}: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def _site(store: CentralStore, what: str, site: str | None) -> int:
    """`motcua central site list|release`: which hub database a site syncs from."""
    if what == "list":
        for r in store.site_identities(site=site):
            state = "released " + _when(r["released_at"]) if r["released_at"] else "current"
            print(f"{r['site']:<16} {r['identity']}  registered {_when(r['registered_at'])}  {state}")
        return 0
    if not site:
        print("motcua central site release: --site CODE là bắt buộc / --site CODE is required", file=sys.stderr)
        return 2
    released = store.release_site(site)
    if released is None:
        print(f"trạm {site} chưa đăng ký cơ sở dữ liệu nào / site {site} has no registered hub database", file=sys.stderr)
        return 1
    print(f"đã giải phóng trạm {site} (cơ sở dữ liệu {released['identity']}); cơ sở dữ liệu đồng bộ tiếp theo sẽ "
          f"được đăng ký / released site {site} from hub database {released['identity']}; the next hub database "
          "to sync is registered")
    return 0


def _when(ts: float) -> str:
    from datetime import datetime

    from motcua.clock import VIETNAM_TZ

    return datetime.fromtimestamp(ts, VIETNAM_TZ).strftime("%Y-%m-%d %H:%M")
