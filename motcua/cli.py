"""The `motcua` command: dispatches each subcommand to its role package by module name.

The domain imports no role: each entry below is a dotted path resolved with importlib only when that
subcommand runs, so `motcua calendar` never loads Qt and `motcua hub` never loads escpos.
"""
from __future__ import annotations

import importlib
import sys

#: subcommand -> (module, function, one-line help). The function takes argv (list of str) and returns
#: an exit code.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "hub": ("sync.hub_cli", "main", "chạy máy chủ trạm (site hub) / run the site hub"),
    "token": ("sync.hub_cli", "token_main", "tạo mã thiết bị / manage device tokens"),
    "demo": ("diagnostics.demo", "main", "mọi vai trò trên một máy / every role on one machine"),
    "kiosk": ("kiosk.app", "main", "ki-ốt lấy số / the ticket kiosk"),
    "board": ("counter_display.board", "main", "màn hình sảnh / the lobby board"),
    "counter": ("counter_display.counter", "main", "bảng điều khiển quầy / the counter panel"),
    "announce": ("counter_display.announce", "main", "câu gọi số / a call announcement"),
    "central": ("sync.central.cli", "main", "máy chủ trung tâm tham chiếu / reference central server"),
    "print": ("printer_drivers.cli", "main", "in thử / print a sample"),
    "diag": ("diagnostics.cli", "main", "kiểm tra kỹ thuật / technician checks"),
    "calendar": ("motcua.calendar_cli", "main", "tính ngày hẹn trả / working-time due dates"),
    "scan": ("scanners.cli", "main", "đọc mã QR / decode codes in a photo"),
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
