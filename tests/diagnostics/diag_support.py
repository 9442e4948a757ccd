"""Helpers of the technician-check tests: run diag, pick checks, write device files as a technician would."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.config import hash_pin
from motcua.cli import main

PIN_HASH = hash_pin("2468", iterations=1000, salt="0011223344556677")


def diag(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    """Run `motcua diag --json ARGS`: the exit code and the report."""
    code = main(["diag", "--json", "--timeout", "3", *args])
    return code, json.loads(capsys.readouterr().out)


def checks_named(report: dict, name_en: str) -> list[dict]:
    """The checks of one name (English), in order."""
    return [c for c in report["checks"] if c["name_en"] == name_en or c["name_en"].startswith(name_en + " ")]


def one(report: dict, name_en: str) -> dict:
    """The single check of that name."""
    found = checks_named(report, name_en)
    assert len(found) == 1, [c["name_en"] for c in report["checks"]]
    return found[0]


def kiosk_toml(url: str, token: str, *, printer: str = "dummy:", extra: str = "", cache: Path | None = None) -> str:
    """A kiosk device file the kiosk app accepts."""
    cache_line = f'cache_db = "{cache}"\n' if cache else ""
    return (f'[hub]\nurl = "{url}"\ntoken = "{token}"\n\n[printer]\naddress = "{printer}"\n\n'
            f'[kiosk]\nname = "Ki-ốt sảnh 1"\ntechnician_pin_hash = "{PIN_HASH}"\n{cache_line}{extra}')


def counter_toml(url: str, token: str, *, number: int, extra: str = "") -> str:
    """A counter device file the counter app accepts."""
    return f'[hub]\nurl = "{url}"\ntoken = "{token}"\n\n[counter]\nnumber = {number}\n{extra}'


def board_toml(url: str, token: str, *, extra: str = "") -> str:
    """A lobby board device file the board app accepts."""
    return f'[hub]\nurl = "{url}"\ntoken = "{token}"\n\n[announcer]\nenabled = false\n{extra}'
