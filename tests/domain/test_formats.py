"""motcua.formats, the one place that formats for people: fees, processing times, Vietnamese dates and times."""
from __future__ import annotations

from datetime import UTC, date, datetime

from motcua import formats
from motcua.text import Text


def test_fees() -> None:
    assert formats.fee(8000) == "8.000 đ" and formats.fee(1_250_000) == "1.250.000 đ"
    assert formats.fee_text(8000, "nộp khi nhận") == Text("8.000 đ (nộp khi nhận)", "8.000 đ (nộp khi nhận)")
    assert formats.fee_text(0) == Text("Miễn phí", "Free") and formats.fee_text(None, "x").vi == "Miễn phí (x)"
    assert formats.fee_text(0, free=Text("không", "none")).vi == "không"


def test_processing_times() -> None:
    assert formats.processing_time(5) == Text("5 ngày làm việc", "5 working days")
    assert formats.processing_time(1).en == "1 working day"
    assert formats.processing_time(16, "hours") == Text("16 giờ làm việc", "16 working hours")
    assert formats.processing_time(2.5).vi == "2,5 ngày làm việc"  # a decimal comma
    assert formats.processing_time(0).vi == formats.processing_time(None).vi == "Trong ngày làm việc"


def test_vietnamese_dates_and_times() -> None:
    monday = date(2026, 11, 30)
    assert formats.date_long(monday) == "Thứ Hai, ngày 30 tháng 11 năm 2026"
    assert formats.date_vi(date(2026, 12, 5)) == "ngày 05 tháng 12 năm 2026"
    assert formats.date_long(date(2026, 12, 6)).startswith("Chủ Nhật")
    assert formats.weekday(monday) == Text("Thứ Hai", "Monday")
    assert formats.datetime_vi(datetime(2026, 11, 30, 17, 0)) == "17 giờ 00 phút, ngày 30 tháng 11 năm 2026"
    # An aware time is said where the center is (UTC+7): 10:00 UTC is 17:00 in Hà Nội.
    assert formats.datetime_vi(datetime(2026, 11, 30, 10, 0, tzinfo=UTC)) == "17 giờ 00 phút, ngày 30 tháng 11 năm 2026"
    assert formats.time_vi(datetime(2026, 11, 30, 9, 5)) == "09 giờ 05 phút"
    assert formats.parse_time("2026-11-30T10:00:00+00:00") == datetime(2026, 11, 30, 17, 0, tzinfo=formats.VIETNAM_TZ)
    assert formats.parse_time(None) is None
    line = formats.clock_line(datetime(2026, 11, 30, 17, 0))
    assert line == Text("Thứ Hai, ngày 30/11/2026 — 17:00", "Monday, 30/11/2026 — 17:00")
