"""`motcua board --config BOARD.toml`: the lobby board's process — the device file, the cached state, the
window on its screen, the guides, the announcer, the hub's feed and heartbeat, and the endurance-test hook
(the one module that wires counter_display.board to counter_display.automation)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motcua.config import ConfigError
from motcua.logs import LEVELS
from motcua.logs import setup as setup_logging
from ui.application import app, run_until
from ui.player import make_player
from ui.qt import Qt, QTimer

from . import texts
from .announce import Announcer
from .automation import install_board
from .board import BoardController, BoardView, GuidePlayer, make_state, screenshot
from .config import default_cache_dir, load_board_config


def main(argv: list[str] | None = None) -> int:
    """`motcua board --config BOARD.toml`."""
    ap = argparse.ArgumentParser(prog="motcua board", description="Màn hình sảnh / the lobby board")
    ap.add_argument("--config", required=True, type=Path, help="BOARD.toml (xem assets/board.example.toml)")
    ap.add_argument("--window", action="store_true", help="cửa sổ thay vì toàn màn hình / windowed")
    ap.add_argument("--screenshot", type=Path,
                    help="lấy trạng thái từ máy chủ, vẽ một ảnh PNG rồi thoát / fetch the hub's state, render a "
                         "PNG and exit (exit 1: the hub refused the token)")
    ap.add_argument("--log-level", choices=LEVELS, default=None,
                    help="debug, info, warning or error (default: $MOTCUA_LOG_LEVEL, else info)")
    args = ap.parse_args(argv)
    setup_logging(args.log_level)
    try:
        config = load_board_config(args.config)
    except ConfigError as exc:
        print(texts.CLI_CONFIG_ERROR.format(detail=exc), file=sys.stderr)
        return 2
    qapp = app(["motcua-board"])
    state = make_state(config)
    cache = (config.board.cache_dir or default_cache_dir("board")) / "board-cache.db"
    state.load_cache(cache)
    if args.screenshot:
        return screenshot(config, state, args.screenshot)
    view = BoardView(state, settings=config)
    view.setWindowTitle("motcua board")
    view.online = False
    guides = GuidePlayer(view, config.guides)
    announcer = None
    if config.announcer.enabled:
        announcer = Announcer(settings=config.announcer, player=make_player(volume=config.announcer.volume),
                              on_speaking=guides.duck)
    ctl = BoardController(config=config, view=view, announcer=announcer, cache_path=cache)
    client = config.hub.client()
    screens = qapp.screens()
    if screens and config.board.screen < len(screens):
        view.setGeometry(screens[config.board.screen].geometry())
    if config.board.fullscreen and not args.window:
        view.showFullScreen()
        view.setCursor(Qt.CursorShape.BlankCursor)
    else:
        view.resize(1280, 720)
        view.show()
    ticker = QTimer(view)
    ticker.timeout.connect(lambda: view.tick(0.04))
    ticker.start(40)
    saver = QTimer(view)
    saver.timeout.connect(ctl.flush)
    saver.start(5000)
    guides.start()
    ctl.start(client)
    from sync.client import Heartbeat

    heartbeat = Heartbeat(config.hub.client(), role="board").start()
    install_board(view, ctl)  # endurance-test hook, off unless MOTCUA_DUMP_DIR is set
    try:
        return run_until(view.closed)
    finally:
        heartbeat.stop()
        ctl.stop()
        client.close()
