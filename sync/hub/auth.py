"""Device tokens: who is calling (role, name, counter) and whether that role may do this."""
from __future__ import annotations

from dataclasses import dataclass

from sync.hub.errors import ApiError
from sync.store import SiteStore


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a device token's role, name and (for a counter) its counter number."""

    role: str
    name: str
    counter: int | None = None


class TokenCache:
    """Token hash lookups, cached (tokens made while the hub runs are found on first use)."""

    def __init__(self, store: SiteStore, static: dict[str, Principal] | None = None) -> None:
        self.store = store
        self.cache: dict[str, Principal | None] = dict(static or {})

    def get(self, token: str) -> Principal | None:
        """The principal of a token, or None."""
        if token in self.cache:
            p = self.cache[token]
            if p is not None:
                return p
        found = self.store.token_lookup(token)
        p = Principal(*found) if found else None
        if p is not None or len(self.cache) < 10000:
            self.cache[token] = p
        return p


ROLE_NAMES = {"kiosk": "ki-ốt", "board": "màn hình", "counter": "quầy", "admin": "quản trị"}


def authorize(tokens: TokenCache, token: str | None, allowed: frozenset[str]) -> Principal:
    """The caller of a request from its bearer token; ApiError 401 or 403 when it may not."""
    if not token:
        raise ApiError(401, "unauthorized", "Thiếu mã thiết bị / missing device token (Authorization: Bearer)")
    p = tokens.get(token)
    if p is None:
        raise ApiError(401, "unauthorized", "Mã thiết bị không hợp lệ / invalid device token")
    if p.role not in allowed and p.role != "admin":
        raise ApiError(403, "forbidden", f"Vai trò {ROLE_NAMES.get(p.role, p.role)} không được phép / "
                                         f"the {p.role} role may not do this")
    return p


def own_counter(p: Principal, n: int) -> None:
    """A counter token bound to a counter may act only on that counter (403 otherwise)."""
    if p.role == "counter" and p.counter is not None and p.counter != n:
        raise ApiError(403, "forbidden", f"Mã này chỉ dùng cho quầy {p.counter} / this token is for counter {p.counter}")


ISSUERS = frozenset({"kiosk", "counter"})
"""Roles that may issue numbers and submit dossiers."""
CLERKS = frozenset({"counter"})
"""Roles that act on counters."""
