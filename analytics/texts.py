"""User-visible text of reports, exports and plans: Vietnamese first, English second, in one place."""
from __future__ import annotations

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

REPORT_TITLE = "BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ PHỤC VỤ CÔNG DÂN"
REPORT_TITLE_EN = "Citizens received and served"
PLAN_TITLE = "DỰ BÁO NHU CẦU VÀ KẾ HOẠCH BỐ TRÍ QUẦY"
PLAN_TITLE_EN = "Demand forecast and counter staffing plan"

# Column headings: (Vietnamese, English). The XLSX and CSV use "Vietnamese / English" in one cell.
COLUMNS: dict[str, tuple[str, str]] = {
    "key": ("Mã", "Code"),
    "name": ("Tên", "Name"),
    "service": ("Lĩnh vực", "Service"),
    "counter": ("Quầy", "Counter"),
    "clerk": ("Cán bộ", "Clerk"),
    "issued": ("Số phát", "Issued"),
    "served": ("Đã phục vụ", "Served"),
    "no_show": ("Vắng mặt", "No-shows"),
    "not_called": ("Chưa gọi", "Not called"),
    "transferred": ("Chuyển quầy", "Transferred"),
    "open": ("Đang chờ/phục vụ", "Open"),
    "priority": ("Ưu tiên", "Priority"),
    "priority_share": ("Tỷ lệ ưu tiên", "Priority share"),
    "wait_median_min": ("Chờ trung vị (phút)", "Wait median (min)"),
    "wait_p90_min": ("Chờ P90 (phút)", "Wait p90 (min)"),
    "service_median_min": ("Phục vụ trung vị (phút)", "Service median (min)"),
    "service_p90_min": ("Phục vụ P90 (phút)", "Service p90 (min)"),
    "within_target": ("Đạt mục tiêu chờ", "Within wait target"),
    "day": ("Ngày", "Day"),
    "kind": ("Loại ngày", "Kind of day"),
    "procedure": ("Thủ tục", "Procedure"),
    "total": ("Tổng", "Total"),
    "kiosk": ("Ki-ốt", "Kiosk"),
    "counter_channel": ("Tại quầy", "At the counter"),
    "weekday": ("Thứ", "Weekday"),
    "hour": ("Giờ", "Hour"),
    "method": ("Hình thức", "Method"),
    "count": ("Số lượng", "Count"),
    "amount": ("Số tiền (đồng)", "Amount (VND)"),
    "level": ("Mức độ", "Level"),
    "category": ("Đối tượng", "Category"),
    "metric": ("Chỉ tiêu", "Figure"),
    "value": ("Giá trị", "Value"),
    "forecast": ("Dự báo", "Forecast"),
    "counters_needed": ("Số quầy cần", "Counters needed"),
    "ratings": ("Lượt đánh giá", "Ratings"),
    "satisfied_share": ("Tỷ lệ hài lòng", "Satisfied share"),
}

# Narrow columns of the printed tables (times in minutes; TV = trung vị / median).
SHORT: dict[str, str] = {
    "issued": "Số phát\nIssued",
    "served": "Phục vụ\nServed",
    "no_show": "Vắng\nNo-show",
    "transferred": "Chuyển\nTransfer",
    "priority_share": "Ưu tiên\nPriority",
    "wait_median_min": "Chờ TV\nWait med.",
    "wait_p90_min": "Chờ P90\nWait p90",
    "service_median_min": "Phục vụ TV\nServ. med.",
    "service_p90_min": "Phục vụ P90\nServ. p90",
    "within_target": "Đạt {target:g}'\nIn {target:g} min",
    "satisfied_share": "Hài lòng\nSatisfied",
}
TIMES_NOTE = ("Thời gian tính bằng phút; TV: trung vị; P90: 90% công dân không quá / times in minutes; med.: median; "
              "p90: 90th percentile")

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
WEEKDAYS_SHORT = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")

DAY_KINDS = {
    "workday": "Ngày làm việc / workday",
    "make_up": "Làm bù / make-up day",
    "weekend": "Cuối tuần / weekend",
    "day_off": "Nghỉ lễ, Tết / day off",
}

METHODS = {"cash": "Tiền mặt / cash", "transfer": "Chuyển khoản / transfer"}
RATING_LEVELS = {"very_satisfied": "Rất hài lòng / very satisfied", "satisfied": "Hài lòng / satisfied",
                 "unsatisfied": "Không hài lòng / unsatisfied"}
CHANNELS = {"kiosk": "Ki-ốt / kiosk", "counter": "Tại quầy / counter", "other": "Khác / other"}

SUMMARY = {
    "issued": "Số thứ tự đã phát / numbers issued",
    "served": "Công dân đã được phục vụ / citizens served",
    "no_show": "Vắng mặt khi gọi / no-shows",
    "not_called": "Chưa được gọi / not called",
    "transferred": "Chuyển lĩnh vực / transferred",
    "priority_share": "Tỷ lệ ưu tiên / priority share",
    "wait_median": "Thời gian chờ trung vị / median wait",
    "wait_p90": "Thời gian chờ P90 / 90th percentile wait",
    "service_median": "Thời gian phục vụ trung vị / median service time",
    "within_target": "Chờ không quá {target} phút / waited at most {target} min",
    "dossiers": "Hồ sơ tiếp nhận / dossiers received",
    "payments": "Phí, lệ phí đã thu / fees collected",
    "ratings": "Hài lòng / satisfied",
    "test_tickets": "Vé thử (không tính) / test tickets (left out)",
}

SECTIONS = {
    "summary": "I. TỔNG HỢP / SUMMARY",
    "services": "II. THEO LĨNH VỰC / BY SERVICE",
    "charts": "III. BIỂU ĐỒ / CHARTS",
    "counters": "IV. THEO QUẦY / BY COUNTER",
    "clerks": "Theo cán bộ / by clerk",
    "dossiers": "V. HỒ SƠ TIẾP NHẬN / DOSSIERS RECEIVED",
    "fees_ratings": "VI. PHÍ, LỆ PHÍ VÀ MỨC ĐỘ HÀI LÒNG / FEES AND RATINGS",
    "forecast": "VII. DỰ BÁO 14 NGÀY TỚI / 14-DAY FORECAST",
    "staffing": "VIII. SỐ QUẦY CẦN MỞ / COUNTERS TO OPEN",
}

NO_CLERKS = "Chưa có dữ liệu cán bộ (chưa bật đăng nhập cán bộ) / no clerk data yet (clerk sign-in not in use)"
NO_PAYMENTS = "Chưa có dữ liệu phí, lệ phí / no fee data"
NO_RATINGS = "Chưa có dữ liệu đánh giá / no ratings yet"

CHART_DAILY = "Số phát và đã phục vụ theo ngày / issued and served per day"
CHART_HEATMAP = "Số phát trung bình theo giờ và thứ / average numbers issued by hour and weekday"
CHART_WAITS = "Thời gian chờ theo lĩnh vực (phút) / waiting time by service (min): trung vị / median, P90"
CHART_FORECAST = "Dự báo số phát theo ngày / forecast numbers per day"
CHART_COUNTERS = "Đã phục vụ và vắng mặt theo quầy / served and no-shows per counter"
CHART_STAFFING = "Số quầy cần mở theo ngày và giờ (toàn trung tâm) / counters needed by day and hour (whole center)"

SIGN_LEFT = "NGƯỜI LẬP BIỂU"
SIGN_RIGHT = "GIÁM ĐỐC"
SIGN_NOTE = "(Ký, ghi rõ họ tên)"
SIGN_NOTE_RIGHT = "(Ký tên, đóng dấu)"
PAGE = "Trang {n}/{total}"

BACKTEST = ("Sai số kiểm tra lại trên {weeks} tuần gần nhất / backtest error over the last {weeks} weeks: "
            "WAPE theo ngày / by day {wape:.1f}%, MAPE theo ngày / by day {mape:.1f}%")
STAFFING_NOTE = ("Số quầy cần mở để {share:.0f}% công dân chờ không quá {target:g} phút (Erlang C, kiểm tra bằng mô phỏng "
                 "hàng đợi) / counters needed so that {share:.0f}% wait at most {target:g} min (Erlang C, checked by a "
                 "queue simulation)")
CLOSED = "Nghỉ / closed"
EFFECTS = {"month_end": "Cuối tháng / month-end", "pre_tet": "Trước Tết / before Tết",
           "post_holiday": "Sau kỳ nghỉ / after a holiday"}
ASSUMED = "{effect}: ×{mult:g} (giả định, lịch sử chưa có / assumed, not in the history)"


def heading(key: str) -> str:
    """A column heading as one cell: "Vietnamese / English"."""
    vi, en = COLUMNS[key]
    return f"{vi} / {en}"
