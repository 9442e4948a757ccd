"""`motcua print ...`: print a sample layout, read a printer's status."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from motcua.config import ConfigError, example_site_config_path, load_site_config
from printer_drivers import texts
from printer_drivers.connection import JobOutcome, Printer, PrinterAddress
from printer_drivers.document import PAPER_DOTS, Job
from printer_drivers.errors import PrinterError
from printer_drivers.layouts import PrinterTestPage, printer_test_page_job, sample_slip, sample_ticket, slip_job, ticket_job

log = logging.getLogger(__name__)

#: Exit codes: the job printed, failed, or we cannot tell; 2 is a usage or configuration error.
EXIT_PRINTED, EXIT_FAILED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua print", description="In thử và kiểm tra máy in / "
                                     "print samples and check printers")
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="in một mẫu / print a sample layout")
    sample.add_argument("--layout", choices=("ticket", "slip", "receipt", "test"), required=True)
    sample.add_argument("--printer", required=True,
                        help="usb://VID:PID, serial:///dev/ttyUSB0?baud=19200, tcp://HOST:9100, "
                             "file:///path/out.bin, cups://QUEUE, win32://NAME, dummy:")
    sample.add_argument("--preview", type=Path, help="lưu ảnh xem trước PNG / save the PNG preview")
    sample.add_argument("--paper", type=int, choices=sorted(PAPER_DOTS), help="khổ giấy mm / paper width")
    sample.add_argument("--profile", help="python-escpos profile (default: 'default')")
    sample.add_argument("--config", type=Path, help="site TOML (default: the example center)")
    sample.add_argument("--priority", help="ticket: a priority category code (e.g. elderly)")
    sample.add_argument("--copies", choices=("customer", "archive", "both"), default="customer",
                        help="slip, receipt: which copies")
    sample.add_argument("--timeout", type=float, default=5.0, help="seconds (I/O)")
    sample.add_argument("--json", action="store_true", help="print the result as JSON")
    status = sub.add_parser("status", help="đọc trạng thái máy in / read a printer's status")
    status.add_argument("--printer", required=True)
    status.add_argument("--timeout", type=float, default=5.0)
    status.add_argument("--json", action="store_true")
    return parser


def _sample_job(args: argparse.Namespace, printer: Printer) -> Job:
    site = load_site_config(args.config or example_site_config_path())
    paper = printer.paper
    if args.layout == "ticket":
        return ticket_job(sample_ticket(site, priority=args.priority), paper=paper)
    if args.layout == "slip":
        copies = ("archive", "customer") if args.copies == "both" else (args.copies,)
        return slip_job(sample_slip(site), paper=paper, copies=copies)  # type: ignore[arg-type]
    if args.layout == "receipt":
        from printer_drivers.receipt import receipt_job, sample_receipt

        copies = ("archive", "customer") if args.copies == "both" else (args.copies,)
        return receipt_job(sample_receipt(site), paper=paper, copies=copies)  # type: ignore[arg-type]
    return printer_test_page_job(PrinterTestPage(address=printer.address.redacted(), profile=paper.profile,
                                  paper_mm=paper.width_mm), paper=paper)


def main(argv: list[str]) -> int:
    """Entry point of `motcua print`."""
    args = _parser().parse_args(argv)
    try:
        printer = Printer(PrinterAddress.parse(args.printer), profile=getattr(args, "profile", None),
                          paper_mm=getattr(args, "paper", None), timeout_s=args.timeout)
    except PrinterError as exc:
        print(f"motcua print: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "status":
        return _status(printer, as_json=args.json)
    try:
        job = _sample_job(args, printer)
    except ConfigError as exc:
        print(f"motcua print: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.preview:
        args.preview.parent.mkdir(parents=True, exist_ok=True)
        job.preview().save(args.preview, optimize=True)
    try:
        result = printer.print_job(job)
    finally:
        printer.close()
    if args.json:
        print(json.dumps({**result.as_dict(), "job_bytes": len(job.to_bytes()),
                          "preview": str(args.preview) if args.preview else None}, ensure_ascii=False))
    else:
        reason = result.reason or result.warning
        line = f"{result.outcome.text}" + (f": {reason}" if reason else "")
        print(f"{line} ({result.bytes_sent} bytes, {printer.address.redacted()})")
        if args.preview:
            print(texts.CLI_PREVIEW_SAVED.format(path=args.preview))
    return {JobOutcome.PRINTED: EXIT_PRINTED, JobOutcome.FAILED: EXIT_FAILED,
            JobOutcome.UNKNOWN: EXIT_UNKNOWN}[result.outcome]


def _status(printer: Printer, *, as_json: bool) -> int:
    try:
        status = printer.status()
    except PrinterError as exc:
        if as_json:
            print(json.dumps({"state": "disconnected", "error": {"code": exc.code, "vi": exc.message_vi,
                                                                 "en": exc.message_en}}, ensure_ascii=False))
        else:
            print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    finally:
        printer.close()
    if as_json:
        print(json.dumps(status.as_dict(), ensure_ascii=False))
    else:
        print(texts.CLI_STATUS.format(state=status.state.text))
    return EXIT_PRINTED if status.state.value in ("ready", "paper_low") else (
        EXIT_UNKNOWN if status.state.value == "unknown" else EXIT_FAILED)
