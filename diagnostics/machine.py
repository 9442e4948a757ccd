"""This machine: Python and the libraries, the Vietnamese font, the voice, SQLite, free disk."""
from __future__ import annotations

import importlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from diagnostics import texts
from diagnostics.report import Check, Status
from motcua import __version__

ROOT = Path(__file__).resolve().parent.parent
#: What the device apps import (module names).
LIBRARIES = ("fastapi", "uvicorn", "pydantic", "sqlite_utils", "PySide6", "escpos", "serial", "zxingcpp", "cv2",
             "PIL", "holidays", "orjson", "requests")


def check_python() -> Check:
    """Python and the libraries the devices load."""
    versions: dict[str, str] = {"python": sys.version.split()[0], "motcua-edge": __version__}
    missing = []
    for mod in LIBRARIES:
        try:
            m = importlib.import_module(mod)
            versions[mod] = str(getattr(m, "__version__", "") or getattr(m, "VERSION", "") or "?")
        except Exception:  # noqa: BLE001 - any import failure is "missing" for the technician
            missing.append(mod)
    if missing:
        return Check(texts.PYTHON, Status.FAIL, texts.MISSING.format(names=", ".join(missing)), texts.FIX_INSTALL,
                     versions, command="./install.sh")
    return Check(texts.PYTHON, Status.OK, f"Python {versions['python']}, motcua-edge {__version__}", data=versions)


def check_fonts() -> Check:
    """The bundled Vietnamese font (without it Qt draws boxes and tickets cannot be rendered)."""
    fonts = [ROOT / "assets" / "fonts" / f for f in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")]
    missing = [f.name for f in fonts if not f.exists()]
    if missing:
        return Check(texts.FONTS, Status.FAIL, texts.MISSING.format(names=", ".join(missing)), texts.FIX_FONTS)
    return Check(texts.FONTS, Status.OK, ", ".join(f.name for f in fonts))


def check_voice() -> Check:
    """espeak-ng with its Vietnamese voice (the board's announcements)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        return Check(texts.VOICE, Status.WARN, texts.VOICE_MISSING, texts.FIX_VOICE, command="apt-get install espeak-ng")
    out = subprocess.run([exe, "--voices=vi"], capture_output=True, text=True, timeout=10).stdout
    if " vi " not in out and "vi-vn" not in out:
        return Check(texts.VOICE, Status.WARN, texts.VOICE_NO_VI, texts.FIX_VOICE_VI,
                     command="apt-get install espeak-ng-data")
    return Check(texts.VOICE, Status.OK, exe)


def check_disk(path: Path) -> Check:
    """Free disk space where the database and caches live."""
    while not path.exists() and path != path.parent:
        path = path.parent
    free_gb = shutil.disk_usage(path).free / 2**30
    data = {"path": str(path), "free_gb": round(free_gb, 2)}
    detail = texts.DISK_FREE.format(gb=f"{free_gb:.1f}", path=path)
    if free_gb < 0.5:
        return Check(texts.DISK, Status.FAIL, detail, texts.FIX_DISK_NOW, data)
    if free_gb < 2:
        return Check(texts.DISK, Status.WARN, detail, texts.FIX_DISK_SOON, data)
    return Check(texts.DISK, Status.OK, detail, data=data)


def check_sqlite() -> Check:
    """SQLite with WAL (the hub's durability depends on it)."""
    conn = sqlite3.connect(":memory:")
    version = conn.execute("SELECT sqlite_version()").fetchone()[0]
    conn.close()
    return Check(texts.SQLITE, Status.OK, version, data={"version": version})
