"""Exports of a report: tables (shared by every format), CSV and XLSX.

XLSX is written with XlsxWriter rather than openpyxl: a report is only ever written, never read back
by the hub, and XlsxWriter writes faster, needs no other package, and makes native Excel charts and
colour scales (the heat map) that a manager can keep working with. CSV is UTF-8 with a byte-order mark:
without it Excel opens Vietnamese text as mojibake.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from analytics import texts
from analytics.report import Durations, Figures, Report


@dataclass(frozen=True, slots=True)
class Table:
    """A table of a report: column keys (texts.COLUMNS, or plain labels) and rows of plain values."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]

    def headings(self) -> list[str]:
        """Column headings, "Vietnamese / English"."""
        return [texts.heading(c) if c in texts.COLUMNS else c for c in self.columns]


def minutes(seconds: float | None) -> float | None:
    """Seconds as minutes with one decimal (None stays None)."""
    return None if seconds is None else round(seconds / 60.0, 1)


def _share(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


FIGURE_COLUMNS = ["issued", "served", "no_show", "not_called", "transferred", "open", "priority", "priority_share",
                  "wait_median_min", "wait_p90_min", "service_median_min", "service_p90_min", "within_target"]
COUNTER_COLUMNS = ["served", "no_show", "open", "wait_median_min", "wait_p90_min", "service_median_min",
                   "service_p90_min", "within_target"]
CLERK_COLUMNS = ["served", "no_show", "transferred", "open", "wait_median_min", "wait_p90_min", "service_median_min",
                 "service_p90_min", "within_target"]
"""A clerk's row: the counter's columns and the transfers they sent on (the clerk's own act)."""


def _figure_values(f: Figures, cols: list[str]) -> list[Any]:
    w: Durations = f.wait
    s: Durations = f.service_time
    values = {"issued": f.issued, "served": f.served, "no_show": f.no_show, "not_called": f.not_called,
              "transferred": f.transferred, "open": f.open, "priority": f.priority,
              "priority_share": _share(f.priority_share), "wait_median_min": minutes(w.median_s),
              "wait_p90_min": minutes(w.p90_s), "service_median_min": minutes(s.median_s),
              "service_p90_min": minutes(s.p90_s), "within_target": _share(f.within_target)}
    return [values[c] for c in cols]


def _clerk_ratings(report: Report, clerk: str) -> list[Any]:
    r = report.clerk_ratings.get(clerk)
    return [0, None] if r is None else [r.count, _share(r.satisfied_share)]


def report_tables(report: Report) -> list[Table]:
    """Every table of a report, in the order the PDF and the workbook show them."""
    out = [
        Table("services", texts.SECTIONS["services"], ["key", "name", *FIGURE_COLUMNS],
              [[f.key, f.name, *_figure_values(f, FIGURE_COLUMNS)] for f in report.services]
              + [["*", "Tổng / total", *_figure_values(report.total, FIGURE_COLUMNS)]]),
        Table("counters", texts.SECTIONS["counters"], ["counter", "name", *COUNTER_COLUMNS],
              [[f.key, f.name, *_figure_values(f, COUNTER_COLUMNS)] for f in report.counters]),
        Table("clerks", texts.SECTIONS["clerks"], ["clerk", "name", *CLERK_COLUMNS, "ratings", "satisfied_share"],
              [[f.key, f.name, *_figure_values(f, CLERK_COLUMNS), *_clerk_ratings(report, f.key)]
               for f in report.clerks]),
        Table("priority", texts.COLUMNS["priority"][0] + " / priority", ["key", "category", "count"],
              [[c.code, c.name, c.count] for c in report.priority_categories]),
        Table("dossiers", texts.SECTIONS["dossiers"], ["procedure", "name", "counter_channel", "kiosk", "total"],
              [[p.code, p.name, p.by_channel.get("counter", 0), p.by_channel.get("kiosk", 0), p.total]
               for p in report.dossiers.procedures]
              + [["*", "Tổng / total", report.dossiers.by_channel.get("counter", 0),
                  report.dossiers.by_channel.get("kiosk", 0), report.dossiers.total]]),
        Table("daily", "Theo ngày / per day", ["day", "kind", "issued", "served", "no_show", "wait_median_min"],
              [[d.day.isoformat(), d.kind, d.issued, d.served, d.no_show, minutes(d.wait_median_s)]
               for d in report.daily]),
        Table("heatmap", texts.CHART_HEATMAP, ["weekday", *[f"{h:02d}h" for h in range(24)]],
              [[texts.WEEKDAYS_VI[wd], *[round(report.heatmap.average(wd + 1, h), 2) for h in range(24)]]
               for wd in range(7)]),
    ]
    if report.payments is not None:
        out.append(Table("payments", texts.SUMMARY["payments"], ["procedure", "name", "method", "count", "amount"],
                         [[r.procedure, r.name, r.method, r.count, r.amount] for r in report.payments.rows]))
    if report.ratings is not None:
        out.append(Table("ratings", texts.SUMMARY["ratings"], ["level", "count"],
                         [[texts.RATING_LEVELS.get(k, k), n] for k, n in report.ratings.by_level.items()]))
    return out


def summary_rows(report: Report) -> list[tuple[str, Any]]:
    """The summary block: (label, value) with values already in display units."""
    t = report.total
    target = report.wait_target_s / 60
    rows: list[tuple[str, Any]] = [
        (texts.SUMMARY["issued"], t.issued), (texts.SUMMARY["served"], t.served),
        (texts.SUMMARY["no_show"], t.no_show), (texts.SUMMARY["not_called"], t.not_called),
        (texts.SUMMARY["transferred"], t.transferred),
        (texts.SUMMARY["priority_share"], _pct(t.priority_share)),
        (texts.SUMMARY["wait_median"], _min_text(t.wait.median_s)),
        (texts.SUMMARY["wait_p90"], _min_text(t.wait.p90_s)),
        (texts.SUMMARY["service_median"], _min_text(t.service_time.median_s)),
        (texts.SUMMARY["within_target"].format(target=f"{target:g}"), _pct(t.within_target)),
        (texts.SUMMARY["dossiers"], f"{money(report.dossiers.total)} (ki-ốt / kiosk "
                                    f"{money(report.dossiers.by_channel.get('kiosk', 0))}, tại quầy / counter "
                                    f"{money(report.dossiers.by_channel.get('counter', 0))})"),
    ]
    if report.payments is not None:
        rows.append((texts.SUMMARY["payments"], f"{money(report.payments.amount)} đ ({report.payments.count})"))
    if report.ratings is not None and report.ratings.count:
        rows.append((texts.SUMMARY["ratings"], f"{_pct(report.ratings.satisfied_share)} ({report.ratings.count})"))
    if report.test_tickets:
        rows.append((texts.SUMMARY["test_tickets"], report.test_tickets))
    return rows


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.1f}%".replace(".", ",")


def _min_text(s: float | None) -> str:
    return "-" if s is None else f"{s / 60:.1f} phút / min".replace(".", ",", 1)


def money(amount: int) -> str:
    """1250000 -> "1.250.000" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


# ------------------------------------------------------------------ CSV


def table_csv(table: Table) -> bytes:
    """One table as CSV (UTF-8 with BOM, comma-separated, headings "Vietnamese / English")."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(table.headings())
    for row in table.rows:
        w.writerow(["" if v is None else v for v in row])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def report_csv(report: Report, table: str = "services") -> bytes:
    """A table of the report by name (services, counters, clerks, priority, dossiers, daily, heatmap, ...)."""
    for t in report_tables(report):
        if t.name == table:
            return table_csv(t)
    raise KeyError(f"no table {table!r}; expected one of {', '.join(t.name for t in report_tables(report))}")


# ------------------------------------------------------------------ XLSX


def report_xlsx(report: Report) -> bytes:
    """The report as an Excel workbook: a summary sheet, one sheet per table, a daily chart, a coloured heat map."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF7", "border": 1})
    pct = wb.add_format({"num_format": "0.0%"})
    title = wb.add_format({"bold": True, "font_size": 14})
    ws = wb.add_worksheet("Tong hop")
    ws.set_column(0, 0, 58)
    ws.set_column(1, 1, 36)
    ws.write(0, 0, f"{texts.REPORT_TITLE} {report.period.label_vi.upper()}", title)
    ws.write(1, 0, f"{report.site_name} — {texts.REPORT_TITLE_EN}, {report.period.label_en}")
    ws.write(2, 0, f"Lập lúc / generated {datetime.fromtimestamp(report.generated_at):%d/%m/%Y %H:%M}")
    for i, (label, value) in enumerate(summary_rows(report), start=4):
        ws.write(i, 0, label, bold)
        ws.write(i, 1, value)
    share_cols = {"priority_share", "within_target", "satisfied_share"}
    for table in report_tables(report):
        sheet = wb.add_worksheet(_sheet_name(table.name))
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 45)
        for c, h in enumerate(table.headings()):
            sheet.write(0, c, h, head)
            sheet.set_column(c, c, 44 if table.columns[c] in ("name", "category") else 12)
        for r, row in enumerate(table.rows, start=1):
            for c, v in enumerate(row):
                if v is None:
                    continue
                sheet.write(r, c, v, pct if table.columns[c] in share_cols else None)
        if table.name == "heatmap" and table.rows:
            sheet.conditional_format(1, 1, len(table.rows), 24, {"type": "3_color_scale", "min_color": "#FFFFFF",
                                                                 "mid_color": "#FDD49E", "max_color": "#D7301F"})
        if table.name == "daily" and table.rows:
            chart = wb.add_chart({"type": "column"})
            for col, color in ((2, "#4C78A8"), (3, "#72B7B2")):
                chart.add_series({"name": [sheet.name, 0, col], "categories": [sheet.name, 1, 0, len(table.rows), 0],
                                  "values": [sheet.name, 1, col, len(table.rows), col], "fill": {"color": color}})
            chart.set_title({"name": texts.CHART_DAILY})
            chart.set_size({"width": 900, "height": 360})
            sheet.insert_chart(1, 8, chart)
    wb.close()
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    # Sheet names without diacritics: some older Excel and LibreOffice builds mangle them in formulas.
    return {"services": "Linh vuc", "counters": "Quay", "clerks": "Can bo", "priority": "Uu tien",
            "dossiers": "Ho so", "daily": "Theo ngay", "heatmap": "Ban do nhiet", "payments": "Phi le phi",
            "ratings": "Danh gia"}.get(name, name[:31])
