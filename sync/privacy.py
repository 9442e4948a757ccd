"""Personal data of dossiers (Decree 13/2023/NĐ-CP): what is personal, masked names, look-up codes, and the
per-address limit on public look-ups. Pure helpers shared by the hub and the reference central server.

A dossier body (what the hub stores and sends upstream) holds the applicant (name, CCCD number, phone,
e-mail, address), the files, the delivery address, a free-text note and the filled declaration form (tờ
khai): those are personal. Its id, codes, procedure, channel and dates are not, and are all that dossier
events, the event log and status views carry.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

PERSONAL_KEYS = ("applicant", "files", "delivery_address", "note", "ticket_id", "declaration")
"""Keys of a dossier body that are personal (or tie the citizen to a ticket): erased at the end of retention."""
SUMMARY_KEYS = ("id", "site", "agency_code", "provisional_code", "procedure", "channel", "submitted_at", "due_at")
"""Keys of a dossier body that name the dossier without saying who submitted it."""

LOOKUP_ALPHABET = "ACDEFGHJKMNPQRTUVWXY346789"
"""Letters and digits nobody confuses when reading a slip aloud or typing it (no 0/O, 1/I/L, 2/Z, 5/S, 8/B)."""
LOOKUP_LENGTH = 6
"""26**6 ≈ 3.1e8 codes: with look-ups limited per address, guessing one takes years."""


def dossier_summary(body: Mapping[str, Any], *, status: str = "submitted") -> dict[str, Any]:
    """What a dossier event says of a dossier: its id, codes, procedure, status and dates — nobody's data."""
    out = {k: body.get(k) for k in SUMMARY_KEYS if k in body}
    out["status"] = status
    return out


def scrub_dossier(body: Mapping[str, Any]) -> dict[str, Any]:
    """A dossier body with its personal fields erased (retention): codes, procedure and dates stay."""
    out = {k: v for k, v in body.items() if k not in PERSONAL_KEYS}
    out["erased"] = True
    return out


def mask_name(name: str) -> str:
    """"Nguyễn Thị Hồng Nhung" -> "Nguyễn T. H. N.": the family name, then initials (enough to recognise one's
    own dossier, not enough to identify a stranger)."""
    words = name.split()
    if not words:
        return ""
    if len(words) == 1:
        return f"{words[0][0].upper()}."
    return " ".join([words[0], *(f"{w[0].upper()}." for w in words[1:])])


def lookup_code(secret: bytes, dossier_id: str) -> str:
    """Mã tra cứu: the short code printed on the slip beside the dossier code (HMAC of the dossier's id under
    the site database's secret, so it is not stored, not guessable from the sequential dossier codes, and the
    same on every reprint or repeated answer)."""
    digest = hmac.new(secret, dossier_id.encode(), hashlib.sha256).digest()
    n = int.from_bytes(digest[:12], "big")
    chars = []
    for _ in range(LOOKUP_LENGTH):
        n, r = divmod(n, len(LOOKUP_ALPHABET))
        chars.append(LOOKUP_ALPHABET[r])
    return "".join(chars)


def normalize_lookup_code(text: str) -> str:
    """What a citizen typed, as a code: upper case, without spaces or dashes."""
    return re.sub(r"[\s-]+", "", text).upper()[:32]


def lookup_code_matches(secret: bytes, dossier_id: str, typed: str) -> bool:
    """Whether a typed look-up code is the dossier's (constant-time)."""
    return hmac.compare_digest(lookup_code(secret, dossier_id).encode(), normalize_lookup_code(typed).encode())


class AddressLimiter:
    """A token bucket per client address: `burst` look-ups at once, then `per_minute` (public look-ups).

    Times come from the caller (the hub's clock), so tests advance a clock instead of sleeping. At most
    `max_addresses` buckets are kept: when full, the buckets that have refilled are dropped first.
    """

    def __init__(self, *, burst: int, per_minute: float, max_addresses: int = 10000) -> None:
        self.burst = burst
        self.per_minute = per_minute
        self.max_addresses = max_addresses
        self._buckets: dict[str, tuple[float, float]] = {}

    def _level(self, address: str, now: float) -> float:
        tokens, last = self._buckets.get(address, (float(self.burst), now))
        return min(float(self.burst), tokens + max(0.0, now - last) * self.per_minute / 60.0)

    def available(self, address: str, now: float) -> bool:
        """Whether `address` has a look-up left at time `now` (False: answer 429)."""
        return self._level(address, now) >= 1.0

    def take(self, address: str, now: float) -> None:
        """Use one of `address`'s look-ups."""
        tokens = self._level(address, now)
        if address not in self._buckets and len(self._buckets) >= self.max_addresses:
            self._prune(now)
        self._buckets[address] = (max(0.0, tokens - 1.0), now)

    def allow(self, address: str, now: float) -> bool:
        """Take one look-up for `address` if it has one left; False when it has none (answer 429)."""
        if not self.available(address, now):
            return False
        self.take(address, now)
        return True

    def retry_after(self, address: str, now: float) -> float:
        """Seconds until `address` has a look-up again (0 when it has one now): a 429's Retry-After."""
        missing = 1.0 - self._level(address, now)
        return max(0.0, missing * 60.0 / self.per_minute) if self.per_minute > 0 else float("inf")

    def _prune(self, now: float) -> None:
        full = [a for a, (t, last) in self._buckets.items()
                if t + (now - last) * self.per_minute / 60.0 >= self.burst]
        for a in full:
            del self._buckets[a]
        if len(self._buckets) >= self.max_addresses:
            # Still full (an address sweep): forget the oldest half rather than grow without bound.
            for a, _ in sorted(self._buckets.items(), key=lambda kv: kv[1][1])[: self.max_addresses // 2]:
                del self._buckets[a]
