"""One worker for the device apps: a blocking call (the hub, a printer, a camera) runs off the GUI thread,
and its result or its error comes back to a callback on the GUI thread.

Hazard (Anki's aqt/operations): the operation runs on a worker thread and must not touch widgets; only
its callbacks, which run on the GUI thread, may redraw.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ui.qt import QObject, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class _Answer:
    callback: Callable[[Any], None]
    value: Any


class Run(Protocol):
    """How a screen inside a window runs a blocking call: through the window's Worker (op on a worker thread,
    then on_done(result) or on_error(exception) on the GUI thread)."""

    def __call__(self, op: Callable[[], T], on_done: Callable[[T], None],
                 on_error: Callable[[Exception], None]) -> None: ...


class Worker(QObject):
    """Runs operations on `threads` background threads; `submit` names what to call with the answer.

    With one thread (the counter panel) operations run one at a time in the order they were submitted and
    their callbacks come in that order, so a clerk's actions stay in order. After `shutdown` nothing new runs.
    """

    _answered = Signal(object)

    def __init__(self, parent: QObject | None = None, *, threads: int = 1, name: str = "ui-io") -> None:
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
        self.closed = False
        # Emitted on a pool thread, delivered on the thread this object lives in (the GUI thread): queued.
        self._answered.connect(self._deliver)

    def submit(self, op: Callable[[], T], on_done: Callable[[T], None],
               on_error: Callable[[Exception], None] | None = None) -> Future[None]:
        """Run op() on a worker thread; then on_done(result) or on_error(exception) on the GUI thread.

        Without on_error a failure is logged (with its traceback) and nothing else happens.
        """
        if self.closed:  # a late answer may ask for more work after the window closed: nothing runs
            fut: Future[None] = Future()
            fut.cancel()
            return fut

        def job() -> None:
            try:
                result = op()
            except Exception as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
                self._answer(on_error or _log_failure, exc)
                return
            self._answer(on_done, result)

        return self.pool.submit(job)

    def _answer(self, callback: Callable[[Any], None], value: Any) -> None:
        try:
            self._answered.emit(_Answer(callback, value))
        except RuntimeError:  # the window (and this object) went while the call ran: nobody to tell
            log.debug("an answer came after its window closed")

    def _deliver(self, answer: _Answer) -> None:
        answer.callback(answer.value)

    def shutdown(self) -> None:
        """Stop taking work (running calls finish in the background; their answers are still delivered)."""
        self.closed = True
        self.pool.shutdown(wait=False, cancel_futures=True)


def _log_failure(exc: Exception) -> None:
    log.error("background operation failed", exc_info=exc)
