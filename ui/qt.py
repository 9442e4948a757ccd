"""The one place the device apps import Qt from (STYLE.md, Anki's `aqt/qt`): a Qt upgrade is this file.

QtMultimedia is imported lazily by `multimedia()`: a board without audio/video libraries still starts,
and the headless keypad bridge never loads Qt at all (it imports nothing from `ui`).
"""
from __future__ import annotations

import os
from types import ModuleType
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
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
    QGuiApplication,
    QImage,
    QKeySequence,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPalette,
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
    QLayout,
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

    Hazard: Qt's default (AutoText) renders anything that looks like HTML — a QR payload, a catalog name
    with "<b>" or a hub message with "<img src=…>" would be interpreted (and an image fetched). Names,
    codes, catalog text and messages from outside reach labels all over the apps, so every label made
    through this module is plain text from birth (a privacy requirement: tests/kiosk/test_kiosk_plain_text.py,
    tests/counter_display/test_plain_text.py).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setTextFormat(Qt.TextFormat.PlainText)


def plain_rich(text: str) -> str:
    """Text for what Qt always reads as rich text (tool tips): shown exactly as written, never as markup."""
    from PySide6.QtGui import Qt as GuiQt

    return str(GuiQt.convertFromPlainText(text, GuiQt.WhiteSpaceMode.WhiteSpaceNormal))


def multimedia() -> ModuleType | None:
    """PySide6.QtMultimedia, or None when it cannot load here (no audio/video libraries)."""
    if os.environ.get("MOTCUA_NO_MULTIMEDIA"):
        return None
    try:
        from PySide6 import QtMultimedia
    except ImportError:
        return None
    return QtMultimedia


def pdf_document() -> Any:
    """A QPdfDocument (QtPdf, loaded when a PDF is first drawn: the review's picture of an A4 declaration)."""
    from PySide6.QtPdf import QPdfDocument

    return QPdfDocument()


def video_widget(parent: QWidget) -> QWidget:
    """A QVideoWidget (QtMultimediaWidgets, loaded only when a video plays)."""
    from PySide6.QtMultimediaWidgets import QVideoWidget

    return QVideoWidget(parent)


__all__ = [
    "QAbstractItemView", "QApplication", "QBrush", "QBuffer", "QButtonGroup", "QByteArray", "QCheckBox", "QColor",
    "QComboBox", "QDialog", "QDialogButtonBox", "QEvent", "QEventLoop", "QFont", "QFontDatabase", "QFontMetrics",
    "QFormLayout", "QFrame", "QGridLayout", "QGuiApplication", "QHBoxLayout", "QImage", "QInputDialog",
    "QKeySequence", "QLabel", "QLayout", "QLineEdit", "QLinearGradient", "QListWidget", "QMessageBox", "QObject",
    "QPainter", "QPainterPath", "QPalette", "QPen", "QPixmap", "QPoint", "QPushButton", "QRadioButton", "QRect",
    "QRectF", "QScrollArea", "QShortcut", "QSize", "QSizePolicy", "QSpinBox", "QStackedWidget", "QTest", "QThread",
    "QTimer", "QUrl", "QVBoxLayout", "QWidget", "Qt", "Signal", "Slot", "multimedia", "pdf_document", "plain_rich",
    "video_widget",
]
