"""The monthly PDF's charts drawn straight onto the page with fpdf2's lines, rectangles and text: vectors that print
sharp at any size, in the document's own embedded font.

Why not the console's matplotlib charts (analytics.charts): rasterising three figures with Agg took more than
half of a monthly report's time (patches, ticks and text laid out one by one); the same bars as PDF
operators cost a few milliseconds. The charts show the same figures as the console's: issued and served per
day with closed days greyed, the average numbers issued per hour and weekday as a shaded table, and each
service's median and 90th percentile wait against the target.
"""
from __future__ import annotations

import math
from typing import Any

from analytics import texts
from analytics.report import Report

BLUE, TEAL, ORANGE, GREY = (76, 120, 168), (114, 183, 178), (245, 133, 24), (187, 187, 187)
INK, FAINT = (60, 60, 60), (225, 225, 225)


def _nice_step(top: float, ticks: int = 5) -> float:
    """A round axis step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` gridlines up to `top`."""
    raw = max(top, 1e-9) / ticks
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def _fmt_num(v: float) -> str:
    return f"{v:,.0f}".replace(",", ".") if v == int(v) else f"{v:.1f}".replace(".", ",")


def _title(pdf: Any, x: float, y: float, text: str) -> None:
    pdf.set_font("Noto", "", 8)
    pdf.set_text_color(0, 0, 0)
    pdf.text(x, y + 3, text)


def _legend(pdf: Any, x_right: float, y: float, items: list[tuple[tuple[int, int, int], str]]) -> None:
    """Colour keys and labels, right-aligned ending at x_right."""
    pdf.set_font("Noto", "", 6.5)
    widths = [pdf.get_string_width(label) + 6 for _, label in items]
    x = x_right - sum(widths)
    for (color, label), w in zip(items, widths):
        pdf.set_fill_color(*color)
        pdf.rect(x, y + 0.6, 3, 2, style="F")
        pdf.set_text_color(*INK)
        pdf.text(x + 4, y + 2.5, label)
        x += w


def _y_axis(pdf: Any, x0: float, x1: float, y_bottom: float, height: float, top: float) -> float:
    """Horizontal gridlines and their labels; returns the value at the top of the plot."""
    step = _nice_step(top)
    y_max = step * max(1, math.ceil(top / step))
    pdf.set_font("Noto", "", 6)
    pdf.set_line_width(0.1)
    v = 0.0
    while v <= y_max + 1e-9:
        y = y_bottom - height * v / y_max
        pdf.set_draw_color(*FAINT)
        pdf.line(x0, y, x1, y)
        label = _fmt_num(v)
        pdf.set_text_color(*INK)
        pdf.text(x0 - 1 - pdf.get_string_width(label), y + 0.8, label)
        v += step
    return y_max


def daily_chart(pdf: Any, report: Report, x: float, y: float, width: float, height: float = 55) -> float:
    """Issued and served per day, closed days greyed; returns the height used."""
    days = report.daily
    _title(pdf, x, y, texts.CHART_DAILY)
    _legend(pdf, x + width, y + 4, [(BLUE, "Số phát / issued"), (TEAL, "Đã phục vụ / served")])
    left, bottom = 12.0, 7.0
    px0, px1 = x + left, x + width
    py_bottom, p_height = y + height - bottom, height - bottom - 11
    top = max((max(d.issued, d.served) for d in days), default=0) or 1
    y_max = _y_axis(pdf, px0, px1, py_bottom, p_height, top)
    slot = (px1 - px0) / max(1, len(days))
    bar = slot * 0.4
    step = max(1, -(-len(days) // 15))  # at most 15 date labels
    pdf.set_font("Noto", "", 6)
    for i, d in enumerate(days):
        sx = px0 + i * slot
        if not d.open:
            pdf.set_fill_color(236, 236, 236)
            pdf.rect(sx, py_bottom - p_height, slot, p_height, style="F")
        for value, dx, color in ((d.issued, slot * 0.1, BLUE), (d.served, slot * 0.5, TEAL)):
            if value:
                h = p_height * value / y_max
                pdf.set_fill_color(*color)
                pdf.rect(sx + dx, py_bottom - h, bar, h, style="F")
        if i % step == 0:
            label = f"{d.day:%d/%m}"
            pdf.set_text_color(*INK)
            pdf.text(sx + slot / 2 - pdf.get_string_width(label) / 2, py_bottom + 3.5, label)
    pdf.set_draw_color(*INK)
    pdf.line(px0, py_bottom, px1, py_bottom)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    return height


def _heat_color(v: float, top: float) -> tuple[int, int, int]:
    """White to light orange to red (the console's YlOrRd, in three stops)."""
    if top <= 0 or v <= 0:
        return 255, 255, 255
    t = min(1.0, v / top)
    stops = ((255, 255, 229), (253, 174, 97), (215, 48, 31))
    a, b, f = (stops[0], stops[1], t * 2) if t < 0.5 else (stops[1], stops[2], t * 2 - 1)
    return tuple(round(a[k] + (b[k] - a[k]) * f) for k in range(3))  # type: ignore[return-value]


def heatmap_chart(pdf: Any, report: Report, x: float, y: float, width: float) -> float:
    """Average numbers issued per hour on an open day of each weekday, as shaded cells; returns the height used."""
    hm = report.heatmap
    hours = [h for h in range(24) if any(hm.counts[w][h] for w in range(7))] or list(range(7, 18))
    hours = list(range(min(hours), max(hours) + 1))
    rows = [w for w in range(7) if hm.open_days[w]] or list(range(5))
    data = [[hm.average(w + 1, h) for h in hours] for w in rows]
    top = max((v for r in data for v in r), default=0)
    _title(pdf, x, y, texts.CHART_HEATMAP)
    label_w, cell_h = 18.0, 5.0
    cell_w = (width - label_w) / len(hours)
    y0 = y + 6
    pdf.set_font("Noto", "", 6)
    pdf.set_text_color(*INK)
    for j, h in enumerate(hours):
        label = f"{h}h"
        pdf.text(x + label_w + j * cell_w + cell_w / 2 - pdf.get_string_width(label) / 2, y0 + 2.5, label)
    y0 += 3.5
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.3)
    for i, (w, r) in enumerate(zip(rows, data)):
        cy = y0 + i * cell_h
        pdf.set_font("Noto", "", 6.5)
        pdf.set_text_color(*INK)
        pdf.text(x, cy + cell_h / 2 + 1, texts.WEEKDAYS_VI[w])
        for j, v in enumerate(r):
            cx = x + label_w + j * cell_w
            pdf.set_fill_color(*_heat_color(v, top))
            pdf.rect(cx, cy, cell_w, cell_h, style="DF")
            if v:
                label = f"{v:.0f}"
                pdf.set_text_color(*((255, 255, 255) if v > 0.6 * top else (0, 0, 0)))
                pdf.text(cx + cell_w / 2 - pdf.get_string_width(label) / 2, cy + cell_h / 2 + 0.9, label)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    return (y0 - y) + len(rows) * cell_h + 2


def waits_chart(pdf: Any, report: Report, x: float, y: float, width: float) -> float:
    """Median and 90th percentile wait per service (minutes), with the target as a dashed line; returns the height."""
    rows = [s for s in report.services if s.wait.count]
    _title(pdf, x, y, texts.CHART_WAITS)
    _legend(pdf, x + width, y + 4, [(BLUE, "Trung vị / median"), (ORANGE, "P90")])
    pdf.set_font("Noto", "", 6.5)
    label_w = min(60.0, max((pdf.get_string_width(s.name) for s in rows), default=10) + 2)
    bar_h, gap = 2.2, 1.6
    px0, px1 = x + label_w, x + width - 2
    y0 = y + 9
    target = report.wait_target_s / 60
    top = max([target] + [(s.wait.p90_s or 0) / 60 for s in rows])
    step = _nice_step(top)
    x_max = step * max(1, math.ceil(top / step))
    plot_h = len(rows) * (2 * bar_h + gap)
    pdf.set_line_width(0.1)
    pdf.set_font("Noto", "", 6)
    v = 0.0
    while v <= x_max + 1e-9:
        gx = px0 + (px1 - px0) * v / x_max
        pdf.set_draw_color(*FAINT)
        pdf.line(gx, y0, gx, y0 + plot_h)
        label = _fmt_num(v)
        pdf.set_text_color(*INK)
        pdf.text(gx - pdf.get_string_width(label) / 2, y0 + plot_h + 3, label)
        v += step
    for i, s in enumerate(rows):
        by = y0 + i * (2 * bar_h + gap)
        pdf.set_font("Noto", "", 6.5)
        pdf.set_text_color(*INK)
        name = s.name
        while name and pdf.get_string_width(name) > label_w - 2:
            name = name[:-1]
        pdf.text(x, by + bar_h + 1, name if name == s.name else name.rstrip() + "…")
        for value, dy, color in (((s.wait.median_s or 0) / 60, 0.0, BLUE), ((s.wait.p90_s or 0) / 60, bar_h, ORANGE)):
            pdf.set_fill_color(*color)
            pdf.rect(px0, by + dy, (px1 - px0) * value / x_max, bar_h, style="F")
    tx = px0 + (px1 - px0) * target / x_max
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.3)
    pdf.set_dash_pattern(dash=1.2, gap=0.8)
    pdf.line(tx, y0 - 1, tx, y0 + plot_h)
    pdf.set_dash_pattern()
    pdf.set_line_width(0.2)
    pdf.set_text_color(0, 0, 0)
    return (y0 - y) + plot_h + 5
