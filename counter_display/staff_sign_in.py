"""The counter panel's sign-in against the hub (issue 13): staff code and PIN, or a staff card at the scanner.

With `[counter] staff_sign_in = true` the panel's first page asks for the staff code and PIN (or a scanned staff
card) and signs the clerk in *at the hub*, which then names the clerk in every call, completion and rating of
this counter; "Đăng xuất" signs out there. A clerk signed in by the call keypad (SIGNIN) or before a restart of
the panel is picked up by the panel's refresh; a sign-out elsewhere brings the sign-in page back.
(Without it the panel keeps the older local `[[clerks]]` PIN list, which attributes nothing at the hub.)
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ui.qt import QFont, QLabel, QLineEdit, QPushButton, QStackedWidget, Qt, QVBoxLayout, QWidget

from . import texts


class PanelHost(Protocol):
    """What the sign-in page needs of the counter panel (counter_display.counter.CounterPanel is one)."""

    number: int
    client: Any
    clerk: str | None
    stack: QStackedWidget

    @property
    def changed(self) -> Any:
        """The panel's `changed` signal (tests wait on it)."""
        ...

    def run(self, op: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        """Run a hub call on the panel's worker; on_done(result) or on_error(exc) on the GUI thread."""
        ...

    def refresh(self) -> None:
        """Fetch the counter's state again."""
        ...


def _two(text: texts.Text) -> str:
    return f"{text.vi}\n{text.en}"


class StaffSignIn:
    """The sign-in page of a panel and what it does with the hub's answers (all on the GUI thread)."""

    def __init__(self, panel: PanelHost, family: str) -> None:
        self.panel = panel
        self.page = QWidget()
        lay = QVBoxLayout(self.page)
        title = QLabel(texts.PANEL_TITLE.format(counter=panel.number).vi)
        title.setFont(QFont(family, 22, QFont.Weight.Bold))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addStretch(1)
        lay.addWidget(title)
        prompt = QLabel(_two(texts.STAFF_PROMPT))
        prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        prompt.setWordWrap(True)
        lay.addWidget(prompt)
        self.code = QLineEdit()
        self.code.setPlaceholderText(f"{texts.STAFF_CODE.vi} / {texts.STAFF_CODE.en}")
        self.code.setMaxLength(32)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setFont(QFont(family, 18))
        lay.addWidget(self.code)
        self.pin = QLineEdit()
        self.pin.setPlaceholderText("PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setFont(QFont(family, 20))
        self.code.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.sign_in)
        lay.addWidget(self.pin)
        self.button = QPushButton(_two(texts.PANEL_SIGN_IN))
        self.button.clicked.connect(self.sign_in)
        lay.addWidget(self.button)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.error)
        lay.addStretch(2)

    def sign_in(self, *, card: str | None = None) -> None:
        """Send the staff code and PIN (or a card's code) to the hub on the panel's worker."""
        code, pin = self.code.text().strip(), self.pin.text().strip()
        self.pin.clear()
        if not card and not (code and pin):
            self.error.setText(_two(texts.STAFF_WRONG))
            return
        n, client = self.panel.number, self.panel.client
        self.button.setEnabled(False)
        if card:
            self.panel.run(lambda: client.sign_in(n, card=card), self._signed_in, self._sign_in_failed)
        else:
            self.panel.run(lambda: client.sign_in(n, staff=code, pin=pin), self._signed_in, self._sign_in_failed)

    def on_card(self, scan: Any) -> None:
        """A code scanned while the sign-in page shows: a staff card (never a citizen's card)."""
        if getattr(scan, "citizen", None) is None and getattr(scan, "error", None) is None and scan.text.strip():
            self.sign_in(card=scan.text.strip())

    def sign_out(self) -> None:
        """'Đăng xuất': sign out at the hub, then show the sign-in page."""
        n, client = self.panel.number, self.panel.client
        self.panel.run(lambda: client.sign_out(n), self._signed_out, self._signed_out)
        self.show(None)

    def _signed_out(self, _answer: object) -> None:
        # The hub's answer to a sign-out, or its failure: the page already shows; the next refresh shows the
        # hub's view (a sign-out the hub missed is picked up there).
        self.button.setEnabled(True)
        self.panel.changed.emit()

    def _signed_in(self, clerk: Any) -> None:
        """The hub signed the clerk in (GUI thread)."""
        self.button.setEnabled(True)
        self.error.setText("")
        self.code.clear()
        self.show(clerk)
        self.panel.refresh()
        self.panel.changed.emit()

    def _sign_in_failed(self, error: Exception) -> None:
        """The hub refused the sign-in, or could not be reached (GUI thread)."""
        from sync.client import HubError, HubUnavailable

        self.button.setEnabled(True)
        if isinstance(error, HubUnavailable):
            self.error.setText(_two(texts.STAFF_OFFLINE))
        elif isinstance(error, HubError) and error.code == "sign_in_locked":
            self.error.setText(_two(texts.STAFF_LOCKED))
        else:
            self.error.setText(_two(texts.STAFF_WRONG))
        self.panel.changed.emit()

    def show(self, clerk: Any) -> None:
        """The clerk the hub has at this counter (a ClerkInfo, or None): the panel's page follows."""
        self.panel.clerk = clerk.name if clerk is not None else None
        if clerk is None:
            self.panel.stack.setCurrentIndex(0)
        elif self.panel.stack.currentIndex() == 0:
            self.panel.stack.setCurrentIndex(1)
