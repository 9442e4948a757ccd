"""The one place that formats for people: fees, processing times, Vietnamese dates and times.

Screens, slips and receipts call these instead of formatting on their own, so a fee reads "8.000 đ" and a
date "Thứ Hai, ngày 30 tháng 11 năm 2026" on every device. Vietnamese forms follow administrative usage
(Nghị định 30/2020/NĐ-CP on documents): two-digit day and month ("ngày 05 tháng 12 năm 2026"), hours and
minutes written out ("14 giờ 30 phút"). Each function returns the Vietnamese text; those with an English
side return a `Text` (Vietnamese first, English second).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from motcua.amounts import format_vnd
from motcua.clock import VIETNAM_TZ
from motcua.text import Text

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
"""Monday first, as `date.weekday()` counts."""
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

FREE = Text("Miễn phí", "Free")
SAME_DAY = Text("Trong ngày làm việc", "Within the working day")


# ---------------------------------------------------------------------------------------------- money
def fee(amount: int) -> str:
    """A fee in figures: "8.000 đ", "1.250.000 đ" (motcua.amounts; 0 is "0 đ": use fee_text for "free")."""
    return format_vnd(int(amount))


def fee_text(amount: int | None, note: str = "", *, free: Text = FREE) -> Text:
    """A procedure's fee as screens show it: "8.000 đ", or `free` for none, with its note in brackets."""
    base = Text(fee(amount), fee(amount)) if amount else free
    if not note:
        return base
    return Text(f"{base.vi} ({note})", f"{base.en} ({note})")


# ---------------------------------------------------------------------------------------------- time spans
def _number(value: float) -> str:
    # 1.5 days is "1,5 ngày": a decimal comma, and no ".0" on whole numbers.
    return f"{value:g}".replace(".", ",")


def processing_time(value: float | None, unit: Literal["days", "hours"] | str = "days") -> Text:
    """Thời hạn giải quyết: "5 ngày làm việc", "16 giờ làm việc", "Trong ngày làm việc" (0: the same day)."""
    value = float(value or 0)
    if value <= 0:
        return SAME_DAY
    n = _number(value)
    if unit == "hours":
        return Text(f"{n} giờ làm việc", f"{n} working hour{'' if value == 1 else 's'}")
    return Text(f"{n} ngày làm việc", f"{n} working day{'' if value == 1 else 's'}")


# ---------------------------------------------------------------------------------------------- dates
def _local(dt: datetime, tz: ZoneInfo | None) -> datetime:
    # An aware time is shown where the center is; a naive one is taken as already local.
    return dt.astimezone(tz or VIETNAM_TZ) if dt.tzinfo is not None else dt


def parse_time(text: str | None, tz: ZoneInfo | None = None) -> datetime | None:
    """A time the hub sent (ISO 8601), in local time; None for none."""
    return _local(datetime.fromisoformat(text), tz) if text else None


def weekday(day: date) -> Text:
    """"Thứ Hai" / "Monday"."""
    return Text(WEEKDAYS_VI[day.weekday()], WEEKDAYS_EN[day.weekday()])


def date_vi(day: date) -> str:
    """Ngày trên giấy tờ: "ngày 05 tháng 12 năm 2026"."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def date_long(day: date) -> str:
    """With its weekday, as boards show today: "Thứ Hai, ngày 30 tháng 11 năm 2026"."""
    return f"{WEEKDAYS_VI[day.weekday()]}, {date_vi(day)}"


def time_vi(dt: datetime, tz: ZoneInfo | None = None) -> str:
    """"17 giờ 00 phút" (an aware time shown in `tz`, default the center's)."""
    dt = _local(dt, tz)
    return f"{dt.hour:02d} giờ {dt.minute:02d} phút"


def datetime_vi(dt: datetime, tz: ZoneInfo | None = None) -> str:
    """Giờ và ngày trên giấy hẹn: "17 giờ 00 phút, ngày 30 tháng 11 năm 2026"."""
    dt = _local(dt, tz)
    return f"{time_vi(dt)}, {date_vi(dt.date())}"


def clock_line(now: datetime) -> Text:
    """The date and time on a kiosk's top bar: "Thứ Hai, ngày 30/11/2026 — 17:00" / "Monday, 30/11/2026 — 17:00"."""
    day = weekday(now.date())
    return Text(f"{day.vi}, ngày {now:%d/%m/%Y} — {now:%H:%M}", f"{day.en}, {now:%d/%m/%Y} — {now:%H:%M}")
