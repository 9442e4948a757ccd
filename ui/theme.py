"""Colours and sizes of the device screens, one place per surface.

Colours are "#rrggbb" strings (Qt style sheets take them as they are; the board's painter wraps them in
QColor). Qt-free, so it is cheap to import anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KioskTheme:
    """The touchscreen kiosk: light text on dark blue; sizes in millimetres of the physical screen."""

    bg: str = "#0b2a4a"
    panel: str = "#12406e"
    accent: str = "#ffd23f"
    ok: str = "#2fbf71"
    warn: str = "#ff5a4e"
    text: str = "#ffffff"
    muted: str = "#b8c7d9"
    priority: str = "#6b3fa0"
    """Priority (ưu tiên) buttons."""
    dossier: str = "#1f6f5c"
    """The dossier services' buttons (look up, submit, check) and a chosen catalog field."""
    unavailable: str = "#3d4f63"
    """A service closed now or out of numbers."""
    disabled: str = "#33475e"
    disabled_border: str = "#556"
    overlay: str = "rgba(255, 210, 63, 235)"
    """The "taking your number" overlay: the accent, nearly opaque."""
    field_bg: str = "white"
    large_text: float = 1.3
    """How much larger text is in large-text mode."""
    radius_mm: float = 3.0
    border_mm: float = 0.8
    padding_mm: float = 2.0
    min_font_px: int = 8


@dataclass(frozen=True)
class BoardTheme:
    """The lobby board, painted on a 1920×1080 design grid scaled to the TV."""

    bg: str = "#0b2545"
    panel: str = "#13315c"
    panel_2: str = "#1d3f6e"
    accent: str = "#ffd23f"
    highlight: str = "#e4572e"
    text: str = "#ffffff"
    muted: str = "#a9bcd0"
    ok: str = "#2ec4b6"
    paused: str = "#f4a259"
    paused_tile: str = "#4a3b2a"
    offline: str = "#ff5a5f"
    offline_mark: str = "#3a0d12"
    guides_bg: str = "#000000"
    width: float = 1920.0
    height: float = 1080.0


@dataclass(frozen=True)
class PanelTheme:
    """The clerk's counter panel and the citizen's fee screen: dark text on light grey, sizes in points."""

    bg: str = "#f4f6fa"
    text: str = "#102a43"
    number: str = "#0b2545"
    status: str = "#486581"
    error: str = "#c62828"
    button: str = "#13315c"
    button_disabled: str = "#9fb3c8"
    next: str = "#e4572e"
    ok: str = "#2e7d32"
    receive: str = "#1565c0"
    faults_bg: str = "#fff4e5"
    faults_border: str = "#f4a259"
    heading: str = "#13315c"
    base_pt: int = 10
    """The panel's text (points, the bundled font)."""
    sign_in_pt: int = 22
    """The sign-in page's title."""
    title_pt: int = 14
    """The panel's title and the fee step's heading."""
    pin_pt: int = 20
    number_pt: int = 44
    """The number being served (bold)."""
    form_title_pt: int = 15
    """The receive form's title."""
    caption_pt: int = 11
    """The receive form's section captions (bold)."""
    done_pt: int = 16
    """"Received" on the confirmation page."""
    code_pt: int = 17
    """A received dossier's code (bold)."""
    due_pt: int = 14
    """When the result is due (bold)."""
    button_h: int = 52
    """A big action button's height (px)."""
    form_button_h: int = 44

    def style_sheet(self) -> str:
        """The panel's style sheet (object names pick the variants: #next, #complete, #error, #offline…)."""
        return f"""
QWidget {{ background: {self.bg}; color: {self.text}; }}
QLabel#number {{ color: {self.number}; }}
QLabel#status {{ color: {self.status}; }}
QLabel#error {{ color: {self.error}; }}
QLabel#offline {{ color: #ffffff; background: {self.error}; padding: 2px 6px; border-radius: 4px; }}
QLabel#booked {{ color: #ffffff; background: {self.ok}; padding: 2px 10px; border-radius: 8px; font-weight: bold; }}
QPushButton {{ background: {self.button}; color: white; border: none; border-radius: 6px; padding: 6px; }}
QPushButton:disabled {{ background: {self.button_disabled}; }}
QPushButton#next {{ background: {self.next}; }}
QPushButton#complete {{ background: {self.ok}; }}
QPushButton#receive {{ background: {self.receive}; }}
QPushButton#next:disabled, QPushButton#complete:disabled, QPushButton#receive:disabled {{
    background: {self.button_disabled}; }}
QLineEdit {{ background: white; border: 1px solid {self.button_disabled}; border-radius: 3px; padding: 2px; }}
QListWidget {{ background: {self.faults_bg}; border: 1px solid {self.faults_border}; }}
"""


@dataclass(frozen=True)
class RatingTheme:
    """The counter's citizen-facing rating screen (issue 13): dark text on white, one colour per level."""

    bg: str = "#ffffff"
    text: str = "#102a43"
    muted: str = "#52606d"
    photo_border: str = "#9fb3c8"
    offline: str = "#c62828"
    very_satisfied: str = "#1b7d2b"
    satisfied: str = "#0b4f8a"
    unsatisfied: str = "#b71c1c"
    chip_bg: str = "#eef2f7"
    send: str = "#13315c"

    def style_sheet(self) -> str:
        """The screen's style sheet (object names: the level codes, #chip, #send, #photo, #offline)."""
        return f"""
QWidget {{ background: {self.bg}; color: {self.text}; }}
QLabel#offline {{ color: #ffffff; background: {self.offline}; padding: 4px 10px; border-radius: 6px; }}
QLabel#photo {{ border: 2px dashed {self.photo_border}; color: {self.photo_border}; }}
QLabel#muted {{ color: {self.muted}; }}
QPushButton {{ color: white; border: none; border-radius: 16px; padding: 12px; }}
QPushButton#very_satisfied {{ background: {self.very_satisfied}; }}
QPushButton#satisfied {{ background: {self.satisfied}; }}
QPushButton#unsatisfied {{ background: {self.unsatisfied}; }}
QPushButton#chip {{ background: {self.chip_bg}; color: {self.text}; border: 2px solid {self.photo_border};
                    border-radius: 24px; }}
QPushButton#chip:checked {{ background: {self.unsatisfied}; color: white; border-color: {self.unsatisfied}; }}
QPushButton#send {{ background: {self.send}; }}
"""


KIOSK = KioskTheme()
BOARD = BoardTheme()
PANEL = PanelTheme()
RATING = RatingTheme()
