"""`motcua tls init|renew|show`: the site CA and the hub's HTTPS certificate, and where each file goes.

    motcua tls init --dir /etc/motcua/tls --host hub.hcc.local --host 192.168.1.10 [--name "Trung tâm …"]
    motcua tls renew --dir /etc/motcua/tls [--host …]
    motcua tls show --dir /etc/motcua/tls
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from sync.tls import CA_DAYS, DEFAULT_DIR, SERVER_DAYS, SiteTls, TlsError, cert_info, init_site_tls, renew_server_cert

# What the operator reads: Vietnamese first, English second, one place for this command.
CREATED = "Đã tạo trong {folder} / Created in {folder}:"
RENEWED = ("Đã gia hạn chứng chỉ máy chủ trạm trong {folder} (CA giữ nguyên) / "
           "Renewed the hub's certificate in {folder} (same CA):")
CA_KEPT = "  (đã có CA của trung tâm, dùng lại / the site CA already existed and was kept)"
FILE_CA_CERT = ("  {name:<8} CA của trung tâm (công khai) — chép vào MỌI ki-ốt, màn hình sảnh, quầy; ghi vào [hub] ca_file\n"
                "           the site CA (public) — copy it to EVERY kiosk, board and counter PC; name it in [hub] ca_file")
FILE_CA_KEY = ("  {name:<8} khóa CA (BÍ MẬT) — chỉ dùng khi gia hạn; cất ra USB trong tủ khóa, KHÔNG chép vào thiết bị nào\n"
               "           the CA key (SECRET) — needed only to renew; keep it offline, NEVER copy it to a device")
FILE_HUB_CERT = ("  {name:<8} chứng chỉ máy chủ trạm — để trên máy hub: [tls] cert\n"
                 "           the hub's certificate — stays on the hub PC: [tls] cert\n"
                 "           hạn đến / valid until {until}; tên / names: {names}")
FILE_HUB_KEY = ("  {name:<8} khóa máy chủ trạm (BÍ MẬT, 0600) — chỉ để trên máy hub: [tls] key\n"
                "           the hub's key (SECRET, 0600) — on the hub PC only: [tls] key")
NEXT = """Bước tiếp theo / Next steps:
  1. Trên máy hub, trong site.toml / on the hub PC, in site.toml:
       [tls]
       cert = "{cert}"
       key = "{key}"
     rồi khởi động lại / then restart: sudo systemctl restart motcua-hub
  2. Trên mỗi thiết bị, chép {ca} rồi trong tệp cấu hình / on each device, copy {ca}, then in its device file:
       [hub]
       url = "https://{host}:8470"
       ca_file = "/etc/motcua/ca.crt"
  3. Kiểm tra / check: motcua diag --config /etc/motcua/kiosk.toml"""
RENEW_NEXT = ("Khởi động lại hub để dùng chứng chỉ mới; thiết bị không cần đổi gì / restart the hub to use the new "
              "certificate; devices need no change: sudo systemctl restart motcua-hub")
OWNER_HINT = ("Lưu ý / Note: hub chạy bằng tài khoản khác root thì phải đọc được hub.key / the hub's user must be "
              "able to read hub.key: sudo chown motcua: {key}  (hoặc dùng / or use --owner motcua)")
SHOW_LINE = "{name:<8} {kind}, hạn đến / until {until} ({days} ngày / days){names}"
EXPIRING = "  ! sắp hết hạn: chạy `motcua tls renew` / expiring soon: run `motcua tls renew`"
ERROR = "motcua tls: {detail}"


def _names(files: SiteTls) -> tuple[str, str]:
    info = cert_info(files.hub_cert)
    return f"{info.not_after:%Y-%m-%d}", ", ".join(info.names)


def _chown(paths: list[Path], owner: str) -> None:
    for p in paths:
        shutil.chown(p, user=owner, group=None)


def main(argv: list[str]) -> int:
    """Entry point of `motcua tls`."""
    ap = argparse.ArgumentParser(prog="motcua tls", description="HTTPS trong trung tâm / HTTPS on the site: "
                                 "the site CA and the hub's certificate.")
    sub = ap.add_subparsers(dest="action", required=True)
    i = sub.add_parser("init", help="make the site CA (if none) and the hub's certificate")
    r = sub.add_parser("renew", help="a new certificate for the hub from the same CA")
    s = sub.add_parser("show", help="what the folder holds and when it expires")
    for p in (i, r, s):
        p.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"the TLS folder (default {DEFAULT_DIR})")
    for p in (i, r):
        p.add_argument("--host", action="append", default=[], metavar="NAME_OR_IP",
                       help="a name or IP address devices use to reach the hub (repeat; localhost and 127.0.0.1 "
                            "are always added)")
        p.add_argument("--days", type=int, default=SERVER_DAYS, help=f"the hub certificate's validity (default {SERVER_DAYS})")
        p.add_argument("--owner", default=None, help="give hub.crt and hub.key to this user (the hub's, e.g. motcua)")
    i.add_argument("--name", default="motcua-edge site", help="the center's name, shown in the CA certificate")
    i.add_argument("--ca-days", type=int, default=CA_DAYS, help=f"the CA's validity (default {CA_DAYS})")
    args = ap.parse_args(argv)
    try:
        if args.action == "show":
            return _show(SiteTls(args.dir))
        if args.action == "init":
            if not args.host:
                ap.error("give at least one --host: the name or IP address devices use to reach the hub")
            files, new_ca = init_site_tls(args.dir, hosts=args.host, name=args.name, server_days=args.days,
                                          ca_days=args.ca_days)
            print(CREATED.format(folder=files.folder))
            if not new_ca:
                print(CA_KEPT)
        else:
            files = renew_server_cert(args.dir, hosts=args.host or None, days=args.days)
            print(RENEWED.format(folder=files.folder))
        if args.owner:
            _chown([files.hub_cert, files.hub_key], args.owner)
        until, names = _names(files)
        print(FILE_CA_CERT.format(name=files.ca_cert.name))
        print(FILE_CA_KEY.format(name=files.ca_key.name))
        print(FILE_HUB_CERT.format(name=files.hub_cert.name, until=until, names=names))
        print(FILE_HUB_KEY.format(name=files.hub_key.name))
        print()
        if args.action == "init":
            print(NEXT.format(cert=files.hub_cert, key=files.hub_key, ca=files.ca_cert, host=args.host[0]))
        else:
            print(RENEW_NEXT)
        if not args.owner and hasattr(os, "geteuid") and os.geteuid() == 0:
            print(OWNER_HINT.format(key=files.hub_key))
    except TlsError as exc:
        print(ERROR.format(detail=exc), file=sys.stderr)
        return 1
    except (OSError, LookupError) as exc:  # a folder we may not write, an unknown --owner
        print(ERROR.format(detail=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    return 0


def _show(files: SiteTls) -> int:
    found = False
    for path, kind in ((files.ca_cert, "CA"), (files.hub_cert, "hub")):
        if not path.exists():
            continue
        found = True
        info = cert_info(path)
        names = f"\n         {', '.join(info.names)}" if info.names else ""
        print(SHOW_LINE.format(name=path.name, kind=kind, until=f"{info.not_after:%Y-%m-%d}", days=info.days_left(),
                               names=names))
        if info.days_left() < 30:
            print(EXPIRING)
    if not found:
        print(ERROR.format(detail=f"{files.folder}: no ca.crt or hub.crt here (run `motcua tls init`)"), file=sys.stderr)
        return 1
    return 0
