"""`motcua kiosk --config KIOSK.toml`: the kiosk's process — the device file, the hub's heartbeat, the
camera, the window, and the endurance-test hooks (the one module that wires kiosk.app to kiosk.automation)."""
from __future__ import annotations

import argparse
import sys

from kiosk import automation
from kiosk.app import KioskWindow
from kiosk.appointment import AppointmentBackend
from kiosk.backend import DossierBackend, KioskBackend
from kiosk.config import load_kiosk_config
from motcua.config import ConfigError
from motcua.logs import LEVELS
from motcua.logs import setup as setup_logging
from ui.application import app
from ui.qt import Qt


def main(argv: list[str]) -> int:
    """motcua kiosk --config DEVICE.toml | --hash-pin PIN."""
    ap = argparse.ArgumentParser(prog="motcua kiosk", description="Ki-ốt lấy số / the ticket kiosk.")
    ap.add_argument("--config", help="kiosk device file (see assets/kiosk.example.toml)")
    ap.add_argument("--hash-pin", metavar="PIN", help="print the technician_pin_hash for a PIN and exit")
    ap.add_argument("--windowed", action="store_true", help="a window instead of full screen (testing)")
    ap.add_argument("--log-level", choices=LEVELS, default=None,
                    help="debug, info, warning or error (default: $MOTCUA_LOG_LEVEL, else info)")
    args = ap.parse_args(argv)
    if args.hash_pin:
        from kiosk.config import hash_pin

        if not args.hash_pin.isdigit() or not 4 <= len(args.hash_pin) <= 12:
            print("motcua kiosk: the PIN must be 4 to 12 digits", file=sys.stderr)
            return 2
        print(hash_pin(args.hash_pin))
        return 0
    if not args.config:
        ap.error("--config is required")
    try:
        cfg = load_kiosk_config(args.config)
    except ConfigError as exc:
        print(f"motcua kiosk: cấu hình sai / bad configuration: {exc}", file=sys.stderr)
        return 2
    setup_logging(args.log_level)
    qt_app = app(sys.argv[:1])  # the bundled fonts loaded before the window draws
    backend = KioskBackend(cfg)
    from sync.client import Heartbeat

    heartbeat = Heartbeat(cfg.hub.client(), role="kiosk").start()
    camera = None
    if cfg.camera is not None:
        from scanners.camera import open_camera

        camera = open_camera(cfg.camera)
    voice = None
    if cfg.kiosk.voice_prompts:
        from kiosk.voice import VoicePrompts
        from ui.player import make_player

        # The prompts' WAVs sit beside the device cache (owner-only, pruned: kiosk.voice.CACHE_FILES).
        voice = VoicePrompts.from_settings(cfg.kiosk, player=make_player(), cache_dir=cfg.cache_path.parent / "kiosk-voice")
        voice.prime()
    win = KioskWindow(cfg, backend, dossiers=DossierBackend(backend, camera=camera),
                      appointments=AppointmentBackend(backend, camera=camera), voice=voice)
    if cfg.screen.fullscreen and not args.windowed:
        win.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        win.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        win.showFullScreen()
    else:
        win.show()
    if cfg.screen.hide_cursor and not args.windowed:
        qt_app.setOverrideCursor(Qt.CursorShape.BlankCursor)
    automation.install(win)  # endurance-test hooks, off unless MOTCUA_DUMP_DIR / MOTCUA_AUTOPILOT are set
    code = qt_app.exec()
    heartbeat.stop()
    if voice is not None:
        voice.close()
    backend.close()
    return int(code)
