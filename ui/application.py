"""The QApplication of a device app, and running its event loop until its main window closes."""
from __future__ import annotations

from motcua import heap
from ui.fonts import load_fonts
from ui.qt import QApplication, QEventLoop

_APP: QApplication | None = None


def app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with the bundled fonts loaded.

    The process that creates it is a device's (a test's QApplication comes from pytest-qt): its C heap is
    tuned and trimmed from now on, as it will run for weeks (motcua.heap)."""
    global _APP
    inst = QApplication.instance()
    if inst is None:
        heap.keep_flat()
        inst = QApplication(argv or ["motcua"])
        _APP = inst  # keep the Python wrapper alive as long as the process
    load_fonts()
    assert isinstance(inst, QApplication)
    return inst


def run_until(signal: object) -> int:
    """Run the event loop until `signal` fires (a main window closing).

    A local loop rather than QApplication.exec()/quit(): quit() leaves Qt's "quit now" flag set, which
    makes every later event loop in the process return at once (tests run several apps in one process).
    """
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    return int(loop.exec())
