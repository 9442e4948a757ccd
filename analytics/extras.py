"""The report's sections beyond tickets: dossiers received, fees paid, citizens' ratings.

Each reads its own table on the reports' read-only connection and answers None (or an empty section)
when this hub's database has no such table yet: the payments table comes with the fees work (the same
figures as the hub's `GET /api/v1/payments/summary`), the ratings table with the satisfaction rating.
"""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date

from analytics.source import columns, tables

log = logging.getLogger(__name__)

DOSSIER_CHANNELS = ("counter", "kiosk")
"""Where a dossier is received: at a counter by a clerk, or self-submitted at a kiosk."""


@dataclass(frozen=True, slots=True)
class ProcedureCount:
    """Dossiers of one procedure (thủ tục), by channel."""

    code: str
    name: str
    total: int
    by_channel: dict[str, int]


@dataclass(frozen=True, slots=True)
class DossierFigures:
    """Hồ sơ tiếp nhận: dossiers received in the period, by procedure and channel."""

    total: int
    by_channel: dict[str, int]
    procedures: list[ProcedureCount]


def dossier_figures(conn: sqlite3.Connection, first: date, last: date, names: dict[str, str]) -> DossierFigures:
    """Dossiers received (by local day of receipt) per procedure and channel."""
    if "dossiers" not in tables(conn):
        return DossierFigures(0, {c: 0 for c in DOSSIER_CHANNELS}, [])
    rows = conn.execute(
        "SELECT procedure, COALESCE(json_extract(body, '$.channel'), ''), COUNT(*) FROM dossiers "
        "WHERE day BETWEEN ? AND ? GROUP BY 1, 2", (first.isoformat(), last.isoformat())).fetchall()
    per: dict[str, dict[str, int]] = {}
    for code, channel, n in rows:
        per.setdefault(code, {c: 0 for c in DOSSIER_CHANNELS})[channel or "other"] = int(n)
    procs = sorted((ProcedureCount(code, names.get(code, code), sum(ch.values()), ch) for code, ch in per.items()),
                   key=lambda p: (-p.total, p.code))
    by_channel = {c: 0 for c in DOSSIER_CHANNELS}
    for p in procs:
        for c, n in p.by_channel.items():
            by_channel[c] = by_channel.get(c, 0) + n
    return DossierFigures(sum(p.total for p in procs), by_channel, procs)


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """Fees of one procedure paid by one method."""

    procedure: str
    name: str
    method: str
    count: int
    amount: int


@dataclass(frozen=True, slots=True)
class PaymentFigures:
    """Phí, lệ phí: fees paid in the period (VND), per procedure and method (cash, transfer)."""

    count: int
    amount: int
    by_method: dict[str, int]
    """Amount per method."""
    rows: list[PaymentRow]


def payment_figures(conn: sqlite3.Connection, first: date, last: date, names: dict[str, str]) -> PaymentFigures | None:
    """Fees paid per procedure and method, or None when this database has no payments table."""
    if not {"day", "procedure", "method", "amount"} <= columns(conn, "payments"):
        return None
    rows = conn.execute("SELECT procedure, method, COUNT(*), SUM(amount) FROM payments WHERE day BETWEEN ? AND ? "
                        "GROUP BY procedure, method ORDER BY procedure, method",
                        (first.isoformat(), last.isoformat())).fetchall()
    out = [PaymentRow(r[0], names.get(r[0], r[0]), r[1], int(r[2]), int(r[3] or 0)) for r in rows]
    by_method: dict[str, int] = {}
    for r in out:
        by_method[r.method] = by_method.get(r.method, 0) + r.amount
    return PaymentFigures(sum(r.count for r in out), sum(r.amount for r in out), by_method, out)


RATING_LEVELS = ("very_satisfied", "satisfied", "unsatisfied")
"""Circular 01/2018's overall levels: Rất hài lòng / Hài lòng / Không hài lòng."""


@dataclass(frozen=True, slots=True)
class RatingFigures:
    """Đánh giá mức độ hài lòng: ratings in the period by overall level."""

    count: int
    by_level: dict[str, int]

    @classmethod
    def of(cls, counts: dict[str, int]) -> RatingFigures:
        """Counts by level as stored; the three of Circular 01/2018 are listed even when none was given."""
        by_level = {level: 0 for level in RATING_LEVELS}
        by_level.update(counts)
        return cls(sum(by_level.values()), by_level)

    @property
    def satisfied_share(self) -> float | None:
        """Very satisfied plus satisfied, over all ratings."""
        if not self.count:
            return None
        return (self.by_level.get("very_satisfied", 0) + self.by_level.get("satisfied", 0)) / self.count


def rating_figures(conn: sqlite3.Connection, first: date, last: date) -> RatingFigures | None:
    """Ratings by level, or None when this database has no ratings table (the hub's, schema 9: `day` and
    `level`; `overall` in databases written before the ratings landed).

    Levels are counted as stored; the three of Circular 01/2018 are listed even when none was given.
    """
    have = columns(conn, "ratings")
    level = "level" if "level" in have else "overall" if "overall" in have else None
    if "day" not in have or level is None:
        return None
    rows = conn.execute(f"SELECT {level}, COUNT(*) FROM ratings WHERE day BETWEEN ? AND ? GROUP BY {level}",
                        (first.isoformat(), last.isoformat())).fetchall()
    return RatingFigures.of({str(lv): int(n) for lv, n in rows})
