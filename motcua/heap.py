"""The C heap of a device process that runs for weeks (glibc's malloc), kept from creeping.

Qt draws every call on the board into fresh image buffers of a few hundred KiB. glibc serves those from
mmap at first, but each free of an mmapped chunk *raises* its mmap threshold (up to 32 MiB), so after a
while the buffers come from the heap and its arenas, between long-lived small objects: freed space that
cannot be given back, and a resident size that creeps although Python's objects stay flat (the 30-minute
soak, bench/soak.py, on a busy machine: the board crept 247 KiB/min and the panel 105; with what follows, 132
and 0, the board's anonymous memory 60 KiB/min and flat over its last quarter hour; a child process shows the
mechanism in tests/test_heap.py). Two settings and a habit:

- a fixed mmap threshold (setting it switches the dynamic raising off): big buffers always come from
  mmap and go back to the system when freed;
- at most two malloc arenas, instead of eight per core for the feed, the announcer and the printer threads;
- `malloc_trim(0)` every few minutes, which hands free pages inside the heap back (madvise), not only
  the top.

Elsewhere than glibc (musl, macOS, Windows) this does nothing. `MOTCUA_HEAP_TUNE=0` switches it off (to
compare with and without it).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading

log = logging.getLogger(__name__)

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 128 * 1024
"""Allocations at least this large come from mmap, always (glibc's own starting value, kept fixed)."""
TRIM_THRESHOLD = 1024 * 1024
ARENA_MAX = 2
TRIM_EVERY_S = 300.0

_libc: ctypes.CDLL | None = None
_tuned = False
_lock = threading.Lock()


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        if not name:
            return None
        try:
            lib = ctypes.CDLL(name)
            lib.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
            lib.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):  # not glibc: no mallopt/malloc_trim
            return None
        _libc = lib
    return _libc


def enabled() -> bool:
    """Whether heap tuning applies here (glibc, and not switched off by MOTCUA_HEAP_TUNE=0)."""
    return os.environ.get("MOTCUA_HEAP_TUNE", "1") != "0" and _glibc() is not None


def tune() -> bool:
    """Fix the mmap and trim thresholds and cap the arenas (once per process); True when applied."""
    global _tuned
    with _lock:
        if _tuned:
            return True
        if not enabled():
            return False
        lib = _glibc()
        assert lib is not None
        ok = all(lib.mallopt(param, value) == 1 for param, value in (
            (M_MMAP_THRESHOLD, MMAP_THRESHOLD), (M_TRIM_THRESHOLD, TRIM_THRESHOLD), (M_ARENA_MAX, ARENA_MAX)))
        if not ok:
            log.warning("heap: mallopt refused a setting; the heap keeps glibc's defaults")
        _tuned = ok
        return ok


def trim() -> bool:
    """Give free heap pages back to the system now; True when some were released."""
    if not enabled():
        return False
    lib = _glibc()
    assert lib is not None
    return bool(lib.malloc_trim(0))


class Trimmer:
    """Trims the heap every `every_s` seconds on a daemon thread (a device's whole life)."""

    def __init__(self, every_s: float = TRIM_EVERY_S) -> None:
        self.every_s = every_s
        self.trims = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Trimmer:
        """Start the thread (nothing to do where tuning does not apply)."""
        if enabled() and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="heap-trim", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            trim()
            self.trims += 1

    def stop(self) -> None:
        """Stop the thread."""
        self._stop.set()


_trimmer: Trimmer | None = None


def keep_flat() -> None:
    """A device's start: tune the heap and trim it every few minutes from now on (idempotent)."""
    global _trimmer
    if tune() and _trimmer is None:
        _trimmer = Trimmer().start()
