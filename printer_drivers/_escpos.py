"""The one place that imports python-escpos.

Every other module of this package imports `escpos` through here, because importing it has side
effects that we must contain once:

- `escpos.capabilities` caches its profile database as a pickle in `ESCPOS_CAPABILITIES_PICKLE_DIR`, and
  makes a new temporary folder in every process that imports it (hundreds a day on a kiosk), even when
  that variable is set. We point it at one cache folder and keep it from making the temporary one.
- `escpos.capabilities` calls `logging.basicConfig()` at import, which hangs a stderr handler on the root
  logger of whatever program imported us. We take that handler off again.
- The printer classes log through the `logging` module functions (`logging.info(...)`), i.e. the root
  logger, which also calls `basicConfig()` when the root has no handler. We give each of those modules
  a stand-in `logging` that forwards to a named logger under `escpos.` instead.
"""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    for candidate in (Path(base) / "motcua" / "escpos", Path(tempfile.gettempdir()) / "motcua-escpos"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            if os.access(candidate, os.W_OK):
                return candidate
        except OSError:
            continue
    return Path(tempfile.gettempdir())


def _pickle_dir() -> str:
    # Respect a folder chosen by the environment (a test run, a packager), but python-escpos crashes at
    # import when it does not exist: make it, or fall back to ours.
    configured = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    if configured:
        try:
            Path(configured).mkdir(parents=True, exist_ok=True)
            if os.access(configured, os.W_OK):
                return configured
        except OSError:
            pass
    return str(_cache_dir())


def ensure_capabilities_pickle(folder: str) -> Path:
    """Write python-escpos's profile pickle whole (temporary file, then rename) unless a readable one is there.

    Hazard: python-escpos writes it in place at import (open "wb", parse, dump). A second process that
    imports it meanwhile — the kiosk and the counter starting together at boot on a fresh cache — reads a
    truncated file and dies with "EOFError: Ran out of input"; a process killed mid-write leaves a file that
    fails every start after. With a complete pickle newer than the database, python-escpos only reads it.
    """
    import importlib.resources
    import pickle
    import platform

    import yaml

    target = Path(folder) / f"{platform.python_version()}.capabilities.pickle"
    with importlib.resources.as_file(importlib.resources.files("escpos") / "capabilities.json") as source:
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            try:
                with open(target, "rb") as f:
                    pickle.load(f)
                return target
            except Exception:  # noqa: BLE001 - any unreadable pickle is rebuilt
                pass
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        pickle.dump(data, f, protocol=2)
    os.replace(tmp, target)
    return target


os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = _pickle_dir()
ensure_capabilities_pickle(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"])

_root = logging.getLogger()
_root_handlers_before = list(_root.handlers)

# python-escpos 3.1 reads the variable as `environ.get(NAME, mkdtemp())`: the default is evaluated
# anyway, so every import makes an empty temporary folder even with the variable set. Hand it the
# folder we chose for the length of the import (the import lock makes the window tiny).
_mkdtemp = tempfile.mkdtemp
tempfile.mkdtemp = lambda *args, **kwargs: os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]  # type: ignore[assignment]
try:
    import escpos.capabilities as capabilities  # noqa: E402
finally:
    tempfile.mkdtemp = _mkdtemp
import escpos.constants as constants  # noqa: E402
import escpos.exceptions as exceptions  # noqa: E402
import escpos.printer as printer  # noqa: E402

for _h in list(_root.handlers):
    if _h not in _root_handlers_before:
        _root.removeHandler(_h)


class _ModuleLogging:
    """Stands in for the `logging` module inside one python-escpos module (see the module docstring)."""

    def __init__(self, name: str) -> None:
        self._log = logging.getLogger(name)

    def debug(self, msg: str, *args: Any) -> None:
        self._log.debug(msg, *args)

    def info(self, msg: str, *args: Any) -> None:
        self._log.info(msg, *args)

    def warning(self, msg: str, *args: Any) -> None:
        self._log.warning(msg, *args)

    def error(self, msg: str, *args: Any) -> None:
        self._log.error(msg, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(logging, name)


for _mod_name in ("network", "serial", "file", "usb", "cups", "lp", "win32raw"):
    _mod = getattr(printer, _mod_name, None)
    if _mod is not None and getattr(_mod, "logging", None) is logging:
        _mod.logging = _ModuleLogging(f"escpos.printer.{_mod_name}")  # type: ignore[attr-defined]

__all__ = ["capabilities", "constants", "exceptions", "printer"]
