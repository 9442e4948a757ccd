"""The printable A4 report (báo cáo) with the Vietnamese administrative heading, server-side charts, and,
when given, the 14-day forecast and the counter plan.

Written with fpdf2 and our bundled Noto Sans (embedded, subset): the diacritics print as they should on
any printer, with no font installed on the PC. The heading follows the layout of administrative
documents (Decree 30/2020/NĐ-CP): the agency and the center on the left, the national name and motto on
the right, then the place and date line; a day below 10 and the months 1 and 2 are written with a
leading zero ("ngày 05 tháng 02 năm 2027").
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from fpdf import FPDF

from analytics import charts, pdf_charts, texts
from analytics.export import minutes, money, summary_rows
from analytics.forecast import Forecast
from analytics.report import Report
from analytics.staffing import StaffingPlan

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
MARGIN = 15.0
WIDTH = 210.0 - 2 * MARGIN
HEAD_FILL = (232, 238, 247)


def admin_date(day: date, place: str = "") -> str:
    """"Bắc Ninh, ngày 30 tháng 11 năm 2026" (a leading zero for days below 10 and for months 1 and 2)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


class _Doc(FPDF):
    """A4 portrait with our fonts and a page-number footer."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        # The fonts cut down to Latin and Vietnamese (assets/fonts/README.md): the whole ones took half the time.
        self.add_font("Noto", "", str(FONTS / "NotoSans-Regular-vi.ttf"))
        self.add_font("Noto", "B", str(FONTS / "NotoSans-Bold-vi.ttf"))
        self.set_margins(MARGIN, 12, MARGIN)
        self.set_auto_page_break(True, margin=14)
        self.set_title(footer_text)
        self.set_creator("motcua-edge")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("Noto", "", 7)
        self.set_text_color(110, 110, 110)
        self.cell(WIDTH / 2, 4, self.footer_text)
        self.cell(WIDTH / 2, 4, texts.PAGE.format(n=self.page_no(), total="{nb}"), align="R")
        self.set_text_color(0, 0, 0)


def _heading(pdf: _Doc, report: Report, issued_on: date, title: str, subtitle: str, subtitle_en: str) -> None:
    top = pdf.get_y()
    left_w, right_x, right_w = 78.0, MARGIN + 78.0, WIDTH - 78.0
    pdf.set_font("Noto", "", 10)
    if report.agency:
        pdf.set_xy(MARGIN, top)
        pdf.multi_cell(left_w, 5, report.agency.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "B", 10)
    pdf.set_x(MARGIN)
    pdf.multi_cell(left_w, 5, report.site_name.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    y_left = pdf.get_y() + 1
    pdf.line(MARGIN + left_w / 2 - 15, y_left, MARGIN + left_w / 2 + 15, y_left)
    pdf.set_font("Noto", "B", 10)
    pdf.set_xy(right_x, top)
    pdf.cell(right_w, 5, texts.NATIONAL_NAME, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Noto", "B", 11)
    pdf.cell(right_w, 5.5, texts.NATIONAL_MOTTO, align="C", new_x="LEFT", new_y="NEXT")
    motto_w = pdf.get_string_width(texts.NATIONAL_MOTTO)
    y_right = pdf.get_y() + 0.5
    pdf.line(right_x + (right_w - motto_w) / 2, y_right, right_x + (right_w + motto_w) / 2, y_right)
    y = max(y_left, y_right) + 3
    pdf.set_font("Noto", "", 10)
    pdf.set_xy(MARGIN, y)
    pdf.cell(left_w, 5, f"Số:        /BC-{report.site_code}", align="C")
    pdf.set_xy(right_x, y)
    pdf.cell(right_w, 5, admin_date(issued_on, report.place), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Noto", "B", 14)
    pdf.cell(WIDTH, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "B", 11)
    pdf.multi_cell(WIDTH, 5.5, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "", 8.5)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(WIDTH, 5, subtitle_en, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)


def _section(pdf: _Doc, title: str, *, need_mm: float = 30) -> None:
    if pdf.get_y() + need_mm > pdf.h - 16:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("Noto", "B", 10.5)
    pdf.cell(WIDTH, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _note(pdf: _Doc, text: str) -> None:
    pdf.set_font("Noto", "", 8)
    pdf.set_text_color(80, 80, 80)
    pdf.multi_cell(WIDTH, 4, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _table(pdf: _Doc, head: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
           size: float = 7.5, align_first: str = "L", bold_last: bool = False) -> None:
    """A ruled table: a shaded heading (lines split at "\n"), one line per row, text cut to its cell.

    Plain cells rather than fpdf2's table(): its per-cell line breaking took a fifth of a monthly report's
    time, and our rows are one line each.
    """
    line = size * 0.48
    head_lines = max(h.count("\n") + 1 for h in head)
    head_h = head_lines * line + 1.2

    def heading() -> None:
        pdf.set_font("Noto", "B", size)
        pdf.set_fill_color(*HEAD_FILL)
        x0, y0 = pdf.get_x(), pdf.get_y()
        for h, w in zip(head, widths):
            x = pdf.get_x()
            pdf.rect(x, y0, w, head_h, style="DF")
            parts = h.split("\n")
            top = y0 + (head_h - len(parts) * line) / 2
            for i, part in enumerate(parts):
                pdf.set_xy(x, top + i * line)
                pdf.cell(w, line, _fit(pdf, part, w), align="C")
            pdf.set_xy(x + w, y0)
        pdf.set_xy(x0, y0 + head_h)

    row_h = line + 1.3
    if pdf.get_y() + head_h + row_h > pdf.h - 16:
        pdf.add_page()
    heading()
    for i, values in enumerate(rows):
        if pdf.get_y() + row_h > pdf.h - 16:
            pdf.add_page()
            heading()
        pdf.set_font("Noto", "B" if bold_last and i == len(rows) - 1 else "", size)
        for j, (v, w) in enumerate(zip(values, widths)):
            text = _fit(pdf, _fmt(v), w)
            pdf.cell(w, row_h, text, border=1, align=align_first if j == 0 else "R")
        pdf.ln(row_h)
    pdf.ln(1)


def _fit(pdf: _Doc, text: str, width: float) -> str:
    """Text cut (with "…") to fit a cell of `width` mm with its padding."""
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    while text and pdf.get_string_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}".replace(".", ",")
    if isinstance(v, int):
        return money(v)
    return str(v)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.0f}%"


def _h(key: str) -> str:
    vi, en = texts.COLUMNS[key]
    return f"{vi}\n{en}"


def _report_pages(pdf: _Doc, report: Report) -> None:
    target = report.wait_target_s / 60
    _section(pdf, texts.SECTIONS["summary"])
    rows = summary_rows(report)
    _table(pdf, [_h("metric"), _h("value")], rows, [100, 80], size=8.5)
    _section(pdf, texts.SECTIONS["services"], need_mm=60)
    head = [_h("service"), *(texts.SHORT[k] for k in ("issued", "served", "no_show", "transferred", "priority_share",
                                                      "wait_median_min", "wait_p90_min", "service_median_min")),
            texts.SHORT["within_target"].format(target=target)]
    body = [[s.name, s.issued, s.served, s.no_show, s.transferred, _pct(s.priority_share), minutes(s.wait.median_s),
             minutes(s.wait.p90_s), minutes(s.service_time.median_s), _pct(s.within_target)]
            for s in [*report.services, report.total] if s.issued or s.served or s is report.total]
    body[-1][0] = "Tổng / total"
    _table(pdf, head, body, [48, 14, 14, 14, 15, 14, 15, 15, 17, 14], size=7, bold_last=True)
    _note(pdf, texts.TIMES_NOTE)
    _section(pdf, texts.SECTIONS["charts"], need_mm=70)
    weekdays = len([w for w in range(7) if report.heatmap.open_days[w]]) or 5
    for draw, need in ((pdf_charts.daily_chart, 57.0), (pdf_charts.heatmap_chart, 12 + 5.0 * weekdays),
                       (pdf_charts.waits_chart, 16 + 6.0 * len(report.services))):
        if pdf.get_y() + need > pdf.h - 16:
            pdf.add_page()
        y = pdf.get_y()
        used = draw(pdf, report, MARGIN, y, WIDTH)
        pdf.set_xy(MARGIN, y + used + 3)
    _section(pdf, texts.SECTIONS["counters"], need_mm=50)
    head = [_h("counter"), *(texts.SHORT[k] for k in ("served", "no_show", "wait_median_min", "service_median_min",
                                                      "service_p90_min"))]
    body = [[c.name, c.served, c.no_show, minutes(c.wait.median_s), minutes(c.service_time.median_s),
             minutes(c.service_time.p90_s)] for c in report.counters]
    _table(pdf, head, body, [70, 20, 20, 24, 24, 22], size=7)
    pdf.set_font("Noto", "B", 8.5)
    pdf.cell(WIDTH, 5, texts.SECTIONS["clerks"], new_x="LMARGIN", new_y="NEXT")
    if report.clerks:
        body = [[c.name, c.served, c.no_show, minutes(c.wait.median_s), minutes(c.service_time.median_s),
                 minutes(c.service_time.p90_s), _pct(r.satisfied_share if (r := report.clerk_ratings.get(c.key)) else None)]
                for c in report.clerks]
        _table(pdf, [_h("clerk"), *head[1:], texts.SHORT["satisfied_share"]], body, [60, 18, 18, 22, 22, 20, 20], size=7)
    else:
        _note(pdf, texts.NO_CLERKS)
    _section(pdf, texts.SECTIONS["dossiers"], need_mm=40)
    procs = report.dossiers.procedures
    body = [[p.name, p.by_channel.get("counter", 0), p.by_channel.get("kiosk", 0), p.total] for p in procs[:20]]
    if len(procs) > 20:
        rest = procs[20:]
        body.append([f"Các thủ tục khác / {len(rest)} other procedures", sum(p.by_channel.get("counter", 0) for p in rest),
                     sum(p.by_channel.get("kiosk", 0) for p in rest), sum(p.total for p in rest)])
    body.append(["Tổng / total", report.dossiers.by_channel.get("counter", 0), report.dossiers.by_channel.get("kiosk", 0),
                 report.dossiers.total])
    _table(pdf, [_h("procedure"), _h("counter_channel"), _h("kiosk"), _h("total")], body, [120, 20, 20, 20], size=7,
           bold_last=True)
    _section(pdf, texts.SECTIONS["fees_ratings"], need_mm=25)
    if report.payments is not None and report.payments.rows:
        body = [[r.name, texts.METHODS.get(r.method, r.method), r.count, r.amount] for r in report.payments.rows]
        body.append(["Tổng / total", "", report.payments.count, report.payments.amount])
        _table(pdf, [_h("procedure"), _h("method"), _h("count"), _h("amount")], body, [95, 35, 20, 30], size=7,
               bold_last=True)
    else:
        _note(pdf, texts.NO_PAYMENTS)
    if report.ratings is not None and report.ratings.count:
        _table(pdf, [_h("level"), _h("count")], [[texts.RATING_LEVELS.get(k, k), n] for k, n in
                                                  report.ratings.by_level.items()], [95, 30], size=7.5)
    else:
        _note(pdf, texts.NO_RATINGS)


def _image(pdf: _Doc, png: bytes) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        w_px, h_px = im.size
    h_mm = WIDTH * h_px / w_px
    if pdf.get_y() + h_mm > pdf.h - 16:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=MARGIN, w=WIDTH)
    pdf.ln(2)


def _forecast_pages(pdf: _Doc, fc: Forecast) -> None:
    _section(pdf, texts.SECTIONS["forecast"], need_mm=80)
    _image(pdf, charts.forecast_chart(fc))
    bt = fc.total.backtest
    if bt.wape is not None and bt.mape is not None:
        _note(pdf, texts.BACKTEST.format(weeks=bt.weeks, wape=bt.wape * 100, mape=bt.mape * 100))
    for n in fc.notes:
        _note(pdf, n)
    days = list(range(len(fc.days)))
    head = [_h("service")] + [f"{texts.WEEKDAYS_SHORT[fc.days[i].isoweekday() - 1]}\n{fc.days[i]:%d/%m}" for i in days]
    body: list[list[Any]] = []
    for s in sorted(fc.services, key=lambda s: -sum(s.daily)):
        if sum(s.daily) <= 0:
            continue
        body.append([s.name] + [round(v) if fc.open[i] else "-" for i, v in enumerate(s.daily)])
    body.append(["Tổng / total"] + [round(v) if fc.open[i] else "-" for i, v in enumerate(fc.total.daily)])
    w = (WIDTH - 47) / len(days)
    _table(pdf, head, body, [47] + [w] * len(days), size=6.5, bold_last=True)
    body = [[s.name, s.method, _pct(s.backtest.wape), _pct(s.backtest.mape)]
            for s in fc.services if s.backtest.wape is not None]
    _table(pdf, ["Lĩnh vực / service", "Mô hình / model", "WAPE", "MAPE"], body, [80, 30, 25, 25], size=7)


def _staffing_pages(pdf: _Doc, plan: StaffingPlan) -> None:
    _section(pdf, texts.SECTIONS["staffing"], need_mm=60)
    _note(pdf, texts.STAFFING_NOTE.format(share=plan.level * 100, target=plan.target_s / 60))
    hours = plan.hours or list(range(7, 17))
    w = min(10.0, (WIDTH - 52) / (len(hours) + 1))
    for d, day in enumerate(plan.days):
        if not plan.open[d]:
            continue
        rows = [[s.name, *[s.counters[d][h] or "" for h in hours], s.peak(d)] for s in plan.services if s.peak(d)]
        if not rows:
            continue
        rows.append(["Tổng / total", *[plan.total(d, h) for h in hours], max(plan.total(d, h) for h in hours)])
        need = 9 + 4.2 * (len(rows) + 1)
        if pdf.get_y() + need > pdf.h - 16:
            pdf.add_page()
        pdf.set_font("Noto", "B", 8.5)
        pdf.cell(WIDTH, 5, f"{texts.WEEKDAYS_VI[day.isoweekday() - 1]}, {day:%d/%m/%Y}", new_x="LMARGIN", new_y="NEXT")
        _table(pdf, ["Lĩnh vực / service", *[f"{h}h" for h in hours], "Tối đa\nmax"], rows,
               [52, *[w] * len(hours), w], size=6.5, bold_last=True)


def _signatures(pdf: _Doc) -> None:
    if pdf.get_y() + 35 > pdf.h - 16:
        pdf.add_page()
    pdf.ln(4)
    y = pdf.get_y()
    for x, who, note in ((MARGIN, texts.SIGN_LEFT, texts.SIGN_NOTE), (MARGIN + WIDTH / 2, texts.SIGN_RIGHT,
                                                                         texts.SIGN_NOTE_RIGHT)):
        pdf.set_xy(x, y)
        pdf.set_font("Noto", "B", 10)
        pdf.cell(WIDTH / 2, 5, who, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font("Noto", "", 8.5)
        pdf.cell(WIDTH / 2, 5, note, align="C")


def report_pdf(report: Report, *, issued_on: date, forecast: Forecast | None = None,
               plan: StaffingPlan | None = None) -> bytes:
    """The report as a printable A4 PDF; the forecast and the counter plan are appended when given."""
    pdf = _Doc(f"{report.site_name} — {texts.REPORT_TITLE_EN}, {report.period.label_en}")
    pdf.add_page()
    _heading(pdf, report, issued_on, "BÁO CÁO", f"Tình hình tiếp nhận và phục vụ công dân {report.period.label_vi}",
             f"{texts.REPORT_TITLE_EN}, {report.period.label_en}")
    _report_pages(pdf, report)
    if forecast is not None:
        _forecast_pages(pdf, forecast)
    if plan is not None:
        _staffing_pages(pdf, plan)
    _signatures(pdf)
    return bytes(pdf.output())


def plan_pdf(report_like: Report, forecast: Forecast, plan: StaffingPlan, *, issued_on: date) -> bytes:
    """The forecast and the counter plan on their own (the same heading), for the manager to print weekly."""
    pdf = _Doc(f"{report_like.site_name} — {texts.PLAN_TITLE_EN}")
    pdf.add_page()
    first, last = forecast.days[0], forecast.days[-1]
    _heading(pdf, report_like, issued_on, "KẾ HOẠCH",
             f"Dự báo nhu cầu và bố trí quầy từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}",
             f"{texts.PLAN_TITLE_EN}, {first:%d %b %Y} - {last:%d %b %Y}")
    _forecast_pages(pdf, forecast)
    _staffing_pages(pdf, plan)
    _signatures(pdf)
    return bytes(pdf.output())
