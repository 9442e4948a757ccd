"""`motcua faults list|clear`: the site's active device faults, and ending them once the device is fixed.

Talks to the hub over HTTP (the hub is the only writer of its database): listing takes any device token,
clearing an admin token; each cleared fault is recorded by the hub as a `device.ok` event.
"""
from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path

import orjson

from motcua.contract import DeviceFault
from sync.client import HubCertificateError, HubClient, HubError, HubUnavailable

DEFAULT_HUB = "http://127.0.0.1:8470"
TOKEN_ENV = "MOTCUA_HUB_TOKEN"

FAULT_NAMES = {
    "paper_out": "hết giấy / paper out",
    "paper_low": "sắp hết giấy / paper low",
    "printer_offline": "máy in mất kết nối / printer offline",
    "printer_unknown": "máy in không rõ tình trạng / printer state unknown",
    "cover_open": "nắp máy in mở / cover open",
    "scanner_offline": "máy quét mất kết nối / scanner offline",
    "camera_offline": "camera mất kết nối / camera offline",
    "keypad_offline": "bàn phím gọi số mất kết nối / keypad offline",
    "display_offline": "bảng LED mất kết nối / LED display offline",
    "hub_unreachable": "không liên lạc được máy chủ trạm / hub unreachable",
    "other": "sự cố khác / other",
}
"""What each fault kind means, Vietnamese first."""


class UsageError(Exception):
    """The command line or the config file cannot say which hub and token to use."""


def hub_settings(args: argparse.Namespace) -> tuple[str, str, str | None]:
    """(hub URL, token, site CA) from --hub/--token/--ca-file, else MOTCUA_HUB_TOKEN, else the [hub] table of
    --config (its ca_file relative to the file's folder, as the device apps read it)."""
    url, token, ca_file = args.hub, args.token or os.environ.get(TOKEN_ENV), args.ca_file
    if args.config:
        path = Path(args.config)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"{path}: không đọc được / cannot read: {exc.strerror or exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{path}: không phải TOML hợp lệ / not valid TOML: {exc}") from exc
        hub = data.get("hub")
        if not isinstance(hub, dict):
            raise UsageError(f"{path}: thiếu bảng [hub] / no [hub] table (url, token)")
        url = url or hub.get("url")
        token = token or hub.get("token")
        if not isinstance(token, str) or not token:
            raise UsageError(f"{path}: [hub] token: thiếu mã thiết bị / missing device token")
        if not isinstance(url, str) or not url:
            url = DEFAULT_HUB
        if ca_file is None and hub.get("ca_file"):
            from motcua.config import ConfigError
            from sync.tls import resolve_ca_file

            try:
                ca_file = resolve_ca_file(str(hub["ca_file"]), base=path.parent, path=path, key="hub.ca_file")
            except ConfigError as exc:
                raise UsageError(str(exc)) from exc
    if not token:
        raise UsageError(f"cần mã: --token, biến {TOKEN_ENV} hoặc --config TỆP / a token is needed: --token, "
                         f"{TOKEN_ENV} or --config FILE")
    return url or DEFAULT_HUB, token, ca_file


def describe(exc: Exception) -> str:
    """A failed call as one plain line, without the HTTP library's noise."""
    text = str(exc)
    for needle, words in (("Connection refused", "bị từ chối kết nối / connection refused"),
                          ("timed out", "hết thời gian chờ / timed out"),
                          ("Name or service not known", "không tìm thấy máy / unknown host"),
                          ("No route to host", "không có đường tới máy / no route to host")):
        if needle in text:
            return words
    return text.splitlines()[0][:200] if text else type(exc).__name__


def fault_line(f: DeviceFault) -> str:
    """One fault, for a technician's terminal."""
    what = FAULT_NAMES.get(str(f.fault), str(f.fault))
    line = f"  {f.device}: {what}"
    if f.message:
        line += f" — {f.message}"
    line += f"  (từ / since {f.at}"
    by = f.by
    if by and by != f.device:
        line += f", báo bởi / reported by {by}"
    return line + ")"


def _list(client: HubClient, as_json: bool) -> int:
    faults = client.device_faults()
    if as_json:
        sys.stdout.write(orjson.dumps({"faults": [f.model_dump(mode="json", exclude_unset=True) for f in faults]},
                                      option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    if not faults:
        print("Không có sự cố nào / no active faults")
        return 0
    print(f"Sự cố đang có / active faults: {len(faults)}")
    for f in sorted(faults, key=lambda f: f.device):
        print(fault_line(f))
    print("Sửa xong thì khởi động lại thiết bị, hoặc: motcua faults clear THIẾT_BỊ / once fixed, restart the "
          "device, or: motcua faults clear DEVICE")
    return 0


def _clear(client: HubClient, device: str | None) -> int:
    try:
        cleared = client.clear_faults(device)
    except HubError as exc:
        if exc.status == 404:
            print(f"motcua faults: {exc.message}", file=sys.stderr)
            return 1
        raise
    if not cleared:
        print("Không có sự cố nào để xoá / no active faults to clear")
    for c in cleared:
        print(f"Đã xoá / cleared: {c.device} ({FAULT_NAMES.get(str(c.was), c.was)})")
    return 0


def main(argv: list[str]) -> int:
    """motcua faults list [--json] | clear DEVICE|--all, with --hub URL --token T or --config FILE."""
    conn = argparse.ArgumentParser(add_help=False)
    conn.add_argument("--hub", default=None, help=f"the hub's address (default: the config's [hub] url, or {DEFAULT_HUB})")
    conn.add_argument("--token", default=None, help=f"a device token (clear: an admin token); or set {TOKEN_ENV}")
    conn.add_argument("--config", default=None, help="a device or admin config file with a [hub] table (url, token)")
    conn.add_argument("--ca-file", default=None, help="the site CA (ca.crt) for a hub on https:// (default: the "
                                                      "config file's [hub] ca_file)")
    ap = argparse.ArgumentParser(prog="motcua faults", description="Sự cố thiết bị / device faults.")
    sub = ap.add_subparsers(dest="action", required=True)
    ls = sub.add_parser("list", parents=[conn], help="sự cố đang có / active faults")
    ls.add_argument("--json", action="store_true", help='the hub\'s answer as JSON: {"faults": [...]}')
    cl = sub.add_parser("clear", parents=[conn], help="xoá sự cố sau khi đã sửa / clear faults once fixed (admin)")
    which = cl.add_mutually_exclusive_group(required=True)
    which.add_argument("device", nargs="?", help="the device's name (or the name of the device that reported it)")
    which.add_argument("--all", action="store_true", help="every active fault")
    args = ap.parse_args(argv)
    try:
        url, token, ca_file = hub_settings(args)
    except UsageError as exc:
        print(f"motcua faults: {exc}", file=sys.stderr)
        return 2
    client = HubClient(url, token, ca_file=ca_file)
    try:
        if args.action == "list":
            return _list(client, args.json)
        return _clear(client, None if args.all else args.device)
    except HubCertificateError as exc:
        print(f"motcua faults: {exc}", file=sys.stderr)
        return 2
    except HubUnavailable as exc:
        print(f"motcua faults: không kết nối được máy chủ trạm {url} / cannot reach the hub at {url}: {describe(exc)}",
              file=sys.stderr)
        return 2
    except HubError as exc:
        hint = {401: " — kiểm tra mã (motcua token list) / check the token",
                403: " — cần mã quản trị: motcua token create --role admin / an admin token is needed"}.get(exc.status, "")
        print(f"motcua faults: {exc.message}{hint}", file=sys.stderr)
        return 2
    finally:
        client.close()
