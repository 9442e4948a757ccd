"""`motcua fee`: the VietQR payload of a fee, and an amount in words (a public contract, ARCHITECTURE.md).

    motcua fee qr --amount N [--note TEXT] [--account BIN:NUMBER] [--png OUT] [--config SITE.toml] [--service CODE]
    motcua fee words N [--south] [--tu] [--no-round]

`qr` prints the payload on stdout (nothing else, for pipes); the account is the site's receiving account
(`[[payment_accounts]]` of SITE.toml — the example center's by default; `--service` picks the one of a
service) unless `--account` is given. `--png` also writes the QR as a picture, black on white with its
quiet zone. `words` prints the amount as a receipt writes it ("Một triệu hai trăm năm mươi nghìn đồng chẵn").
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motcua.amounts import MAX_AMOUNT, amount_in_words
from motcua.config import ConfigError, example_site_config_path, load_site_config
from motcua.vietqr import BankAccount, VietQRError, build, transfer_note

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="motcua fee", description="Phí, lệ phí: mã VietQR và số tiền bằng chữ / "
                                 "fees: the VietQR payload and the amount in words")
    sub = ap.add_subparsers(dest="command", required=True)
    qr = sub.add_parser("qr", help="in chuỗi VietQR / print the VietQR payload")
    qr.add_argument("--amount", type=int, required=True, help="số tiền, đồng / the amount in đồng")
    qr.add_argument("--note", default="", help="nội dung chuyển khoản, thường là mã hồ sơ / the transfer note "
                                               "(ASCII, at most 25 characters; Vietnamese is folded)")
    qr.add_argument("--account", default=None, help="BIN:NUMBER, e.g. 970415:113366668888 (default: the site's account)")
    qr.add_argument("--png", type=Path, default=None, help="also write the QR code as a PNG picture")
    qr.add_argument("--config", type=Path, default=None, help="site TOML (default: the example center)")
    qr.add_argument("--service", default=None, help="the account of this service (default: the default account)")
    words = sub.add_parser("words", help="đọc số tiền bằng chữ / the amount in words")
    words.add_argument("amount", type=int, help=f"0 to {MAX_AMOUNT} đồng")
    words.add_argument("--south", action="store_true", help="Southern reading: ngàn, lẻ")
    words.add_argument("--tu", action="store_true", help="read 4 after mươi as tư")
    words.add_argument("--no-round", action="store_true", help="no \"chẵn\" after a round amount")
    return ap


def _account(args: argparse.Namespace) -> BankAccount:
    if args.account:
        return BankAccount.parse(args.account)
    path = args.config or example_site_config_path()
    site = load_site_config(path)
    if args.service is not None and site.service(args.service) is None:
        raise ConfigError(path, "services", f"no service {args.service!r}")
    account = site.payment_account(args.service or "")
    if account is None:
        raise ConfigError(path, "payment_accounts", "no receiving account: add [[payment_accounts]] or give "
                                                    "--account BIN:NUMBER")
    return BankAccount(account.bank_bin, account.account)


def write_png(payload: str, path: Path, *, module: int = 8) -> Path:
    """The QR as a PNG: black modules on white, a 4-module quiet zone."""
    from PIL import ImageOps

    from printer_drivers.render import qr_image

    img = ImageOps.expand(ImageOps.invert(qr_image(payload, module=module).convert("L")), border=4 * module, fill=255)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG", optimize=True)
    return path


def main(argv: list[str]) -> int:
    """Entry point of `motcua fee`."""
    args = _parser().parse_args(argv)
    if args.command == "words":
        try:
            print(amount_in_words(args.amount, dialect="south" if args.south else "north", four_as_tu=args.tu,
                                  round_word=not args.no_round))
        except ValueError as exc:
            print(f"motcua fee words: {exc}", file=sys.stderr)
            return EXIT_USAGE
        return 0
    note = transfer_note(args.note)
    if note != args.note.strip():
        print(f"motcua fee qr: nội dung chuyển khoản / transfer note: {note!r}", file=sys.stderr)
    try:
        payload = build(_account(args), amount=args.amount, note=note)
    except (VietQRError, ConfigError) as exc:
        print(f"motcua fee qr: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(payload)
    if args.png:
        write_png(payload, args.png)
        print(f"motcua fee qr: đã lưu ảnh / saved {args.png}", file=sys.stderr)
    return 0
