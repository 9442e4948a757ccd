"""The central store's plumbing, shared by the store and its payments: the error the server answers with,
the canonical JSON and hashes idempotency compares, and the write transaction."""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from typing import Any, Protocol

import orjson


class CentralError(Exception):
    """A request the central server refuses: HTTP `status`, stable `code`, a message for people."""

    def __init__(self, status: int, code: str, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.extra = extra or {}


def canonical(obj: Any) -> bytes:
    """The canonical JSON of a body (sorted keys): what idempotency hashes compare."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


def body_hash(obj: Any) -> str:
    """sha256 of the canonical JSON."""
    return hashlib.sha256(canonical(obj)).hexdigest()


def hash_token(token: str) -> str:
    """Site tokens are stored as their sha256."""
    return hashlib.sha256(token.encode()).hexdigest()


class Connected(Protocol):
    """A store with one connection and the lock that guards it (CentralStore)."""

    conn: sqlite3.Connection
    lock: threading.RLock


class Tx:
    """BEGIN IMMEDIATE ... COMMIT under the store's lock (ROLLBACK on error)."""

    def __init__(self, store: Connected) -> None:
        self.store = store

    def __enter__(self) -> None:
        self.store.lock.acquire()
        try:
            self.store.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.store.lock.release()
            raise

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                self.store.conn.execute("COMMIT")
            else:
                try:
                    self.store.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
        finally:
            self.store.lock.release()
