"""The bundled Noto Sans (OFL) for every device screen.

Without it, a machine with no fonts draws Vietnamese as empty boxes, silently: every app registers the
bundled files before it draws (`load_fonts`, also done by `ui.application.app`).
"""
from __future__ import annotations

import logging
from pathlib import Path

from ui.qt import QFont, QFontDatabase

log = logging.getLogger(__name__)

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FALLBACK_FAMILY = "Noto Sans"
"""The family asked for when the bundled files are missing (a system Noto Sans, else Qt's default)."""
_family: str | None = None


def load_fonts() -> str:
    """Register the bundled Noto Sans (regular and bold) with Qt, once; returns its family name."""
    global _family
    if _family is None:
        families: list[str] = []
        for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
            fid = QFontDatabase.addApplicationFont(str(FONTS / name))
            if fid < 0:
                log.error("cannot load font %s", FONTS / name)
                continue
            families += QFontDatabase.applicationFontFamilies(fid)
        _family = families[0] if families else FALLBACK_FAMILY
    return _family


def font_px(px: float, *, bold: bool = False) -> QFont:
    """The bundled font at a size in pixels (at least 1)."""
    f = QFont(load_fonts())
    f.setPixelSize(max(1, int(px)))
    f.setBold(bold)
    return f
