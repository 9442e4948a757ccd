"""Device tokens in the site database: made, listed, revoked and rotated (only their SHA-256 is stored)."""
from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.store.schema import StoreError, migrate

ROLES = ("kiosk", "board", "counter", "admin", "metrics", "manager")
"""Token roles; `metrics` may only read /metrics (a Prometheus server's token); `manager` may only open the
manager's console (/console: live view, reports, forecast)."""



def hash_token(token: str) -> str:
    """Tokens are stored as their SHA-256, never in clear."""
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN_ID_LEN = 12
"""A token's id (shown by `token list`, given to `revoke` and `rotate`): the first hex digits of its hash."""


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """A device token as stored: never the secret, only what it allows."""

    id: str
    role: str
    name: str
    counter: int | None
    any_counter: bool
    expires_at: float | None


def _bump_tokens_generation(conn: sqlite3.Connection) -> None:
    # In the same transaction as the token change: a hub that sees the new number sees the change.
    conn.execute("INSERT INTO meta (key, value) VALUES ('tokens_generation', '1') ON CONFLICT(key) DO UPDATE "
                 "SET value = CAST(value AS INTEGER) + 1")


def _check_scope(role: str, counter: int | None, any_counter: bool) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (counter is not None or any_counter) and role != "counter":
        raise ValueError("--counter and --any-counter are for counter tokens")
    if counter is not None and any_counter:
        raise ValueError("give either --counter N or --any-counter, not both")
    if counter is not None and not 0 < counter < 1_000_000:
        raise ValueError("--counter: expected a counter number from 1")


def _insert_token(conn: sqlite3.Connection, *, role: str, name: str, counter: int | None, any_counter: bool,
                  expires_at: float | None, now: float) -> str:
    token = f"{role}_{secrets.token_urlsafe(24)}"
    conn.execute("INSERT INTO tokens (hash, role, name, counter, any_counter, expires_at, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (hash_token(token), role, name, counter, int(any_counter), expires_at, now))
    return token


def create_token(path: str | Path, *, role: str, name: str, counter: int | None = None, any_counter: bool = False,
                 expires_at: float | None = None, now: float | None = None) -> str:
    """Make a new device token and store its hash (the token itself is shown once).

    A counter token acts on counter `counter` only, or on any counter with `any_counter`; with neither it
    reads and issues numbers but acts on no counter.
    """
    _check_scope(role, counter, any_counter)
    db = migrate(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        token = _insert_token(db.conn, role=role, name=name, counter=counter, any_counter=any_counter,
                              expires_at=expires_at, now=time.time() if now is None else now)
        _bump_tokens_generation(db.conn)
        db.conn.execute("COMMIT")
    finally:
        db.conn.close()
    return token


def _id_pattern(token_id: str) -> str:
    # A short or empty id would match many tokens (LIKE 'ab%', or '%' for all of them): refuse it.
    if not re.fullmatch(r"[0-9a-f]{8,64}", token_id):
        raise StoreError(f"token id {token_id!r}: expected the id shown by `motcua token list` (12 hex digits)")
    return token_id + "%"


def list_tokens(path: str | Path) -> list[dict[str, Any]]:
    """Tokens (without their secret) for the admin."""
    db = migrate(path)
    rows = list(db["tokens"].rows)
    db.conn.close()
    return [{k: v for k, v in r.items() if k != "hash"} | {"id": r["hash"][:TOKEN_ID_LEN]} for r in rows]


def revoke_token(path: str | Path, token_id: str, *, now: float | None = None) -> int:
    """Revoke tokens whose id starts with token_id; returns how many (a running hub stops taking them within a second)."""
    pattern = _id_pattern(token_id)
    db = migrate(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        n = db.conn.execute("UPDATE tokens SET revoked_at = ? WHERE hash LIKE ? AND revoked_at IS NULL",
                            (time.time() if now is None else now, pattern)).rowcount
        if n:
            _bump_tokens_generation(db.conn)
        db.conn.execute("COMMIT")
    finally:
        db.conn.close()
    return n


KEEP_EXPIRY: Any = object()
"""rotate_token's default: the new token expires when the old one would have."""


def rotate_token(path: str | Path, token_id: str, *, expires_at: float | None | Any = KEEP_EXPIRY,
                 grace_s: float = 0.0, now: float | None = None) -> tuple[str, dict[str, Any]]:
    """A new secret for the same device (role, name, counter scope); the old one stops working after grace_s.

    Returns the new token and the old one's listing. With grace_s = 0 (the default) the old secret is
    revoked in the same transaction: a rotation is usually made because a secret may have leaked.
    """
    pattern = _id_pattern(token_id)
    at = time.time() if now is None else now
    db = migrate(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            rows = db.conn.execute("SELECT hash, role, name, counter, any_counter, expires_at FROM tokens "
                                   "WHERE hash LIKE ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                                   (pattern, at)).fetchall()
            if len(rows) != 1:
                raise StoreError(f"token id {token_id!r}: {'no active token' if not rows else 'several tokens'} "
                                 "with this id (see `motcua token list`)")
            h, role, name, counter, any_counter, old_expiry = rows[0]
            new_expiry = old_expiry if expires_at is KEEP_EXPIRY else expires_at
            token = _insert_token(db.conn, role=role, name=name, counter=counter, any_counter=bool(any_counter),
                                  expires_at=new_expiry, now=at)
            if grace_s > 0:
                until = at + grace_s if old_expiry is None else min(old_expiry, at + grace_s)
                db.conn.execute("UPDATE tokens SET expires_at = ? WHERE hash = ?", (until, h))
            else:
                db.conn.execute("UPDATE tokens SET revoked_at = ? WHERE hash = ?", (at, h))
            _bump_tokens_generation(db.conn)
            db.conn.execute("COMMIT")
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
    finally:
        db.conn.close()
    return token, {"id": h[:TOKEN_ID_LEN], "role": role, "name": name, "counter": counter,
                   "any_counter": bool(any_counter), "expires_at": new_expiry}
