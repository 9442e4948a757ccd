"""The `motcua` command: dispatches each subcommand to its role package by module name.

The domain imports no role: each entry below is a dotted path resolved with importlib only when that
subcommand runs, so `motcua calendar` never loads Qt and `motcua hub` never loads escpos.
"""
from __future__ import annotations

import importlib
import os
import sys

#: subcommand -> (module, function, one-line help). The function takes argv (list of str) and returns
#: an exit code.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "hub": ("sync.hub_cli", "main", "chạy máy chủ trạm (site hub) / run the site hub"),
    "token": ("sync.hub_cli", "token_main", "tạo mã thiết bị / manage device tokens"),
    "tls": ("sync.tls_cli", "main", "HTTPS trong trung tâm: CA và chứng chỉ / the site CA and the hub's certificate"),
    "faults": ("sync.faults_cli", "main", "sự cố thiết bị: xem, xoá / device faults: list, clear"),
    "demo": ("demo.cli", "main", "mọi vai trò trên một máy / every role on one machine"),
    "kiosk": ("kiosk.main", "main", "ki-ốt lấy số / the ticket kiosk"),
    "board": ("counter_display.board_main", "main", "màn hình sảnh / the lobby board"),
    "counter": ("counter_display.counter_main", "main", "bảng điều khiển quầy / the counter panel"),
    "announce": ("counter_display.announce", "main", "câu gọi số / a call announcement"),
    "central": ("sync.central.cli", "main", "máy chủ trung tâm tham chiếu / reference central server"),
    "print": ("printer_drivers.cli", "main", "in thử / print a sample"),
    "diag": ("diagnostics.cli", "main", "kiểm tra kỹ thuật / technician checks"),
    "calendar": ("motcua.calendar_cli", "main", "tính ngày hẹn trả / working-time due dates"),
    "scan": ("scanners.cli", "main", "đọc mã QR / decode codes in a photo"),
    "fee": ("printer_drivers.fee_cli", "main", "phí: mã VietQR, số tiền bằng chữ / fees: VietQR payload, amount in words"),
    "backup": ("sync.backup", "backup_main", "sao lưu máy chủ trạm / back up the site hub"),
    "restore": ("sync.backup", "restore_main", "khôi phục từ bản sao lưu / restore the site hub from a backup"),
    "audit": ("sync.audit", "main", "nhật ký truy cập dữ liệu cá nhân / who read personal data"),
    "report": ("analytics.cli", "main", "báo cáo, dự báo, bố trí quầy / reports, forecast, counter plan"),
    "staff": ("sync.staff_cli", "main", "cán bộ một cửa, số liệu đánh giá / clerks and their rating figures"),
    "rate": ("counter_display.rating_app", "main", "màn hình đánh giá tại quầy / the counter's rating screen"),
}


def _usage() -> str:
    lines = ["usage: motcua COMMAND [options]", "", "commands:"]
    for name, (_, _, help_) in COMMANDS.items():
        lines.append(f"  {name:<10} {help_}")
    lines.append("")
    lines.append("motcua COMMAND --help for the options of one command.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `motcua` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            code = _dispatch(args)
        except SystemExit:
            sys.stdout.flush()  # argparse's --help and usage errors leave from inside a subcommand
            raise
        # Output to a pipe is block-buffered: a closed pipe shows itself here, or at exit.
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _output_closed()


def _dispatch(args: list[str]) -> int:
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    if args[0] in ("-V", "--version"):
        from motcua import __version__

        print(f"motcua-edge {__version__}")
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"motcua: không có lệnh '{name}' / unknown command '{name}'\n\n{_usage()}", file=sys.stderr)
        return 2
    module_name, func_name, _ = COMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            print(f"motcua: lệnh '{name}' chưa có trong bản này / '{name}' is not in this build yet",
                  file=sys.stderr)
            return 2
        raise
    result = getattr(module, func_name)(rest)
    return int(result or 0)


#: The exit status of a program killed by SIGPIPE as the shell reports it (128 + 13), as `cat` or
#: `seq` give in `... | head`.
EXIT_PIPE_CLOSED = 141


def _output_closed() -> int:
    """The reader of our output went away (`motcua central export | head`): stop quietly.

    Python ignores SIGPIPE, so the write raised instead. Point stdout at /dev/null so the interpreter's
    own flush at exit does not raise (and print "Exception ignored ...") again. SIGPIPE stays ignored on
    purpose: restoring it would kill the hub or a device whenever a network peer hangs up.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout replaced by something without a descriptor (tests)
        pass
    return EXIT_PIPE_CLOSED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
