"""Every word the kiosk shows, Vietnamese first, English second, in one place."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class T:
    """A text in both languages."""

    vi: str
    en: str

    def __call__(self, lang: str, **kw: object) -> str:
        """The text in a language, with {placeholders} filled."""
        return (self.en if lang == "en" else self.vi).format(**kw)


TAKE_NUMBER = T("Mời chọn dịch vụ để lấy số thứ tự", "Choose a service to take a number")
PRIORITY_BUTTON = T("Số ưu tiên\n(người cao tuổi, khuyết tật, mang thai, có con nhỏ…)",
                    "Priority number\n(elderly, disabled, pregnant, with a small child…)")
PRIORITY_TITLE = T("Quý khách thuộc đối tượng ưu tiên nào?", "Which priority group are you in?")
PRIORITY_CHOSEN = T("Số ưu tiên — {category}. Mời chọn dịch vụ:", "Priority number — {category}. Choose a service:")
CANCEL = T("Quay lại", "Back")
LANGUAGE = T("English", "Tiếng Việt")
LARGE_TEXT = T("Chữ to", "Large text")
NORMAL_TEXT = T("Chữ thường", "Normal text")
WAITING = T("Đang chờ: {n}", "Waiting: {n}")
CLOSED_NOW = T("Ngoài giờ cấp số", "Closed now")
QUOTA_REACHED = T("Đã hết số hôm nay", "No numbers left today")
CENTER_CLOSED = T("Hiện ngoài giờ cấp số. Giờ làm việc: {hours}", "Numbers are issued during opening hours: {hours}")
TAKING = T("Đang lấy số…", "Taking your number…")
YOUR_NUMBER = T("Số thứ tự của quý khách", "Your number")
AHEAD = T("Số người đang chờ trước: {n}", "People ahead of you: {n}")
AHEAD_NONE = T("Quý khách sắp được gọi", "You will be called shortly")
WAIT = T("Thời gian chờ dự kiến: khoảng {minutes} phút", "Estimated wait: about {minutes} min")
PLEASE_TAKE = T("Mời nhận phiếu bên dưới và chú ý màn hình gọi số", "Please take your ticket below and watch the screens")
SCAN_TO_FOLLOW = T("Quét mã để theo dõi lượt trên điện thoại", "Scan to follow your turn on your phone")
PRINTER_FAULT_TITLE = T("Máy in đang gặp sự cố", "The printer has a problem")
PRINTER_FAULT_BODY = T("Số của quý khách đã được ghi nhận. Vui lòng chụp ảnh màn hình này hoặc ghi lại số, "
                       "rồi chờ gọi số.", "Your number is registered. Please photograph this screen or write the "
                       "number down, then wait to be called.")
DONE = T("Xong", "Done")
HUB_DOWN_TITLE = T("Hệ thống tạm thời gián đoạn", "The system is temporarily unavailable")
HUB_DOWN_BODY = T("Chưa lấy được số. Ki-ốt đang tự kết nối lại — vui lòng chờ trong giây lát hoặc liên hệ cán bộ "
                  "hướng dẫn.", "No number was issued. The kiosk is reconnecting — please wait a moment or ask the "
                  "staff for help.")
HUB_RETRYING = T("Đang thử kết nối lại…", "Reconnecting…")
OFFLINE_BADGE = T("Mất kết nối", "Offline")
PRINTER_BADGE = T("Máy in cần kiểm tra", "Printer needs attention")
ERROR_TITLE = T("Chưa lấy được số", "No number issued")
PIN_TITLE = T("Nhập mã kỹ thuật viên", "Technician PIN")
PIN_WRONG = T("Mã không đúng", "Wrong PIN")
PIN_EXIT = T("Thoát ki-ốt", "Exit kiosk")
PIN_CLEAR = T("Xóa", "Clear")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
