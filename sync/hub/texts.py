"""Texts of the hub's public pages, Vietnamese first and English second (one place, never scattered).

The tracking page's script switches language on the phone without asking the hub again, so each page takes
both languages of its texts at once (`TRACKING["vi"]`, `TRACKING["en"]`); `{n}`, `{counter}` and `{m}` are
filled in on the phone.
"""
from __future__ import annotations

TRACKING: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Số thứ tự của bạn",
        "lang_other": "English",
        "waiting": "Đang chờ đến lượt",
        "called": "Mời số {n} đến {counter}",
        "called_hint": "Xin mời bạn đến quầy ngay.",
        "skipped": "Đã gọi số của bạn nhưng bạn vắng mặt. Xin đến quầy thông tin.",
        "done": "Đã phục vụ xong. Cảm ơn bạn!",
        "expired": "Số này đã hết hiệu lực.",
        "counter": "Quầy {counter}",
        "ahead": "Số người đứng trước",
        "position": "Vị trí của bạn",
        "wait": "Thời gian chờ dự kiến",
        "wait_min": "khoảng {m} phút",
        "wait_soon": "sắp đến lượt",
        "wait_unknown": "chưa ước tính được",
        "appointment": "Đã đặt lịch hẹn",
        "issued": "Lấy số lúc",
        "sound_on": "Bật âm báo và rung",
        "sound_ready": "Âm báo và rung đã bật",
        "offline": "Mất kết nối, đang thử lại…",
        "updated": "Cập nhật lúc",
        "rate": "Đánh giá chất lượng phục vụ",
        "not_found": "Không tìm thấy số thứ tự này.",
        "ok": "Đã hiểu",
        "test": "VÉ THỬ",
    },
    "en": {
        "title": "Your queue number",
        "lang_other": "Tiếng Việt",
        "waiting": "Waiting for your turn",
        "called": "Number {n}, please go to {counter}",
        "called_hint": "Please go to the counter now.",
        "skipped": "Your number was called but you were not there. Please ask at the information desk.",
        "done": "Served. Thank you!",
        "expired": "This number has expired.",
        "counter": "counter {counter}",
        "ahead": "People ahead of you",
        "position": "Your place in the queue",
        "wait": "Estimated wait",
        "wait_min": "about {m} min",
        "wait_soon": "your turn is near",
        "wait_unknown": "not known yet",
        "appointment": "Booked appointment",
        "issued": "Taken at",
        "sound_on": "Turn on sound and vibration",
        "sound_ready": "Sound and vibration on",
        "offline": "Connection lost, retrying…",
        "updated": "Updated at",
        "rate": "Rate our service",
        "not_found": "Ticket not found.",
        "ok": "OK",
        "test": "TEST TICKET",
    },
}
