"""Charts drawn on the server with matplotlib (Agg, no display, nothing from the network) in our bundled
Noto Sans, so Vietnamese diacritics come out right; each chart is PNG bytes for the PDF (and the console).
"""
from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

from analytics import texts
from analytics.forecast import Forecast
from analytics.report import Report
from analytics.staffing import StaffingPlan

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FAMILY = "Noto Sans"
DPI = 150
BLUE, TEAL, ORANGE, GREY = "#4C78A8", "#72B7B2", "#F58518", "#BBBBBB"
_lock = threading.Lock()
_ready = False


def _plt() -> Any:
    """pyplot with the Agg backend and our fonts registered (once per process)."""
    global _ready
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    with _lock:
        if not _ready:
            for f in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
                font_manager.fontManager.addfont(str(FONTS / f))
            plt.rcParams.update({"font.family": FAMILY, "font.size": 8, "axes.titlesize": 9, "axes.spines.top": False,
                                 "axes.spines.right": False, "figure.dpi": DPI, "savefig.dpi": DPI})
            _ready = True
    return plt


def _png(fig: Any, *, left: float, bottom: float, top: float = 0.32, right: float = 0.12) -> bytes:
    """The figure as PNG, with fixed margins in inches.

    Hazard: a layout engine or bbox_inches="tight" draws the figure twice; fixed margins keep the monthly
    report within its second.
    """
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    _plt().close(fig)
    return buf.getvalue()


def _title(fig: Any, text: str) -> None:
    """The chart's title at the figure's top left (an axes title moves with the y labels and gets cut)."""
    h = fig.get_size_inches()[1]
    fig.text(0.01, 1 - 0.06 / h, text, ha="left", va="top", fontsize=9)


def _label_width(labels: list[str]) -> float:
    """Inches taken by the longest y-axis label at the base font size (Noto Sans 8 pt: ~0.055 in a letter)."""
    return 0.25 + 0.056 * max((len(x) for x in labels), default=4)


def daily_chart(report: Report, *, width_in: float = 7.2) -> bytes:
    """Issued and served per day, closed days greyed."""
    plt = _plt()
    days = report.daily
    fig, ax = plt.subplots(figsize=(width_in, 2.3))
    x = list(range(len(days)))
    ax.bar([i - 0.2 for i in x], [d.issued for d in days], width=0.4, color=BLUE, label="Số phát / issued")
    ax.bar([i + 0.2 for i in x], [d.served for d in days], width=0.4, color=TEAL, label="Đã phục vụ / served")
    for i, d in enumerate(days):
        if not d.open:
            ax.axvspan(i - 0.5, i + 0.5, color=GREY, alpha=0.25, lw=0)
    step = max(1, -(-len(days) // 15))  # at most 15 labels
    ax.set_xticks(x[::step], [f"{d.day:%d/%m}" for d in days][::step])
    _title(fig, texts.CHART_DAILY)
    ax.legend(frameon=False, ncols=2, loc="lower right", bbox_to_anchor=(1, 1))
    ax.grid(axis="y", alpha=0.3)
    return _png(fig, left=0.45, bottom=0.3, top=0.45)


def heatmap_chart(report: Report, *, width_in: float = 7.2) -> bytes:
    """Average numbers issued per hour on an open day of each weekday."""
    plt = _plt()
    hm = report.heatmap
    hours = [h for h in range(24) if any(hm.counts[w][h] for w in range(7))] or list(range(7, 18))
    hours = list(range(min(hours), max(hours) + 1))
    rows = [w for w in range(7) if hm.open_days[w]] or list(range(5))
    data = [[hm.average(w + 1, h) for h in hours] for w in rows]
    fig, ax = plt.subplots(figsize=(width_in, 0.34 * len(rows) + 0.8))
    im = ax.imshow(data, cmap="YlOrRd", aspect="auto")
    ax.set_xticks(range(len(hours)), [f"{h}h" for h in hours])
    ax.set_yticks(range(len(rows)), [texts.WEEKDAYS_VI[w] for w in rows])
    top = max((v for r in data for v in r), default=0)
    for i, r in enumerate(data):
        for j, v in enumerate(r):
            if v:
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6.5,
                        color="white" if v > 0.6 * top else "black")
    _title(fig, texts.CHART_HEATMAP)
    ax.spines[:].set_visible(False)
    fig.colorbar(im, ax=ax, fraction=0.02, pad=0.01)
    return _png(fig, left=_label_width([texts.WEEKDAYS_VI[w] for w in rows]), bottom=0.3, right=0.45)


def waits_chart(report: Report, *, width_in: float = 7.2) -> bytes:
    """Median and 90th percentile wait per service, with the target line."""
    plt = _plt()
    rows = [s for s in report.services if s.wait.count][::-1]
    fig, ax = plt.subplots(figsize=(width_in, 0.26 * max(4, len(rows)) + 0.8))
    y = list(range(len(rows)))
    ax.barh([i + 0.18 for i in y], [(s.wait.p90_s or 0) / 60 for s in rows], height=0.36, color=ORANGE, label="P90")
    ax.barh([i - 0.18 for i in y], [(s.wait.median_s or 0) / 60 for s in rows], height=0.36, color=BLUE,
            label="Trung vị / median")
    ax.axvline(report.wait_target_s / 60, color="black", lw=0.8, ls="--")
    ax.set_yticks(y, [s.name for s in rows])
    _title(fig, texts.CHART_WAITS)
    ax.legend(frameon=False, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig, left=_label_width([s.name for s in rows]), bottom=0.3)


def forecast_chart(fc: Forecast, *, width_in: float = 7.2, top: int = 5) -> bytes:
    """The center's forecast per day, split into its busiest services."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(width_in, 2.9))
    x = list(range(len(fc.days)))
    ranked = sorted(fc.services, key=lambda s: -sum(s.daily))[:top]
    bottom = [0.0] * len(x)
    colors = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2"]
    for s, color in zip(ranked, colors):
        ax.bar(x, s.daily, bottom=bottom, color=color, label=s.name, width=0.7)
        bottom = [b + v for b, v in zip(bottom, s.daily)]
    rest = [t - b for t, b in zip(fc.total.daily, bottom)]
    ax.bar(x, rest, bottom=bottom, color=GREY, label="Khác / other", width=0.7)
    ax.set_xticks(x, [f"{texts.WEEKDAYS_SHORT[d.isoweekday() - 1]}\n{d:%d/%m}" for d in fc.days])
    for i, is_open in enumerate(fc.open):
        if not is_open:
            ax.text(i, 0, "nghỉ", ha="center", va="bottom", fontsize=6.5, color="#666666", rotation=90)
    _title(fig, texts.CHART_FORECAST)
    ax.legend(frameon=False, fontsize=6.5, ncols=3, loc="upper left", bbox_to_anchor=(0, -0.22))
    ax.grid(axis="y", alpha=0.3)
    return _png(fig, left=0.45, bottom=0.95)


def counters_chart(report: Report, *, width_in: float = 7.2) -> bytes:
    """Citizens served and no-shows per counter."""
    plt = _plt()
    rows = [c for c in report.counters if c.served or c.no_show][::-1] or report.counters[::-1]
    fig, ax = plt.subplots(figsize=(width_in, 0.24 * max(4, len(rows)) + 0.8))
    y = list(range(len(rows)))
    ax.barh(y, [c.served for c in rows], color=TEAL, label="Đã phục vụ / served")
    ax.barh(y, [c.no_show for c in rows], left=[c.served for c in rows], color=ORANGE, label="Vắng mặt / no-shows")
    ax.set_yticks(y, [c.name for c in rows])
    _title(fig, texts.CHART_COUNTERS)
    ax.legend(frameon=False, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig, left=_label_width([c.name for c in rows]), bottom=0.3)


def staffing_chart(plan: StaffingPlan, *, width_in: float = 7.2) -> bytes:
    """Counters needed by the whole center, per open day and hour (the plan at a glance)."""
    plt = _plt()
    days = [i for i, is_open in enumerate(plan.open) if is_open] or list(range(len(plan.days)))
    hours = plan.hours or list(range(7, 18))
    data = [[plan.total(d, h) for h in hours] for d in days]
    fig, ax = plt.subplots(figsize=(width_in, 0.26 * len(days) + 0.8))
    im = ax.imshow(data, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(len(hours)), [f"{h}h" for h in hours])
    labels = [f"{texts.WEEKDAYS_SHORT[plan.days[d].isoweekday() - 1]} {plan.days[d]:%d/%m}" for d in days]
    ax.set_yticks(range(len(days)), labels)
    top = max((v for r in data for v in r), default=0)
    for i, r in enumerate(data):
        for j, v in enumerate(r):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=6.5, color="white" if v > 0.6 * top else "black")
    _title(fig, texts.CHART_STAFFING)
    ax.spines[:].set_visible(False)
    fig.colorbar(im, ax=ax, fraction=0.02, pad=0.01)
    return _png(fig, left=_label_width(labels), bottom=0.3, right=0.45)
