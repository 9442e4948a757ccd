"""`motcua counter --config COUNTER.toml [--headless]`: the counter's processes — the clerk's panel with
its feed, keypad/LED bridge, announcer and heartbeat, or (headless) the keypad/LED bridge alone; and the
endurance-test hooks (the one module that wires the panel and the bridge to counter_display.automation)."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from motcua import heap
from motcua.config import ConfigError
from motcua.logs import LEVELS
from motcua.logs import setup as setup_logging
from ui.application import app, run_until
from ui.bridge import FeedBridge

from . import texts
from .automation import install_bridge, install_panel
from .config import load_counter_config
from .counter import CounterPanel, follow_hub
from .hardware import CounterBridge
from .rating_keypad import RatingKeypadBridge


def main(argv: list[str] | None = None) -> int:
    """`motcua counter --config COUNTER.toml [--headless]`."""
    ap = argparse.ArgumentParser(prog="motcua counter", description="Bảng điều khiển quầy / the counter panel")
    ap.add_argument("--config", required=True, type=Path, help="COUNTER.toml (xem assets/counter.example.toml)")
    ap.add_argument("--headless", action="store_true",
                    help="chỉ chạy bàn phím gọi số và bảng LED / run the keypad and LED bridge only")
    ap.add_argument("--log-level", choices=LEVELS, default=None,
                    help="debug, info, warning or error (default: $MOTCUA_LOG_LEVEL, else info)")
    args = ap.parse_args(argv)
    setup_logging(args.log_level)
    if args.headless:
        return run_headless(args.config)
    try:
        config = load_counter_config(args.config)
    except ConfigError as exc:
        print(texts.CLI_CONFIG_ERROR.format(detail=exc), file=sys.stderr)
        return 2
    app(["motcua-counter"])
    client = config.hub.client()
    # The panel's own calls and the event feed use separate connections: the stream never waits
    # behind a click, and a click never waits behind the stream.
    feed_client = config.hub.client()
    panel = CounterPanel(config, client)
    bridge = FeedBridge(panel)
    feed = follow_hub(panel, feed_client, bridge)
    hw = None
    if config.keypad or config.leds:
        hw = CounterBridge(config, config.hub.client()).start()
    # The citizen's rating box (issue 13) runs beside the panel too, when the counter PC has one plugged in.
    rating_box = RatingKeypadBridge(config, config.hub.client()).start() if config.rating_keypad else None
    announcer = None
    if config.announcer.enabled and config.counter.announce:
        from ui.player import make_player

        from .announce import Announcer

        announcer = Announcer(settings=config.announcer, player=make_player(volume=config.announcer.volume))

        def speak(ev: Any) -> None:
            if ev.type in ("ticket.called", "ticket.recalled") and ev.data.get("counter") == config.counter.number:
                announcer.announce(ev.data["ticket"]["display"], config.counter.number,
                                   recall=ev.type == "ticket.recalled")

        bridge.hub_event.connect(speak)
    panel.show()
    panel.start_devices()
    panel.refresh()
    from sync.client import Heartbeat

    heartbeat = Heartbeat(config.hub.client(), role="counter").start()
    install_panel(panel)  # endurance-test hooks, off unless MOTCUA_DUMP_DIR / MOTCUA_AUTOPILOT are set
    try:
        return run_until(panel.closed)
    finally:
        heartbeat.stop()
        feed.stop()
        if hw is not None:
            hw.stop()
        if rating_box is not None:
            rating_box.stop()
        if announcer is not None:
            announcer.close()
        panel.close_worker()
        client.close()
        threading.Thread(target=feed_client.close, daemon=True).start()


def run_headless(config_path: Path) -> int:
    """`motcua counter --headless --config COUNTER.toml`: the keypad/LED bridge until Ctrl-C."""
    setup_logging(None)  # a no-op when `motcua counter` set it up already
    try:
        config = load_counter_config(config_path)
    except ConfigError as exc:
        print(texts.CLI_CONFIG_ERROR.format(detail=exc), file=sys.stderr)
        return 2
    if config.keypad is None and not config.leds and config.rating_keypad is None:
        print(texts.CLI_CONFIG_ERROR.format(detail=f"{config_path}: keypad / leds: nothing to bridge "
                                                   "(add [keypad], [[leds]] or [rating_keypad])"), file=sys.stderr)
        return 2
    # systemd stops the bridge with SIGINT (KillSignal): take it even when the parent started us with SIGINT
    # ignored (inherited across exec; Python then installs no KeyboardInterrupt handler and the bridge never stops).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    heap.keep_flat()  # no QApplication here: the bridge runs for weeks all the same
    client = config.hub.client()
    bridge = CounterBridge(config, client)
    rating_box = RatingKeypadBridge(config, config.hub.client()) if config.rating_keypad is not None else None
    from sync.client import Heartbeat

    heartbeat = Heartbeat(config.hub.client(), role="bridge")
    try:
        # Inside the try: a stop (Ctrl-C, systemctl stop) may come while the threads are starting.
        bridge.start()
        if rating_box is not None:
            rating_box.start()
        heartbeat.start()
        install_bridge(bridge)  # endurance-test hook, off unless MOTCUA_DUMP_DIR is set
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        heartbeat.stop()
        bridge.stop()
        if rating_box is not None:
            rating_box.stop()
        client.close()
