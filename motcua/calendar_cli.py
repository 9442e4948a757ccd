"""`motcua calendar`: due times (thời gian trả kết quả) and the official days off, from the command line.

    motcua calendar due --received 2026-02-13T09:00 --duration 5d [--cutoff 15:00]
    motcua calendar days --year 2026

A received time without an offset is local time in Vietnam (UTC+7); the due time is printed as ISO
8601 with its offset, then in the slip's Vietnamese wording.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time
from typing import TextIO

from motcua.config import ConfigError
from motcua.worktime import (
    Duration,
    OfficialDays,
    Session,
    WorkCalendar,
    WorkingHours,
    due,
    vietnamese_datetime,
)


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="motcua calendar",
                                description="Lịch làm việc và ngày hẹn trả / working-time calendar")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("due", help="tính thời gian trả kết quả / compute a due time")
    d.add_argument("--received", required=True,
                   help="thời gian nhận hồ sơ, ISO 8601 (no offset = Vietnam time) / received time")
    d.add_argument("--duration", required=True,
                   help="thời gian giải quyết: 5d, 16h, 0.5d, 1d4h / processing time (working days, hours)")
    d.add_argument("--cutoff", help="giờ chốt, HH:MM (e.g. 15:00) / per-procedure cut-off")
    d.add_argument("--pause", action="append", default=[], metavar="START/END",
                   help="thời gian chờ bổ sung (ISO/ISO), repeatable / a supplementation pause")
    _common(d)
    d.add_argument("--json", action="store_true", help="JSON output")

    y = sub.add_parser("days", help="ngày nghỉ và ngày làm bù của một năm / a year's days off")
    y.add_argument("--year", type=int, required=True)
    _common(y)
    y.add_argument("--json", action="store_true", help="JSON output")
    return p


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--table", help="bảng ngày nghỉ (TOML) thay cho bảng kèm theo / override table file")
    p.add_argument("--hours", help='giờ làm việc, e.g. "07:30-11:30,13:00-17:00" / working sessions')


def _parse_datetime(text: str, what: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise _UsageError(
            f"{what}: không phải thời gian ISO 8601 / not an ISO 8601 date-time: {text!r}") from None


def _calendar(args: argparse.Namespace) -> WorkCalendar:
    official = OfficialDays.load(args.table) if args.table else OfficialDays.shipped()
    hours = WorkingHours()
    if args.hours:
        try:
            sessions = tuple(Session.model_validate(s) for s in args.hours.split(","))
            hours = WorkingHours(sessions=sessions)
        except ValueError as exc:
            raise _UsageError(f"--hours: giờ làm việc không hợp lệ / bad working hours: {exc}") from None
    return WorkCalendar(hours=hours, official=official)


def _due(args: argparse.Namespace, out: TextIO) -> int:
    cal = _calendar(args)
    received = _parse_datetime(args.received, "--received")
    if received.tzinfo is None:
        received = received.replace(tzinfo=cal.tz)
    try:
        duration = Duration.parse(args.duration)
    except ValueError as exc:
        raise _UsageError(
            f"--duration: thời gian giải quyết không hợp lệ / bad processing time: {exc}") from None
    cutoff: time | None = None
    if args.cutoff:
        try:
            cutoff = time.fromisoformat(args.cutoff.strip())
        except ValueError:
            raise _UsageError(f"--cutoff: cần HH:MM / expected HH:MM, got {args.cutoff!r}") from None
    pauses = []
    for text in args.pause:
        start_text, sep, end_text = text.partition("/")
        if not sep:
            raise _UsageError(f"--pause: cần START/END / expected START/END, got {text!r}")
        a, b = _parse_datetime(start_text, "--pause"), _parse_datetime(end_text, "--pause")
        pauses.append((a if a.tzinfo else a.replace(tzinfo=cal.tz),
                       b if b.tzinfo else b.replace(tzinfo=cal.tz)))
    try:
        start = cal.start_of_counting(received, cutoff=cutoff)
        result = due(received, duration, cutoff=cutoff, calendar=cal, pauses=pauses)
    except (ValueError, OverflowError) as exc:
        raise _UsageError(f"không tính được thời gian trả / cannot compute the due time: {exc}") from None
    wording = vietnamese_datetime(result, tz=cal.tz)
    if args.json:
        json.dump({
            "received": received.isoformat(),
            "start": start.isoformat(),
            "duration": str(duration),
            "cutoff": cutoff.strftime("%H:%M") if cutoff else None,
            "due": result.isoformat(),
            "due_vi": wording,
        }, out, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(f"{result.isoformat()}\n{wording}\n")
    return 0


def _days(args: argparse.Namespace, out: TextIO) -> int:
    cal = _calendar(args)
    year = args.year
    if not 1900 <= year <= 2200:
        raise _UsageError(f"--year: năm không hợp lệ / not a plausible year: {year}")
    source = "table" if cal.official.year(year) is not None else "holidays package"
    off = [(d, n) for d, n in cal.official.days_off(year) if d.isoweekday() in cal.hours.weekdays]
    make_up = cal.official.make_up_days(year)
    if args.json:
        json.dump({
            "year": year,
            "source": source,
            "days_off": [{"date": d.isoformat(), "name": n} for d, n in off],
            "make_up_days": [{"date": d.isoformat(), "name": n} for d, n in make_up],
        }, out, ensure_ascii=False)
        out.write("\n")
        return 0
    origin = "bảng chính thức / official table" if source == "table" else "gói holidays / holidays package"
    out.write(f"# {year} ({origin})\n")
    out.writelines(f"{d.isoformat()} {_weekday(d)} nghỉ / off      {n}\n" for d, n in off)
    out.writelines(f"{d.isoformat()} {_weekday(d)} làm bù / worked {n}\n" for d, n in make_up)
    return 0


def _weekday(d: date) -> str:
    return ("T2", "T3", "T4", "T5", "T6", "T7", "CN")[d.weekday()]


def main(argv: list[str] | None = None) -> int:
    """Entry point of `motcua calendar`."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "due":
            return _due(args, sys.stdout)
        return _days(args, sys.stdout)
    except _UsageError as exc:
        print(f"motcua calendar: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"motcua calendar: bảng ngày nghỉ không dùng được / unusable calendar table: {exc}",
              file=sys.stderr)
        return 1
