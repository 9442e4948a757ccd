"""The soak's judgements: a device's screen against the hub's state, and memory and open files over time."""
from __future__ import annotations

import sqlite3
import statistics
import struct
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
PANEL_COUNTER = 3
BRIDGE_COUNTERS = (4, 5)


def compare_screen(role: str, st: dict[str, Any], board: dict[str, Any], site: dict[str, Any], admin: Any,
                   led_frames: dict[int, bytes]) -> list[str]:
    """What a device's dump shows that the hub's state does not say (empty: they agree)."""
    from counter_display import texts as ct
    from counter_display.hardware import display_number
    from kiosk import texts as kt

    out: list[str] = []
    current = {c["number"]: (c.get("current") or {}).get("display") for c in board["counters"]}
    waiting = {s["code"]: s["waiting"] for s in site["services"]}
    if role == "board":
        if not st["online"]:
            out.append("offline mark shown")
        shown = {int(n): c["current"] for n, c in st["counters"].items()}
        if shown != current:
            out.append(f"counters {shown} != hub {current}")
        if st["waiting"] != waiting:
            out.append(f"waiting {st['waiting']} != hub {waiting}")
        recent = board.get("recent_calls") or []
        hub_latest = recent[0]["display"] if recent else None
        if (st["latest"] or {}).get("display") != hub_latest:
            out.append(f"latest {st['latest']} != hub {hub_latest}")
    elif role == "panel":
        c = admin.counter(PANEL_COUNTER).model_dump(mode="json")
        cur = (c.get("current") or {}).get("display")
        want = cur or ct.PANEL_NONE.vi
        if st["page"] != "counter":
            out.append(f"page {st['page']}")
        if st["number"] != want:
            out.append(f"number {st['number']!r} != hub {want!r}")
        want_wait = ct.PANEL_WAITING.format(n=c.get("waiting", 0)).vi
        if st["waiting"] != want_wait:
            out.append(f"waiting {st['waiting']!r} != {want_wait!r}")
        if st["offline"]:
            out.append("offline badge shown")
    elif role == "kiosk":
        if st["page"] not in ("home", "ticket"):
            out.append(f"page {st['page']}")
        if st["offline_badge"]:
            out.append("offline badge shown")
        if st["printer_badge"]:
            out.append("printer badge shown")
        if st["center"] != site["site"]["name"]:
            out.append(f"center {st['center']!r}")
        open_now = site["issuing_open"]
        for s in site["services"]:
            text = st["services"].get(s["code"], "")
            if not open_now:
                want = kt.CLOSED_NOW("vi")
            elif s.get("quota_left") == 0:
                want = kt.QUOTA_REACHED("vi")
            else:
                want = kt.WAITING("vi", n=s["waiting"])
            if want not in text:
                out.append(f"{s['code']} button {text!r} lacks {want!r}")
        last = st.get("last_ticket")
        if last:
            t = admin.ticket(last["id"])
            if t.display != last["display"]:
                out.append(f"last ticket {last} != hub {t.display}")
    elif role == "bridge":
        for n in BRIDGE_COUNTERS:
            want = current.get(n)
            shown = st["leds"].get(str(n))
            if shown != want:
                out.append(f"LED {n} state {shown!r} != hub {want!r}")
        frame = led_frames.get(4)
        from counter_display.hardware import display_number

        if frame is not None and struct.unpack(">H", frame[4:6])[0] != display_number(current.get(4)):
            out.append(f"LED 4 shows {struct.unpack('>H', frame[4:6])[0]} != hub {current.get(4)}")
        frame5 = led_frames.get(5)
        if frame5 is not None and frame5.decode("ascii", "replace").strip() != (current.get(5) or "")[-4:]:
            out.append(f"LED 5 shows {frame5!r} != hub {current.get(5)}")
    return out


def _slope_kib_per_min(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, bytes), in KiB a minute (0 for fewer than three points)."""
    if len(points) < 3:
        return 0.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den * 60 / 1024 if den else 0.0


def flatness(samples: list[tuple[float, ...]], warm: float, window: float, end: float) -> dict[str, Any]:
    """Memory and open files at start, in the window after warm-up, and in the last window (medians).

    A sample is (seconds, RSS, open files, threads[, anonymous RSS]). The creep (slope after warm-up) is
    given for both; the anonymous one is what a leak grows (motcua.automation.process_stats)."""
    if not samples:
        return {"rss_start": 0, "rss_warm": 0, "rss_end": 0, "rss_growth_bytes": 0, "fds_start": 0, "fds_warm": 0,
                "fds_end": 0, "fds_growth": 0, "samples": 0}
    after = [s for s in samples if warm <= s[0] <= warm + window] or [s for s in samples if s[0] >= warm][:3] \
        or samples[-3:]
    last = [s for s in samples if s[0] >= end - window] or samples[-3:]
    rss_warm = int(statistics.median(s[1] for s in after))
    rss_end = int(statistics.median(s[1] for s in last))
    # Open files by their floor in each window: work in progress opens some for a moment (a clip playing holds
    # its WAV and the sound output's event descriptors, a request its socket), and a talking kiosk is at it half
    # the time; a leak raises the floor.
    fds_warm = min(s[2] for s in after)
    fds_end = min(s[2] for s in last)
    post = [s for s in samples if s[0] >= warm]
    slope = _slope_kib_per_min([(s[0], s[1]) for s in post])
    anon = {}
    if all(len(s) > 4 for s in samples):
        late = post[len(post) // 2:]
        anon = {"anon_warm": int(statistics.median(s[4] for s in after)),
                "anon_end": int(statistics.median(s[4] for s in last)),
                "anon_slope_kib_per_min": round(_slope_kib_per_min([(s[0], s[4]) for s in post]), 1),
                "anon_late_slope_kib_per_min": round(_slope_kib_per_min([(s[0], s[4]) for s in late]), 1),
                "anon_series_mib": [[round(s[0]), round(s[4] / MIB, 1)] for s in samples[::max(1, len(samples) // 24)]]}
    return {"rss_start": samples[0][1], "rss_warm": rss_warm, "rss_end": rss_end, "rss_max": max(s[1] for s in samples),
            "rss_growth_bytes": rss_end - rss_warm, "rss_slope_kib_per_min": round(slope, 1), **anon,
            "fds_start": samples[0][2], "fds_warm": fds_warm, "fds_end": fds_end, "fds_max": max(s[2] for s in samples),
            "fds_growth": fds_end - fds_warm, "threads_end": samples[-1][3], "samples": len(samples),
            "rss_series_mib": [[round(s[0]), round(s[1] / MIB, 1)] for s in samples[::max(1, len(samples) // 24)]]}


def memory_faults(fig: dict[str, Any], *, allow_bytes: float, allow_ratio: float, slope_allow_kib_per_min: float,
                  judge_slope: bool) -> list[str]:
    """What is wrong with a device's memory figures (from `flatness`): growth after warm-up beyond the
    allowance, or a steady creep — the slope above its limit — when the run was long enough to judge one."""
    faults = []
    if fig["rss_growth_bytes"] > allow_bytes + allow_ratio * fig["rss_warm"]:
        faults.append(f"memory grew {fig['rss_growth_bytes'] / MIB:.1f} MiB after warm-up")
    # The creep is judged on the anonymous memory when it was sampled: the file-backed rest swings by a MiB or
    # two with the machine's memory pressure (seen on the 30-minute soak under load), which a 30-minute slope
    # would read as a leak or hide one behind. And on the later half of the time after warm-up: a leak grows
    # all along, while a bounded cache that fills once (the board's, ~2.4 MiB on the third simulated day in
    # three 30-minute runs, flat for the 14 minutes after) is a step, which a slope over the whole span reads
    # as a creep. The total growth allowance above still bounds the step.
    key = next(k for k in ("anon_late_slope_kib_per_min", "anon_slope_kib_per_min", "rss_slope_kib_per_min")
               if k in fig)
    if judge_slope and fig[key] > slope_allow_kib_per_min:
        what = "anonymous memory" if key.startswith("anon") else "memory"
        faults.append(f"{what} crept {fig[key]:.0f} KiB/min after warm-up (allowed {slope_allow_kib_per_min:.0f})")
    return faults


def event_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return {t: n for t, n in conn.execute("SELECT type, COUNT(*) FROM events GROUP BY type")}
    finally:
        conn.close()


def fds_growth(fig: dict[str, Any], quiet: int | None) -> int:
    """Open files gained since warm-up: the floor of the last window, or the count once the load stopped and the
    screens settled when that is lower. A clip still being spoken and its requests can hold a few descriptors
    through a short last window; a leak holds them when nothing is left to do, too."""
    end = fig["fds_end"] if quiet is None else min(fig["fds_end"], quiet)
    return int(end - fig["fds_warm"])
