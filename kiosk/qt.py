"""The one place the kiosk imports Qt (a Qt upgrade is this file), plus font loading."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal  # noqa: F401
from PySide6.QtGui import (  # noqa: F401
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QShortcut,
)
from PySide6.QtTest import QTest  # noqa: F401 - the autopilot's touches (kiosk.automation)
from PySide6.QtWidgets import (  # noqa: F401
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtWidgets import QLabel as _QLabel

log = logging.getLogger(__name__)


class QLabel(_QLabel):
    """A QLabel that shows its text as plain text, always.

    Hazard: Qt's default (AutoText) renders anything that looks like HTML — a QR payload, a catalog name or
    a hub message with "<b>" or "<img src=…>" would be interpreted (and an image fetched). Every label of
    the kiosk is made through this module, so every one is plain text from birth.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setTextFormat(Qt.TextFormat.PlainText)

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
_family: str | None = None


def load_fonts() -> str:
    """Register the bundled Noto Sans (Vietnamese) with Qt; returns its family name.

    Without this, a machine with no fonts draws Vietnamese as empty boxes, silently.
    """
    global _family
    if _family is None:
        families: list[str] = []
        for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
            fid = QFontDatabase.addApplicationFont(str(FONTS / name))
            if fid < 0:
                log.error("cannot load font %s", FONTS / name)
                continue
            families += QFontDatabase.applicationFontFamilies(fid)
        _family = families[0] if families else "Sans Serif"
    return _family
