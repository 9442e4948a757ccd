"""The Qt self-test of `motcua diag`: does this machine's Qt binding survive a long-running device?

PySide6 6.12 on Python 3.11 drops a reference to None on every void call (`QPainter.setFont` and the
like); a board makes thousands a minute and aborts with "Fatal Python error: none_dealloc". The test
runs in a child process (offscreen, so it needs no display and a crash cannot take `diag` with it):
a few hundred void calls with `sys.getrefcount(None)` read before and after, then a line of Vietnamese
drawn with the bundled font, checking that every letter has a glyph and that pixels were drawn.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from diagnostics import texts
from diagnostics.report import Check, Status
from diagnostics.texts import Text

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "assets" / "fonts" / "NotoSans-Regular.ttf"
LOCK = ROOT / "constraints.txt"
NAME = texts.QT_BINDING
REINSTALL = texts.FIX_QT
SAMPLE = "Mời công dân số 1023 đến quầy 5 — Tư pháp, Hộ tịch; Đất đai"

#: The child's program. argv: number of loop rounds, font file, sample text. It prints one JSON object.
#: Hazard: keep it free of project imports, so that it tells about the binding even when the project's
#: own modules cannot load. Tests swap `void_calls` to play a leaking binding (see tests/diagnostics).
PROBE_SCRIPT = r'''
import json
import sys

ROUNDS, FONT_FILE, SAMPLE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
CALLS_PER_ROUND = 3
out = {"python": sys.version.split()[0], "immortal_none": sys.version_info >= (3, 12)}


def void_calls(painter, font, pen, rounds):
    """Qt calls that return nothing: each must leave the refcount of None as it was."""
    from PySide6.QtGui import QPainter

    for _ in range(rounds):
        painter.setFont(font)
        painter.setPen(pen)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)


def main():
    try:
        import PySide6
        from PySide6 import QtCore
        from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QGuiApplication, QImage, QPainter
    except Exception as exc:  # noqa: BLE001 - the report says what failed
        out["error"] = f"import: {type(exc).__name__}: {exc}"
        return out
    out.update(binding="PySide6", version=PySide6.__version__, qt=QtCore.qVersion())
    app = QGuiApplication(["motcua-diag-qt"])
    fid = QFontDatabase.addApplicationFont(FONT_FILE)
    families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
    out["font"] = families[0] if families else None
    font = QFont(out["font"] or "Sans Serif")
    font.setPixelSize(36)
    img = QImage(1200, 64, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    painter = QPainter(img)
    pen = QColor("black")
    void_calls(painter, font, pen, 20)  # warm-up: first calls may create and cache objects
    before = sys.getrefcount(None)
    void_calls(painter, font, pen, ROUNDS)
    after = sys.getrefcount(None)
    out.update(void_calls=ROUNDS * CALLS_PER_ROUND, none_refs_before=before, none_refs_after=after)
    metrics = QFontMetrics(font)
    out["missing_glyphs"] = sorted({ch for ch in SAMPLE if not ch.isspace() and not metrics.inFontUcs4(ord(ch))})
    painter.setFont(font)
    painter.setPen(pen)
    painter.drawText(8, 46, SAMPLE)
    painter.end()
    ink = 0
    for y in range(img.height()):
        for x in range(0, img.width(), 2):
            if img.pixelColor(x, y).lightness() < 128:
                ink += 1
    out["ink_pixels"] = ink
    del app
    return out


if __name__ == "__main__":
    print(json.dumps(main()))
'''


def tested_version(lock: Path = LOCK) -> str | None:
    """The PySide6-Essentials version the release was tested with (from the lock), if the lock is here."""
    try:
        for line in lock.read_text(encoding="utf-8").splitlines():
            name, sep, version = line.partition("==")
            if sep and name.strip().lower().replace("_", "-") == "pyside6-essentials":
                return version.split(";")[0].strip()
    except OSError:
        return None
    return None


def run_probe(*, script: str = PROBE_SCRIPT, rounds: int = 100, python: str = sys.executable,
              timeout: float = 60.0) -> tuple[dict[str, Any] | None, str]:
    """Run the probe in a child process; its JSON report (None when it crashed) and its stderr's tail."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        proc = subprocess.run([python, "-c", script, str(rounds), str(FONT), SAMPLE], capture_output=True,
                              text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None, f"no answer in {timeout:.0f} s"
    tail = " ".join(proc.stderr.strip().splitlines()[-2:])[-300:]
    if proc.returncode != 0:
        return None, f"exit {proc.returncode}: {tail}"
    try:
        report = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None, f"no report: {tail}"
    return report, tail


def check_qt(*, script: str = PROBE_SCRIPT, rounds: int = 100, python: str = sys.executable,
             timeout: float = 60.0) -> Check:
    """Import the Qt binding offscreen, make void calls watching None's refcount, draw Vietnamese."""
    report, tail = run_probe(script=script, rounds=rounds, python=python, timeout=timeout)
    tested = tested_version()
    if report is None:
        return Check(NAME, Status.FAIL, texts.QT_CRASHED.format(why=tail), REINSTALL, {"tested": tested},
                     command="./install.sh")
    data = dict(report, tested=tested)
    if "error" in report:
        return Check(NAME, Status.FAIL, texts.QT_CANNOT_LOAD.format(why=report["error"]), REINSTALL, data,
                     command="./install.sh")
    version = f"PySide6 {report['version']} (Qt {report['qt']}): "
    calls = int(report["void_calls"])
    drift = int(report["none_refs_after"]) - int(report["none_refs_before"])
    data["none_refs_drift"] = drift
    tested_note = texts.QT_TESTED.format(tested=tested) if tested else Text("", "")
    # A sound binding leaves the count as it was, give or take what the interpreter itself does meanwhile;
    # the known fault loses one reference per call.
    if abs(drift) >= max(10, calls // 10):
        found = texts.QT_LEAKS.format(drift=drift, calls=calls, note="")
        return Check(NAME, Status.FAIL, _with(version, found, tested_note), REINSTALL, data, command="./install.sh")
    if not report.get("font"):
        return Check(NAME, Status.FAIL, _with(version, texts.QT_NO_FONT, Text("", "")), texts.FIX_QT_FONT, data)
    if report.get("missing_glyphs") or int(report.get("ink_pixels", 0)) < 200:
        missing = "".join(report.get("missing_glyphs") or []) or "—"
        found = texts.QT_NO_VIETNAMESE.format(missing=missing, ink=report.get("ink_pixels"))
        return Check(NAME, Status.FAIL, _with(version, found, Text("", "")), REINSTALL, data, command="./install.sh")
    note = Text("", "") if not tested or tested == report["version"] else tested_note
    if report.get("immortal_none"):
        note = Text(texts.QT_IMMORTAL.vi + note.vi, texts.QT_IMMORTAL.en + note.en)
    return Check(NAME, Status.OK, _with(version, texts.QT_OK.format(calls=calls, note=""), note), data=data)


def _with(prefix: str, text: Text, note: Text) -> Text:
    """The binding's version, what was found, and a note, in both languages."""
    return Text(prefix + text.vi + note.vi, prefix + text.en + note.en)
