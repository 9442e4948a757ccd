"""The one place the counter_display apps import Qt from (STYLE.md: a Qt upgrade is one file).

QtMultimedia is imported lazily by `multimedia()`: a board without audio/video libraries still starts,
and the headless keypad bridge never loads Qt at all.
"""
from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import (
    QEventLoop,
    QObject,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QThread,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QImage,
    QKeySequence,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QShortcut,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtWidgets import QLabel as _QLabel


class QLabel(_QLabel):
    """A QLabel that shows its text as plain text, always.

    Hazard: Qt's default (AutoText) renders anything that looks like HTML — a catalog name with "<b>", a
    QR payload or a hub message with "<img src=…>" would be interpreted (and an image fetched). Names,
    codes, catalog text and messages from outside reach labels all over the panels, so every label made
    through this module is plain text from birth.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setTextFormat(Qt.TextFormat.PlainText)


def plain_rich(text: str) -> str:
    """Text for what Qt always reads as rich text (tool tips): shown exactly as written, never as markup."""
    from PySide6.QtGui import Qt as GuiQt

    return str(GuiQt.convertFromPlainText(text, GuiQt.WhiteSpaceMode.WhiteSpaceNormal))


__all__ = [
    "QApplication", "QBrush", "QColor", "QComboBox", "QDialog", "QDialogButtonBox", "QFont", "QFontDatabase",
    "QFontMetrics", "QFrame", "QGridLayout", "QHBoxLayout", "QImage", "QInputDialog", "QKeySequence", "QLabel",
    "QLineEdit", "QLinearGradient", "QListWidget", "QMessageBox", "QObject", "QPainter", "QPainterPath", "QPen",
    "QPixmap", "QPoint", "QPushButton", "QRect", "QRectF", "QShortcut", "QSize", "QSizePolicy", "QStackedWidget",
    "QThread", "QTimer", "QUrl", "QVBoxLayout", "QWidget", "Qt", "Signal", "Slot", "app", "load_fonts",
    "multimedia", "FONT_FAMILY", "QEventLoop", "run_until", "QAbstractItemView", "QButtonGroup", "QCheckBox",
    "QFormLayout", "QRadioButton", "QScrollArea", "QSpinBox", "QTest", "plain_rich",
]

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
#: The family name of the bundled Noto Sans (falls back to the system sans if the files are missing).
FONT_FAMILY = "Noto Sans"
_fonts_loaded = False
_APP: QApplication | None = None


def load_fonts() -> str:
    """Register the bundled Noto Sans fonts; without them Qt draws Vietnamese as boxes on a bare machine."""
    global _fonts_loaded, FONT_FAMILY
    if not _fonts_loaded:
        for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
            fid = QFontDatabase.addApplicationFont(str(FONTS / name))
            fams = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
            if fams:
                FONT_FAMILY = fams[0]
        _fonts_loaded = True
    return FONT_FAMILY


def app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with the bundled fonts loaded."""
    global _APP
    inst = QApplication.instance()
    if inst is None:
        inst = QApplication(argv or ["motcua"])
        _APP = inst  # keep the Python wrapper alive as long as the process
    load_fonts()
    assert isinstance(inst, QApplication)
    return inst


def multimedia() -> ModuleType | None:
    """PySide6.QtMultimedia, or None when it cannot load here (no audio/video libraries)."""
    if os.environ.get("MOTCUA_NO_MULTIMEDIA"):
        return None
    try:
        from PySide6 import QtMultimedia
    except ImportError:
        return None
    return QtMultimedia


def run_until(signal: object) -> int:
    """Run the event loop until `signal` fires (a main window closing).

    A local loop rather than QApplication.exec()/quit(): quit() leaves Qt's "quit now" flag set, which
    makes every later event loop in the process return at once (tests run several apps in one process).
    """
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    return int(loop.exec())
