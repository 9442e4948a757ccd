"""Every user-visible text of the board, the counter panel, the announcer and the keypad bridge.

Vietnamese first, English second, kept in one place (STYLE.md). Screens show the Vietnamese large and
the English small beside or under it.
"""
from __future__ import annotations

from motcua.text import Text

__all__ = ["Text"]





# -- board --------------------------------------------------------------------------------------------
BOARD_NOW_SERVING = Text("Mời công dân có số", "Now serving")
BOARD_TO_COUNTER = Text("đến", "to")
BOARD_RECENT = Text("Số vừa gọi", "Recent calls")
BOARD_COUNTERS = Text("Các quầy", "Counters")
BOARD_WAITING = Text("Đang chờ", "Waiting")
BOARD_NOBODY_CALLED = Text("Chưa gọi số nào", "No number called yet")
BOARD_OFFLINE = Text("Mất kết nối – đang kết nối lại", "Offline – reconnecting")
BOARD_REFUSED = Text("Màn hình đang bảo trì – máy chủ từ chối mã thiết bị", "Out of service – device token refused")
BOARD_PAUSED = Text("Tạm dừng", "Paused")
BOARD_CLOSED = Text("Chưa mở", "Closed")
BOARD_FREE = Text("Đang chờ gọi", "Free")
BOARD_RECALL = Text("Gọi lại", "Recall")
BOARD_PEOPLE = Text("người", "people")
TEST_TICKET = Text("VÉ THỬ", "TEST")
"""Beside a test ticket's number (commissioning mode) on the board and the counter panel."""
BOOKED = Text("ĐẶT LỊCH", "BOOKED")
"""Beside a number booked ahead (đặt lịch hẹn) and checked in on time, on the board's calls."""

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
PANEL_WAITING_BOOKED = Text("Đang chờ: {n} ({booked} đặt lịch)", "Waiting: {n} ({booked} booked)")
PANEL_BOOKED = Text("Đặt lịch {slot}", "Booked for {slot}")
"""Under the current number when it was booked ahead and checked in on time (its slot's start)."""
PANEL_SERVED = Text("Đã phục vụ hôm nay: {n}", "Served today: {n}")
PANEL_NOBODY = Text("Không còn ai chờ", "Nobody is waiting")
PANEL_PAUSED = Text("Quầy đang tạm dừng", "The counter is paused")
PANEL_FAULTS = Text("Sự cố thiết bị", "Device faults")
PANEL_NO_FAULTS = Text("Thiết bị hoạt động bình thường", "All devices OK")
PANEL_DEVICE_STALE = Text("mất liên lạc {minutes} phút", "not seen for {minutes} min")
PANEL_DEVICE_STALE_HOURS = Text("mất liên lạc {hours} giờ", "not seen for {hours} h")
PANEL_OFFLINE = Text("Mất kết nối với máy chủ – đang thử lại", "Hub unreachable – retrying")
PANEL_REFUSED = Text("Mã thiết bị bị từ chối", "Device token refused")
PANEL_TOKEN_REFUSED = Text("Máy chủ từ chối mã thiết bị của quầy ({status}: {message}). Báo kỹ thuật viên sửa "
                           "[hub] token trong tệp cấu hình của quầy.",
                           "The hub refused this counter's device token ({status}: {message}). Ask a technician "
                           "to fix [hub] token in the counter's device file.")
PANEL_BUSY = Text("Đang xử lý…", "Working…")
PANEL_CALLED = Text("Đã gọi số {display}", "Called {display}")

PANEL_RECEIVE = Text("Tiếp nhận hồ sơ", "Receive dossier")

# -- receive a dossier (tiếp nhận hồ sơ) --------------------------------------------------------------
RECEIVE_TITLE = Text("Tiếp nhận hồ sơ", "Receive a dossier")
RECEIVE_TICKET = Text("Số đang phục vụ: {display}", "Serving number: {display}")
RECEIVE_NO_TICKET = Text("Không gắn với số thứ tự", "Not linked to a queue number")
RECEIVE_APPLICANT = Text("Người nộp hồ sơ", "Applicant")
RECEIVE_SCAN_HINT = Text("Quét mã QR trên thẻ căn cước (CCCD) hoặc nhập tay",
                         "Scan the QR code of the citizen ID card, or type")
RECEIVE_SCANNER_NONE = Text("Chưa cấu hình máy quét – nhập tay", "No scanner configured – type the fields")
RECEIVE_SCANNER_READY = Text("Máy quét sẵn sàng", "Scanner ready")
RECEIVE_SCANNER_DOWN = Text("Máy quét chưa kết nối: {detail}", "Scanner not connected: {detail}")
RECEIVE_SCANNED = Text("Đã đọc thẻ căn cước của {name}", "Read the ID card of {name}")
RECEIVE_SCAN_BAD = Text("Mã QR trên thẻ không hợp lệ: {reason}", "The card's QR code is invalid: {reason}")
RECEIVE_SCAN_NOT_CCCD = Text("Mã vừa quét không phải thẻ căn cước", "The scanned code is not a citizen ID card")
RECEIVE_ID = Text("Số CCCD", "ID number")
RECEIVE_NAME = Text("Họ và tên", "Full name")
RECEIVE_PHONE = Text("Điện thoại", "Phone")
RECEIVE_EMAIL = Text("Email", "Email")
RECEIVE_ADDRESS = Text("Địa chỉ", "Address")
RECEIVE_PROCEDURE = Text("Thủ tục", "Procedure")
RECEIVE_SEARCH = Text("Tìm thủ tục (gõ không dấu cũng được)", "Search procedures (diacritics optional)")
RECEIVE_CATALOG_LOADING = Text("Đang tải danh mục thủ tục…", "Loading the procedure catalog…")
RECEIVE_CATALOG_EMPTY = Text("Danh mục thủ tục trống – kiểm tra đồng bộ với máy chủ tỉnh",
                             "The procedure catalog is empty – check the sync with the province")
RECEIVE_CATALOG_FAILED = Text("Không tải được danh mục thủ tục: {detail}", "Could not load the catalog: {detail}")
RECEIVE_NO_MATCH = Text("Không tìm thấy thủ tục phù hợp", "No procedure matches")
RECEIVE_CHOSEN = Text("Thời hạn giải quyết: {duration} · Phí, lệ phí: {fee}", "Processing time: {duration} · Fee: {fee}")
RECEIVE_FEE_NONE = Text("không", "none")
RECEIVE_DOCUMENTS = Text("Thành phần hồ sơ đã nhận", "Documents received")
RECEIVE_DOCUMENTS_HINT = Text("Chọn thủ tục để hiện danh sách giấy tờ", "Pick a procedure to list its documents")
RECEIVE_ORIGINALS = Text("Bản chính", "Originals")
RECEIVE_COPIES = Text("Bản sao", "Copies")
RECEIVE_SETS = Text("Số bộ hồ sơ", "Number of sets")
RECEIVE_DELIVERY = Text("Nhận kết quả", "Result delivery")
RECEIVE_AT_CENTER = Text("Tại Trung tâm", "At the center")
RECEIVE_BY_POST = Text("Qua dịch vụ bưu chính công ích", "By public postal service")
RECEIVE_POST_ADDRESS = Text("Địa chỉ nhận kết quả", "Delivery address")
RECEIVE_NOTE = Text("Ghi chú", "Note")
RECEIVE_SUBMIT = Text("Tiếp nhận và in giấy hẹn", "Receive and print the slip")
RECEIVE_CANCEL = Text("Đóng", "Close")
RECEIVE_SENDING = Text("Đang gửi hồ sơ lên máy chủ…", "Sending the dossier to the hub…")
RECEIVE_HUB_DOWN = Text("Không kết nối được máy chủ: hồ sơ CHƯA được tiếp nhận. Thông tin đã nhập vẫn được giữ – "
                        "bấm “Tiếp nhận” để thử lại.",
                        "The hub cannot be reached: the dossier was NOT received. The form keeps its data – "
                        "press Receive to try again.")
RECEIVE_HUB_REFUSED = Text("Máy chủ không nhận hồ sơ: {message}", "The hub refused the dossier: {message}")
RECEIVE_CONFLICT = Text("Hồ sơ này đã được lưu trước khi sửa thông tin (lần gửi trước có thể đã tới máy chủ). "
                        "Bấm “Hồ sơ mới” rồi nhập lại nếu đây là một hồ sơ khác.",
                        "This dossier was stored before the form was edited (an earlier try may have reached the "
                        "hub). Press New dossier and re-enter it if this is a different dossier.")
RECEIVE_MISSING = Text("Còn thiếu: {fields}", "Missing: {fields}")
RECEIVE_BAD = Text("Chưa đúng: {fields}", "Not valid: {fields}")
RECEIVE_NEED_PROCEDURE = Text("thủ tục", "procedure")
RECEIVE_NEED_DOCUMENT = Text("ít nhất một giấy tờ", "at least one document")
RECEIVE_DONE = Text("Đã tiếp nhận hồ sơ", "Dossier received")
RECEIVE_CODE = Text("Mã hồ sơ", "Dossier code")
RECEIVE_LOOKUP_CODE = Text("Mã tra cứu: {code}", "Look-up code: {code}")
RECEIVE_PROVISIONAL = Text("MÃ TẠM – chờ máy chủ tỉnh cấp mã chính thức",
                           "PROVISIONAL – awaiting the official code from the province")
RECEIVE_RETURN_AT = Text("Hẹn trả kết quả", "Return time")
RECEIVE_RECEIVED_AT = Text("Tiếp nhận lúc", "Received at")
RECEIVE_PRINTING = Text("Đang in giấy hẹn…", "Printing the slip…")
RECEIVE_PRINTED = Text("Đã in {n} liên giấy hẹn (Lưu và Giao khách hàng)", "Printed {n} copies of the slip")
RECEIVE_PRINT_FAILED = Text("Chưa in được giấy hẹn: {reason}. Hồ sơ đã được lưu – sửa máy in rồi bấm “In lại”.",
                            "The slip did not print: {reason}. The dossier is stored – fix the printer, then Reprint.")
RECEIVE_NO_PRINTER = Text("Quầy chưa cấu hình máy in: không in giấy hẹn", "No printer configured: no slip printed")
RECEIVE_REPRINT = Text("In lại giấy hẹn", "Reprint the slip")
RECEIVE_NEW = Text("Hồ sơ mới", "New dossier")
RECEIVE_BACK = Text("Về màn hình quầy", "Back to the counter")
RECEIVE_NO_DUE = Text("—", "—")

DELIVERY_POST = Text("Dịch vụ bưu chính công ích, địa chỉ: {address}", "Public postal service, to: {address}")

# -- keypad bridge and LED ----------------------------------------------------------------------------
KEYPAD_UNPLUGGED = Text("Bàn phím gọi số bị ngắt kết nối ({port})", "Call keypad unplugged ({port})")
LED_UNPLUGGED = Text("Bảng LED số bị ngắt kết nối ({port})", "LED number display unplugged ({port})")

# -- announcer ----------------------------------------------------------------------------------------
NO_AUDIO = Text("Không phát được âm thanh: {detail}", "Cannot play audio: {detail}")

# -- command line -------------------------------------------------------------------------------------
CLI_CONFIG_ERROR = Text("Lỗi cấu hình: {detail}", "Configuration error: {detail}")

# -- sync health on the counter panel --------------------------------------------------------------------
SYNC_OK = Text("Đồng bộ với hệ thống của tỉnh: bình thường", "Sync with the province: up to date")
SYNC_DISABLED = Text("Chưa cấu hình đồng bộ với hệ thống của tỉnh", "Sync with the province is not configured")
SYNC_UNKNOWN = Text("Đồng bộ với hệ thống của tỉnh: chưa rõ (mất kết nối với máy chủ)",
                    "Sync with the province: unknown (hub unreachable)")
SYNC_BACKLOG = Text("Chờ đồng bộ: {n} bản ghi (lâu nhất {minutes} phút)", "Waiting to sync: {n} records (oldest {minutes} min)")
SYNC_DEAD = Text("{n} bản ghi bị từ chối", "{n} records rejected")

# -- fees at the counter (thu phí, lệ phí) ---------------------------------------------------------------
FEE_BOX_TITLE = Text("Phí, lệ phí: {amount}", "Fee: {amount}")
FEE_BOX_NONE = Text("Thủ tục này không thu phí", "This procedure has no fee")
FEE_UNPAID = Text("Chờ công dân nộp phí", "Waiting for the citizen to pay")
FEE_NO_ACCOUNT = Text("Chưa cấu hình tài khoản nhận: chỉ thu tiền mặt", "No receiving account configured: cash only")
FEE_SHOW_QR = Text("Hiện mã QR cho công dân", "Show the QR to the citizen")
FEE_CASH = Text("Đã thu tiền mặt", "Cash received")
FEE_TRANSFER = Text("Đã nhận chuyển khoản", "Transfer received")
FEE_REFERENCE = Text("Mã giao dịch ngân hàng (chuyển khoản)", "Bank reference (transfers)")
FEE_NEED_REFERENCE = Text("Nhập mã giao dịch ngân hàng của khoản chuyển", "Type the bank reference of the transfer")
FEE_CHECK = Text("Kiểm tra thanh toán", "Check the payment")
FEE_SAVING = Text("Đang ghi nhận thanh toán…", "Recording the payment…")
FEE_PAID = Text("Đã nộp phí: {method}, biên lai số {number}", "Fee paid: {method}, receipt no. {number}")
FEE_PAID_CENTRAL = Text("Ngân hàng đã xác nhận chuyển khoản qua hệ thống của tỉnh", "The province confirmed the transfer")
FEE_METHOD_CASH = Text("tiền mặt", "cash")
FEE_METHOD_TRANSFER = Text("chuyển khoản", "transfer")
FEE_RECEIPT_PRINTING = Text("Đang in biên lai…", "Printing the receipt…")
FEE_RECEIPT_PRINTED = Text("Đã in biên lai", "Receipt printed")
FEE_RECEIPT_FAILED = Text("Chưa in được biên lai: {reason}", "The receipt was not printed: {reason}")
FEE_RECEIPT_NO_PRINTER = Text("Quầy chưa cấu hình máy in: không in biên lai", "No printer configured: no receipt")
FEE_REPRINT = Text("In lại biên lai", "Reprint the receipt")
FEE_FAILED = Text("Chưa ghi nhận được: {message}", "Not recorded: {message}")
FEE_HUB_DOWN = Text("Không kết nối được máy chủ: thanh toán CHƯA được ghi nhận, thử lại",
                    "The hub cannot be reached: the payment is NOT recorded, try again")
CITIZEN_TITLE = Text("Nộp phí, lệ phí – {counter}", "Pay the fee – {counter}")
CITIZEN_HEADING = Text("PHÍ, LỆ PHÍ CẦN NỘP", "FEE TO PAY")
CITIZEN_SCAN = Text("Mở ứng dụng ngân hàng, quét mã VietQR để chuyển khoản", "Open your banking app and scan the VietQR")
CITIZEN_OR_CASH = Text("Hoặc nộp tiền mặt cho cán bộ tại quầy", "Or pay cash to the clerk")
CITIZEN_CASH_ONLY = Text("Vui lòng nộp tiền mặt cho cán bộ tại quầy", "Please pay cash to the clerk")
CITIZEN_ACCOUNT = Text("{bank} · Số tài khoản {account}", "{bank} · Account {account}")
CITIZEN_HOLDER = Text("Chủ tài khoản: {name}", "Account holder: {name}")
CITIZEN_NOTE = Text("Nội dung: {note}", "Note: {note}")
CITIZEN_PAID = Text("ĐÃ NỘP PHÍ – XIN CẢM ƠN", "PAID – THANK YOU")
CITIZEN_DOSSIER = Text("Hồ sơ {code}", "Dossier {code}")

# ---------------------------------------------------------------------------------- rating screen and box (issue 13)
RATE_TITLE = Text("Đánh giá mức độ hài lòng", "Rate our service")
RATE_WELCOME = Text("Xin kính chào Ông/Bà", "Welcome")
RATE_CLERK = Text("Cán bộ tiếp nhận: {name}", "Your clerk: {name}")
RATE_NO_CLERK = Text("Quầy chưa có cán bộ đăng nhập", "No clerk signed in")
RATE_QUESTION = Text("Ông/Bà có hài lòng với việc giải quyết thủ tục hành chính?",
                     "How satisfied are you with the service?")
RATE_TICKET = Text("Số {display}", "Number {display}")
RATE_REASONS = Text("Xin cho biết lý do (chạm để chọn)", "Please tell us why (touch to choose)")
RATE_SEND = Text("Gửi đánh giá", "Send")
RATE_THANKS = Text("Xin cảm ơn Ông/Bà đã đánh giá!", "Thank you for your rating!")
RATE_ALREADY = Text("Số này đã được đánh giá. Xin cảm ơn!", "This ticket has been rated. Thank you!")
RATE_OFFLINE = Text("Mất kết nối máy chủ: đánh giá được lưu và sẽ gửi sau ({n})",
                    "Hub unreachable: ratings are kept and will be sent ({n})")
RATE_PHOTO = Text("Ảnh", "Photo")
RATE_COUNTER = Text("Quầy {counter}", "Counter {counter}")
RATE_KEYPAD_UNPLUGGED = Text("Hộp đánh giá ở {port} bị ngắt kết nối", "The rating box on {port} is unplugged")
STAFF_CODE = Text("Mã cán bộ", "Staff code")
STAFF_PROMPT = Text("Nhập mã cán bộ và mã PIN, hoặc quẹt thẻ cán bộ", "Enter your staff code and PIN, or scan your staff card")
STAFF_WRONG = Text("Mã cán bộ hoặc mã PIN không đúng", "Wrong staff code or PIN")
STAFF_LOCKED = Text("Nhập sai quá nhiều lần, thử lại sau ít phút", "Too many wrong PINs: try again in a few minutes")
STAFF_OFFLINE = Text("Không kết nối được máy chủ trạm, chưa đăng nhập được", "The hub cannot be reached: not signed in")
# -- help requests from the kiosks (gọi cán bộ hỗ trợ, issue 17) -------------------------------------------
HELP_TITLE = Text("Công dân cần hỗ trợ", "A citizen needs help")
HELP_WAITING = Text("{device} cần hỗ trợ (từ {at})", "{device} needs help (since {at})")
HELP_ACK = Text("Đã nhận, tôi đến ngay", "Taken, on my way")
BOARD_NOTICE = Text("THÔNG BÁO", "NOTICE")
HELP_BOARD = Text("Cán bộ hỗ trợ xin mời đến: {devices}", "Staff wanted at: {devices}")
