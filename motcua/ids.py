"""Random identifiers: version-4 UUIDs as text, made for the hot path."""
from __future__ import annotations

import os


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
