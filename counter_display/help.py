"""Help requests from the kiosks (gọi cán bộ hỗ trợ) on the counter panel and the lobby board.

The panel shows each open request with a "Đã nhận / On my way" button; the board shows a band over its
ticker naming the kiosks that wait for a clerk. Both follow the hub's `help.requested` / `help.acknowledged`
events as they come (BoardState keeps the open ones), so a request appears within the event stream's
latency and leaves every screen when any clerk takes it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from motcua.contract import HelpRequestInfo
from ui.fonts import load_fonts
from ui.qt import QColor, QFont, QHBoxLayout, QLabel, QPainter, QPushButton, QRectF, Qt, QVBoxLayout, QWidget

from . import texts

log = logging.getLogger(__name__)

BAND_COLOR = QColor("#b3261e")
MAX_SHOWN = 4


def request_line(h: HelpRequestInfo) -> str:
    """"Ki-ốt sảnh 1 cần hỗ trợ (09:41)" — the kiosk's name and when it asked."""
    at = h.requested_at[11:16] if len(h.requested_at) >= 16 else h.requested_at
    return texts.HELP_WAITING.format(device=h.device, at=at).vi


class HelpPanel(QWidget):
    """On the counter panel: the open requests, each with its acknowledge button (hidden when none)."""

    def __init__(self, acknowledge: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help_panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # a plain QWidget paints no background else
        self.acknowledge = acknowledge
        self.setStyleSheet("QWidget#help_panel { background: #b3261e; border-radius: 8px; }"
                           "QWidget#help_row { background: transparent; }"
                           "QWidget#help_panel QLabel { color: white; font-weight: bold; background: transparent; }")
        self.lay = QVBoxLayout(self)
        self.caption = QLabel(f"{texts.HELP_TITLE.vi} · {texts.HELP_TITLE.en}")
        self.lay.addWidget(self.caption)
        self.rows: dict[str, QWidget] = {}
        self.requests: dict[str, HelpRequestInfo] = {}
        self.setVisible(False)

    def show_requests(self, requests: list[HelpRequestInfo]) -> None:
        """Show exactly these open requests (oldest first)."""
        self.requests = {h.id: h for h in requests}
        for hid in [k for k in self.rows if k not in self.requests]:
            row = self.rows.pop(hid)
            self.lay.removeWidget(row)
            row.deleteLater()
        for h in requests:
            if h.id in self.rows:
                continue
            row = QWidget()
            row.setObjectName("help_row")
            hl = QHBoxLayout(row)
            hl.setContentsMargins(0, 0, 0, 0)
            label = QLabel(request_line(h))
            label.setObjectName("help_line")
            hl.addWidget(label, 1)
            button = QPushButton(f"{texts.HELP_ACK.vi}\n{texts.HELP_ACK.en}")
            button.setObjectName(f"help_ack_{h.id}")
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _=False, hid=h.id: self._ack(hid))
            hl.addWidget(button)
            self.lay.addWidget(row)
            self.rows[h.id] = row
        self.setVisible(bool(self.requests))

    def on_event(self, etype: str, data: dict[str, object]) -> None:
        """A live help.requested / help.acknowledged event."""
        raw = data.get("help")
        if not isinstance(raw, dict):
            return
        h = HelpRequestInfo.model_validate(raw)
        current = dict(self.requests)
        if etype == "help.requested":
            current[h.id] = h
        else:
            current.pop(h.id, None)
        self.show_requests(sorted(current.values(), key=lambda x: x.requested_at))

    def _ack(self, help_id: str) -> None:
        button = self.rows[help_id].findChild(QPushButton)
        if button is not None:
            button.setEnabled(False)  # feedback at once; the hub's event removes the row
        self.acknowledge(help_id)

    def failed(self, help_id: str) -> None:
        """The acknowledgement did not reach the hub: the button works again."""
        row = self.rows.get(help_id)
        button = row.findChild(QPushButton) if row is not None else None
        if button is not None:
            button.setEnabled(True)

    def lines(self) -> list[str]:
        """What the panel shows (tests, screenshots)."""
        return [request_line(h) for h in self.requests.values()] if self.isVisible() else []


def _font(px: int, *, bold: bool = False) -> QFont:
    f = QFont(load_fonts())
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def paint_board_band(p: QPainter, r: QRectF, requests: list[HelpRequestInfo],
                     text: Callable[[QPainter, QRectF, str, QFont, QColor], None]) -> None:
    """On the board: a red band naming the kiosks waiting for a clerk (drawn over the ticker)."""
    if not requests:
        return
    p.fillRect(r, BAND_COLOR)
    names = ", ".join(h.device for h in requests[:MAX_SHOWN]) + ("…" if len(requests) > MAX_SHOWN else "")
    vi = texts.HELP_BOARD.format(devices=names).vi
    en = texts.HELP_BOARD.format(devices=names).en
    text(p, QRectF(r.left() + 24, r.top(), r.width() * 0.62, r.height()), vi, _font(26, bold=True), QColor("white"))
    text(p, QRectF(r.left() + r.width() * 0.64, r.top(), r.width() * 0.35, r.height()), en, _font(20),
         QColor("#ffdede"))
