"""An LRU cache of rendered images bounded by the bytes of their pixels, not by their number of entries.

Why (issue 10, the kiosk's memory creeping in a soak): `functools.lru_cache(maxsize=N)` bounds entries,
and the rendered lines and QR codes of a kiosk differ a thousandfold in size — a footer line is a few
hundred bytes, a ticket's big number ~25 KB, an on-screen QR code 100-150 KB (Pillow keeps a mode "1"
image at a byte per pixel). Every ticket brings its own number and tracking URL, which no later ticket
reuses, so 2,048 lines and 256 QR codes held ~60 MiB of dead tickets after a few days of issuing.
A byte budget keeps what a kiosk really reuses (center name, labels, footer, the QR drawn for the screen
and then for the paper) and lets a ticket's own images go.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import update_wrapper
from typing import Any, Generic, TypeVar

from PIL import Image

T = TypeVar("T")


def image_bytes(image: Image.Image) -> int:
    """What Pillow holds for an image's pixels: a byte per pixel for "1", "L" and "P", four for the rest."""
    per_pixel = 1 if image.mode in ("1", "L", "P") else 4
    return image.width * image.height * per_pixel


@dataclass(frozen=True)
class CacheInfo:
    """Hits, misses, entries and bytes held now, and the budget."""

    hits: int
    misses: int
    currsize: int
    bytes: int
    max_bytes: int


class InkCache(Generic[T]):
    """`fn` memoised within `max_bytes` (`size_of` says what a result costs); least recently used goes first.

    Thread-safe: the kiosk renders a ticket on a worker thread while its GUI thread draws the QR code. A
    result bigger than the whole budget is returned uncached. Like lru_cache, results are shared: never
    draw on one.
    """

    def __init__(self, fn: Callable[..., T], *, max_bytes: int, size_of: Callable[[T], int]) -> None:
        self.fn, self.max_bytes, self.size_of = fn, max_bytes, size_of
        self._entries: OrderedDict[Hashable, tuple[T, int]] = OrderedDict()
        self._bytes = self._hits = self._misses = 0
        self._lock = threading.Lock()
        update_wrapper(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> T:
        key = (args, tuple(sorted(kwargs.items())))
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                self._hits += 1
                return hit[0]
            self._misses += 1
        value = self.fn(*args, **kwargs)  # outside the lock: two threads may render the same once each
        size = self.size_of(value)
        if size > self.max_bytes:
            return value
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (value, size)
                self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
        return value

    def cache_info(self) -> CacheInfo:
        """The counters, as functools' cache_info, plus bytes."""
        with self._lock:
            return CacheInfo(self._hits, self._misses, len(self._entries), self._bytes, self.max_bytes)

    def cache_clear(self) -> None:
        """Forget every entry (benchmarks measure a cold render)."""
        with self._lock:
            self._entries.clear()
            self._bytes = self._hits = self._misses = 0


def ink_cache(*, max_bytes: int, size_of: Callable[[Any], int]) -> Callable[[Callable[..., T]], InkCache[T]]:
    """Decorator form of InkCache."""
    def wrap(fn: Callable[..., T]) -> InkCache[T]:
        return InkCache(fn, max_bytes=max_bytes, size_of=size_of)
    return wrap
