"""Device tokens: who is calling (role, name, counter scope), whether the token still holds (revoked,
expired), whether that role may do this, and a brake on clients that keep failing to authenticate."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from motcua.clock import Clock
from sync.hub.errors import ApiError
from sync.store import SiteStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a device token's role, name and counter scope (never the secret)."""

    role: str
    name: str
    counter: int | None = None
    """A counter token bound to this counter acts on it only."""
    any_counter: bool = False
    """A counter token made with --any-counter acts on every counter; unbound and without it, on none."""
    token_id: str = ""
    """The token's id as `motcua token list` shows it (empty for tokens given in code)."""
    expires_at: float | None = None


class TokenCache:
    """Token look-ups by hash, cached; `refresh` drops the cache when any token changed in the database.

    Hazard: the cache is what makes a revocation slow to bite. `motcua token revoke|rotate` write the
    database from another process and bump a generation number in the same transaction; the hub reads
    that number every half second (Hub._watch_tokens), off the request path, and forgets what it knew.
    """

    MAX_CACHED = 10000

    def __init__(self, store: SiteStore, static: dict[str, Principal] | None = None) -> None:
        self.store = store
        self.static = dict(static or {})
        self.cache: dict[str, Principal] = {}
        self.generation = store.tokens_generation()

    def get(self, token: str) -> Principal | None:
        """The principal of an unrevoked token (perhaps expired: see Principal.expires_at), or None."""
        p = self.cache.get(token) or self.static.get(token)
        if p is not None:
            return p
        # Unknown tokens are not cached: a token made while the hub runs works on first use, and the
        # failure limiter keeps a guesser from turning these look-ups into a flood.
        rec = self.store.token_record(token)
        if rec is None:
            return None
        p = Principal(rec.role, rec.name, rec.counter, rec.any_counter, rec.id, rec.expires_at)
        if len(self.cache) >= self.MAX_CACHED:
            self.cache.clear()
        self.cache[token] = p
        return p

    def changed(self, generation: int) -> bool:
        """Forget every cached token if the tokens' generation moved (on the loop); True if it did."""
        if generation == self.generation:
            return False
        self.generation = generation
        self.cache.clear()
        return True


class FailureLimiter:
    """Failed authentications per client address: a burst, then one every `60 / per_minute` seconds.

    A token bucket per address: each failure takes one; an empty bucket refuses the address (429 with
    Retry-After) until it refills, without looking at the token it sends, so guessing stays slow.
    """

    MAX_ADDRESSES = 4096

    def __init__(self, clock: Clock, *, burst: int, per_minute: float) -> None:
        self.clock = clock
        self.burst = self.rate = 0.0
        self.configure(burst=burst, per_minute=per_minute)
        self.buckets: dict[str, tuple[float, float]] = {}
        """address -> (failures it may still make, when that was counted)."""

    def configure(self, *, burst: int, per_minute: float) -> None:
        """Set the burst and the rate ([limits] of the site file, also on a reload)."""
        self.burst = float(burst)
        self.rate = per_minute / 60.0

    def _level(self, address: str, now: float) -> float:
        entry = self.buckets.get(address)
        if entry is None:
            return self.burst
        level, at = entry
        return min(self.burst, level + max(0.0, now - at) * self.rate)

    def retry_after(self, address: str) -> float:
        """Seconds until this address may try again (0: it may now)."""
        if address not in self.buckets:  # the common case: one dict look-up
            return 0.0
        level = self._level(address, self.clock.time())
        return 0.0 if level >= 1.0 else (1.0 - level) / self.rate

    def failed(self, address: str) -> bool:
        """Count one failure; True when it emptied the bucket (the address is refused from now on)."""
        now = self.clock.time()
        level = self._level(address, now) - 1.0
        if len(self.buckets) >= self.MAX_ADDRESSES and address not in self.buckets:
            # Forget addresses that have refilled (they are as good as new) before adding one more.
            self.buckets = {a: e for a, e in self.buckets.items() if self._level(a, now) < self.burst}
        self.buckets[address] = (level, now)
        return level < 1.0


ROLE_NAMES = {"kiosk": "ki-ốt", "board": "màn hình", "counter": "quầy", "admin": "quản trị", "metrics": "giám sát",
              "manager": "quản lý"}


def authenticate(tokens: TokenCache, limiter: FailureLimiter | None, clock: Clock, token: str | None, *,
                 client: str = "", route: str = "") -> Principal:
    """The caller of a request from its bearer token; ApiError 401 (or 429 after repeated failures).

    Failures are logged with the client's address, the route and the reason, never the token.
    """
    if limiter is not None and client:
        wait = limiter.retry_after(client)
        if wait > 0:
            raise ApiError(429, "too_many_failures", "Sai mã thiết bị quá nhiều lần, xin thử lại sau / "
                           "too many failed authentications from this address, retry later",
                           headers={"Retry-After": str(max(1, math.ceil(wait)))})
    if not token:
        _failed(limiter, client, route, "no bearer token")
        raise ApiError(401, "unauthorized", "Thiếu mã thiết bị / missing device token (Authorization: Bearer)")
    p = tokens.get(token)
    if p is None:
        # Only failures pay for this second look-up (and they are limited): say "revoked" when it is.
        revoked = tokens.store.revoked_token(token)
        if revoked is not None:
            _failed(limiter, client, route, f"revoked token {revoked.id} ({revoked.name!r})")
            raise ApiError(401, "revoked", "Mã thiết bị đã bị thu hồi / the device token was revoked")
        _failed(limiter, client, route, "unknown token")
        raise ApiError(401, "unauthorized", "Mã thiết bị không hợp lệ / invalid device token")
    if p.expires_at is not None and clock.time() >= p.expires_at:
        _failed(limiter, client, route, f"expired token {p.token_id} ({p.name!r})")
        raise ApiError(401, "token_expired", "Mã thiết bị đã hết hạn / the device token has expired")
    return p


def _failed(limiter: FailureLimiter | None, client: str, route: str, reason: str) -> None:
    # %r: the route comes from the request line and may hold anything, newlines included.
    log.warning("failed authentication from %s on %r: %s", client or "?", route, reason)
    if limiter is not None and client and limiter.failed(client):
        log.warning("refusing %s for a while after %d failed authentications", client, int(limiter.burst))


def check_role(p: Principal, allowed: frozenset[str]) -> Principal:
    """The principal if its role may do this (admin may do everything); ApiError 403 otherwise."""
    if p.role not in allowed and p.role != "admin":
        raise ApiError(403, "forbidden", f"Vai trò {ROLE_NAMES.get(p.role, p.role)} không được phép / "
                                         f"the {p.role} role may not do this")
    return p


def authorize(tokens: TokenCache, token: str | None, allowed: frozenset[str], *, clock: Clock,
              limiter: FailureLimiter | None = None, client: str = "", route: str = "") -> Principal:
    """authenticate, then check_role."""
    return check_role(authenticate(tokens, limiter, clock, token, client=client, route=route), allowed)


def own_counter(p: Principal, n: int) -> None:
    """A counter token acts only on its own counter, or on any with --any-counter (403 otherwise)."""
    if p.role != "counter":
        return
    if p.counter is not None:
        if p.counter != n:
            raise ApiError(403, "forbidden", f"Mã này chỉ dùng cho quầy {p.counter} / this token is for counter {p.counter}")
    elif not p.any_counter:
        raise ApiError(403, "no_counter", "Mã quầy này không gắn với quầy nào (tạo lại với --counter N) / "
                                          "this counter token is bound to no counter (make it with --counter N "
                                          "or --any-counter)")


ISSUERS = frozenset({"kiosk", "counter"})
"""Roles that may issue numbers and submit dossiers."""
CLERKS = frozenset({"counter"})
"""Roles that act on counters."""
