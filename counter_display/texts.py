"""Every user-visible text of the board, the counter panel, the announcer and the keypad bridge.

Vietnamese first, English second, kept in one place (STYLE.md). Screens show the Vietnamese large and
the English small beside or under it.
"""
from __future__ import annotations

from typing import NamedTuple


class Text(NamedTuple):
    """A text in Vietnamese and English."""

    vi: str
    en: str

    def format(self, **values: object) -> Text:
        """Both languages with the placeholders filled in."""
        return Text(self.vi.format(**values), self.en.format(**values))

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}" if self.en and self.en != self.vi else self.vi


WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def date_vi(year: int, month: int, day: int, weekday: int) -> str:
    """"Thứ Năm, ngày 26 tháng 11 năm 2026" (ISO weekday, Monday = 1)."""
    return f"{WEEKDAYS_VI[weekday - 1]}, ngày {day:02d} tháng {month:02d} năm {year}"


# -- board --------------------------------------------------------------------------------------------
BOARD_NOW_SERVING = Text("Mời công dân có số", "Now serving")
BOARD_TO_COUNTER = Text("đến", "to")
BOARD_RECENT = Text("Số vừa gọi", "Recent calls")
BOARD_COUNTERS = Text("Các quầy", "Counters")
BOARD_WAITING = Text("Đang chờ", "Waiting")
BOARD_NOBODY_CALLED = Text("Chưa gọi số nào", "No number called yet")
BOARD_OFFLINE = Text("Mất kết nối – đang kết nối lại", "Offline – reconnecting")
BOARD_PAUSED = Text("Tạm dừng", "Paused")
BOARD_CLOSED = Text("Chưa mở", "Closed")
BOARD_FREE = Text("Đang chờ gọi", "Free")
BOARD_RECALL = Text("Gọi lại", "Recall")
BOARD_PEOPLE = Text("người", "people")

# -- counter panel ------------------------------------------------------------------------------------
PANEL_TITLE = Text("Quầy {counter}", "Counter {counter}")
PANEL_PIN = Text("Nhập mã PIN của cán bộ", "Enter the clerk PIN")
PANEL_SIGN_IN = Text("Đăng nhập", "Sign in")
PANEL_SIGN_OUT = Text("Đăng xuất", "Sign out")
PANEL_BAD_PIN = Text("Mã PIN không đúng", "Wrong PIN")
PANEL_NEXT = Text("Gọi số tiếp", "Call next")
PANEL_RECALL = Text("Gọi lại", "Recall")
PANEL_SKIP = Text("Vắng mặt", "No-show")
PANEL_TRANSFER = Text("Chuyển", "Transfer")
PANEL_COMPLETE = Text("Hoàn thành", "Complete")
PANEL_PAUSE = Text("Tạm dừng", "Pause")
PANEL_RESUME = Text("Tiếp tục", "Resume")
PANEL_CALL_NUMBER = Text("Gọi số…", "Call number…")
PANEL_CALL_NUMBER_PROMPT = Text("Số cần gọi (ví dụ 1023):", "Number to call (e.g. 1023):")
PANEL_TRANSFER_PROMPT = Text("Chuyển sang dịch vụ:", "Transfer to service:")
PANEL_CURRENT = Text("Đang phục vụ", "Serving")
PANEL_NONE = Text("—", "—")
PANEL_WAITED = Text("Đã chờ {minutes} phút", "Waited {minutes} min")
PANEL_WAITING = Text("Đang chờ: {n}", "Waiting: {n}")
PANEL_SERVED = Text("Đã phục vụ hôm nay: {n}", "Served today: {n}")
PANEL_NOBODY = Text("Không còn ai chờ", "Nobody is waiting")
PANEL_PAUSED = Text("Quầy đang tạm dừng", "The counter is paused")
PANEL_FAULTS = Text("Sự cố thiết bị", "Device faults")
PANEL_NO_FAULTS = Text("Thiết bị hoạt động bình thường", "All devices OK")
PANEL_OFFLINE = Text("Mất kết nối với máy chủ – đang thử lại", "Hub unreachable – retrying")
PANEL_BUSY = Text("Đang xử lý…", "Working…")
PANEL_CALLED = Text("Đã gọi số {display}", "Called {display}")

# -- keypad bridge and LED ----------------------------------------------------------------------------
KEYPAD_UNPLUGGED = Text("Bàn phím gọi số bị ngắt kết nối ({port})", "Call keypad unplugged ({port})")
LED_UNPLUGGED = Text("Bảng LED số bị ngắt kết nối ({port})", "LED number display unplugged ({port})")

# -- announcer ----------------------------------------------------------------------------------------
NO_TTS = Text("Không tìm thấy espeak-ng: cài gói espeak-ng để đọc số", "espeak-ng not found: install espeak-ng")
NO_AUDIO = Text("Không phát được âm thanh: {detail}", "Cannot play audio: {detail}")

# -- command line -------------------------------------------------------------------------------------
CLI_CONFIG_ERROR = Text("Lỗi cấu hình: {detail}", "Configuration error: {detail}")
