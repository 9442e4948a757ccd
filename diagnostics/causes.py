"""Why a network call failed, in plain words: refused, timed out, name not found, TLS, 401, 403, 404…

`requests` wraps the real cause several layers deep (ConnectionError → MaxRetryError →
NewConnectionError → ConnectionRefusedError), and the hub's relay keeps only the message. Both are
read here, so the technician sees "connection refused" rather than "ConnectionError".
"""
from __future__ import annotations

import errno
import re
import socket
import ssl
from collections.abc import Iterator
from typing import NamedTuple

from diagnostics import texts
from diagnostics.texts import Text


class Cause(NamedTuple):
    """A failure's kind (a stable code for scripts) and its words."""

    code: str
    """refused, timeout, name, untrusted (a certificate that does not verify), tls (any other TLS failure: an
    https mix-up), reset, unreachable, bad_url, http_401, http_403, http_404, http, other."""
    text: Text


def http_cause(status: int) -> Cause:
    """An HTTP error status in words."""
    words = {401: texts.CAUSE_401, 403: texts.CAUSE_403, 404: texts.CAUSE_404}
    if status in words:
        return Cause(f"http_{status}", words[status])
    return Cause("http", texts.CAUSE_HTTP.format(status=status))


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and what urllib3 keeps in `reason` and `args`."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        for nxt in (e.__cause__, e.__context__, getattr(e, "reason", None), *getattr(e, "args", ())):
            if isinstance(nxt, BaseException):
                todo.append(nxt)


def cause_of(exc: BaseException) -> Cause:
    """The real cause of a failed call, from the exception chain (then from its text)."""
    chain = list(_chain(exc))
    for e in chain:
        if isinstance(e, socket.gaierror):
            return Cause("name", texts.CAUSE_NAME.format(host=_host_in(str(exc)) or "?"))
        if isinstance(e, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(e):
            return Cause("untrusted", texts.CAUSE_UNTRUSTED)
        if isinstance(e, ssl.SSLError) or type(e).__name__ == "SSLError":
            return Cause("tls", texts.CAUSE_TLS)
        if isinstance(e, ConnectionRefusedError):
            return Cause("refused", texts.CAUSE_REFUSED)
        if isinstance(e, TimeoutError) or "Timeout" in type(e).__name__:
            return Cause("timeout", texts.CAUSE_TIMEOUT)
        if isinstance(e, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
            return Cause("reset", texts.CAUSE_RESET)
        if isinstance(e, OSError) and e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return Cause("unreachable", texts.CAUSE_UNREACHABLE)
        if type(e).__name__ in ("InvalidURL", "MissingSchema", "InvalidSchema", "LocationParseError"):
            return Cause("bad_url", texts.CAUSE_BAD_URL)
        status = getattr(getattr(e, "response", None), "status_code", None)
        if isinstance(status, int) and status >= 400:
            return http_cause(status)
    found = cause_in_text(" ".join(f"{type(e).__name__}: {e}" for e in chain))
    return found or Cause("other", texts.CAUSE_OTHER.format(name=type(exc).__name__))


#: Patterns in a failure's message (the relay's `last_error`), most specific first.
_PATTERNS: list[tuple[str, str]] = [
    (r"HTTP 401\b", "http_401"), (r"HTTP 403\b", "http_403"), (r"HTTP 404\b", "http_404"),
    (r"HTTP (5\d\d)\b", "http"),
    (r"Name or service not known|Temporary failure in name resolution|NameResolutionError|"
     r"Failed to resolve|nodename nor servname|getaddrinfo failed", "name"),
    (r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|certificate is not trusted|certificate not trusted",
     "untrusted"),
    (r"SSLError|SSL:|WRONG_VERSION_NUMBER", "tls"),
    (r"Connection refused|Errno 111\]|ECONNREFUSED", "refused"),
    (r"timed out|Timeout|ETIMEDOUT", "timeout"),
    (r"No route to host|Network is unreachable|Errno 11[03]\]|Errno 101\]", "unreachable"),
    (r"Connection reset|Connection aborted|RemoteDisconnected|ECONNRESET", "reset"),
]


def cause_in_text(message: str) -> Cause | None:
    """The cause named in a failure's message, or None when it names none we know."""
    for pattern, code in _PATTERNS:
        m = re.search(pattern, message)
        if m is None:
            continue
        if code.startswith("http_"):
            return http_cause(int(code[5:]))
        if code == "http":
            return http_cause(int(m.group(1)))
        return Cause(code, {"name": texts.CAUSE_NAME.format(host=_host_in(message) or "?"),
                            "tls": texts.CAUSE_TLS, "untrusted": texts.CAUSE_UNTRUSTED,
                            "refused": texts.CAUSE_REFUSED, "timeout": texts.CAUSE_TIMEOUT,
                            "unreachable": texts.CAUSE_UNREACHABLE, "reset": texts.CAUSE_RESET}[code])
    return None


def _host_in(message: str) -> str | None:
    m = re.search(r"host='([^']+)'", message) or re.search(r"Failed to resolve '([^']+)'", message)
    return m.group(1) if m else None
