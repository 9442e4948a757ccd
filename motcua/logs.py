"""Logging for every role: one format, a level from `--log-level` or MOTCUA_LOG_LEVEL, journal priorities.

Under systemd a role's stderr is the journal (StandardError=journal, also for the GUI apps started through
xinit, which hands its stderr to the app). The journal then stamps each line itself and reads a leading
`<N>` as the syslog priority, so `journalctl -u motcua-hub -p warning` shows warnings and errors only.
"""
from __future__ import annotations

import logging
import os
import sys

LEVELS = ("debug", "info", "warning", "error")
ENV = "MOTCUA_LOG_LEVEL"
_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}


class JournalFormatter(logging.Formatter):
    """`<priority>LEVEL logger: message`; every line of a traceback carries the priority too."""

    def format(self, record: logging.LogRecord) -> str:
        """The record with its syslog priority in front of each line."""
        prefix = f"<{_PRIORITY.get(record.levelno, 6 if record.levelno < logging.WARNING else 3)}>"
        return prefix + super().format(record).replace("\n", "\n" + prefix)


def stderr_is_journal() -> bool:
    """True when stderr is the journal's stream (systemd sets JOURNAL_STREAM=device:inode of it)."""
    value = os.environ.get("JOURNAL_STREAM", "")
    try:
        dev, ino = (int(x) for x in value.split(":"))
        st = os.fstat(sys.stderr.fileno())
    except (ValueError, OSError, AttributeError):
        return False
    return (st.st_dev, st.st_ino) == (dev, ino)


def resolve_level(level: str | None) -> tuple[str, str | None]:
    """The level to use: the option, else MOTCUA_LOG_LEVEL, else info; and a complaint about a bad variable."""
    if level:
        return level.lower(), None
    env = os.environ.get(ENV, "").strip().lower()
    if not env:
        return "info", None
    if env in LEVELS:
        return env, None
    return "info", f"{ENV}={env!r} is not one of {', '.join(LEVELS)}: using info"


def setup(level: str | None = None) -> str:
    """Configure the root logger for a role's process; returns the level name used."""
    name, complaint = resolve_level(level)
    handler = logging.StreamHandler(sys.stderr)
    if stderr_is_journal():
        handler.setFormatter(JournalFormatter("%(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Not forced: when something (a test runner) configured logging already, it stays as it is.
    logging.basicConfig(level=name.upper(), handlers=[handler])
    if complaint:
        logging.getLogger(__name__).warning(complaint)
    return name
