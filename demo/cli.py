"""`motcua demo [--headless --minutes N --out DIR]`: the command line, read into `DemoOptions`."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from demo.model import DemoOptions


def build_parser() -> argparse.ArgumentParser:
    """The options of `motcua demo` (each lands in the DemoOptions field of the same name)."""
    ap = argparse.ArgumentParser(prog="motcua demo", description="Mọi vai trò trên một máy / every role on one machine.")
    ap.add_argument("--headless", action="store_true", help="simulate a morning offscreen and write what happened")
    ap.add_argument("--minutes", type=float, default=60.0, help="simulated minutes (headless; default 60)")
    ap.add_argument("--speed", type=float, default=120.0, help="how much faster than real time (headless; default 120)")
    ap.add_argument("--out", type=Path, default=Path("demo-out"), help="output folder (headless)")
    ap.add_argument("--config", type=Path, default=None, help="site configuration (default: the example center)")
    ap.add_argument("--port", type=int, default=8470)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-windows", dest="windows", action="store_false",
                    help="interactive demo without the device windows")
    ap.add_argument("--history-weeks", type=int, default=0, metavar="N",
                    help="seed N weeks of past traffic first, so the reports and the forecast have a history "
                         "(headless: DIR/reports/ and the console's screenshots)")
    ap.add_argument("--stop-after", dest="stop_after_s", type=float, default=None, help=argparse.SUPPRESS)
    return ap


def parse_options(argv: list[str]) -> DemoOptions:
    """argv -> DemoOptions."""
    args = build_parser().parse_args(argv)
    return DemoOptions(headless=args.headless, minutes=args.minutes, speed=args.speed, out=args.out,
                       config=args.config, port=args.port, seed=args.seed, windows=args.windows,
                       stop_after_s=args.stop_after_s, history_weeks=args.history_weeks)


def main(argv: list[str]) -> int:
    """motcua demo [--headless --minutes N --out DIR]; exit 1 if the headless run lost or failed anything."""
    options = parse_options(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from motcua.config import ConfigError

    try:
        if not options.headless:
            from demo.interactive import run_interactive

            return run_interactive(options)
        from demo.headless import run_headless

        t0 = time.monotonic()
        summary = run_headless(options)
    except ConfigError as exc:
        print(f"motcua demo: cấu hình sai / bad configuration: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, ensure_ascii=False))
    print(f"demo: {options.minutes:g} simulated minutes in {time.monotonic() - t0:.1f} s; output in {options.out}/",
          file=sys.stderr)
    return 0 if summary["lost"] == 0 and summary["failed"] == 0 else 1
