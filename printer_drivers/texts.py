"""Every user-visible text of the printing package, Vietnamese first and English second.

Messages shown on screens and in the command line carry both languages; what is printed on paper is
Vietnamese (the English is kept beside it for the kiosk's English mode and for technicians).
"""
from __future__ import annotations

from motcua.text import Text

__all__ = ["Text"]




# -- errors and job results (shown to the person at the device and to technicians) -------------------
ERR_ADDRESS = Text("Địa chỉ máy in không hợp lệ: {detail}", "Invalid printer address: {detail}")
ERR_UNSUPPORTED_SCHEME = Text(
    "Không hỗ trợ loại địa chỉ '{scheme}' (dùng usb://, serial://, tcp://, file://, cups://, win32:// "
    "hoặc dummy:)",
    "Unsupported address scheme '{scheme}' (use usb://, serial://, tcp://, file://, cups://, win32:// "
    "or dummy:)")
ERR_MISSING_LIBRARY = Text("Thiếu thư viện {library} để dùng máy in {scheme}://",
                           "The {library} library is needed for {scheme}:// printers")
ERR_NOT_FOUND = Text("Không tìm thấy máy in ({address}). Kiểm tra cáp và nguồn điện.",
                     "Printer not found ({address}). Check the cable and the power.")
ERR_PERMISSION = Text("Không có quyền dùng máy in ({address}). Xem hướng dẫn quy tắc udev.",
                      "No permission to use the printer ({address}). See the udev rule in the README.")
ERR_CONNECT = Text("Không kết nối được máy in ({address}): {detail}",
                   "Cannot connect to the printer ({address}): {detail}")
ERR_TIMEOUT = Text("Máy in không phản hồi kịp ({address})", "The printer did not respond in time ({address})")
ERR_WRITE = Text("Gửi dữ liệu đến máy in thất bại ({address}): {detail}",
                 "Sending to the printer failed ({address}): {detail}")
ERR_NOT_OPEN = Text("Máy in chưa được mở kết nối", "The printer connection is not open")
ERR_PROFILE = Text("Không có cấu hình máy in '{name}'", "Unknown printer profile '{name}'")
ERR_PAPER_WIDTH = Text("Khổ giấy phải là 58 hoặc 80 mm, không phải '{value}'",
                       "Paper width must be 58 or 80 mm, not '{value}'")
ERR_LAYOUT = Text("Không thể dựng trang in: {detail}", "Cannot lay out the page: {detail}")

REASON_PAPER_OUT = Text("Máy in hết giấy", "The printer is out of paper")
REASON_PAPER_OUT_DURING = Text("Máy in hết giấy trong khi in", "The printer ran out of paper while printing")
REASON_COVER_OPEN = Text("Nắp máy in đang mở", "The printer cover is open")
REASON_OFFLINE = Text("Máy in đang ngoại tuyến (offline)", "The printer is offline")
REASON_ERROR = Text("Máy in báo lỗi (kẹt giấy, dao cắt hoặc quá nhiệt)",
                    "The printer reports an error (paper jam, cutter or overheating)")
REASON_NO_ANSWER = Text("Đã gửi, nhưng máy in không trả lời trạng thái: hãy kiểm tra phiếu đã ra chưa",
                        "Sent, but the printer did not answer the status query: check that it printed")
REASON_NOT_READABLE = Text("Đã gửi; kết nối này không đọc được trạng thái máy in",
                           "Sent; this connection cannot read the printer's status")
REASON_PAPER_LOW = Text("Giấy sắp hết, hãy thay cuộn giấy", "Paper is running low, replace the roll")

OUTCOME_PRINTED = Text("Đã in", "Printed")
OUTCOME_FAILED = Text("In thất bại", "Printing failed")
OUTCOME_UNKNOWN = Text("Không rõ đã in hay chưa", "Unknown whether it printed")

STATE_READY = Text("Sẵn sàng", "Ready")
STATE_PAPER_LOW = Text("Giấy sắp hết", "Paper low")
STATE_PAPER_OUT = Text("Hết giấy", "Paper out")
STATE_COVER_OPEN = Text("Nắp mở", "Cover open")
STATE_OFFLINE = Text("Ngoại tuyến", "Offline")
STATE_ERROR = Text("Lỗi máy in", "Printer error")
STATE_DISCONNECTED = Text("Chưa kết nối", "Not connected")
STATE_UNKNOWN = Text("Không rõ trạng thái", "Status unknown")

# -- the queue ticket (phiếu số thứ tự) --------------------------------------------------------------
TICKET_TITLE = Text("PHIẾU SỐ THỨ TỰ", "QUEUE NUMBER")
TICKET_PRIORITY = Text("ƯU TIÊN", "PRIORITY")
TICKET_TEST = Text("VÉ THỬ / TEST", "TEST TICKET")
"""Printed on a test ticket (commissioning mode): the number is not a place in any real queue."""
TICKET_ISSUED = Text("Giờ lấy số", "Issued at")
TICKET_AHEAD = Text("Trước bạn còn {ahead} người", "{ahead} people ahead of you")
TICKET_AHEAD_NONE = Text("Bạn là người tiếp theo", "You are next")
TICKET_WAIT = Text("Dự kiến chờ khoảng {minutes} phút", "Estimated wait: about {minutes} min")
TICKET_WAIT_HOURS = Text("Dự kiến chờ khoảng {hours} giờ {minutes} phút",
                         "Estimated wait: about {hours} h {minutes} min")
TICKET_SCAN = Text("Quét mã để theo dõi lượt", "Scan to follow your turn")

# -- the appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mẫu số 01) ---------------------
SLIP_DEPARTMENT = Text("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "RECEPTION AND RESULTS DESK")
SLIP_MOTTO_1 = Text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM")
SLIP_MOTTO_2 = Text("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness")
SLIP_PLACE_DATE = Text("{place}, {date}", "{place}, {date}")
"""{date}: motcua.formats.date_vi."""
SLIP_TITLE = Text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "RECEIPT OF DOSSIER AND APPOINTMENT")
SLIP_CODE = Text("Mã hồ sơ: {code}", "Dossier code: {code}")
SLIP_PROVISIONAL = Text("(mã tạm, chờ cấp mã chính thức)", "(provisional code, awaiting the official one)")
SLIP_COPY_ARCHIVE = Text("Liên: Lưu", "Copy: archive")
SLIP_COPY_CUSTOMER = Text("Liên: Giao khách hàng", "Copy: customer")
SLIP_RECEIVED_FROM = Text("{department} {center} tiếp nhận hồ sơ của: {name}",
                          "{department} {center} received the dossier of: {name}")
SLIP_ADDRESS = Text("Địa chỉ: {value}", "Address: {value}")
SLIP_PHONE = Text("Số điện thoại: {value}", "Phone: {value}")
SLIP_EMAIL = Text("Email: {value}", "Email: {value}")
SLIP_REQUEST = Text("Nội dung yêu cầu giải quyết: {value}", "Request: {value}")
SLIP_DOCUMENTS = Text("1. Thành phần hồ sơ nộp gồm:", "1. Documents submitted:")
SLIP_DOCUMENT_ITEM = Text("{index}) {name}: {count:02d} {kind}", "{index}) {name}: {count:02d} {kind}")
SLIP_ORIGINAL = Text("bản chính", "original(s)")
SLIP_COPY = Text("bản sao", "copy/copies")
SLIP_SETS = Text("2. Số lượng hồ sơ: {sets:02d} (bộ)", "2. Number of dossiers: {sets:02d} (set)")
SLIP_DURATION = Text("3. Thời gian giải quyết hồ sơ theo quy định là: {duration}",
                     "3. Statutory processing time: {duration}")
SLIP_RECEIVED_AT = Text("4. Thời gian nhận hồ sơ: {when}", "4. Received at: {when}")
SLIP_RETURN_AT = Text("5. Thời gian trả kết quả giải quyết hồ sơ: {when}", "5. Results returned at: {when}")
SLIP_DELIVERY = Text("6. Đăng ký nhận kết quả tại: {value}", "6. Results delivered at: {value}")
SLIP_LEDGER = Text("Vào Sổ theo dõi hồ sơ, Quyển số: {book} Số thứ tự: {entry}",
                   "Entered in the dossier ledger, book {book}, entry {entry}")
SLIP_LOOKUP_CODE = Text("Mã tra cứu: {code}", "Lookup code: {code}")
SLIP_SCAN = Text("Quét mã để tra cứu tình trạng hồ sơ", "Scan to look up the dossier's status")
SLIP_SIGN_APPLICANT = Text("NGƯỜI NỘP HỒ SƠ", "APPLICANT")
SLIP_SIGN_RECEIVER = Text("NGƯỜI TIẾP NHẬN HỒ SƠ", "RECEIVING OFFICER")
SLIP_SIGN_HINT = Text("(Ký và ghi rõ họ tên)", "(Signature and full name)")
SLIP_WHEN_BLANK = Text("… giờ … phút, ngày … tháng … năm …", "… h … min, day … month … year …")
SLIP_BY_POST = Text("Dịch vụ bưu chính công ích, địa chỉ: {address}", "Public postal service, address: {address}")

# -- the technician test page (trang in thử) -----------------------------------------------------------
TEST_TITLE = Text("TRANG IN THỬ MÁY IN", "PRINTER TEST PAGE")
TEST_VOWELS = Text("Nguyên âm tiếng Việt với đủ dấu thanh:", "Vietnamese vowels with every tone mark:")
TEST_SAMPLE = Text("Đường Lý Thái Tổ, phường Suối Hoa, tỉnh Bắc Ninh — Đ đ",
                   "Street name sample with Đ đ")
TEST_ADDRESS = Text("Địa chỉ máy in", "Printer address")
TEST_PROFILE = Text("Cấu hình (profile)", "Profile")
TEST_PAPER = Text("Khổ giấy", "Paper width")
TEST_QR = Text("Mã QR (phải quét được):", "QR code (must scan):")
TEST_BARCODE = Text("Mã vạch CODE128:", "CODE128 barcode:")
TEST_DARKNESS = Text("Độ đậm (mỗi ô 25%, 50%, 75%, 100%):", "Darkness (25%, 50%, 75%, 100%):")
TEST_ALIGNMENT = Text("Căn lề: các vạch phải chạm hai mép giấy", "Alignment: the ticks must reach both edges")
TEST_END = Text("— Hết trang in thử —", "— End of test page —")

# -- the command line ----------------------------------------------------------------------------------
CLI_RESULT = Text("{outcome}: {reason}", "{outcome}: {reason}")
CLI_PREVIEW_SAVED = Text("Đã lưu ảnh xem trước: {path}", "Preview saved: {path}")
CLI_STATUS = Text("Trạng thái máy in: {state}", "Printer status: {state}")

# -- fees: the slip's fee block and the receipt (biên lai thu phí, lệ phí) --------------------------------
FEE_TITLE = Text("PHÍ, LỆ PHÍ: {amount}", "FEE: {amount}")
FEE_WORDS = Text("(Bằng chữ: {words})", "(In words: {words})")
FEE_SCAN = Text("Quét mã bằng ứng dụng ngân hàng để nộp phí", "Scan with a banking app to pay the fee")
FEE_ACCOUNT = Text("Tài khoản: {account} – {bank}", "Account: {account} – {bank}")
FEE_HOLDER = Text("Chủ tài khoản: {name}", "Account holder: {name}")
FEE_NOTE = Text("Nội dung chuyển khoản: {note}", "Transfer note: {note}")
FEE_AT_COUNTER = Text("Nộp phí tại quầy thu phí của Trung tâm", "Pay the fee at the center's fee counter")
FEE_PAID = Text("Đã nộp phí ({method}), biên lai số {number}", "Fee paid ({method}), receipt no. {number}")
RECEIPT_TITLE = Text("BIÊN LAI THU PHÍ, LỆ PHÍ", "RECEIPT FOR FEES AND CHARGES")
RECEIPT_PROVISIONAL = Text("(Biên lai tạm – có giá trị đến khi có biên lai điện tử)",
                           "(Provisional – valid until the electronic receipt is issued)")
RECEIPT_AGENCY = Text("Đơn vị thu: {agency}", "Collecting agency: {agency}")
RECEIPT_TAX_CODE = Text("Mã số thuế: {code}", "Tax code: {code}")
RECEIPT_FORM = Text("Mẫu số: {form}", "Form: {form}")
RECEIPT_SERIES = Text("Ký hiệu: {series}", "Series: {series}")
RECEIPT_NUMBER = Text("Số: {number}", "No.: {number}")
RECEIPT_PAYER = Text("Tên người nộp: {name}", "Payer: {name}")
RECEIPT_ADDRESS = Text("Địa chỉ: {address}", "Address: {address}")
RECEIPT_DOSSIER = Text("Mã hồ sơ: {code}", "Dossier code: {code}")
RECEIPT_ITEM = Text("Nội dung thu: Phí, lệ phí giải quyết thủ tục {procedure}",
                    "For: the fee of the procedure {procedure}")
RECEIPT_AMOUNT = Text("Số tiền: {amount}", "Amount: {amount}")
RECEIPT_WORDS = Text("Bằng chữ: {words}", "In words: {words}")
RECEIPT_METHOD = Text("Hình thức thanh toán: {method}", "Paid by: {method}")
RECEIPT_CASH = Text("Tiền mặt", "Cash")
RECEIPT_TRANSFER = Text("Chuyển khoản", "Bank transfer")
RECEIPT_REFERENCE = Text("Mã giao dịch ngân hàng: {reference}", "Bank reference: {reference}")
RECEIPT_TO_ACCOUNT = Text("Tài khoản nhận: {account}", "Received on account: {account}")
RECEIPT_CONFIRMED = Text("(Ngân hàng đã xác nhận qua hệ thống của tỉnh)", "(Confirmed by the bank through the province)")
RECEIPT_QR_PAID = Text("ĐÃ NỘP – mã để đối chiếu, không chuyển khoản lại",
                       "PAID – a code to match the transfer, do not pay again")
RECEIPT_COPY_ARCHIVE = Text("Liên 1: Lưu", "Copy 1: archive")
RECEIPT_COPY_CUSTOMER = Text("Liên 2: Giao người nộp tiền", "Copy 2: for the payer")
RECEIPT_SIGN_PAYER = Text("NGƯỜI NỘP TIỀN", "PAYER")
RECEIPT_SIGN_COLLECTOR = Text("NGƯỜI THU TIỀN", "COLLECTOR")
RECEIPT_BLANK = Text("…", "…")
