"""Every text of the technician checks, Vietnamese first and English second.

A line of `motcua diag` is the check's name, what was found and, under a problem, what to do — each in
both languages. Commands to type are given on their own line and are the same in both.
"""
from __future__ import annotations

from motcua.text import Text

__all__ = ["Text"]

# -- the report ------------------------------------------------------------------------------------------
HEADER = "motcua diag — máy / host {host}, {time}"
HEADER_FILE = "tệp / file {path} ({kind})"
RESULT_OK = Text("Kết quả: ổn", "Result: all good")
RESULT_WARN = Text("Kết quả: dùng được, có {warn} điểm cần xem", "Result: usable, {warn} thing(s) to look at")
RESULT_BAD = Text("Kết quả: CÓ LỖI cần xử lý ({fail} lỗi)", "Result: problems found ({fail})")
CHECK_BROKE = Text("không kiểm tra được", "could not be checked")
FIX_CHECK_BROKE = Text("Chạy lại với --json và gửi kết quả cho bộ phận hỗ trợ",
                       "Run again with --json and send the output to support")

# -- this machine ----------------------------------------------------------------------------------------
PYTHON = Text("Python và thư viện", "Python and libraries")
MISSING = Text("thiếu {names}", "missing {names}")
FIX_INSTALL = Text("Chạy lại ./install.sh", "Run ./install.sh again")
FONTS = Text("Phông chữ tiếng Việt", "Vietnamese font")
FIX_FONTS = Text("Cài lại bản phần mềm đầy đủ (thư mục assets/fonts)", "Reinstall the full release (assets/fonts)")
VOICE = Text("Giọng đọc tiếng Việt (espeak-ng)", "Vietnamese voice (espeak-ng)")
VOICE_MISSING = Text("không có espeak-ng", "espeak-ng not found")
FIX_VOICE = Text("Cài espeak-ng (chỉ cần cho màn hình sảnh)", "Install espeak-ng (only the lobby board needs it)")
VOICE_NO_VI = Text("không có giọng tiếng Việt", "no Vietnamese voice")
FIX_VOICE_VI = Text("Cài gói espeak-ng-data", "Install the espeak-ng-data package")
SQLITE = Text("SQLite", "SQLite")
DISK = Text("Dung lượng đĩa", "Disk space")
DISK_FREE = Text("còn trống {gb} GB ({path})", "{gb} GB free ({path})")
FIX_DISK_NOW = Text("Giải phóng dung lượng đĩa ngay", "Free disk space now")
FIX_DISK_SOON = Text("Sắp hết dung lượng đĩa: dọn nhật ký và bản sao lưu cũ", "Disk nearly full: clear old logs "
                     "and backups")

# -- the device file -------------------------------------------------------------------------------------
KIND = {
    "kiosk": Text("ki-ốt", "kiosk"),
    "board": Text("màn hình sảnh", "lobby board"),
    "counter": Text("quầy", "counter"),
    "site": Text("tệp trung tâm", "site file"),
}
#: The roles of device tokens.
ROLE = {**{k: v for k, v in KIND.items() if k != "site"}, "admin": Text("quản trị", "admin")}


def with_kind(template: Text, kind: str, **values: object) -> Text:
    """A text with {kind} in each language's own words (ki-ốt / kiosk)."""
    return template.format(kind=KIND.get(kind, Text(kind, kind)), **values)


DEVICE_FILE = Text("Tệp cấu hình thiết bị", "Device file")
DEVICE_FILE_OK = Text("tệp {kind} hợp lệ, ứng dụng sẽ nhận", "a valid {kind} file; the app accepts it")
FIX_DEVICE_KEY = Text("Sửa mục {key} trong tệp; ứng dụng không chạy với tệp này",
                      "Fix {key} in the file; the app refuses to start with it")
FIX_DEVICE_FILE = Text("Sửa tệp (đường dẫn, quyền đọc, cú pháp TOML); ứng dụng không chạy với tệp này",
                       "Fix the file (path, read permission, TOML syntax); the app refuses to start with it")
KIND_UNKNOWN = Text("không nhận ra tệp của thiết bị nào (bảng: {tables})",
                    "cannot tell which device this file is for (tables: {tables})")
KIND_AMBIGUOUS = Text("tệp có bảng của nhiều loại thiết bị: {tables}", "the file has tables of several devices: {tables}")
FIX_KIND = Text("Nói rõ loại tệp bằng --kind kiosk|board|counter|site", "Say which it is with --kind "
                "kiosk|board|counter|site")

# -- network causes, in plain words -----------------------------------------------------------------------
CAUSE_REFUSED = Text("bị từ chối kết nối: không có dịch vụ nào ở cổng này (dịch vụ đã dừng hoặc sai cổng)",
                     "connection refused: nothing listens on that port (the service is stopped or the port is wrong)")
CAUSE_TIMEOUT = Text("hết thời gian chờ: máy không trả lời (sai địa chỉ IP, tường lửa, hoặc máy đang tắt)",
                     "timed out: no answer (wrong IP address, a firewall, or the machine is off)")
CAUSE_NAME = Text("không tìm thấy tên máy {host} (DNS)", "host name not found: {host} (DNS)")
CAUSE_TLS = Text("lỗi TLS/chứng chỉ (https sai hoặc chứng chỉ không tin cậy)",
                 "TLS error (an https mix-up or an untrusted certificate)")
CAUSE_UNTRUSTED = Text("chứng chỉ không hợp lệ: không do CA tin cậy ký (ca_file)",
                       "certificate not trusted: not signed by a trusted CA (ca_file)")
CAUSE_RESET = Text("kết nối bị ngắt giữa chừng", "the connection was cut")
CAUSE_UNREACHABLE = Text("không có đường tới máy (mạng hoặc định tuyến)", "no route to the host (network or routing)")
CAUSE_BAD_URL = Text("địa chỉ không hợp lệ", "not a valid address")
CAUSE_401 = Text("mã truy cập bị từ chối (HTTP 401)", "the token was refused (HTTP 401)")
CAUSE_403 = Text("không được phép (HTTP 403)", "not allowed (HTTP 403)")
CAUSE_404 = Text("không có địa chỉ này (HTTP 404): sai URL", "no such address (HTTP 404): wrong URL")
CAUSE_HTTP = Text("máy chủ trả lỗi HTTP {status}", "the server answered HTTP {status}")
CAUSE_OTHER = Text("lỗi mạng ({name})", "network error ({name})")

# -- the hub ---------------------------------------------------------------------------------------------
HUB = Text("Máy chủ trạm (hub)", "Site hub")
HUB_OK = Text("trạm {site}, trả lời sau {ms} ms", "site {site}, answered in {ms} ms")
HUB_SLOW = Text("trạm {site}, trả lời chậm: {ms} ms", "site {site}, slow answer: {ms} ms")
FIX_HUB_SLOW = Text("Kiểm tra mạng nội bộ và tải của máy chủ trạm", "Check the local network and the hub PC's load")
HUB_NOT_MOTCUA = Text("địa chỉ này không phải máy chủ trạm motcua", "this address is not a motcua hub")
FIX_HUB_REFUSED = Text("Bật dịch vụ máy chủ trạm và kiểm tra cổng trong [hub] url",
                       "Start the hub service and check the port in [hub] url")
FIX_HUB_NETWORK = Text("Kiểm tra dây mạng/Wi-Fi và địa chỉ IP của máy chủ trạm trong [hub] url",
                       "Check the cable or Wi-Fi and the hub's IP address in [hub] url")
FIX_HUB_NAME = Text("Sửa tên máy trong [hub] url, hoặc dùng địa chỉ IP", "Fix the host name in [hub] url, or use "
                    "the IP address")
FIX_HUB_TLS = Text("Dùng http:// trừ khi máy chủ trạm được cài https", "Use http:// unless the hub is set up for https")
FIX_HUB_CERT = Text("Chép ca.crt của trung tâm (motcua tls init) vào máy này và ghi đường dẫn vào [hub] ca_file",
                    "Copy the site's ca.crt (motcua tls init) to this PC and name it in [hub] ca_file")
FIX_HUB_URL = Text("Sửa [hub] url, ví dụ http://192.168.1.10:8470", "Fix [hub] url, e.g. http://192.168.1.10:8470")
VERSIONS_DIFFER = Text("phiên bản khác nhau: máy chủ trạm {hub}, máy này {ours}",
                       "versions differ: hub {hub}, this machine {ours}")
FIX_VERSIONS = Text("Cập nhật máy chủ trạm và thiết bị lên cùng một bản", "Update the hub and the devices to the "
                    "same release")

TOKEN = Text("Mã thiết bị", "Device token")
TOKEN_OK = Text("{role} “{name}”", "{role} “{name}”")
TOKEN_OK_COUNTER = Text("{role} “{name}”, chỉ cho quầy {counter}", "{role} “{name}”, for counter {counter} only")
TOKEN_MISSING = Text("tệp không có mã thiết bị", "the file has no device token")
TOKEN_REVOKED = Text("mã đã bị thu hồi", "the token was revoked")
TOKEN_UNKNOWN = Text("máy chủ trạm không nhận mã này (gõ sai, thiếu ký tự, hoặc mã của trạm khác)",
                     "the hub does not know this token (mistyped, cut short, or from another hub)")
TOKEN_WRONG_ROLE = Text("tệp {kind} nhưng mã của {role}: {why}", "a {kind} file with a {role} token: {why}")
WHY_KIOSK = Text("ki-ốt không cấp số được bằng mã này", "the kiosk cannot issue numbers with it")
WHY_COUNTER = Text("quầy không gọi số được bằng mã này", "the counter cannot call numbers with it")
WHY_BOARD = Text("màn hình vẫn chạy nhưng mã có nhiều quyền hơn cần", "the board works, but the token can do more "
                 "than it needs")
TOKEN_ADMIN_ON = Text("{token}: {why}", "{token}: {why}")
TOKEN_ADMIN = Text("mã quản trị trên thiết bị: chạy được nhưng quá nhiều quyền", "an admin token on a device: it "
                   "works, but it can do everything")
TOKEN_OTHER_COUNTER = Text("mã chỉ cho quầy {bound}, tệp là quầy {number}",
                           "the token is for counter {bound}, the file is counter {number}")
TOKEN_KEYPAD_COUNTERS = Text("bàn phím gọi số cho quầy {counters}, mã chỉ cho quầy {bound}",
                             "the keypad acts for counters {counters}, the token only for counter {bound}")
TOKEN_NO_COUNTER = Text("mã quầy không gắn với quầy nào nên không gọi được số",
                        "the counter token is bound to no counter, so it cannot call numbers")
TOKEN_NO_WHOAMI = Text("mã hợp lệ; máy chủ trạm bản cũ không cho biết vai trò của mã",
                       "the token is valid; this older hub cannot say its role")
FIX_TOKEN = Text("Tạo mã mới đúng vai trò trên máy chủ trạm rồi dán vào [hub] token của tệp",
                 "Make a new token of the right role on the hub PC and put it in the file's [hub] token")
FIX_TOKEN_ADMIN = Text("Tạo mã riêng cho thiết bị", "Make the device a token of its own")
FIX_HUB_UPDATE = Text("Cập nhật máy chủ trạm", "Update the hub")

SITE_MATCH = Text("Thiết bị và trung tâm", "Device and site")
SITE_MATCH_OK = Text("khớp với trạm {site}", "matches site {site}")
NO_COUNTER = Text("trạm {site} không có quầy {number} (có: {known})", "site {site} has no counter {number} "
                  "(it has {known})")
NO_SERVICE = Text("trạm {site} không có dịch vụ {code} (có: {known})", "site {site} has no service {code} "
                  "(it has {known})")
FIX_SITE_MATCH = Text("Sửa số quầy / mã dịch vụ trong tệp thiết bị cho khớp tệp trung tâm",
                      "Make the counter numbers and service codes in the device file match the site file")

DEVICES = Text("Thiết bị trong trung tâm", "Devices on the site")
DEVICES_OK = Text("{n} thiết bị, đều mới liên lạc", "{n} device(s), all seen recently")
DEVICES_NONE = Text("chưa thiết bị nào báo về máy chủ trạm", "no device has reported to the hub yet")
DEVICE_STALE = Text("{device} ({role}): mất liên lạc {age}", "{device} ({role}): not seen for {age}")
DEVICE_FAULT = Text("{device} ({role}): đang có sự cố {faults}", "{device} ({role}): active fault(s) {faults}")
FIX_DEVICE_STALE = Text("Kiểm tra máy đó còn bật, còn mạng và dịch vụ motcua của nó đang chạy "
                        "(journalctl -u motcua-…); thiết bị đã thôi dùng thì bỏ qua",
                        "Check that machine is on, on the network and its motcua service runs "
                        "(journalctl -u motcua-…); ignore a device taken out of service")
FIX_DEVICE_FAULT = Text("Xử lý sự cố tại thiết bị; sự cố tự hết khi thiết bị báo lại bình thường, "
                        "hoặc xoá bằng motcua faults clear", "Fix it at the device; the fault ends when the device "
                        "reports healthy again, or clear it with motcua faults clear")
DEVICES_NEED_STAFF = Text("mã của thiết bị này không được xem danh sách thiết bị (cần mã quầy hoặc quản trị)",
                          "this device's token may not read the device list (needs a counter or admin token)")
SYNC = Text("Đồng bộ với hệ thống của tỉnh", "Sync with the province")
SYNC_OK = Text("bình thường, tồn {backlog} bản ghi", "fine, {backlog} record(s) waiting")
SYNC_OFF = Text("chưa cấu hình: không đồng bộ", "not configured: nothing is synced")
FIX_SYNC_OFF = Text("Điền [central] url và token trong tệp trung tâm", "Set [central] url and token in the site file")
SYNC_REFUSED = Text("máy chủ của tỉnh từ chối trạm: {cause}", "the central server refuses the site: {cause}")
SYNC_OTHER_DATABASE = Text("máy chủ của tỉnh nhận dữ liệu của trạm từ một cơ sở dữ liệu khác; cơ sở dữ liệu này "
                           "không được đồng bộ (tồn {backlog} bản ghi)",
                           "the central server takes this site's data from another hub database; this one is not "
                           "synced ({backlog} record(s) waiting)")
FIX_SYNC_OTHER_DATABASE = Text("Máy thay thế: khôi phục bản sao lưu của máy chủ trạm cũ; nếu máy cũ đã mất, đề nghị tỉnh "
                               "chạy motcua central site release --site MÃ_TRẠM. Không chạy hai máy chủ cho một trạm",
                               "On replacement hardware restore the old hub's backup; if the old hub is lost, ask the "
                               "province to run motcua central site release --site CODE. Never run two hubs for a site")
FIX_CENTRAL_TOKEN = Text("Kiểm tra [central] token trong tệp trung tâm (do tỉnh cấp), rồi khởi động lại máy chủ trạm",
                         "Check [central] token in the site file (issued by the province), then restart the hub")
FIX_CENTRAL_SITE = Text("Mã của tỉnh cấp cho trạm khác: kiểm tra [site] code và [central] token",
                        "The province's token is for another site: check [site] code and [central] token")
FIX_CENTRAL_CERT = Text("Ghi CA của máy chủ tỉnh vào [central] ca_file trong tệp trung tâm (hoặc sửa [central] url)",
                        "Name the province's CA in [central] ca_file in the site file (or fix [central] url)")
FIX_CENTRAL_URL = Text("Sửa [central] url trong tệp trung tâm", "Fix [central] url in the site file")
SYNC_DOWN = Text("không tới được máy chủ của tỉnh: {cause}; tồn {backlog} bản ghi",
                 "cannot reach the central server: {cause}; {backlog} record(s) waiting")
FIX_SYNC_DOWN = Text("Kiểm tra kết nối Internet của trung tâm; dữ liệu vẫn an toàn và sẽ tự gửi lại",
                     "Check the center's Internet link; nothing is lost, it resends by itself")
SYNC_DEAD = Text("{n} bản ghi bị từ chối", "{n} record(s) rejected")
FIX_SYNC_DEAD = Text("Xem GET /api/v1/sync/dead-letters và báo quản trị", "See GET /api/v1/sync/dead-letters and "
                     "tell the administrator")
SYNC_BEHIND = Text("tồn {backlog} bản ghi, lâu nhất {minutes} phút", "{backlog} record(s) waiting, the oldest "
                   "{minutes} min")

CENTRAL = Text("Máy chủ của tỉnh", "Central server")
CENTRAL_OK = Text("{url} nhận mã của trạm", "{url} accepts the site's token")
FIX_CENTRAL_NETWORK = Text("Kiểm tra Internet và [central] url; trạm vẫn làm việc và gửi sau",
                           "Check the Internet link and [central] url; the site keeps working and sends later")

# -- devices ---------------------------------------------------------------------------------------------
PRINTER = Text("Máy in", "Printer")
PRINTER_FILE = Text("tệp ghi được (máy in ảo)", "a writable file (virtual printer)")
PRINTER_DEVICE = Text("thiết bị có và ghi được; không đọc được trạng thái theo cách này",
                      "the device is there and writable; its status cannot be read this way")
FIX_PRINTER_TEST = Text("In thử để chắc chắn", "Print a test page to be sure")
FIX_PRINTER = Text("Kiểm tra nguồn, cáp và địa chỉ máy in; rồi in thử", "Check power, cable and the printer "
                   "address; then print a test page")
FIX_PRINTER_PERMISSION = Text("Cho người dùng quyền dùng máy in: nhóm lp (/dev/usb/lp0) hoặc quy tắc udev (README)",
                              "Let the user use the printer: the lp group (/dev/usb/lp0) or the udev rule (README)")
FIX_PRINTER_STATE = Text("Thay giấy / đóng nắp / bật máy in rồi in thử", "Paper, cover or power; then print a test "
                         "page")
FIX_PRINTER_UNKNOWN = Text("Máy in không trả lời trạng thái; in thử để kiểm tra", "No status answer; print a test page")
A4_PRINTER = Text("Máy in A4", "A4 printer")
FIX_A4_PRINTER = Text("Kiểm tra máy in và hàng đợi CUPS ([a4_printer] address): bật lại, cho nhận lệnh in, hoặc sửa "
                      "tên hàng đợi", "Check the printer and its CUPS queue ([a4_printer] address): resume it, let it "
                      "accept jobs, or fix the queue's name")
CAMERA = Text("Camera", "Camera")
CAMERA_NO_FRAME = Text("không có hình", "no picture")
FIX_CAMERA = Text("Cắm lại camera; kiểm tra quyền nhóm video", "Replug the camera; check the video group")

SERIAL = Text("Cổng nối tiếp", "Serial port")
SERIAL_ROLE = {
    "keypad": Text("bàn phím gọi số", "call keypad"),
    "led": Text("bảng LED", "LED display"),
    "scanner": Text("máy quét", "scanner"),
    "printer": Text("máy in", "printer"),
}
SERIAL_OK = Text("mở được", "opens")
SERIAL_IN_USE = Text("đang được một chương trình giữ (thường là ứng dụng thiết bị đang chạy)",
                     "held by a running program (usually the device app itself)")
SERIAL_MISSING = Text("không có thiết bị này", "no such device")
FIX_SERIAL_MISSING = Text("Cắm lại thiết bị; dùng tên cố định trong /dev/serial/by-id/", "Replug the device; use "
                          "its stable name under /dev/serial/by-id/")
SERIAL_BY_ID = Text("đang có: {names}", "present: {names}")
SERIAL_NOT_TTY = Text("không phải cổng nối tiếp", "not a serial device")
SERIAL_DENIED = Text("người dùng {user} không mở được (cổng thuộc nhóm {group})",
                     "user {user} cannot open it (the port belongs to group {group})")
FIX_SERIAL_GROUP = Text("Thêm người dùng vào nhóm {group}, rồi đăng nhập lại hoặc khởi động lại dịch vụ",
                        "Add the user to the {group} group, then log in again or restart the service")
FIX_SERIAL_RELOGIN = Text("Người dùng đã ở nhóm {group} nhưng phiên này chưa: đăng nhập lại hoặc khởi động lại dịch vụ",
                          "The user is in {group} but this session is not yet: log in again or restart the service")
SERIAL_BUSY = Text("cổng đang bận (chương trình khác giữ độc quyền)", "the port is busy (another program holds it "
                   "exclusively)")
FIX_SERIAL_BUSY = Text("Tìm chương trình đang giữ: fuser -v {port}; tắt ModemManager nếu có",
                       "Find who holds it: fuser -v {port}; disable ModemManager if present")
SERIAL_GONE = Text("thiết bị không phản hồi: {why}", "the device does not respond: {why}")
SERIAL_UNSTABLE = Text("mở được, nhưng tên {port} có thể đổi khi cắm lại", "opens, but the name {port} can change "
                       "on a replug")
FIX_SERIAL_BY_ID = Text("Dùng tên cố định {stable} trong tệp cấu hình", "Use the stable name {stable} in the file")

# -- the Qt binding's self-test (diagnostics/qt_check.py) ---------------------------------------------------
QT_BINDING = Text("Thư viện giao diện Qt", "Qt binding")
QT_OK = Text("{calls} lệnh, tham chiếu None ổn định; vẽ được tiếng Việt{note}",
             "{calls} calls, None refcount steady; Vietnamese drawn{note}")
QT_LEAKS = Text("rò tham chiếu None ({drift:+d} sau {calls} lệnh){note}",
                "leaks references to None ({drift:+d} after {calls} calls){note}")
QT_CRASHED = Text("chương trình thử Qt bị lỗi ({why})", "the Qt probe crashed ({why})")
QT_CANNOT_LOAD = Text("không nạp được: {why}", "cannot load: {why}")
QT_NO_FONT = Text("không nạp được phông Noto Sans đi kèm", "cannot load the bundled Noto Sans font")
QT_NO_VIETNAMESE = Text("không vẽ được chữ tiếng Việt (thiếu: {missing}; {ink} điểm ảnh)",
                        "cannot draw Vietnamese (missing: {missing}; {ink} pixels)")
QT_TESTED = Text("; đã kiểm thử: {tested}", "; tested: {tested}")
QT_IMMORTAL = Text(" (None bất tử từ Python 3.12)", " (None is immortal from Python 3.12)")
FIX_QT = Text("Cài lại bằng ./install.sh để dùng phiên bản đã kiểm thử",
              "Reinstall with ./install.sh to get the tested version")
FIX_QT_FONT = Text("Cài lại bản phần mềm đầy đủ (thư mục assets/fonts)", "Reinstall the full release (assets/fonts)")
