"""The staffing plan (Erlang C) against a simulation that drives the real queue engine."""
from __future__ import annotations

from datetime import date

import pytest

from analytics.forecast import Backtest, Forecast, SeriesForecast
from analytics.staffing import (
    counters_needed,
    erlang_c,
    plan,
    service_level,
    simulate,
    simulated_counters,
)
from motcua.config import example_site_config_path, load_site_config


def test_erlang_c_textbook_values() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: the probability to wait is the utilisation
    assert erlang_c(10, 8.0) == pytest.approx(0.4092, abs=1e-4)
    assert erlang_c(3, 3.0) == 1.0 and erlang_c(3, 0.0) == 0.0
    # 30 citizens an hour at 10 minutes each is 5 erlangs: 6 counters are not enough for 90 % within 15 min.
    assert service_level(6, 30, 600, 900) < 0.9 <= service_level(7, 30, 600, 900)
    assert counters_needed(30, 600) == 7
    assert counters_needed(0, 600) == 0


CASES = [  # (citizens per hour, mean service seconds)
    (6, 600), (12, 300), (30, 600), (45, 240), (60, 420), (20, 900), (90, 180),
]


@pytest.mark.parametrize(("rate", "service_s"), CASES)
def test_the_plan_matches_a_queue_simulation_within_one_counter(rate: float, service_s: float) -> None:
    planned = counters_needed(rate, service_s, target_s=900, level=0.9)
    # 40 simulated hours per counter count, 10 % priority tickets (elderly), lognormal service times as
    # observed at counters (cv 0.6), through QueueEngine.issue and call_next with an injected clock.
    simulated = simulated_counters(rate, service_s, target_s=900, level=0.9, hours=40, priority_share=0.1,
                                   service_cv=0.6, seed=int(rate))
    assert abs(planned - simulated) <= 1, (planned, simulated)


@pytest.mark.parametrize(("rate", "service_s"), [(30, 600), (60, 420)])
def test_with_exponential_service_the_simulated_level_is_erlang_cs(rate: float, service_s: float) -> None:
    """Erlang C's own assumptions (Poisson arrivals, exponential service): the engine's waits agree with it."""
    planned = counters_needed(rate, service_s, target_s=900, level=0.9)
    # Near 90 % utilisation one run of 100 hours still wanders by ±0.04: average four.
    levels = [simulate(rate, service_s, planned, target_s=900, hours=100, seed=s) for s in range(4)]
    assert sum(levels) / len(levels) == pytest.approx(service_level(planned, rate, service_s, 900), abs=0.035)


def test_the_plan_per_service_and_hour_uses_observed_service_times() -> None:
    config = load_site_config(example_site_config_path())
    hourly = [[0.0] * 24 for _ in range(2)]
    hourly[0][8], hourly[0][9] = 30.0, 6.0
    series = [SeriesForecast("DD", "Đất đai", hourly, Backtest(4, 20, 0.05, 0.06), {}, "glm"),
              SeriesForecast("TKQ", "Trả kết quả", [[0.0] * 24, [0.0] * 24], Backtest(4, 20, None, None), {}, "none")]
    fc = Forecast(days=[date(2026, 12, 1), date(2026, 12, 2)], kinds=["workday", "workday"], open=[True, True],
                  services=series, total=series[0], history_first=date(2026, 9, 1), history_last=date(2026, 11, 30),
                  fit_seconds=0.1)
    p = plan(fc, config, {"DD": (600.0, 500), "TKQ": (100.0, 3)})
    dd, tkq = p.services
    assert dd.service_time_source == "observed" and dd.mean_service_s == 600.0
    assert dd.counters[0][8] == 7 and dd.counters[0][9] == counters_needed(6, 600) and dd.counters[0][10] == 0
    assert tkq.service_time_source == "configured" and tkq.mean_service_s == 120.0  # 3 served: too few to trust
    assert p.hours == [8, 9] and p.total(0, 8) == 7 and dd.peak(1) == 0
