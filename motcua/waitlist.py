"""One service's waiting line (hàng chờ): priority tickets and walk-ins, each ordered by issue time. Pure."""
from __future__ import annotations

import bisect
from typing import Generic, Protocol, TypeVar


class Waiting(Protocol):
    """What the line needs of a ticket (motcua.queue.Ticket fits): the line never imports the engine."""

    @property
    def id(self) -> str: ...
    @property
    def priority(self) -> str | None: ...
    @property
    def issued_at(self) -> float: ...
    @property
    def number(self) -> int: ...
    @property
    def not_before(self) -> float | None: ...


TicketT = TypeVar("TicketT", bound=Waiting)


class ServiceQueue(Generic[TicketT]):
    """Waiting tickets of one service: priority tickets and walk-ins, each ordered by issue time."""

    __slots__ = ("_pkeys", "_wkeys", "priority", "walk_in")

    def __init__(self) -> None:
        self.priority: list[TicketT] = []
        self.walk_in: list[TicketT] = []
        self._pkeys: list[tuple[float, int]] = []
        self._wkeys: list[tuple[float, int]] = []

    def __len__(self) -> int:
        return len(self.priority) + len(self.walk_in)

    def _lists(self, t: TicketT) -> tuple[list[TicketT], list[tuple[float, int]]]:
        return (self.priority, self._pkeys) if t.priority else (self.walk_in, self._wkeys)

    def add(self, t: TicketT) -> None:
        items, keys = self._lists(t)
        key = (t.issued_at, t.number)
        if not keys or keys[-1] <= key:
            items.append(t)
            keys.append(key)
        else:
            i = bisect.bisect_right(keys, key)
            items.insert(i, t)
            keys.insert(i, key)

    def remove(self, t: TicketT) -> None:
        items, keys = self._lists(t)
        i = bisect.bisect_left(keys, (t.issued_at, t.number))
        while i < len(items) and items[i] is not t:
            i += 1
        if i == len(items):
            raise KeyError(t.id)
        del items[i]
        del keys[i]

    def ahead_of(self, t: TicketT) -> int:
        """How many tickets of this service would be served before t."""
        items, keys = self._lists(t)
        i = bisect.bisect_left(keys, (t.issued_at, t.number))
        while i < len(items) and items[i] is not t:
            i += 1
        return i if t.priority else len(self.priority) + i

    def first_due(self, now: float) -> TicketT | None:
        """The first priority ticket that may be called now: a booking checked in before its slot's start waits
        for it (it is called earlier only when the counter would otherwise stand idle)."""
        for t in self.priority:
            if t.not_before is None or t.not_before <= now:
                return t
        return None

    def first_booked_later(self, now: float) -> TicketT | None:
        """The booking whose slot starts soonest, among those whose slot has not started."""
        later = [t for t in self.priority if t.not_before is not None and t.not_before > now]
        return min(later, key=lambda t: t.not_before or 0.0) if later else None
