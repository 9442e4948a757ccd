"""Identifiers as UUID text, made for the hot path: random (version 4) and time-ordered (version 7)."""
from __future__ import annotations

import os
import time


def new_uuid() -> str:
    """A random (version 4) UUID in its canonical text form, as `str(uuid.uuid4())` writes it.

    Each ticket and event gets one, so a number issued makes two and a call-next four: this is the same
    122 random bits from os.urandom (a ticket's id is the key of its public tracking page: it must not be
    guessable), without building a `uuid.UUID` (validation, an int round-trip) to throw it away. Callers
    call it as `ids.new_uuid()`, so that a test can make two hubs' ids alike by replacing it here.
    """
    raw = os.urandom(16)
    h = raw.hex()
    # Version nibble 4; variant bits 10 (RFC 9562): the high nibble of byte 8 becomes 8, 9, a or b.
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[(raw[8] >> 4) & 3]}{h[17:20]}-{h[20:]}"


def new_time_uuid(now_ms: int | None = None) -> str:
    """A time-ordered (version 7, RFC 9562) UUID in canonical text form: Unix milliseconds, then 74 random bits.

    For rows the hub writes on every request and nobody looks up from outside (the event log): ids that grow
    with time land on the last page of their unique index, where random ones dirty a page anywhere in it on
    each commit. Never for a ticket or a dossier: their id is the key of a public page
    and must stay unguessable (new_uuid). Order within one millisecond is random (not monotonic); a clock
    stepped back only costs locality, ids stay unique by their random bits. `now_ms` is for tests.
    """
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    raw = (ms & 0xFFFF_FFFF_FFFF).to_bytes(6, "big") + os.urandom(10)
    h = raw.hex()
    # Version nibble 7 before 12 random bits; variant bits 10 as in new_uuid, then 62 random bits.
    return f"{h[:8]}-{h[8:12]}-7{h[13:16]}-{'89ab'[(raw[8] >> 4) & 3]}{h[17:20]}-{h[20:]}"
