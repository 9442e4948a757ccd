"""The kiosk's on-screen keyboard: letters with Telex for Vietnamese, or digits only.

A kiosk has no physical keyboard; a citizen types a name ("Nguyeenx" gives "Nguyễn"), an address, an
email, a phone or ID number, a procedure to look up or a dossier code.
"""
from __future__ import annotations

from collections.abc import Callable

from motcua.telex import telex
from ui.qt import QGridLayout, QLabel, QPushButton, QSizePolicy, Qt, QVBoxLayout, QWidget, Signal
from ui.theme import KIOSK

LETTER_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
DIGIT_ROWS = ("123", "456", "789")


class TextField(QWidget):
    """A one-line field with the on-screen keyboard under it.

    mode "vi": Telex letters (names, addresses, searches); "plain": letters as typed (email, codes);
    "digits": numbers only (phone, CCCD number). `changed(text)` fires on each key.
    """

    changed = Signal(str)

    def __init__(self, *, button: Callable[..., QPushButton], label: Callable[..., QLabel], mode: str = "vi",
                 max_len: int = 200, placeholder: str = "") -> None:
        super().__init__()
        self.mode = mode
        self.max_len = max_len
        self.raw = ""
        self.placeholder = placeholder
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.display = label("", size=7, bold=True)
        self.display.setObjectName("field_display")
        self.display.setStyleSheet(f"background: {KIOSK.field_bg}; color: {KIOSK.bg}; border-radius: 10px; padding: 10px;")
        self.display.setMinimumHeight(60)
        lay.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.keys: dict[str, QPushButton] = {}
        rows = DIGIT_ROWS if mode == "digits" else LETTER_ROWS
        for r, row in enumerate(rows):
            for c, ch in enumerate(row):
                b = button(ch.upper() if ch.isalpha() else ch, size=6, min_h_mm=13)
                b.setObjectName(f"key_{ch}")
                b.clicked.connect(lambda _=False, ch=ch: self.press(ch))
                grid.addWidget(b, r, c + (1 if mode != "digits" and r == 3 else 0))
                self.keys[ch] = b
        extras = [("⌫", "back"), ("0", "0")] if mode == "digits" else [
            ("@", "@"), (".", "."), ("-", "-"), (",", ","), ("Cách / Space", " "), ("⌫", "back")]
        for i, (text, key) in enumerate(extras):
            b = button(text, size=6, min_h_mm=13)
            b.setObjectName(f"key_{'space' if key == ' ' else key}")
            b.clicked.connect(lambda _=False, key=key: self.press(key))
            if mode == "digits":
                grid.addWidget(b, 3, i * 2 if i == 0 else 1)
            else:
                span = 4 if key == " " else 1
                col = sum(4 if k == " " else 1 for _, k in extras[:i])
                grid.addWidget(b, 4, col, 1, span)
            self.keys[key] = b
        for b in self.keys.values():
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        lay.addLayout(grid)
        self._render()

    def press(self, key: str) -> None:
        """One key."""
        if key == "back":
            self.raw = self.raw[:-1]
        elif len(self.raw) < self.max_len:
            if self.mode == "digits" and not key.isdigit():
                return
            self.raw += key
        self._render()
        self.changed.emit(self.text())

    def text(self) -> str:
        """What the field holds (Telex applied in "vi" mode)."""
        return telex(self.raw) if self.mode == "vi" else self.raw

    def set_text(self, text: str) -> None:
        """Prefill (from a scanned card); typing goes on after it."""
        self.raw = text
        self._render()

    def clear(self) -> None:
        """Forget what was typed."""
        self.raw = ""
        self._render()

    def _render(self) -> None:
        t = self.text()
        self.display.setText(t if t else self.placeholder)
        self.display.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
