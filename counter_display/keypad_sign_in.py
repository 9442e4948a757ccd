"""The clerk's sign-in and sign-out on the call keypad (issue 13), for counter_display.hardware.CounterBridge.

Lines::

    SIGNIN 5 NV001 2468   → OK NV001             the clerk NV001 signs in at counter 5 with PIN 2468
    SIGNOUT 5             → OK SIGNED_OUT
    errors                → ERR WRONG_PIN, ERR LOCKED, ERR BAD_COUNTER, ERR OFFLINE, ERR BAD_COMMAND, ERR HUB
"""
from __future__ import annotations

import re
from typing import Any

SIGN_VERBS = ("SIGNIN", "SIGNOUT")


def redact_pins(data: bytes) -> bytes:
    """A call keypad's bytes with the PIN of any SIGNIN line masked (for the traffic log)."""
    return re.sub(rb"(SIGNIN\s+\d+\s+\S+\s+)\d+", rb"\1****", data, flags=re.IGNORECASE)


def is_sign_line(line: str) -> bool:
    """Whether a call keypad line is a sign-in or sign-out (handled here, not by the call protocol)."""
    return line.strip().upper().split(" ", 1)[0] in SIGN_VERBS


def sign_line(client: Any, line: str, allowed: set[int]) -> str:
    """Act on a SIGNIN / SIGNOUT line of the call keypad; returns the answer line (without CR LF)."""
    from sync.client import HubError, HubUnavailable

    parts = line.strip().split()
    verb = parts[0].upper() if parts else ""
    if not ((verb == "SIGNIN" and len(parts) == 4 and re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", parts[2])
             and re.fullmatch(r"\d{4,8}", parts[3])) or (verb == "SIGNOUT" and len(parts) == 2)):
        return "ERR BAD_COMMAND"
    if not (parts[1].isascii() and parts[1].isdigit() and len(parts[1]) <= 3):
        return "ERR BAD_COMMAND"
    counter = int(parts[1])
    if counter not in allowed:
        return "ERR BAD_COUNTER"
    try:
        if verb == "SIGNIN":
            clerk = client.sign_in(counter, staff=parts[2], pin=parts[3])
            return f"OK {clerk.code}"
        client.sign_out(counter)
        return "OK SIGNED_OUT"
    except HubUnavailable:
        return "ERR OFFLINE"
    except HubError as exc:
        return {"wrong_credentials": "ERR WRONG_PIN", "sign_in_locked": "ERR LOCKED",
                "unknown_counter": "ERR BAD_COUNTER", "forbidden": "ERR BAD_COUNTER"}.get(exc.code, "ERR HUB")
