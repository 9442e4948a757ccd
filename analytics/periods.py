"""Report periods: a day, an ISO week, a month or a chosen range of local dates (inclusive)."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["day", "week", "month", "range"]

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/)\s*(\d{4}-\d{2}-\d{2})$")
MAX_RANGE_DAYS = 3 * 366
"""A report over more than three years is refused (the heat map and daily series would say nothing)."""


@dataclass(frozen=True, slots=True)
class Period:
    """Kỳ báo cáo: local dates `first`..`last`, both included."""

    kind: PeriodKind
    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")
        if (self.last - self.first).days >= MAX_RANGE_DAYS:
            raise ValueError(f"a report covers at most {MAX_RANGE_DAYS} days")

    @classmethod
    def day(cls, d: date) -> Period:
        """One day."""
        return cls("day", d, d)

    @classmethod
    def week(cls, d: date) -> Period:
        """The ISO week (Monday to Sunday) holding d."""
        monday = d - timedelta(days=d.isoweekday() - 1)
        return cls("week", monday, monday + timedelta(days=6))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """A calendar month."""
        return cls("month", date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def between(cls, first: date, last: date) -> Period:
        """A chosen range."""
        return cls("range", first, last)

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2026-11-26" (day), "2026-W48" (ISO week), "2026-11" (month), "2026-11-01..2026-11-15" (range)."""
        t = text.strip()
        try:
            if m := _RANGE.match(t):
                return cls.between(date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2)))
            if m := _WEEK.match(t):
                return cls.week(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
            if m := _MONTH.match(t):
                return cls.month(int(m.group(1)), int(m.group(2)))
            return cls.day(date.fromisoformat(t))
        except ValueError as exc:
            raise ValueError(f"kỳ báo cáo không hợp lệ / not a period: {text!r} ({exc}); expected 2026-11-26, "
                             "2026-W48, 2026-11 or 2026-11-01..2026-11-15") from None

    @property
    def days(self) -> int:
        """How many dates the period holds."""
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        """Every date of the period."""
        return [self.first + timedelta(days=i) for i in range(self.days)]

    @property
    def key(self) -> str:
        """The period as parse() reads it back ("2026-11", "2026-W48", ...)."""
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "week":
            y, w, _ = self.first.isocalendar()
            return f"{y}-W{w:02d}"
        if self.kind == "month":
            return f"{self.first.year}-{self.first.month:02d}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def label_vi(self) -> str:
        """"tháng 11 năm 2026", "ngày 26/11/2026", ..."""
        f, last = self.first, self.last
        if self.kind == "day":
            return f"ngày {f:%d/%m/%Y}"
        if self.kind == "week":
            return f"tuần {f.isocalendar()[1]} năm {f.isocalendar()[0]} ({f:%d/%m} - {last:%d/%m/%Y})"
        if self.kind == "month":
            return f"tháng {f.month} năm {f.year}"
        return f"từ ngày {f:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"

    @property
    def label_en(self) -> str:
        """"November 2026", "26 Nov 2026", ..."""
        f, last = self.first, self.last
        if self.kind == "day":
            return f"{f:%d %b %Y}"
        if self.kind == "week":
            return f"week {f.isocalendar()[1]} of {f.isocalendar()[0]} ({f:%d %b} - {last:%d %b %Y})"
        if self.kind == "month":
            return f"{f:%B %Y}"
        return f"{f:%d %b %Y} - {last:%d %b %Y}"
