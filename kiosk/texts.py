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

    def both(self, **kw: object) -> str:
        """Vietnamese with English below: how the kiosk says that something went wrong."""
        return f"{self.vi.format(**kw)}\n{self.en.format(**kw)}"


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
SERVICE_PAUSED = T("Tạm dừng cấp số", "Paused")
"""A service the manager paused from the console (its button, greyed)."""
SERVICE_PAUSED_LONG = T("Lĩnh vực này đang tạm dừng cấp số. Xin quý khách hỏi cán bộ hướng dẫn.",
                        "Issuing for this service is paused. Please ask the staff at the help desk.")
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
ERROR_TRY_AGAIN = T("Vui lòng thử lại hoặc liên hệ cán bộ hướng dẫn.", "Please try again or ask the staff for help.")
OUT_OF_SERVICE_TITLE = T("Ki-ốt đang bảo trì", "This kiosk is out of service")
OUT_OF_SERVICE_BODY = T("Xin lỗi quý khách vì sự bất tiện. Vui lòng lấy số tại ki-ốt khác hoặc liên hệ cán bộ "
                        "hướng dẫn.", "We are sorry. Please use another kiosk or ask the staff for help.")
# What a citizen is told about the printer: never the driver's text, which names the address and the error.
PRINTER_PAPER_OUT = T("Máy in hết giấy", "The printer is out of paper")
PRINTER_COVER_OPEN = T("Nắp máy in đang mở", "The printer cover is open")
PRINTER_NOT_WORKING = T("Máy in đang không hoạt động", "The printer is not working")
PRINTER_UNSURE = T("Phiếu có thể chưa được in ra", "The ticket may not have been printed")
PRINTER_FAULTS = {"paper_out": PRINTER_PAPER_OUT, "cover_open": PRINTER_COVER_OPEN,
                  "printer_offline": PRINTER_NOT_WORKING, "printer_unknown": PRINTER_UNSURE}
"""The hub's device-fault kinds (motcua.contract.FaultKind, from motcua.contract.print_fault) -> what the citizen reads."""
PIN_TITLE = T("Nhập mã kỹ thuật viên", "Technician PIN")
PIN_WRONG = T("Mã không đúng", "Wrong PIN")
PIN_EXIT = T("Thoát ki-ốt", "Exit kiosk")
PIN_CLEAR = T("Xóa", "Clear")
# -- the technician page (behind the PIN): exact causes, addresses allowed; never the token ----------------
TECH_TITLE = T("Thông tin kỹ thuật", "Technician view")
TECH_HUB = T("Máy chủ", "Hub")
TECH_HUB_OK = T("Kết nối bình thường, mã thiết bị hợp lệ.", "Connected; the device token is accepted.")
TECH_HUB_DOWN = T("Không kết nối được: {detail}", "Unreachable: {detail}")
TECH_TOKEN_REFUSED = T("Máy chủ từ chối mã thiết bị của ki-ốt ({status}: {message}). Sửa [hub] token trong tệp "
                       "cấu hình ki-ốt (mã vai trò kiosk: motcua token create --role kiosk), rồi khởi động lại ki-ốt.",
                       "The hub refused this kiosk's device token ({status}: {message}). Fix [hub] token in the "
                       "kiosk's device file (a kiosk-role token: motcua token create --role kiosk), then restart.")
TECH_PRINTER = T("Máy in", "Printer")
TECH_PRINTER_STATE = T("Trạng thái: {state}", "State: {state}")
TECH_CHECKING = T("Đang kiểm tra…", "Checking…")

# -- dossiers: catalog, self-submission, look-up ---------------------------------------------------------
BTN_CATALOG = T("Tra cứu thủ tục", "Find a procedure")
BTN_SUBMIT = T("Nộp hồ sơ", "Submit a dossier")
BTN_LOOKUP = T("Tra cứu hồ sơ", "Check a dossier")
CATALOG_TITLE = T("Tra cứu thủ tục: chọn lĩnh vực hoặc gõ vài chữ (có dấu hay không đều được)",
                  "Find a procedure: pick a field or type a few words")
SUBMIT_PICK = T("Nộp hồ sơ: chọn lĩnh vực hoặc gõ tên thủ tục", "Submit a dossier: pick a field or type the procedure")
CATALOG_HINT = T("Trung tâm này không có thủ tục nào như vậy. Thử gõ ít chữ hơn, ví dụ \"khai sinh\", "
                 "hoặc hỏi cán bộ hướng dẫn.",
                 "No procedure of this center matches. Try fewer words, or ask at the help desk.")
"""The catalog lists the procedures of this center's services only (a district center offers part of them)."""
CATALOG_OFFLINE = T("Chưa tải được danh mục thủ tục (mất kết nối).", "The catalog could not be loaded (offline).")
PROCESSING = T("Thời gian giải quyết", "Processing time")
FEE = T("Lệ phí: {fee}", "Fee: {fee}")
"""{fee}: motcua.formats.fee_text ("8.000 đ (note)")."""
FEE_NONE = T("Không mất lệ phí", "No fee")
DOCS_NEEDED = T("Thành phần hồ sơ:", "Documents needed:")
SUBMIT_HERE = T("Nộp hồ sơ tại ki-ốt", "Submit here")
TICKET_FOR_THIS = T("Lấy số để nộp tại quầy", "Take a number for the counter")
ID_TITLE = T("Đưa mã QR trên thẻ căn cước vào camera", "Hold your citizen ID card's QR code to the camera")
ID_BODY = T("Thông tin trên thẻ sẽ được điền tự động.", "The card's details will be filled in for you.")
ID_NO_CAMERA = T("Ki-ốt này không có camera: vui lòng nhập thông tin.", "This kiosk has no camera: please type.")
ID_TYPE = T("Không có thẻ? Nhập số căn cước", "No card? Type your ID number")
ID_BAD = T("Không đọc được thẻ này. Vui lòng thử lại hoặc nhập tay.", "This card could not be read. Try again or type.")
SKIP = T("Bỏ qua", "Skip")
NEXT = T("Tiếp tục", "Next")
ASK_NAME = T("Họ và tên người nộp hồ sơ", "Full name of the applicant")
ASK_ID = T("Số căn cước (12 chữ số)", "Citizen ID number (12 digits)")
ASK_PHONE = T("Số điện thoại để nhận thông báo", "Phone number for notifications")
ASK_EMAIL = T("Email (không bắt buộc)", "Email (optional)")
ASK_ADDRESS = T("Địa chỉ nhận kết quả qua bưu điện", "Postal address for the result")
TELEX_HINT = T("Gõ kiểu Telex: aa=â, ow=ơ, dd=đ, s=sắc, f=huyền, r=hỏi, x=ngã, j=nặng (Nguyeenx → Nguyễn)",
               "Telex typing: aa=â, ow=ơ, dd=đ, s f r x j = tones")
ASK_NAME_BAD = T("Vui lòng nhập họ và tên.", "Please type the full name.")
ASK_ID_BAD = T("Số căn cước gồm đúng 12 chữ số.", "The ID number has exactly 12 digits.")
ASK_PHONE_BAD = T("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.", "A phone number has 10 digits starting with 0.")
ASK_EMAIL_BAD = T("Địa chỉ email chưa đúng.", "That email address is not valid.")
ASK_ADDRESS_BAD = T("Vui lòng nhập địa chỉ đầy đủ.", "Please type the full address.")
DOC_TITLE = T("Chụp giấy tờ {i}/{n}: đặt giấy tờ dưới camera", "Document {i} of {n}: place it under the camera")
DOC_CAPTURE = T("Chụp ảnh", "Take the photo")
DOC_ACCEPT = T("Dùng ảnh này", "Use this photo")
DOC_RETAKE = T("Chụp lại", "Retake")
DOC_SKIP = T("Không có giấy tờ này / nộp bản giấy tại quầy", "I don't have it / I'll bring the paper")
DOC_WORKING = T("Đang chụp…", "Taking the photo…")
DOC_NO_FRAME = T("Camera chưa sẵn sàng, vui lòng thử lại.", "The camera is not ready, please try again.")
DOC_NO_PAGE = T("Không thấy rõ mép giấy; có thể chụp lại cho thẳng.", "The page edges are unclear; you may retake it.")
DOC_NO_CAMERA = T("Ki-ốt này không có camera: vui lòng nộp bản giấy tại quầy.", "No camera: bring the paper.")
DELIVERY_TITLE = T("Quý khách muốn nhận kết quả ở đâu?", "Where would you like to receive the result?")
DELIVERY_CENTER = T("Nhận tại Trung tâm", "At the center")
DELIVERY_POST = T("Qua bưu điện (bưu chính công ích)", "By post")
REVIEW_TITLE = T("Kiểm tra lại trước khi gửi", "Check before sending")
REVIEW_BODY = T("Thủ tục: {procedure}\nNgười nộp: {name}\nSố căn cước: {id}\nĐiện thoại: {phone}\nEmail: {email}\n"
                "Số trang giấy tờ đã chụp: {pages}\nNhận kết quả: {delivery}",
                "Procedure: {procedure}\nApplicant: {name}\nID number: {id}\nPhone: {phone}\nEmail: {email}\n"
                "Pages photographed: {pages}\nResult: {delivery}")
SEND = T("Gửi hồ sơ", "Send the dossier")
SENDING = T("Đang gửi hồ sơ…", "Sending…")
SEND_HUB_DOWN = T("Hệ thống tạm thời gián đoạn — hồ sơ chưa được gửi. Vui lòng thử lại sau ít phút.",
                  "The system is unavailable — nothing was sent. Please try again in a few minutes.")
SEND_FAILED = T("Chưa gửi được hồ sơ.", "The dossier could not be sent.")
SUBMITTED_TITLE = T("Đã tiếp nhận hồ sơ", "Your dossier has been received")
PROVISIONAL = T("Mã tạm — mã chính thức sẽ được cấp khi kết nối với hệ thống của tỉnh; tra cứu bằng mã QR vẫn dùng được.",
                "Provisional code — the official code follows when the province's system is reached; the QR works either way.")
DUE = T("Hẹn trả kết quả: {when}", "Result due: {when}")
SLIP_PRINTED = T("Mời nhận giấy hẹn bên dưới.", "Please take your appointment slip below.")
SLIP_NOT_PRINTED = T("Máy in gặp sự cố ({reason}): vui lòng chụp ảnh màn hình này.",
                     "The printer has a problem ({reason}): please photograph this screen.")
LOOKUP_TITLE = T("Tra cứu tình trạng hồ sơ", "Check a dossier's status")
LOOKUP_HINT = T("Đưa mã QR trên giấy hẹn vào camera, hoặc gõ mã hồ sơ.", "Show the slip's QR code, or type the code.")
LOOKUP_HINT_TYPE = T("Gõ mã hồ sơ in trên giấy hẹn.", "Type the dossier code printed on the slip.")
LOOKUP_GO = T("Tra cứu", "Look up")
LOOKUP_SHORT = T("Mã hồ sơ chưa đủ.", "The code is too short.")
LOOKUP_WORKING = T("Đang tra cứu…", "Looking up…")
LOOKUP_NOT_FOUND = T("Không tìm thấy hồ sơ với mã này.", "No dossier has this code.")
LOOKUP_WRONG = T("Mã hồ sơ hoặc mã tra cứu không đúng.", "The dossier code or the look-up code is wrong.")
LOOKUP_BUSY = T("Đã tra cứu quá nhiều lần, xin thử lại sau ít phút.", "Too many look-ups: please try again in a few minutes.")
LOOKUP_CODE_TITLE = T("Nhập mã tra cứu", "Enter the look-up code")
LOOKUP_CODE_HINT = T("Mã tra cứu gồm 6 ký tự, in trên giấy hẹn cạnh mã hồ sơ {code}.",
                     "The 6-character look-up code is printed on the slip beside the dossier code {code}.")
LOOKUP_CODE_SHORT = T("Mã tra cứu gồm 6 ký tự.", "The look-up code has 6 characters.")
SUBMITTED_LOOKUP_CODE = T("Mã tra cứu: {code}", "Look-up code: {code}")
LOOKUP_OFFLINE_NONE = T("Mất kết nối và chưa có thông tin lưu sẵn về hồ sơ này.",
                        "Offline, and nothing is known yet about this dossier.")
LOOKUP_OFFLINE_AGE = T("Mất kết nối: thông tin này được cập nhật cách đây {minutes} phút.",
                       "Offline: this is what was known {minutes} min ago.")
ST_SUBMITTED = T("Đã nộp tại trung tâm", "Submitted at the center")
ST_RECEIVED = T("Đã tiếp nhận", "Received")
ST_PROCESSING = T("Đang giải quyết", "Being processed")
ST_SUPPLEMENT = T("Cần bổ sung hồ sơ", "More documents needed")
ST_DONE = T("Đã có kết quả", "Result ready")
ST_RETURNED = T("Đã trả kết quả", "Result returned")
MORE_RESULTS = T("Xem thêm (trang {page}/{pages})", "More (page {page} of {pages})")

# -- the fee of a self-submitted dossier (phí, lệ phí) -----------------------------------------------------
FEE_TITLE = T("Phí, lệ phí: {amount}", "Fee: {amount}")
FEE_SCAN = T("Quét mã VietQR bằng ứng dụng ngân hàng để nộp phí, hoặc nộp tại quầy thu phí.",
             "Scan the VietQR with a banking app to pay, or pay at the fee counter.")
FEE_ACCOUNT = T("{bank} · Số tài khoản {account}", "{bank} · Account {account}")
FEE_NOTE = T("Nội dung chuyển khoản: {note}", "Transfer note: {note}")
FEE_AT_COUNTER = T("Vui lòng nộp phí tại quầy thu phí của Trung tâm.", "Please pay the fee at the center's fee counter.")
FEE_PAID = T("Đã nộp phí. Xin cảm ơn!", "The fee is paid. Thank you!")

# -- the declaration form (tờ khai điện tử, issue 17) ----------------------------------------------------
FORM_TITLE = T("Tờ khai: {title}", "Declaration: {title}")
FORM_PAGE = T("Trang {page}/{pages}", "Page {page} of {pages}")
FORM_INTRO = T("Các mục đã điền sẵn từ thẻ căn cước. Chạm vào một mục để sửa hoặc điền.",
               "Items are filled from your ID card. Touch an item to change or fill it.")
FORM_INTRO_TYPED = T("Chạm vào một mục để điền.", "Touch an item to fill it.")
FORM_MISSING = T("Còn {n} mục cần điền hoặc sửa (màu đỏ).", "{n} items to fill in or correct (in red).")
FORM_EMPTY = T("— chưa điền —", "— not filled —")
FORM_OPTIONAL = T("(không bắt buộc)", "(optional)")
FORM_PREV = T("◀ Trang trước", "◀ Previous")
FORM_NEXT_PAGE = T("Trang sau ▶", "Next ▶")
FORM_CONTINUE = T("Tiếp tục", "Continue")
FORM_SAVE = T("Lưu", "Save")
FORM_CLEAR = T("Xóa", "Clear")
FORM_DAY = T("Ngày", "Day")
FORM_MONTH = T("Tháng", "Month")
FORM_YEAR = T("Năm", "Year")
FORM_PICK_PROVINCE = T("Chọn tỉnh/thành phố:", "Choose the province or city:")
FORM_PICK_WARD = T("{province}: gõ tên xã/phường (không cần dấu) rồi chọn:",
                   "{province}: type the commune/ward (no accents needed), then choose:")
FORM_OTHER_PROVINCE = T("Tỉnh khác", "Another province")
FORM_NO_FORM = T("Tờ khai của thủ tục này chưa dùng được trên ki-ốt: vui lòng nộp bản giấy.",
                 "This procedure's form cannot be filled here yet: please bring the paper form.")
REVIEW_FORM = T("Tờ khai đã điền (bản in A4):", "Your declaration (A4 page):")
REVIEW_PAGES = T("Các trang đã chụp:", "Pages photographed:")
A4_PRINTED = T("Mời nhận tờ khai (khổ A4) ở máy in bên cạnh và ký tên.",
               "Please take your declaration (A4) from the printer beside you and sign it.")
A4_NOT_PRINTED = T("Chưa in được tờ khai: {reason} Cán bộ sẽ in giúp quý khách tại quầy.",
                   "The declaration was not printed: {reason} Staff will print it for you at the counter.")
HELP_BUTTON = T("Gọi cán bộ hỗ trợ", "Call staff")
HELP_CALLED = T("Đã gọi cán bộ, xin chờ", "Staff called, please wait")
HELP_TAKEN = T("Cán bộ đang đến", "Staff on the way")
HELP_FAILED = T("Chưa gọi được, chạm lại", "Not sent, touch again")
FORM_ON_KIOSK = T("Tờ khai của thủ tục này được điền ngay trên ki-ốt: thông tin trên thẻ căn cước được điền sẵn.",
                  "This procedure's form is filled in here: what your ID card says is filled in for you.")
FORM_PRINT_BLANK = T("In tờ khai trống (khổ A4)", "Print the blank form (A4)")
FORM_PRINTING = T("Đang in…", "Printing…")
FORM_BLANK_PRINTED = T("Mời nhận tờ khai trống ở máy in bên cạnh.", "Please take the blank form from the printer beside you.")
CARD_GUIDE = T("Mặt trước của thẻ hướng lên, mã QR (góc trên bên phải) trong khung vàng; giữ yên một chút.",
               "Card face up, its QR code (top right) inside the yellow frame; hold it still a moment.")
STEP = T("Bước {i}/{n}: {name}", "Step {i} of {n}: {name}")
STEP_NAMES = {"id": T("Người nộp", "Who is submitting"), "form": T("Tờ khai", "Declaration form"),
              "contact": T("Liên hệ", "Contact"), "docs": T("Giấy tờ", "Documents"),
              "delivery": T("Nhận kết quả", "Receiving the result"), "review": T("Kiểm tra và gửi", "Check and send")}
# -- appointments booked ahead (đặt lịch hẹn) ------------------------------------------------------------
BOOKING_BUTTON = T("Tôi đã đặt lịch", "I have an appointment")
BOOKING_TITLE = T("Quý khách đã đặt lịch hẹn", "You booked an appointment")
BOOKING_HINT = T("Đưa mã QR đặt lịch hoặc thẻ CCCD vào máy quét, hoặc nhập mã đặt lịch (8 chữ số):",
                 "Show the booking QR or your citizen ID card to the scanner, or type the booking code (8 digits):")
BOOKING_CONFIRM = T("Lấy số theo lịch hẹn", "Get my number")
BOOKING_WORKING = T("Đang tìm lịch hẹn…", "Finding your booking…")
BOOKING_CODE_SHORT = T("Mã đặt lịch gồm 8 chữ số.", "The booking code has 8 digits.")
BOOKING_NOT_FOUND = T("Không tìm thấy lịch hẹn hôm nay với mã này. Xin kiểm tra lại, hoặc lấy số thường.",
                      "No booking for today has this code. Please check it, or take a normal number.")
BOOKING_NOT_FOUND_CARD = T("Không tìm thấy lịch hẹn hôm nay với thẻ CCCD này. Xin thử mã đặt lịch, hoặc lấy số thường.",
                           "No booking for today was made with this ID card. Try the booking code, or take a normal "
                           "number.")
BOOKING_NOT_QR = T("Mã QR này không phải mã đặt lịch.", "This QR code is not a booking.")
BOOKING_CANCELLED = T("Lịch hẹn này đã bị hủy. Mời quý khách lấy số thường.",
                      "This booking was cancelled. Please take a normal number.")
BOOKING_OTHER_DAY = T("Lịch hẹn này không phải hôm nay. Mời quý khách quay lại đúng ngày hẹn, hoặc lấy số thường.",
                      "This booking is for another day. Please come back on that day, or take a normal number.")
BOOKING_PAUSED = T("Dịch vụ đang tạm dừng cấp số. Lịch hẹn của bạn vẫn được giữ, xin hỏi cán bộ hướng dẫn.",
                   "Issuing for this service is paused. Your booking is kept; please ask the staff.")
BOOKING_OFFLINE = T("Chưa kiểm tra được lịch hẹn. Xin thử lại trong giây lát.",
                    "The booking could not be checked. Please try again in a moment.")
BOOKING_ON_TIME = T("Đã đặt lịch lúc {slot}: quý khách được ưu tiên gọi từ giờ hẹn.",
                    "Booked for {slot}: you are called ahead from your booked time.")
BOOKING_EARLY = T("Quý khách đến sớm hơn giờ hẹn {slot} (chỉ nhận từ {start}), nên đây là số thường. Xin cảm ơn!",
                  "You came before your {slot} booking (honoured from {start}), so this is a normal number. Thank you!")
BOOKING_LATE = T("Quý khách đến sau giờ hẹn {slot} (chỉ nhận đến {end}), nên đây là số thường. Xin cảm ơn!",
                 "You came after your {slot} booking (honoured until {end}), so this is a normal number. Thank you!")
BOOKING_AGAIN = T("Lịch hẹn này đã được lấy số: {display}.", "This booking already has its number: {display}.")

# -- notices by phone (thông báo) ------------------------------------------------------------------------
NOTIFY_BUTTON = T("Nhắn tin báo khi sắp đến lượt", "Text me when my turn is near")
NOTIFY_TITLE = T("Nhận tin báo lượt qua điện thoại", "Get a text when your turn is near")
NOTIFY_CONSENT = T("Tôi đồng ý để Trung tâm dùng số điện thoại này chỉ để báo lượt gọi; số được xóa khi hết ngày.",
                   "I agree that the center uses this number only to tell me my turn; it is erased at the day's end.")
NOTIFY_AGREE = T("Đồng ý và đăng ký", "I agree — sign me up")
NOTIFY_BAD_PHONE = T("Số điện thoại gồm 10 chữ số.", "A phone number has 10 digits.")
NOTIFY_DONE = T("Đã đăng ký. Quý khách sẽ nhận tin khi còn 3 người và khi được gọi.",
                "Done. You will get a text when 3 people are ahead of you and when you are called.")
NOTIFY_FAILED = T("Chưa đăng ký được, xin thử lại hoặc chú ý màn hình gọi số.",
                  "That did not work: please try again, or watch the screens.")


def refusal(code: str | None) -> T:
    """What the kiosk says when the hub issues no number (the hub's own message is for the log)."""
    if code == "closed":
        return CLOSED_NOW
    if code in ("quota_reached", "numbers_exhausted"):
        return QUOTA_REACHED
    return SERVICE_PAUSED_LONG if code == "service_paused" else ERROR_TRY_AGAIN


# -- the live camera picture and the photographed pages (issue 17) --------------------------------------
LIVE_STARTING = T("Đang mở camera…", "Starting the camera…")
LIVE_NO_PICTURE = T("Camera chưa có hình. Xin chờ hoặc gọi cán bộ.", "No picture from the camera. Wait or call staff.")
LIVE_TOO_DARK = T("Ảnh tối quá: đặt giấy tờ chỗ sáng hơn", "Too dark: move it into the light")
LIVE_PLACE = T("Đặt giấy tờ vào trong khung vàng", "Place the page inside the yellow frame")
LIVE_CLOSER = T("Đưa gần hơn, cho vừa khung vàng", "Move closer, to fill the yellow frame")
LIVE_HOLD_STILL = T("Giữ yên", "Hold still")
LIVE_BLURRY = T("Ảnh bị mờ: giữ yên, đưa xa hơn một chút", "Blurred: hold still, a little further away")
LIVE_READY = T("Giữ yên, đang chụp…", "Hold still, taking the photo…")
LIVE_TAKEN = T("Đã chụp trang này: đặt trang tiếp theo", "Taken: lay the next page")
LIVE_CARD_UNREAD = T("Chưa đọc được mã QR: đưa thẻ gần hơn, mã QR trong khung", "QR not read: bring the card closer")
LIVE_CAPTURE = T("Chụp ngay", "Take it now")
PAGES_TITLE = T("Các trang đã chụp — chạm vào trang để chụp lại hoặc xoá:",
                "Pages taken — touch a page to retake or delete it:")
PAGES_HOWTO = T("Đặt từng trang vào khung vàng, mặt chữ lên trên. Ki-ốt tự chụp khi ảnh yên và rõ; các trang đã "
                "chụp hiện ở đây để xem lại, chụp lại hoặc xoá.",
                "Lay each page in the yellow frame, text up. The kiosk takes it when the picture is still and sharp; "
                "the pages taken show here to check, retake or delete.")
PAGE_TAKEN = T("Đã chụp trang {n}. Còn trang nữa thì đặt tiếp; xong thì bấm \"Tiếp tục\".",
               "Page {n} taken. Lay the next page, or press \"Next\" when done.")
PAGE_NEXT_DOC = T("Tiếp tục", "Next")
PAGE_VIEW_TITLE = T("Trang {i}/{n}: {document}", "Page {i} of {n}: {document}")
PAGE_RETAKE = T("Chụp lại", "Retake")
PAGE_DELETE = T("Xoá", "Delete")
PAGE_KEEP = T("Giữ trang này", "Keep this page")
PAGE_RETAKING = T("Chụp lại trang {i}: đặt trang vào khung vàng", "Retaking page {i}: place it in the yellow frame")
PAGE_DELETED = T("Đã xoá trang.", "Page deleted.")

# -- voice prompts, "are you still there?", guidance sheets (issue 17) -----------------------------------
# Spoken in Vietnamese (the prompts' {placeholders} are filled with words, never digits: kiosk.voice reads
# numbers with motcua.speech). Nothing personal is ever spoken: no name, number, address or dossier code.
SAY_STEP = T("Bước {i}, trong {n} bước. ", "Step {i} of {n}. ")
SAY_CHOOSE = T("Mời chọn thủ tục: chạm vào lĩnh vực hoặc gõ vài chữ của tên thủ tục.",
               "Choose a procedure: touch a field or type a few letters of its name.")
SAY_CARD = T("Mời đặt thẻ căn cước dưới máy ảnh, mặt có mã QR hướng lên, trong khung vàng.",
             "Place your ID card under the camera, QR side up, inside the yellow frame.")
SAY_FORM = T("Mời kiểm tra tờ khai. Chạm vào một mục để điền hoặc sửa, rồi chạm Tiếp tục.",
             "Check the declaration form. Touch an item to fill or change it, then touch Continue.")
SAY_PAGES = T("Mời chụp giấy tờ {i}, trong {n} giấy tờ. Đặt giấy tờ vào khung rồi chạm Chụp ảnh.",
              "Photograph document {i} of {n}. Place it in the frame, then touch Take the photo.")
SAY_REVIEW = T("Mời kiểm tra lại hồ sơ, rồi chạm Gửi hồ sơ.", "Check your dossier, then touch Send the dossier.")
SAY_DONE = T("Hồ sơ đã được tiếp nhận. Mời nhận giấy hẹn ở máy in bên dưới.",
             "Your dossier has been received. Please take your appointment slip from the printer below.")
SAY_TICKET = T("Mời nhận phiếu bên dưới. Số thứ tự của quý khách là {number}.",
               "Please take your ticket below. Your number is {number}.")
SAY_STILL_THERE = T("Quý khách còn ở đó không? Chạm Tiếp tục để làm tiếp.",
                    "Are you still there? Touch Continue to carry on.")
STILL_THERE = T("Bạn còn ở đó không?", "Are you still there?")
STILL_THERE_BODY = T("Màn hình sẽ trở về trang đầu và xóa những gì đã nhập sau:",
                     "The screen goes back to the start and forgets what you entered in:")
STILL_THERE_SECONDS = T("{n} giây", "{n} s")
STILL_THERE_CONTINUE = T("Tiếp tục / Continue", "Tiếp tục / Continue")
GUIDE_PRINT = T("In hướng dẫn thủ tục (khổ A4)", "Print the guidance sheet (A4)")
GUIDE_PRINTED = T("Mời nhận bản hướng dẫn ở máy in bên cạnh.", "Please take the guidance sheet from the printer beside you.")
PRINT_NOT_DONE = T("Chưa in được: {reason}", "Not printed: {reason}")
STEPS_DONE = T("Hoàn tất: đã xong cả {n}/{n} bước", "Finished: all {n} of {n} steps done")
STEPS_AHEAD = T("Nộp hồ sơ tại ki-ốt: {n} bước, bắt đầu bằng thẻ căn cước.",
                "Submitting here takes {n} steps, starting with your ID card.")
STEPS_CHOOSE = T("Trước bước 1: chọn thủ tục cần nộp", "Before step 1: choose the procedure")
