"""Small helpers the benchmark scripts share (they run as `python bench/NAME.py`, so this imports as
`benchlib`)."""
from __future__ import annotations

import statistics


def stats(xs: list[float]) -> dict[str, float]:
    """p50 / p95 / max in milliseconds."""
    if not xs:
        return {}
    s = sorted(xs)
    return {"p50": round(statistics.median(s), 2), "p95": round(s[min(len(s) - 1, int(0.95 * len(s)))], 2),
            "max": round(s[-1], 2)}
