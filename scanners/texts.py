"""Every user-visible text of the scanners package, Vietnamese first and English second.

These reach the person in front of the kiosk or counter (a scanner unplugged, a card that will not
read), the technician's diagnostics and the `motcua scan` command. Keep them here, not in the drivers.
"""
from __future__ import annotations

from motcua.text import Text

__all__ = ["Text"]




# -- device states ------------------------------------------------------------------------------------
STATE_CLOSED = Text("Chưa mở", "Closed")
STATE_READY = Text("Sẵn sàng", "Ready")
STATE_DISCONNECTED = Text("Mất kết nối — đang thử kết nối lại", "Disconnected — reconnecting")
STATE_ENDED = Text("Đã hết ảnh trong thư mục", "No more images in the folder")
STATE_ERROR = Text("Lỗi thiết bị", "Device error")

# -- camera -------------------------------------------------------------------------------------------
ERR_CAMERA_SOURCE = Text(
    "Nguồn camera không hợp lệ: '{source}' (dùng số thứ tự camera như 0, đường dẫn /dev/video0 "
    "hoặc folder:/đường/dẫn/thư/mục/ảnh)",
    "Invalid camera source: '{source}' (use a camera index such as 0, a path such as /dev/video0 "
    "or folder:/path/to/images)")
ERR_CAMERA_OPEN = Text("Không mở được camera {source}. Kiểm tra cáp USB và quyền truy cập (nhóm video).",
                       "Cannot open camera {source}. Check the USB cable and permissions (the video group).")
ERR_CAMERA_LOST = Text("Camera {source} không còn gửi hình. Kiểm tra cáp USB.",
                       "Camera {source} stopped sending frames. Check the USB cable.")
ERR_FOLDER_MISSING = Text("Không có thư mục ảnh {folder}", "The image folder {folder} does not exist")
ERR_FOLDER_EMPTY = Text("Thư mục {folder} không có ảnh (.png, .jpg, .jpeg, .bmp)",
                        "The folder {folder} has no images (.png, .jpg, .jpeg, .bmp)")
ERR_NOT_OPEN = Text("Thiết bị chưa được mở", "The device is not open")

# -- images and decoding ------------------------------------------------------------------------------
ERR_IMAGE_READ = Text("Không đọc được ảnh {path} (không có tệp hoặc không phải ảnh)",
                      "Cannot read the image {path} (missing file or not an image)")
ERR_NO_CODE = Text(
    "Không tìm thấy mã QR hoặc mã vạch nào trong ảnh. Hãy chụp gần hơn, đủ sáng, giữ thẻ phẳng và rõ nét.",
    "No QR code or barcode found in the image. Take the photo closer, in good light, with the card flat "
    "and in focus.")
ERR_BAD_CCCD = Text("Mã QR trên thẻ căn cước không hợp lệ: {reason_vi}",
                    "The citizen ID QR code is not valid: {reason_en}")
ERR_DECODER_MISSING = Text("Thiếu thư viện giải mã {library}", "The {library} decoding library is missing")

# -- serial scanner -----------------------------------------------------------------------------------
ERR_SERIAL_OPEN = Text(
    "Không mở được máy quét {port}: {detail}. Kiểm tra cáp USB, quyền (nhóm dialout) và máy quét đang ở "
    "chế độ USB serial (CDC).",
    "Cannot open the scanner {port}: {detail}. Check the USB cable, permissions (the dialout group) and "
    "that the scanner is in USB serial (CDC) mode.")
ERR_SERIAL_LOST = Text("Máy quét {port} đã bị rút ra hoặc mất kết nối — đang thử kết nối lại",
                       "The scanner {port} was unplugged or lost — reconnecting")
ERR_SERIAL_OVERFLOW = Text(
    "Máy quét gửi quá {limit} byte mà không có ký tự xuống dòng: kiểm tra máy quét có gửi CR/LF sau mỗi mã",
    "The scanner sent more than {limit} bytes without a line end: check that it sends CR/LF after each code")
ERR_SERIAL_ENCODING = Text(
    "Dữ liệu từ máy quét không phải UTF-8. Nếu tiếng Việt bị lỗi, máy quét đang ở chế độ bàn phím: "
    "chuyển sang USB serial (CDC).",
    "The scanner's data is not UTF-8. If Vietnamese is garbled the scanner is in keyboard mode: switch it "
    "to USB serial (CDC).")

# -- configuration ------------------------------------------------------------------------------------
ERR_CONFIG = Text("Cấu hình máy quét không hợp lệ: {detail}", "Invalid scanner configuration: {detail}")

# -- command line -------------------------------------------------------------------------------------
CLI_DESCRIPTION = Text("Đọc mã QR / mã vạch", "Read QR codes and barcodes")
CLI_IMAGE_HELP = Text("giải mã mọi mã trong một ảnh chụp", "decode every code in a photo")
CLI_FILE_HELP = Text("tệp ảnh (PNG, JPEG…)", "image file (PNG, JPEG…)")
CLI_JSON_HELP = Text("in mọi mã dưới dạng một tài liệu JSON", "print every code as one JSON document")
CLI_SERIAL_HELP = Text("đọc mã từ máy quét USB serial", "read codes from a USB serial scanner")
CLI_PORT_HELP = Text("cổng: /dev/ttyACM0, /dev/serial/by-id/…, COM3", "port: /dev/ttyACM0, /dev/serial/by-id/…, COM3")
CLI_TIMEOUT_HELP = Text("số giây chờ mỗi mã", "seconds to wait for each code")
CLI_COUNT_HELP = Text("số mã cần đọc", "how many codes to read")
ERR_SERIAL_TIMEOUT = Text("Không nhận được mã nào từ máy quét trong thời gian chờ",
                          "No code arrived from the scanner before the timeout")

# -- document capture (kiosk self-submission) ---------------------------------------------------------
DOC_BLURRY = Text("Ảnh bị mờ, vui lòng chụp lại. Giữ giấy yên và để camera lấy nét.",
                  "The photo is blurry, please retake it. Hold the page still and let the camera focus.")
DOC_TOO_DARK = Text("Ảnh quá tối, vui lòng chụp lại ở nơi đủ sáng.",
                    "The photo is too dark, please retake it in better light.")
DOC_NO_PAGE = Text(
    "Không thấy rõ mép giấy. Bạn có thể dùng ảnh này hoặc đặt cả trang giấy vào khung hình và chụp lại.",
    "The edges of the page were not found. You can use this photo, or place the whole page in the frame "
    "and retake it.")
DOC_ACCEPT = Text("Dùng ảnh này", "Use this photo")
DOC_RETAKE = Text("Chụp lại", "Retake")
