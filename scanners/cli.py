"""`motcua scan`: decode the codes in a photo, or read codes from a serial scanner (technicians).

    motcua scan image FILE [--json]
    motcua scan serial PORT [--baud 9600] [--timeout 30] [--count 1] [--json]

Output: a citizen ID card as one line of JSON (`id`, `old_id`, `name`, `dob`, `gender`, `address`,
`issued`, dates in ISO), any other code as its text on one line; with `--json`, one document
`{"codes": [{"kind": "cccd"|"invalid"|"text", "format": ..., ...}]}`.
Exit status: 0 decoded; 1 nothing decoded; 2 bad usage or unreadable file/port; 3 a CCCD payload was
malformed (the reason is on stderr in Vietnamese and English).
"""
from __future__ import annotations

import argparse
import json
import logging
import sys

from scanners import texts
from scanners.citizen import Scan, interpret
from scanners.errors import NoCodeFound, ScannerError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_BAD_CCCD = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="motcua scan", description=str(texts.CLI_DESCRIPTION))
    sub = p.add_subparsers(dest="what", required=True)
    img = sub.add_parser("image", help=str(texts.CLI_IMAGE_HELP))
    img.add_argument("file", metavar="FILE", help=str(texts.CLI_FILE_HELP))
    img.add_argument("--json", action="store_true", help=str(texts.CLI_JSON_HELP))
    ser = sub.add_parser("serial", help=str(texts.CLI_SERIAL_HELP))
    ser.add_argument("port", metavar="PORT", help=str(texts.CLI_PORT_HELP))
    ser.add_argument("--baud", type=int, default=9600)
    ser.add_argument("--timeout", type=float, default=30.0, help=str(texts.CLI_TIMEOUT_HELP))
    ser.add_argument("--count", type=int, default=1, help=str(texts.CLI_COUNT_HELP))
    ser.add_argument("--json", action="store_true", help=str(texts.CLI_JSON_HELP))
    return p


def _err(message: object) -> None:
    print(f"motcua scan: {message}", file=sys.stderr)


def _emit(scans: list[Scan], *, as_json: bool) -> int:
    bad = [s for s in scans if s.error is not None]
    if as_json:
        print(json.dumps({"codes": [s.to_json_dict() for s in scans]}, ensure_ascii=False, indent=1))
    else:
        for s in scans:
            if s.citizen is not None:
                print(json.dumps(s.citizen.to_json_dict(), ensure_ascii=False))
            elif s.error is None:
                print(s.text)
    for s in bad:
        assert s.error is not None
        _err(s.error.text)
    return EXIT_BAD_CCCD if bad else EXIT_OK


def _utf8_stdout() -> None:
    # A Windows console or a C locale would turn Vietnamese into "?": the output is always UTF-8.
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot change
                pass


def _image(args: argparse.Namespace) -> int:
    from scanners.decode import Decoder, read_image_file

    try:
        image = read_image_file(args.file)
    except ScannerError as exc:
        _err(exc.text)
        return EXIT_USAGE
    codes = Decoder().decode_image(image)
    if not codes:
        _err(NoCodeFound(texts.ERR_NO_CODE).text)
        return EXIT_NOTHING
    scans = [interpret(c.raw, source="image", format=c.format, detail=c.decoder) for c in codes]
    return _emit(scans, as_json=args.json)


def _serial(args: argparse.Namespace) -> int:
    from scanners.serial_scanner import SerialScanner

    scanner = SerialScanner(port=args.port, baudrate=args.baud)
    try:
        scanner.open()
    except ScannerError as exc:
        _err(exc.text)
        return EXIT_USAGE
    scans: list[Scan] = []
    try:
        for _ in range(max(1, args.count)):
            scan = scanner.read_scan(timeout_s=args.timeout)
            if scan is None:
                break
            scans.append(scan)
    finally:
        scanner.close()
    if not scans:
        _err(texts.ERR_SERIAL_TIMEOUT)
        return EXIT_NOTHING
    return _emit(scans, as_json=args.json)


def main(argv: list[str]) -> int:
    """Entry point of `motcua scan`."""
    _utf8_stdout()
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on bad usage
        return int(exc.code or 0)
    if args.what == "image":
        return _image(args)
    return _serial(args)
