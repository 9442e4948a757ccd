"""The soak's memory verdict on recorded series: a steady creep fails even when the total growth is allowed."""
from __future__ import annotations

from soak_checks import MIB, fds_growth, flatness, memory_faults

# RSS (MiB) every ~75 s of the 30-minute soak at 4a77996 (issue 10): warm-up ended at 263 s.
KIOSK_CREEPING = [135.0, 148.0, 149.2, 155.7, 155.8, 156.1, 158.1, 159.2, 160.1, 160.2, 160.4, 160.8, 162.9,
                  162.9, 163.2, 165.0, 166.3, 166.4, 166.6, 166.7, 167.1, 168.2, 168.3, 168.4, 168.4]
PANEL_PLATEAU = [118.0, 118.9, 123.9, 123.9, 124.0, 124.0, 124.0, 124.0, 124.0, 124.0, 124.0, 121.7, 121.7,
                 121.8, 121.8, 121.8, 121.8, 121.8, 121.8, 121.8, 125.0, 125.0, 125.0, 125.0, 125.0]
WARM, WINDOW, END = 262.8, 241.8, 1874.8
ALLOW = {"allow_bytes": 6 * MIB, "allow_ratio": 0.05, "slope_allow_kib_per_min": 100.0}


def _samples(series_mib: list[float]) -> list[tuple[float, int, int, int]]:
    return [(i * 75.2, int(mib * MIB), 8, 4) for i, mib in enumerate(series_mib)]


def test_a_kiosk_creeping_half_a_mib_a_minute_fails_though_its_growth_is_allowed():
    fig = flatness(_samples(KIOSK_CREEPING), WARM, WINDOW, END)
    assert fig["rss_growth_bytes"] < 6 * MIB + 0.05 * fig["rss_warm"]  # the old rule let it pass
    assert 400 < fig["rss_slope_kib_per_min"] < 650
    faults = memory_faults(fig, **ALLOW, judge_slope=True)
    assert len(faults) == 1 and "crept" in faults[0]


def test_a_plateau_with_steps_passes_and_a_short_run_is_not_judged_on_its_slope():
    fig = flatness(_samples(PANEL_PLATEAU), WARM, WINDOW, END)
    assert memory_faults(fig, **ALLOW, judge_slope=True) == []
    creeping = flatness(_samples(KIOSK_CREEPING), WARM, WINDOW, END)
    assert memory_faults(creeping, **ALLOW, judge_slope=False) == []


# The board on the 30-minute soak with the heap kept flat (motcua.heap), every ~81 s: (seconds, RSS MiB,
# anonymous RSS MiB). The file-backed part (fonts, Qt's libraries) rose 1.5 MiB with the machine's paging.
BOARD_HEAP_KEPT = [(20, 122.6, 54.7), (101, 128.5, 56.9), (182, 130.7, 59.1), (263, 130.7, 59.1), (344, 130.2, 58.5),
                   (425, 131.3, 59.0), (506, 132.1, 59.4), (587, 132.2, 59.5), (668, 132.3, 59.3), (748, 131.7, 59.4),
                   (830, 135.4, 62.5), (912, 133.9, 60.9), (992, 133.2, 60.2), (1073, 133.2, 60.2), (1154, 134.5, 61.8),
                   (1235, 133.7, 61.0), (1316, 133.8, 61.1), (1396, 133.8, 61.1), (1477, 134.2, 61.1), (1558, 134.4, 61.3),
                   (1639, 134.4, 61.3), (1719, 134.5, 61.4), (1800, 134.8, 61.6), (1880, 133.8, 60.7)]


def _with_anon(series: list[tuple[int, float, float]]) -> list[tuple[float, ...]]:
    return [(t, int(rss * MIB), 8, 4, int(anon * MIB)) for t, rss, anon in series]


# The board on the 30-minute soak after the merges of the evening (anonymous RSS only, MiB, every ~75 s): a step
# of ~2.4 MiB on the third simulated day, then flat for the last 14 minutes.
BOARD_STEP = [54.6, 56.8, 59.8, 59.1, 58.9, 59.4, 59.8, 59.8, 59.7, 59.8, 60.7, 61.6, 61.5, 61.8, 61.8, 61.9, 61.7,
              61.8, 61.8, 64.4, 61.9, 62.1, 62.1, 62.1, 61.3]


def test_the_creep_is_judged_on_anonymous_memory_when_it_was_sampled():
    fig = flatness(_with_anon(BOARD_HEAP_KEPT), 263, 240, 1880)
    assert fig["rss_slope_kib_per_min"] > 100  # the total, file pages included, reads as a creep
    assert 30 < fig["anon_slope_kib_per_min"] < 100
    assert memory_faults(fig, **ALLOW, judge_slope=True) == []


def test_a_step_then_a_plateau_passes_and_a_creep_in_the_later_half_fails():
    step = [(round(i * 75.1), 80.0 + mib, mib) for i, mib in enumerate(BOARD_STEP)]
    fig = flatness(_with_anon(step), 263, 240, 1802)
    assert fig["anon_slope_kib_per_min"] > 100  # over the whole span the step reads as a creep
    assert abs(fig["anon_late_slope_kib_per_min"]) < 50
    assert memory_faults(fig, **ALLOW, judge_slope=True) == []
    # Flat at first, then 0.3 MiB a minute from the middle on: a leak that starts late still fails.
    late_leak = [(t, rss, anon if t < 1000 else anon + (t - 1000) / 60 * 0.3) for t, rss, anon in step]
    faults = memory_faults(flatness(_with_anon(late_leak), 263, 240, 1802), **ALLOW, judge_slope=True)
    assert len(faults) == 1 and "crept" in faults[0]
    # The same shape of total with the anonymous memory creeping like the old kiosk's fails.
    leaking = [(t, rss, anon) for (t, rss, _), anon in zip(BOARD_HEAP_KEPT, KIOSK_CREEPING[1:])]
    fig = flatness(_with_anon(leaking), 263, 240, 1880)
    faults = memory_faults(fig, **ALLOW, judge_slope=True)
    assert len(faults) == 1 and faults[0].startswith("anonymous memory crept")


def _fds(series: list[int]) -> list[tuple[float, int, int, int]]:
    return [(float(i), 100 * MIB, n, 4) for i, n in enumerate(series)]


def test_open_files_held_by_work_in_progress_at_the_end_are_not_a_leak_once_the_load_stops():
    # The short soak's kiosk (suite, 30 November): talking through the whole last window (a clip's WAV, the sound
    # output's three event descriptors, a request's socket: floor 7 -> 11), back to 7 once nothing was left to do.
    talking = _fds([9, 8, 7, 9, 7, 8, 7, 10, 9, 8, 11, 9, 8, 10, 9, 11, 12, 11, 11, 12, 11, 11])
    fig = flatness(talking, 4.0, 3.0, 21.0)
    assert (fig["fds_warm"], fig["fds_end"]) == (7, 11)
    assert fds_growth(fig, None) == 4                  # judged on the last window alone: a leak of 4
    assert fds_growth(fig, 7) == 0                     # quiet again: nothing was kept
    # A leak holds its descriptors when the device has nothing to do, too: still counted.
    assert fds_growth(fig, 11) == 4
    # And a quiet count above a busy last window does not hide the window's own floor.
    assert fds_growth(flatness(_fds([7] * 22), 4.0, 3.0, 21.0), 9) == 0
