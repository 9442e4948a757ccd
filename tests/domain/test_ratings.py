"""The rating domain (issue 13): levels and reasons, the window, percentiles and the figures per group."""
from __future__ import annotations

import pytest

from motcua.ratings import Rating, RatingError, Segment, check_rating, in_window, percentile, summarize, totals


def test_levels_and_reasons_are_checked() -> None:
    assert check_rating("unsatisfied", ["waiting_time", "attitude", "waiting_time"]) == ("attitude", "waiting_time")
    assert check_rating("very_satisfied", []) == ()
    for level, reasons, code in (("great", [], "unknown_level"), ("unsatisfied", ["rude clerk"], "unknown_reason"),
                                 ("satisfied", ["guidance"], "reasons_not_allowed")):
        with pytest.raises(RatingError) as e:
            check_rating(level, reasons)
        assert e.value.code == code


def test_the_window_opens_at_the_end_of_service() -> None:
    assert in_window(finished_at=1000, rated_at=1000, window_s=180)
    assert in_window(finished_at=1000, rated_at=1180, window_s=180)
    assert not in_window(finished_at=1000, rated_at=1180.5, window_s=180)
    assert in_window(finished_at=1000, rated_at=996, window_s=180)  # a device clock 4 s behind
    assert not in_window(finished_at=1000, rated_at=900, window_s=180)  # before the service ended


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([100.0, 200.0], 90) == pytest.approx(190.0)
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 90) == pytest.approx(46.0)


def test_figures_per_clerk_counter_and_service() -> None:
    segs = [Segment("t1", 1, "NV1", "A", 0, 300, "done"), Segment("t2", 1, "NV1", "A", 300, 900, "done"),
            Segment("t3", 1, "NV1", "A", 900, 960, "transferred"), Segment("t3", 3, "NV2", "B", 960, 1160, "done"),
            Segment("t4", 3, None, "A", 1160, 1220, "skipped"), Segment("t5", 3, "NV2", "B", 1220, None, None)]
    ratings = [(Rating("t1", 1, "NV1", "A", "very_satisfied"), []), (Rating("t3", 3, "NV2", "B", "unsatisfied"),
                                                                     ["waiting_time"])]
    by_clerk = {g["key"]: g for g in summarize(segs, ratings, by="clerk")}
    assert list(by_clerk) == ["NV1", "NV2", "-"]  # service while nobody was signed in comes last
    assert (by_clerk["NV1"]["served"], by_clerk["NV1"]["transfers"]) == (2, 1)
    assert by_clerk["NV1"]["service_time_s"] == {"average": 450.0, "median": 450.0, "p90": 570.0}
    assert by_clerk["NV2"]["served"] == 1 and by_clerk["NV2"]["reasons"] == {"waiting_time": 1}  # t5 still open
    assert by_clerk["-"]["no_shows"] == 1 and by_clerk["-"]["ratings"] == 0 and by_clerk["-"]["satisfaction_rate"] is None
    by_counter = [g["key"] for g in summarize(segs, ratings, by="counter")]
    assert by_counter == ["1", "3"]
    assert totals(["very_satisfied", "satisfied", "unsatisfied", "unsatisfied"]) == {
        "ratings": 4, "levels": {"very_satisfied": 1, "satisfied": 1, "unsatisfied": 2}, "satisfaction_rate": 0.5,
        "average_score": 0.75}
    with pytest.raises(ValueError):
        summarize(segs, ratings, by="day")
