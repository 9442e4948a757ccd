"""Widget factories the device apps share: touch-sized labels and big buttons for the kiosk, headings and
action buttons for the clerk's panel. Every label is `ui.qt.QLabel`: plain text, never rich text."""
from __future__ import annotations

from ui.fonts import load_fonts
from ui.qt import QFont, QLabel, QPushButton, QSizePolicy, Qt, QWidget
from ui.theme import KIOSK, PANEL, KioskTheme


class TouchKit:
    """Labels and buttons sized in millimetres of a touchscreen, in the bundled font and a theme's colours.

    Each widget remembers its size (`size_mm`) so that `restyle_fonts` can grow or shrink all of them when
    the citizen switches large text on or off.
    """

    def __init__(self, *, px_per_mm: float, theme: KioskTheme = KIOSK, large: bool = False) -> None:
        self.px_per_mm = px_per_mm
        self.theme = theme
        self.large = large
        self.family = load_fonts()

    def mm(self, millimetres: float) -> int:
        """Pixels for a physical length on this screen."""
        return int(round(millimetres * self.px_per_mm))

    def font(self, size_mm: float, *, bold: bool = False) -> QFont:
        """The bundled font at a physical size (larger in large-text mode)."""
        f = QFont(self.family)
        f.setPixelSize(max(self.theme.min_font_px, self.mm(size_mm * (self.theme.large_text if self.large else 1.0))))
        f.setBold(bold)
        return f

    def label(self, text: str = "", *, size: float = 6, bold: bool = False, color: str | None = None,
              wrap: bool = True, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> QLabel:
        """A label of `size` millimetres (plain text)."""
        lab = QLabel(text)
        lab.setWordWrap(wrap)
        lab.setAlignment(align)
        lab.setStyleSheet(f"color: {color or self.theme.text}; background: transparent;")
        lab.setProperty("size_mm", size)
        lab.setProperty("bold", bold)
        lab.setFont(self.font(size, bold=bold))
        return lab

    def button(self, text: str, *, size: float = 7, color: str | None = None, fg: str | None = None,
               min_h_mm: float = 24) -> QPushButton:
        """A big touch button: at least `min_h_mm` high, filling its row, never taking keyboard focus."""
        b = QPushButton(text)
        b.setProperty("size_mm", size)
        b.setFont(self.font(size, bold=True))
        b.setMinimumHeight(self.mm(min_h_mm))
        b.setMinimumWidth(self.mm(max(12.0, min_h_mm)))
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setStyleSheet(self.button_style(color or self.theme.panel, fg))
        return b

    def button_style(self, color: str, fg: str | None = None) -> str:
        """The style sheet of a touch button of this colour (pressed: the accent; disabled: greyed)."""
        t = self.theme
        r = self.mm(t.radius_mm)
        return (f"QPushButton {{ background: {color}; color: {fg or t.text}; border: {max(2, self.mm(t.border_mm))}px solid "
                f"{t.accent}; border-radius: {r}px; padding: {self.mm(t.padding_mm)}px; }}"
                f"QPushButton:pressed {{ background: {t.accent}; color: {t.bg}; }}"
                f"QPushButton:disabled {{ background: {t.disabled}; color: {t.muted}; border-color: {t.disabled_border}; }}")

    def restyle_fonts(self, root: QWidget) -> None:
        """Every widget made here under `root` at its size again (after large text was switched)."""
        for w in root.findChildren(QWidget):
            size = w.property("size_mm")
            if size is not None:
                w.setFont(self.font(float(size), bold=bool(w.property("bold")) or isinstance(w, QPushButton)))


def panel_font(pt: int, *, bold: bool = False, family: str | None = None) -> QFont:
    """The bundled font at `pt` points: the clerk's panel and the citizen's fee screen size text in points
    (PANEL's sizes), the kiosk in millimetres (TouchKit)."""
    return QFont(family or load_fonts(), pt, QFont.Weight.Bold if bold else QFont.Weight.Normal)


def heading(text: str = "", *, pt: int, family: str | None = None, color: str | None = None) -> QLabel:
    """A bold heading of `pt` points (plain text)."""
    label = QLabel(text)
    label.setFont(panel_font(pt, bold=True, family=family))
    if color is not None:
        label.setStyleSheet(f"color: {color};")
    return label


def big_button(text: str, *, name: str = "", min_h: int = PANEL.button_h) -> QPushButton:
    """A panel action button: `min_h` pixels high, as wide as its cell; `name` picks its colour in the style sheet."""
    b = QPushButton(text)
    if name:
        b.setObjectName(name)
    b.setMinimumHeight(min_h)
    return b
