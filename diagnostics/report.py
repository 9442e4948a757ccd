"""The technician's report: a check's result, the text and JSON forms, and what this machine runs."""
from __future__ import annotations

import enum
import importlib.metadata
import logging
import platform
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from diagnostics import texts
from diagnostics.texts import Text
from motcua import __version__

log = logging.getLogger(__name__)


class Status(enum.Enum):
    """How a check came out."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


MARK = {Status.OK: "✔", Status.WARN: "!", Status.FAIL: "✘", Status.SKIP: "·"}


@dataclass
class Check:
    """One check's result: what was looked at, how it came out, what to do (and a command for it)."""

    name: Text
    status: Status
    detail: Text | str = ""
    """What was found: words in both languages (a Text), or language-free facts (paths, versions)."""
    advice: Text | None = None
    data: dict[str, Any] = field(default_factory=dict)
    command: str | None = None
    """A command that fixes or tests it, printed on its own line under the advice."""

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        d = self.detail
        return {"name": self.name.vi, "name_en": self.name.en, "status": self.status.value, "detail": str(d),
                "detail_vi": d.vi if isinstance(d, Text) else d, "detail_en": d.en if isinstance(d, Text) else d,
                "advice": None if self.advice is None else {"vi": self.advice.vi, "en": self.advice.en},
                "command": self.command, "data": self.data}


def _check(name: Text, fn: Callable[[], Check | list[Check]]) -> list[Check]:
    """Run one check; a check that breaks is itself a finding (in plain words), never a traceback."""
    try:
        out = fn()
    except Exception as exc:  # noqa: BLE001
        from diagnostics.causes import cause_of

        log.debug("check %s broke", name.en, exc_info=True)
        return [Check(name, Status.FAIL, f"{texts.CHECK_BROKE}: {cause_of(exc).text}", texts.FIX_CHECK_BROKE,
                      {"exception": f"{type(exc).__name__}: {exc}"})]
    return out if isinstance(out, list) else [out]


def versions() -> dict[str, str | None]:
    """motcua-edge, Python, the Qt binding and the libraries the devices lean on (None: not installed)."""
    out: dict[str, str | None] = {"motcua-edge": __version__, "python": platform.python_version(),
                                  "sqlite": sqlite3.sqlite_version}
    for dist in ("PySide6-Essentials", "PySide6", "fastapi", "uvicorn", "pydantic", "requests", "python-escpos",
                 "pyserial", "zxing-cpp", "opencv-python-headless", "opencv-python", "Pillow", "holidays",
                 "orjson", "sqlite-utils"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            if not dist.startswith(("opencv", "PySide6")):
                out[dist] = None
    try:
        # QtCore only (no GUI, no display): the version of the Qt libraries the binding actually loaded.
        from PySide6 import QtCore

        out["qt"] = QtCore.qVersion()
    except Exception:  # noqa: BLE001 - a binding that fails to load is reported by the library check
        out["qt"] = None
    return out


@dataclass
class Report:
    """Everything one run found, with where and when."""

    checks: list[Check]
    config: str | None = None
    kind: str | None = None
    time: str = field(default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds"))
    host: str = field(default_factory=socket.gethostname)

    @property
    def failed(self) -> int:
        """How many checks failed."""
        return sum(c.status is Status.FAIL for c in self.checks)

    @property
    def warned(self) -> int:
        """How many checks want a look."""
        return sum(c.status is Status.WARN for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        """The --json document."""
        return {"ok": self.failed == 0, "time": self.time, "host": self.host, "config": self.config,
                "kind": self.kind, "versions": versions(), "platform": platform.platform(),
                "counts": {s.value: sum(c.status is s for c in self.checks) for s in Status},
                "checks": [c.as_dict() for c in self.checks]}

    def lines(self) -> list[str]:
        """The text form: every line in Vietnamese with English (commands stand alone, after "$")."""
        out = [texts.HEADER.format(host=self.host, time=self.time)]
        if self.config:
            kind = texts.KIND.get(self.kind or "", Text("?", "?"))
            out.append(texts.HEADER_FILE.format(path=self.config, kind=kind))
        out.append("")
        for c in self.checks:
            out.append(f"{MARK[c.status]} {c.name.vi} / {c.name.en}: {c.detail}")
            if c.status in (Status.FAIL, Status.WARN):
                if c.advice is not None:
                    out.append(f"    → {c.advice.vi} / {c.advice.en}")
                if c.command:
                    out.append(f"      $ {c.command}")
        out.append("")
        if self.failed:
            out.append(str(texts.RESULT_BAD.format(fail=self.failed)))
        elif self.warned:
            out.append(str(texts.RESULT_WARN.format(warn=self.warned)))
        else:
            out.append(str(texts.RESULT_OK))
        return out

