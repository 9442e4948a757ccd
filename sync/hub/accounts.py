"""Tài khoản cán bộ cho trang quản lý: the console's staff accounts are issue 13's clerks with a role and a password.

One table (`staff`) for everyone who works at the center: a clerk signs in at a counter with a PIN or a card;
a manager or an admin signs in to the console (/console) with their staff code and a password. Passwords
are stored like PINs, as `hash_secret` (hashlib.scrypt, a random 16-byte salt per hash, N=2^14): the
standard library's memory-hard hash, already used for PINs, so no second format and no new dependency.
Checks run off the event loop (~50 ms each). Written by `motcua staff add|password|role|disable`.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.hub.staff import CODE_PATTERN, STAFF_ROLES, check_password, hash_secret, verify_secret
from sync.store import migrate

CONSOLE_ROLES = frozenset({"manager", "admin"})
"""Roles of staff accounts that may open the console."""
_DUMMY = hash_secret("not a password of anyone")
"""Checked for an unknown staff code, so that the answer's timing does not tell which codes exist."""


@dataclass(frozen=True, slots=True)
class Account:
    """A staff member who may open the console (never their password)."""

    code: str
    name: str
    role: str


def _update(path: str | Path, sql: str, params: tuple[Any, ...]) -> bool:
    db = migrate(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        n = db.conn.execute(sql, params).rowcount
        db.conn.execute("COMMIT")
    finally:
        db.conn.close()
    return bool(n)


def set_password(path: str | Path, code: str, password: str) -> bool:
    """`motcua staff password`: a new console password for an active staff member; False if there is none."""
    check_password(password)
    return _update(path, "UPDATE staff SET password_hash = ? WHERE code = ? AND disabled_at IS NULL",
                   (hash_secret(password), code))


def set_role(path: str | Path, code: str, role: str) -> bool:
    """`motcua staff role`: clerk, manager or admin; False if there is no active staff member of that code."""
    if role not in STAFF_ROLES:
        raise ValueError(f"--role: one of {', '.join(STAFF_ROLES)}")
    return _update(path, "UPDATE staff SET role = ? WHERE code = ? AND disabled_at IS NULL", (role, code))


class Accounts:
    """The console's look-ups of staff accounts on a running hub (its reader connection)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def active(self, code: str) -> Account | None:
        """The account if it is still active and may open the console (checked on every console request)."""
        rows = self.store.read("SELECT code, name, role FROM staff WHERE code = ? AND disabled_at IS NULL "
                               "AND password_hash IS NOT NULL", (code,))
        if not rows or rows[0][2] not in CONSOLE_ROLES:
            return None
        return Account(str(rows[0][0]), str(rows[0][1]), str(rows[0][2]))

    async def check(self, code: str, password: str) -> Account | None:
        """The account whose code and password these are, if it may open the console; None otherwise."""
        valid_code = bool(re.fullmatch(CODE_PATTERN, code)) and 0 < len(password) <= 1024
        rows = self.store.read("SELECT code, name, role, password_hash FROM staff WHERE code = ? "
                               "AND disabled_at IS NULL", (code,)) if valid_code else []
        stored = str(rows[0][3]) if rows and rows[0][3] else _DUMMY
        loop = asyncio.get_running_loop()
        ok = await loop.run_in_executor(None, verify_secret, password[:1024], stored)
        if not ok or not rows or rows[0][2] not in CONSOLE_ROLES:
            return None
        return Account(str(rows[0][0]), str(rows[0][1]), str(rows[0][2]))
