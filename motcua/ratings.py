"""Đánh giá mức độ hài lòng: the citizen's satisfaction rating of one service, and the staff figures. Pure.

See docs/DOMAIN.md "Satisfaction rating".

Circular 01/2018/TT-VPCP rates overall satisfaction in three levels (Rất hài lòng / Hài lòng / Không hài
lòng) and scores its indices 2/1/0; Decision 766/QĐ-TTg feeds them into the province's service index. A
rating is keyed by ticket, counter and clerk (staff code) and service; nothing about the citizen is kept.
A "Không hài lòng" may carry reasons from the Circular's criteria, as codes (never free text: a comment
could hold personal data).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from motcua.text import Text

LEVELS: dict[str, Text] = {
    "very_satisfied": Text("Rất hài lòng", "Very satisfied"),
    "satisfied": Text("Hài lòng", "Satisfied"),
    "unsatisfied": Text("Không hài lòng", "Not satisfied"),
}
"""The three official levels, best first (codes in the API, the event log and the central server)."""

SCORES: dict[str, int] = {"very_satisfied": 2, "satisfied": 1, "unsatisfied": 0}
"""The Circular's 2/1/0 scoring: a group's average score is in [0, 2]."""

REASONS: dict[str, Text] = {
    "waiting_time": Text("Thời gian chờ đợi lâu", "Long waiting time"),
    "attitude": Text("Thái độ công chức chưa tốt", "Staff attitude"),
    "guidance": Text("Hướng dẫn chưa rõ ràng", "Unclear guidance"),
    "extra_requests": Text("Yêu cầu giấy tờ ngoài quy định", "Papers beyond the rules asked"),
    "facilities": Text("Cơ sở vật chất chưa tốt", "Facilities"),
}
"""Reasons a citizen may give with "Không hài lòng" (one-touch chips), from the Circular's criteria."""

CHANNELS = ("screen", "keypad", "phone")
"""Where a rating was given: the counter's rating screen, the rating keypad, the citizen's phone."""

KEYPAD_LEVELS: dict[int, str] = {3: "very_satisfied", 2: "satisfied", 1: "unsatisfied"}
"""A rating box's buttons, as the keypad line protocol numbers them (3 is the best)."""


class RatingError(ValueError):
    """A rating that cannot be taken; `code` is stable, the message is for people (Vietnamese first)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_rating(level: str, reasons: Sequence[str]) -> tuple[str, ...]:
    """The reasons of a valid rating (sorted, without repeats); RatingError for an unknown level or reason."""
    if level not in LEVELS:
        raise RatingError("unknown_level", f"Mức đánh giá không hợp lệ: {level!r} / unknown level; expected one of "
                                           f"{', '.join(LEVELS)}")
    unknown = [r for r in reasons if r not in REASONS]
    if unknown:
        raise RatingError("unknown_reason", f"Lý do không hợp lệ / unknown reason: {', '.join(map(str, unknown))}")
    if reasons and level != "unsatisfied":
        raise RatingError("reasons_not_allowed", "Chỉ chọn lý do khi không hài lòng / reasons go with 'unsatisfied' only")
    return tuple(sorted(set(reasons)))


def in_window(*, finished_at: float, rated_at: float, window_s: float, skew_s: float = 5.0) -> bool:
    """Whether a touch at `rated_at` is within the rating window that opened when the service ended.

    `skew_s` forgives a device clock a little behind the hub's (the touch seems to come before the end).
    """
    return finished_at - skew_s <= rated_at <= finished_at + window_s


# ---------------------------------------------------------------------------------- figures
@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of service of a ticket at a counter: from its call to done, no-show or transfer."""

    ticket_id: str
    counter: int
    clerk: str | None
    service: str
    called_at: float
    ended_at: float | None
    outcome: str | None
    """done, skipped (vắng mặt), transferred; None while it runs."""


@dataclass(frozen=True, slots=True)
class Rating:
    """One stored rating, as the figures need it."""

    ticket_id: str
    counter: int
    clerk: str | None
    service: str
    level: str


@dataclass(slots=True)
class Figures:
    """The figures of one group (a clerk, a counter or a service)."""

    key: str
    served: int = 0
    no_shows: int = 0
    transfers: int = 0
    service_times: list[float] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=lambda: {k: 0 for k in LEVELS})
    reasons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """The group as the summary shows it (times in seconds, rounded to a tenth)."""
        rated = sum(self.levels.values())
        times = sorted(self.service_times)
        return {
            "key": self.key,
            "served": self.served,
            "no_shows": self.no_shows,
            "transfers": self.transfers,
            "service_time_s": {
                "average": _round(sum(times) / len(times)) if times else None,
                "median": _round(percentile(times, 50)),
                "p90": _round(percentile(times, 90)),
            },
            "ratings": rated,
            "levels": dict(self.levels),
            "reasons": dict(sorted(self.reasons.items())),
            "satisfaction_rate": round((self.levels["very_satisfied"] + self.levels["satisfied"]) / rated, 4)
            if rated else None,
            "average_score": round(sum(SCORES[k] * n for k, n in self.levels.items()) / rated, 4) if rated else None,
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def percentile(sorted_values: Sequence[float], p: float) -> float | None:
    """The p-th percentile of sorted values by linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return None
    rank = (len(sorted_values) - 1) * p / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (rank - lo)


GROUPINGS = ("clerk", "counter", "service")
NO_CLERK = "-"
"""The group of service given while nobody was signed in at the counter."""


def summarize(segments: Iterable[Segment], ratings: Iterable[tuple[Rating, Sequence[str]]], *,
              by: str) -> list[dict[str, object]]:
    """Per clerk, counter or service: served, no-shows, transfers, service times, levels and reasons."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    groups: dict[str, Figures] = {}

    def group(clerk: str | None, counter: int, service: str) -> Figures:
        key = {"clerk": clerk or NO_CLERK, "counter": str(counter), "service": service}[by]
        return groups.setdefault(key, Figures(key))

    for s in segments:
        if s.outcome is None or s.ended_at is None:
            continue  # still being served (or never finished: expired at midnight)
        g = group(s.clerk, s.counter, s.service)
        if s.outcome == "done":
            g.served += 1
            g.service_times.append(max(0.0, s.ended_at - s.called_at))
        elif s.outcome == "skipped":
            g.no_shows += 1
        elif s.outcome == "transferred":
            g.transfers += 1
    for r, reasons in ratings:
        g = group(r.clerk, r.counter, r.service)
        g.levels[r.level] = g.levels.get(r.level, 0) + 1
        for reason in reasons:
            g.reasons[reason] = g.reasons.get(reason, 0) + 1
    order = (lambda k: (len(k), k)) if by == "counter" else (lambda k: (k == NO_CLERK, k))
    return [groups[k].as_dict() for k in sorted(groups, key=order)]


def totals(levels: Iterable[str]) -> dict[str, object]:
    """Counts per level, the satisfaction rate and the average score over all ratings of a period."""
    counts = {k: 0 for k in LEVELS}
    for lv in levels:
        counts[lv] = counts.get(lv, 0) + 1
    n = sum(counts.values())
    return {"ratings": n, "levels": counts,
            "satisfaction_rate": round((counts["very_satisfied"] + counts["satisfied"]) / n, 4) if n else None,
            "average_score": round(sum(SCORES[k] * c for k, c in counts.items()) / n, 4) if n else None}
