"""The forecast recovers a known pattern from a synthetic history, and knows the official calendar."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from analytics.forecast import HourlyHistory, day_features, forecast, issuing_hours
from analytics.source import site_calendar
from motcua.config import example_site_config_path, load_site_config

CONFIG = load_site_config(example_site_config_path())
CAL = site_calendar(CONFIG, None)
WEEKDAY = {1: 1.3, 2: 1.1, 3: 1.0, 4: 1.0, 5: 0.9, 6: 0.55, 0: 1.06}
MONTH_END = 1.4
POST_HOLIDAY = 1.3
SHARES = {"DD": 0.3, "TPHT": 0.25, "GTVT": 0.2, "DKKD": 0.15, "CT": 0.1}
PER_DAY = 900.0


def _shape(hours: tuple[int, ...]) -> dict[int, float]:
    """A morning peak and a smaller afternoon one (weights sum to 1 over the day's hours)."""
    raw = {h: {7: 0.6, 8: 1.6, 9: 1.5, 10: 1.1, 11: 0.3, 12: 0.2, 13: 0.9, 14: 1.0, 15: 0.8, 16: 0.4}.get(h, 0.1)
           for h in hours}
    total = sum(raw.values())
    return {h: w / total for h, w in raw.items()}


def _expected(days: list[date]) -> np.ndarray:
    feats = day_features(days, CONFIG, CAL)
    out = np.zeros((len(CONFIG.services), len(days), 24))
    codes = [s.code for s in CONFIG.services]
    for j, f in enumerate(feats):
        if not f.open:
            continue
        level = PER_DAY * WEEKDAY[f.weekday] * (MONTH_END if f.month_end else 1) * (POST_HOLIDAY if f.post_holiday else 1)
        # Saturday is a morning: its hours carry the morning part of the weekday shape.
        for h, w in _shape(f.hours).items():
            for code, share in SHARES.items():
                out[codes.index(code), j, h] = level * w * share
    return out


def test_the_calendar_features_know_days_off_make_up_days_month_end_and_tet() -> None:
    days = [date(2026, 8, 22), date(2026, 9, 1), date(2026, 9, 3), date(2026, 11, 24), date(2026, 11, 25),
            date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30),
            date(2027, 1, 29), date(2027, 1, 8)]
    f = dict(zip(days, day_features(days, CONFIG, CAL)))
    assert f[date(2026, 8, 22)].open and f[date(2026, 8, 22)].kind == "make_up" and f[date(2026, 8, 22)].weekday == 0
    assert f[date(2026, 8, 22)].hours == issuing_hours(CONFIG, 1)  # a make-up Saturday works a full weekday
    assert not f[date(2026, 9, 1)].open and f[date(2026, 9, 1)].kind == "day_off"
    assert f[date(2026, 9, 3)].post_holiday  # the first open day after 31/8-2/9
    assert not f[date(2026, 11, 24)].open  # Ngày Văn hóa Việt Nam, from 2026
    assert f[date(2026, 11, 25)].post_holiday and not f[date(2026, 11, 25)].month_end
    # The last three open days of November 2026: Friday 27, Saturday 28 (open in the morning), Monday 30.
    assert [f[date(2026, 11, d)].month_end for d in (26, 27, 28, 30)] == [False, True, True, True]
    assert not f[date(2026, 11, 29)].open  # a Sunday
    assert f[date(2027, 1, 29)].pre_tet and not f[date(2027, 1, 8)].pre_tet  # Tết Đinh Mùi: 6/2/2027


def test_the_backtest_recovers_a_known_pattern() -> None:
    """12 weeks of Poisson counts around a known shape; the model must find it again."""
    rng = np.random.default_rng(5)
    first = date(2026, 8, 22)
    last = date(2026, 11, 13)
    hist_days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    truth = _expected(hist_days)
    history = HourlyHistory([s.code for s in CONFIG.services], first, rng.poisson(truth).astype(float))
    fc = forecast(history, CONFIG, CAL, start=date(2026, 11, 16))
    # Backtest (the last 4 weeks, each forecast from the weeks before it), by day, center-wide.
    assert fc.total.backtest.weeks == 4 and fc.total.backtest.days >= 20
    assert fc.total.backtest.wape is not None and fc.total.backtest.wape < 0.05, fc.total.backtest
    assert fc.total.backtest.mape is not None and fc.total.backtest.mape < 0.06
    dd = next(s for s in fc.services if s.key == "DD")
    assert dd.method == "glm" and dd.backtest.wape is not None and dd.backtest.wape < 0.10
    # The calendar effects come back near their true values.
    month_end, how = dd.effects["month_end"]
    assert how == "fitted" and month_end == pytest.approx(MONTH_END, abs=0.12)
    assert dd.effects["pre_tet"][1] == "assumed"  # no Tết in this history
    # The next 14 days against the truth: the day off is zero, the month-end is up, the shape is right.
    truth_next = _expected(fc.days).sum(axis=0)
    got = np.array(fc.total.hourly)
    assert fc.days[8] == date(2026, 11, 24) and not fc.open[8] and got[8].sum() == 0
    open_days = np.array(fc.open)
    daily_err = np.abs(got.sum(axis=1) - truth_next.sum(axis=1))[open_days] / truth_next.sum(axis=1)[open_days]
    assert daily_err.max() < 0.08, daily_err
    peak = [d for d, f in zip(fc.days, got.sum(axis=1)) if f == got.sum(axis=1).max()][0]
    assert peak == date(2026, 11, 16)  # a Monday: the weekday with the highest level (1.3 × 900)
    hourly_wape = np.abs(got - truth_next)[open_days].sum() / truth_next[open_days].sum()
    assert hourly_wape < 0.06
    # Services without history are forecast as nothing, not as noise.
    assert next(s for s in fc.services if s.key == "YT").method == "none"
    assert fc.fit_seconds > 0  # how fast is the benchmark's to say (bench/reports.py forecast_fit_s): a shared machine is not
