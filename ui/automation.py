"""The Qt side of the endurance-test hooks (motcua.automation is the Qt-free plumbing): a screen dump
when one is asked for, and a real mouse click for an autopilot."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from motcua.automation import DumpHook
from ui.qt import QObject, QPushButton, Qt, QTest, QTimer, QWidget


def poll_dumps(owner: QObject, hook: DumpHook, state: Callable[[], Mapping[str, object]], widget: QWidget) -> QTimer:
    """Answer dump requests (SIGUSR1) on the GUI thread: `widget`'s picture, then `state()`; dumps once now."""
    hook.install_signal()

    def poll() -> None:
        if hook.take_request():
            hook.write(state(), lambda path: widget.grab().save(path, "PNG"))

    timer = QTimer(owner)
    timer.timeout.connect(poll)
    timer.start(200)
    hook.ask()  # the first dump says "ready"
    return timer


def click(button: QPushButton) -> None:
    """A finger or a mouse on a button: press and release at its centre, through the widget's own events."""
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
